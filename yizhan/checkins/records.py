"""The check-in record shared by the kiosk, the uploader and the hub: CSV columns, cell safety, upload state."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
from pathlib import Path
from typing import Any

from yizhan.durable import append_durably, replace_file

CHINA = dt.timezone(dt.timedelta(hours=8))  # check-in times and "today" are China time (no DST)

COLUMNS = ("checkin_id", "station_id", "checked_in_at", "name", "phone", "home_org", "purpose", "note", "source", "device_id")
PURPOSES = ("报到登记", "参加活动", "咨询办事", "其他")
SOURCES = ("kiosk", "qr")
CSV_FILE = "checkins.csv"
CONFIRMED_FILE = "confirmed.txt"  # one checkin_id per line, appended (and fsynced) after the hub confirmed it
UPLOAD_FILE = "last-upload.json"  # the last successful upload, replaced atomically
PURGED_FILE = "purged-counts.json"  # check-ins purged per day and hour, so the staff page's counts survive a purge
_RISKY = ("=", "+", "-", "@", "\t", "\r", "'")
MAX_TYPED = 1000  # longer text is cut here before anything else (and is then over every limit)
_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """Typed text as stored: control and format characters gone, NFKC-normalised, runs of spaces made one, trimmed.

    The kiosk's form and the hub's upload API both use it. Characters are dropped before normalising, so that
    clean(clean(x)) == clean(x): a row cleaned again (a kiosk row re-sent to the hub) does not change.
    """
    text = text[:MAX_TYPED]
    if text.isprintable():  # no control, format or separator character but the ASCII space
        if unicodedata.is_normalized("NFKC", text) and "  " not in text and text[:1] != " " and text[-1:] != " ":
            return text  # already clean, as every row a kiosk sends is: the hub's fast path
    else:  # only then can there be control (Cc) or format (Cf) characters
        text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text if unicodedata.category(ch) != "Cf")
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def neutralise(value: str) -> str:
    """A cell that spreadsheets will not run as a formula (OWASP CSV injection): risky first characters get a ' prefix.

    A leading ' is itself prefixed, so that restore() gives back exactly what was typed.
    """
    return "'" + value if value.startswith(_RISKY) else value


def restore(cell: str) -> str:
    """The value a neutralised cell stands for."""
    return cell.removeprefix("'")


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
    gap = b"\n" if path.exists() and path.stat().st_size and not _ends_with_newline(path) else b""  # a torn line stays apart
    append_durably(path, gap + "".join(f"{i}\n" for i in ids).encode("ascii"))


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
    info = {"at": dt.datetime.now(CHINA).isoformat(timespec="seconds"), **info}
    replace_file(data_dir / UPLOAD_FILE, json.dumps(info, ensure_ascii=False).encode("utf-8"))


def purged_counts(data_dir: Path) -> dict[str, list[int]]:
    """The check-ins purged from this data dir, per day (ISO date) and hour."""
    try:
        data = json.loads((data_dir / PURGED_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, list) and len(v) == 24 and all(isinstance(n, int) for n in v)}


def add_purged(data_dir: Path, per_day: dict[str, list[int]], keep_days: int = 62) -> None:
    """Add purged check-ins (per day and hour) to the record, keeping the last `keep_days` days."""
    counts = purged_counts(data_dir)
    for day, hours in per_day.items():
        old = counts.get(day, [0] * 24)
        counts[day] = [a + b for a, b in zip(old, hours)]
    latest = sorted(counts)[-keep_days:]
    replace_file(data_dir / PURGED_FILE, json.dumps({d: counts[d] for d in latest}).encode("utf-8"))

