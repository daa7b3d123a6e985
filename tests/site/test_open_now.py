"""The open-now line by the OpenStreetMap rules, with the next change, in a real Chromium: hours.js agrees with
yizhan.stations.hours on a table of expressions × instants, and station pages and finder rows show the lines."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser, Page

from tests.conftest import chromium, copy_project, serve_http
from yizhan.stations.hours import parse_hours, status_zh, to_json

HOURS_JS = Path(__file__).resolve().parents[2] / "yizhan" / "site" / "assets" / "hours.js"
CST = dt.timezone(dt.timedelta(hours=8))
NATIONAL_DAY = [f"2026-10-0{d}" for d in range(1, 8)]
FEATURED = "wuxi-liangxi-chongansi"  # Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off
BY_PHONE = "wuxi-liangxi-chongansi-huangting"  # given hours that are only a comment below
OVERNIGHT = "wuxi-liangxi-chongansi-sanfengqiao"  # given Mo-Su 22:00-02:00; Sa off below
UNKNOWN = "营业时间以电话确认为准，请先来电"

TABLE = [
    "Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off",
    "PH off; Mo-Fr 08:30-17:30",
    "Mo-Fr 08:30-17:30; PH off",
    "Mo-Su 22:00-02:00; Sa off",
    '"预约接待"',
    '"请先电话预约"; Mo-Fr 08:00-17:00',
    "Sa,PH 09:00-12:00; Mo-Fr 08:00-17:00",
    "Mo-Su 22:00-02:00; PH off",
    "Mo-Fr 22:00-02:00; Tu off",
    "Su 22:00-03:00; Sa 09:00-12:00",
    "Mo-Fr 20:00-24:00",
    "Sa 14:00-17:00",
    "Tu,Th 18:30-20:30; Sa 09:00-11:30",
    "24/7",
    "24/7; PH off",
    "off",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


def instants() -> list[dt.datetime]:
    """Every half hour and the minute before it, from Monday 2026-09-21 to 2026-10-10 (National Day in between)."""
    start = dt.datetime(2026, 9, 21, tzinfo=CST)
    marks = [start + dt.timedelta(minutes=30 * i) for i in range(19 * 48)]
    return sorted(marks + [m - dt.timedelta(minutes=1) for m in marks])


def test_hours_js_says_what_python_says_in_chromium(browser: Browser) -> None:
    page = browser.new_page()
    page.goto("about:blank")
    page.add_script_tag(content=HOURS_JS.read_text(encoding="utf-8"))
    times = instants()
    cases = [{"json": to_json(parse_hours(t)), "holidays": hol} for t in TABLE for hol in (NATIONAL_DAY, [])]
    got = page.evaluate(
        """([cases, times]) => cases.map((c) => times.map((t) => {
             const s = window.yizhanHours.status(c.json, new Date(t), c.holidays);
             return [s.state, s.text];
           }))""",
        [cases, [int(t.timestamp() * 1000) for t in times]],
    )
    page.close()
    lines: set[str] = set()
    for (text, holidays), rows in zip(((t, hol) for t in TABLE for hol in (NATIONAL_DAY, [])), got):
        want = [list(status_zh(parse_hours(text), t, holidays)) for t in times]
        assert rows == want, text
        lines.update(line for _, line in want)
    # the table reaches every kind of line
    assert {"现在营业 · 17:30 关门", "现在休息 · 周一 08:30 开门", "现在休息 · 明天 08:30 开门", "现在营业 · 02:00 关门",
            "现在营业 · 全天营业", "现在休息", UNKNOWN, "现在休息 · 下周四 08:30 开门"} <= lines  # fmt: skip


# --------------------------------------------------------------------------- the built site


def _set_hours(path: Path, hours: str) -> None:
    text = path.read_text(encoding="utf-8")
    line = "hours: " + json.dumps(hours, ensure_ascii=False)
    text, n = re.subn(r"(?m)^hours:.*$", line.replace("\\", "\\\\"), text)
    path.write_text(text if n else text.rstrip("\n") + "\n" + line + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few Wuxi stations built with the repository's mkdocs.yml (its holidays), two of them given other hours."""
    from yizhan.site.build import build_site, quiet_mkdocs

    files = ["wuxi/wuxi-center.yml", f"wuxi/liangxi/{FEATURED}.yml", f"wuxi/liangxi/{BY_PHONE}.yml", f"wuxi/liangxi/{OVERNIGHT}.yml"]
    project = copy_project(tmp_path_factory.mktemp("open-now") / "project", files)
    _set_hours(project / "stations" / files[2], '"预约接待"')
    _set_hours(project / "stations" / files[3], "Mo-Su 22:00-02:00; Sa off")
    quiet_mkdocs()
    build_site(project, project / "stations", project / "build")
    return project / "build" / "site"


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    with serve_http(site) as url:
        yield url


def line_at(browser: Browser, url: str, when: dt.datetime) -> tuple[str, list[str]]:
    """The open-now line of a station page at a fixed time, once hours.js has filled it in, and its classes."""
    ctx = browser.new_context(locale="zh-CN", timezone_id="America/Los_Angeles")
    page = ctx.new_page()
    page.clock.set_fixed_time(when)
    page.goto(url)
    page.wait_for_function("() => !document.querySelector('.yz-open-now').textContent.startsWith('营业状态')")
    el = page.locator(".yz-open-now")
    out = el.inner_text(), sorted(el.get_attribute("class").split())
    ctx.close()
    return out


@pytest.mark.parametrize(
    "station, when, line",
    [
        (FEATURED, dt.datetime(2026, 11, 3, 10, 0, tzinfo=CST), "现在营业 · 12:00 关门"),  # Tuesday
        (FEATURED, dt.datetime(2026, 11, 3, 16, 0, tzinfo=CST), "现在营业 · 17:30 关门"),
        (FEATURED, dt.datetime(2026, 11, 3, 12, 30, tzinfo=CST), "现在休息 · 13:30 开门"),
        (FEATURED, dt.datetime(2026, 11, 6, 18, 0, tzinfo=CST), "现在休息 · 明天 09:00 开门"),  # Friday evening
        (FEATURED, dt.datetime(2026, 11, 7, 12, 30, tzinfo=CST), "现在休息 · 周一 08:30 开门"),  # Saturday noon
        (FEATURED, dt.datetime(2026, 9, 30, 18, 0, tzinfo=CST), "现在休息 · 下周四 08:30 开门"),  # National Day ahead
        (FEATURED, dt.datetime(2026, 10, 1, 10, 0, tzinfo=CST), "现在休息 · 下周四 08:30 开门"),  # a holiday Thursday
        (OVERNIGHT, dt.datetime(2026, 11, 6, 23, 0, tzinfo=CST), "现在营业 · 24:00 关门"),  # Friday: Sa off cuts at midnight
        (OVERNIGHT, dt.datetime(2026, 11, 7, 0, 30, tzinfo=CST), "现在休息 · 明天 00:00 开门"),  # Saturday 00:30
        (OVERNIGHT, dt.datetime(2026, 11, 8, 1, 30, tzinfo=CST), "现在营业 · 02:00 关门"),  # Sunday 01:30
        (OVERNIGHT, dt.datetime(2026, 11, 3, 23, 0, tzinfo=CST), "现在营业 · 02:00 关门"),  # an ordinary night
        (BY_PHONE, dt.datetime(2026, 11, 3, 10, 0, tzinfo=CST), UNKNOWN),
    ],
    ids=lambda v: v.isoformat() if isinstance(v, dt.datetime) else str(v),
)
def test_station_page_shows_the_next_change(browser: Browser, server: str, station: str, when: dt.datetime, line: str) -> None:
    text, classes = line_at(browser, f"{server}/s/{station}.html", when)
    assert text == line
    state = "unknown" if line == UNKNOWN else "open" if line.startswith("现在营业") else "closed"
    assert classes == sorted(["yz-open-now", f"yz-{state}"])


def test_hours_that_are_only_a_comment_say_to_call_first(site: Path, browser: Browser, server: str) -> None:
    html = BeautifulSoup((site / "s" / f"{BY_PHONE}.html").read_text(encoding="utf-8"), "html.parser")
    (now,) = html.select(".yz-open-now")
    assert now.get_text() == UNKNOWN  # without JavaScript too: the state never changes
    assert now["class"] == ["yz-open-now", "yz-unknown"]
    assert now.find_previous().name == "h1"  # first, under the name
    hours = html.find("h2", string="开放时间").find_next_sibling("p")
    assert hours.get_text() == "开放时间请先来电确认（备注：预约接待）"
    assert "休息" not in hours.get_text() + now.get_text()
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(f"{server}/s/{BY_PHONE}.html")
    assert page.locator(".yz-open-now").inner_text() == UNKNOWN
    ctx.close()


def finder_line(browser: Browser, server: str, name: str, station: str, when: dt.datetime) -> tuple[str, str]:
    """The open-now text and class of a station's finder row, found by searching its name at a fixed time."""
    ctx = browser.new_context(locale="zh-CN", timezone_id="Europe/London")
    page: Page = ctx.new_page()
    page.clock.set_fixed_time(when)
    page.goto(f"{server}/finder.html?s={quote(name)}")
    row = page.locator("#yz-results li", has=page.locator(f'a[href$="{station}.html"]'))
    status = row.locator(".yz-f-open, .yz-f-closed, .yz-f-unknown")
    status.wait_for(timeout=15000)
    out = status.inner_text(), status.get_attribute("class")
    ctx.close()
    return out


@pytest.mark.parametrize(
    "name, station, when, line, css",
    [
        ("崇安寺街道", FEATURED, dt.datetime(2026, 11, 3, 16, 0, tzinfo=CST), "现在营业 · 17:30 关门", "yz-f-open"),
        ("崇安寺街道", FEATURED, dt.datetime(2026, 11, 7, 12, 30, tzinfo=CST), "现在休息 · 周一 08:30 开门", "yz-f-closed"),
        ("皇亭", BY_PHONE, dt.datetime(2026, 11, 3, 10, 0, tzinfo=CST), UNKNOWN, "yz-f-unknown"),
        ("三凤桥", OVERNIGHT, dt.datetime(2026, 11, 8, 1, 30, tzinfo=CST), "现在营业 · 02:00 关门", "yz-f-open"),
    ],
    ids=lambda v: v.isoformat() if isinstance(v, dt.datetime) else str(v),
)
def test_finder_rows_show_the_next_change(browser: Browser, server: str, name: str, station: str, when: dt.datetime,
                                          line: str, css: str) -> None:  # fmt: skip
    assert finder_line(browser, server, name, station, when) == (line, css)
