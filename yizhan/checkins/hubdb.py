"""The hub's database: one SQL code path for SQLite (WAL, the default) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import secrets
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from yizhan.errors import YizhanError
from yizhan.i18n import _, os_error

from .passwords import hash_secret, secret_matches
from .records import COLUMNS

DEFAULT_DB = "hub-data/hub.sqlite"  # relative to the folder the hub runs in; never under build/
CHUNK = 500  # rows per INSERT statement (11 parameters a row stays under SQLite's 32,766 limit)
_COLS = ", ".join(COLUMNS)
DAY = "substr(checked_in_at, 1, 10)"  # the local date of a check-in; reports use this exact expression
SCHEMA = [
    (
        f"CREATE TABLE IF NOT EXISTS checkins ({', '.join(c + ' TEXT NOT NULL' for c in COLUMNS)}, "
        "received_at TEXT NOT NULL, PRIMARY KEY (checkin_id))"
    ),
    "CREATE INDEX IF NOT EXISTS checkins_station ON checkins (station_id, checked_in_at)",
    # reports group by day, purpose and source along this index instead of sorting every row
    f"CREATE INDEX IF NOT EXISTS checkins_day ON checkins (({DAY}), purpose, source)",
    "CREATE TABLE IF NOT EXISTS tokens (token_hash TEXT PRIMARY KEY, station_id TEXT NOT NULL, created_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
]


def now_iso() -> str:
    """The current UTC time, ISO 8601 with offset."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def hash_token(token: str) -> str:
    """The stored form of an upload token (SHA-256, hex)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def describe(url: str) -> str:
    """A database URL safe to print (no password)."""
    if "://" in url and "@" in url.split("://", 1)[1]:
        scheme, rest = url.split("://", 1)
        cred, host = rest.rsplit("@", 1)
        return f"{scheme}://{cred.split(':', 1)[0]}@{host}"
    return url


class HubDB:
    """A connection pool of one connection per thread, with the few SQL differences in one place."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or os.environ.get("YIZHAN_HUB_DB") or DEFAULT_DB
        self.postgres = self.url.startswith(("postgresql://", "postgres://"))
        self._local = threading.local()
        if not self.postgres:
            path = self.url.removeprefix("sqlite:///") if self.url.startswith("sqlite:///") else self.url
            self.path = Path(path).resolve()
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
            except OSError as err:
                raise YizhanError(f"{self.path}: " + _("cannot open the hub database: {reason}").format(reason=os_error(err))) from None
        try:
            with self.transaction(lock=True) as cur:
                for stmt in SCHEMA:
                    cur.execute(stmt)
        except sqlite3.DatabaseError as err:  # e.g. "file is not a database": --db names some other file
            raise YizhanError(f"{self.path}: " + _("not a usable hub database ({reason})").format(reason=err)) from None

    def _connect(self) -> Any:
        """A new connection, set up for this backend."""
        if self.postgres:
            try:
                import psycopg
            except ImportError:
                raise YizhanError(_("PostgreSQL needs psycopg: pip install 'yizhan[hub-pg]'")) from None
            try:
                return psycopg.connect(self.url, autocommit=True)
            except psycopg.Error as err:
                raise YizhanError(
                    _("cannot connect to {database}: {reason}").format(database=describe(self.url), reason=str(err).strip())
                ) from None
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")  # a confirmed row survives a power cut
        return conn

    @property
    def conn(self) -> Any:
        """This thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    def sql(self, query: str) -> str:
        """`query` written with ? placeholders, in this backend's paramstyle."""
        return query.replace("?", "%s") if self.postgres else query

    @contextlib.contextmanager
    def transaction(self, lock: bool = False) -> Iterator[Any]:
        """A cursor inside one transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: optionally a schema lock)."""
        conn = self.conn
        if self.postgres:
            with conn.transaction(), conn.cursor() as cur:
                if lock:
                    cur.execute("SELECT pg_advisory_xact_lock(730116)")  # hub processes create the schema one at a time
                yield cur
            return
        cur = conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            yield cur
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    def query(self, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """All result rows of a read-only query."""
        cur = self.conn.cursor()
        try:
            cur.execute(self.sql(query), tuple(params))
            return cur.fetchall()
        finally:
            cur.close()

    def concat(self, expr: str, table: str, params: Sequence[Any] = (), size: int = 20000) -> Iterator[bytes]:
        """`expr` (text) of every row of `table` in the order stored, concatenated, as UTF-8 bytes in chunks.

        Its own connection and one read transaction. SQLite: group_concat over rowid ranges of `size` rows, so the
        rows never become Python objects and the work runs without Python's lock; PostgreSQL: a server-side cursor.
        """
        conn = self._connect()
        try:
            if self.postgres:
                with conn.transaction(), conn.cursor(name="yizhan_concat") as cur:
                    cur.execute(self.sql(f"SELECT {expr} FROM {table}"), tuple(params))
                    while batch := cur.fetchmany(size):
                        yield "".join([r[0] for r in batch]).encode("utf-8")
                return
            conn.text_factory = bytes
            conn.execute("BEGIN")
            lo, hi = conn.execute(f"SELECT min(rowid), max(rowid) FROM {table}").fetchone()
            for start in range(lo or 0, (hi or -1) + 1, size):
                query = f"SELECT group_concat({expr}, '') FROM {table} WHERE rowid >= ? AND rowid < ?"
                (text,) = conn.execute(query, (*params, start, start + size)).fetchone()
                if text:
                    yield text
            conn.execute("COMMIT")
        finally:
            conn.close()

    def ingest(self, rows: Sequence[dict[str, str]]) -> list[str]:
        """Store valid rows once: 'created', 'duplicate' (same content) or 'conflict' (stored row kept), in order.

        Stored rows are looked up first, so a re-sent batch costs reads only; the insert of the rest uses
        ON CONFLICT DO NOTHING RETURNING, so a row another hub process stored meanwhile is compared, not doubled.
        """
        status: list[str | None] = [None] * len(rows)
        received = now_iso()
        with self.transaction() as cur:
            stored = self._stored(cur, {r["checkin_id"] for r in rows})
            fresh: dict[str, int] = {}  # id -> index of its first row, for ids not stored yet
            for i, r in enumerate(rows):
                if r["checkin_id"] not in stored:
                    fresh.setdefault(r["checkin_id"], i)
            todo = [rows[i] for i in fresh.values()]
            created: set[str] = set()
            for start in range(0, len(todo), CHUNK):
                part = todo[start : start + CHUNK]
                marks = ", ".join(["(" + ", ".join(["?"] * (len(COLUMNS) + 1)) + ")"] * len(part))
                params = [v for r in part for v in (*(r[c] for c in COLUMNS), received)]
                cur.execute(
                    self.sql(f"INSERT INTO checkins ({_COLS}, received_at) VALUES {marks} "
                             "ON CONFLICT (checkin_id) DO NOTHING RETURNING checkin_id"),
                    params,
                )  # fmt: skip
                created.update(r[0] for r in cur.fetchall())
            for cid in created:
                status[fresh[cid]] = "created"
                stored[cid] = tuple(rows[fresh[cid]][c] for c in COLUMNS)
            raced = set(fresh) - created  # stored by another process between our read and our insert
            if raced:
                stored.update(self._stored(cur, raced))
            for i, r in enumerate(rows):
                if status[i] is None:
                    mine = tuple(r[c] for c in COLUMNS)
                    status[i] = "duplicate" if stored.get(mine[0]) == mine else "conflict"
        return [s or "conflict" for s in status]

    def _stored(self, cur: Any, ids: set[str]) -> dict[str, tuple[str, ...]]:
        """The stored content of those of `ids` that the hub holds."""
        out: dict[str, tuple[str, ...]] = {}
        ordered = sorted(ids)
        for start in range(0, len(ordered), CHUNK):
            part = ordered[start : start + CHUNK]
            cur.execute(self.sql(f"SELECT {_COLS} FROM checkins WHERE checkin_id IN ({', '.join(['?'] * len(part))})"),
                        part)  # fmt: skip
            out.update((r[0], tuple(r)) for r in cur.fetchall())
        return out

    def add_token(self, station_id: str) -> str:
        """A new upload token for `station_id` (only its hash is stored)."""
        token = secrets.token_urlsafe(32)
        with self.transaction() as cur:
            cur.execute(self.sql("INSERT INTO tokens (token_hash, station_id, created_at) VALUES (?, ?, ?)"),
                        (hash_token(token), station_id, now_iso()))  # fmt: skip
        return token

    def tokens(self) -> list[tuple[str, int, str]]:
        """(station, how many tokens, when the newest was made) for every station with an upload token."""
        rows = self.query("SELECT station_id, COUNT(*), MAX(created_at) FROM tokens GROUP BY station_id ORDER BY station_id", ())
        return [(str(r[0]), int(r[1]), str(r[2])) for r in rows]

    def revoke_tokens(self, station_id: str) -> int:
        """Delete every upload token of `station_id` (uploads with them are refused from the next request); how many."""
        with self.transaction() as cur:
            cur.execute(self.sql("DELETE FROM tokens WHERE station_id = ?"), (station_id,))
            return int(cur.rowcount or 0)

    def token_station(self, token: str) -> str | None:
        """The station an upload token belongs to, or None."""
        rows = self.query("SELECT station_id FROM tokens WHERE token_hash = ?", (hash_token(token),))
        return rows[0][0] if rows else None

    def set_admin_password(self, password: str) -> None:
        """Store the admin password's scrypt hash (replacing any earlier one)."""
        value = hash_secret(password)
        with self.transaction() as cur:
            cur.execute(self.sql("DELETE FROM settings WHERE name = ?"), ("admin_password",))
            cur.execute(self.sql("INSERT INTO settings (name, value) VALUES (?, ?)"), ("admin_password", value))

    def has_admin_password(self) -> bool:
        """Whether an admin password was set."""
        return bool(self.query("SELECT 1 FROM settings WHERE name = ?", ("admin_password",)))

    def check_admin_password(self, password: str) -> bool:
        """Whether `password` is the admin password (constant-time comparison)."""
        rows = self.query("SELECT value FROM settings WHERE name = ?", ("admin_password",))
        return bool(rows) and secret_matches(rows[0][0], password)

    def count(self) -> int:
        """How many check-ins the hub holds."""
        return int(self.query("SELECT count(*) FROM checkins")[0][0])

    def close(self) -> None:
        """Close this thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
