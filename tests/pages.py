"""Every page type of the product, with real data, for the look tests (tests/test_look.py) and `make screenshots`.

`servers(project, tmp)` brings up, once, everything a person sees, each on 127.0.0.1: the demo site built by the real
CLI (served over HTTP), one station's kiosk (waitress, with a PIN and a few check-ins), the hub's admin (waitress,
same check-ins) and the report `yizhan report` wrote from the hub's database. `PAGES` names each page type, where
it lives and how to bring it into the state shown (a search typed, a position granted, a PIN entered);
`open_page()` opens one in a fresh browser context at one of the `SIZES`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.conftest import copy_project, run_yizhan, serve_http
from tests.hubhelpers import hub_thread, make_rows

KIOSK_STATION = "wuxi-liangxi-chongansi"  # kiosk: true in the demo
PLAIN_STATION = "zhenjiang-jurong-huayang-beimen-huayangxincun"  # a neighbourhood point without a kiosk
PIN = "246810"
HUB_PASSWORD = "look-test-password"
WUXI = {"latitude": 31.58, "longitude": 120.30}
# (width, height): a small phone (overflow only), the phone and desktop (everything).
SIZES = {320: (320, 568), 390: (390, 844), 1280: (1280, 800)}
AXE_SIZES = (390, 1280)
NARROW_SIZES = (320, 390)
SCREENSHOT_SIZES = (390, 1280)


@dataclass(frozen=True)
class PageType:
    """One page type: its server, path, extra browser-context options and what to do once it has loaded."""

    name: str
    server: str  # "site", "kiosk", "hub" or "report"
    path: str
    context: dict[str, Any] = field(default_factory=dict)
    ready: Callable[[Any], None] | None = None


# ------------------------------------------------------------------------------------------------------------------
# States: what a person does before the page looks as measured


def _finder_loaded(page: Any) -> None:
    page.wait_for_function("() => document.getElementById('yz-finder').getAttribute('data-loaded') === 'all'")


def _finder_search(page: Any) -> None:
    page.fill("#yz-q", "崇安寺")
    page.wait_for_function("() => document.getElementById('yz-finder').getAttribute('data-loaded') === 'all' && "
                           "/^(找到|没有找到)[^加]*$/.test(document.getElementById('yz-count').textContent)")  # fmt: skip


def _finder_near(page: Any) -> None:
    page.wait_for_selector("#yz-finder[data-geo=ok] #yz-results li")


def _finder_picker(page: Any) -> None:
    page.wait_for_selector("#yz-finder[data-geo=denied] #yz-picker:not([hidden])")
    page.select_option("#yz-city", label="无锡市")
    page.select_option("#yz-district", label="梁溪区")
    page.wait_for_function("() => document.getElementById('yz-count').textContent.indexOf('梁溪区共') === 0")


def _finder_error(page: Any) -> None:
    page.wait_for_selector("#yz-picker:not([hidden])")
    page.select_option("#yz-city", label="无锡市")
    page.wait_for_selector("#yz-finder[data-error=load]")


def _no_chunks(page: Any) -> None:
    """Before the finder loads: its data files fail (the load-error state)."""
    page.route("**/assets/yizhan/finder-c*.js", lambda route: route.abort())


def _no_password_prompt(page: Any) -> None:
    """The hub's 401 page as a person sees it after dismissing the browser's password dialog: the hub's own answer
    without its WWW-Authenticate header (with it, Playwright aborts the navigation instead of showing the page)."""

    def answer(route: Any) -> None:
        response = route.fetch()
        headers = {k: v for k, v in response.headers.items() if k.lower() != "www-authenticate"}
        route.fulfill(response=response, headers=headers)

    page.route("**/admin", answer)


def _kiosk_login(page: Any) -> None:
    page.fill("#pin", PIN)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin")
    page.wait_for_selector("form[action='/admin/logout'], table")


PAGES: list[PageType] = [
    # The site (MkDocs + Material) and its finder
    PageType("home", "site", "/index.html"),
    PageType("finder-search", "site", "/finder.html", {"geolocation": WUXI, "permissions": ["geolocation"]}, _finder_search),
    PageType("finder-near", "site", "/finder.html", {"geolocation": WUXI, "permissions": ["geolocation"]}, _finder_near),
    PageType("finder-picker", "site", "/finder.html", {}, _finder_picker),  # no permission: denied at once
    PageType("finder-error", "site", "/finder.html", {"before": _no_chunks}, _finder_error),
    PageType("station-kiosk", "site", f"/s/{KIOSK_STATION}.html"),
    PageType("station", "site", f"/s/{PLAIN_STATION}.html"),
    PageType("regions", "site", "/regions/index.html"),
    PageType("city", "site", "/regions/wuxi/index.html"),
    PageType("district", "site", "/regions/wuxi/liangxi.html"),
    PageType("hotlines", "site", "/hotlines.html"),
    PageType("hotlines-city", "site", "/hotlines/wuxi.html"),
    PageType("how-to-check-in", "site", "/how-to-check-in.html"),
    PageType("posters", "site", "/posters.html"),
    PageType("about", "site", "/about.html"),
    PageType("404", "site", "/404.html"),
    # The kiosk of one station (tablet form, thank-you, phone self check-in, staff pages)
    PageType("kiosk-form", "kiosk", "/"),
    PageType("kiosk-thanks", "kiosk", "/ok?n=3FA9C2&t=09:41"),
    PageType("kiosk-qr-form", "kiosk", "/Q/{code}"),
    PageType("kiosk-unknown-code", "kiosk", "/Q/ZZZZZZ"),
    PageType("kiosk-admin-login", "kiosk", "/admin"),
    PageType("kiosk-admin", "kiosk", "/admin", {}, _kiosk_login),
    # The hub's admin (HTTP Basic: without a password the browser shows the 401 page) and the written report
    PageType("hub-login", "hub", "/admin", {"before": _no_password_prompt}),
    PageType("hub-admin", "hub", "/admin", {"http_credentials": {"username": "admin", "password": HUB_PASSWORD}}),
    PageType("hub-stations", "hub", "/admin/stations", {"http_credentials": {"username": "admin", "password": HUB_PASSWORD}}),
    PageType("report", "report", "/index.html"),
    PageType("report-stations", "report", "/stations.html"),
]


# ------------------------------------------------------------------------------------------------------------------
# Servers


@dataclass
class Servers:
    """Base URLs (no trailing slash) by server name, and the kiosk's poster code."""

    bases: dict[str, str]
    code: str

    def url(self, p: PageType) -> str:
        return self.bases[p.server] + p.path.format(code=self.code)


def build_demo(base: Path) -> Path:
    """A copy of the repository's project with posters and the site built by the real CLI (as tests/conftest.py's
    session fixture does); for `make screenshots`, outside pytest."""
    project = copy_project(base / "project")
    for args in (("posters",), ("build",)):
        result = run_yizhan(project, *args)
        assert result.returncode == 0, result.stdout + result.stderr
    return project


def recent_rows(now: dt.datetime) -> list[dict[str, str]]:
    """Check-ins of three kiosk stations over the last two weeks (tests/hubhelpers.make_rows, dated near `now`)."""
    rows = make_rows(40, KIOSK_STATION) + make_rows(12, "wuxi-binhu-lihu") + make_rows(6, "nanjing-center")
    for i, r in enumerate(rows):
        r["checked_in_at"] = (now - dt.timedelta(days=i % 14, hours=i % 7, minutes=7 * i % 60)).isoformat(timespec="seconds")
    return rows


@contextlib.contextmanager
def _kiosk(project: Path, data_dir: Path) -> Iterator[tuple[str, str]]:
    """The station's kiosk on 127.0.0.1 (its own waitress server), with a PIN and three check-ins today."""
    from kiosk import form
    from kiosk.app import FormConfig
    from kiosk.pin import set_pin
    from kiosk.server import build_kiosk, find_place

    place = find_place(project / "stations", "stations", KIOSK_STATION)
    # A long return time: the thank-you page must not go back to the form while it is measured.
    k = build_kiosk(place, data_dir, FormConfig(device_id="tablet-1", return_seconds=600))
    set_pin(data_dir, PIN)
    now = dt.datetime.now(form.CHINA)
    for i, (name, phone, purpose) in enumerate([("王芳", "13800001111", "报到登记"), ("李强", "13900002222", "参加活动"),
                                                ("陈静", "13700003333", "报到登记")]):  # fmt: skip
        values = {"name": name, "phone": phone, "home_org": "中共无锡市某村党支部", "purpose": purpose, "note": ""}
        k.store.add(form.new_record(values, place.station_id, "kiosk" if i % 2 else "qr", "tablet-1", now - dt.timedelta(minutes=40 * i)))
    try:
        with hub_thread(k.app) as url:  # waitress in a thread, as for the hub
            yield url, place.code
    finally:
        k.store.close()


@contextlib.contextmanager
def servers(project: Path, tmp: Path) -> Iterator[Servers]:
    """Serve the built site of `project` (build/site), a kiosk, the hub and the report; `tmp` holds their data."""
    from yizhan.checkins.hub import make_hub
    from yizhan.checkins.hubdb import HubDB
    from yizhan.stations.check import load_network

    tmp.mkdir(parents=True, exist_ok=True)
    db_path = tmp / "hub.sqlite"
    db = HubDB(str(db_path))
    db.ingest(recent_rows(dt.datetime.now(dt.timezone(dt.timedelta(hours=8)))))
    db.set_admin_password(HUB_PASSWORD)
    report = run_yizhan(project, "report", "--db", str(db_path), "--out", str(tmp / "report"), "--stations", "stations")
    assert report.returncode == 0, report.stdout + report.stderr
    with contextlib.ExitStack() as stack:
        site = stack.enter_context(serve_http(project / "build" / "site"))
        kiosk, code = stack.enter_context(_kiosk(project, tmp / "kiosk-data"))
        hub = stack.enter_context(hub_thread(make_hub(db, load_network(project / "stations"))))
        served_report = stack.enter_context(serve_http(tmp / "report"))
        yield Servers({"site": site, "kiosk": kiosk, "hub": hub, "report": served_report}, code)
    db.close()


# ------------------------------------------------------------------------------------------------------------------
# Opening a page


def open_page(browser: Any, servers: Servers, p: PageType, width: int) -> tuple[Any, Any]:
    """(context, page): `p` loaded in a fresh context `width` wide (the height of SIZES), brought into its state.
    Phones are touch devices at 2x; the service worker is blocked (it only precaches; fresh contexts would all install
    it). Close the context when done."""
    w, h = SIZES[width]
    options = {k: v for k, v in p.context.items() if k != "before"}
    phone = width < 1000
    ctx = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": w, "height": h},
                              is_mobile=phone, has_touch=phone, device_scale_factor=2 if phone else 1,
                              service_workers="block", **options)  # fmt: skip
    page = ctx.new_page()
    if "before" in p.context:
        p.context["before"](page)
    page.goto(servers.url(p))
    page.wait_for_load_state("load")
    if p.ready is not None:
        p.ready(page)
    page.evaluate("document.fonts.ready.then(() => true)")
    return ctx, page
