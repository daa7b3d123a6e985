"""`yizhan kiosk` as staff run it, and a real kiosk server killed with SIGKILL under 50 concurrent clients."""

from __future__ import annotations

import csv
import datetime as dt
import http.client
import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from click.testing import CliRunner

from kiosk.form import CHINA, new_record
from kiosk.pin import PIN_FILE, load_pin
from tests.helpers import STATION, network
from yizhan.checkins.passwords import secret_matches
from yizhan.checkins.records import COLUMNS, mark_confirmed
from yizhan.checkins.rows import read_rows
from yizhan.checkins.store import CheckinStore
from yizhan.cli import main
from yizhan.errors import YizhanError

FORM = {"name": "张三", "phone": "13812345678", "home_org": "某村党支部", "purpose": "报到登记", "note": ""}
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def invoke(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.output


def test_station_is_required_and_must_exist(tmp_path: Path) -> None:
    network(tmp_path / "stations")
    assert invoke("kiosk") == (1, "--station ID is required: the id of the station this tablet serves\n")
    code, out = invoke("kiosk", "--station", "nope", "--stations", str(tmp_path / "stations"))
    assert (code, out) == (1, f"unknown station 'nope': no station file in {tmp_path / 'stations'} has this id\n")
    assert not (tmp_path / "checkins").exists()


def test_set_pin_stores_only_a_salted_hash(tmp_path: Path) -> None:
    pin_file = tmp_path / "pin.txt"
    pin_file.write_text("20260616\n")
    data = tmp_path / "data"
    code, out = invoke("kiosk", "set-pin", "--data-dir", str(data), "--pin-file", str(pin_file))
    assert (code, out) == (0, f"Staff PIN set ({data / PIN_FILE}). A running kiosk uses it from the next login.\n")
    assert oct((data / PIN_FILE).stat().st_mode & 0o777) == "0o600"
    assert "20260616" not in (data / PIN_FILE).read_text()
    stored = load_pin(data)
    assert stored is not None and secret_matches(stored, "20260616") and not secret_matches(stored, "20260617")
    first = stored
    code, _ = invoke("kiosk", "set-pin", "--data-dir", str(data), input="13572468\n13572468\n")
    stored = load_pin(data)
    assert code == 0 and stored is not None and secret_matches(stored, "13572468")
    assert stored.split("$")[4] != first.split("$")[4]  # a fresh salt


def test_set_pin_refuses_weak_or_missing_input(tmp_path: Path) -> None:
    pin_file = tmp_path / "pin.txt"
    pin_file.write_text("1234\n")
    code, out = invoke("kiosk", "set-pin", "--data-dir", str(tmp_path / "d"), "--pin-file", str(pin_file))
    assert (code, out) == (1, "the PIN must be 6 to 12 digits\n")
    assert invoke("kiosk", "set-pin") == (1, "give --data-dir DIR (or --station ID for checkins/ID/)\n")


def test_file_system_errors_are_messages_not_tracebacks(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x\n")
    pin = tmp_path / "pin.txt"
    pin.write_text("246810\n")
    code, out = invoke("kiosk", "set-pin", "--data-dir", str(tmp_path / "a-file"), "--pin-file", str(pin))
    assert (code, out) == (1, f"cannot write the PIN into {tmp_path / 'a-file'}: File exists\n")
    (tmp_path / "d" / "checkins.csv").mkdir(parents=True)
    code, out = invoke("kiosk", "purge", "--older-than", "30", "--data-dir", str(tmp_path / "d"))
    assert (code, out) == (1, f"cannot purge {tmp_path / 'd'}: Is a directory\n")


def test_purge_command(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = CheckinStore(data)
    store.open()
    now = dt.datetime.now(CHINA)
    rows = [new_record(FORM, "s", "kiosk", "t", now - dt.timedelta(days=d)) for d in (40, 40, 35, 1)]
    for r in rows:
        store.add(r)
    store.close()
    mark_confirmed(data, [rows[0]["checkin_id"], rows[1]["checkin_id"], rows[3]["checkin_id"]])
    code, out = invoke("kiosk", "purge", "--older-than", "30", "--data-dir", str(data))
    assert (code, out) == (
        0,
        ("Removed 2 check-in(s) confirmed by the hub and older than 30 days; kept 2 (1 of them older but not confirmed by the hub yet).\n"),
    )
    assert [row for _, row in read_rows(data / "checkins.csv")] == rows[2:]
    assert invoke("kiosk", "purge", "--older-than", "30", "--data-dir", str(tmp_path / "none"))[0] == 1
    assert invoke("kiosk", "purge", "--older-than", "-1", "--data-dir", str(data))[0] == 2


def start(project: Path, *more: str) -> tuple[subprocess.Popen[str], str, list[str]]:
    """Start `yizhan kiosk` (default data dir, any free port); returns the process, its URL and its output lines
    (a thread keeps collecting them until the process ends)."""
    cmd = [sys.executable, "-m", "yizhan.cli", "kiosk", "--station", "test-station", "--port", "0", "--device-id", "t1", *more]
    proc = subprocess.Popen(cmd, cwd=project, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            lines.append(line)
            if line.startswith("Tablet form "):
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(60) or not lines or not lines[-1].startswith("Tablet form "):
        proc.kill()
        raise AssertionError("".join(lines))
    return proc, lines[-1].split()[2].rstrip("/"), lines


def test_sigkill_under_load_loses_no_acknowledged_checkin(tmp_path: Path) -> None:
    network(tmp_path / "stations")
    proc, url, lines = start(tmp_path)
    data = tmp_path / "checkins" / "test-station"
    assert lines[1] == f"Check-ins go to {data / 'checkins.csv'}\n"
    assert lines[2] == f"No staff PIN yet: /admin stays closed until `yizhan kiosk set-pin --data-dir {data}`\n"
    host, port = urlsplit(url).hostname, urlsplit(url).port
    acked: dict[str, str] = {}
    other: list[int] = []
    lock = threading.Lock()

    def client(c: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=20)  # type: ignore[arg-type]
        for i in range(10_000):
            name = f"客{c}-{i}"
            body = urlencode({**FORM, "name": name, "phone": f"139{c:04d}{i:04d}"})
            try:
                conn.request("POST", "/", body, {"Content-Type": "application/x-www-form-urlencoded"})
                res = conn.getresponse()
                res.read()
            except (OSError, http.client.HTTPException):
                return  # the server is gone
            with lock:
                if res.status == 303:
                    acked[name] = parse_qs(urlsplit(res.getheader("Location", "")).query)["n"][0]
                else:
                    other.append(res.status)

    threads = [threading.Thread(target=client, args=(c,)) for c in range(50)]
    for t in threads:
        t.start()
    while len(acked) < 400 and proc.poll() is None:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)  # mid-load: requests are in flight
    proc.wait()
    for t in threads:
        t.join(30)
    output = "".join(lines)
    assert other == [] and len(acked) >= 400

    proc, url, lines = start(tmp_path)  # restart on the same data dir: recovery runs first
    try:
        text = (data / "checkins.csv").read_bytes().decode("utf-8")
        assert text.startswith("\ufeff") and text.endswith("\r\n")
        rows = list(csv.reader(io.StringIO(text[1:], newline="")))
        assert rows[0] == list(COLUMNS) and all(len(r) == len(COLUMNS) for r in rows[1:])
        by_name: dict[str, list[list[str]]] = {}
        for r in rows[1:]:
            by_name.setdefault(r[3], []).append(r)
        missing = [n for n in acked if len(by_name.get(n, [])) != 1]
        assert missing == []
        assert all(by_name[n][0][0][:6].upper() == number for n, number in acked.items())
        conn = http.client.HTTPConnection(urlsplit(url).hostname, urlsplit(url).port, timeout=20)  # type: ignore[arg-type]
        conn.request("POST", "/", urlencode(FORM), {"Content-Type": "application/x-www-form-urlencoded"})
        res = conn.getresponse()
        assert res.status == 303
        res.read()
        conn.request("POST", "/", urlencode({**FORM, "note": "x" * 20_000}), {"Content-Type": "application/x-www-form-urlencoded"})
        res = conn.getresponse()
        assert (res.status, res.getheader("X-Frame-Options")) == (413, "DENY")  # answered by the app, with its headers
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
        time.sleep(0.1)  # let the reader thread take the last lines
        output += "".join(lines)
    assert "客" not in output and "139" not in output and "张三" not in output  # no personal data in any log


def test_wsgi_module_for_other_servers(tmp_path: Path) -> None:
    network(tmp_path / "stations")
    code = "import kiosk.wsgi as w; print(sorted({r.rule for r in w.app.routes})); print(w.kiosk.store.path)"
    env = {**ENV, "YIZHAN_STATION": "test-station", "YIZHAN_DEVICE_ID": "t9"}
    result = subprocess.run([sys.executable, "-c", code], check=False, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "'/', '/Q/<code>'" in result.stdout and "'/admin'" in result.stdout
    assert result.stdout.endswith(f"{tmp_path / 'checkins' / 'test-station' / 'checkins.csv'}\n")
    result = subprocess.run([sys.executable, "-c", code], check=False, cwd=tmp_path, env=ENV, capture_output=True, text=True)
    assert result.returncode == 1 and "YizhanError: set YIZHAN_STATION to the id of the station this tablet serves" in result.stderr


def test_set_pin_for_an_unknown_station_makes_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    network(tmp_path / "stations")
    monkeypatch.chdir(tmp_path)
    pin_file = tmp_path / "pin.txt"
    pin_file.write_text("20260616\n")
    code, out = invoke("kiosk", "--stations", "stations", "set-pin", "--station", "test-statoin", "--pin-file", str(pin_file))
    assert (code, out) == (1, 'unknown station id: test-statoin (did you mean "test-station"?) (not in stations/): no PIN was set\n')
    assert not (tmp_path / "checkins").exists()
    code, out = invoke("kiosk", "--stations", "stations", "set-pin", "--station", "test-station", "--pin-file", str(pin_file))
    assert code == 0 and (tmp_path / "checkins" / "test-station" / PIN_FILE).is_file()


def test_a_station_without_a_kiosk_is_named_at_start(tmp_path: Path) -> None:
    from kiosk.server import find_place

    network(tmp_path / "stations", STATION.replace("kiosk: true\n", ""))
    place = find_place(tmp_path / "stations", "stations", "test-station")
    assert place.kiosk is False and find_place(tmp_path / "stations", "stations", "test-center").kiosk is False
    with pytest.raises(YizhanError, match=r"unknown station 'test-statoin' \(did you mean \"test-station\"\?\)"):
        find_place(tmp_path / "stations", "stations", "test-statoin")
    proc = subprocess.Popen([sys.executable, "-m", "yizhan.cli", "kiosk", "--station", "test-station", "--port", "0",
                             "--data-dir", str(tmp_path / "data")], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert proc.stdout is not None
        for _ in range(5):
            if proc.stdout.readline().startswith("Tablet form"):
                break
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert ("warning: stations: station test-station has no `kiosk: true`, so its poster sends members to the directory "
            "page, not to this tablet; add `kiosk: true` to its file and rebuild the posters\n") in err
