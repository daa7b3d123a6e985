"""Check-in rows as data: validation for the hub, the kiosk CSV format (the one encoding and reader), phone masking."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from yizhan.durable import atomic_write
from yizhan.errors import YizhanError
from yizhan.i18n import _, os_error
from yizhan.stations.check import ID_MAX, ID_RE

from .records import CHINA, COLUMNS, PURPOSES, SOURCES, clean, neutralise, restore

Row = dict[str, str]
TYPED = ("name", "phone", "home_org", "purpose", "note")  # the columns people type: cleaned like the kiosk's form
MAX_LEN = {"name": 64, "phone": 20, "home_org": 128, "note": 500, "device_id": 64, "station_id": ID_MAX}
_MOBILE = re.compile(r"1[3-9]\d{9}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")  # the canonical (lower-case) form
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # JSON can carry them (as \ud800 escapes); UTF-8 and the databases cannot
# No check-in can be older than yizhan's first release: such a time (1970, 0001) is a tablet whose clock was reset.
FIRST_RELEASE = dt.datetime(2026, 1, 1, tzinfo=CHINA)
MAX_AHEAD = dt.timedelta(days=1)  # a check-in may be this far ahead of the hub's clock (clocks drift), no more
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}:\d{2}|Z)")
HEADER = ("\ufeff" + ",".join(COLUMNS) + "\r\n").encode("utf-8")  # a kiosk CSV starts with a BOM and this header


def clean_row(row: Any) -> Any:
    """`row` with its typed columns cleaned as the kiosk's form cleans them (records.clean); anything else unchanged."""
    if not isinstance(row, dict):
        return row
    return {**row, **{c: clean(row[c]) for c in TYPED if isinstance(row.get(c), str)}}


def row_problem(row: Any, now: dt.datetime | None = None) -> str | None:
    """Why `row` (a mapping of COLUMNS to strings) is not a valid check-in, or None when it is; `now`: the hub's clock.

    A problem of one column starts with its name and ": " (kept so in every language: the CSV header is English).
    """
    if not isinstance(row, dict):
        return _("a row must be a JSON object with the check-in columns")
    missing = [c for c in COLUMNS if c not in row]
    if missing:
        return _("missing column(s): {columns}").format(columns=", ".join(missing))
    extra = sorted(k for k in row if k not in COLUMNS)
    if extra:
        return _("unknown column(s): {columns}").format(columns=", ".join(map(str, extra))[:200])
    bad = [c for c in COLUMNS if not isinstance(row[c], str)]
    if bad:
        return _("column(s) must be strings: {columns}").format(columns=", ".join(bad))
    joined = "".join([row[c] for c in COLUMNS])  # the checks of every column, in one pass each
    try:
        joined.encode("utf-8")  # only a lone surrogate fails it
    except UnicodeEncodeError:
        col = next(c for c in COLUMNS if _SURROGATE.search(row[c]))
        return f"{col}: " + _("not valid Unicode text (a lone surrogate)")
    if not _UUID.fullmatch(row["checkin_id"]):  # str(uuid.UUID(x)) == x, without building the UUID
        return "checkin_id: " + _("expected a lower-case UUID like {example}").format(example="3f2b8c1e-6a4d-4c1e-9b7a-0d5e2f3a4b5c")
    if not ID_RE.fullmatch(row["station_id"]) or len(row["station_id"]) > ID_MAX:
        return "station_id: " + _("expected a station id (lowercase letters, digits and hyphens)")
    if not _ISO.fullmatch(row["checked_in_at"]):
        return "checked_in_at: " + _("expected ISO 8601 with an offset, like {example}").format(example="2026-06-16T09:15:02+08:00")
    try:
        at = dt.datetime.fromisoformat(row["checked_in_at"].replace("Z", "+00:00"))
    except ValueError:
        return "checked_in_at: " + _("not a real date and time")
    if at < FIRST_RELEASE:
        return "checked_in_at: " + _("before {date}, when yizhan was first released: check the kiosk's date and time").format(
            date=f"{FIRST_RELEASE:%Y-%m-%d}"
        )
    if at > (now or dt.datetime.now(dt.timezone.utc)) + MAX_AHEAD:
        return "checked_in_at: " + _("more than one day ahead of the hub's clock: check the kiosk's date and time")
    if row["purpose"] not in PURPOSES:
        return "purpose: " + _("expected one of {values}").format(values=", ".join(PURPOSES))
    if row["source"] not in SOURCES:
        return "source: " + _("expected one of {values}").format(values=", ".join(SOURCES))
    if not _MOBILE.fullmatch(row["phone"]):
        return "phone: " + _("expected a mainland mobile number of 11 digits")
    if not row["name"].strip():
        return "name: " + _("must not be empty")
    for col, limit in MAX_LEN.items():
        if len(row[col]) > limit:
            return f"{col}: " + _("longer than {limit} characters").format(limit=limit)
    if _CONTROL.search(joined):
        col = next(c for c in COLUMNS if _CONTROL.search(row[c]))
        return f"{col}: " + _("contains control characters")
    return None


def mask_phone(phone: str) -> str:
    """A phone number as shown on screens and in reports: 138****1234."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def read_rows(path: Path, complete_only: bool = False) -> Iterator[tuple[int, Row]]:
    """(line number, row) for each record of a kiosk CSV (header checked, cells restored).

    With `complete_only`, a last line without its newline (a write in progress or torn) is left out.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return
    except OSError as err:
        raise YizhanError(f"{path}: " + _("cannot read: {reason}").format(reason=os_error(err))) from None
    if complete_only:
        data = data[: data.rfind(b"\n") + 1]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise YizhanError(f"{path}: " + _("not UTF-8 (byte {byte}): save the file as UTF-8 CSV").format(byte=err.start)) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        return
    if tuple(header) != COLUMNS:
        raise YizhanError(
            f"{path}:1:1: "
            + _("expected the check-in header {expected}, found {found}").format(expected=",".join(COLUMNS), found=",".join(header)[:200])
        )
    for fields in reader:
        if not fields:
            continue
        if len(fields) != len(COLUMNS):
            raise YizhanError(
                f"{path}:{reader.line_num}:1: "
                + _("expected {expected} cells, found {found}").format(expected=len(COLUMNS), found=len(fields))
            )
        yield reader.line_num, {c: restore(v) for c, v in zip(COLUMNS, fields)}


def encode_row(record: Mapping[str, str]) -> bytes:
    """One kiosk CSV line (RFC 4180, CRLF, UTF-8) of a record's columns, every cell neutralised."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow([neutralise(record[c]) for c in COLUMNS])
    return buf.getvalue().encode("utf-8")


def write_csv(path: Path, rows: Iterable[Mapping[str, str]]) -> int:
    """Write `rows` as a kiosk CSV (mode 0600, fsynced, replaced atomically); the number of rows."""
    n = 0
    with atomic_write(path) as f:
        f.write(HEADER)
        for row in rows:
            f.write(encode_row(row))
            n += 1
    return n
