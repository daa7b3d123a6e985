"""Every kiosk page in a real Chromium on a 320x640 and a 390x844 phone: no sideways scrolling, targets of 44 px,
chart text of 12 px, one word (报到); the PIN box, the stacking dashboard and the unknown-code page's ways on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import pairwise

import pytest
from playwright.sync_api import Browser, Page

from kiosk.app import FormConfig, Place
from kiosk.form import CHINA, new_record
from kiosk.pin import set_pin
from kiosk.server import Kiosk, build_kiosk
from tests.conftest import chromium
from tests.hubhelpers import kiosk_thread
from tests.kiosk.layout import SIZES, TARGET, check_page, measure
from yizhan.stations.codes import station_codes

CODE = station_codes(["test-station"])["test-station"]
PLACE = Place("test-station", "梁溪区崇安寺街道流动党员服务驿站", CODE)
PIN = "246810"
FINDER = "https://dangyuan.example.cn/finder.html"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Kiosk]]:
    """A kiosk with a PIN and 25 check-ins of today (long names and organisations), served on 127.0.0.1."""
    k = build_kiosk(PLACE, tmp_path_factory.mktemp("kiosk") / "data", FormConfig(device_id="tab-1", finder_url=FINDER))
    now = dt.datetime.now(CHINA).replace(hour=8, minute=5)
    for i in range(25):
        values = {"name": "欧阳" + "子" * (i % 4), "phone": f"1381234{i:04d}", "home_org": "中共某某省某某市某某县某某镇某某村党支部委员会" * (1 + i % 2),
                  "purpose": "报到登记", "note": "带了介绍信和党员证明材料" if i % 3 else ""}  # fmt: skip
        k.store.add(new_record(values, PLACE.station_id, "kiosk" if i % 2 else "qr", "tab-1", now.replace(hour=8 + i % 10)))
    set_pin(k.data_dir, PIN)
    with kiosk_thread(k.app) as url:
        yield url, k
    k.store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


@pytest.fixture(params=list(SIZES))
def phone(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    ctx = browser.new_context(locale="zh-CN", viewport=SIZES[request.param], is_mobile=True, has_touch=True, device_scale_factor=2)
    yield ctx.new_page()
    ctx.close()


def log_in(page: Page, base: str, pin: str = PIN) -> None:
    page.goto(base + "/admin")
    page.fill("#pin", pin)
    page.click("form.login button[type=submit]")
    page.wait_for_load_state()


def test_member_pages_fit_a_small_phone(served: tuple[str, Kiosk], phone: Page) -> None:
    base, _ = served
    for path in ("/", f"/Q/{CODE}", "/ok?n=ABC123&t=09:15", f"/Q/{CODE}/ok?n=ABC123&t=09:15", "/nowhere"):
        check_page(phone, base + path)
    phone.goto(base + "/")
    assert phone.locator("link[rel=stylesheet]").evaluate_all("ls => ls.map(l => l.getAttribute('href'))") == [
        "/static/look.css", "/static/kiosk.css"]  # fmt: skip
    brand = phone.evaluate("getComputedStyle(document.querySelector('.yz-header')).backgroundColor")
    chip = phone.evaluate("getComputedStyle(document.querySelector('.chip input:checked + span')).backgroundColor")
    assert brand == chip == "rgb(183, 28, 28)"  # the token --yz-brand, not a palette of the kiosk's own
    assert phone.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"


def test_unknown_code_page_has_a_header_an_explanation_and_ways_on(served: tuple[str, Kiosk], phone: Page) -> None:
    base, _ = served
    check_page(phone, base + "/Q/ZZZZZZ" if CODE != "ZZZZZZ" else base + "/Q/YYYYYY")
    assert phone.locator("header.yz-header .station").inner_text() == PLACE.name
    assert phone.locator("h1").inner_text() == "没有找到这个驿站"
    assert "请核对海报上的二维码或编码" in phone.locator(".hint").inner_text()
    ways = phone.locator("#ways a").evaluate_all("as => as.map(a => [a.getAttribute('href'), a.className])")
    assert ways == [["/", "yz-button yz-button--quiet"], [FINDER, "yz-button yz-button--quiet"], ["tel:12371", "yz-tel"]]
    phone.locator("#ways a", has_text="回到报到页面").tap()
    phone.wait_for_url(base + "/")


def test_pin_box_is_large_and_numeric(served: tuple[str, Kiosk], phone: Page) -> None:
    base, _ = served
    m = check_page(phone, base + "/admin")
    pin = phone.locator("#pin")
    assert (pin.get_attribute("inputmode"), pin.get_attribute("autocomplete"), pin.get_attribute("type")) == (
        "numeric", "current-password", "password")  # fmt: skip
    box, button = pin.bounding_box(), phone.locator("form.login button[type=submit]").bounding_box()
    assert box and button and box["height"] >= 48 and box["width"] >= 0.6 * m["clientWidth"], box
    assert button["height"] >= TARGET and button["width"] >= TARGET
    assert pin.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 20  # .yz-input's large text
    phone.fill("#pin", "111111")
    phone.click("form.login button[type=submit]")
    phone.locator("#pin-msg").wait_for()
    m = measure(phone)
    assert m["scrollWidth"] <= m["clientWidth"] and pin.get_attribute("aria-invalid") == "true"


def test_dashboard_stacks_on_a_phone(served: tuple[str, Kiosk], phone: Page) -> None:
    base, _ = served
    log_in(phone, base)
    assert phone.locator("#today-count").inner_text() == "25"
    m = check_page(phone, base + "/admin", charts=4)
    assert "今日每小时报到人数" in m["body"] and "登记" not in m["body"].replace("报到登记", "")
    first = phone.locator("table.latest tbody tr").first
    cells = first.locator("td")
    boxes = [cells.nth(i).bounding_box() for i in range(cells.count())]
    assert all(b and b["width"] >= 0.8 * m["clientWidth"] - 40 for b in boxes), boxes  # each cell a full-width line
    assert [b["y"] for b in boxes] == sorted(b["y"] for b in boxes) and len({b["y"] for b in boxes}) == len(boxes)
    label = cells.first.evaluate("e => getComputedStyle(e, '::before').content")
    assert label == '"时间" "："' or label.startswith('"时间')
    ticks = phone.locator(".yz-chart__y span").all_inner_texts()
    steps = {int(b) - int(a) for a, b in pairwise(ticks)}
    assert ticks[0] == "0" and len(steps) == 1 and steps.pop() in (1, 2, 5, 10), ticks  # even ticks: 3 an hour at most here
    assert phone.locator("svg.chart rect").count() == 24
    # logging out from the header
    with phone.expect_navigation():
        phone.locator("header nav button", has_text="退出").tap()
    assert phone.locator("#pin").count() == 1


def test_upload_hint_is_plain_chinese(served: tuple[str, Kiosk], phone: Page) -> None:
    base, k = served
    log_in(phone, base)
    hint = phone.locator("#upload-hint, #upload-note").inner_text()  # the hint before a try, the note after it
    assert "上传令牌" in hint and "管理员" in hint and "yizhan" not in hint and str(k.data_dir) not in hint
    with phone.expect_navigation():
        phone.locator("#upload-now").tap()
    assert phone.locator("#upload-note").inner_text() == hint
    check_page(phone, base + "/admin")
