"""Reading and writing the station table: xlsx (openpyxl) and CSV (UTF-8 with or without BOM, or GBK/GB18030)."""

from __future__ import annotations

import csv
import errno
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yizhan.errors import YizhanError
from yizhan.i18n import _, os_error

FORMULA = ("=", "+", "-", "@", "\t", "\r")  # a CSV cell starting with one of these is neutralised with a leading '


@dataclass
class Table:
    """A sheet: its name (for messages), the header row and the data rows with their sheet row numbers."""

    name: str
    headers: list[Any]
    rows: list[tuple[int, list[Any]]]
    header_row: int = 1


def _dialect(text: str) -> dict[str, Any]:
    """Comma-separated as Excel writes it; a header line with tabs or semicolons and no commas is read with those."""
    csv.field_size_limit(1 << 24)  # long cells are the station check's to refuse (with a located message), not csv's
    first = text.split("\n", 1)[0]
    for sep in ("\t", ";"):
        if sep in first and "," not in first:
            return {"delimiter": sep}
    return {}


def decode_csv(raw: bytes, shown: str) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), else GB18030 (GBK's superset, what WPS and Excel write on Chinese Windows)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8", errors="strict")
        except UnicodeDecodeError as err:
            raise YizhanError(f"{shown}: " + _("byte {n} is not UTF-8 although the file says it is").format(n=err.start + 4)) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise YizhanError(f"{shown}: " + _("not valid UTF-16 text: save it as “CSV UTF-8” instead")) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as err:
        raise YizhanError(f"{shown}: " + _("byte {n} is neither UTF-8 nor GBK text: save the file as “CSV UTF-8” "
                                           "(Excel) or “CSV” (WPS) again").format(n=err.start + 1)) from None  # fmt: skip


def read_table(path: Path, shown: str, sheet: str | None = None) -> Table:
    """The first sheet of an xlsx (or `sheet`), or a CSV file, as a Table."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        if sheet is not None:
            raise YizhanError(f"{shown}: " + _("--sheet is for xlsx workbooks; a CSV file has one table"))
        try:
            text = decode_csv(path.read_bytes(), shown)
        except OSError as err:
            raise YizhanError(f"{shown}: " + _("cannot read: {error}").format(error=os_error(err))) from None
        try:
            lines = list(csv.reader(io.StringIO(text, newline=""), **_dialect(text)))
        except csv.Error as err:
            raise YizhanError(f"{shown}: " + _("not a CSV table yizhan can read ({error}); save it again as CSV from Excel or WPS").format(
                error=err)) from None
        cells = [[c[1:] if c.startswith("'") and c[1:2] in FORMULA and c[1:2] else c for c in line] for line in lines]
        return _table(path.stem, cells)
    if suffix not in (".xlsx", ".xlsm"):
        raise YizhanError(f"{shown}: " + _("expected a .xlsx or .csv file (an old .xls: save it as .xlsx in Excel or WPS first)"))
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
        if sheet is not None and sheet not in names:
            raise YizhanError(f"{shown}: " + _("no sheet named “{sheet}”; the sheets are {sheets}").format(sheet=sheet, sheets="、".join(names)))
        name = sheet if sheet is not None else names[0]
        ws = book.get_sheet_by_name(name)
        lines = [[None if c == "" else c for c in line] for line in ws.to_python(skip_empty_area=False)]
        for (r0, c0), (r1, c1) in ws.merged_cell_ranges or []:  # Excel shows a merged cell's value on every row it spans
            value = lines[r0][c0] if r0 < len(lines) and c0 < len(lines[r0]) else None
            for r in range(r0, min(r1, len(lines) - 1) + 1):
                for c in range(c0, min(c1, len(lines[r]) - 1) + 1):
                    lines[r][c] = value
    except (CalamineError, OSError, ValueError, IndexError) as err:
        why = _("it is protected by a password or is not an xlsx file") if "zip" in str(err).lower() else str(err)
        raise YizhanError(f"{shown}: " + _("cannot open as an xlsx workbook ({reason})").format(reason=why)) from None
    return _table(name, lines)


def _table(name: str, lines: list[list[Any]]) -> Table:
    while lines and not any(_filled(c) for c in lines[-1]):
        lines.pop()
    if not lines:
        return Table(name, [], [])
    at = next((i for i, line in enumerate(lines[:10]) if any(str(c).strip() in ("编号", "id") for c in line if c is not None)), 0)
    headers = list(lines[at])  # a title row above the headers is skipped
    while headers and not _filled(headers[-1]):
        headers.pop()
    rows = [(n, line) for n, line in enumerate(lines[at + 1 :], start=at + 2) if any(_filled(c) for c in line)]
    return Table(name, headers, rows, at + 1)


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def write_table(path: Path, headers: list[str], rows: list[list[Any]], text_columns: set[int], sheet: str = "驿站") -> None:
    """An xlsx (header row, frozen panes, filters, column widths, id and phone columns as text) or a UTF-8 CSV with BOM."""
    tmp = path.with_name(f".{path.name}.tmp")
    if path.suffix.lower() == ".csv":
        with tmp.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(headers)
            for row in rows:
                w.writerow(["'" + v if isinstance(v, str) and v.startswith(FORMULA) else v for v in row])
        tmp.replace(path)
        return
    if path.suffix.lower() != ".xlsx":
        raise YizhanError(f"{path}: " + _("expected a file name ending in .xlsx or .csv"))
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    if not path.parent.is_dir():  # before openpyxl starts its temporary stream, which would complain on its own
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path.parent))
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    widths = [max(len(str(h)) * 2 + 2, 8) for h in headers]
    for row in rows[:200]:  # widths from the first rows: enough to look right, cheap for 10,000
        for i, v in enumerate(row):
            text = str(v) if v is not None else ""
            widths[i] = min(max(widths[i], sum(2 if ord(c) > 0x2E80 else 1 for c in text) + 2), 60)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    bold = Font(bold=True)
    head = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = bold
        head.append(cell)
    ws.append(head)
    for row in rows:
        out = []
        for i, v in enumerate(row):
            if i in text_columns or (isinstance(v, str) and v.startswith("=")):
                cell = WriteOnlyCell(ws, value=str(v) if v is not None else "")
                cell.data_type = "s"  # text, never a formula (openpyxl would write "=…" as one)
                cell.number_format = "@"
                out.append(cell)
            else:
                out.append(v)
        ws.append(out)
    book.save(tmp)
    tmp.replace(path)
