"""Helpers for the hub and upload tests: rows, kiosk data dirs, hubs on 127.0.0.1 (thread or process), PostgreSQL."""

from __future__ import annotations

import atexit
import base64
import contextlib
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import pgcluster
from yizhan.checkins.hubdb import HubDB
from yizhan.checkins.rows import write_csv

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}
_pg: dict[str, Any] = {}
_names = itertools.count()


def make_rows(n: int, station: str = "wuxi-liangxi-chongansi", start: int = 0) -> list[dict[str, str]]:
    """`n` valid check-ins of `station` (ids made from the counter, so different calls do not clash)."""
    return [
        {"checkin_id": str(uuid.UUID(int=zlib.crc32(station.encode()) << 64 | i, version=4)), "station_id": station,
         "checked_in_at": f"2026-06-{1 + i % 28:02d}T{8 + i % 10:02d}:{i % 60:02d}:00+08:00",
         "name": f"党员{i}", "phone": f"138{i % 100000000:08d}", "home_org": "=中共无锡市某支部", "purpose": "报到登记",
         "note": "", "source": "kiosk" if i % 3 else "qr", "device_id": "tablet-1"}
        for i in range(start, start + n)
    ]  # fmt: skip


def kiosk_dir(path: Path, rows: list[dict[str, str]]) -> Path:
    """A kiosk data dir whose checkins.csv holds `rows`."""
    path.mkdir(parents=True, exist_ok=True)
    write_csv(path / "checkins.csv", rows)
    return path


def pg_available() -> None:
    """Skip (or fail in CI) when a PostgreSQL cluster cannot be started here."""
    reason = pgcluster.why_not()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL hub tests must run in CI: {reason}")
        pytest.skip(f"NOT TESTED ON POSTGRESQL: {reason}")


def pg_database() -> str:
    """A new empty database on the session's throw-away cluster (started on first use, stopped at exit)."""
    pg_available()
    if "url" not in _pg:
        stack = contextlib.ExitStack()
        _pg["url"] = stack.enter_context(pgcluster.cluster())
        atexit.register(stack.close)
    return pgcluster.fresh_database(_pg["url"], f"hub_{os.getpid()}_{next(_names)}")


def db_url(backend: str, tmp_path: Path) -> str:
    """A fresh hub database URL for `backend` ('sqlite' or 'postgresql')."""
    return pg_database() if backend == "postgresql" else str(tmp_path / "hub-data" / "hub.sqlite")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def hub_thread(app: Any, threads: int = 4) -> Iterator[str]:
    """Serve a WSGI app with waitress (`threads` request threads) in a thread on 127.0.0.1; yields the base URL."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=threads)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:  # close every channel from inside the loop thread, so that select() never sees a closed descriptor

        def stop() -> None:
            for channel in list(server._map.values()):
                channel.close()

        server.trigger.pull_trigger(stop)
        thread.join(5)
        server.task_dispatcher.shutdown()


@contextlib.contextmanager
def kiosk_thread(app: Any) -> Iterator[str]:
    """Serve a kiosk's app with the kiosk's own server settings (kiosk.server.create_server) in a thread on 127.0.0.1."""
    from kiosk.server import create_server

    server = create_server(app, "127.0.0.1", 0, 4, 16 * 1024)

    def run() -> None:
        with contextlib.suppress(OSError):  # select() on the socket closed below
            server.run()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(5)


def start_hub(url: str, port: int, cwd: Path, *args: str) -> subprocess.Popen[str]:
    """Start `yizhan hub --db url --port port` as a process and wait until it answers."""
    proc = subprocess.Popen([sys.executable, "-m", "yizhan.cli", "hub", "--db", url, "--port", str(port), *args],
                            cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"hub exited: {proc.communicate()[0]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("hub did not start in 30 s")


def kill(proc: subprocess.Popen[str]) -> str:
    """SIGKILL a process we started and collect its output."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    return proc.communicate(timeout=30)[0] or ""


def post(url: str, body: bytes, token: str | None = None, **headers: str) -> tuple[int, dict[str, Any]]:
    """POST to the hub; (status, parsed JSON answer)."""
    h = {"Content-Type": "application/json", **headers}
    if token is not None:
        h["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url + "/api/v1/checkins", data=body, method="POST", headers=h)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def stored(db: HubDB) -> dict[str, tuple[str, ...]]:
    """Every stored check-in by id (all columns but received_at)."""
    from yizhan.checkins.records import COLUMNS

    return {r[0]: tuple(r) for r in db.query(f"SELECT {', '.join(COLUMNS)} FROM checkins")}


def admin_get(url: str, password: str | None = None) -> tuple[int, bytes, dict[str, str]]:
    """GET with HTTP Basic `password` (any user name): (status, body, headers)."""
    headers = {}
    if password is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(f"admin:{password}".encode()).decode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as resp:
            return resp.status, resp.read(), dict(resp.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read(), dict(err.headers)
