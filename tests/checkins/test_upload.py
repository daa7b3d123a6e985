"""Fault tests of `yizhan upload` against a real `yizhan hub` on 127.0.0.1: after recovery every row is there once."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hubhelpers import ENV, db_url, free_port, kill, kiosk_dir, make_rows, start_hub, stored
from yizhan.checkins.hubdb import HubDB
from yizhan.checkins.records import COLUMNS, confirmed_ids, last_upload
from yizhan.checkins.upload import pending_count

STATION = "wuxi-liangxi-chongansi"
N = 12000


def uploader(kdir: Path, port: int, token: str, *args: str) -> subprocess.Popen[str]:
    """Start `yizhan upload` as a process (stdout and stderr captured)."""
    return subprocess.Popen(
        [sys.executable, "-m", "yizhan.cli", "upload", "--data-dir", str(kdir), "--hub", f"http://127.0.0.1:{port}",
         "--token", token, *args], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def run_upload(kdir: Path, port: int, token: str, *args: str) -> tuple[int, str, str]:
    """Run `yizhan upload` to the end: (exit status, stdout, stderr)."""
    proc = uploader(kdir, port, token, *args)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def wait_for(predicate: object, what: str, seconds: float = 60) -> None:
    """Poll `predicate` until it is true (fails the test after `seconds`)."""
    deadline = time.monotonic() + seconds
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def assert_all_once(db: HubDB, kdir: Path, rows: list[dict[str, str]]) -> None:
    """The hub holds exactly the kiosk's rows, unchanged, and nothing is pending."""
    held = stored(db)
    assert len(held) == len(rows) == db.count()
    assert held == {r["checkin_id"]: tuple(r[c] for c in COLUMNS) for r in rows}
    assert pending_count(kdir) == 0


@pytest.fixture(params=["sqlite", "postgresql"])
def setup(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, HubDB, str, list, Path]]:
    """(database URL, database, token, kiosk rows, kiosk data dir)."""
    url = db_url(request.param, tmp_path)
    db = HubDB(url)
    rows = make_rows(N)
    yield url, db, db.add_token(STATION), rows, kiosk_dir(tmp_path / "kiosk", rows)
    db.close()


def test_hub_killed_mid_upload_then_restarted(setup: tuple, tmp_path: Path) -> None:
    url, db, token, rows, kdir = setup
    port = free_port()
    hub = start_hub(url, port, tmp_path)
    up = uploader(kdir, port, token, "--batch", "100", "--give-up-after", "120")
    try:
        wait_for(lambda: len(confirmed_ids(kdir)) >= 300, "the first batches")
        kill(hub)  # SIGKILL while batches are in flight
        assert up.poll() is None, "the upload finished before the hub was killed"
        assert 0 < len(confirmed_ids(kdir)) < N
        hub = start_hub(url, port, tmp_path)
        out, err = up.communicate(timeout=120)
    finally:
        kill(hub)
        kill(up)  # type: ignore[arg-type]
    assert up.returncode == 0, err
    assert "retrying in" in err and out.endswith("0 conflict, 0 invalid; 0 pending.\n")
    assert_all_once(db, kdir, rows)


def test_uploader_killed_mid_batch_then_resumed(setup: tuple, tmp_path: Path) -> None:
    url, db, token, rows, kdir = setup
    port = free_port()
    hub = start_hub(url, port, tmp_path)
    try:
        up = uploader(kdir, port, token, "--batch", "100")
        wait_for(lambda: len(confirmed_ids(kdir)) >= 300, "the first batches")
        os.kill(up.pid, signal.SIGKILL)
        up.communicate(timeout=30)
        before = len(confirmed_ids(kdir))
        assert 0 < before < N and db.count() >= before
        status, out, err = run_upload(kdir, port, token)
        assert status == 0, err
        # the rows of the killed batch may have landed: they come back as "already there", never twice
        m = re.fullmatch(r"Sent ([\d,]+): ([\d,]+) created, ([\d,]+) already there, 0 conflict, 0 invalid; 0 pending.\n", out)
        assert m, out
        sent, created, again = (int(g.replace(",", "")) for g in m.groups())
        assert sent == N - before and created + again == sent and again <= 100  # at most the one batch in flight
        assert_all_once(db, kdir, rows)
        assert last_upload(kdir)["pending"] == 0
        status, out, _ = run_upload(kdir, port, token)
        assert (status, out) == (0, "Sent 0: 0 created, 0 already there, 0 conflict, 0 invalid; 0 pending.\n")
        (kdir / "confirmed.txt").unlink()  # progress record lost: everything is sent again, nothing changes
        status, out, _ = run_upload(kdir, port, token)
        assert (status, out) == (0, f"Sent {N:,}: 0 created, {N:,} already there, 0 conflict, 0 invalid; 0 pending.\n")
        assert_all_once(db, kdir, rows)
    finally:
        kill(hub)


def test_conflict_and_another_stations_token(setup: tuple, tmp_path: Path) -> None:
    url, db, token, rows, kdir = setup
    edited = {**rows[5], "name": "改过的名字"}
    db.ingest([edited])  # e.g. an edited CSV that came in by USB earlier
    port = free_port()
    hub = start_hub(url, port, tmp_path)
    try:
        other = db.add_token("nanjing-xuanwu-xinjiekou")
        status, out, err = run_upload(kdir, port, other)
        assert (status, out) == (1, "")
        assert err == (
            "the hub refused the upload (403): this token uploads only for station nanjing-xuanwu-xinjiekou; "
            f"the batch has rows of {STATION}. Nothing was stored: use the token made for the kiosk's own station.; "
            "nothing more was sent\n"
        )
        assert confirmed_ids(kdir) == set() and db.count() == 1
        status, out, err = run_upload(kdir, port, token)
        assert status == 1
        assert err == (
            f"check-in {rows[5]['checkin_id']}: conflict: another check-in with this checkin_id and different "
            "content is stored; it was kept\n"
        )
        assert out == f"Sent {N:,}: {N - 1:,} created, 0 already there, 1 conflict, 0 invalid; 1 pending.\n"
        assert pending_count(kdir) == 1 and stored(db)[rows[5]["checkin_id"]][3] == "改过的名字"
    finally:
        kill(hub)


def test_connection_refused_and_timeouts_then_recovery(tmp_path: Path) -> None:
    db = HubDB(str(tmp_path / "hub.sqlite"))
    token = db.add_token(STATION)
    rows = make_rows(50)
    kdir = kiosk_dir(tmp_path / "kiosk", rows)
    port = free_port()
    status, out, err = run_upload(kdir, port, token, "--give-up-after", "1.5")
    assert status == 1 and out == ""
    assert err.startswith(f"no answer from http://127.0.0.1:{port} ([Errno 111] Connection refused); retrying in ")
    assert err.endswith(" s: run the upload again later\n") and "gave up after 1.5 s" in err
    with contextlib.closing(socket.socket()) as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        status, _, err = run_upload(kdir, silent.getsockname()[1], token, "--timeout", "0.3", "--give-up-after", "1")
    assert status == 1 and "(timed out)" in err and "gave up after 1 s" in err
    assert confirmed_ids(kdir) == set() and pending_count(kdir) == 50
    hub = start_hub(str(tmp_path / "hub.sqlite"), port, tmp_path)
    try:
        status, out, err = run_upload(kdir, port, token)
    finally:
        kill(hub)
    assert (status, err) == (0, "")
    assert_all_once(db, kdir, rows)


def test_a_torn_last_line_waits_for_the_next_run(tmp_path: Path) -> None:
    from yizhan.checkins.upload import pending_rows

    rows = make_rows(3)
    kdir = kiosk_dir(tmp_path / "kiosk", rows)
    with (kdir / "checkins.csv").open("ab") as f:
        f.write(b"0000,wuxi")  # a row being written (or torn by a power cut)
    assert [r["checkin_id"] for r in pending_rows(kdir)] == [r["checkin_id"] for r in rows]


def test_a_malformed_answer_marks_nothing(tmp_path: Path) -> None:
    """A proxy or broken hub answering {"results": ["x", ...]}: a clear error, no row marked, no traceback."""
    import http.server
    import threading

    class Odd(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            body = b'{"results": ["x", "y", "z"]}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None: ...

    kdir = kiosk_dir(tmp_path / "kiosk", make_rows(3))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Odd)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        status, out, err = run_upload(kdir, server.server_address[1], "t")
    finally:
        server.shutdown()
        server.server_close()
    port = server.server_address[1]
    assert (status, out) == (1, "")
    assert err == f"http://127.0.0.1:{port} gave an answer that does not match the batch sent; nothing was marked\n"
    assert confirmed_ids(kdir) == set()
