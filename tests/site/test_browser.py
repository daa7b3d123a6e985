"""The built site in a real Chromium: the open-now line, no outside requests, tap targets, file:// use."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.conftest import chromium, serve_http
from yizhan.stations.hours import parse_hours, status_zh

PHONE = {"width": 390, "height": 844}
CST = dt.timezone(dt.timedelta(hours=8))
FEATURED = "wuxi-liangxi-chongansi"  # Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off
ALWAYS = "wuxi-xinwu-shuofang-tangye-gongyeyuan"  # 24/7


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[str]:
    """The built demo site over real HTTP on 127.0.0.1; yields the base URL."""
    with serve_http(site) as url:
        yield url + "/"


@pytest.fixture(scope="module")  # not session: only one sync Playwright may run at a time, and other modules start theirs
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


def phone(browser: Browser) -> BrowserContext:
    """A phone-sized context whose own time zone is far from China's (the page must still use China time)."""
    return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2,
                               locale="zh-CN", timezone_id="America/Los_Angeles")  # fmt: skip


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = phone(browser)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(scope="module")
def clock_page(browser: Browser) -> Iterator[Page]:
    """One phone page shared by the fixed-time tests (each sets its own time before loading)."""
    ctx = phone(browser)
    yield ctx.new_page()
    ctx.close()


def open_now(page: Page) -> tuple[str, list[str]]:
    """The open-now line's text once hours.js has filled it in, and its classes."""
    el = page.locator(".yz-open-now")
    page.wait_for_function("() => document.querySelector('.yz-open-now').textContent.startsWith('现在')")
    return el.inner_text(), sorted(el.get_attribute("class").split())


# --------------------------------------------------------------------------- open now


def test_open_now_matches_the_current_time(page: Page, server: str, site: Path) -> None:
    before = dt.datetime.now(CST)
    page.goto(f"{server}s/{FEATURED}.html")
    shown, classes = open_now(page)
    after = dt.datetime.now(CST)
    el = page.locator(".yz-open-now")
    hours = parse_hours("Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off")
    days = json.loads(el.get_attribute("data-holidays"))
    assert shown in {status_zh(hours, t, days)[1] for t in (before, after)}  # either, right at a change
    assert classes == sorted(["yz-open-now", "yz-open" if shown.startswith("现在营业") else "yz-closed"])


@pytest.mark.parametrize(
    ("station", "when", "shown"),
    [
        (FEATURED, dt.datetime(2026, 11, 3, 10, 0, tzinfo=CST), "现在营业 · 12:00 关门"),  # Tuesday morning
        (FEATURED, dt.datetime(2026, 11, 3, 12, 30, tzinfo=CST), "现在休息 · 13:30 开门"),  # Tuesday lunch break
        (FEATURED, dt.datetime(2026, 11, 3, 17, 29, tzinfo=CST), "现在营业 · 17:30 关门"),  # last open minute
        (FEATURED, dt.datetime(2026, 11, 3, 17, 30, tzinfo=CST), "现在休息 · 明天 08:30 开门"),  # closing time is exclusive
        (
            FEATURED,
            dt.datetime(2026, 11, 3, 1, 0, tzinfo=dt.timezone.utc),
            "现在营业 · 12:00 关门",
        ),  # 09:00 in China, Monday 18:00 in LA
        (FEATURED, dt.datetime(2026, 11, 7, 9, 30, tzinfo=CST), "现在营业 · 12:00 关门"),  # Saturday morning
        (FEATURED, dt.datetime(2026, 11, 1, 10, 0, tzinfo=CST), "现在休息 · 明天 08:30 开门"),  # Sunday
        (FEATURED, dt.datetime(2026, 10, 1, 10, 0, tzinfo=CST), "现在休息 · 下周四 08:30 开门"),  # National Day (PH off)
        (FEATURED, dt.datetime(2026, 10, 8, 10, 0, tzinfo=CST), "现在营业 · 12:00 关门"),  # the Thursday after the holidays
        (ALWAYS, dt.datetime(2026, 11, 4, 3, 0, tzinfo=CST), "现在营业 · 全天营业"),  # 24/7 at 03:00
        (ALWAYS, dt.datetime(2026, 10, 1, 3, 0, tzinfo=CST), "现在营业 · 全天营业"),  # 24/7 on a public holiday
    ],
    ids=lambda v: v.isoformat() if isinstance(v, dt.datetime) else str(v),
)
def test_open_now_at_a_fixed_time(clock_page: Page, server: str, station: str, when: dt.datetime, shown: str) -> None:
    page = clock_page
    page.clock.set_fixed_time(when)
    page.goto(f"{server}s/{station}.html")
    assert page.evaluate("() => Date.now()") == int(when.timestamp() * 1000)
    text, classes = open_now(page)
    assert text == shown
    assert classes == sorted(["yz-open-now", "yz-open" if shown.startswith("现在营业") else "yz-closed"])


# --------------------------------------------------------------------------- no outside requests


def test_every_request_stays_on_the_local_server(context: BrowserContext, server: str) -> None:
    log: list[str] = []
    failed: list[str] = []
    statuses: dict[str, int] = {}
    context.on("request", lambda r: log.append(r.url))
    context.on("requestfailed", lambda r: failed.append(r.url))
    context.on("response", lambda r: statuses.__setitem__(r.url, r.status))
    page = context.new_page()
    for path in ("", f"s/{FEATURED}.html", "hotlines.html"):
        page.goto(server + path, wait_until="networkidle")
    # the header's search: the finder searches every station (its data chunks are the site's own files)
    page.fill("#yz-header-q", "报到")
    page.press("#yz-header-q", "Enter")
    page.wait_for_url("**/finder.html?s=*")
    page.wait_for_function("() => document.querySelectorAll('#yz-results li').length > 0", timeout=15000)
    page.wait_for_load_state("networkidle")
    port = urlsplit(server).port
    outside = [
        u for u in log if (urlsplit(u).scheme, urlsplit(u).hostname, urlsplit(u).port) != ("http", "127.0.0.1", port)
    ]
    assert outside == [], outside
    assert failed == []
    paths = {urlsplit(u).path for u in log}
    assert {"/", f"/s/{FEATURED}.html", "/hotlines.html", "/finder.html", "/assets/yizhan/look.css", "/assets/yizhan/hours.js"} <= paths
    assert not [p for p in paths if p.startswith("/search/")]  # no Material search index any more
    assert len(log) >= 10
    # (the finder's own page template names no icon: the browser asks for /favicon.ico there)
    assert {u: s for u, s in statuses.items() if s >= 400 and urlsplit(u).path != "/favicon.ico"} == {}


# --------------------------------------------------------------------------- tap targets


@pytest.mark.parametrize(
    ("path", "least"),
    [(f"s/{FEATURED}.html", 3), ("hotlines.html", 1), ("hotlines/wuxi.html", 3), ("regions/wuxi/liangxi.html", 3)],
)
def test_tel_links_are_big_enough_to_tap(page: Page, server: str, path: str, least: int) -> None:
    page.goto(server + path)
    boxes = page.eval_on_selector_all(
        "a[href^='tel:']",
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [e.getAttribute('href'), r.width, r.height]; })",
    )
    assert len(boxes) >= least
    small = [(href, w, h) for href, w, h in boxes if h < 44 or w < 44]
    assert small == []
    assert page.evaluate("() => document.documentElement.clientWidth") == 390


# --------------------------------------------------------------------------- file://


def test_site_works_from_file_urls(page: Page, site: Path) -> None:
    start = (site / "s" / f"{FEATURED}.html").resolve().as_uri()
    page.clock.set_fixed_time(dt.datetime(2026, 11, 3, 10, 0, tzinfo=CST))
    page.goto(start)
    assert open_now(page)[0] == "现在营业 · 12:00 关门"
    parent = page.locator("article a", has_text="无锡市流动党员服务中心")
    assert parent.get_attribute("href") == "wuxi-center.html"  # names the file: no server to turn a folder into it
    parent.click()
    page.wait_for_url(lambda url: url != start)
    assert page.url == (site / "s" / "wuxi-center.html").resolve().as_uri()


def test_links_open_pages_from_file_urls(page: Page, site: Path) -> None:
    page.goto((site / "s" / f"{FEATURED}.html").resolve().as_uri())
    page.locator("article a", has_text="无锡市流动党员服务中心").click()
    page.wait_for_load_state()
    assert page.title() == "无锡市流动党员服务中心 - 流动党员服务驿站"
    assert page.locator("article h1").all_inner_texts() == ["无锡市流动党员服务中心"]
