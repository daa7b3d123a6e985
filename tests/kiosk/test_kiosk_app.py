"""The kiosk web app at the WSGI level (WebTest): every route, header, limit and admin rule, against a real store."""

from __future__ import annotations

import csv
import datetime as dt
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from webtest import TestApp

from kiosk.app import FormConfig, Place, unquote_field
from kiosk.form import CHINA, new_record
from kiosk.pin import PIN_FILE, Lockout, set_pin
from kiosk.server import Kiosk, build_kiosk
from yizhan.checkins.records import mark_confirmed
from yizhan.checkins.rows import write_csv
from yizhan.look import STYLESHEET as LOOK
from yizhan.stations.codes import station_codes

CODE = station_codes(["test-station"])["test-station"]
PLACE = Place("test-station", "梁溪区测试街道流动党员服务驿站", CODE)
FORM = {"name": " 张三 ", "phone": "+86 138-1234-5678", "home_org": "某村党支部", "purpose": "参加活动", "note": ""}
PIN = "246810"
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[Kiosk]:
    k = build_kiosk(PLACE, tmp_path / "data", FormConfig(device_id="tab-1", finder_url="https://finder.example.cn/finder.html"))
    yield k
    k.store.close()


@pytest.fixture
def web(kiosk: Kiosk) -> TestApp:
    return TestApp(kiosk.app)


def soup(res: object) -> BeautifulSoup:
    return BeautifulSoup(res.text, "html.parser")  # type: ignore[attr-defined]


def secure(res: object, cache: str = "no-store") -> None:
    for name, value in HEADERS.items():
        assert res.headers[name] == value, name  # type: ignore[attr-defined]
    assert res.headers["Cache-Control"] == cache  # type: ignore[attr-defined]


def test_tablet_form(web: TestApp) -> None:
    res = web.get("/")
    secure(res)
    page = soup(res)
    assert page.select_one(".station").text == PLACE.name
    form = page.select_one("form.checkin")
    assert (form["method"], form["action"], form["autocomplete"]) == ("post", "/", "off")
    assert [i["name"] for i in form.select("input[type=text], input[type=tel]")] == [
        "name",
        "phone",
        "home_org",
        "note",
    ]
    assert all(i["autocomplete"] == "off" and i["value"] == "" for i in form.select("input[type=text], input[type=tel]"))
    assert [i["value"] for i in form.select("input[type=radio]")] == ["报到登记", "参加活动", "咨询办事", "其他"]
    assert form.select_one("input[checked]")["value"] == "报到登记"
    assert page.body["data-idle"] == "60"
    assert [s["src"] for s in page.select("script")] == ["/static/kiosk.js"]


def test_check_in_redirects_to_a_thank_you_without_personal_data(web: TestApp, kiosk: Kiosk) -> None:
    res = web.post("/", FORM, status=303)
    secure(res)
    assert res.body == b""
    [row] = kiosk.store.rows()
    assert row["name"] == "张三" and row["phone"] == "13812345678" and row["purpose"] == "参加活动"
    assert (row["station_id"], row["source"], row["device_id"]) == ("test-station", "kiosk", "tab-1")
    number, at = row["checkin_id"][:6].upper(), row["checked_in_at"][11:16]
    assert res.headers["Location"] == f"/ok?n={number}&t={at.replace(':', '%3A')}"
    thanks = web.get(res.headers["Location"])
    secure(thanks)
    page = soup(thanks)
    assert page.select_one(".station").text == PLACE.name
    assert (page.select_one("#number").text, page.select_one("#at").text) == (number, at)
    assert page.select_one("meta[http-equiv=refresh]") is None  # the script returns, with a countdown one can pause
    assert page.body["data-return"] == "8" and page.select_one("#yz-return").text == "8 秒后自动回到报到页面"
    assert "张三" not in thanks.text and "1381234" not in thanks.text


def test_thank_you_needs_a_valid_number(web: TestApp) -> None:
    assert web.get("/ok?n=<b>&t=09:15", status=303).headers["Location"] == "/"
    assert web.get("/Q/" + CODE + "/ok?n=ABC123&t=9", status=303).headers["Location"] == f"/Q/{CODE}"


def test_bad_phone_keeps_everything_typed(web: TestApp, kiosk: Kiosk) -> None:
    res = web.post("/", {**FORM, "phone": "1381234", "note": "第二次"}, status=422)
    secure(res)
    page = soup(res)
    assert page.select_one("#phone-msg").text == "请填写 11 位手机号码（以 1 开头），如 13812345678"
    assert page.select_one("#phone")["aria-invalid"] == "true"
    assert [page.select_one(f"#{f}")["value"] for f in ("name", "phone", "home_org", "note")] == [
        "张三",
        "1381234",
        "某村党支部",
        "第二次",
    ]
    assert page.select_one("input[checked]")["value"] == "参加活动"
    assert page.select(".msg") == [page.select_one("#phone-msg")]
    assert kiosk.store.rows() == []


def test_empty_form_gets_every_message(web: TestApp) -> None:
    page = soup(web.post("/", {"purpose": ""}, status=422))
    assert [m.text for m in page.select(".msg")] == [
        "请填写姓名",
        "请填写手机号码",
        "请填写所在党组织（流出地党组织）",
        "请选择来访事由",
    ]


def test_phone_self_check_in(web: TestApp, kiosk: Kiosk) -> None:
    page = soup(web.get(f"/Q/{CODE}"))
    form = page.select_one("form.checkin")
    assert (form["action"], form["autocomplete"]) == (f"/Q/{CODE}", "on")
    assert page.select_one("#name")["autocomplete"] == "name" and page.select_one("#phone")["autocomplete"] == "tel"
    assert page.body["data-idle"] == "0"
    assert web.get(f"/Q/{CODE.lower()}", status=301).headers["Location"] == f"/Q/{CODE}"
    assert web.get(f"/q/{CODE.lower()}", status=301).headers["Location"] == f"/Q/{CODE}"
    res = web.post(f"/Q/{CODE.lower()}", FORM, status=303)  # another spelling of the code stores it too
    secure(res)
    [row] = kiosk.store.rows()
    assert row["source"] == "qr"
    assert res.headers["Location"].startswith(f"/Q/{CODE}/ok?n={row['checkin_id'][:6].upper()}&t=")
    thanks = soup(web.get(res.headers["Location"]))
    assert thanks.select_one("meta[http-equiv=refresh]") is None
    assert thanks.select_one("a.button")["href"] == f"/Q/{CODE}"


def test_unknown_code_and_page(web: TestApp) -> None:
    res = web.get("/Q/ZZZZZZ" if CODE != "ZZZZZZ" else "/Q/YYYYYY", status=404)
    secure(res)
    page = soup(res)
    assert page.select_one("header.yz-header .station").text == PLACE.name  # the tablet's own header
    assert page.select_one("h1").text == "没有找到这个驿站"
    assert page.select_one(".hint").text == "没有找到二维码或网址里的驿站编码。请核对海报上的二维码或编码后重新扫码，也可以用下面的办法。"
    ways = [(a["href"], a.text) for a in page.select("#ways a")]
    assert ways == [
        ("/", "回到报到页面"),
        ("https://finder.example.cn/finder.html", "查找附近的驿站"),
        ("tel:12371", "拨打全国党员服务热线 12371"),
    ]
    assert "yz-tel" in page.select_one("#ways a[href='tel:12371']")["class"]
    assert [a["href"] for a in page.select("footer.yz-footer a.yz-tel")] == ["tel:12371"]
    assert [link["href"] for link in page.select("link[rel=stylesheet]")] == ["/static/look.css", "/static/kiosk.css"]
    assert soup(web.get("/Q/not-a-code", status=404)).select_one("h1").text == "没有找到这个驿站"
    assert soup(web.get("/nowhere", status=404)).select_one("h1").text == "没有这个页面"
    secure(web.get("/nowhere", status=404))
    web.post("/Q/not-a-code", FORM, status=404)


def test_static_assets_are_local_and_confined(web: TestApp) -> None:
    res = web.get("/static/kiosk.css")
    secure(res, cache="no-cache")
    assert "var(--yz-brand)" in res.text and "http" not in res.text
    assert re.findall(r"#[0-9a-fA-F]{3,6}\b", res.text) == ["#fff"] * 3  # colours from look.css's tokens (white on brand)
    look = web.get("/static/look.css")
    secure(look, cache="no-cache")
    assert look.content_type == "text/css" and look.text == LOOK.read_text(encoding="utf-8")
    assert "http" not in web.get("/static/kiosk.js").text
    web.get("/static/../app.py", status=(403, 404))
    web.get("/static/%2e%2e/app.py", status=(403, 404))


def test_request_size_and_type_limits(web: TestApp, kiosk: Kiosk) -> None:
    res = web.post("/", {**FORM, "note": "x" * 20000}, status=413)
    secure(res)
    assert soup(res).select_one("h1").text == "提交的内容太长"
    web.post("/", '{"name": "x"}', content_type="application/json", status=415)
    web.post("/", {**FORM}, upload_files=[("f", "a.txt", b"x")], status=415)
    res = web.post("/", "name=a&" * 60, content_type="application/x-www-form-urlencoded", status=400)  # over 50 fields
    secure(res)
    assert soup(res).select_one(".hint").text == "表单字段太多"
    assert kiosk.store.rows() == []


def test_storage_failure_keeps_the_form(web: TestApp, kiosk: Kiosk) -> None:
    kiosk.store.path.rename(kiosk.data_dir / "elsewhere.csv")
    kiosk.store.path.mkdir()  # appends now fail (EISDIR)
    res = web.post("/", FORM, status=503)
    secure(res)
    assert res.headers["Content-Type"] == "text/html; charset=UTF-8"
    page = soup(res)
    assert page.select_one(".alert").text == "保存失败，请再点一次“提交报到”；仍不行请联系工作人员。"
    assert page.select_one("#name")["value"] == "张三"


def login(web: TestApp, pin: str = PIN, status: int = 303) -> object:
    form = web.get("/admin").forms[0]
    form["pin"] = pin
    return form.submit(status=status)


def test_admin_is_closed_until_a_pin_is_set(web: TestApp, kiosk: Kiosk) -> None:
    res = web.get("/admin", status=503)
    secure(res)
    assert soup(res).select_one(".hint").text == (
        "请在平板上运行：yizhan kiosk set-pin --station test-station（若启动时指定了 --data-dir，请加上同一个 --data-dir）"
    )
    assert str(kiosk.data_dir) not in res.text and str(kiosk.data_dir.parent) not in res.text  # no path for the network
    web.post("/admin/login", {"pin": "000000"}, status=503)
    web.get("/admin/checkins.csv", status=303)


def test_admin_login_csrf_and_lockout(web: TestApp, kiosk: Kiosk) -> None:
    set_pin(kiosk.data_dir, PIN)
    res = web.get("/admin")
    secure(res)
    assert res.forms[0].action == "/admin/login" and res.forms[0]["csrf"].value
    cookie = res.headers["Set-Cookie"]
    assert "yz_csrf=" in cookie and "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and "Path=/admin" in cookie
    page = soup(web.post("/admin/login", {"pin": PIN, "csrf": "forged"}, status=403))
    assert page.select_one("#pin-msg").text == "页面已过期，请重新输入密码。"
    for left in (4, 3, 2, 1):
        assert soup(login(web, "111111", 403)).select_one("#pin-msg").text == f"密码不对，还可以再试 {left} 次。"
    assert soup(login(web, "111111", 429)).select_one("#pin-msg").text == "密码错误次数过多，请 5 分钟后再试。"
    assert soup(login(web, PIN, 429)).select_one("#pin-msg").text.startswith("密码错误次数过多")
    web.get("/admin/checkins.csv", status=303)


def test_a_pin_file_of_the_earlier_format_still_opens_the_admin(web: TestApp, kiosk: Kiosk) -> None:
    """admin-pin.json as `yizhan kiosk set-pin` wrote it before PINs and hub passwords shared one stored form."""
    (kiosk.data_dir / PIN_FILE).write_text(
        '{"scheme": "scrypt", "n": 16384, "r": 8, "p": 1, "salt": "4c540e79bf136a1a8bf8d12a9066c83f", '
        '"hash": "06da1eb9e4e1e346278b1cc6bf0973de21227f3dc900a4543b9a44322d144750"}\n'
    )
    assert soup(login(web, "111111", 403)).select_one("#pin-msg").text == "密码不对，还可以再试 4 次。"
    assert soup(login(web, PIN).follow()).select_one("#today-count").text == "0"


def test_lockout_counts_parallel_attempts_before_their_pins_are_checked() -> None:
    """16 logins at once (one per request thread): only 5 get their PIN checked, however slow the check."""
    import threading

    lock, start, went = Lockout(), threading.Barrier(16), []

    def attempt() -> None:
        start.wait()
        if not lock.begin():
            went.append(1)

    threads = [threading.Thread(target=attempt) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(went) == 5 and lock.tries_left() == 0 and 299 < lock.wait_left() <= 300
    lock.succeeded()  # the fifth was the right PIN: open again, count from zero
    assert (lock.wait_left(), lock.tries_left(), lock.begin()) == (0.0, 5, 0.0)


def test_admin_dashboard_masks_phones_and_escapes_everything(web: TestApp, kiosk: Kiosk) -> None:
    set_pin(kiosk.data_dir, PIN)
    today = dt.datetime.now(CHINA).replace(hour=9, minute=30)
    evil = "<script>alert(1)</script>"
    for i, hour in enumerate((9, 9, 14)):
        values = {
            **FORM,
            "name": f"{evil}{i}",
            "phone": f"1381234{i:04d}",
            "home_org": evil,
            "note": "<img src=x onerror=alert(2)>",
        }
        kiosk.store.add(new_record(values, "test-station", "kiosk", "tab-1", today.replace(hour=hour)))
    old = new_record({**FORM, "name": "张三", "phone": "13900000000"}, "test-station", "qr", "tab-1", today - dt.timedelta(days=3))
    kiosk.store.add(old)
    mark_confirmed(kiosk.data_dir, [old["checkin_id"]])
    res = login(web)
    assert "samesite=strict" in res.headers["Set-Cookie"].lower() and "HttpOnly" in res.headers["Set-Cookie"]
    dash = res.follow()
    secure(dash)
    page = soup(dash)
    assert [page.select_one(f"#{i}").text for i in ("today-count", "total-count", "pending-count")] == ["3", "4", "3"]
    titles = [t.text for t in page.select("svg.chart rect title")]
    assert len(titles) == 24 and titles[9] == "9时 2人" and titles[14] == "14时 1人" and titles[10] == "10时 0人"
    rows = [[td.text for td in tr.select("td")] for tr in page.select("table.latest tbody tr")]
    assert [r[2] for r in rows] == ["张三", f"{evil}2", f"{evil}1", f"{evil}0"]
    assert [r[3] for r in rows] == ["139****0000", "138****0002", "138****0001", "138****0000"]
    assert "13812340001" not in dash.text and "13900000000" not in dash.text
    assert [s.get("src") for s in page.select("script")] == ["/static/kiosk.js"]
    assert page.select("img") == [] and "&lt;script&gt;" in dash.text
    csv_res = web.get("/admin/checkins.csv")
    secure(csv_res)
    assert csv_res.body == kiosk.store.path.read_bytes()
    assert csv_res.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(r'attachment; filename="checkins-test-station-\d{8}\.csv"', csv_res.headers["Content-Disposition"])
    logout = page.select_one("form[action='/admin/logout']")
    web.post("/admin/logout", {"csrf": "forged"}, status=403)
    web.post("/admin/logout", {"csrf": logout.select_one("input[name=csrf]")["value"]}, status=303)
    web.get("/admin/checkins.csv", status=303)
    assert soup(web.get("/admin")).select_one("form.login")


def test_admin_dashboard_warns_when_the_clock_is_earlier_than_the_last_check_in(tmp_path: Path) -> None:
    """A tablet whose clock went back (reset, wrong date) after check-ins were stored: staff are told to set it."""
    ahead = (dt.datetime.now(CHINA) + dt.timedelta(days=2)).replace(microsecond=0)
    row = new_record({**FORM, "name": "张三", "phone": "13812345678"}, "test-station", "kiosk", "tab-1", ahead)
    (tmp_path / "data").mkdir(mode=0o700)
    write_csv(tmp_path / "data" / "checkins.csv", [row])  # written while the clock said two days later
    k = build_kiosk(PLACE, tmp_path / "data", FormConfig(device_id="tab-1"))
    try:
        web = TestApp(k.app)
        set_pin(k.data_dir, PIN)
        page = soup(login(web).follow())
        assert page.select_one("#clock-note").text == (
            f"本机时钟早于最近一条报到记录的时间（{ahead:%Y-%m-%d %H:%M}）：请校准平板的日期和时间。"
        )
        k.store.add(new_record({**FORM, "name": "李四", "phone": "13912345678"}, "test-station", "kiosk", "tab-1"))
        assert soup(web.get("/admin")).select_one("#clock-note") is None  # the last check-in is not ahead any more
    finally:
        k.store.close()


def test_formula_payloads_are_neutralised_in_the_file(web: TestApp, kiosk: Kiosk) -> None:
    payload = {**FORM, "name": "=cmd|' /C calc'!A0", "home_org": "@SUM(1+1)*cmd|' /C calc'!A0", "note": "-2+3+cmd|' /C calc'!A0"}
    web.post("/", payload, status=303)
    line = kiosk.store.path.read_bytes().decode("utf-8").splitlines()[1]
    cells = next(csv.reader([line]))
    assert (cells[3], cells[5], cells[7]) == ("'=cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0")
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    [row] = kiosk.store.rows()  # readers get back exactly what was typed
    assert (row["name"], row["home_org"], row["note"]) == (payload["name"], payload["home_org"], payload["note"])


@pytest.mark.parametrize(
    "raw",
    [b"", b"plain", b"a+b", b"%E5%BC%A0%E4%B8%89", b"%e4%b8%ad", b"%zz", b"%4", b"a%4g", b"%41%", b"%%41", b"x\\", b"\\%41\\x41",
     b"%5C%78%34%31", b"%FF%FE", b"%00%0D%0A"],
)  # fmt: skip
def test_form_fields_decode_exactly_as_unquote_does(raw: bytes) -> None:
    expected = urllib.parse.unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8", "replace")
    assert unquote_field(raw) == expected


def test_todays_count_survives_a_purge(tmp_path: Path) -> None:
    """`yizhan kiosk purge --older-than 0` removes today's confirmed rows from the file, not from today's figures."""
    from yizhan.checkins.records import mark_confirmed
    from yizhan.checkins.store import purge

    now = dt.datetime.now(CHINA).replace(microsecond=0)
    rows = [new_record({**FORM, "phone": f"1381234567{i}"}, "test-station", "kiosk", "tab-1", now - dt.timedelta(minutes=i))
            for i in range(3)]  # fmt: skip
    (tmp_path / "data").mkdir(mode=0o700)
    write_csv(tmp_path / "data" / "checkins.csv", rows)
    mark_confirmed(tmp_path / "data", [r["checkin_id"] for r in rows[:2]])
    k = build_kiosk(PLACE, tmp_path / "data", FormConfig(device_id="tab-1"))
    try:
        web = TestApp(k.app)
        set_pin(k.data_dir, PIN)
        before = soup(login(web).follow()).select_one("#today-count").text
        assert purge(tmp_path / "data", dt.timedelta(0), dt.datetime.now(CHINA)).removed == 2
        assert len(k.store.rows()) == 1
        assert soup(web.get("/admin")).select_one("#today-count").text == before
    finally:
        k.store.close()
