"""A throw-away PostgreSQL cluster on 127.0.0.1 from Debian's `postgresql` package, for tests and benchmarks."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def pg_bin() -> Path | None:
    """The newest /usr/lib/postgresql/*/bin holding initdb and pg_ctl, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def why_not() -> str | None:
    """Why a cluster cannot be started here, or None."""
    if pg_bin() is None:
        return "PostgreSQL is not installed (Debian: apt-get install postgresql, or `make system-deps` as root)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the server as (Debian's postgresql package creates it: `make system-deps`)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[hub-pg]')"
    return None


def _free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def cluster(fsync: bool = False) -> Iterator[str]:
    """Start a new cluster (trust auth, 127.0.0.1 only) and yield its URL; stop it and delete its folder after."""
    bindir = pg_bin()
    assert bindir is not None
    base = Path(tempfile.mkdtemp(prefix="yizhan-pg-"))
    data = base / "data"
    prefix: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(base, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    run: dict = {"capture_output": True, "text": True, "env": env, "timeout": 120}
    try:
        subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                        "-E", "UTF8", "--no-instructions"], check=True, **run)  # fmt: skip
        opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync={'on' if fsync else 'off'}"
        opts += " -c max_connections=100 -c shared_buffers=128MB"
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(base / "log"),
                        "-w", "-t", "60", "start"], check=True, **run)  # fmt: skip
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                           check=False, capture_output=True, timeout=60)  # fmt: skip
    except subprocess.CalledProcessError as err:
        raise RuntimeError(f"PostgreSQL cluster failed: {err.cmd}\n{err.stdout}\n{err.stderr}") from None
    finally:
        shutil.rmtree(base, ignore_errors=True)


def fresh_database(url: str, name: str) -> str:
    """Create an empty database `name` on the cluster at `url` (dropping an earlier one) and return its URL."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name
