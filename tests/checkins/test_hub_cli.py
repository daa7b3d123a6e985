"""The hub's self check-in (the kiosk's form code) and the USB path and report commands, through the real CLI."""

from __future__ import annotations

import csv
import http.client
import io
import subprocess
import sys
import urllib.parse
from pathlib import Path

from bs4 import BeautifulSoup

from kiosk.selfcheckin import checkin_app, with_self_checkin
from tests.hubhelpers import ENV, hub_thread, kiosk_dir, make_rows, post, stored
from yizhan.checkins.hub import make_hub
from yizhan.checkins.hubdb import HubDB
from yizhan.checkins.records import COLUMNS
from yizhan.checkins.rows import write_csv
from yizhan.look import css
from yizhan.stations.check import load_network
from yizhan.stations.codes import station_codes

ROOT = Path(__file__).resolve().parents[2]
STATION = "wuxi-liangxi-chongansi"


def yizhan(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "yizhan.cli", *args], cwd=cwd, env=ENV, capture_output=True,
                          text=True, input=stdin, timeout=120, check=False)  # fmt: skip


def request(base: str, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
    """(status, Location header, body) without following redirects."""
    conn = http.client.HTTPConnection(base.removeprefix("http://"), timeout=30)
    body = urllib.parse.urlencode(form) if form is not None else None
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if form is not None else {}
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read().decode()
    conn.close()
    return resp.status, resp.getheader("Location") or "", data


def test_hub_serves_the_kiosk_form_for_every_station(tmp_path: Path) -> None:
    network = load_network(ROOT / "stations")
    code = station_codes(network.stations)[STATION]
    db = HubDB(str(tmp_path / "hub.sqlite"))
    token = db.add_token(STATION)
    app = with_self_checkin(make_hub(db, network), checkin_app(db, network))
    with hub_thread(app) as base:
        status, _, page = request(base, "GET", f"/Q/{code}")
        assert status == 200 and network.stations[STATION].name in page and "手机自助报到" in page
        assert request(base, "GET", f"/q/{code.lower()}")[:2] == (301, f"/Q/{code}")
        bad = {"name": "张三", "phone": "12345", "home_org": "某支部", "purpose": "参加活动"}
        status, _, page = request(base, "POST", f"/Q/{code}", bad)
        soup = BeautifulSoup(page, "html.parser")
        assert status == 422 and soup.find(id="name")["value"] == "张三" and soup.find(id="phone-msg")
        assert db.count() == 0
        status, location, _ = request(base, "POST", f"/Q/{code}", {**bad, "phone": "138 0000 1111"})
        assert status == 303 and location.startswith(f"/Q/{code}/ok?n=")
        (row,) = stored(db).values()
        got = dict(zip(COLUMNS, row))
        assert (got["station_id"], got["source"], got["device_id"], got["phone"]) == (
            STATION,
            "qr",
            "hub",
            "13800001111",
        )
        assert request(base, "GET", "/Q/ZZZZZZ")[0] == 404
        assert post(base, b'{"rows": []}', token)[0] == 200  # the upload API is unchanged beside it


def test_merge_reports_conflicts_with_files_and_lines(tmp_path: Path) -> None:
    rows = make_rows(4)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    write_csv(a, rows[:3])
    write_csv(b, [rows[2], {**rows[1], "note": "改过"}, rows[3]])
    result = yizhan(tmp_path, "merge", "a.csv", "b.csv", "-o", "merged.csv")
    assert result.returncode == 1
    assert result.stdout == (
        f"b.csv:3: checkin_id {rows[1]['checkin_id']} conflicts with a.csv:3 (differs in note); kept the row of a.csv:3\n"
        "Wrote 4 check-ins to merged.csv (1 duplicates dropped, 1 conflicts).\n"
    )
    data = (tmp_path / "merged.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    got = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r[0] for r in got[1:]] == [r["checkin_id"] for r in rows] and got[2][7] == ""
    assert yizhan(tmp_path, "merge", "a.csv", "-o", "a.csv").stderr == "a.csv: the output must not be one of the input files\n"


def test_hub_import_token_and_report(tmp_path: Path) -> None:
    rows = make_rows(30)
    kiosk_dir(tmp_path / "usb", rows[:20])
    write_csv(tmp_path / "usb" / "more.csv", [*rows[10:30], {**rows[0], "name": "别人"}, {**rows[1], "phone": "1"}])
    db = str(tmp_path / "hub-data" / "hub.sqlite")
    result = yizhan(tmp_path, "hub", "import", "--db", db, "usb/checkins.csv")
    assert (result.returncode, result.stdout) == (
        0,
        "20 created, 0 duplicate, 0 conflict, 0 invalid; the hub holds 20 check-ins.\n",
    )
    result = yizhan(tmp_path, "hub", "import", "--db", db, "usb/more.csv")
    assert result.returncode == 1
    assert result.stdout == (
        "usb/more.csv:23: invalid: phone: expected a mainland mobile number of 11 digits\n"
        f"usb/more.csv:22: conflict: check-in {rows[0]['checkin_id']} is stored with different content; "
        "the stored row was kept\n"
        "10 created, 10 duplicate, 1 conflict, 1 invalid; the hub holds 30 check-ins.\n"
    )
    result = yizhan(tmp_path, "hub", "token", "add", STATION, "--db", db)
    token = result.stdout.strip()
    assert result.returncode == 0 and len(token) >= 40 and HubDB(db).token_station(token) == STATION
    assert token not in (tmp_path / "hub-data" / "hub.sqlite").read_bytes().decode("latin-1")  # only its hash
    result = yizhan(tmp_path, "report", "--db", db, "--out", "build/report", "--stations", str(ROOT / "stations"))
    assert result.returncode == 0 and result.stdout.startswith("Report of 30 check-ins written to build/report/index.html")
    html = (tmp_path / "build" / "report" / "index.html").read_text()
    soup = BeautifulSoup(html, "html.parser")
    assert "共 30 人次报到" in soup.get_text() and "签到" not in html and len(soup.select("svg.yz-chart__plot")) == 2  # days, months
    assert soup.select_one("style").text == css() and not soup.select("link[rel=stylesheet]")  # one file that opens anywhere
    assert "无锡市" in soup.get_text() and "驿站平板" in soup.get_text() and "手机扫码" in soup.get_text()
    assert html.count("138****00") == 20 and not any(r["phone"] in html for r in rows) and "http" not in html
    export = (tmp_path / "build" / "report" / "checkins.csv").read_text(encoding="utf-8-sig")
    assert len(export.splitlines()) == 31 and "13800000029" in export and ",\"'=中共" in export


def test_operator_mistakes_are_one_line_messages(tmp_path: Path) -> None:
    """A taken port, a --db that is some other file, unwritable outputs, --save on the wrong folder: no traceback."""
    import socket

    (tmp_path / "notes.txt").write_text("not a database\n")
    r = yizhan(tmp_path, "hub", "token", "add", STATION, "--db", "notes.txt")
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == (f"warning: no stations/ folder here, so {STATION} was not checked (--stations DIR checks it)\n"
                        f"{tmp_path / 'notes.txt'}: not a usable hub database (file is not a database)\n")  # fmt: skip
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = yizhan(tmp_path, "hub", "--db", "hub.sqlite", "--port", str(port))
    assert r.returncode == 1 and r.stderr == (
        "No stations/ folder here: the admin view shows station ids instead of names (give --stations DIR).\n"
        f"cannot listen on 127.0.0.1:{port}: Address already in use\n"
    )
    kiosk = kiosk_dir(tmp_path / "k", make_rows(2))
    r = yizhan(tmp_path, "merge", str(kiosk / "checkins.csv"), "-o", "nodir/out.csv")
    assert (r.returncode, r.stderr) == (1, "cannot write nodir/out.csv: No such file or directory\n")
    r = yizhan(tmp_path, "report", "--db", "hub.sqlite", "--out", "notes.txt/report")
    assert (r.returncode, r.stderr) == (1, "cannot write the report into notes.txt/report: Not a directory\n")
    r = yizhan(tmp_path, "upload", "--data-dir", "typo", "--hub", "http://127.0.0.1:9", "--token", "t", "--save")
    assert (r.returncode, r.stderr) == (1, "typo: no checkins.csv here (is this the kiosk's data dir?); nothing was saved\n")
    assert not (tmp_path / "typo").exists()
    assert "Traceback" not in r.stderr


def test_hub_import_cleans_rows_like_the_upload_api(tmp_path: Path) -> None:
    """A kiosk CSV carried by USB gets the cleaning the upload API gives: ＝1+1 is exported neutralised as '=1+1."""
    row = {**make_rows(1)[0], "name": "＝1+1", "note": "\u200b＝2+2 "}
    kiosk_dir(tmp_path / "usb", [row])
    db = str(tmp_path / "hub-data" / "hub.sqlite")
    result = yizhan(tmp_path, "hub", "import", "--db", db, "usb/checkins.csv")
    assert result.stdout == "1 created, 0 duplicate, 0 conflict, 0 invalid; the hub holds 1 check-ins.\n"
    result = yizhan(tmp_path, "report", "--db", db, "--out", "build/report", "--stations", str(ROOT / "stations"))
    assert result.returncode == 0, result.stderr
    export = (tmp_path / "build" / "report" / "checkins.csv").read_bytes()
    assert b",\"'=1+1\"," in export and b",\"'=2+2\"," in export


def test_tokens_for_known_stations_listed_and_revoked_at_once(tmp_path: Path) -> None:
    import json
    import shutil

    shutil.copytree(ROOT / "stations", tmp_path / "stations")
    db = str(tmp_path / "hub.sqlite")
    r = yizhan(tmp_path, "hub", "token", "add", "wuxi-liangxi-chongansy", "--db", db)
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == ('unknown station id: wuxi-liangxi-chongansy (did you mean "wuxi-liangxi-chongansi"?) '
                        "(not in stations/): no token was made\n")  # fmt: skip
    assert HubDB(db).tokens() == []
    token = yizhan(tmp_path, "hub", "token", "add", STATION, "--db", db).stdout.strip()
    r = yizhan(tmp_path, "hub", "token", "list", "--db", db)
    assert r.stdout.startswith(f"{STATION}\t1 token\tnewest made 20") and r.stderr == "1 station with upload tokens.\n"
    hub = HubDB(db)
    with hub_thread(make_hub(hub, None)) as base:
        rows = make_rows(2)
        assert post(base, json.dumps({"rows": rows[:1]}).encode(), token)[0] == 200
        r = yizhan(tmp_path, "hub", "token", "revoke", STATION, "--db", db)
        assert r.stdout == f"Revoked 1 upload token of {STATION}; make a new one with `yizhan hub token add {STATION}`.\n"
        assert post(base, json.dumps({"rows": rows[1:]}).encode(), token)[0] == 401  # the running hub refuses it at once
    assert yizhan(tmp_path, "hub", "token", "revoke", STATION, "--db", db).returncode == 1
    r = yizhan(tmp_path / "stations", "hub", "token", "add", STATION, "--db", db)  # no stations/ folder here
    assert r.returncode == 0 and r.stderr.startswith(f"warning: no stations/ folder here, so {STATION} was not checked")


def test_hub_and_report_read_stations_by_default(tmp_path: Path) -> None:
    import shutil

    db = str(tmp_path / "hub.sqlite")
    HubDB(db).close()
    r = yizhan(tmp_path, "report", "--db", db, "--out", "r1", "--no-export")
    assert r.returncode == 0 and r.stderr == ("No stations/ folder here: the report shows station ids instead of names, "
                                              "and cannot list the stations with no check-in (give --stations DIR).\n")  # fmt: skip
    shutil.copytree(ROOT / "stations", tmp_path / "stations")
    r = yizhan(tmp_path, "report", "--db", db, "--out", "r2", "--no-export")
    assert r.returncode == 0 and r.stderr == ""
    assert "无锡市" in (tmp_path / "r2" / "index.html").read_text(encoding="utf-8")  # names, from stations/
    r = yizhan(tmp_path, "report", "--db", db, "--out", "r3", "--stations", "nowhere")
    assert (r.returncode, r.stderr) == (1, "nowhere: no such folder of station files\n")



def test_the_hub_says_whether_self_check_in_is_on(tmp_path: Path) -> None:
    import shutil
    import socket

    for with_stations, line in ((False, "Self check-in: off (no station files to serve it from)."),
                                (True, "Self check-in: on, for 77 stations at /Q/<CODE> (source qr).")):  # fmt: skip
        if with_stations:
            shutil.copytree(ROOT / "stations", tmp_path / "stations")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        proc = subprocess.Popen([sys.executable, "-m", "yizhan.cli", "hub", "--db", "hub.sqlite", "--port", str(port)],
                                cwd=tmp_path, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        try:
            assert proc.stdout is not None
            first = proc.stdout.readline().rstrip("\n")
        finally:
            proc.terminate()
            proc.communicate(timeout=30)
        assert first == line
