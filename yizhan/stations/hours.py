"""Opening hours in a safe subset of OpenStreetMap's opening_hours syntax: parse, describe, export."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from typing import NamedTuple, NoReturn

Interval = tuple[int, int]
DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SCHEMA_DAYS = tuple(f"https://schema.org/{d}" for d in _EN + ("PublicHolidays",))
SUPPORTED = "weekdays, PH, times, off/closed, 24/7, quoted comments"
WEEKDAY = "a weekday (Mo Tu We Th Fr Sa Su)"
WEEKDAY_OR_PH = f"{WEEKDAY} or PH"
TIME = "a time like 08:30"
WHOLE_DAY: tuple[Interval, ...] = ((0, 1440),)

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
    """Parsed opening hours: a Mo..Su table of merged minute intervals, the PH rule and comments."""

    text: str
    week: tuple[tuple[Interval, ...], ...]
    ph: tuple[Interval, ...] | None
    comments: tuple[str, ...]
    always: bool


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
            raise HoursError('expected a closing " to end the comment, found end of text', m.start(kind))
        toks.append(_Tok(kind, m[kind], m.start(kind)))
        pos = m.end()
    return toks + [_Tok("end", "", len(text))]


def _q(s: str) -> str:
    """Quote a piece of text for a message."""
    return json.dumps(s, ensure_ascii=False)


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
    return f" (did you mean {_q(guess)}?)" if guess and guess != raw else ""


class _Parser:
    """Recursive-descent parser over the token list."""

    def __init__(self, text: str) -> None:
        self.toks, self.i = _tokenize(text), 0
        self.rules: list[list[Interval] | None] = [None] * 8  # Mo..Su, then PH; None: no rule named it
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
            raise HoursError(f"unsupported opening_hours feature {_q(t.raw)} (supported: {SUPPORTED})", t.off)
        found = "end of text" if t.kind == "end" else t.raw if t.kind == "str" else _q(t.raw)
        if t.raw in _PUNCT:
            hint = f" (did you mean {_q(_PUNCT[t.raw])}?)"
        elif t.raw in ("“", "”"):
            hint = ' (write comments in straight double quotes "…")'
        elif low in ("off", "closed") and t.raw != low and not hint:
            hint = f" (did you mean {_q(low)}?)"
        raise HoursError(f"expected {expected}, found {found}{hint}", t.off)

    def parse(self) -> None:
        """Parse rules separated by ';' (a trailing ';' is tolerated)."""
        if self.tok.kind == "end":
            raise HoursError("empty opening hours", 0)
        self.rule()
        while self.tok.kind != "end":
            if self.tok.raw != ";":
                self.fail('";" between rules', ' (separate time ranges with ",")' if self.tok.kind == "num" else "")
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
                self.fail('a rule (weekdays or PH, a time like 08:30, off, 24/7 or a "comment")')
            ivs = self.times(ph=7 in targets)
        if self.tok.kind == "str" and (text := self.take().raw[1:-1].strip()):
            self.comments.append(text)
        if ivs is not None:  # a lone comment changes no day
            for d in targets:
                self.rules[d] = ivs

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
            hint = ' (list days with "," or "-", as in "Mo,We" or "Mo-Fr")' if self.tok.raw in DAYS else ""
            self.fail(f"{TIME} or off", hint)
        ivs: list[Interval] = []
        while True:
            first = self.tok
            s = self.time(start=True)
            if self.tok.raw != "-":
                self.fail(f'"-" after {_q(first.raw)}')
            self.take()
            last = self.tok
            e = self.time(start=False)
            span = f"{first.raw}-{last.raw}"
            if e == s:
                raise HoursError(f"time range {span} is empty (end must differ from start)", first.off)
            if e < s and ph:
                raise HoursError(f"overnight range {span} is not supported for PH (end it by 24:00)", first.off)
            ivs.append((s, e if e > s else e + 1440))
            if self.tok.raw != ",":
                return ivs
            self.take()
            if self.tok.kind == "word" and (self.tok.raw in DAYS or self.tok.raw == "PH"):
                self.fail(TIME, ' (separate rules with ";")')

    def time(self, start: bool) -> int:
        """Parse HH:MM into minutes since midnight (24:00 only as an end)."""
        t = self.tok
        m = re.fullmatch(r"(\d\d):(\d\d)", t.raw) if t.kind == "num" else None
        if not m:  # suggest a fix for sloppy times such as "8.30", "0830" or "8：30"
            loose = _LOOSE_TIME.fullmatch(t.raw) if t.kind == "num" else None
            ok = loose and int(loose[2]) < 60 and int(loose[1]) * 60 + int(loose[2]) <= 1440
            self.fail(TIME, f' (did you mean "{int(loose[1]):02d}:{loose[2]}"?)' if loose and ok else "")
        h, mi = int(m[1]), int(m[2])
        if h > 24 or mi > 59 or (h == 24 and mi):
            raise HoursError(f"time {t.raw} is out of range (00:00-24:00)", t.off)
        if start and h == 24:
            raise HoursError('expected a range to start by 23:59, found "24:00" (use 00:00)', t.off)
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


@lru_cache(maxsize=4096)  # stations share a handful of schedules; Hours is immutable
def parse_hours(text: str) -> Hours:
    """Parse opening hours such as 'Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off'."""
    p = _Parser(text)
    p.parse()
    week: list[list[Interval]] = [[] for _ in range(7)]
    for d in range(7):
        for s, e in p.rules[d] or ():
            week[d].append((s, min(e, 1440)))
            if e > 1440:
                week[(d + 1) % 7].append((0, e - 1440))
    table = tuple(_merge(w) for w in week)
    ph = None if p.rules[7] is None else _merge(p.rules[7])
    always = all(w == WHOLE_DAY for w in table) and ph in (None, WHOLE_DAY)
    return Hours(text, table, ph, tuple(p.comments), always)


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


def describe_zh(h: Hours) -> str:
    """The hours in Chinese, e.g. '周一至周五 08:30-17:30；周六、周日休息；法定节假日休息'."""
    full = all(w == WHOLE_DAY for w in h.week)
    parts: list[str] = ["全天24小时开放"] if full else []
    if not full:
        groups: dict[tuple[Interval, ...], list[int]] = {}
        for d, ivs in enumerate(_display(h)):
            groups.setdefault(tuple(ivs), []).append(d)
        for ivs, days in sorted(groups.items(), key=lambda g: not g[0]):  # open days first, then closed ones
            label = "每天" if len(days) == 7 else _days_zh(days)
            parts.append(f"{label} {'、'.join(_span_zh(s, e) for s, e in ivs)}" if ivs else f"{label}休息")
    if h.ph is not None and not (full and h.ph == WHOLE_DAY):
        parts.append(f"法定节假日 {'、'.join(_span_zh(s, e) for s, e in h.ph)}" if h.ph else "法定节假日休息")
    note = f"（备注：{'；'.join(h.comments)}）" if h.comments else ""
    return "；".join(parts) + note


def to_json(h: Hours) -> dict:
    """Compact JSON-able form for hours.js: {'w': [[[s, e], …] × 7], 'ph': None | [] | [[s, e], …]}."""
    return {"w": [[[s, e] for s, e in day] for day in h.week], "ph": None if h.ph is None else [[s, e] for s, e in h.ph]}


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


def is_open(h: Hours, weekday: int, minute: int, holiday: bool = False) -> bool:
    """Whether open at `minute` (0-1439) of `weekday` (0 = Monday); on holidays a PH rule wins."""
    if not (0 <= weekday <= 6 and 0 <= minute < 1440):
        raise ValueError(f"expected weekday 0-6 and minute 0-1439, found {weekday} and {minute}")
    ivs = h.ph if holiday and h.ph is not None else h.week[weekday]
    return any(s <= minute < e for s, e in ivs)
