"""yizhan/stations/station.schema.json: the JSON Schema editors use for station files, kept in step with the code.

Editors with the YAML language server (VS Code's Red Hat YAML extension) check `stations/**` against the
schema while you type; `yizhan check` (yizhan.stations.check) is the real checker. These tests make sure the two agree:
the schema is valid, every demo station passes it, its vocabularies are the code's, bad stations fail both
the schema and `check_stations`, and every demo file's modeline points at the schema.

Dates: PyYAML (YAML 1.1, what yizhan uses) reads an unquoted `updated: 2026-11-01` as a datetime.date, while
the YAML language server (YAML 1.2 core schema, its default) has no timestamp type and sees the text
"2026-11-01". The schema describes what the editor sees, so `as_editor_sees` turns dates back into ISO text
before validating.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from yizhan.stations import geo
from yizhan.stations.check import FIELDS, ID_MAX, ID_RE, SUBFIELDS, check_stations
from yizhan.stations.hours import HoursError, parse_hours
from yizhan.stations.phones import phone_problem
from yizhan.stations.vocab import DATUMS, LEVELS, SERVICES

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "yizhan" / "stations" / "station.schema.json"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
STATIONS = ROOT / "stations"
STATION_FILES = sorted(p for p in STATIONS.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())
MODELINE = re.compile(r"# yaml-language-server: \$schema=(\S+)\s*")
PROPS = SCHEMA["properties"]


def as_editor_sees(value: Any) -> Any:
    """The YAML value as the YAML language server sees it: dates as ISO text (see the module docstring)."""
    if isinstance(value, dict):
        return {k: as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_sees(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def schema_errors(doc: Any) -> list[str]:
    """Every schema error for `doc`, as 'path: message'."""
    return [f"{e.json_path}: {e.message}" for e in VALIDATOR.iter_errors(as_editor_sees(doc))]


def _walk(node: Any, where: str = "#") -> Iterator[tuple[str, Any]]:
    """(JSON pointer, sub-schema) for every mapping in the schema."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from _walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{where}/{i}")


def _fields(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(dotted name, schema) of every field a station file may have, nested ones included."""
    for name, sub in schema.get("properties", {}).items():
        yield name, sub
        inner = sub.get("items", sub)
        for child, child_schema in _fields(inner):
            yield f"{name}.{child}", child_schema


# (a) the schema itself ------------------------------------------------------------------------------------


def test_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"] and SCHEMA["title"]


def test_every_field_is_documented_in_chinese_and_english() -> None:
    fields = dict(_fields(SCHEMA))
    assert len(fields) == len(FIELDS) + sum(len(s) for s in SUBFIELDS.values())
    for name, sub in fields.items():
        text = sub.get("description", "")
        assert re.search(r"[\u4e00-\u9fff]", text) and re.search(r"[A-Za-z]{3}", text) and " / " in text, name


def test_every_object_is_closed() -> None:
    objects = [(where, s) for where, s in _walk(SCHEMA) if s.get("type") == "object"]
    assert len(objects) == 5  # the station, region, location, a hotline, a contact
    for where, sub in objects:
        assert sub.get("additionalProperties") is False, where


def test_schema_examples_are_valid() -> None:
    """Every `examples` value (shown by editors on hover) passes the schema it illustrates."""
    count = 0
    for where, sub in _walk(SCHEMA):
        if isinstance(sub.get("examples"), list):
            validator = Draft202012Validator({**sub, "$defs": SCHEMA["$defs"]}, format_checker=VALIDATOR.format_checker)
            for example in sub["examples"]:
                assert not list(validator.iter_errors(example)), (where, example)
                count += 1
    assert count >= 20


def test_schema_is_shipped_in_the_package(tmp_path: Path) -> None:
    """A wheel built from the project holds the schema, with the templates and assets the site needs."""
    import shutil
    import subprocess
    import sys
    import zipfile

    source = tmp_path / "src"  # a copy: setuptools writes its build/ folder next to pyproject.toml
    for name in ("yizhan", "kiosk"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=300)  # fmt: skip
    (wheel,) = tmp_path.glob("yizhan-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "yizhan/stations/station.schema.json" in names
    site = ROOT / "yizhan" / "site"
    shipped = {p.relative_to(ROOT).as_posix() for d in ("templates", "assets") for p in (site / d).rglob("*") if p.is_file()}
    assert shipped - names == set() and len(shipped) >= 8
    assert {"kiosk/views/form.tpl", "kiosk/static/kiosk.css"} <= names
    assert "yizhan/locale/zh_CN/LC_MESSAGES/yizhan.mo" in names  # the Chinese messages
    fontdata = {i.filename: i for i in zipfile.ZipFile(wheel).infolist() if "/fontdata/" in i.filename}
    assert {f"yizhan/posters/fontdata/{n}" for n in ("DroidSansFallbackFull.ttf", "LiberationSans-Regular.ttf", "LICENSE-Apache-2.0.txt",
            "COPYRIGHT-DroidSansFallback.txt", "COPYRIGHT-LiberationSans.txt", "README.md", "fetch.py")} == set(fontdata)  # fmt: skip
    assert sum(i.file_size for i in fontdata.values()) <= 10_000_000  # the last-resort fonts add at most 10 MB


# (b) the demo data passes ---------------------------------------------------------------------------------


def test_demo_files_found() -> None:
    assert len(STATION_FILES) >= 10
    network, problems = check_stations(STATIONS)
    assert network is not None and not problems, problems  # the checker agrees they are good


@pytest.mark.parametrize("path", STATION_FILES, ids=lambda p: str(p.relative_to(STATIONS)))
def test_demo_station_passes_schema(path: Path) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert schema_errors(doc) == []


# (c) the schema's vocabularies are the code's -------------------------------------------------------------


def test_enums_match_vocab() -> None:
    assert PROPS["level"]["enum"] == list(LEVELS)
    assert PROPS["location"]["properties"]["datum"]["enum"] == list(DATUMS)
    assert "enum" not in PROPS["services"]["items"]  # the project's list is in mkdocs.yml, which the editor cannot read
    assert PROPS["services"]["items"]["examples"] == SERVICES  # the default list, for completion
    assert all(s in PROPS["services"]["description"] for s in SERVICES)
    level_docs = PROPS["level"]["enumDescriptions"]
    assert len(level_docs) == len(LEVELS) and all(LEVELS[k] in d for k, d in zip(LEVELS, level_docs))
    assert all(f"{k} {v}" in PROPS["level"]["description"] for k, v in LEVELS.items())
    assert len(PROPS["location"]["properties"]["datum"]["enumDescriptions"]) == len(DATUMS)


def test_id_pattern_matches_check() -> None:
    for field in ("id", "parent"):
        assert PROPS[field]["pattern"] == f"^{ID_RE.pattern}$"
        assert PROPS[field]["maxLength"] == ID_MAX


def test_coordinate_ranges_match_geo() -> None:
    loc = PROPS["location"]["properties"]
    assert (loc["lat"]["minimum"], loc["lat"]["maximum"]) == geo.LAT_RANGE
    assert (loc["lon"]["minimum"], loc["lon"]["maximum"]) == geo.LON_RANGE


def test_fields_and_required_match_check() -> None:
    assert list(PROPS) == list(FIELDS)
    assert set(SCHEMA["required"]) == {k for k, required in FIELDS.items() if required}
    for name, spec in SUBFIELDS.items():
        sub = PROPS[name].get("items", PROPS[name])
        assert list(sub["properties"]) == list(spec), name
        assert set(sub["required"]) == {k for k, required in spec.items() if required}, name


PHONES_OK = [
    "0510-82700000", "025-83600000", "010-12345678", "02583600000", "0310-1234567", "0310 123 4567",
    "(0510)82700000", "（0510）82700000", "(025) 8360 0000", "0510 8270 0000", "0510-8270-0000", "+86 510 82700000",
    "+86-25-83600000", "+86 (510) 82700000", "13800000000", "138-0000-0000", "138 0000 0000", "+8613800000000",
    "+86 138 0000 0000", "19912345678", "12371", "110", "10086", "95588", "400-810-0000", "4008100000",
    "800-820-8820", "0510-82700000转123", "0510-82700000-123", "0510-82700000 ext.12", "0510-82700000x5",
    "13800000000-12", "400-810-0000转8",
]  # fmt: skip
PHONES_BAD = [
    "82700000", "8270000", "0510-827000", "025-1234567", "010-1234567", "12800000000", "1380000000",
    "138000000000", "+86 0510 82700000", "0510—82700000", "0510_82700000", "0510-82700000转", "0510-82700000 转 123",
    "0510-82700000-1234567", "0510-82700000转1234567", "051-8270000", "12371-1", "99", "9999", "1", "abc", "",
]  # fmt: skip


@pytest.mark.parametrize("number", PHONES_OK + PHONES_BAD)
def test_phone_pattern_agrees_with_phones_py(number: str) -> None:
    in_schema = re.search(SCHEMA["$defs"]["phone"]["pattern"], number) is not None
    assert in_schema == (phone_problem(number) is None) == (number in PHONES_OK)


@pytest.mark.parametrize("number", ["05108270000", "0510-8270000", "14000000000", "99999", "1234"])
def test_the_numbering_plan_is_checked_beyond_what_the_schema_can_say(number: str) -> None:
    """The editor's pattern is a shape; `yizhan check` asks libphonenumber's metadata (Wuxi's numbers have 8 digits,
    there is no mobile prefix 140, 99999 and 1234 are no service numbers)."""
    assert re.search(SCHEMA["$defs"]["phone"]["pattern"], number) is not None
    assert phone_problem(number) == (
        f"expected a mainland phone number (landline with area code like 0510-82700000, mobile like 13800000000, or service "
        f'number like 12371), found "{number}", which is not in China\'s numbering plan (no such area code, local number '
        "length, mobile prefix or service number)"
    )


def test_beijing_written_the_international_way_is_a_phone_number() -> None:
    assert phone_problem("+86 10 6234 5678") is None and phone_problem("010-62345678") is None


HOURS_OK = sorted({str(yaml.safe_load(p.read_text(encoding="utf-8")).get("hours")) for p in STATION_FILES} - {"None"}) + [
    "Mo-Fr 22:00-02:00", "PH 09:00-12:00", "Sa-Mo 10:00-12:00", "Mo-Fr 08:30-17:30;", '"预约开放"', "Su closed; PH off",
]  # fmt: skip
HOURS_BAD = [
    "", "   ", "Mo-Fr 08:30-17:30；PH off", "周一至周五 08:30-17:30", "Mo-Fr 8:30-17:30", "mo-fr 08:30-17:30",
    "Mo-Fr 08:30～17:30", "Mo-Fr 08：30-17:30", "Mon-Fri 08:30-17:30", "Mo-Fr 08:30-17:30 “备注”", "sunrise-sunset",
]  # fmt: skip


@pytest.mark.parametrize("text", HOURS_OK + HOURS_BAD)
def test_hours_pattern_is_a_loose_version_of_parse_hours(text: str) -> None:
    """The schema's pattern only checks the characters and words; parse_hours checks the grammar."""
    in_schema = re.search(PROPS["hours"]["pattern"], text) is not None
    try:
        parse_hours(text)
        parsed = True
    except HoursError:
        parsed = False
    assert in_schema == parsed == (text in HOURS_OK)


def test_patterns_work_in_the_editor() -> None:
    """The YAML language server compiles `pattern`s as JavaScript regexes with the u flag: they must compile
    there and give the same answers as Python's re."""
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node is missing: the JavaScript tests must run in CI (`make system-deps` installs it)")
        pytest.skip("node is not installed (`make system-deps` installs it)")
    patterns = sorted({s["pattern"] for _, s in _walk(SCHEMA) if isinstance(s.get("pattern"), str)})
    samples = PHONES_OK + PHONES_BAD + HOURS_OK + HOURS_BAD + ["wuxi-center", "Wuxi", "a--b", "无锡市", "a\nb", " x ", ""]
    script = (
        "const {patterns, samples} = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(patterns.map(p => { const r = new RegExp(p, 'u'); return samples.map(s => r.test(s)); })));"
    )
    run = subprocess.run([node, "-e", script], input=json.dumps({"patterns": patterns, "samples": samples}),
                         capture_output=True, text=True, timeout=60, check=True)  # fmt: skip
    js = json.loads(run.stdout)
    for pattern, answers in zip(patterns, js):
        assert answers == [re.search(pattern, s) is not None for s in samples], pattern


# (d) bad stations fail both the schema and check_stations ----------------------------------------------------

PARENTS: dict[str, dict[str, Any]] = {
    "test-center": {
        "id": "test-center", "name": "测试市流动党员服务中心", "level": "center", "operator": "中共测试市委组织部",
        "region": {"city": "无锡市", "district": "梁溪区"}, "address": "无锡市梁溪区测试路1号",
        "location": {"lat": 31.5789, "lon": 120.3009},
    },
    "test-station": {
        "id": "test-station", "name": "测试街道流动党员服务驿站", "level": "station", "parent": "test-center",
        "operator": "中共测试区委组织部", "region": {"city": "无锡市", "district": "梁溪区", "town": "测试街道"},
        "address": "无锡市梁溪区测试路2号", "location": {"lat": 31.5771, "lon": 120.3021},
    },
}  # fmt: skip
GOOD: dict[str, Any] = {
    "id": "test-new", "name": "测试社区流动党员服务窗口", "level": "window", "parent": "test-station",
    "operator": "中共测试街道测试社区委员会", "region": {"city": "无锡市", "district": "梁溪区", "town": "测试街道"},
    "address": "无锡市梁溪区测试路3号", "location": {"lat": 31.5762, "lon": 120.3015, "datum": "wgs84"},
    "hours": "Mo-Fr 08:30-12:00,13:30-17:30; PH off",
    "hotlines": [{"number": "0510-82700000", "label": "窗口值班电话"}, {"number": "12371"}],
    "contacts": [{"name": "李敏", "role": "红色联络员", "phone": "13800000003"}],
    "services": ["报到登记", "党员活动"], "kiosk": False, "notes": "乘公交11路到[崇安寺](https://example.org)站下车。\n",
    "updated": dt.date(2026, 11, 1),
}  # fmt: skip


def _set(doc: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """Set (or, for value DROP, delete) the field at a dotted path such as 'contacts.0.phone'."""
    *parents, last = path.split(".")
    node: Any = doc
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    if value is DROP:
        del node[last]
    else:
        node[int(last) if last.isdigit() else last] = value
    return doc


DROP = object()
ANYWHERE = None
# name: (changes to GOOD, (schema error path, schema keyword), text in the checker's message)
BAD: dict[str, tuple[dict[str, Any], tuple[Any, str | None], str]] = {
    "unknown field": ({"website": "https://example.org"}, ((), "additionalProperties"), 'unknown field "website"'),
    "integer phone": ({"contacts.0.phone": 13800000003}, (("contacts", 0, "phone"), "type"), "expected a phone number in quotes"),
    "integer hotline number": ({"hotlines.1.number": 12371}, (("hotlines", 1, "number"), "type"), "which YAML read as the integer"),
    "bad level": ({"level": "village"}, (("level",), "enum"), "level: expected one of center, station, window, point"),
    "missing name": ({"name": DROP}, ((), "required"), 'missing field "name"'),
    "swapped lat/lon": ({"location": {"lat": 120.3015, "lon": 31.5762}}, (("location", "lat"), "maximum"), "lat and lon look swapped"),
    "window without parent": ({"parent": DROP}, ((), "required"), 'missing field "parent"'),
    "center with parent": ({"level": "center", "parent": "test-station"}, (ANYWHERE, None), "a center (市级中心) has no parent"),
    "no district": ({"region.district": DROP}, (("region",), "required"), 'missing field "region.district"'),
    "no area code": ({"hotlines.0.number": "82700000"}, (("hotlines", 0, "number"), "pattern"), "add the area code"),
    "missing hotline number": ({"hotlines.1.number": DROP}, (("hotlines", 1), "required"), 'missing field "hotlines[1].number"'),
    "contact without name": ({"contacts.0.name": DROP}, (("contacts", 0), "required"), 'missing field "contacts[0].name"'),
    "unknown contact field": ({"contacts.0.wechat": "liming"}, (("contacts", 0), "additionalProperties"), 'unknown field "wechat"'),
    "bad id": ({"id": "Test_New"}, (("id",), "pattern"), "id: expected lowercase letters"),
    "long id": ({"id": "x" * 65}, (("id",), "maxLength"), "at most 64 characters"),
    "two services in one": ({"services": ["报到登记、党员活动"]}, (("services", 0), "pattern"), "expected a service from the project list"),
    "bad datum": ({"location.datum": "bd09"}, (("location", "datum"), "enum"), "location.datum: expected one of wgs84, gcj02"),
    "latitude outside China": ({"location.lat": 60.0}, (("location", "lat"), "maximum"), "expected a latitude inside China"),
    "text coordinate": ({"location.lon": "120.3"}, (("location", "lon"), "type"), "location.lon: expected a number"),
    "hours with Chinese semicolon": ({"hours": "Mo-Fr 08:30-17:30；PH off"}, (("hours",), "pattern"), 'write "Mo-Fr 08:30-17:30; PH off"'),
    "unquoted hours off": ({"hours": False}, (("hours",), "type"), 'write "off" in quotes'),
    "kiosk as text": ({"kiosk": "yes"}, (("kiosk",), "type"), "kiosk: expected true or false"),
    "impossible date": ({"updated": "2026-13-01"}, (("updated",), "pattern"), "expected a date like 2026-11-01"),
    "two-line name": ({"name": "测试\n窗口"}, (("name",), "pattern"), "expected one line of text"),
    "empty address": ({"address": ""}, (("address",), "pattern"), "address: expected a street address"),
    "long district": ({"region.district": "梁溪" * 16}, (("region", "district"), "maxLength"), "expected at most 30 characters"),
    "region as text": ({"region": "无锡市梁溪区"}, (("region",), "type"), "region: expected a mapping"),
}  # fmt: skip


def _write_network(folder: Path, doc: dict[str, Any]) -> Path:
    """Write `doc` as bad.yml plus the parents it names (and theirs); return bad.yml's path."""
    folder.mkdir()
    parent = doc.get("parent")
    while isinstance(parent, str) and parent in PARENTS:
        (folder / f"{parent}.yml").write_text(yaml.safe_dump(PARENTS[parent], allow_unicode=True, sort_keys=False), encoding="utf-8")
        parent = PARENTS[parent].get("parent")
    path = folder / "bad.yml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_good_station_passes_both(tmp_path: Path) -> None:
    """The station the bad ones are made from is good, so each bad one fails for its one change."""
    path = _write_network(tmp_path / "net", copy.deepcopy(GOOD))
    network, problems = check_stations(path.parent)
    assert not problems and network is not None and "test-new" in network.stations
    assert schema_errors(yaml.safe_load(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("case", list(BAD))
def test_bad_station_fails_both(case: str, tmp_path: Path) -> None:
    changes, (where, keyword), message = BAD[case]
    doc = copy.deepcopy(GOOD)
    for field, value in changes.items():
        _set(doc, field, value)
    path = _write_network(tmp_path / "net", doc)

    # the editor (schema), on the same file
    errors = list(VALIDATOR.iter_errors(as_editor_sees(yaml.safe_load(path.read_text(encoding="utf-8")))))
    assert errors, f"{case}: the schema accepted it"
    found = [(tuple(e.absolute_path), e.validator) for e in errors]
    assert any(k == keyword and (where is ANYWHERE or p == where) for p, k in found), found

    # yizhan's own checker
    network, problems = check_stations(path.parent)
    assert network is None
    assert all(Path(p.path).name == "bad.yml" for p in problems), problems  # the parents are fine
    assert any(message in p.message for p in problems), [p.message for p in problems]


def test_a_service_outside_the_list_is_left_to_yizhan_check(tmp_path: Path) -> None:
    """The project's list lives in mkdocs.yml (plugins: yizhan: services), which the editor cannot read: the schema
    suggests the default list and accepts other names; `yizhan check` holds each one to the project's list."""
    doc = copy.deepcopy(GOOD)
    doc["services"] = ["学习资料"]
    path = _write_network(tmp_path / "net", doc)
    assert schema_errors(yaml.safe_load(path.read_text(encoding="utf-8"))) == []
    network, problems = check_stations(path.parent)
    assert network is None and [p.message for p in problems] == [
        f"services[0]: expected a service from the project list ({'、'.join(SERVICES)}), found \"学习资料\""]
    network, problems = check_stations(path.parent, services=[*SERVICES, "学习资料"])
    assert problems == [] and network is not None and network.stations["test-new"].services == ["学习资料"]


def test_unquoted_off_hours_are_flagged_in_the_editor() -> None:
    """Unquoted `hours: off` is false to yizhan (rejected above) but the text "off" to the YAML language server
    (YAML 1.2), so the schema rejects hours that are just "off" (never open): stricter than parse_hours, on purpose."""
    for text in ("off", " off "):
        assert schema_errors({**GOOD, "hours": text}), text
    assert schema_errors({**GOOD, "hours": "Mo-Su off"}) == []


# (e) the editor finds the schema ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", STATION_FILES, ids=lambda p: str(p.relative_to(STATIONS)))
def test_modeline_points_at_the_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    m = MODELINE.fullmatch(first)
    assert m, f"first line is not a yaml-language-server modeline: {first!r}"
    target = (path.parent / m[1]).resolve()
    assert target.is_file(), target
    assert target == SCHEMA_PATH.resolve()


def test_vscode_settings_map_the_schema() -> None:
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    globs = settings["yaml.schemas"]["./yizhan/stations/station.schema.json"]
    assert set(globs) == {"stations/**/*.yml", "stations/**/*.yaml"}
    assert (ROOT / "./yizhan/stations/station.schema.json").resolve() == SCHEMA_PATH.resolve()
    extensions = json.loads((ROOT / ".vscode" / "extensions.json").read_text(encoding="utf-8"))
    assert "redhat.vscode-yaml" in extensions["recommendations"]
