"""Hours written the way notice boards write them, converted to the OSM subset; `yizhan check --fix`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import run_yizhan
from tests.helpers import STATION, network
from yizhan.stations.check import load_network
from yizhan.stations.hours import HoursError, describe_zh, parse_hours
from yizhan.stations.hours_zh import convert_zh

ROOT = Path(__file__).resolve().parents[2]
OSM_LINE = 'hours: "Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off"'


@pytest.mark.parametrize(
    ("zh", "osm"),
    [
        ("周一至周五 9:00-17:00，节假日休息", "Mo-Fr 09:00-17:00; PH off"),
        ("周一到周五 8:30-12:00 13:30-17:30；周六 9:00-12:00；周日休息；法定节假日休息", "Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off"),
        ("星期一至星期五 9：00～17：00", "Mo-Fr 09:00-17:00"),
        ("工作日 8:30-17:30，中午休息 12:00-13:30", "Mo-Fr 08:30-12:00,13:30-17:30"),
        ("周一至周五 8:30-17:30（午休12:00-13:30）", "Mo-Fr 08:30-12:00,13:30-17:30"),
        ("每天 9:00-21:00", "Mo-Su 09:00-21:00"),
        ("周末 10:00-16:00", "Sa,Su 10:00-16:00"),
        ("双休日 10:00~16:00、工作日 9:00到17:00", "Mo-Fr 09:00-17:00; Sa,Su 10:00-16:00"),
        ("周一至周五 9:00-17:00，周六上午 9:00-12:00", "Mo-Fr 09:00-17:00; Sa 09:00-12:00"),
        ("全天", "24/7"),
        ("24小时", "24/7"),
        ("全天24小时开放；法定节假日休息", "24/7; PH off"),
        ("周一至周五 全天", "Mo-Fr 00:00-24:00"),
        ("周一至周五 8:30-17:30，节假日照常", "Mo-Fr 08:30-17:30"),
        ("周一至周五 9点-17点", "Mo-Fr 09:00-17:00"),
        ("周一至周五 上午9:00-下午5:00", "Mo-Fr 09:00-17:00"),
        ("周二、周四 14:00-17:00", "Tu,Th 14:00-17:00"),
        ("周一至周三、周五 9:00-17:00", "Mo-We,Fr 09:00-17:00"),
        ("周一至周五 18:00-次日2:00", "Mo-Fr 18:00-02:00"),
        ("周一至周五 9:00—17:00，法定节假日 9:00-12:00", "Mo-Fr 09:00-17:00; PH 09:00-12:00"),
        ("Mo-Fr 08:30-17:30; PH off", "Mo-Fr 08:30-17:30; PH off"),  # already OSM: unchanged
        ("Mo-Fr 08:30-17:30；PH off", "Mo-Fr 08:30-17:30; PH off"),  # OSM typed with a full-width semicolon
        ("Mo-Fr 08:30-17:30，Sa 09:00-12:00", "Mo-Fr 08:30-17:30; Sa 09:00-12:00"),  # the "，" that led to 'found "Sa"'
        ("Mo-Fr 09:00-17:00; 节假日休息", "Mo-Fr 09:00-17:00; PH off"),  # OSM and Chinese mixed
        # found by an adversarial review: each of these used to convert silently into other hours
        ("周一至周五 9:00-12:00，14:00-17:00", "Mo-Fr 09:00-12:00,14:00-17:00"),  # times alone continue the days before
        ("周一至周五 9:00-17:00，周三 9:00-12:00", "Mo,Tu,Th,Fr 09:00-17:00; We 09:00-12:00"),  # a later day replaces
        ("周一至周五 9:00-17:00，中午休息 12:00-1:30", "Mo-Fr 09:00-12:00,13:30-17:00"),  # 1:30 after 12:00 is 13:30
        ("周一至周五 12:30-1:30", "Mo-Fr 12:30-13:30"),
        ("周一至周五 8:30-5:30", "Mo-Fr 08:30-17:30"),
        ("工作日 9:00-17:00，中午休息 8:00-10:00", "Mo-Fr 10:00-17:00"),  # a break that overlaps the start
        ("周一至周五 22:00-2:00", "Mo-Fr 22:00-02:00"),
        ("周一至周五 9:00-17:00，周末、节假日休息", "Mo-Fr 09:00-17:00; PH off"),
        ("周一、三、五 9:00-11:00", "Mo,We,Fr 09:00-11:00"),
        ("周一至周五 8:30-17:30，中午12:00-13:00休息", "Mo-Fr 08:30-12:00,13:00-17:30"),
        ("星期一至星期五 9:00-17:00 节假日休息", "Mo-Fr 09:00-17:00; PH off"),
        ("上午9:00-12:00，下午14:00-17:00", "Mo-Su 09:00-12:00,14:00-17:00"),
    ],
)
def test_notice_board_forms(zh: str, osm: str) -> None:
    assert convert_zh(zh) == osm
    parse_hours(osm)


@pytest.mark.parametrize(
    ("zh", "message"),
    [
        ("周一至周五 8:30-17:30，周六上午，周日 25:00-26:00",
         ("cannot convert the hours: “周六上午”: 上午 needs its hours, e.g. “周六 9:00-12:00”; "
          "“25:00-26:00”: 25:00 is not a time of day (00:00 to 24:00)")),
        ("营业中", "cannot convert the hours: “营业中”: which days? start with 周一至周五, 工作日, 每天, 周末 or 周六"),
        ("周一至周五 9:00-17:00，午休", "cannot convert the hours: “午休”: a break needs its time, e.g. “中午休息 12:00-13:30”"),
        ("周一至周五 9:00-17:00，休息", "cannot convert the hours: “休息”: which days are closed? e.g. “周日休息”"),
    ],
)  # fmt: skip
def test_every_problem_of_a_value_at_once_with_valid_suggestions(zh: str, message: str) -> None:
    with pytest.raises(HoursError) as err:
        convert_zh(zh)
    assert str(err.value) == message
    fixed = zh
    for part, suggestion in re.findall(r"“([^”]+)”: [^;]*?e\.g\. “([^”]+)”", message):  # put in place, every suggestion converts
        fixed = fixed.replace(part, suggestion)
    if "e.g." in message and "25:00" not in zh:
        parse_hours(convert_zh(fixed))


def test_the_chinese_description_of_every_demo_station_converts_back() -> None:
    net = load_network(ROOT / "stations", "stations")
    hours = [s.hours for s in net.stations.values() if s.hours]
    assert len(hours) >= 70
    for h in hours:
        back = parse_hours(convert_zh(describe_zh(h)))
        assert (back.week, back.ph, back.comments) == (h.week, h.ph, h.comments), h.text


def test_check_names_the_conversion_in_one_error(tmp_path: Path) -> None:
    network(tmp_path / "st", STATION.replace(OSM_LINE, "hours: 周一至周五 9:00-17:00，周六 9:00-12:00，节假日休息"))
    result = run_yizhan(tmp_path, "check", "--stations", "st")
    lines = [line for line in result.stdout.splitlines() if "hours" in line]
    assert lines == [
        (
            'st/wuxi/station.yml:9:8: hours: write "Mo-Fr 09:00-17:00; Sa 09:00-12:00; PH off" (the same hours in the form yizhan '
            "reads); `yizhan check --fix` rewrites it in the file"
        )
    ]


def test_check_fix_rewrites_only_the_value(tmp_path: Path) -> None:
    text = STATION.replace(OSM_LINE, "hours: 周一至周五 9:00-17:00，节假日休息   # 按公告栏")
    network(tmp_path / "st", text)
    path = tmp_path / "st" / "wuxi" / "station.yml"
    before = path.read_bytes()
    result = run_yizhan(tmp_path, "check", "--stations", "st", "--fix")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[0] == "st/wuxi/station.yml:9: 周一至周五 9:00-17:00，节假日休息 → Mo-Fr 09:00-17:00; PH off"
    after = path.read_bytes()
    assert after == before.replace("周一至周五 9:00-17:00，节假日休息".encode(), b'"Mo-Fr 09:00-17:00; PH off"')
    assert "# 按公告栏".encode() in after
    again = run_yizhan(tmp_path, "check", "--stations", "st", "--fix")  # nothing left to fix: the file is not touched
    assert again.stdout.splitlines()[0].endswith("stations OK.") and path.read_bytes() == after


def test_check_fix_leaves_what_it_cannot_convert(tmp_path: Path) -> None:
    network(tmp_path / "st", STATION.replace(OSM_LINE, "hours: |\n  周一至周五 9:00-17:00\n  周六上午"))
    path = tmp_path / "st" / "wuxi" / "station.yml"
    before = path.read_bytes()
    result = run_yizhan(tmp_path, "check", "--stations", "st", "--fix")
    assert result.returncode == 1 and path.read_bytes() == before
    assert "上午 needs its hours, e.g. “周六 9:00-12:00”" in result.stdout


def test_check_fix_keeps_permissions_and_leaves_read_only_files(tmp_path: Path) -> None:
    network(tmp_path / "st", STATION.replace(OSM_LINE, "hours: 周一至周五 9:00-17:00"))
    path = tmp_path / "st" / "wuxi" / "station.yml"
    path.chmod(0o444)
    result = run_yizhan(tmp_path, "check", "--stations", "st", "--fix")
    assert "st/wuxi/station.yml: cannot rewrite: the file is read-only: not changed" in result.stderr
    assert "周一至周五" in path.read_text(encoding="utf-8")
    path.chmod(0o640)
    assert run_yizhan(tmp_path, "check", "--stations", "st", "--fix").returncode == 0
    assert path.stat().st_mode & 0o777 == 0o640 and 'hours: "Mo-Fr 09:00-17:00"' in path.read_text(encoding="utf-8")
