"""Tests for yizhan.stations.hours (opening_hours parsing, Chinese descriptions, schema.org) and assets/hours.js."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from yizhan.stations.hours import (
    DAYS_ZH,
    Hours,
    HoursError,
    constant_state,
    describe_zh,
    is_open,
    next_change,
    opening_hours_spec,
    parse_hours,
    state_at,
    status_zh,
    to_json,
)

HOURS_JS = Path(__file__).resolve().parents[2] / "yizhan" / "site" / "assets" / "hours.js"
CST = dt.timezone(dt.timedelta(hours=8))
SUPPORTED = "(supported: weekdays, PH, times, off/closed, 24/7, quoted comments)"


def hm(m: int) -> str:
    return f"{m // 60:02d}:{m % 60:02d}"


def table(h: Hours) -> list[str]:
    """The week as one readable string per day, e.g. '08:30-12:00,13:30-17:30' ('' = closed)."""
    return [",".join(f"{hm(s)}-{hm(e)}" for s, e in day) for day in h.week]


FIVE = ["08:30-12:00,13:30-17:30"] * 5


@pytest.mark.parametrize(
    "text, week",
    [
        ("Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off", FIVE + ["09:00-12:00", ""]),
        ("24/7", ["00:00-24:00"] * 7),
        ("Mo-Su 08:00-20:00", ["08:00-20:00"] * 7),
        ("Mo,We,Fr 09:00-17:00; Tu off", ["09:00-17:00", "", "09:00-17:00", "", "09:00-17:00", "", ""]),
        ("08:00-18:00", ["08:00-18:00"] * 7),
        ('Mo-Fr 09:00-17:00 "午休12:00-13:30"', ["09:00-17:00"] * 5 + ["", ""]),
        ("Sa,Su off; PH off", [""] * 7),
        ("Mo-Sa 08:00-18:00; Su closed", ["08:00-18:00"] * 6 + [""]),
        ("Sa-Mo 10:00-16:00", ["10:00-16:00", "", "", "", "", "10:00-16:00", "10:00-16:00"]),
        ("Su-Su 10:00-16:00", [""] * 6 + ["10:00-16:00"]),
        ("Mo-Fr 08:00-12:00,12:00-13:00,12:30-17:00", ["08:00-17:00"] * 5 + ["", ""]),
        ("Mo-Fr 13:30-17:30,08:30-12:00", FIVE + ["", ""]),
        ("Mo-Su 00:00-24:00", ["00:00-24:00"] * 7),
        ("off", [""] * 7),
        ("Mo-Fr 08:00-17:00;", ["08:00-17:00"] * 5 + ["", ""]),
        # whitespace anywhere between tokens
        ("  Mo - Fr   08:30 - 12:00 , 13:30-17:30 ;Sa 09:00-12:00;PH   off  ", FIVE + ["09:00-12:00", ""]),
        ("Mo-Fr\t08:30-12:00,13:30-17:30\u3000; Sa 09:00-12:00", FIVE + ["09:00-12:00", ""]),
        # overnight ranges spill onto the next day (Su wraps to Mo)
        ("Mo-Fr 22:00-02:00", ["22:00-24:00"] + ["00:00-02:00,22:00-24:00"] * 4 + ["00:00-02:00", ""]),
        ("Su 22:00-02:00", ["00:00-02:00"] + [""] * 5 + ["22:00-24:00"]),
        ("Mo-Su 18:00-06:00", ["00:00-06:00,18:00-24:00"] * 7),
        ("Fr 20:00-00:00", [""] * 4 + ["20:00-24:00", "", ""]),
        ("Mo-Su 00:00-24:00; Mo 22:00-03:00", ["22:00-24:00", "00:00-24:00"] + ["00:00-24:00"] * 5),
        # later rules replace what earlier rules said for the days they name
        ("Mo-Fr 08:00-17:00; We 09:00-12:00", ["08:00-17:00"] * 2 + ["09:00-12:00"] + ["08:00-17:00"] * 2 + ["", ""]),
        ("Mo-Fr 08:00-12:00; Mo-Fr 14:00-18:00", ["14:00-18:00"] * 5 + ["", ""]),
        ("08:00-18:00; Su off", ["08:00-18:00"] * 6 + [""]),
        ("Sa,Su 10:00-16:00; 08:00-20:00", ["08:00-20:00"] * 7),
        ("Mo-Su 08:00-20:00; Sa,Su 10:00-16:00", ["08:00-20:00"] * 5 + ["10:00-16:00"] * 2),
        ("Mo-Fr 08:00-17:00; Mo off; Mo 10:00-11:00", ["10:00-11:00"] + ["08:00-17:00"] * 4 + ["", ""]),
        # ... the whole day, with the part carried over from the evening before ("Sa off" ends Friday night at
        # midnight); the part a rule carries into the next day stays with it where it stands (Tuesday night's
        # range still runs into Wednesday, as in opening_hours.js and opening-hours-py)
        ("Mo-Fr 22:00-02:00; Sa off", ["22:00-24:00"] + ["00:00-02:00,22:00-24:00"] * 4 + ["", ""]),
        ("Mo-Fr 22:00-02:00; Tu off", ["22:00-24:00", ""] + ["00:00-02:00,22:00-24:00"] * 3 + ["00:00-02:00", ""]),
        ("Mo-Su 22:00-02:00; Sa off", ["00:00-02:00,22:00-24:00"] * 5 + ["", "00:00-02:00,22:00-24:00"]),
        ("Fr 22:00-02:00; Sa 10:00-12:00", [""] * 4 + ["22:00-24:00", "10:00-12:00", ""]),
        ("Sa 10:00-12:00; Fr 22:00-02:00", [""] * 4 + ["22:00-24:00", "00:00-02:00,10:00-12:00", ""]),
    ],
)
def test_week_table(text: str, week: list[str]) -> None:
    h = parse_hours(text)
    assert table(h) == week
    assert h.text == text
    for day in h.week:  # sorted, merged, inside the day
        assert all(0 <= s < e <= 1440 for s, e in day)
        assert all(a[1] < b[0] for a, b in zip(day, day[1:]))


@pytest.mark.parametrize(
    "text, ph",
    [
        ("Mo-Fr 08:00-17:00", None),
        ("Mo-Fr 08:00-17:00; PH off", ()),
        ("Mo-Fr 08:00-17:00; PH closed", ()),
        ("Mo-Fr 08:30-17:30; PH 09:00-12:00", ((540, 720),)),
        ("PH 09:00-12:00,14:00-16:00; Mo-Fr 08:00-17:00", None),  # a holiday's hours depend on its weekday
        ("Sa,PH 09:00-12:00", ((540, 720),)),
        ("PH,Su off; Mo-Sa 08:00-18:00", None),  # every weekday's rule comes later: holidays are ordinary days
        ("PH 09:00-12:00; PH off", None),  # closed every day anyway: holidays are ordinary days
        ("Mo-Fr 09:00-17:00; PH 09:00-12:00; PH off", ()),
        ("24/7; PH off", ()),
        ("PH 20:00-24:00", ((1200, 1440),)),
    ],
)
def test_public_holidays(text: str, ph: tuple | None) -> None:
    assert parse_hours(text).ph == ph


def test_ph_obeys_rule_order() -> None:
    h = parse_hours("Sa,PH 09:00-12:00; Mo-Fr 08:00-17:00")
    assert table(h) == ["08:00-17:00"] * 5 + ["09:00-12:00", ""]
    assert h.holiday == ((((480, 1020),), ()),) * 5 + ((((540, 720),), ()),) * 2  # Mo-Fr comes later, Sa and Su do not
    assert h.ph is None
    assert parse_hours("PH off; 08:00-18:00").holiday is None  # a rule for every day comes later
    assert parse_hours("08:00-18:00; PH off").holiday == (((), ()),) * 7


@pytest.mark.parametrize(
    "text, weekday, minute, holiday, state",
    [
        ("PH off; Mo-Fr 08:30-17:30", 3, 600, True, "open"),  # the examples, exactly
        ("Mo-Fr 08:30-17:30; PH off", 3, 600, True, "closed"),
        ("Mo-Fr 08:30-17:30; PH off", 3, 600, False, "open"),
        ("Mo-Su 22:00-02:00; Sa off", 5, 30, False, "closed"),
        ("Mo-Su 22:00-02:00; Sa off", 6, 90, False, "open"),
        ("Mo-Su 22:00-02:00; Sa off", 5, 23 * 60, False, "closed"),
        ("Mo-Su 22:00-02:00; Sa off", 4, 23 * 60, False, "open"),
        ('"预约接待"', 0, 600, False, "unknown"),
        ('"预约接待"', 6, 0, True, "unknown"),
        ("PH off; Mo-Fr 08:30-17:30", 5, 600, True, "closed"),  # a holiday Saturday: nothing after PH names it
        ("Mo-Su 22:00-02:00; PH off", 3, 60, True, "closed"),  # the holiday itself, after midnight too
        ("Mo-Su 22:00-02:00; PH off", 4, 60, False, "open"),  # the morning after: the range started on the holiday
        ('Mo-Fr 08:00-17:00; "节假日另行通知"', 0, 600, False, "unknown"),  # a lone comment names every day
        ('"请先电话预约"; Mo-Fr 08:00-17:00', 0, 600, False, "open"),
        ('"请先电话预约"; Mo-Fr 08:00-17:00', 0, 1200, False, "closed"),
        ('"请先电话预约"; Mo-Fr 08:00-17:00', 5, 600, False, "unknown"),
        ('"请先电话预约"; Mo 22:00-02:00', 1, 60, False, "open"),  # a carried-over part overrides unknown
        ('Mo-Fr 09:00-17:00 "午休12:00-13:30"', 0, 600, False, "open"),  # a comment on a rule with times: open
        ("Mo-Fr 08:00-12:00; 14:00-18:00", 0, 600, False, "closed"),  # a rule without days names every day
    ],
)
def test_state_at(text: str, weekday: int, minute: int, holiday: bool, state: str) -> None:
    assert state_at(parse_hours(text), weekday, minute, holiday) == state
    assert is_open(parse_hours(text), weekday, minute, holiday) is (state == "open")


@pytest.mark.parametrize(
    "text, always",
    [("24/7", True), ("Mo-Su 00:00-24:00", True), ("24/7; PH 00:00-24:00", True), ("24/7; PH off", False),
     ("Mo-Sa 00:00-24:00", False), ("Mo-Su 00:00-23:59", False), ('24/7 "无人值守"', True)],
)  # fmt: skip
def test_always(text: str, always: bool) -> None:
    assert parse_hours(text).always is always


@pytest.mark.parametrize(
    "text, comments",
    [
        ('Mo-Fr 09:00-17:00 "午休12:00-13:30"', ("午休12:00-13:30",)),
        ('Mo-Fr 08:00-17:00; "节假日另行通知"', ("节假日另行通知",)),
        ('"请先电话预约"; Mo-Fr 08:00-17:00 "午休12:00-13:30"; PH off " 春节另行通知 "', ("请先电话预约", "午休12:00-13:30", "春节另行通知")),
        ('Mo-Fr 08:00-17:00 ""', ()),
        ('24/7 "无人值守"', ("无人值守",)),
        ('Sa off "Mo-Fr 08:00"', ("Mo-Fr 08:00",)),
    ],
)
def test_comments(text: str, comments: tuple[str, ...]) -> None:
    assert parse_hours(text).comments == comments


def test_comment_only_rule_is_unknown_for_every_day() -> None:
    h = parse_hours('"请电话预约"')
    assert h.week == ((),) * 7 and h.unknown == (((0, 1440),),) * 7 and h.holiday is None and h.comments == ("请电话预约",)
    assert constant_state(h) == "unknown"
    h = parse_hours('"请电话预约"; Sa,Su 09:00-12:00')
    assert h.unknown == (((0, 1440),),) * 5 + ((), ()) and table(h) == [""] * 5 + ["09:00-12:00"] * 2
    assert parse_hours('Mo-Fr 08:00-17:00 "节假日另行通知"').unknown == ((),) * 7  # attached to a rule: a note


@pytest.mark.parametrize(
    "text, state", [("24/7", "open"), ('24/7 "无人值守"', "open"), ("off", "closed"), ('"预约"', "unknown"),
                    ("24/7; PH off", None), ("Mo-Fr 08:00-17:00", None), ("PH off; 24/7", "open")],
)  # fmt: skip
def test_constant_state(text: str, state: str | None) -> None:
    assert constant_state(parse_hours(text)) == state


def test_hours_is_frozen_and_hashable() -> None:
    h = parse_hours("Mo-Fr 08:00-17:00")
    assert hash(h) == hash(parse_hours("Mo-Fr 08:00-17:00"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        h.always = True  # type: ignore[misc]


@pytest.mark.parametrize(
    "text, message, offset",
    [
        ("", "empty opening hours", 0),
        ("   ", "empty opening hours", 0),
        ("Mo-Fr 8.30-12:00", 'expected a time like 08:30, found "8.30" (did you mean "08:30"?)', 6),
        ("Mo-Fr 08:30-17.30", 'expected a time like 08:30, found "17.30" (did you mean "17:30"?)', 12),
        ("Mo-Fr 0830-1700", 'expected a time like 08:30, found "0830" (did you mean "08:30"?)', 6),
        ("Mo-Fr 8:30-17:30", 'expected a time like 08:30, found "8:30" (did you mean "08:30"?)', 6),
        ("Mo-Fr 08：30-17:30", 'expected a time like 08:30, found "08：30" (did you mean "08:30"?)', 6),
        ("Mo-Fr 99.99-17:30", 'expected a time like 08:30, found "99.99"', 6),
        ("Mo-Fr 25:00-26:00", "time 25:00 is out of range (00:00-24:00)", 6),
        ("Mo-Fr 08:00-24:30", "time 24:30 is out of range (00:00-24:00)", 12),
        ("Mo-Fr 08:60-17:00", "time 08:60 is out of range (00:00-24:00)", 6),
        ("Mo-Fr 24:00-02:00", 'expected a range to start by 23:59, found "24:00" (use 00:00)', 6),
        ("Mo-Fr 08:00-08:00", "time range 08:00-08:00 is empty (end must differ from start)", 6),
        ("Mo-Fr 08:00", 'expected "-" after "08:00", found end of text', 11),
        ("Mo-Fr 08:00~17:00", 'expected "-" after "08:00", found "~" (did you mean "-"?)', 11),
        ("Mo-Fr 08:00至17:00", 'expected "-" after "08:00", found "至" (did you mean "-"?)', 11),
        ("Mon-Fri 08:00-17:00", 'expected a weekday (Mo Tu We Th Fr Sa Su) or PH, found "Mon" (did you mean "Mo"?)', 0),
        ("Mo-Fri 08:00-17:00", 'expected a weekday (Mo Tu We Th Fr Sa Su), found "Fri" (did you mean "Fr"?)', 3),
        ("Mo-Fr 08:00-17:00; Sat 09:00-12:00", 'expected a weekday (Mo Tu We Th Fr Sa Su) or PH, found "Sat" (did you mean "Sa"?)', 19),
        ("Mo,Thursday 09:00-17:00", 'expected a weekday (Mo Tu We Th Fr Sa Su) or PH, found "Thursday" (did you mean "Th"?)', 3),
        ("mo-fr 08:00-17:00", 'expected a weekday (Mo Tu We Th Fr Sa Su) or PH, found "mo" (did you mean "Mo"?)', 0),
        ("ph off", 'expected a weekday (Mo Tu We Th Fr Sa Su) or PH, found "ph" (did you mean "PH"?)', 0),
        ("周一至周五 08:00-17:00", 'expected a weekday (Mo Tu We Th Fr Sa Su) or PH, found "周一至周五" (did you mean "Mo-Fr"?)', 0),
        ("Mo-Fr 08:00-17:00; 周日 off", 'expected a weekday (Mo Tu We Th Fr Sa Su) or PH, found "周日" (did you mean "Su"?)', 19),
        ("Xy 08:00-17:00", 'expected a weekday (Mo Tu We Th Fr Sa Su) or PH, found "Xy"', 0),
        ("Mo-PH 08:00-17:00", 'expected a weekday (Mo Tu We Th Fr Sa Su), found "PH"', 3),
        ("Mo-Fr 08:00-17:00 Sa 09:00-12:00", 'expected ";" between rules, found "Sa"', 18),
        ("Mo-Fr 08:00-17:00；Sa off", 'expected ";" between rules, found "；" (did you mean ";"?)', 17),
        ("Mo-Fr 08:00-12:00 13:00-17:00", 'expected ";" between rules, found "13:00" (separate time ranges with ",")', 18),
        ("Mo-Fr 08:00-17:00 off", 'expected ";" between rules, found "off"', 18),
        ('Mo-Fr 08:00-17:00 "a" "b"', 'expected ";" between rules, found "b"', 22),
        ("Mo-Fr 08:00-12:00, Sa 09:00-10:00", 'expected a time like 08:30, found "Sa" (separate rules with ";")', 19),
        ("Mo Tu 08:00-10:00", 'expected a time like 08:30 or off, found "Tu" (list days with "," or "-", as in "Mo,We" or "Mo-Fr")', 3),
        ("Mo-Fr", "expected a time like 08:30 or off, found end of text", 5),
        ("Mo-Fr; Sa off", 'expected a time like 08:30 or off, found ";"', 5),
        ("Mo-Fr Off", 'expected a time like 08:30 or off, found "Off" (did you mean "off"?)', 6),
        ('Mo-Fr "预约"', 'expected a time like 08:30 or off, found "预约"', 6),
        ("Mo-Fr 24/7", 'expected a time like 08:30 or off, found "24/7"', 6),
        ("Mo-Fr 08:00-17:00;;Sa off", 'expected a rule (weekdays or PH, a time like 08:30, off, 24/7 or a "comment"), found ";"', 18),
        ("-08:00", 'expected a rule (weekdays or PH, a time like 08:30, off, 24/7 or a "comment"), found "-"', 0),
        ("“午休”", 'expected a rule (weekdays or PH, a time like 08:30, off, 24/7 or a "comment"), found "“" (write comments in straight double quotes "…")', 0),
        ('Mo-Fr 08:00-17:00 "午休', 'expected a closing " to end the comment, found end of text', 18),
        ("PH 22:00-02:00", "overnight range 22:00-02:00 is not supported for PH (end it by 24:00)", 3),
        ("Sa,PH 22:00-02:00", "overnight range 22:00-02:00 is not supported for PH (end it by 24:00)", 6),
        ("Jan Mo-Fr 08:00-17:00", f'unsupported opening_hours feature "Jan" {SUPPORTED}', 0),
        ("Mo-Fr 08:00-17:00; Dec 25 off", f'unsupported opening_hours feature "Dec" {SUPPORTED}', 19),
        ("Mo-Fr 08:00-17:00 || PH off", f'unsupported opening_hours feature "||" {SUPPORTED}', 18),
        ("Mo-Fr 08:00-17:00+", f'unsupported opening_hours feature "+" {SUPPORTED}', 17),
        ("Mo[1] 08:00-09:00", f'unsupported opening_hours feature "[" {SUPPORTED}', 2),
        ("week 01-10 Mo 08:00-09:00", f'unsupported opening_hours feature "week" {SUPPORTED}', 0),
        ("Mo-Fr sunrise-18:00", f'unsupported opening_hours feature "sunrise" {SUPPORTED}', 6),
        ("Mo-Fr 08:00-sunset", f'unsupported opening_hours feature "sunset" {SUPPORTED}', 12),
        ("Mo-Fr 10:00-16:00/01:30", f'unsupported opening_hours feature "/" {SUPPORTED}', 17),
        ("Mo-Fr open", f'unsupported opening_hours feature "open" {SUPPORTED}', 6),
        ("SH off", f'unsupported opening_hours feature "SH" {SUPPORTED}', 0),
        ("easter off", f'unsupported opening_hours feature "easter" {SUPPORTED}', 0),
    ],
)
def test_errors(text: str, message: str, offset: int) -> None:
    with pytest.raises(HoursError) as info:
        parse_hours(text)
    assert str(info.value) == message
    assert info.value.offset == offset
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "text, token",
    [("Mo-Fr 8.30-12:00", "8.30"), ("  Mon-Fri 08:00-17:00", "Mon"), ("Mo-Fr 08:00-17:00;  Jan off", "Jan"),
     ("Mo-Fr 08:00-17:00 ; Sa 25:00-26:00", "25:00"), ("Mo - Fr 08:00 - 08:00", "08:00")],
)  # fmt: skip
def test_error_offset_points_at_the_token(text: str, token: str) -> None:
    with pytest.raises(HoursError) as info:
        parse_hours(text)
    assert text[info.value.offset :].startswith(token)
    assert token in str(info.value)


@pytest.mark.parametrize(
    "text, zh",
    [
        ("Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off",
         "周一至周五 08:30-12:00、13:30-17:30；周六 09:00-12:00；周日休息；法定节假日休息"),
        ("24/7", "全天24小时开放"),
        ("Mo-Su 00:00-24:00", "全天24小时开放"),
        ("24/7; PH off", "全天24小时开放；法定节假日休息"),
        ('24/7 "无人值守"', "全天24小时开放（备注：无人值守）"),
        ("Mo-Su 08:00-20:00", "每天 08:00-20:00"),
        ("08:00-18:00", "每天 08:00-18:00"),
        ("Mo,We,Fr 09:00-17:00; Tu off", "周一、周三、周五 09:00-17:00；周二、周四、周六、周日休息"),
        ('Mo-Fr 09:00-17:00 "午休12:00-13:30"', "周一至周五 09:00-17:00；周六、周日休息（备注：午休12:00-13:30）"),
        ("Mo-Fr 22:00-02:00", "周一至周五 22:00-次日02:00；周六、周日休息"),
        ("Mo-Su 18:00-06:00", "每天 18:00-次日06:00"),
        ("Sa,Su off; PH off", "每天休息"),
        ("Mo-Fr 08:30-17:30; PH 09:00-12:00", "周一至周五 08:30-17:30；周六、周日休息；法定节假日 09:00-12:00"),
        ("Mo-Sa 08:00-18:00; Su closed", "周一至周六 08:00-18:00；周日休息"),
        ('Mo-Fr 08:00-17:00 "节假日另行通知"', "周一至周五 08:00-17:00；周六、周日休息（备注：节假日另行通知）"),
        ('Mo-Fr 08:00-17:00; "节假日另行通知"', "开放时间请先来电确认（备注：节假日另行通知）"),
        ('"预约接待"', "开放时间请先来电确认（备注：预约接待）"),
        ('"请先预约"; Mo-Fr 08:00-17:00 "午休"', "周一至周五 08:00-17:00；周六、周日请先来电确认（备注：请先预约；午休）"),
        ('"请先预约"; Mo 22:00-02:00', "周一 22:00-次日02:00；周二请先来电确认；周三至周日请先来电确认（备注：请先预约）"),
        ("PH off; Mo-Fr 08:30-17:30", "周一至周五 08:30-17:30；周六、周日休息"),
        ("PH 09:00-12:00,14:00-16:00; Mo-Fr 08:00-17:00",
         "周一至周五 08:00-17:00；周六、周日休息；周六、周日逢法定节假日 09:00-12:00、14:00-16:00"),
        ("Mo-Su 22:00-02:00; Sa off", "周一至周四 22:00-次日02:00；周五 22:00-24:00；周日 00:00-02:00、22:00-次日02:00；周六休息"),
        ("Sa-Mo 10:00-16:00", "周一、周六、周日 10:00-16:00；周二至周五休息"),
        ("Mo-Th 08:00-17:00; Fr 08:00-12:00", "周一至周四 08:00-17:00；周五 08:00-12:00；周六、周日休息"),
        ("Mo,Tu,Th,Fr,Sa 09:00-17:00", "周一、周二、周四至周六 09:00-17:00；周三、周日休息"),
        ("Mo-Fr 20:00-24:00", "周一至周五 20:00-24:00；周六、周日休息"),
        ("Sa 14:00-17:00", "周六 14:00-17:00；周一至周五、周日休息"),
        ("Sa,Su 09:00-11:30; Mo-Fr off", "周六、周日 09:00-11:30；周一至周五休息"),
        ("Tu,Th 18:30-20:30; Sa 09:00-11:30", "周二、周四 18:30-20:30；周六 09:00-11:30；周一、周三、周五、周日休息"),
        ("off", "每天休息"),
    ],
)  # fmt: skip
def test_describe_zh(text: str, zh: str) -> None:
    assert describe_zh(parse_hours(text)) == zh


def test_to_json() -> None:
    h = parse_hours("Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off")
    w = [[[510, 720], [810, 1050]]] * 5 + [[[540, 720]], []]
    assert to_json(h) == {"w": w, "ph": []}
    assert to_json(parse_hours("Mo-Fr 08:00-17:00"))["ph"] is None
    assert to_json(parse_hours("PH 09:00-12:00"))["ph"] == [[540, 720]]
    assert json.loads(json.dumps(to_json(h))) == to_json(h)
    assert to_json(parse_hours('"预约"')) == {"w": [[[0, 1440, "?"]]] * 7, "ph": None}
    assert to_json(parse_hours('"预约"; Mo 22:00-02:00'))["w"][1] == [[0, 120], [120, 1440, "?"]]
    assert to_json(parse_hours("PH off; Mo-Fr 08:30-17:30")) == {"w": [[[510, 1050]]] * 5 + [[], []], "ph": None}
    assert to_json(parse_hours("Sa,PH 09:00-12:00; Mo-Fr 08:00-17:00")) == {
        "w": [[[480, 1020]]] * 5 + [[[540, 720]], []], "ph": None, "phw": [[[480, 1020]]] * 5 + [[[540, 720]]] * 2}


def spec(days: list[str], opens: str, closes: str) -> dict:
    uris = [f"https://schema.org/{d}" for d in days]
    return {"@type": "OpeningHoursSpecification", "dayOfWeek": uris, "opens": opens, "closes": closes}


WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
ALL_DAYS = WEEKDAYS + ["Saturday", "Sunday"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off",
         [spec(WEEKDAYS, "08:30", "12:00"), spec(WEEKDAYS, "13:30", "17:30"), spec(["Saturday"], "09:00", "12:00"),
          spec(["PublicHolidays"], "00:00", "00:00")]),
        ("24/7", [spec(ALL_DAYS, "00:00", "23:59")]),
        ("Mo-Sa 08:00-18:00; Su 09:00-12:00", [spec(ALL_DAYS[:6], "08:00", "18:00"), spec(["Sunday"], "09:00", "12:00")]),
        ("Mo,We,Fr 09:00-17:00", [spec(["Monday", "Wednesday", "Friday"], "09:00", "17:00")]),
        ("Mo-Fr 22:00-02:00", [spec(WEEKDAYS, "22:00", "02:00")]),
        ("Mo-Fr 18:00-24:00", [spec(WEEKDAYS, "18:00", "23:59")]),
        ("Mo-Fr 08:30-17:30; Sa,PH 09:00-12:00",
         [spec(WEEKDAYS, "08:30", "17:30"), spec(["Saturday", "PublicHolidays"], "09:00", "12:00")]),
        ("Sa,Su off", []),
    ],
)  # fmt: skip
def test_opening_hours_spec(text: str, expected: list[dict]) -> None:
    assert opening_hours_spec(parse_hours(text)) == expected


@pytest.mark.parametrize(
    "text, weekday, minute, holiday, expected",
    [
        ("Mo-Fr 08:30-12:00,13:30-17:30; PH off", 0, 8 * 60 + 29, False, False),
        ("Mo-Fr 08:30-12:00,13:30-17:30; PH off", 0, 8 * 60 + 30, False, True),
        ("Mo-Fr 08:30-12:00,13:30-17:30; PH off", 0, 12 * 60, False, False),  # end is exclusive
        ("Mo-Fr 08:30-12:00,13:30-17:30; PH off", 0, 13 * 60 + 30, False, True),
        ("Mo-Fr 08:30-12:00,13:30-17:30; PH off", 0, 10 * 60, True, False),
        ("Mo-Fr 08:30-12:00,13:30-17:30; PH off", 5, 10 * 60, False, False),
        ("Mo-Fr 08:30-17:30", 0, 10 * 60, True, True),  # no PH rule: holidays follow the weekday
        ("Mo-Fr 08:30-17:30", 6, 10 * 60, True, False),
        ("Mo-Fr 08:30-17:30; PH 09:00-12:00", 6, 10 * 60, True, True),
        ("Mo-Fr 08:30-17:30; PH 09:00-12:00", 0, 13 * 60, True, False),
        ("Mo-Fr 22:00-02:00", 5, 60, False, True),  # Friday night spills into Saturday
        ("Mo-Fr 22:00-02:00", 5, 120, False, False),
        ("Mo-Fr 22:00-02:00", 0, 60, False, False),
        ("Mo-Fr 22:00-02:00", 0, 23 * 60, False, True),
        ("Su 22:00-02:00", 0, 1, False, True),
        ("24/7", 3, 1439, False, True),
        ("24/7; PH off", 3, 0, True, False),
    ],
)
def test_is_open(text: str, weekday: int, minute: int, holiday: bool, expected: bool) -> None:
    assert is_open(parse_hours(text), weekday, minute, holiday) is expected


@pytest.mark.parametrize("weekday, minute", [(7, 0), (-1, 0), (0, 1440), (0, -1)])
def test_is_open_rejects_bad_arguments(weekday: int, minute: int) -> None:
    with pytest.raises(ValueError):
        is_open(parse_hours("24/7"), weekday, minute)


MO = dt.datetime(2026, 11, 2, tzinfo=CST)  # a Monday without holidays around it
FEATURED = "Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off"
NATIONAL_DAY = [f"2026-10-0{d}" for d in range(1, 8)]  # Thursday to Wednesday


def at(day: dt.datetime, hhmm: str, days: int = 0) -> dt.datetime:
    return day + dt.timedelta(days=days, hours=int(hhmm[:2]), minutes=int(hhmm[3:]))


@pytest.mark.parametrize(
    "text, when, holidays, line",
    [
        ("Mo-Fr 08:30-17:30", at(MO, "10:00"), [], "现在营业 · 17:30 关门"),
        ("Mo-Fr 08:30-17:30", at(MO, "08:00"), [], "现在休息 · 08:30 开门"),
        ("Mo-Fr 08:30-17:30", at(MO, "18:00"), [], "现在休息 · 明天 08:30 开门"),
        ("Mo-Fr 08:30-17:30", at(MO, "18:00", 4), [], "现在休息 · 周一 08:30 开门"),  # Friday evening
        ("Mo-Fr 08:30-17:30", at(MO, "10:00", 5), [], "现在休息 · 周一 08:30 开门"),  # Saturday
        (FEATURED, at(MO, "12:30"), [], "现在休息 · 13:30 开门"),
        (FEATURED, at(MO, "12:00", 5), [], "现在休息 · 周一 08:30 开门"),
        (FEATURED, at(MO, "17:29", 4), [], "现在营业 · 17:30 关门"),
        (FEATURED, at(MO, "17:30", 4), [], "现在休息 · 明天 09:00 开门"),
        (FEATURED, at(MO, "18:00", -35), NATIONAL_DAY, "现在休息 · 明天 08:30 开门"),  # Monday Sep 28
        (FEATURED, at(MO, "18:00", -33), NATIONAL_DAY, "现在休息 · 下周四 08:30 开门"),  # Wednesday Sep 30 → Oct 8
        (FEATURED, at(MO, "10:00", -32), NATIONAL_DAY, "现在休息 · 下周四 08:30 开门"),  # on Oct 1 itself
        ("Mo-Su 22:00-02:00", at(MO, "23:00"), [], "现在营业 · 02:00 关门"),
        ("Mo-Su 22:00-02:00", at(MO, "01:00"), [], "现在营业 · 02:00 关门"),
        ("Mo-Su 22:00-02:00", at(MO, "03:00"), [], "现在休息 · 22:00 开门"),
        ("Mo-Su 22:00-02:00; Sa off", at(MO, "23:00", 4), [], "现在营业 · 24:00 关门"),  # Friday night ends at midnight
        ("Mo-Su 22:00-02:00; Sa off", at(MO, "12:00", 5), [], "现在休息 · 明天 00:00 开门"),  # Saturday's range still runs into Sunday
        ("Mo-Fr 20:00-24:00", at(MO, "21:00"), [], "现在营业 · 24:00 关门"),
        ("Mo-Fr 00:00-24:00", at(MO, "21:00", 3), [], "现在营业 · 明天 24:00 关门"),
        ("Mo-Fr 08:00-20:00; Sa 09:00-02:00", at(MO, "10:00", 5), [], "现在营业 · 02:00 关门"),
        ("Mo-Fr 08:00-20:00; Sa 01:00-09:00", at(MO, "00:30", 5), [], "现在休息 · 01:00 开门"),
        ("Sa 14:00-17:00", at(MO, "18:00", 5), [], "现在休息 · 下周六 14:00 开门"),  # a week later
        ("24/7", at(MO, "03:00"), [], "现在营业 · 全天营业"),
        ("24/7", at(MO, "03:00", -32), NATIONAL_DAY, "现在营业 · 全天营业"),
        ("24/7; PH off", at(MO, "10:00", -32), NATIONAL_DAY, "现在休息 · 下周四 00:00 开门"),
        ("24/7; PH off", at(MO, "10:00"), [], "现在营业"),  # no holiday within 8 days
        ("off", at(MO, "10:00"), [], "现在休息"),
        ("Sa 14:00-17:00; PH off", at(MO, "18:00", 5), ["2026-11-14"], "现在休息"),  # nothing opens within 8 days
        ('"预约接待"', at(MO, "10:00"), [], "营业时间以电话确认为准，请先来电"),
        ('"预约"; Mo-Fr 08:00-17:00', at(MO, "18:00", 4), [], "现在休息"),  # next comes unknown, not an opening
        ('"预约"; Mo-Fr 08:00-17:00', at(MO, "07:00"), [], "现在休息 · 08:00 开门"),
        ("PH off; Mo-Fr 08:30-17:30", at(MO, "10:00", -32), NATIONAL_DAY, "现在营业 · 17:30 关门"),
        ("Mo-Fr 08:30-17:30; PH off", at(MO, "10:00", -32), NATIONAL_DAY, "现在休息 · 下周四 08:30 开门"),
    ],
)
def test_status_zh(text: str, when: dt.datetime, holidays: list[str], line: str) -> None:
    assert status_zh(parse_hours(text), when, holidays)[1] == line


def test_status_zh_takes_china_time_and_names_the_state() -> None:
    h = parse_hours("Mo-Fr 08:30-17:30")
    utc = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.timezone.utc)  # 09:00 in China
    assert status_zh(h, utc) == ("open", "现在营业 · 17:30 关门")
    assert status_zh(h, dt.datetime(2026, 11, 2, 9, 0)) == ("open", "现在营业 · 17:30 关门")  # naive: China time
    assert status_zh(parse_hours('"预约"'), utc)[0] == "unknown"
    assert next_change(h, utc) == (0, 1050, "closed")
    assert next_change(h, at(MO, "18:00", 4)) == (3, 510, "open")
    assert next_change(parse_hours("24/7"), utc) is None
    assert DAYS_ZH[0] == "周一"


# --- assets/hours.js, run under node -------------------------------------------------------

HARNESS = r"""
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const elements = (input.elements || []).map((attrs) => {
  const classes = new Set(attrs.class ? [attrs.class] : []);
  return {
    attrs, textContent: "",
    getAttribute: (n) => (n in attrs ? attrs[n] : null),
    classList: { add: (c) => classes.add(c), remove: (c) => classes.delete(c), list: () => [...classes].sort() },
  };
});
const bodyAttrs = input.body || {};
const listeners = {};
let renders = 0;
global.window = {};
if (input.document$) {
  window.document$ = { subscribe: (fn) => { window.document$.fn = fn; } };
}
global.document = {
  readyState: input.readyState || "complete",
  body: { getAttribute: (n) => (n in bodyAttrs ? bodyAttrs[n] : null) },
  querySelectorAll: (sel) => { if (sel !== "[data-hours]") throw new Error(sel); renders++; return elements; },
  addEventListener: (ev, fn) => { listeners[ev] = fn; },
};
if (input.breakIntl) {
  Intl.DateTimeFormat = function () { throw new RangeError("time zones unavailable"); };
}
require(input.script);
const H = window.yizhanHours;
const out = { rendersAtLoad: renders };
if (input.fire && listeners[input.fire]) listeners[input.fire]();
if (input.document$ && window.document$.fn) window.document$.fn(document);
out.renders = renders;
out.elements = elements.map((e) => ({ text: e.textContent, classes: e.classList.list() }));
out.now = (input.times || []).map((t) => H.nowInChina(new Date(t)));
out.open = (input.cases || []).map((c) => input.times.map((t) => H.isOpen(c.json, new Date(t), c.holidays)));
out.status = (input.cases || []).map((c) => input.times.map((t) => H.status(c.json, new Date(t), c.holidays)));
out.keys = Object.keys(H).sort();
process.stdout.write(JSON.stringify(out));
"""


def run_js(tmp_path: Path, **payload: object) -> dict:
    node = shutil.which("node") or ("/usr/bin/node" if Path("/usr/bin/node").exists() else None)
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node is missing: the JavaScript tests must run in CI (`make system-deps` installs it)")
        pytest.skip("node is not installed (`make system-deps` installs it)")
    harness = tmp_path / "harness.js"
    harness.write_text(HARNESS, encoding="utf-8")
    payload = {"script": str(HOURS_JS), **payload}
    done = subprocess.run([node, str(harness)], input=json.dumps(payload), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


JS_HOURS = [
    "Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off",
    "Mo-Fr 22:00-02:00",
    "Su 22:00-03:00; Sa 09:00-12:00",
    "Mo-Fr 08:30-17:30; PH 09:00-12:00",
    "Mo-Fr 09:00-17:00",
    "24/7",
    "24/7; PH off",
    "Mo,We,Fr 09:00-17:00; Tu off; PH 10:00-11:30",
    "PH off; Mo-Fr 08:30-17:30",
    "Mo-Su 22:00-02:00; Sa off",
    "Sa,PH 09:00-12:00; Mo-Fr 08:00-17:00",
    '"请先电话预约"; Mo-Fr 08:00-17:00',
    "Mo-Su 22:00-02:00; PH off",
]
HOLIDAYS = ["2026-10-01", "2026-10-03"]  # a Thursday and a Saturday


def grid() -> list[dt.datetime]:
    """Every half hour (and the minute before it) from Monday 2026-09-28 to Tuesday 2026-10-06, China time."""
    start = dt.datetime(2026, 9, 28, tzinfo=CST)
    marks = [start + dt.timedelta(minutes=30 * i) for i in range(9 * 48)]
    return sorted(marks + [m - dt.timedelta(minutes=1) for m in marks])


def test_js_is_open_agrees_with_python(tmp_path: Path) -> None:
    times = grid()
    cases = [{"json": to_json(parse_hours(t)), "holidays": HOLIDAYS} for t in JS_HOURS]
    cases.append({"json": to_json(parse_hours(JS_HOURS[0])), "holidays": []})
    out = run_js(tmp_path, times=[int(t.timestamp() * 1000) for t in times], cases=cases)
    for when, now in zip(times, out["now"]):
        assert now == {"ymd": when.date().isoformat(), "weekday": when.weekday(), "minute": when.hour * 60 + when.minute}
    texts = JS_HOURS + [JS_HOURS[0]]
    for text, case, got in zip(texts, cases, out["open"]):
        h = parse_hours(text)
        want = [is_open(h, t.weekday(), t.hour * 60 + t.minute, t.date().isoformat() in case["holidays"]) for t in times]
        assert got == want, text
        assert True in got and False in got or h.always
    for text, case, got in zip(texts, cases, out["status"]):
        want = [dict(zip(("state", "text"), status_zh(parse_hours(text), t, case["holidays"]))) for t in times]
        assert got == want, text


def test_js_now_in_china_is_utc_plus_8_without_intl_time_zones(tmp_path: Path) -> None:
    times = [dt.datetime(2026, 11, 27, 16, 0, tzinfo=dt.timezone.utc), dt.datetime(2026, 11, 28, 15, 59, 30, tzinfo=dt.timezone.utc),
             dt.datetime(2026, 12, 31, 23, 30, tzinfo=CST), dt.datetime(2024, 2, 29, 0, 0, tzinfo=CST)]  # fmt: skip
    ms = [int(t.timestamp() * 1000) for t in times]
    expected = [{"ymd": "2026-11-28", "weekday": 5, "minute": 0}, {"ymd": "2026-11-28", "weekday": 5, "minute": 1439},
                {"ymd": "2026-12-31", "weekday": 3, "minute": 1410}, {"ymd": "2024-02-29", "weekday": 3, "minute": 0}]  # fmt: skip
    assert run_js(tmp_path, times=ms)["now"] == expected
    assert run_js(tmp_path, times=ms, breakIntl=True)["now"] == expected


def test_js_renders_open_now_badges(tmp_path: Path) -> None:
    always = json.dumps(to_json(parse_hours("24/7")))
    never = json.dumps(to_json(parse_hours("off")))
    closed_today = json.dumps(to_json(parse_hours("24/7; PH off")))
    today = dt.datetime.now(CST).date()
    holidays = json.dumps([(today + dt.timedelta(days=d)).isoformat() for d in (-1, 0, 1)])  # robust at midnight
    elements = [
        {"data-hours": always, "class": "yz-closed"},
        {"data-hours": never},
        {"data-hours": closed_today, "data-holidays": holidays},
        {"data-hours": closed_today},  # takes the page's holidays from <body data-holidays>
        {"data-hours": "not json"},
        {"data-hours": json.dumps(to_json(parse_hours('"预约接待"'))), "class": "yz-open"},
    ]
    out = run_js(tmp_path, elements=elements, body={"data-holidays": holidays})
    assert out["keys"] == ["isOpen", "nextChange", "nowInChina", "render", "state", "status"]
    assert out["rendersAtLoad"] == 1
    reopens = f"现在休息 · {DAYS_ZH[(today + dt.timedelta(days=2)).weekday()]} 00:00 开门"
    assert out["elements"] == [
        {"text": "现在营业 · 全天营业", "classes": ["yz-open"]},
        {"text": "现在休息", "classes": ["yz-closed"]},
        {"text": reopens, "classes": ["yz-closed"]},
        {"text": reopens, "classes": ["yz-closed"]},
        {"text": "", "classes": []},
        {"text": "营业时间以电话确认为准，请先来电", "classes": ["yz-unknown"]},
    ]


def test_js_waits_for_dom_and_follows_material_page_swaps(tmp_path: Path) -> None:
    elements = [{"data-hours": json.dumps(to_json(parse_hours("24/7")))}]
    out = run_js(tmp_path, elements=elements, readyState="loading", fire="DOMContentLoaded")
    assert (out["rendersAtLoad"], out["renders"]) == (0, 1)
    assert out["elements"] == [{"text": "现在营业 · 全天营业", "classes": ["yz-open"]}]
    out = run_js(tmp_path, elements=elements, readyState="loading", fire="DOMContentLoaded", **{"document$": True})
    assert (out["rendersAtLoad"], out["renders"]) == (0, 2)  # once on DOMContentLoaded, once per document$ page


def test_js_is_es5_without_modules() -> None:
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", HOURS_JS.read_text(encoding="utf-8"), flags=re.S)
    for modern in (r"=>", r"\blet\b", r"\bconst\b", r"`", r"\bimport\b", r"\bexport\b", r"\bclass\b", r"\.\.\."):
        assert not re.search(modern, code), modern


def test_a_trailing_comment_rule_is_a_located_warning(tmp_path: Path) -> None:
    """`Mo-Fr 08:30-17:30; "节假日另行通知"` makes every day unknown by the specification: check says so and how to keep a note."""
    from yizhan.stations.check import check_stations

    station = (HOURS_JS.parents[3] / "stations/wuxi/liangxi/wuxi-liangxi-chongansi.yml").read_text(encoding="utf-8")
    folder = tmp_path / "stations"
    folder.mkdir()
    text = re.sub(r"^hours: .*$", "hours: 'Mo-Fr 08:30-17:30; \"节假日另行通知\"'", station, flags=re.MULTILINE).replace("parent: wuxi-center\n", "")
    (folder / "a.yml").write_text(text.replace("level: station", "level: center"), encoding="utf-8")
    network, problems = check_stations(folder, "stations")
    assert network is not None and [str(p) for p in problems] == [
        (
            "stations/a.yml:9:28: warning: hours: a rule that is only a comment makes every day unknown (the pages say to call "
            "first), and the times before it are not shown: to keep the comment as a note, write it after the times of a rule: "
            "'Mo-Fr 08:30-17:30 \"节假日另行通知\"'"
        )
    ]
    (folder / "a.yml").write_text(text.replace("level: station", "level: center").replace('17:30; "', '17:30 "'), encoding="utf-8")
    assert check_stations(folder, "stations")[1] == []
