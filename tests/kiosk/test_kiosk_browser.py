"""The kiosk in a real Chromium against a real waitress server: tablet 1280x800 and phone 390x844."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from kiosk.app import FormConfig, Place
from kiosk.server import Kiosk, build_kiosk
from tests.conftest import chromium
from tests.hubhelpers import kiosk_thread
from yizhan.stations.codes import station_codes

CODE = station_codes(["test-station"])["test-station"]
PLACE = Place("test-station", "梁溪区测试街道流动党员服务驿站", CODE)
TABLET = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
TARGETS = "input[type=text], input[type=tel], .chip span, button[type=submit], a.button"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Kiosk]]:
    """A kiosk on 127.0.0.1 (waitress in a thread); yields its base URL and the kiosk."""
    k = build_kiosk(PLACE, tmp_path_factory.mktemp("kiosk") / "data", FormConfig(device_id="tab-1"))
    with kiosk_thread(k.app) as url:
        yield url, k
    k.store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


@pytest.fixture
def tablet(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    yield from _page(browser, viewport=TABLET, has_touch=True)


@pytest.fixture
def phone(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    yield from _page(browser, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)


def _page(browser: Browser, **options: Any) -> Iterator[tuple[Page, list[str]]]:
    """A fresh context and page with a fake clock; yields the page and the list of every URL it requested."""
    ctx = browser.new_context(locale="zh-CN", **options)
    page = ctx.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.clock.install()
    yield page, requests
    ctx.close()


def only_local(requests: list[str], base: str) -> None:
    assert requests and all(u.startswith((base + "/", "data:")) for u in requests), requests


def fill(page: Page, name: str, phone: str, org: str = "某村党支部") -> None:
    page.fill("#name", name)
    page.fill("#phone", phone)
    page.fill("#home_org", org)


def check_layout(page: Page) -> None:
    """No scrolling needed on this screen (tablet) and every touch target at least 48x48 CSS px."""
    for box in (page.locator(TARGETS).nth(i).bounding_box() for i in range(page.locator(TARGETS).count())):
        assert box is not None and box["height"] >= 48 and box["width"] >= 48, box
    assert page.locator(".station").inner_text() == PLACE.name


def row(kiosk: Kiosk, name: str) -> dict[str, str]:
    [r] = [r for r in kiosk.store.rows() if r["name"] == name]
    return r


def test_tablet_check_in_thank_you_and_back_to_an_empty_form(served: tuple[str, Kiosk], tablet: tuple[Page, list[str]]) -> None:
    base, kiosk = served
    page, requests = tablet
    page.goto(base + "/")
    check_layout(page)
    assert page.evaluate("document.documentElement.scrollHeight <= innerHeight && document.documentElement.scrollWidth <= innerWidth")
    fill(page, "李四", "139 0000 1111")
    page.locator(".chip", has_text="参加活动").click()
    page.click("button[type=submit]")
    page.wait_for_url(base + "/ok?**")
    r = row(kiosk, "李四")
    assert (r["phone"], r["purpose"], r["source"]) == ("13900001111", "参加活动", "kiosk")
    assert page.inner_text("#number") == r["checkin_id"][:6].upper()
    assert page.inner_text("#at") == r["checked_in_at"][11:16]
    text = page.inner_text("body")
    assert PLACE.name in text and "李四" not in text and "1111" not in text
    check_layout(page)
    page.clock.run_for(3000)
    assert page.inner_text("#yz-return") == "5 秒后自动回到报到页面"
    page.clock.run_for(6000)
    page.wait_for_url(base + "/")
    assert [page.input_value(f"#{f}") for f in ("name", "phone", "home_org", "note")] == ["", "", "", ""]
    page.go_back()  # the browser must not bring back what was typed
    page.wait_for_load_state()
    assert page.url == base + "/" and page.input_value("#name") == "" and page.input_value("#phone") == ""
    only_local(requests, base)


def test_bad_phone_shows_its_message_and_keeps_the_rest(served: tuple[str, Kiosk], tablet: tuple[Page, list[str]]) -> None:
    base, kiosk = served
    page, requests = tablet
    page.goto(base + "/")
    fill(page, "王五", "1380013")
    page.fill("#note", "带了介绍信")
    page.click("button[type=submit]")
    message = page.locator("#phone-msg")
    assert message.inner_text() == "请填写 11 位手机号码（以 1 开头），如 13812345678"
    field, msg = page.locator("#phone").bounding_box(), message.bounding_box()
    assert field and msg and 0 <= msg["y"] - (field["y"] + field["height"]) < 40 and abs(msg["x"] - field["x"]) < 5
    values = [page.input_value(f"#{f}") for f in ("name", "phone", "home_org", "note")]
    assert values == ["王五", "1380013", "某村党支部", "带了介绍信"]
    assert page.locator("input[name=purpose]:checked").get_attribute("value") == "报到登记"
    assert page.locator(".msg").count() == 1
    assert page.evaluate("document.documentElement.scrollHeight <= innerHeight")
    assert not [r for r in kiosk.store.rows() if r["name"] == "王五"]
    page.fill("#phone", "13800131234")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/ok?**")
    assert row(kiosk, "王五")["note"] == "带了介绍信"
    only_local(requests, base)


def test_idle_form_is_cleared(served: tuple[str, Kiosk], tablet: tuple[Page, list[str]]) -> None:
    base, _ = served
    page, requests = tablet
    page.goto(base + "/")
    fill(page, "赵六", "13911112222")
    page.clock.fast_forward(30_000)
    page.fill("#note", "还在填")  # a touch restarts the idle time
    page.clock.fast_forward(45_000)
    assert page.input_value("#name") == "赵六"
    page.clock.fast_forward(20_000)
    page.wait_for_function("document.querySelector('#name') && document.querySelector('#name').value === ''")
    assert [page.input_value(f"#{f}") for f in ("name", "phone", "home_org", "note")] == ["", "", "", ""]
    # a form sent back with a message (it shows what was typed) is cleared the same way
    fill(page, "赵六", "139")
    page.click("button[type=submit]")
    page.locator("#phone-msg").wait_for()
    page.clock.fast_forward(61_000)
    page.wait_for_function("!document.querySelector('.msg') && document.querySelector('#name').value === ''")
    assert "赵六" not in page.content()
    only_local(requests, base)


def test_phone_self_check_in(served: tuple[str, Kiosk], phone: tuple[Page, list[str]]) -> None:
    base, kiosk = served
    page, requests = phone
    page.goto(f"{base}/Q/{CODE.lower()}")
    assert page.url == f"{base}/Q/{CODE}"
    check_layout(page)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    fill(page, "孙七", "13700001234", "外省某县某村党支部")
    page.locator(".chip", has_text="咨询办事").tap()
    page.locator("button[type=submit]").tap()
    page.wait_for_url(f"{base}/Q/{CODE}/ok?**")
    r = row(kiosk, "孙七")
    assert (r["source"], r["purpose"], r["home_org"]) == ("qr", "咨询办事", "外省某县某村党支部")
    assert page.inner_text("#number") == r["checkin_id"][:6].upper()
    assert "孙七" not in page.inner_text("body")
    check_layout(page)
    page.locator("a.button").tap()
    page.wait_for_url(f"{base}/Q/{CODE}")
    assert page.input_value("#name") == "" and page.input_value("#phone") == ""
    only_local(requests, base)


def test_the_thank_you_screen_waits_when_asked(served: tuple[str, Kiosk], tablet: tuple[Page, list[str]]) -> None:
    """The automatic return can be stopped (WCAG 2.2.1): the member reads the number, then goes on by the button."""
    base, _kiosk = served
    page, _requests = tablet
    page.goto(base + "/")
    fill(page, "王五", "139 0000 2222")
    page.locator(".chip", has_text="参加活动").click()
    page.click("button[type=submit]")
    page.wait_for_url(base + "/ok?**")
    page.clock.run_for(2000)
    page.click("#yz-stay")
    assert page.inner_text("#yz-return") == "已暂停自动返回：看完后请点“下一位报到”" and not page.is_visible("#yz-stay")
    page.clock.run_for(60_000)
    assert page.url.startswith(base + "/ok?")
    page.click("a.button")
    page.wait_for_url(base + "/")
