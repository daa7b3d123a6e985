"""The hub admin and the written report in the one look: summary first, quiet kiosk stations folded away, charts with
even ticks and a bar per day, header with logout and a way back; in a real Chromium at 320 and 390 px, no sideways
scrolling, targets of 44 px and chart text of 12 px."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser, Page

from kiosk.form import new_record
from kiosk.selfcheckin import checkin_app, with_self_checkin
from tests.conftest import chromium
from tests.hubhelpers import admin_get, hub_thread
from tests.kiosk.layout import SIZES, check_page
from yizhan.checkins.charts import bar_list, column_chart, nice_ticks
from yizhan.checkins.hub import make_hub
from yizhan.checkins.hubdb import HubDB
from yizhan.checkins.records import CHINA
from yizhan.checkins.report import Links, render_html, summarise, write_report
from yizhan.look import STYLESHEET, css
from yizhan.stations.check import load_network
from yizhan.stations.model import Network

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
VALUES = {"name": "欧阳子", "phone": "13812345678", "home_org": "中共某某县某某镇某某村党支部委员会", "purpose": "报到登记", "note": ""}


@pytest.fixture(scope="module")
def network() -> Network:
    return load_network(ROOT / "stations")


def rows_for(network: Network, today: dt.datetime) -> list[dict[str, str]]:
    """Check-ins at two kiosk stations and one without a kiosk: today, this week, 20 and 100 days ago."""
    kiosks = sorted(sid for sid, s in network.stations.items() if s.kiosk)
    others = sorted(sid for sid, s in network.stations.items() if not s.kiosk)
    rows = []
    for i, (sid, days) in enumerate(
        [(kiosks[0], 0)] * 3 + [(kiosks[0], 1), (kiosks[1], 3), (others[0], 5), (kiosks[2], 20), (kiosks[3], 100)]
    ):
        at = min(today.replace(hour=0, minute=i + 1), today) - dt.timedelta(days=days)  # never ahead of the clock
        rows.append(new_record({**VALUES, "phone": f"1391234{i:04d}"}, sid, "kiosk" if i % 2 else "qr", "tab-1", at))
    return rows


@pytest.fixture(scope="module")
def hub(network: Network, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, HubDB, Path]]:
    """A hub with the phone self check-in in front (as `yizhan hub --stations`), its database and a written report."""
    tmp = tmp_path_factory.mktemp("hub")
    db = HubDB(str(tmp / "hub.sqlite"))
    db.ingest(rows_for(network, dt.datetime.now(CHINA)))
    db.set_admin_password(PASSWORD)
    write_report(db, network, tmp / "report")
    with hub_thread(with_self_checkin(make_hub(db, network), checkin_app(db, network))) as url:
        yield url, db, tmp / "report"
    db.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


@pytest.fixture(params=list(SIZES))
def phone(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    ctx = browser.new_context(locale="zh-CN", viewport=SIZES[request.param], is_mobile=True, has_touch=True,
                              http_credentials={"username": "admin", "password": PASSWORD})  # fmt: skip
    yield ctx.new_page()
    ctx.close()


def test_nice_ticks_are_even() -> None:
    assert nice_ticks(0) == nice_ticks(1) == [0, 1]
    assert nice_ticks(3) == [0, 1, 2, 3]
    assert nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(10) == [0, 2, 4, 6, 8, 10]
    assert nice_ticks(23) == [0, 5, 10, 15, 20, 25]
    assert nice_ticks(1234) == [0, 500, 1000, 1500]
    for top in range(1, 3000, 7):
        t = nice_ticks(top)
        step = t[1]
        assert t[-1] >= top and len(t) <= 6 and all(b - a == step for a, b in pairwise(t))
        assert str(step).rstrip("0") in ("1", "2", "5"), (top, t)


def test_a_single_day_is_a_bar_on_even_ticks() -> None:
    soup = BeautifulSoup(column_chart([("12月5日", 7)], "每日报到人次"), "html.parser")
    assert len(soup.select("svg rect")) == 1 and not soup.select("path, circle, polyline")
    assert [s.text for s in soup.select(".yz-chart__y span")] == ["0", "2", "4", "6", "8"]
    assert soup.select_one("svg")["aria-label"] == "每日报到人次：12月5日至12月5日，共 7 人次，最多为12月5日 7 人次"
    assert soup.select_one("rect title").text == "12月5日 7人次"
    assert not soup.select("svg text")  # text is HTML: it never shrinks with the drawing
    bars = BeautifulSoup(bar_list([("甲", 3), ("乙", 7)], "各市"), "html.parser")
    assert [li.select_one(".yz-bars__label").text for li in bars.select("li")] == ["乙", "甲"]
    assert [r["width"] for r in bars.select("rect")] == ["87.5", "37.5"]  # out of the even top tick, 8


def test_report_opens_with_a_summary_and_folds_the_quiet_kiosk_stations(hub: tuple[str, HubDB, Path], network: Network) -> None:
    _, _, out = hub
    html = (out / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    main = soup.select_one("main")
    assert main.select_one("h1").text == "报到统计" and main.find().name == "h1"
    figures = {dd["id"]: dd.text for dd in main.select(".yz-figures dd")}
    assert figures == {"today-count": "3 人次", "week-count": "6 人次", "active-count": "3 个"}
    assert soup.select_one("style").text == css() and not soup.select("link[rel=stylesheet]")
    assert "签到" not in html and "http" not in html
    assert [a["href"] for a in soup.select("header nav a")] == ["index.html", "stations.html"]  # no logout in files
    assert soup.select_one("footer a.yz-tel")["href"] == "tel:12371"
    quiet = soup.select_one("details#quiet")
    kiosks = [sid for sid, s in network.stations.items() if s.kiosk]
    assert quiet is not None and not quiet.has_attr("open")
    assert len(quiet.select("tbody tr")) == len(kiosks) - 3  # kiosk stations only; 3 had a check-in in 30 days
    assert quiet.select_one("summary").text == f"共 {len(kiosks) - 3} 个（展开查看名单）"
    assert quiet.find_previous("h2").text == "近 30 天没有报到的自助报到驿站"
    order = [el.get("id") or el.text for el in main.select("h2, details, table")]
    assert order.index("最近报到（手机号已隐去）") < order.index("quiet")  # the latest check-ins come before it
    assert len(main.select("h2 + table.yz-table tbody tr")) == 8
    assert all(td.has_attr("data-label") for td in main.select("table.yz-table td"))
    days = main.select_one(".yz-chart svg.yz-chart__plot")
    assert len(days.select("rect")) == 30 and not main.select("path, circle")  # a bar per day
    assert (out / "quiet-stations.csv").read_text(encoding="utf-8-sig").splitlines()[0] == "城市,区县,驿站,编号,最近报到"
    stations = BeautifulSoup((out / "stations.html").read_text(encoding="utf-8"), "html.parser")
    assert stations.select_one("a#back")["href"] == "index.html"


def test_hub_admin_pages_have_the_header_with_logout(hub: tuple[str, HubDB, Path]) -> None:
    url, _, _ = hub
    status, page, headers = admin_get(url + "/admin", PASSWORD)
    soup = BeautifulSoup(page, "html.parser")
    assert status == 200 and "style-src 'self';" in headers["Content-Security-Policy"]
    assert [link["href"] for link in soup.select("link[rel=stylesheet]")] == ["/static/look.css"] and not soup.select("style")
    assert [(a["href"], a.text) for a in soup.select("header nav a")] == [
        ("/admin", "首页"),
        ("/admin/stations", "驿站"),
        ("/admin/logout", "退出"),
    ]
    status, page, _ = admin_get(url + "/admin/stations", PASSWORD)
    stations = BeautifulSoup(page, "html.parser")
    assert status == 200 and stations.select_one("a#back")["href"] == "/admin"
    assert stations.select("header nav a")[-1]["href"] == "/admin/logout"
    status, page, headers = admin_get(url + "/admin/logout", PASSWORD)
    challenge = {k.lower(): v for k, v in headers.items()}["www-authenticate"]
    assert status == 401 and challenge.startswith("Basic ")  # the browser forgets the password it kept
    assert BeautifulSoup(page, "html.parser").select_one("h1").text == "已退出"
    status, look, headers = admin_get(url + "/static/look.css")
    assert status == 200 and look == STYLESHEET.read_bytes() and headers["Content-Type"].startswith("text/css")


def test_hub_serves_look_css_without_self_check_in(tmp_path: Path) -> None:
    db = HubDB(str(tmp_path / "hub.sqlite"))
    with hub_thread(make_hub(db)) as url:
        status, look, headers = admin_get(url + "/static/look.css")
        assert status == 200 and look == STYLESHEET.read_bytes() and headers["Content-Type"] == "text/css; charset=utf-8"
        status, page, _ = admin_get(url + "/admin")
        assert status == 403 and BeautifulSoup(page, "html.parser").select_one("h1").text == "管理密码尚未设置"
    db.close()


def test_hub_admin_and_report_fit_a_small_phone(hub: tuple[str, HubDB, Path], phone: Page) -> None:
    url, _, out = hub
    for where in (url + "/admin", url + "/admin/stations", (out / "index.html").as_uri(), (out / "stations.html").as_uri()):
        m = check_page(phone, where, charts=8)  # 4 stations' bars (label and number) at least
        ticks = phone.locator(".yz-chart__y").first.locator("span").all_inner_texts() if "stations" not in where else []
        if ticks:
            assert len({int(b.replace(",", "")) - int(a.replace(",", "")) for a, b in pairwise(ticks)}) == 1, ticks
        assert "报到" in m["body"]
        colours = phone.evaluate("[...document.querySelectorAll('.yz-header a')].map(a => getComputedStyle(a).color)")
        assert set(colours) == {"rgb(255, 255, 255)"}, where  # white on the brand red, the title too
    phone.goto(url + "/admin/stations")
    phone.locator("a#back").tap()
    phone.wait_for_url(url + "/admin")
    phone.goto((out / "index.html").as_uri())
    quiet, latest = phone.locator("details#quiet").bounding_box(), phone.locator("main table").first.bounding_box()
    assert quiet and latest and latest["y"] < quiet["y"] and quiet["height"] < 100  # folded, after the latest check-ins


def test_summary_counts_a_station_active_by_its_last_check_in(tmp_path: Path, network: Network) -> None:
    db = HubDB(str(tmp_path / "hub.sqlite"))
    now = dt.datetime.now(CHINA)
    db.ingest(rows_for(network, now))
    s = summarise(db, network, quiet_days=30)
    soup = BeautifulSoup(render_html(s, Links(export="")), "html.parser")
    assert soup.select_one("#active-count").text == "3 个" and not soup.select("a[download]")
    db.close()
