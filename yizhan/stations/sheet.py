"""Stations as spreadsheet rows: the columns (Chinese headers or YAML field names), a station as a row, a row as a record."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from yizhan.i18n import _

from .hours import HoursError, describe_zh
from .hours_zh import convert_zh
from .model import Station
from .phones import phone_problem
from .vocab import DATUMS, LEVELS

# header -> field; the YAML field names work as headers too (FIELD_NAMES)
HEADERS: dict[str, str] = {
    "编号": "id", "名称": "name", "级别": "level", "上级编号": "parent", "运营单位": "operator",
    "市": "city", "区县": "district", "街道/镇": "town", "地址": "address",
    "纬度": "lat", "经度": "lon", "坐标系": "datum", "开放时间": "hours", "开放时间说明": "hours_zh",
    "电话": "phone", "电话说明": "phone_label", "联络员": "contact", "联络员职务": "contact_role", "联络员电话": "contact_phone",
    "服务项目": "services", "自助报到": "kiosk", "说明": "notes", "更新日期": "updated",
}  # fmt: skip
FIELD_NAMES = {v: v for v in HEADERS.values()} | {"city": "city", "region.city": "city", "region.district": "district",
               "region.town": "town", "location.lat": "lat", "location.lon": "lon", "location.datum": "datum",
               "hotline": "phone", "hotlines": "phone", "contacts": "contact"}  # fmt: skip
REPEATED = ("phone", "phone_label", "contact", "contact_role", "contact_phone")  # 电话, 电话2, 电话说明2 …
TEXT_COLUMNS = ("id", "parent", "phone", "contact_phone")  # stored as text in the xlsx
LEVEL_BY_ZH = {zh: code for code, zh in LEVELS.items()}
YES, NO = ("是", "有", "yes", "true", "1", "y", "√", "✓"), ("否", "无", "no", "false", "0", "n", "", "×")
MAX_CELL = 5000  # characters in one cell (a station's notes are limited to as many)
_SPLIT = re.compile(r"[、，,;；/]+")
_NUMBERED = re.compile(r"^(.*?)\s*(\d+)$")


@dataclass(frozen=True)
class Column:
    """One header of the sheet: the field it fills and, for repeated fields, which one (0-based)."""

    field: str
    n: int = 0


def read_header(header: str) -> Column | str:
    """The column a header names, or a message (with a did-you-mean) for a header yizhan does not know."""
    text = re.sub(r"\s+", "", str(header or ""))
    if text in HEADERS:
        return Column(HEADERS[text])
    if text in FIELD_NAMES:
        return Column(FIELD_NAMES[text])
    m = _NUMBERED.match(text)
    if m:
        base = HEADERS.get(m[1]) or FIELD_NAMES.get(m[1])
        if base in REPEATED and int(m[2]) >= 1:
            return Column(base, int(m[2]) - 1)
    if not text:
        return _("a column without a header: give it one of the headers below, or delete the column")
    close = difflib.get_close_matches(text, [*HEADERS, *FIELD_NAMES], n=1, cutoff=0.5)
    hint = _(" (did you mean {suggestion}?)").format(suggestion=f"“{close[0]}”") if close else ""
    return _("unknown column “{header}”{hint}; the columns are {columns}").format(
        header=text, hint=hint, columns="、".join(h for h in HEADERS if h != "开放时间说明"))


def headers_for(hotlines: int, contacts: int) -> list[str]:
    """The export's headers: one pair of phone columns per hotline, one triple per contact (at least one each)."""
    out = ["编号", "名称", "级别", "上级编号", "运营单位", "市", "区县", "街道/镇", "地址", "纬度", "经度", "坐标系", "开放时间", "开放时间说明"]
    for i in range(max(hotlines, 1)):
        n = "" if i == 0 else str(i + 1)
        out += [f"电话{n}", f"电话说明{n}"]
    for i in range(max(contacts, 1)):
        n = "" if i == 0 else str(i + 1)
        out += [f"联络员{n}", f"联络员职务{n}", f"联络员电话{n}"]
    return out + ["服务项目", "自助报到", "说明", "更新日期"]


def station_row(s: Station, headers: list[str] | list[Column]) -> list[Any]:
    """A station as the export's row: text everywhere but coordinates (numbers) and the date (a date)."""
    values: dict[tuple[str, int], Any] = {
        ("id", 0): s.id, ("name", 0): s.name, ("level", 0): LEVELS[s.level], ("parent", 0): s.parent or "",
        ("operator", 0): s.operator, ("city", 0): s.region.city, ("district", 0): s.region.district, ("town", 0): s.region.town,
        ("address", 0): s.address, ("lat", 0): s.lat, ("lon", 0): s.lon, ("datum", 0): "wgs84",
        ("hours", 0): s.hours.text if s.hours else "", ("hours_zh", 0): describe_zh(s.hours) if s.hours else "",
        ("services", 0): "、".join(s.services), ("kiosk", 0): "是" if s.kiosk else "否", ("notes", 0): s.notes,
        ("updated", 0): s.updated or "",
    }  # fmt: skip
    for i, h in enumerate(s.hotlines):
        values["phone", i], values["phone_label", i] = h.number, h.label
    for i, c in enumerate(s.contacts):
        values["contact", i], values["contact_role", i], values["contact_phone", i] = c.name, c.role, c.phone
    columns = [h if isinstance(h, Column) else read_header(h) for h in headers]
    return [values.get((c.field, c.n), "") for c in columns if isinstance(c, Column)]


def station_record(s: Station) -> dict[str, Any]:
    """A checked station in the shape read_row gives a row (coordinates in WGS-84, notes without their last line end)."""
    rec: dict[str, Any] = {"id": s.id, "name": s.name, "level": s.level}
    if s.parent:
        rec["parent"] = s.parent
    rec["operator"] = s.operator
    rec["region"] = {k: v for k, v in (("city", s.region.city), ("district", s.region.district), ("town", s.region.town)) if v}
    rec["address"] = s.address
    rec["location"] = {"lat": s.lat, "lon": s.lon}
    if s.hours:
        rec["hours"] = s.hours.text
    if s.hotlines:
        rec["hotlines"] = [{"number": h.number, **({"label": h.label} if h.label else {})} for h in s.hotlines]
    if s.contacts:
        rec["contacts"] = [{"name": c.name, **({"role": c.role} if c.role else {}), **({"phone": c.phone} if c.phone else {})}
                           for c in s.contacts]  # fmt: skip
    if s.services:
        rec["services"] = list(s.services)
    if s.kiosk:
        rec["kiosk"] = True
    if s.notes.strip():
        rec["notes"] = s.notes.rstrip()
    if s.updated:
        rec["updated"] = s.updated
    return rec


@dataclass
class Row:
    """One sheet row read into a station record, with the problems of its cells (column index, message)."""

    number: int
    record: dict[str, Any] = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)  # record field path -> column index, to place later problems


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    return str(value).strip()


def recover_phone(value: Any) -> tuple[str, str | None]:
    """A phone cell as text; Excel's numbers get back the leading 0 where the area code makes it certain."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return _text(value), None
    digits = _text(value)
    fixed = "0" + digits
    if digits[:1] != "1" or digits[:2] == "10" and len(digits) == 10:  # not a mobile or service number: an area code lost its 0
        if phone_problem(fixed) is None and (digits[0] == "2" and len(digits) == 10 or digits[:2] == "10" and len(digits) == 10
                                             or digits[0] in "3456789" and len(digits) in (10, 11)):  # fmt: skip
            return fixed, None
    elif phone_problem(digits) is None:
        return digits, None  # a mobile (13800000000) or a service number (12371): a number is fine
    return digits, _("Excel stored the phone as the number {digits}, which lost its leading 0 or digits: "
                     "format the column as 文本 (text) and type the number again, e.g. 0510-82700000").format(digits=digits)  # fmt: skip


def _date(value: Any) -> tuple[dt.date | None, str | None]:
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 < value < 80000:
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value)), None  # an Excel date serial
    text = _text(value)
    if not text:
        return None, None
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])), None
        except ValueError:
            pass
    return None, _("expected a date like 2026-11-01, found {found}").format(found=f"“{text}”")


def _number(value: Any) -> tuple[float | None, str | None]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value), None
    text = _text(value)
    if not text:
        return None, None
    try:
        if "_" in text:
            raise ValueError(text)
        return float(text), None
    except ValueError:
        return None, _("expected a number like 31.5789, found {found}").format(found=f"“{text}”")


def read_row(number: int, cells: list[Any], columns: list[Column]) -> Row:
    """A sheet row as a station record in the YAML layout; each cell's problem is kept with its column."""
    row = Row(number)
    rec: dict[str, Any] = {}
    rep: dict[str, dict[int, Any]] = {f: {} for f in REPEATED}
    where: dict[str, int] = {}
    for i, col in enumerate(columns):
        value = cells[i] if i < len(cells) else None
        f = col.field
        if isinstance(value, str) and len(value) > MAX_CELL:
            row.problems.append((i, _("expected at most {limit} characters, found {count}").format(limit=f"{MAX_CELL:,}",
                                                                                                    count=f"{len(value):,}")))
            where.setdefault(f if f not in REPEATED else f"{f}:{col.n}", i)
            continue
        if f in REPEATED:
            if f in ("phone", "contact_phone"):
                text, problem = recover_phone(value)
                if problem:
                    row.problems.append((i, problem))
            else:
                text = _text(value)
            if text:
                rep[f][col.n] = text
                where[f"{f}:{col.n}"] = i
            continue
        where[f] = i
        if f == "hours_zh":
            continue  # the description the export adds; 开放时间 is what counts
        if f in ("lat", "lon"):
            num, problem = _number(value)
            if problem:
                row.problems.append((i, problem))
            if num is not None:
                rec.setdefault("location", {})[f] = num
        elif f == "updated":
            date, problem = _date(value)
            if problem:
                row.problems.append((i, problem))
            if date:
                rec["updated"] = date
        elif f == "kiosk":
            text = _text(value).lower()
            if text in YES:
                rec["kiosk"] = True
            elif text not in NO:
                row.problems.append((i, _("expected 是 or 否, found {found}").format(found=f"“{_text(value)}”")))
        else:
            text = _text(value)
            if not text:
                continue
            if f == "level":
                rec["level"] = LEVEL_BY_ZH.get(text, text)
            elif f in ("city", "district", "town"):
                rec.setdefault("region", {})[f] = text
            elif f == "datum":
                low = text.lower().replace("-", "")
                rec.setdefault("location", {})["datum"] = low if low in DATUMS else text
            elif f == "hours":
                try:
                    rec["hours"] = convert_zh(text)
                except HoursError as err:
                    row.problems.append((i, str(err)))
            elif f == "services":
                rec["services"] = [s.strip() for s in _SPLIT.split(text) if s.strip()]
            else:
                rec[f] = text
    phones = sorted(set(rep["phone"]) | set(rep["phone_label"]))
    if phones:
        rec["hotlines"] = [{"number": rep["phone"].get(n, ""), **({"label": rep["phone_label"][n]} if n in rep["phone_label"] else {})}
                           for n in phones]  # fmt: skip
        for k, n in enumerate(phones):
            row.columns[f"hotlines[{k}].number"] = where.get(f"phone:{n}", where.get(f"phone_label:{n}", 0))
            row.columns[f"hotlines[{k}].label"] = where.get(f"phone_label:{n}", where.get(f"phone:{n}", 0))
    people = sorted(set(rep["contact"]) | set(rep["contact_role"]) | set(rep["contact_phone"]))
    if people:
        rec["contacts"] = []
        for k, n in enumerate(people):
            person = {"name": rep["contact"].get(n, "")}
            if n in rep["contact_role"]:
                person["role"] = rep["contact_role"][n]
            if n in rep["contact_phone"]:
                person["phone"] = rep["contact_phone"][n]
            rec["contacts"].append(person)
            for part, f in (("name", "contact"), ("role", "contact_role"), ("phone", "contact_phone")):
                row.columns[f"contacts[{k}].{part}"] = where.get(f"{f}:{n}", where.get(f"contact:{n}", 0))
    order = ["id", "name", "level", "parent", "operator", "region", "address", "location", "hours", "hotlines", "contacts",
             "services", "kiosk", "notes", "updated"]  # fmt: skip
    if "location" in rec:
        rec["location"] = {k: rec["location"][k] for k in ("lat", "lon", "datum") if k in rec["location"]}
        if rec["location"].get("datum") == "wgs84":
            del rec["location"]["datum"]  # the default
    if "region" in rec:
        rec["region"] = {k: rec["region"][k] for k in ("city", "district", "town") if k in rec["region"]}
    row.record = {k: rec[k] for k in order if k in rec}
    for name, i in where.items():
        if ":" not in name:
            row.columns[{"lat": "location.lat", "lon": "location.lon", "datum": "location.datum", "city": "region.city",
                         "district": "region.district", "town": "region.town"}.get(name, name)] = i  # fmt: skip
    return row
