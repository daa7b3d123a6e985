"""The kiosk's durable check-in CSV: group-committed appends (fsynced before anyone is told), recovery, purge."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import queue
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from yizhan.durable import BINARY, append_durably, fsync_dir, lock, replace_file, unlock, write_all
from yizhan.errors import YizhanError
from yizhan.i18n import _, ngettext

from . import records
from .rows import HEADER, Row, encode_row, read_rows

LOCK_FILE = "checkins.lock"  # flock()ed by every writer of checkins.csv: the kiosk's writer thread and purge
RECOVERED_FILE = "checkins-recovered.txt"  # lines that were not whole rows (a power cut mid-write), appended
MAX_BATCH = 1000


def parse_line(line: bytes) -> list[str] | None:
    """The neutralised cells of one line of the CSV, or None when it is not a whole row (torn, garbage): for recovery."""
    if b"\x00" in line or not line.endswith(b"\n"):
        return None
    try:
        rows = list(csv.reader(io.StringIO(line.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error):
        return None
    return rows[0] if len(rows) == 1 and len(rows[0]) == len(records.COLUMNS) else None


def _lines(data: bytes) -> tuple[list[bytes], bytes]:
    """The complete lines (with their line ends) after the header, and the bytes after the last newline."""
    body = data[len(HEADER) :]
    cut = body.rfind(b"\n") + 1
    return body[:cut].splitlines(keepends=True), body[cut:]


@contextlib.contextmanager
def locked(data_dir: Path) -> Iterator[None]:
    """Hold the data dir's write lock (shared with a running kiosk's writer thread)."""
    fd = os.open(data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT | BINARY, 0o600)
    try:
        lock(fd)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def recover(data_dir: Path) -> list[str]:
    """Make DIR/checkins.csv a valid check-in CSV (creating it with its header); report what was moved aside.

    Lines that are not whole rows (a torn last line after a power cut) are appended to checkins-recovered.txt
    first, then the CSV is rewritten without them: nothing is ever dropped. Call with the lock held.
    """
    path = data_dir / records.CSV_FILE
    data = path.read_bytes() if path.exists() else b""
    if not data:
        replace_file(path, HEADER)
        return []
    if not data.startswith(HEADER):
        raise YizhanError(f"{path}: " + _("not a yizhan check-in file (its first line is not the check-in header); move it away or "
                                          "choose another --data-dir"))  # fmt: skip
    lines, tail = _lines(data)
    bad = [line for line in lines if parse_line(line) is None] + ([tail] if tail else [])
    if not bad:
        return []
    moved = b"".join(b if b.endswith(b"\n") else b + b"\n" for b in bad)
    append_durably(data_dir / RECOVERED_FILE, moved)
    replace_file(path, HEADER + b"".join(line for line in lines if parse_line(line) is not None))
    n = len(bad)
    message = ngettext("{n} incomplete line ({size} bytes, e.g. from a power cut) moved to {file}; the CSV is valid again. "
                       "Check them by hand.",
                       "{n} incomplete lines ({size} bytes, e.g. from a power cut) moved to {file}; the CSV is valid again. "
                       "Check them by hand.", n)  # fmt: skip
    return [f"{path}: " + message.format(n=n, size=len(moved), file=data_dir / RECOVERED_FILE)]


@dataclass
class PurgeResult:
    """What a purge removed and kept."""

    removed: int
    kept: int
    unconfirmed_old: int  # old rows kept because the hub has not confirmed them


def purge(data_dir: Path, older_than: dt.timedelta, now: dt.datetime) -> PurgeResult:
    """Remove the rows the hub confirmed that are older than `older_than`, by atomic rewrite under the lock."""
    path = data_dir / records.CSV_FILE
    if not path.exists():
        raise YizhanError(_("{file} not found: nothing to purge (check --data-dir)").format(file=path))
    confirmed = records.confirmed_ids(data_dir)
    cutoff = now - older_than
    with locked(data_dir):
        data = path.read_bytes()
        if not data.startswith(HEADER):
            raise YizhanError(f"{path}: " + _("not a yizhan check-in file (its first line is not the check-in header)"))
        lines, tail = _lines(data)
        keep: list[bytes] = []
        removed = unconfirmed = 0
        per_day: dict[str, list[int]] = {}
        for line in lines:
            cells = parse_line(line)
            old = False
            at: dt.datetime | None = None
            if cells is not None:
                with contextlib.suppress(ValueError):
                    at = dt.datetime.fromisoformat(records.restore(cells[2]))
                    old = at < cutoff
            if old and records.restore(cells[0]) in confirmed:  # type: ignore[index]
                removed += 1
                if at is not None:
                    per_day.setdefault(at.date().isoformat(), [0] * 24)[at.hour] += 1
                continue
            unconfirmed += old
            keep.append(line)
        if removed:
            replace_file(path, HEADER + b"".join(keep) + tail)  # a torn tail stays for the kiosk's recovery
            records.add_purged(data_dir, per_day)  # the staff page still counts them for their day
    return PurgeResult(removed, len(keep), unconfirmed)


class _Pending:
    """One queued row; `done` is held until the writer has fsynced it (a bare lock: the cheapest wake-up)."""

    __slots__ = ("data", "done", "error")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.done = threading.Lock()
        self.done.acquire()
        self.error: Exception | None = None


class CheckinStore:
    """The check-in CSV of one data dir; `add` returns only once the row is fsynced (one writer thread, group commit)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.path = data_dir / records.CSV_FILE
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._fd = -1
        self._lock_fd = -1

    def open(self) -> list[str]:
        """Create the data dir (0700) and the CSV if needed, recover a torn file, start the writer; report recoveries."""
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        with locked(self.data_dir):
            report = recover(self.data_dir)
        self._lock_fd = os.open(self.data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT | BINARY, 0o600)
        self._thread = threading.Thread(target=self._run, name="checkin-writer", daemon=True)
        self._thread.start()
        return report

    def add(self, record: Mapping[str, str]) -> None:
        """Append one record (all of records.COLUMNS); returns once it is on disk, raises (OSError from the disk) if it could not be."""
        if self._thread is None:
            raise RuntimeError("CheckinStore.open() was not called")  # i18n: not for people (a programming error)
        pending = _Pending(encode_row(record))
        self._queue.put(pending)
        pending.done.acquire()  # released by the writer thread after fsync
        if pending.error is not None:
            raise pending.error

    def rows(self) -> list[Row]:
        """Every row written so far (a line still being appended is left out), restored."""
        return [row for _line, row in read_rows(self.path, complete_only=True)]

    def close(self) -> None:
        """Finish the queued writes and stop the writer."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        for fd in (self._fd, self._lock_fd):
            if fd >= 0:
                os.close(fd)
        self._fd = self._lock_fd = -1

    def _run(self) -> None:
        """The writer thread: take everything queued, write it in one go, fsync once, wake the callers."""
        stop = False
        while not stop:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
            error: Exception | None = None
            try:
                self._write(b"".join(p.data for p in batch))
            except Exception as err:  # noqa: BLE001 - every caller hears of it; the writer thread must live on
                error = err
            for p in batch:
                p.error = error
                p.done.release()

    def _write(self, data: bytes) -> None:
        """Append and fsync under the lock, reopening the file if a purge replaced it."""
        lock(self._lock_fd)
        try:
            if self._fd < 0 or os.fstat(self._fd).st_ino != _inode(self.path):
                if self._fd >= 0:
                    os.close(self._fd)
                    self._fd = -1
                self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | BINARY, 0o600)
            size = os.fstat(self._fd).st_size
            if size == 0:  # deleted by hand while running: start a valid file again
                data = HEADER + data
            try:
                write_all(self._fd, data)
                os.fsync(self._fd)
                if size == 0:
                    fsync_dir(self.data_dir)  # the new file's name must survive a power cut too
            except OSError:
                with contextlib.suppress(OSError):  # never leave half a row for the next one to follow
                    os.ftruncate(self._fd, size)
                raise
        finally:
            unlock(self._lock_fd)


def _inode(path: Path) -> int:
    """The inode number of `path`, or -1 when it does not exist."""
    try:
        return os.stat(path).st_ino
    except FileNotFoundError:
        return -1
