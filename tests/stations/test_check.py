"""Every validation rule, with exact messages and positions."""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from tests.helpers import CENTER, STATION, network, write
from yizhan.errors import CheckFailed
from yizhan.stations.check import check_stations, load_network


def problems(root: Path) -> list[str]:
    """The problems `check_stations` reports, as printed (paths relative to root)."""
    net, found = check_stations(root, "st")
    assert (net is None) == any(not p.warning for p in found)
    return [str(p) for p in found]


def edit(old: str, new: str, text: str = STATION) -> str:
    assert old in text, old
    return text.replace(old, new)


def test_valid_network_loads(tmp_path: Path) -> None:
    net = load_network(network(tmp_path))
    assert list(net.stations) == ["test-center", "test-station"]
    s = net.stations["test-station"]
    assert s.level_zh == "区镇驿站"
    assert [(h.number, h.label, h.tel) for h in s.hotlines] == [
        ("0510-82700001", "驿站值班电话", "tel:+8651082700001"),
        ("12371", "党员服务热线", "tel:12371"),
    ]
    assert (s.contacts[0].name, s.contacts[0].tel) == ("张丽", "tel:+8613800000000")
    assert net.stations["test-center"].children == ["test-station"]
    assert str(s.updated) == "2026-11-01" and s.kiosk is True
    assert s.hours is not None and s.hours.ph == ()


CASES = [
    ("yaml syntax", edit("services: [报到登记, 组织关系转接]", "services: [报到登记, 组织关系转接"),
     "st/wuxi/station.yml:16:6: YAML syntax error: while parsing a flow sequence did not find expected ',' or ']'"),
    ("unknown field", edit("level: station", "levle: station"),
     'st/wuxi/station.yml:1:1: missing field "level": expected center, station, window or point',
     'st/wuxi/station.yml:3:1: unknown field "levle" (did you mean "level"?)'),
    ("missing field", edit("address: 无锡市梁溪区中山路1号\n", ""),
     'st/wuxi/station.yml:1:1: missing field "address": expected a street address'),
    ("bad level", edit("level: station", "level: stattion"),
     'st/wuxi/station.yml:3:8: level: expected one of center, station, window, point, found "stattion" (did you mean "station"?)'),
    ("bad id", edit("id: test-station", "id: ../etc/passwd"),
     'st/wuxi/station.yml:1:5: id: expected lowercase letters, digits and single hyphens, at most 64 characters (like wuxi-liangxi-chongansi), found "../etc/passwd"'),
    ("uppercase id", edit("id: test-station", "id: Test_Station"),
     'st/wuxi/station.yml:1:5: id: expected lowercase letters, digits and single hyphens, at most 64 characters (like wuxi-liangxi-chongansi), found "Test_Station"'),
    ("empty name", edit("name: 梁溪区测试街道流动党员服务驿站", 'name: ""'),
     "st/wuxi/station.yml:2:7: name: expected the station's name, found an empty string"),
    ("name type", edit("name: 梁溪区测试街道流动党员服务驿站", "name: [a]"),
     "st/wuxi/station.yml:2:7: name: expected text, found a list"),
    ("unknown parent", edit("parent: test-center", "parent: test-centre"),
     'st/wuxi/station.yml:4:9: parent: expected the id of an existing station, found "test-centre" (did you mean "test-center"?)'),
    ("missing parent", edit("parent: test-center\n", ""),
     'st/wuxi/station.yml:1:1: missing field "parent": a station (区镇驿站) needs the id of its center (市级中心)'),
    ("wrong parent level", edit("level: station", "level: point"),
     'st/wuxi/station.yml:4:9: parent: a point (小区点位) must have a window (村社窗口) as parent, found "test-center", which is a center (市级中心)'),
    ("swapped", edit("location: {lat: 31.5789, lon: 120.3009}", "location: {lat: 120.3009, lon: 31.5789}"),
     "st/wuxi/station.yml:8:11: location: lat and lon look swapped: expected lat (north, 3.8–53.6) and lon (east, 73.4–135.1), found lat 120.3009, lon 31.5789"),
    ("outside china", edit("location: {lat: 31.5789, lon: 120.3009}", "location: {lat: 51.5, lon: -0.12}"),
     "st/wuxi/station.yml:8:28: location.lon: expected a longitude inside China (73.4–135.1), found -0.12"),
    ("lat text", edit("location: {lat: 31.5789, lon: 120.3009}", "location: {lat: 31.5N, lon: 120.3009}"),
     'st/wuxi/station.yml:8:17: location.lat: expected a number (degrees north), found "31.5N"'),
    ("unknown datum", edit("location: {lat: 31.5789, lon: 120.3009}", "location: {lat: 31.5789, lon: 120.3009, datum: bd09}"),
     'st/wuxi/station.yml:8:48: location.datum: expected one of wgs84, gcj02, found "bd09"'),
    ("bad hours", edit('hours: "Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off"', 'hours: "Mo-Fr 08:30-12:00; Sat 09:00-12:00"'),
     'st/wuxi/station.yml:9:28: hours: expected a weekday (Mo Tu We Th Fr Sa Su) or PH, found "Sat" (did you mean "Sa"?)'),
    ("hours false", edit('hours: "Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off"', "hours: off"),
     'st/wuxi/station.yml:9:8: hours: expected opening hours like "Mo-Fr 08:30-17:30; PH off", found the boolean false (YAML reads unquoted off/no as false: write "off" in quotes)'),
    ("integer phone lost 0", edit('{number: "0510-82700001"', "{number: 0571234567"),
     'st/wuxi/station.yml:11:14: hotlines[0].number: expected a phone number in quotes, found 0571234567 which YAML read as the integer 98908535 (losing its leading 0): write "0571234567"'),
    ("integer mobile", edit('phone: "13800000000"', "phone: 13800000000"),
     'st/wuxi/station.yml:14:36: contacts[0].phone: expected a phone number in quotes, found 13800000000 which YAML read as the integer 13800000000: write "13800000000"'),
    ("malformed phone", edit('{number: "0510-82700001"', '{number: "8270001"'),
     'st/wuxi/station.yml:11:14: hotlines[0].number: expected a mainland phone number (landline with area code like 0510-82700000, mobile like 13800000000, or service number like 12371), found "8270001": add the area code (e.g. 0510-8270001)'),
    ("phone letters", edit('phone: "13800000000"', 'phone: "138-call-me"'),
     'st/wuxi/station.yml:14:36: contacts[0].phone: expected a mainland phone number (landline with area code like 0510-82700000, mobile like 13800000000, or service number like 12371), found "138-call-me"'),
    ("unknown service", edit("services: [报到登记, 组织关系转接]", "services: [报道登记, 组织关系转接]"),
     "st/wuxi/station.yml:15:12: services[0]: expected a service from the project list (报到登记、组织关系转接、党员活动、学习教育、政策咨询、就业帮扶、困难帮扶、权益维护、志愿服务、党费收缴、证明开具、法律援助、心理疏导、技能培训), found \"报道登记\" (did you mean \"报到登记\"?)"),
    ("kiosk type", edit("kiosk: true", "kiosk: maybe"),
     'st/wuxi/station.yml:16:8: kiosk: expected true or false, found "maybe"'),
    ("bad date", edit("updated: 2026-11-01", "updated: 2026-13-01"),
     'st/wuxi/station.yml:17:10: updated: expected a date like 2026-11-01, found "2026-13-01"'),
    ("duplicate key", edit("kiosk: true", "kiosk: true\nkiosk: false"),
     "st/wuxi/station.yml:17:1: duplicate key 'kiosk': each field may appear once"),
    ("hotline field", edit("{number: \"0510-82700001\", label: 驿站值班电话}", "{numbr: \"0510-82700001\", label: 驿站值班电话}"),
     'st/wuxi/station.yml:11:5: missing field "hotlines[0].number": expected a phone number in quotes',
     'st/wuxi/station.yml:11:6: unknown field "numbr" (did you mean "number"?)'),
    ("not a mapping", "- just\n- a list\n",
     "st/wuxi/station.yml:1:1: station: expected a mapping of id, name, level, parent, operator, region, address, location, hours, hotlines, contacts, services, kiosk, notes, updated, found a list"),
    ("empty file", "", "st/wuxi/station.yml:1:1: file is empty: expected a station (id, name, level, ...)"),
    ("script link", STATION + "notes: '[点我](javascript:alert(1))'\n",
     'st/wuxi/station.yml:18:14: warning: notes: link to "javascript:alert(1)" removed: links may go only to http(s), '
     "tel: or mailto: addresses or to pages of this site"),
    ("long city", edit("city: 无锡市", "city: " + "无锡" * 100),
     "st/wuxi/station.yml:6:16: region.city: expected at most 30 characters, found 200"),
    ("long notes", STATION + "notes: " + "说明" * 10_001 + "\n",
     "st/wuxi/station.yml:18:8: notes: expected at most 5,000 characters, found 20,002"),
]  # fmt: skip


@pytest.mark.parametrize("text, expected", [(c[1], list(c[2:])) for c in CASES], ids=[c[0] for c in CASES])
def test_rule(tmp_path: Path, text: str, expected: list[str]) -> None:
    assert problems(network(tmp_path, text)) == expected


def test_gcj02_is_converted(tmp_path: Path) -> None:
    text = edit("location: {lat: 31.5789, lon: 120.3009}", "location: {lat: 31.5770, lon: 120.3055, datum: gcj02}")
    s = load_network(network(tmp_path, text)).stations["test-station"]
    assert (s.lat, s.lon) == pytest.approx((31.5789, 120.3009), abs=2e-5)


def test_not_utf8(tmp_path: Path) -> None:
    network(tmp_path)
    (tmp_path / "gbk.yml").write_bytes("id: x\nname: 测试\n".encode("gbk"))
    assert problems(tmp_path) == [
        "st/gbk.yml:2:7: file is not UTF-8 text: expected UTF-8, found byte 0xB2; it looks like GBK/GB18030: save it as UTF-8"
    ]


def test_duplicate_ids_name_both_files(tmp_path: Path) -> None:
    network(tmp_path)
    write(tmp_path, "z/copy.yml", STATION)
    assert problems(tmp_path) == [
        'st/wuxi/station.yml:1:5: id: duplicate id "test-station": also used by st/z/copy.yml:1:5',
        'st/z/copy.yml:1:5: id: duplicate id "test-station": also used by st/wuxi/station.yml:1:5',
    ]


def test_cycle_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "a.yml", edit("parent: test-center", "parent: test-b", edit("id: test-station", "id: test-a")))
    write(tmp_path, "b.yml", edit("parent: test-center", "parent: test-a", edit("id: test-station", "id: test-b")))
    found = problems(tmp_path)
    assert "st/a.yml:4:9: parent: stations form a cycle: test-a → test-b → test-a" in found
    assert "st/b.yml:4:9: parent: stations form a cycle: test-a → test-b → test-a" in found


def test_center_with_parent(tmp_path: Path) -> None:
    write(tmp_path, "center.yml", CENTER + "parent: test-center\n")
    assert problems(tmp_path) == ['st/center.yml:11:9: parent: a center (市级中心) has no parent, found "test-center"']


def test_all_problems_of_all_files_at_once(tmp_path: Path) -> None:
    text = edit("level: station", "level: stattion", edit('phone: "13800000000"', "phone: 13800000000"))
    network(tmp_path, text)
    write(tmp_path, "other.yml", edit("id: test-station", "id: test-other", edit("kiosk: true", "kiosk: 1")))
    found = problems(tmp_path)
    assert [f.split(":")[0] for f in found] == ["st/other.yml", "st/wuxi/station.yml", "st/wuxi/station.yml"]
    with pytest.raises(CheckFailed) as err:
        load_network(tmp_path, "st")
    assert str(err.value).splitlines()[-1] == "3 problems found; nothing was built."


def test_every_demo_station_is_valid() -> None:
    net = load_network(Path(__file__).resolve().parents[2] / "stations")
    assert len(net) >= 60
    assert {s.level for s in net.stations.values()} == {"center", "station", "window", "point"}
    assert len({s.region.city for s in net.stations.values()}) >= 3


def test_recursive_alias(tmp_path: Path) -> None:
    network(tmp_path)
    write(tmp_path, "loop.yml", "id: &x [*x]\n")
    assert problems(tmp_path) == ["st/loop.yml:1:9: YAML error: expected plain values, found an alias that contains itself"]


def alias_bomb(levels: int, fan: int = 10) -> str:
    """A "billion laughs" file: each level is a list of `fan` aliases of the level below."""
    names = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    lines = ['a: &a ["lol"]']
    lines += [f"{n}: &{n} [" + ",".join([f"*{p}"] * fan) + "]" for p, n in zip(names, names[1 : levels + 1])]
    return "\n".join(lines) + "\n"


BOMB_MESSAGE = ("YAML error: expected at most 10,000 values in a station file, found more once aliases (*name) "
                "are expanded: write the values out instead")  # fmt: skip


@pytest.mark.parametrize("levels", [7, 9, 30])
def test_alias_bomb_is_a_located_error(tmp_path: Path, levels: int) -> None:
    network(tmp_path)
    write(tmp_path, "bomb.yml", alias_bomb(levels))
    assert len(alias_bomb(9)) < 400  # as small as the bomb that used to take 18 GB
    tracemalloc.start()
    try:
        found = problems(tmp_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # the fourth alias of the fifth level (e: &e [*d,*d,*d,*d…]) takes the file past 10,000 values
    assert found == [f"st/bomb.yml:5:17: {BOMB_MESSAGE}"]
    assert peak < 5_000_000


def test_alias_bomb_through_the_command_line(tmp_path: Path) -> None:
    """The real `yizhan check` answers a nine-level bomb at once, in little memory, with one line and exit 1."""
    network(tmp_path)
    write(tmp_path, "bomb.yml", alias_bomb(9))
    # VmHWM: this process's peak resident memory (ru_maxrss would count the parent's from before the exec)
    code = ("import runpy, sys\n"
            "sys.argv = ['yizhan', 'check', '--stations', 'st']\n"
            "try:\n    runpy.run_module('yizhan.cli', run_name='__main__')\n"
            "finally:\n    print(open('/proc/self/status').read().split('VmHWM:')[1].split()[0], file=sys.stderr)\n")  # fmt: skip
    (tmp_path.parent / "st").mkdir(exist_ok=True)
    for f in tmp_path.rglob("*.yml"):
        target = tmp_path.parent / "st" / f.relative_to(tmp_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(f.read_bytes())
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path.parent, capture_output=True, text=True, timeout=20)
    assert run.returncode == 1
    assert run.stdout == f"st/bomb.yml:5:17: {BOMB_MESSAGE}\n"
    lines = run.stderr.splitlines()
    assert lines[0] == "1 problem in 1 file."
    assert int(lines[-1]) < 100 * 1024  # peak resident memory of the whole process, in KB: under 100 MB


def test_deep_nesting_is_reported_as_nesting(tmp_path: Path) -> None:
    network(tmp_path)
    write(tmp_path, "deep.yml", "".join(" " * i + "a:\n" for i in range(300)))  # 300 levels of block mappings
    write(tmp_path, "flow.yml", "id: " + "[" * 30_000 + "]" * 30_000 + "\n")  # used to crash libyaml's composer
    assert problems(tmp_path) == [
        "st/deep.yml:17:17: YAML error: expected at most 16 levels of nesting (a station uses 3), found deeper nesting",
        "st/flow.yml:1:20: YAML error: expected at most 16 levels of nesting (a station uses 3), found deeper nesting",
    ]


def test_file_size_limit(tmp_path: Path) -> None:
    network(tmp_path)
    write(tmp_path, "big.yml", STATION.replace("test-station", "test-big") + "notes: |\n" + "  很长的说明\n" * 6000)
    assert problems(tmp_path) == [
        "st/big.yml:1:1: file too large: expected at most 64 KB for one station, found 108,637 bytes (is this a station file?)"
    ]


def test_a_second_document_and_an_undefined_alias(tmp_path: Path) -> None:
    network(tmp_path)
    write(tmp_path, "two.yml", STATION.replace("test-station", "test-two") + "---\nid: x\n")
    write(tmp_path, "alias.yml", STATION.replace("test-station", "test-alias").replace("kiosk: true", "kiosk: *yes"))
    assert problems(tmp_path) == [
        "st/alias.yml:16:8: YAML syntax error: found undefined alias 'yes'",
        "st/two.yml:18:1: YAML syntax error: expected a single document in the stream but found another document",
    ]


NOTES = """\
notes: |
  乘公交11路到[崇安寺](https://example.org)站下车。
  ![x](https://nonexistent.invalid/x.png){onerror="document.title='PWNED'"}
  [a](../finder.html){onclick="alert(1)"} <script>alert(1)</script>

  [参考][r] [电话](tel:12371) [远方](//evil.example/x)

  [r]: javascript:alert(1)
"""


def test_notes_warn_about_what_the_sanitizer_drops(tmp_path: Path) -> None:
    """Each thing that does not reach the page as written is a warning at its own line and column."""
    network(tmp_path, STATION + NOTES)
    net, found = check_stations(tmp_path, "st")
    assert net is not None  # warnings fail nothing
    assert [str(p) for p in found] == [
        'st/wuxi/station.yml:20:8: warning: notes: image "https://nonexistent.invalid/x.png" removed: images must come '
        'from this site, which makes no outside requests (its text "x" is shown instead)',
        'st/wuxi/station.yml:20:42: warning: notes: "{onerror="document.title=\'PWNED\'"}" is shown as text: attribute '
        "lists ({…}) do not apply in notes",
        'st/wuxi/station.yml:21:22: warning: notes: "{onclick="alert(1)"}" is shown as text: attribute lists ({…}) do not '
        "apply in notes",
        'st/wuxi/station.yml:21:43: warning: notes: "<script>" is shown as text: HTML does not apply in notes, write Markdown',
        'st/wuxi/station.yml:21:59: warning: notes: "</script>" is shown as text: HTML does not apply in notes, write Markdown',
        'st/wuxi/station.yml:23:32: warning: notes: link to "//evil.example/x" removed: links may go only to http(s), tel: or '
        "mailto: addresses or to pages of this site",
        'st/wuxi/station.yml:25:8: warning: notes: link to "javascript:alert(1)" removed: links may go only to http(s), tel: '
        "or mailto: addresses or to pages of this site",
    ]
    assert net.warnings == found
    html = net.stations["test-station"].notes_html
    assert html == (
        '<p>乘公交11路到<a href="https://example.org" rel="noopener noreferrer">崇安寺</a>站下车。\n'
        '<img alt="x">{onerror="document.title=\'PWNED\'"}\n'
        '<a href="../finder.html" rel="noopener noreferrer">a</a>{onclick="alert(1)"} &lt;script&gt;alert(1)&lt;/script&gt;</p>\n'
        '<p><a rel="noopener noreferrer">参考</a> <a href="tel:12371" rel="noopener noreferrer">电话</a> '
        '<a rel="noopener noreferrer">远方</a></p>'
    )


def test_check_command_prints_warnings_and_passes(tmp_path: Path) -> None:
    network(tmp_path / "st", STATION + NOTES)
    run = subprocess.run([sys.executable, "-m", "yizhan.cli", "check", "--stations", "st"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 8 and all(": warning: notes: " in line for line in lines[:7])
    assert lines[-1] == "2 stations OK, 7 warnings."


HOSTILE_CASES = [
    ("C1 control in a name", edit("city: 无锡市", 'city: "\\x80*x*{:autofocus}"'),
     "st/wuxi/station.yml:6:16: region.city: expected text without control characters, found U+0080 at character 1"),
    ("noncharacter", edit("address: 无锡市梁溪区中山路1号", 'address: "中山路\\uFFFE1号"'),
     "st/wuxi/station.yml:7:10: address: expected text without control characters, found U+FFFE at character 4"),
    ("bool tag", edit("kiosk: true", "kiosk: !!bool maybe"), "st/wuxi/station.yml:16:8: YAML error: 'maybe' cannot be read as bool"),
    ("empty int", edit("kiosk: true", 'kiosk: !!int ""'), "st/wuxi/station.yml:16:8: YAML error: '' cannot be read as int"),
    ("bad timestamp", edit("kiosk: true", 'kiosk: !!timestamp "abc"'), "st/wuxi/station.yml:16:8: YAML error: 'abc' cannot be read as timestamp"),
    ("bool tag key", STATION + "!!bool maybe: 1\n", "st/wuxi/station.yml:18:1: YAML error: 'maybe' cannot be read as bool"),
    ("huge number", edit("name: 梁溪区测试街道流动党员服务驿站", "name: 0x" + "f" * 20_000),
     "st/wuxi/station.yml:2:7: YAML error: expected a number of at most 40 characters, found 20,002"),
    ("list as datum", edit("location: {lat: 31.5789, lon: 120.3009}", "location: {lat: 31.5789, lon: 120.3009, datum: [a]}"),
     "st/wuxi/station.yml:8:48: location.datum: expected one of wgs84, gcj02, found a list"),
    ("many brackets", STATION + 'notes: "' + "[" * 301 + '"\n',
     "st/wuxi/station.yml:18:8: notes: expected at most 300 [ (links and images), found 301"),
    ("lists nested too deeply", STATION + 'notes: "' + "- " * 600 + 'x"\n',
     "st/wuxi/station.yml:18:8: notes: expected Markdown with lists or quotes nested a few levels deep, found them nested too deeply"),
]  # fmt: skip


@pytest.mark.parametrize("text, expected", [(c[1], c[2]) for c in HOSTILE_CASES], ids=[c[0] for c in HOSTILE_CASES])
def test_hostile_values_are_located_errors(tmp_path: Path, text: str, expected: str) -> None:
    """Values that crashed the checker with a traceback, or would have reached a page's front matter."""
    assert problems(network(tmp_path, text)) == [expected]


def test_notes_links_the_source_does_not_spell_out_never_hang(tmp_path: Path) -> None:
    """Dropped addresses that are not written literally in the notes (a reference used three times, escapes)."""
    network(tmp_path / "st", STATION + 'notes: "[a][r] [b][r] [c][r]\\n\\n[r]: ftp://x/\\n\\n[d](javascript:x\\\\(1\\\\)) [e](javascript:x\\\\(2\\\\))"\n')
    run = subprocess.run([sys.executable, "-m", "yizhan.cli", "check", "--stations", "st"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.count('warning: notes: link to "ftp://x/" removed') == 3
    assert run.stdout.count('warning: notes: link to "javascript:x(') == 2


def test_notes_links_read_as_browsers_read_them(tmp_path: Path) -> None:
    """A line break inside an address or a control character before it: browsers drop both, so the check does too."""
    notes = 'notes: "[guide](/\\n/evil.example/phish) [x](\\x01//evil.example/)\\n\\n![m](\\x01//evil.example/t.png)"\n'
    network(tmp_path, STATION + notes)
    net, found = check_stations(tmp_path, "st")
    assert net is not None
    assert [p.message.split(" removed")[0] for p in found] == [
        'notes: link to "/\\x0a/evil.example/phish"', 'notes: link to "\\x01//evil.example/"', 'notes: image "\\x01//evil.example/t.png"']
    assert net.stations["test-station"].notes_html == (
        '<p><a rel="noopener noreferrer">guide</a> <a rel="noopener noreferrer">x</a></p>\n<p><img alt="m"></p>')
