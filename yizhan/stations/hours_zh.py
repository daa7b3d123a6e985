"""Opening hours the way notice boards write them ("周一至周五 9:00-17:00，节假日休息") turned into the OSM subset."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from yizhan.i18n import _

from .hours import DAYS, HoursError, _hm, parse_hours

_DIGIT = "一二三四五六日天七"
_DAY = rf"(?:周|星期|礼拜)([{_DIGIT}])"
_RANGE = r"\s*(?:-|至|到|~)\s*"
_TIME = r"(?:(上午|早上|早晨|中午|下午|晚上|傍晚)\s*)?(\d{1,2})(?:\s*[:.点时]\s*(\d{1,2})?\s*分?|(?=\s*(?:-|至|到|~|$|[，、；,;]|\s)))(半)?"
_TIME_RANGE = re.compile(rf"{_TIME}{_RANGE}{_TIME}")
_DAY_RANGE = re.compile(rf"{_DAY}(?:{_RANGE}(?:周|星期|礼拜)?([{_DIGIT}]))?")
_WORDS = {  # day words → weekday indexes
    "工作日": [0, 1, 2, 3, 4], "每天": list(range(7)), "每日": list(range(7)), "天天": list(range(7)), "全周": list(range(7)),
    "周末": [5, 6], "双休日": [5, 6], "周六日": [5, 6], "周六、日": [5, 6],
}  # fmt: skip
_CLOSED = ("休息", "闭馆", "关闭", "不开放", "停止服务", "不办公", "闭站")
_HOLIDAY = ("法定节假日", "国家法定节假日", "节假日", "法定假日", "节日")
_ALL_DAY = ("全天24小时", "24小时", "全天", "24h", "24H")
_BREAK = re.compile(r"^(?:中午休息|午休|中午|午间休息)\s*")
_HALF = {"上午": (0, 720), "下午": (720, 1440)}


def _normalise(text: str) -> str:
    """Full-width forms to ASCII (NFKC), the many dashes and tildes to '-', and ：to ':'."""
    text = unicodedata.normalize("NFKC", text).replace("次日", "").replace("翌日", "")
    for a in ("—", "–", "－", "―", "〜", "～", "~", "－"):
        text = text.replace(a, "-")
    return text.replace("：", ":").strip()


def _index(ch: str) -> int:
    return 6 if ch in "日天七" else _DIGIT.index(ch)


def _minutes(half: str | None, hour: str, minute: str | None, thirty: str | None, end: bool) -> int:
    h, m = int(hour), int(minute or 0) + (30 if thirty else 0)
    if half in ("下午", "晚上", "傍晚") and h < 12:
        h += 12
    if half == "中午" and h < 6:
        h += 12
    if h > 24 or m > 59 or (h == 24 and m):
        raise ValueError(f"{hour}:{minute or '00'}")
    return h * 60 + m


@dataclass
class _Result:
    """What the clauses said: per weekday its intervals (None: not named), the holiday rule, the breaks, problems."""

    week: list[list[tuple[int, int]] | None] = field(default_factory=lambda: [None] * 7)
    ph: list[tuple[int, int]] | None = None
    breaks: list[tuple[int, int]] = field(default_factory=list)
    always: bool = False
    comments: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    last: list[int] = field(default_factory=list)  # the days the last clause named (times without days continue them)


def _days(clause: str) -> tuple[list[int] | None, str]:
    """The weekdays a clause starts with (周一至周五, 周一、周三, 工作日 …) and the rest of the clause."""
    days: list[int] = []
    rest = clause
    while True:
        rest = rest.lstrip("、,和及 ")
        word = next((w for w in sorted(_WORDS, key=len, reverse=True) if rest.startswith(w)), None)
        if word:
            days += _WORDS[word]
            rest = rest[len(word) :]
            continue
        m = _DAY_RANGE.match(rest)
        if not m and days and rest[:1] in _DIGIT[:7] and (len(rest) == 1 or rest[1] in "、,和及至到- 0123456789"):
            m = _DAY_RANGE.match("周" + rest)  # 周一、三、五: the later days without their 周
            if m:
                rest = "周" + rest
        if not m:
            break
        a = _index(m[1])
        b = _index(m[2]) if m[2] else a
        days += list(range(a, b + 1)) if a <= b else [*range(a, 7), *range(b + 1)]
        rest = rest[m.end() :]
    return (sorted(set(days)) if days else None), rest.strip()


def _times(text: str, where: str, problems: list[str]) -> list[tuple[int, int]]:
    """Every time range in text ("8:30-12:00 13:30-17:30", "上午9点-下午5点"); a problem for anything else left over."""
    out: list[tuple[int, int]] = []
    pos = 0
    rest = []
    for m in _TIME_RANGE.finditer(text):
        rest.append(text[pos : m.start()])
        pos = m.end()
        try:
            s = _minutes(m[1], m[2], m[3], m[4], False)
            e = _minutes(m[5] or (m[1] if m[1] in ("下午", "晚上") else None), m[6], m[7], m[8], True)
        except ValueError as err:
            problems.append(_("“{text}”: {time} is not a time of day (00:00 to 24:00)").format(text=m[0], time=err))
            continue
        if e <= s:
            if m[5] is None and e < 720 and s < e + 720 and s < 1080:
                e += 720  # 8:30-5:30, 12:00-1:30: the end is in the afternoon
            elif e < s and s >= 1080:
                e += 1440  # 22:00-02:00: past midnight
            else:
                problems.append(_("“{text}”: the range is empty (write e.g. 9:00-17:00)").format(text=m[0]))
                continue
        if e > 1440 + 720 or (e > 1440 and s < 1080):
            problems.append(_("“{text}”: cannot tell when this ends (write e.g. 18:00-次日2:00)").format(text=m[0]))
            continue
        out.append((s, e))
    rest.append(text[pos:])
    left = "".join(rest).strip(" ,、和及")
    if left:
        problems.append(_("“{text}”: cannot read “{part}” (write times like 9:00-17:00)").format(text=where, part=left))
    return out


def _clause(clause: str, r: _Result) -> None:
    """Read one clause (between ，、；) into r."""
    c = clause.strip()
    if not c:
        return
    try:  # a rule already in OSM form ("Sa 09:00-12:00" beside "节假日休息"); bare times are read below
        osm = parse_hours(c) if re.match(r"(?:Mo|Tu|We|Th|Fr|Sa|Su|PH|24/7)\b", c) else None
    except HoursError:
        osm = None
    if osm is not None:
        for d, ivs in enumerate(osm.week):
            if ivs:
                r.week[d] = [*ivs]
                r.last = [d]
        if osm.ph is not None:
            r.ph = [*osm.ph]
        r.comments += list(osm.comments)
        return
    note = re.match(r"^(?:备注|注|说明|提示)\s*:\s*", c)
    if note:
        r.comments.append(c[note.end() :].replace('"', "'"))
        return
    brk = _BREAK.match(c)
    if brk:
        found = _times(re.sub(r"\s*休息$", "", c[brk.end() :]), c, r.problems)
        if not found and not any(p.startswith(f"“{c}”") for p in r.problems):
            r.problems.append(_("“{text}”: a break needs its time, e.g. “中午休息 12:00-13:30”").format(text=c))
        r.breaks += found
        return
    holiday = next((h for h in _HOLIDAY if c.startswith(h)), None)
    if holiday:
        rest = c[len(holiday) :].strip()
        if rest in _CLOSED or rest in ("", "除外"):
            r.ph = []
        elif rest in ("照常", "照常开放", "正常开放", "正常", "照常办公"):
            pass  # the weekday rules apply on holidays too: no PH rule
        else:
            found = _times(rest, c, r.problems)
            if found:
                r.ph = found
        return
    days, rest = _days(c)
    rest = re.sub(r"(?:开放|营业|办公|服务)$", "", rest).strip() or rest
    with_holiday = re.fullmatch(r"[、,和及与]*\s*(?:法定|国家法定)?节假日\s*(休息|闭馆|关闭|不开放)", rest)
    if days is not None and with_holiday:
        r.ph = []
        rest = with_holiday[1]
    if rest in _ALL_DAY or rest in ("全天开放", "24小时开放", "全天候"):
        if days is None:
            r.always = True
            days = list(range(7))
        for d in days:
            r.week[d] = [(0, 1440)]
        return
    if rest in _CLOSED:
        if days is None:
            r.problems.append(_("“{text}”: which days are closed? e.g. “周日休息”").format(text=c))
            return
        for d in days:
            r.week[d] = []
        return
    more = days is None  # "周一至周五 9:00-12:00，14:00-17:00": times for the days named before
    if days is None:
        if _TIME_RANGE.search(rest):
            days = r.last or list(range(7))  # "9:00-17:00" alone: every day
        else:
            r.problems.append(_("“{text}”: which days? start with 周一至周五, 工作日, 每天, 周末 or 周六").format(text=c))
            return
    half = next((h for h in _HALF if rest.startswith(h) and not _TIME_RANGE.match(rest)), None)
    if half and rest == half:
        example = "9:00-12:00" if half == "上午" else "14:00-17:30"
        r.problems.append(_("“{text}”: {half} needs its hours, e.g. “{days} {example}”").format(
            text=c, half=half, days=c.replace(half, ""), example=example))
        return
    found = _times(rest, c, r.problems)
    if found:
        for d in days:  # a later day rule replaces what an earlier one said for the same day, as in OSM
            r.week[d] = (r.week[d] or []) + found if more else list(found)
        r.last = days


_STARTS = ("周", "星期", "礼拜", "工作日", "每天", "每日", "周末", "双休日", "节假日", "法定", "国家法定", "中午", "午休")


def _clauses(text: str) -> list[str]:
    """Clauses split at ，；。, brackets and line ends, and at 、 where a new day or holiday part begins after times."""
    out: list[str] = []
    text = re.sub(r"(?<=\d)\s+(?=(?:周|星期|礼拜|工作日|每天|每日|周末|双休日|节假日|法定|国家法定|中午|午休))", ",", text)
    for part in re.split(r"[,;。\n()\[\]【】]+", text):
        current = ""
        for piece in part.split("、"):
            done = bool(re.search(r"\d|休息|全天|闭馆|关闭|不开放", current))
            if current and done and piece.lstrip().startswith(_STARTS):
                out.append(current)
                current = piece
            else:
                current = f"{current}、{piece}" if current else piece
        out.append(current)
    return out


def _span(s: int, e: int) -> str:
    """An interval in OSM form; one that ends after midnight is written 22:00-02:00, as OSM reads it."""
    return f"{_hm(s)}-{_hm(e - 1440 if e > 1440 else e)}"


def _merged(ivs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Intervals sorted, overlapping and touching ones joined."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(ivs):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _day_set(days: list[int]) -> str:
    """Weekday indexes as OSM: runs of three or more as Mo-We, others listed (Mo-We,Fr; Tu,Th)."""
    runs: list[list[int]] = []
    for d in days:
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return ",".join(f"{DAYS[r[0]]}-{DAYS[r[-1]]}" if len(r) >= 3 else ",".join(DAYS[d] for d in r) for r in runs)


def _osm(r: _Result) -> str:
    """The rules in OSM form, days with equal hours grouped ("Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off")."""
    if r.always and all(w == [(0, 1440)] for w in r.week):
        return _noted(["24/7", *(["PH off"] if r.ph == [] else [])], r.comments)
    week = []
    for ivs in r.week:
        cut = _merged(ivs or [])
        for bs, be in r.breaks:  # a break takes its time out of every day it falls in (wholly or partly)
            cut = [part for s, e in cut for part in ((s, min(e, bs)), (max(s, be), e)) if part[0] < part[1]]
        week.append(cut)
    groups: dict[tuple[tuple[int, int], ...], list[int]] = {}
    for d, ivs in enumerate(week):
        if ivs:
            groups.setdefault(tuple(ivs), []).append(d)
    rules = [f"{_day_set(days)} {','.join(_span(s, t) for s, t in ivs)}" for ivs, days in groups.items()]
    if r.ph is not None:
        rules.append("PH off" if not r.ph else f"PH {','.join(_span(s, t) for s, t in _merged(r.ph))}")
    return _noted(rules, r.comments)


def _noted(rules: list[str], comments: list[str]) -> str:
    """The rules joined, the comments on the last one (a rule that is only a comment would make every day unknown)."""
    note = "；".join(c for c in comments if c)
    if note and rules:
        rules = [*rules[:-1], f'{rules[-1]} "{note}"']
    return "; ".join(rules or ([f'"{note}"'] if note else []))


def convert_zh(text: str) -> str:
    """OSM opening hours for hours written in Chinese (or already in OSM form); HoursError lists every problem at once."""
    try:
        parse_hours(text)
        return text  # already valid
    except HoursError:
        pass
    norm = _normalise(text)
    osm_like = re.sub(r"\s*[;,]\s*(?=(?:Mo|Tu|We|Th|Fr|Sa|Su|PH)\b)", "; ", norm)  # OSM typed with full-width ；，：
    osm_like = re.sub(r"\s*;\s*", "; ", osm_like)
    try:
        parse_hours(osm_like)
        return osm_like
    except HoursError:
        pass
    r = _Result()
    for clause in _clauses(norm):
        _clause(clause, r)
    if not r.problems and all(w is None for w in r.week) and r.ph is None:
        r.problems.append(_("no days or times found (write e.g. “周一至周五 9:00-17:00”)"))
    if r.problems:
        raise HoursError(_("cannot convert the hours: {problems}").format(problems=_("; ").join(r.problems)), 0)
    osm = _osm(r)
    if not osm:
        raise HoursError(_("cannot convert the hours: every day is closed (write e.g. “周一至周五 9:00-17:00”)"), 0)
    try:
        parse_hours(osm)  # what we write is always valid
    except HoursError as err:
        raise HoursError(_("cannot convert the hours: {error} (write e.g. “周一至周五 9:00-17:00”)").format(error=err), 0) from None
    return osm
