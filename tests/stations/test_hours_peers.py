"""yizhan's hours evaluator against the two peers, on many expressions × instants (state and next change).

The peers are optional: opening-hours-py (`pip install opening-hours-py`) and opening_hours.js, the
specification's reference implementation (`npm install opening_hours` anywhere, then NODE_PATH=…/node_modules);
each test skips, saying why, when its peer is missing. Run this file as a script for the numbers:

    NODE_PATH=/tmp/oh/node_modules PYTHONPATH=. python3 tests/stations/test_hours_peers.py

Each peer uses its own public-holiday calendar, so the holidays handed to yizhan are the days that peer's `PH`
is open on. The disagreements that remain are the peers' own departures, each named by `known_difference`:
opening-hours-py reads a rule that is only a comment as open (the specification: unknown); opening_hours.js lets
a rule without a day selector after one with a selector add to those days instead of replacing them
(`Mo-Fr 08:00-12:00; 14:00-18:00` is open on Monday at 10:00 there, closed in opening-hours-py and yizhan).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from yizhan.stations.hours import DAYS, _Parser, next_change, parse_hours, state_at

START = dt.date(2026, 9, 28)  # a Monday; the week holds National Day (2026-10-01) for both peers' calendars
DATES = [START + dt.timedelta(days=k) for k in range(8)]
MINUTES = [30, 90, 180, 509, 510, 600, 720, 750, 810, 1049, 1050, 1140, 1319, 1320, 1410]
INSTANTS = [dt.datetime.combine(d, dt.time(m // 60, m % 60)) for d in DATES for m in MINUTES]

FIXED = [
    "PH off; Mo-Fr 08:30-17:30", "Mo-Fr 08:30-17:30; PH off", "Mo-Su 22:00-02:00; Sa off", '"预约接待"',
    "Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off", "24/7", "24/7; PH off", "Mo-Fr 22:00-02:00; Sa off",
    "Mo-Fr 22:00-02:00; Tu off", "Sa 10:00-12:00; Fr 22:00-02:00", "Fr 22:00-02:00; Sa 10:00-12:00",
    "PH 09:00-12:00,14:00-16:00; Mo-Fr 08:00-17:00", "Sa,PH 09:00-12:00; Mo-Fr 08:00-17:00", "Mo-Su 22:00-02:00; PH off",
    'Mo-Fr 08:00-17:00; "节假日另行通知"', '"请先电话预约"; Mo-Fr 08:00-17:00', "Mo-Fr 08:00-12:00; 14:00-18:00",
    "Mo-Fr 08:00-17:00; We 09:00-12:00", "Mo-Su 00:00-24:00; Mo 22:00-03:00", "Sa-Mo 10:00-16:00", "off",
    "Mo-Fr 08:00-20:00; PH 10:00-12:00; Tu off",
]  # fmt: skip


def expressions(n: int = 500, seed: int = 15) -> list[str]:
    """FIXED, then `n` random expressions of the subset yizhan reads (days, PH, times, overnight, off, 24/7, comments)."""
    rng = random.Random(seed)

    def days() -> tuple[str, bool]:
        parts, ph = [], False
        for _ in range(rng.choice((1, 1, 2))):
            kind = rng.random()
            if kind < 0.15 and not ph:
                parts.append("PH")
                ph = True
            elif kind < 0.6:
                a, b = rng.randrange(7), rng.randrange(7)
                parts.append(f"{DAYS[a]}-{DAYS[b]}" if a != b else DAYS[a])
            else:
                parts.append(DAYS[rng.randrange(7)])
        return ",".join(dict.fromkeys(parts)), ph

    def times(ph: bool) -> str:
        if rng.random() < 0.15:
            return "off"
        out = []
        for _ in range(rng.choice((1, 1, 2))):
            s = rng.randrange(0, 24 * 4) * 15
            e = rng.randrange(0, 24 * 4 + 1) * 15
            if ph and e <= s or e == s:
                s, e = min(s, e), max(s, e) or 15
                e = e if e > s else s + 15
            out.append(f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}")
        return ",".join(out)

    found = list(FIXED)
    while len(found) < len(FIXED) + n:
        rules = []
        for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
            r = rng.random()
            if r < 0.05:
                rules.append('"预约"')
            elif r < 0.1:
                rules.append("24/7")
            elif r < 0.2:
                rules.append(times(False))
            else:
                sel, ph = days()
                rules.append(f"{sel} {times(ph)}" + (' "备注"' if rng.random() < 0.05 else ""))
        text = "; ".join(rules)
        try:
            parse_hours(text)
        except ValueError:
            continue
        if text not in found:
            found.append(text)
    return found


def ours(text: str, holidays: set[str]) -> list[tuple[str, dt.datetime | None]]:
    """yizhan's (state, next change) at every instant (the next change as a naive China time, None past 8 days)."""
    h = parse_hours(text)
    out = []
    for t in INSTANTS:
        state = state_at(h, t.weekday(), t.hour * 60 + t.minute, t.date().isoformat() in holidays)
        change = next_change(h, t, holidays)
        at = None if change is None else dt.datetime.combine(t.date() + dt.timedelta(days=change[0]), dt.time()) + dt.timedelta(minutes=change[1])
        out.append((state, at))
    return out


def known_difference(text: str, peer: str) -> str:
    """Why a peer differs from the specification on this expression, or '' when it should not."""
    rules = [r.strip() for r in text.split(";") if r.strip()]
    if peer == "opening-hours-py" and any(r.startswith('"') for r in rules):
        return "a rule that is only a comment: opening-hours-py says open, the specification unknown"
    parser = _Parser(text)
    parser.parse()
    named = [days for days, _ in parser.rules]
    for i, (days, ivs) in enumerate(parser.rules):
        into = {(d + 1) % 7 for d in days if d < 7} if any(e > 1440 for _, e in ivs or ()) else set()
        if peer == "opening-hours-py" and any(into & (named[j] - {7}) for j in range(i)):
            return ("a range past midnight into a day that an earlier rule names: opening-hours-py drops the part "
                    "after midnight, opening_hours.js and yizhan keep it")
        wraps = [j for j, (_, other) in enumerate(parser.rules) if j != i and any(e > 1440 for _, e in other or ())]
        if peer == "opening-hours-py" and into and any(days & named[j] for j in wraps):
            return "two rules run past midnight from the same day: opening-hours-py keeps one, opening_hours.js and yizhan both"
    if peer == "opening_hours.js" and any(r.endswith('"') and not r.startswith('"') for r in rules):
        return "a rule with times and a comment: opening_hours.js says unknown, opening-hours-py and yizhan open"
    bare = [not (r[:2] in DAYS or r.startswith("PH")) for r in rules]
    if peer == "opening_hours.js" and any(b and not a for a, b in zip(bare, bare[1:])):
        return "a rule without days after one with days: opening_hours.js adds to those days instead of replacing them"
    return ""


def _within(ours_at: dt.datetime | None, peer_at: dt.datetime | None, t: dt.datetime) -> bool:
    """Next changes agree: equal, or both beyond the 8 days yizhan looks ahead."""
    limit = dt.datetime.combine(t.date() + dt.timedelta(days=9), dt.time())
    return ours_at == peer_at or ours_at is None and (peer_at is None or peer_at >= limit)


def compare(texts: list[str], peer: str, run: Callable[[list[str]], tuple[set[str], list[list[tuple[str, Any]]]]]) -> dict[str, Any]:
    """Counts of agreements and the disagreements, each with its known reason ('' if none)."""
    holidays, results = run(texts)
    report: dict[str, Any] = {"peer": peer, "expressions": len(texts), "instants": len(INSTANTS), "holidays": sorted(holidays),
                              "state_diff": 0, "change_diff": 0, "expressions_diff": [], "unexplained": []}  # fmt: skip
    for text, theirs in zip(texts, results):
        mine = ours(text, holidays)
        states = sum(a[0] != b[0] for a, b in zip(mine, theirs))
        changes = sum(a[0] == b[0] and not _within(a[1], b[1], t) for a, b, t in zip(mine, theirs, INSTANTS))
        report["state_diff"] += states
        report["change_diff"] += changes
        if states or changes:
            why = known_difference(text, peer)
            report["expressions_diff"].append((text, states, changes, why))
            if not why:
                first = next(i for i, (a, b) in enumerate(zip(mine, theirs)) if a != b)
                report["unexplained"].append((text, str(INSTANTS[first]), mine[first], theirs[first]))
    return report


# --------------------------------------------------------------------------- the peers


def run_py(texts: list[str]) -> tuple[set[str], list[list[tuple[str, Any]]]]:
    """opening-hours-py's (state, next change) at every instant, with its Chinese calendar."""
    from opening_hours import OpeningHours

    ph = OpeningHours("PH", country="CN")
    holidays = {d.isoformat() for d in DATES if ph.is_open(dt.datetime.combine(d, dt.time(12)))}
    out = []
    for text in texts:
        oh = OpeningHours(text, country="CN", max_interval_days=30)  # else a state that never changes takes seconds
        rows = []
        for t in INSTANTS:
            state = str(oh.state(t)[0]).rsplit(".", 1)[-1].lower()
            change, now = oh.next_change(t), oh.state(t)[0]
            for _ in range(64):  # it also stops where the state stays the same: go on to a real change
                if change is None or oh.state(change)[0] != now:
                    break
                later = oh.next_change(change)
                change = later if later is not None and later > change else None
            rows.append((state, None if change is None else change.replace(tzinfo=None)))
        out.append(rows)
    return holidays, out


NODE_HARNESS = r"""
const OH = require("opening_hours");
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const nominatim = {lat: 31.58, lon: 120.3, address: {country_code: "cn", state: "Jiangsu"}};
const at = (s) => { const [d, t] = s.split("T"); const [y, m, dd] = d.split("-").map(Number); const [h, mi] = t.split(":").map(Number); return new Date(y, m - 1, dd, h, mi); };
const fmt = (d) => d ? `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}T${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}` : null;
const ph = new OH("PH", nominatim, 0);
const holidays = input.dates.filter((d) => ph.getState(at(d + "T12:00")));
const results = input.texts.map((text) => {
  const oh = new OH(text, nominatim, 0);
  return input.instants.map((s) => {
    const d = at(s);
    const state = oh.getUnknown(d) ? "unknown" : oh.getState(d) ? "open" : "closed";
    return [state, fmt(oh.getNextChange(d, new Date(d.getTime() + 30 * 86400000)))];
  });
});
process.stdout.write(JSON.stringify({holidays, results}));
"""


NODE_MODULES = Path(__file__).resolve().parents[2] / "build" / "npm" / "node_modules"  # `make test` installs opening_hours there


def _node_env() -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(NODE_MODULES), os.environ.get("NODE_PATH", "")) if p)
    return {**os.environ, "TZ": "UTC", "NODE_PATH": path}


def node_peer() -> list[str] | None:
    """The command that runs node with opening_hours.js reachable, or None."""
    node = shutil.which("node")
    if node is None:
        return None
    probe = subprocess.run([node, "-e", "require.resolve('opening_hours')"], capture_output=True, text=True, env=_node_env())
    return [node] if probe.returncode == 0 else None


def _peer_missing(missing: str) -> None:
    """Skip without a peer, but never in CI, where `make test` installs both (a skipped comparison proves nothing)."""
    if missing and os.environ.get("CI"):
        pytest.fail(f"{missing}: `make test` installs it; CI must compare against it")
    if missing:
        pytest.skip(missing)


def run_js(texts: list[str]) -> tuple[set[str], list[list[tuple[str, Any]]]]:
    """opening_hours.js's (state, next change) at every instant, with its Chinese calendar."""
    node = node_peer()
    assert node is not None
    payload = {"texts": texts, "dates": [d.isoformat() for d in DATES], "instants": [t.isoformat(timespec="minutes") for t in INSTANTS]}
    done = subprocess.run([*node, "-e", NODE_HARNESS], input=json.dumps(payload), capture_output=True, text=True,
                          env=_node_env(), timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    parse = lambda s: None if s is None else dt.datetime.fromisoformat(s)  # noqa: E731
    return set(data["holidays"]), [[(state, parse(at)) for state, at in rows] for rows in data["results"]]


def _py_missing() -> str:
    try:
        import opening_hours  # noqa: F401
    except ImportError:
        return "opening-hours-py is not installed (pip install opening-hours-py)"
    return ""


def test_agrees_with_opening_hours_py_but_for_its_known_departure() -> None:
    _peer_missing(_py_missing())
    report = compare(expressions(), "opening-hours-py", run_py)
    assert "2026-10-01" in report["holidays"]
    assert report["unexplained"] == []
    differ = {text for text, *_ in report["expressions_diff"]}
    assert not differ & {"PH off; Mo-Fr 08:30-17:30", "Mo-Fr 08:30-17:30; PH off", "Mo-Su 22:00-02:00; Sa off"}  # the issue's
    assert len(differ) < report["expressions"] // 4


def test_agrees_with_opening_hours_js_but_for_its_known_departure() -> None:
    _peer_missing("" if node_peer() else "node with opening_hours.js is not available (`make test` installs it into build/npm)")
    report = compare(expressions(), "opening_hours.js", run_js)
    assert "2026-10-01" in report["holidays"]
    assert report["unexplained"] == []
    differ = {text for text, *_ in report["expressions_diff"]}
    assert not differ & {"PH off; Mo-Fr 08:30-17:30", "Mo-Fr 08:30-17:30; PH off", "Mo-Su 22:00-02:00; Sa off"}  # the issue's
    assert len(differ) < report["expressions"] // 4


if __name__ == "__main__":
    texts = expressions(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
    for name, runner, missing in (("opening-hours-py", run_py, _py_missing()), ("opening_hours.js", run_js, "" if node_peer() else "node/opening_hours.js missing")):
        if missing:
            print(f"{name}: skipped ({missing})")
            continue
        r = compare(texts, name, runner)
        print(f"{name}: {r['expressions']} expressions × {r['instants']} instants = {r['expressions'] * r['instants']} checks; "
              f"peer's holidays in the window {r['holidays']}")
        print(f"  state differs at {r['state_diff']} checks, next change (same state) at {r['change_diff']}, "
              f"in {len(r['expressions_diff'])} expressions; unexplained: {len(r['unexplained'])}")
        reasons: dict[str, int] = {}
        for _, _, _, why in r["expressions_diff"]:
            reasons[why or "UNEXPLAINED"] = reasons.get(why or "UNEXPLAINED", 0) + 1
        for why, count in reasons.items():
            print(f"    {count:4d} expressions: {why}")
        for row in r["unexplained"][:15]:
            print("    UNEXPLAINED", row)
