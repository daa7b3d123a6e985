"""Check one station file on its own: every field, every problem located (yizhan.stations.check checks a folder)."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yizhan.errors import Problem
from yizhan.i18n import N_, _, field

from . import geo
from .hours import HoursError, parse_hours
from .hours_zh import convert_zh
from .model import Contact, Hotline, Region, Station
from .notes import MAX_BRACKETS
from .notes import MAX_CHARS as MAX_NOTES
from .notes import render as render_notes
from .phones import phone_problem, tel_uri
from .source import Key, Source, read_source
from .vocab import DATUMS, LEVELS, PARENT_LEVEL, SERVICES

_CJK = re.compile(r"[\u3400-\u9fff]")  # Chinese characters: hours written the Chinese way (not only full-width ；)

ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ID_MAX = 64
REGION_MAX = 30  # characters of a city, district or town name (the longest county names have 15)
# control characters (C0 but tab and line breaks, DEL, C1) and noncharacters: YAML front matter and HTML reject them
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
FIELDS = {
    "id": True, "name": True, "level": True, "parent": False, "operator": True, "region": True,
    "address": True, "location": True, "hours": False, "hotlines": False, "contacts": False,
    "services": False, "kiosk": False, "notes": False, "updated": False,
}  # fmt: skip
SUBFIELDS = {
    "region": {"city": True, "district": False, "town": False},
    "location": {"lat": True, "lon": True, "datum": False},
    "hotlines": {"number": True, "label": False},
    "contacts": {"name": True, "role": False, "phone": False},
}
EXAMPLES = {  # translated with _() where shown (the YAML snippets stay as they are)
    "id": N_("a slug like wuxi-liangxi-chongansi"), "name": N_("the station's name"),
    "level": N_("center, station, window or point"), "operator": N_("the organisation that runs it"),
    "region": "{city: 无锡市, district: 梁溪区, town: 崇安寺街道}", "address": N_("a street address"),
    "location": "{lat: 31.5789, lon: 120.3009}", "city": N_("a city such as 无锡市"), "lat": N_("degrees north"),
    "lon": N_("degrees east"), "number": N_("a phone number in quotes"), "name.contact": N_("a name"),
    "parent": N_("the id of the station one level up"),
}  # fmt: skip


def q(value: Any) -> str:
    """Quote a value for a message the way it would be written in YAML."""
    return json.dumps(value, ensure_ascii=False, default=str)


def found(value: Any) -> str:
    """Describe what YAML produced, for 'found …' in messages."""
    if value is None:
        return _("nothing")
    if isinstance(value, bool):
        return _("the boolean {value}").format(value=str(value).lower())
    if isinstance(value, int):
        return _("the integer {value}").format(value=value)
    if isinstance(value, float):
        return _("the number {value}").format(value=value)
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dt.date):
        return _("the date {value}").format(value=value.isoformat())
    return _("an empty string") if value == "" else q(value)


def about(name: str, message: str) -> str:
    """A message about a field, after the field's name as written (with its Chinese label in Chinese), like the
    `path:line:col: ` before it: 'hotlines[0].number: expected …'."""
    return _("{field}: {message}").format(field=field(name), message=message)


def did_you_mean(word: str, choices: list[str]) -> str:
    """' (did you mean "x"?)' for a close match, else ''."""
    near = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    return _(" (did you mean {suggestion}?)").format(suggestion=q(near[0])) if near else ""


def _fields(src: Source, key: Key, value: Any, spec: dict[str, bool], what: str, out: list[Problem]) -> bool:
    """Check a mapping's keys: unknown ones (with did-you-mean) and missing required ones."""
    path = ".".join(str(k) if not isinstance(k, int) else f"[{k}]" for k in key).replace(".[", "[")
    if not isinstance(value, dict):
        expected = _("expected a mapping of {fields}, found {found}").format(fields=", ".join(map(field, spec)), found=found(value))
        out.append(src.problem(key, _("{field}: {message}").format(field=field(path) if path else _(what), message=expected)))
        return False
    for name in value:
        if name not in spec:
            hint = did_you_mean(name, list(spec)) or _(" (expected one of {fields})").format(fields=", ".join(map(field, spec)))
            out.append(src.problem(key + (name,), _("unknown field {name}{hint}").format(name=q(name), hint=hint), on_key=True))
    for name, required in spec.items():
        if required and name not in value:
            where = f"{path}." if key else ""
            example = _(EXAMPLES[name]) if name in EXAMPLES else field(name)
            out.append(src.problem(key, _('missing field "{field}": expected {example}').format(field=field(where + name), example=example)))
    return True


class _Checker:
    """Checks one parsed station file and turns it into a Station."""

    def __init__(self, src: Source, services: Sequence[str] | None = None) -> None:
        self.src, self.out = src, []
        self.vocab = list(services) if services is not None else SERVICES  # the project's list of services
        self.warnings: list[Problem] = []
        self.meta: tuple[str | None, str, str | None] = (None, "", None)

    def bad(self, key: Key, message: str, offset: int = 0) -> None:
        self.out.append(self.src.problem(key, about(_label(key), message), offset=offset))

    def text(self, key: Key, value: Any, required: bool = True, limit: int = 200) -> str:
        """A non-empty single-line string (or '' when absent and optional)."""
        if value is None and not required:
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool) and key[-1] in ("number", "phone"):
            raw = self.src.raw.get(key, str(value))
            lost = _(" (losing its leading 0)") if raw.startswith("0") else ""
            self.bad(key, _("expected a phone number in quotes, found {raw} which YAML read as the integer {value}{lost}: write "
                            "{quoted}").format(raw=raw, value=value, lost=lost, quoted=q(raw)))
            return ""
        if not isinstance(value, str):
            self.bad(key, _("expected text, found {found}").format(found=found(value)))
            return ""
        value = value.strip()
        if required and not value:
            example = EXAMPLES.get(key[-1]) if isinstance(key[-1], str) else None
            self.bad(key, _("expected {expected}, found an empty string").format(expected=_(example) if example else _("text")))
        elif bad := _CONTROL.search(value):
            self.bad(key, _("expected text without control characters, found {code} at character {position}").format(
                code=f"U+{ord(bad.group()):04X}", position=bad.start() + 1))
        elif "\n" in value:
            self.bad(key, _("expected one line of text, found {found}").format(found=q(value)))
        elif len(value) > limit:
            self.bad(key, _("expected at most {limit} characters, found {count}").format(limit=limit, count=len(value)))
        return value

    def choice(self, key: Key, value: Any, choices: list[str], what: str) -> str:
        if value in choices:
            return str(value)
        self.bad(key, _("expected {expected}, found {found}{hint}").format(expected=what, found=found(value),
                                                                           hint=did_you_mean(str(value), choices)))
        return ""

    def phone(self, key: Key, value: Any) -> tuple[str, str]:
        number = self.text(key, value)
        if number:
            problem = phone_problem(number)
            if problem:
                self.bad(key, problem)
                return number, ""
            return number, tel_uri(number)
        return number, ""

    def station(self) -> Station | None:
        src, d = self.src, self.src.data
        if not _fields(src, (), d, FIELDS, N_("station"), self.out):
            return None
        ident = d.get("id")
        if "id" in d:
            if not isinstance(ident, str) or not ID_RE.fullmatch(ident) or len(ident) > ID_MAX:
                self.bad(("id",), _("expected lowercase letters, digits and single hyphens, at most {limit} characters (like "
                                    "wuxi-liangxi-chongansi), found {found}").format(limit=ID_MAX, found=found(ident)))
                ident = None
        level = self.choice(("level",), d.get("level"), list(LEVELS), _("one of {choices}").format(choices=", ".join(LEVELS))) if "level" in d else ""
        parent = d.get("parent")
        if "parent" in d and parent is not None and not isinstance(parent, str):
            self.bad(("parent",), _("expected {expected}, found {found}").format(expected=_(EXAMPLES["parent"]), found=found(parent)))
            parent = None
        if level == "center" and parent:
            self.bad(("parent",), _("a center (市级中心) has no parent, found {parent}").format(parent=q(parent)))
            parent = None
        elif level and level != "center" and not parent:
            want = PARENT_LEVEL[level]
            self.out.append(src.problem((), _('missing field "{field}": a {level} ({level_zh}) needs the id of its {want} ({want_zh})').format(
                field=field("parent"), level=level, level_zh=LEVELS[level], want=want, want_zh=LEVELS[want])))
        name = self.text(("name",), d.get("name"), required="name" in d)
        operator = self.text(("operator",), d.get("operator"), required="operator" in d)
        address = self.text(("address",), d.get("address"), required="address" in d)
        region = self.region(d.get("region"), level) if "region" in d else None
        lat, lon = self.location(d.get("location")) if "location" in d else (None, None)
        hours = self.hours(d.get("hours")) if d.get("hours") is not None or "hours" in d else None
        hotlines = [self.hotline(k, h) for k, h in self.items("hotlines", d)]
        contacts = [self.contact(k, c) for k, c in self.items("contacts", d)]
        services = self.services(d.get("services"))
        kiosk = d.get("kiosk", False)
        if not isinstance(kiosk, bool):
            self.bad(("kiosk",), _("expected true or false, found {found}").format(found=found(kiosk)))
        notes, notes_html = self.notes(d.get("notes") or "")
        updated = self.updated(d.get("updated"))
        self.meta = (ident, level, parent)
        if self.out:
            return None
        assert ident and level and region and lat is not None and lon is not None
        return Station(ident, name, level, parent, operator, region, address, lat, lon, hours, hotlines, contacts,
                       services, bool(kiosk), notes, updated, src.path, notes_html=notes_html)  # fmt: skip

    def notes(self, value: Any) -> tuple[str, str]:
        """The notes and their sanitised HTML; what the sanitizer drops becomes a located warning."""
        key = ("notes",)
        if value == "":
            return "", ""
        if not isinstance(value, str):
            self.bad(key, _("expected Markdown text, found {found}").format(found=found(value)))
            return "", ""
        if len(value) > MAX_NOTES:
            self.bad(key, _("expected at most {limit} characters, found {count}").format(limit=f"{MAX_NOTES:,}", count=f"{len(value):,}"))
            return "", ""
        if value.count("[") > MAX_BRACKETS:
            self.bad(key, _("expected at most {limit} [ (links and images), found {count}").format(limit=MAX_BRACKETS,
                                                                                                   count=f"{value.count('['):,}"))
            return "", ""
        try:
            rendered = render_notes(value)
        except RecursionError:
            self.bad(key, _("expected Markdown with lists or quotes nested a few levels deep, found them nested too deeply"))
            return "", ""
        for d in rendered.dropped:
            line, col = self.src.inside(key, d.offset)
            self.warnings.append(Problem(self.src.path, line, col, about("notes", d.message), warning=True))
        return value, rendered.html

    def hotline(self, key: Key, value: dict[str, Any]) -> Hotline:
        number, tel = self.phone(key + ("number",), value["number"]) if "number" in value else ("", "")
        return Hotline(number, self.text(key + ("label",), value.get("label"), False) or "电话", tel)

    def contact(self, key: Key, value: dict[str, Any]) -> Contact:
        name = self.text(key + ("name",), value["name"]) if "name" in value else ""
        role = self.text(key + ("role",), value.get("role"), False)
        phone, tel = self.phone(key + ("phone",), value.get("phone")) if value.get("phone") is not None else ("", "")
        return Contact(name, role, phone, tel)

    def items(self, name: str, d: dict[str, Any]) -> list[tuple[Key, dict[str, Any]]]:
        value = d.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.bad((name,), _("expected a list, found {found}").format(found=found(value)))
            return []
        return [((name, i), v) for i, v in enumerate(value) if _fields(self.src, (name, i), v, SUBFIELDS[name], name, self.out)]

    def region(self, value: Any, level: str) -> Region | None:
        if not _fields(self.src, ("region",), value, SUBFIELDS["region"], "region", self.out):
            return None
        city = self.text(("region", "city"), value.get("city"), "city" in value, limit=REGION_MAX)
        district = self.text(("region", "district"), value.get("district"), "district" in value, limit=REGION_MAX)
        town = self.text(("region", "town"), value.get("town"), False, limit=REGION_MAX)
        if not district and level and level != "center" and "district" not in value:
            self.out.append(self.src.problem(("region",), _('missing field "{field}": expected the district or county, like 梁溪区').format(
                field=field("region.district"))))
        return Region(city, district, town)

    def location(self, value: Any) -> tuple[float | None, float | None]:
        if not _fields(self.src, ("location",), value, SUBFIELDS["location"], "location", self.out):
            return None, None
        nums: dict[str, float] = {}
        for axis in ("lat", "lon"):
            v = value.get(axis)
            if axis in value and (isinstance(v, bool) or not isinstance(v, (int, float))):
                self.bad(("location", axis), _("expected a number ({example}), found {found}").format(example=_(EXAMPLES[axis]), found=found(v)))
            elif axis in value:
                nums[axis] = float(v)
        datum = value.get("datum", "wgs84")
        if not isinstance(datum, str) or datum not in DATUMS:
            self.bad(("location", "datum"), _("expected {expected}, found {found}{hint}").format(
                expected=_("one of {choices}").format(choices=", ".join(DATUMS)), found=found(datum),
                hint=did_you_mean(str(datum), list(DATUMS))))
        if len(nums) < 2:
            return None, None
        lat, lon = nums["lat"], nums["lon"]
        if not geo.in_china(lat, lon):
            if geo.in_china(lon, lat):
                self.bad(("location",), _("lat and lon look swapped: expected lat (north, {lat_min}–{lat_max}) and lon (east, "
                                          "{lon_min}–{lon_max}), found lat {lat}, lon {lon}").format(
                    lat_min=geo.LAT_RANGE[0], lat_max=geo.LAT_RANGE[1], lon_min=geo.LON_RANGE[0], lon_max=geo.LON_RANGE[1],
                    lat=lat, lon=lon))
            else:
                for axis, rng in (("lat", geo.LAT_RANGE), ("lon", geo.LON_RANGE)):
                    if not rng[0] <= nums[axis] <= rng[1]:
                        what = (_("expected a latitude inside China ({min}–{max}), found {value}") if axis == "lat"
                                else _("expected a longitude inside China ({min}–{max}), found {value}"))
                        self.bad(("location", axis), what.format(min=rng[0], max=rng[1], value=nums[axis]))
            return None, None
        if datum == "gcj02":
            lat, lon = geo.gcj02_to_wgs84(lat, lon)
        return round(lat, 6), round(lon, 6)

    def hours(self, value: Any) -> Any:
        key = ("hours",)
        if not isinstance(value, str):
            hint = _(' (YAML reads unquoted off/no as false: write "off" in quotes)') if isinstance(value, bool) else ""
            self.bad(key, _('expected opening hours like "Mo-Fr 08:30-17:30; PH off", found {found}{hint}').format(
                found=found(value), hint=hint))
            return None
        try:
            hours = parse_hours(value)
        except HoursError as err:
            if not value.isascii():  # written the Chinese way: one error with the whole conversion, or every problem in it
                try:
                    osm = convert_zh(value)
                except HoursError as why:
                    if _CJK.search(value):
                        self.bad(key, _('{problem} (or write OSM hours like "Mo-Fr 09:00-17:00; PH off")').format(problem=why))
                        return None
                    shift = 1 if self.src.style.get(key) in ("'", '"') else 0
                    self.bad(key, str(err), offset=err.offset + shift)
                else:
                    self.bad(key, _("write {hours} (the same hours in the form yizhan reads); `yizhan check --fix` rewrites it in "
                                    "the file").format(hours=json.dumps(osm, ensure_ascii=False)))  # fmt: skip
                return None
            shift = 1 if self.src.style.get(key) in ("'", '"') else 0
            self.bad(key, str(err), offset=err.offset + shift)
            return None
        lone = re.search(r';\s*("[^"]*")\s*;?\s*$', value)
        if lone and all(u == ((0, 1440),) for u in hours.unknown):  # "Mo-Fr 08:30-17:30; \"节假日另行通知\"": every day unknown
            line, col = self.src.inside(key, lone.start(1))
            better = f"{value[:lone.start()].rstrip()} {lone[1]}"
            self.warnings.append(Problem(self.src.path, line, col, about("hours", _(
                "a rule that is only a comment makes every day unknown (the pages say to call first), and the times before "
                "it are not shown: to keep the comment as a note, write it after the times of a rule: {hours}").format(
                hours=f"'{better}'")), warning=True))  # fmt: skip
        return hours

    def services(self, value: Any) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.bad(("services",), _("expected a list of services, found {found}").format(found=found(value)))
            return []
        for i, s in enumerate(value):
            if s not in self.vocab:
                self.bad(("services", i), _("expected a service from the project list ({services}), found {found}{hint}").format(
                    services="、".join(self.vocab), found=found(s), hint=did_you_mean(str(s), self.vocab)))
        return [s for s in value if s in self.vocab]

    def updated(self, value: Any) -> dt.date | None:
        if value is None or isinstance(value, dt.date):
            return value if not isinstance(value, dt.datetime) else value.date()
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.bad(("updated",), _("expected a date like 2026-11-01, found {found}").format(found=found(value)))
            return None


def _label(key: Key) -> str:
    return "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in key).lstrip(".")


@dataclass(slots=True)
class FileCheck:
    """One station file checked on its own: its Station (None when it has errors), problems, warnings, and what the
    checks across files need (its id, level and parent, and where they are written)."""

    station: Station | None
    problems: list[Problem]
    warnings: list[Problem]
    ident: str | None = None
    level: str = ""
    parent: str | None = None
    src: Source | None = None  # only the positions of id and parent


def check_file(path: Path, shown: str, raw: bytes | None = None, services: Sequence[str] | None = None) -> FileCheck:
    """Read and check one station file (shown to users as `shown`; `raw`: its bytes, when they are not on disk yet;
    `services`: the project's list, None for the default one)."""
    problems: list[Problem] = []
    src = read_source(path, shown, problems, raw)
    if src is None:
        return FileCheck(None, problems, [])
    checker = _Checker(src, services)
    station = checker.station()
    ident, level, parent = checker.meta
    return FileCheck(station, problems + checker.out, checker.warnings, ident, level, parent, src.slim(("id",), ("parent",)))
