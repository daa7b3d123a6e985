"""Reading and writing the station table: xlsx (openpyxl) and CSV (UTF-8 with or without BOM, or GBK/GB18030)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yizhan.errors import YizhanError

FORMULA = ("=", "+", "-", "@", "\t", "\r")  # a CSV cell starting with one of these is neutralised with a leading '


@dataclass
class Table:
    """A sheet: its name (for messages), the header row and the data rows with their sheet row numbers."""

    name: str
    headers: list[Any]
    rows: list[tuple[int, list[Any]]]


def decode_csv(raw: bytes, shown: str) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), else GB18030 (GBK's superset, what WPS and Excel write on Chinese Windows)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as err:
        raise YizhanError(f"{shown}: byte {err.start + 1} is neither UTF-8 nor GBK text: save the file as “CSV UTF-8” "
                          "(Excel) or “CSV” (WPS) again") from None  # fmt: skip


def read_table(path: Path, shown: str, sheet: str | None = None) -> Table:
    """The first sheet of an xlsx (or `sheet`), or a CSV file, as a Table."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            text = decode_csv(path.read_bytes(), shown)
        except OSError as err:
            raise YizhanError(f"{shown}: cannot read: {err.strerror or err}") from None
        lines = list(csv.reader(io.StringIO(text, newline="")))
        cells = [[c[1:] if c.startswith("'") and c[1:2] in FORMULA and c[1:2] else c for c in line] for line in lines]
        return _table(path.stem, cells)
    if suffix not in (".xlsx", ".xlsm"):
        raise YizhanError(f"{shown}: expected a .xlsx or .csv file (an old .xls: save it as .xlsx in Excel or WPS first)")
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
        if sheet is not None and sheet not in names:
            raise YizhanError(f"{shown}: no sheet named “{sheet}”; the sheets are {'、'.join(names)}")
        name = sheet if sheet is not None else names[0]
        lines = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except (CalamineError, OSError, ValueError, IndexError) as err:
        raise YizhanError(f"{shown}: cannot open as an xlsx workbook ({err})") from None
    return _table(name, [[None if c == "" else c for c in line] for line in lines])


def _table(name: str, lines: list[list[Any]]) -> Table:
    while lines and not any(_filled(c) for c in lines[-1]):
        lines.pop()
    if not lines:
        return Table(name, [], [])
    headers = list(lines[0])
    while headers and not _filled(headers[-1]):
        headers.pop()
    rows = [(n, line) for n, line in enumerate(lines[1:], start=2) if any(_filled(c) for c in line)]
    return Table(name, headers, rows)


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
        raise YizhanError(f"{path}: expected a file name ending in .xlsx or .csv")
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

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
            if i in text_columns:
                cell = WriteOnlyCell(ws, value=str(v) if v is not None else "")
                cell.number_format = "@"
                out.append(cell)
            else:
                out.append(v)
        ws.append(out)
    book.save(tmp)
    tmp.replace(path)
