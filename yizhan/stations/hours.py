"""Opening hours in a safe subset of OpenStreetMap's opening_hours syntax: parse, describe, evaluate, export.

Rules are read as the specification (and its reference implementation, opening_hours.js) reads them: in order,
a rule replaces the whole of each day it names (weekdays, PH, or every day without a selector), including the
after-midnight part carried over from the evening before; that carried part belongs to the rule that started
it and is added where that rule stands; a rule that is only a comment says "unknown" for every day."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from typing import NamedTuple, NoReturn

from yizhan.i18n import N_, _

Interval = tuple[int, int]
DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SCHEMA_DAYS = tuple(f"https://schema.org/{d}" for d in _EN + ("PublicHolidays",))
SUPPORTED = N_("weekdays, PH, times, off/closed, 24/7, quoted comments")
WEEKDAY = N_("a weekday (Mo Tu We Th Fr Sa Su)")
WEEKDAY_OR_PH = N_("a weekday (Mo Tu We Th Fr Sa Su) or PH")
TIME = N_("a time like 08:30")
WHOLE_DAY: tuple[Interval, ...] = ((0, 1440),)
Day = tuple[tuple[Interval, ...], tuple[Interval, ...]]  # one day's (open, unknown) intervals; closed elsewhere
CHINA = dt.timezone(dt.timedelta(hours=8))  # China has used UTC+8 all year since 1991
LOOKAHEAD = 8  # days ahead that the next change is looked for
OPEN, CLOSED, UNKNOWN = "open", "closed", "unknown"
STATE_ZH = {OPEN: "现在营业", CLOSED: "现在休息", UNKNOWN: "营业时间以电话确认为准，请先来电"}

_MONTHS = ("january", "february", "march", "april", "may", "june", "july",
           "august", "september", "october", "november", "december")  # fmt: skip
_UNSUPPORTED = {"week", "sunrise", "sunset", "dawn", "dusk", "sh", "easter", "open", "unknown", "||", "+", "[", "]", "/"}
_PUNCT = {"；": ";", "，": ",", "：": ":", "－": "-", "—": "-", "–": "-", "~": "-", "～": "-", "至": "-", "到": "-"}
_CN_DAY = r"(?:周|星期|礼拜)([一二三四五六日天])"
_CN_DAYS = re.compile(rf"{_CN_DAY}(?:[至到\-~～](?:周|星期|礼拜)?([一二三四五六日天]))?")
_TOKEN = re.compile(r'\s*(?:(?P<str>"[^"]*")|(?P<all>24/7)|(?P<num>\d[\d:.：]*)|(?P<word>[^\W\d_]+)|(?P<op>\|\||\S))')
_LOOSE_TIME = re.compile(r"(\d{1,2})[:.：]?(\d\d)")


class HoursError(ValueError):
    """Malformed opening hours; .offset is the 0-based character offset of the problem in the text."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class Hours:
    """Parsed opening hours, evaluated into day tables of merged minute intervals [start, end).

    week: Mo..Su open intervals on ordinary days; unknown: Mo..Su intervals whose state is unknown (a rule that is
    only a comment); holiday: Mo..Su (open, unknown) on a public holiday falling on that weekday, None when holidays
    are ordinary days; ph: the holidays' open intervals when they are the same whatever the weekday and known,
    else None (what describe_zh and schema.org say about PH); comments in order; always: open at every minute."""

    text: str
    week: tuple[tuple[Interval, ...], ...]
    ph: tuple[Interval, ...] | None
    comments: tuple[str, ...]
    always: bool
    unknown: tuple[tuple[Interval, ...], ...] = ((),) * 7
    holiday: tuple[Day, ...] | None = None


class _Tok(NamedTuple):
    """One token: kind (str, all, num, word, op, end), its raw text and its offset."""

    kind: str
    raw: str
    off: int


def _tokenize(text: str) -> list[_Tok]:
    """Split text into tokens, ending with an 'end' token."""
    toks: list[_Tok] = []
    pos = 0
    while m := _TOKEN.match(text, pos):
        kind = m.lastgroup or "op"
        if m[kind] == '"':  # a quote the comment pattern could not close
            raise HoursError(_('expected a closing " to end the comment, found end of text'), m.start(kind))
        toks.append(_Tok(kind, m[kind], m.start(kind)))
        pos = m.end()
    return toks + [_Tok("end", "", len(text))]


def _q(s: str) -> str:
    """Quote a piece of text for a message."""
    return json.dumps(s, ensure_ascii=False)


def _did_you_mean(suggestion: str) -> str:
    """' (did you mean "x"?)' in the current language."""
    return _(" (did you mean {suggestion}?)").format(suggestion=suggestion)


def _day_hint(raw: str) -> str:
    """A did-you-mean for a misspelled weekday or PH ("Mon", "ph", "周一至周五"), else ''."""
    low, cn = raw.lower(), _CN_DAYS.fullmatch(raw)
    if cn:
        a, b = ("一二三四五六日".find(c.replace("天", "日")) if c else -1 for c in cn.groups())
        guess = DAYS[a] + (f"-{DAYS[b]}" if b >= 0 else "")
    elif low == "ph" or raw in ("法定节假日", "节假日", "节假日休息"):
        guess = "PH"
    else:
        guess = next((DAYS[i] for i, f in enumerate(_EN) if len(low) >= 2 and f.lower().startswith(low)), "")
    return _did_you_mean(_q(guess)) if guess and guess != raw else ""


class _Parser:
    """Recursive-descent parser over the token list."""

    def __init__(self, text: str) -> None:
        self.toks, self.i = _tokenize(text), 0
        self.rules: list[tuple[frozenset[int], list[Interval] | None]] = []  # (days, 7 = PH; intervals, None = unknown)
        self.comments: list[str] = []

    @property
    def tok(self) -> _Tok:
        """The current token."""
        return self.toks[self.i]

    def take(self) -> _Tok:
        """Consume and return the current token."""
        self.i += 1
        return self.toks[self.i - 1]

    def fail(self, expected: str, hint: str = "") -> NoReturn:
        """Raise 'expected …, found …' at the current token (or the unsupported-feature error)."""
        t, low = self.tok, self.tok.raw.lower()
        month = t.kind == "word" and len(low) >= 3 and any(m.startswith(low) for m in _MONTHS)
        if t.kind in ("word", "op") and (low in _UNSUPPORTED or month):  # features this subset rejects
            raise HoursError(_("unsupported opening_hours feature {feature} (supported: {supported})").format(feature=_q(t.raw), supported=_(SUPPORTED)), t.off)
        found = _("end of text") if t.kind == "end" else t.raw if t.kind == "str" else _q(t.raw)
        if t.raw in _PUNCT:
            hint = _did_you_mean(_q(_PUNCT[t.raw]))
        elif t.raw in ("“", "”"):
            hint = _(' (write comments in straight double quotes "…")')
        elif low in ("off", "closed") and t.raw != low and not hint:
            hint = _did_you_mean(_q(low))
        raise HoursError(_("expected {expected}, found {found}{hint}").format(expected=_(expected), found=found, hint=hint), t.off)

    def parse(self) -> None:
        """Parse rules separated by ';' (a trailing ';' is tolerated)."""
        if self.tok.kind == "end":
            raise HoursError(_("empty opening hours"), 0)
        self.rule()
        while self.tok.kind != "end":
            if self.tok.raw != ";":
                self.fail(N_('";" between rules'), _(' (separate time ranges with ",")') if self.tok.kind == "num" else "")
            self.take()
            if self.tok.kind != "end":
                self.rule()

    def rule(self) -> None:
        """Parse one rule: [selector] (times | off | closed) [comment], 24/7 [comment], or a lone comment."""
        t, targets = self.tok, list(range(7))
        ivs: list[Interval] | None = None
        if t.kind == "all":
            self.take()
            ivs = list(WHOLE_DAY)
        elif t.kind != "str":
            if t.kind == "word" and (t.raw in DAYS or t.raw == "PH"):
                targets = self.selector()
            elif t.kind == "word" and t.raw not in ("off", "closed"):
                self.fail(WEEKDAY_OR_PH, _day_hint(t.raw))
            elif t.kind not in ("num", "word"):
                self.fail(N_('a rule (weekdays or PH, a time like 08:30, off, 24/7 or a "comment")'))
            ivs = self.times(ph=7 in targets)
        if self.tok.kind == "str" and (text := self.take().raw[1:-1].strip()):
            self.comments.append(text)
        self.rules.append((frozenset(targets), ivs))  # a lone comment: every day unknown

    def selector(self) -> list[int]:
        """Parse 'Mo-Fr,Su,PH' into day indexes (7 is PH); ranges may wrap (Sa-Mo)."""
        days: list[int] = []
        while True:
            t = self.tok
            if t.kind == "word" and t.raw == "PH":
                days.append(7)
            elif t.kind == "word" and t.raw in DAYS:
                a = b = DAYS.index(t.raw)
                if self.toks[self.i + 1].raw == "-":
                    self.i += 2
                    if self.tok.kind != "word" or self.tok.raw not in DAYS:
                        self.fail(WEEKDAY, _day_hint(self.tok.raw))
                    b = DAYS.index(self.tok.raw)
                days += [(a + k) % 7 for k in range((b - a) % 7 + 1)]
            else:
                self.fail(WEEKDAY_OR_PH, _day_hint(t.raw))
            self.take()
            if self.tok.raw != ",":
                return days
            self.take()

    def times(self, ph: bool) -> list[Interval]:
        """Parse 'off', 'closed' or '08:30-12:00,13:30-17:30' (end may exceed 1440 for overnight ranges)."""
        if self.tok.kind == "word" and self.tok.raw in ("off", "closed"):
            self.take()
            return []
        if self.tok.kind != "num":
            hint = _(' (list days with "," or "-", as in "Mo,We" or "Mo-Fr")') if self.tok.raw in DAYS else ""
            self.fail(N_("a time like 08:30 or off"), hint)
        ivs: list[Interval] = []
        while True:
            first = self.tok
            s = self.time(start=True)
            if self.tok.raw != "-":
                self.fail(_('"-" after {time}').format(time=_q(first.raw)))
            self.take()
            last = self.tok
            e = self.time(start=False)
            span = f"{first.raw}-{last.raw}"
            if e == s:
                raise HoursError(_("time range {span} is empty (end must differ from start)").format(span=span), first.off)
            if e < s and ph:
                raise HoursError(_("overnight range {span} is not supported for PH (end it by 24:00)").format(span=span), first.off)
            ivs.append((s, e if e > s else e + 1440))
            if self.tok.raw != ",":
                return ivs
            self.take()
            if self.tok.kind == "word" and (self.tok.raw in DAYS or self.tok.raw == "PH"):
                self.fail(TIME, _(' (separate rules with ";")'))

    def time(self, start: bool) -> int:
        """Parse HH:MM into minutes since midnight (24:00 only as an end)."""
        t = self.tok
        m = re.fullmatch(r"(\d\d):(\d\d)", t.raw) if t.kind == "num" else None
        if not m:  # suggest a fix for sloppy times such as "8.30", "0830" or "8：30"
            loose = _LOOSE_TIME.fullmatch(t.raw) if t.kind == "num" else None
            ok = loose and int(loose[2]) < 60 and int(loose[1]) * 60 + int(loose[2]) <= 1440
            self.fail(TIME, _did_you_mean(f'"{int(loose[1]):02d}:{loose[2]}"') if loose and ok else "")
        h, mi = int(m[1]), int(m[2])
        if h > 24 or mi > 59 or (h == 24 and mi):
            raise HoursError(_("time {time} is out of range (00:00-24:00)").format(time=t.raw), t.off)
        if start and h == 24:
            raise HoursError(_('expected a range to start by 23:59, found "24:00" (use 00:00)'), t.off)
        self.take()
        return h * 60 + mi


def _merge(ivs: list[Interval]) -> tuple[Interval, ...]:
    """Sort intervals and merge overlapping or touching ones."""
    out: list[Interval] = []
    for s, e in sorted(ivs):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return tuple(out)


def _paint(segs: list[tuple[int, int, str]], s: int, e: int, state: str) -> list[tuple[int, int, str]]:
    """Segments with [s, e) set to `state` (what was there before is cut away)."""
    out = [part for a, b, st in segs for part in ((a, min(b, s), st), (max(a, e), b, st)) if part[0] < part[1]]
    return out + [(s, e, state)]


def _day(rules: list[tuple[frozenset[int], list[Interval] | None]], weekday: int, holiday: bool) -> Day:
    """One day's (open, unknown) intervals: rules in order, each replacing the whole day it names; a rule's part
    after midnight is added to the next day where the rule stands (only weekday rules run past midnight)."""
    segs: list[tuple[int, int, str]] = []
    for days, ivs in rules:
        if weekday in days or holiday and 7 in days:
            segs = [(0, 1440, UNKNOWN)] if ivs is None else []
            for s, e in ivs or ():
                segs = _paint(segs, s, min(e, 1440), OPEN)
        if ivs and (weekday - 1) % 7 in days:
            for s, e in ivs:
                if e > 1440:
                    segs = _paint(segs, 0, e - 1440, OPEN)
    return _merge([(s, e) for s, e, st in segs if st == OPEN]), _merge([(s, e) for s, e, st in segs if st == UNKNOWN])


@lru_cache(maxsize=4096)  # stations share a handful of schedules; Hours is immutable
def parse_hours(text: str) -> Hours:
    """Parse opening hours such as 'Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off'."""
    p = _Parser(text)
    p.parse()
    ordinary = [_day(p.rules, d, False) for d in range(7)]
    holiday = [_day(p.rules, d, True) for d in range(7)] if any(7 in days for days, _ in p.rules) else ordinary
    table = tuple(day[0] for day in ordinary)
    ph = holiday[0][0] if holiday != ordinary and all(day == (holiday[0][0], ()) for day in holiday) else None
    always = all(day == (WHOLE_DAY, ()) for day in ordinary + holiday)
    return Hours(text, table, ph, tuple(p.comments), always, tuple(day[1] for day in ordinary),
                 None if holiday == ordinary else tuple(holiday))  # fmt: skip


def _hm(minute: int) -> str:
    """Minutes since midnight as HH:MM (1440 is 24:00)."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _display(h: Hours) -> list[list[Interval]]:
    """Per-day intervals for people: a range ending at midnight absorbs the next day's early range (end > 1440)."""
    days = [list(w) for w in h.week]
    for d in range(7):
        nxt = days[(d + 1) % 7]
        if days[d] and days[d][-1][1] == 1440 and days[d][-1][0] > 0 and nxt and nxt[0][0] == 0 and nxt[0][1] < 1440:
            days[d][-1] = (days[d][-1][0], 1440 + nxt.pop(0)[1])
    return days


def _span_zh(s: int, e: int) -> str:
    """An interval as '08:30-12:00' or '22:00-次日02:00'."""
    return f"{_hm(s)}-次日{_hm(e - 1440)}" if e > 1440 else f"{_hm(s)}-{_hm(e)}"


def _days_zh(days: list[int]) -> str:
    """Day indexes as '周一至周五' or '周一、周三、周五' (runs of three or more use 至)."""
    runs = [[d for _, d in run] for _, run in groupby(enumerate(days), lambda p: p[1] - p[0])]
    return "、".join(f"{DAYS_ZH[r[0]]}至{DAYS_ZH[r[-1]]}" if len(r) >= 3 else "、".join(DAYS_ZH[d] for d in r) for r in runs)


_UNSURE = "请先来电确认"


def _ivs_zh(ivs: tuple[Interval, ...] | list[Interval], unknown: tuple[Interval, ...]) -> str:
    """A day's hours after its label: ' 08:30-12:00、13:30-17:30', '休息', '请先来电确认' or ' 00:00-02:00，其余时间请先来电确认'."""
    spans = "、".join(_span_zh(s, e) for s, e in ivs)
    if unknown:
        return f" {spans}，其余时间{_UNSURE}" if spans else _UNSURE
    return f" {spans}" if spans else "休息"


def describe_zh(h: Hours) -> str:
    """The hours in Chinese, e.g. '周一至周五 08:30-17:30；周六、周日休息；法定节假日休息'."""
    full = all(w == WHOLE_DAY for w in h.week)
    parts: list[str] = ["全天24小时开放"] if full else []
    if all(u == WHOLE_DAY for u in h.unknown):
        parts = [f"开放时间{_UNSURE}"]
    elif not full:
        groups: dict[tuple[tuple[Interval, ...], tuple[Interval, ...]], list[int]] = {}
        for d, ivs in enumerate(_display(h)):
            groups.setdefault((tuple(ivs), h.unknown[d]), []).append(d)
        for (ivs, unknown), days in sorted(groups.items(), key=lambda g: (bool(g[0][1]), not g[0][0])):
            parts.append(("每天" if len(days) == 7 else _days_zh(days)) + _ivs_zh(ivs, unknown))  # open, closed, unknown
    if h.holiday is not None:
        changed: dict[Day, list[int]] = {}
        for d, day in enumerate(h.holiday):
            if day != (h.week[d], h.unknown[d]) or h.ph is not None:
                changed.setdefault(day, []).append(d)
        for day, days in changed.items():
            label = "法定节假日" if len(days) == 7 else f"{_days_zh(days)}逢法定节假日"
            parts.append(label + _ivs_zh(*day))
    note = f"（备注：{'；'.join(h.comments)}）" if h.comments else ""
    return "；".join(parts) + note


def _day_json(day: Day) -> list[list]:
    """A day for hours.js: [start, end] open, [start, end, "?"] unknown, by start."""
    return sorted([[s, e] for s, e in day[0]] + [[s, e, "?"] for s, e in day[1]])


def to_json(h: Hours) -> dict:
    """Compact JSON-able form for hours.js: {'w': [day × 7], 'ph': None | day} and, when a public holiday's hours
    depend on its weekday, 'phw': [day × 7] (then 'ph' is None). A day lists [start, end] open intervals and
    [start, end, "?"] unknown ones, in minutes (end exclusive); 'ph' None: holidays are ordinary days."""
    out: dict = {"w": [_day_json((h.week[d], h.unknown[d])) for d in range(7)], "ph": None}
    if h.holiday is not None:
        days = [_day_json(day) for day in h.holiday]
        out.update({"ph": days[0]} if all(day == days[0] for day in days) else {"phw": days})
    return out


def opening_hours_spec(h: Hours) -> list[dict]:
    """schema.org OpeningHoursSpecification dicts, days grouped by shared interval (overnight: closes < opens)."""
    groups: dict[Interval, list[int]] = {}
    for d, ivs in enumerate(_display(h) + [list(h.ph or ())]):
        for iv in ivs:
            groups.setdefault(iv, []).append(d)
    spec = [
        {"@type": "OpeningHoursSpecification", "dayOfWeek": [SCHEMA_DAYS[d] for d in days],
         "opens": _hm(s), "closes": "23:59" if e == 1440 else _hm(e % 1440)}
        for (s, e), days in groups.items()
    ]  # fmt: skip
    if h.ph == ():
        spec.append({"@type": "OpeningHoursSpecification", "dayOfWeek": [SCHEMA_DAYS[7]], "opens": "00:00", "closes": "00:00"})
    return spec


def _day_of(h: Hours, weekday: int, holiday: bool) -> Day:
    """The (open, unknown) intervals of a day."""
    return h.holiday[weekday] if holiday and h.holiday is not None else (h.week[weekday], h.unknown[weekday])


def _state_in(day: Day, minute: int) -> str:
    """open, unknown or closed at `minute` of a day."""
    if any(s <= minute < e for s, e in day[0]):
        return OPEN
    return UNKNOWN if any(s <= minute < e for s, e in day[1]) else CLOSED


def state_at(h: Hours, weekday: int, minute: int, holiday: bool = False) -> str:
    """'open', 'closed' or 'unknown' at `minute` (0-1439) of `weekday` (0 = Monday), a public holiday or not."""
    if not (0 <= weekday <= 6 and 0 <= minute < 1440):
        raise ValueError(f"expected weekday 0-6 and minute 0-1439, found {weekday} and {minute}")
    return _state_in(_day_of(h, weekday, holiday), minute)


def is_open(h: Hours, weekday: int, minute: int, holiday: bool = False) -> bool:
    """Whether open at `minute` (0-1439) of `weekday` (0 = Monday); holidays follow the rules in order."""
    return state_at(h, weekday, minute, holiday) == OPEN


def china_time(when: dt.datetime) -> dt.datetime:
    """`when` in China time (a naive datetime is taken to be China time already)."""
    return when.replace(tzinfo=CHINA) if when.tzinfo is None else when.astimezone(CHINA)


def next_change(h: Hours, when: dt.datetime, holidays: Collection[str] = ()) -> tuple[int, int, str] | None:
    """(days ahead, minute of that day, new state) of the first change of state after `when`, looking at most
    LOOKAHEAD days ahead; None if the state stays. `holidays` holds public holidays as 'YYYY-MM-DD'."""
    t = china_time(when)
    minute = t.hour * 60 + t.minute
    now = state_at(h, t.weekday(), minute, t.date().isoformat() in holidays)
    for k in range(LOOKAHEAD + 1):
        date = t.date() + dt.timedelta(days=k)
        day = _day_of(h, date.weekday(), date.isoformat() in holidays)
        marks = {0} | {s for s, _ in day[0] + day[1]} | {e for _, e in day[0] + day[1] if e < 1440}
        for m in sorted(marks):
            if (k or m > minute) and (state := _state_in(day, m)) != now:
                return k, m, state
    return None


def status_zh(h: Hours, when: dt.datetime, holidays: Collection[str] = ()) -> tuple[str, str]:
    """(state, the line a page shows) at `when`: '现在营业 · 17:30 关门', '现在休息 · 明天 08:30 开门',
    '现在休息 · 周一 08:30 开门', '现在营业 · 02:00 关门' (overnight), '现在营业 · 全天营业' (24/7), '现在休息'
    (nothing opens within LOOKAHEAD days) or the unknown line. hours.js's status says the same."""
    t = china_time(when)
    minute = t.hour * 60 + t.minute
    now = state_at(h, t.weekday(), minute, t.date().isoformat() in holidays)
    if now == UNKNOWN:
        return now, STATE_ZH[now]
    if h.always:
        return now, f"{STATE_ZH[now]} · 全天营业"
    change = next_change(h, t, holidays)
    if change is None or change[2] == UNKNOWN:
        return now, STATE_ZH[now]
    k, m, state = change
    if state == CLOSED and m == 0 and k:  # closes at midnight: 24:00 of the day before
        k, m = k - 1, 1440
    if k == 0 or state == CLOSED and k == 1 and m < minute:  # today, or closing overnight within 24 hours
        when_zh = ""
    elif k == 1:
        when_zh = "明天 "
    else:
        when_zh = ("下" if k >= 7 else "") + DAYS_ZH[(t.weekday() + k) % 7] + " "
    return now, f"{STATE_ZH[now]} · {when_zh}{_hm(m)} {'开门' if state == OPEN else '关门'}"


def constant_state(h: Hours) -> str | None:
    """The state when it is the same at every minute of every day (24/7, off, only a comment), else None."""
    days = [(h.week[d], h.unknown[d]) for d in range(7)] + list(h.holiday or ())
    for state, day in ((OPEN, (WHOLE_DAY, ())), (CLOSED, ((), ())), (UNKNOWN, ((), WHOLE_DAY))):
        if all(d == day for d in days):
            return state
    return None
