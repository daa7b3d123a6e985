"""The check-in record shared by the kiosk, the uploader and the hub: CSV columns, cell safety, upload state."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

COLUMNS = ("checkin_id", "station_id", "checked_in_at", "name", "phone", "home_org", "purpose", "note", "source", "device_id")
PURPOSES = ("报到登记", "参加活动", "咨询办事", "其他")
SOURCES = ("kiosk", "qr")
CSV_FILE = "checkins.csv"
CONFIRMED_FILE = "confirmed.txt"  # one checkin_id per line, appended (and fsynced) after the hub confirmed it
UPLOAD_FILE = "last-upload.json"  # the last successful upload, replaced atomically
_RISKY = ("=", "+", "-", "@", "\t", "\r", "'")


def neutralise(value: str) -> str:
    """A cell that spreadsheets will not run as a formula (OWASP CSV injection): risky first characters get a ' prefix.

    A leading ' is itself prefixed, so that restore() gives back exactly what was typed.
    """
    return "'" + value if value.startswith(_RISKY) else value


def restore(cell: str) -> str:
    """The value a neutralised cell stands for."""
    return cell[1:] if cell.startswith("'") else cell


def _fsync_dir(path: Path) -> None:
    """Make a new or renamed directory entry durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def confirmed_ids(data_dir: Path) -> set[str]:
    """Check-in ids the hub has confirmed (created or duplicate), from DIR/confirmed.txt; a torn last line is ignored."""
    path = data_dir / CONFIRMED_FILE
    try:
        text = path.read_text(encoding="ascii", errors="replace")
    except FileNotFoundError:
        return set()
    lines = text.split("\n")
    return {line for line in lines[:-1] if line}  # the part after the last newline was never completed


def mark_confirmed(data_dir: Path, ids: list[str]) -> None:
    """Durably record that the hub confirmed `ids` (append, flush, fsync)."""
    if not ids:
        return
    path = data_dir / CONFIRMED_FILE
    new = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        if os.fstat(fd).st_size and not _ends_with_newline(path):
            os.write(fd, b"\n")  # a torn line from a crash stays on its own line
        os.write(fd, "".join(f"{i}\n" for i in ids).encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    if new:
        _fsync_dir(data_dir)


def _ends_with_newline(path: Path) -> bool:
    """Whether the file's last byte is a newline."""
    with path.open("rb") as f:
        f.seek(-1, os.SEEK_END)
        return f.read(1) == b"\n"


def last_upload(data_dir: Path) -> dict[str, Any] | None:
    """The last successful upload ({"at": ISO time, "hub": URL, "rows": n, ...}) or None."""
    try:
        return json.loads((data_dir / UPLOAD_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def record_upload(data_dir: Path, info: dict[str, Any]) -> None:
    """Replace the last-upload record atomically (write, fsync, rename)."""
    info = {"at": dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).isoformat(timespec="seconds"), **info}
    tmp = data_dir / (UPLOAD_FILE + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        json.dump(info, f, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, data_dir / UPLOAD_FILE)
    _fsync_dir(data_dir)
