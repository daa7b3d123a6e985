"""The site's theme in yizhan's one look (issue 16): the header's search goes to the finder, the station page puts
what a member needs first (its first call button above the fold of a phone), the 404 page is Chinese with a way
forward, 12371 is a tel: link, and the design tokens reach the built site."""

from __future__ import annotations

from pathlib import Path
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from bs4 import Tag

from tests.conftest import chromium, serve_http

from .test_site import FEATURED, SOURCE, article, resolve, soup, text

PLAIN = "zhenjiang-jurong-huayang-beimen-huayangxincun"  # no kiosk, no children
PHONE = {"width": 390, "height": 844}


def theme_pages(site: Path) -> list[Path]:
    """Every page built with the theme (the finder has its own page template)."""
    return [p for p in sorted(site.rglob("*.html")) if p.name != "finder.html"]


# --------------------------------------------------------------------------- the header's search


def test_every_page_has_the_header_search_to_the_finder(site: Path) -> None:
    pages = theme_pages(site)
    assert len(pages) > 100
    for page in pages:
        doc = soup(page)
        header = doc.select_one("header.md-header")
        assert header is not None, page
        (form,) = header.select('form[role="search"]')
        assert form.get("method", "get") == "get"
        if page.name == "404.html":  # served for any address: its links start at site_url's path
            assert form["action"] == "/finder.html"
        else:
            assert resolve(site, page, form["action"]) == (site / "finder.html").resolve(), page
        (field,) = form.select("input")
        assert field["name"] == "s" and field["type"] == "search"
        label = form.find("label", attrs={"for": field["id"]})
        assert label is not None and text(label) == "搜索驿站"
        (button,) = form.select("button")
        assert button.get("type") == "submit" and text(button) == "搜索"
        # Material's own search is gone: no dialog without a name, no index to load
        assert doc.select(".md-search, [data-md-component=search]") == [], page
    assert not (site / "search").exists()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_header_search_opens_the_finder_with_the_words(site: Path, browser: Any, javascript: bool) -> None:
    with serve_http(site) as url:
        ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=javascript,
                                  service_workers="block")  # fmt: skip
        page = ctx.new_page()
        page.goto(f"{url}/s/{FEATURED}.html")
        box = page.locator("header form[role=search] button").bounding_box()
        field = page.locator("header form[role=search] input").bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44 and field["height"] >= 44
        assert box["x"] + box["width"] <= PHONE["width"] and box["y"] + box["height"] <= 60  # in the bar, on screen
        page.fill("#yz-header-q", "崇安寺")
        page.press("#yz-header-q", "Enter")
        page.wait_for_url("**/finder.html?s=*")
        got = urlsplit(page.url)
        assert got.path == "/finder.html" and parse_qs(got.query) == {"s": ["崇安寺"]}
        if javascript:  # the finder reads ?s= and searches
            page.wait_for_function("() => document.getElementById('yz-q').value === '崇安寺'")
        ctx.close()


def test_the_header_search_works_from_file_urls(site: Path, browser: Any) -> None:
    ctx = browser.new_context(viewport=PHONE, service_workers="block")
    page = ctx.new_page()
    page.goto((site / "regions" / "wuxi" / "liangxi.html").as_uri())
    page.fill("#yz-header-q", "梁溪")
    page.click("header form[role=search] button")
    page.wait_for_url("**/finder.html?s=*")
    assert page.url == (site / "finder.html").as_uri() + "?s=" + quote("梁溪")
    ctx.close()


# --------------------------------------------------------------------------- the station page's order


def _order(art: Tag) -> list[str]:
    """What the station page shows, in order, by the part it is."""
    parts = []
    for el in art.find_all(True, recursive=False):
        classes = el.get("class") or []
        if el.name == "h1":
            parts.append("name")
        elif "yz-open-now" in classes:
            parts.append("open-now")
        elif "yz-address" in classes:
            parts.append("address")
        elif "yz-maps" in classes:
            parts.append("maps")
        elif "yz-calls" in classes:
            parts.append("calls")
        elif el.name == "h2":
            parts.append(text(el))
        elif "yz-crumbs" in classes:
            parts.append("region")
        elif "yz-tags" in classes:
            parts.append("level")
        elif "yz-poster" in classes:
            parts.append("poster")
        elif "yz-updated" in classes:
            parts.append("updated")
        elif el.name == "p" and el.strong and text(el.strong) == "运营单位":
            parts.append("operator")
    return parts


@pytest.mark.parametrize("ident", [FEATURED, PLAIN])
def test_station_page_puts_open_now_address_maps_and_calls_first(site: Path, ident: str) -> None:
    parts = _order(article(site / "s" / f"{ident}.html"))
    assert parts[:6] == ["name", "open-now", "address", "maps", "服务热线", "calls"]
    rest = parts[6:]
    for part in ("开放时间", "自助报到", "本站信息", "level", "operator", "region", "updated"):
        assert part in rest, part
    if ident == FEATURED:
        assert {"说明", "服务项目", "红色联络员", "上下级站点", "poster"} <= set(rest)
        assert rest.index("updated") == len(rest) - 1


def test_station_page_without_hours_says_so_first(site: Path) -> None:
    without = [i for i, d in SOURCE.items() if not d.get("hours")]
    assert without, "the demo data must keep a station without hours for this test"
    art = article(site / "s" / f"{without[0]}.html")
    assert _order(art)[:2] == ["name", "open-now"]
    assert text(art.select_one(".yz-open-now")) == "未登记开放时间，请先致电咨询。"


def test_first_call_button_is_above_the_fold_on_a_phone(site: Path, browser: Any) -> None:
    """On a 390×844 phone, every station page's first call button is on the first screen (the issue: y≈705 before,
    under the operator and region)."""
    low, bottoms = [], []
    with serve_http(site) as url:
        ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, locale="zh-CN",
                                  service_workers="block")  # fmt: skip
        page = ctx.new_page()
        for ident in sorted(SOURCE):
            page.goto(f"{url}/s/{ident}.html")
            page.wait_for_load_state("load")
            page.evaluate("document.fonts.ready.then(() => true)")
            # the first call button, or the line that says there is no number to call
            first = page.locator("article .yz-calls a.yz-tel" if SOURCE[ident].get("hotlines") else "article .yz-calls li")
            box = first.first.bounding_box()
            assert box is not None and box["height"] >= (44 if SOURCE[ident].get("hotlines") else 1), ident
            if box["y"] + box["height"] > PHONE["height"]:
                low.append((ident, box["y"] + box["height"]))
            bottoms.append(box["y"] + box["height"])
        ctx.close()
    assert low == [] and len(bottoms) == len(SOURCE)


# --------------------------------------------------------------------------- 404, 12371 and the look


def test_404_page_is_chinese_with_a_way_forward(site: Path) -> None:
    page = site / "404.html"
    doc = soup(page)
    assert doc.html["lang"].startswith("zh")
    art = article(page)
    assert text(art.h1) == "没有找到这个页面"
    assert "Not found" not in doc.get_text()
    hrefs = {text(a): a["href"] for a in art.find_all("a")}
    assert hrefs["拨打 12371"] == "tel:12371"
    # absolute (site_url's path): the 404 page is served for any address, at any depth
    assert hrefs["查找驿站"] == "/finder.html" and hrefs["返回首页"] in ("/", "/index.html")
    assert (site / hrefs["查找驿站"].lstrip("/")).is_file()


@pytest.mark.parametrize("name", ["index.html", "about.html", "how-to-check-in.html"])
def test_12371_is_tap_to_call(site: Path, name: str) -> None:
    links = article(site / name).select('a[href="tel:12371"]')
    assert [(text(a), a.get("class")) for a in links] == [("12371", ["yz-tel"])]


def test_the_design_tokens_reach_the_site(site: Path) -> None:
    """look.css is one of the site's files, loaded before the site's own stylesheet, and nothing comes from
    elsewhere (no CDN, no web fonts)."""
    assert (site / "assets" / "yizhan" / "look.css").read_bytes() == (
        Path(__file__).parents[2] / "yizhan" / "look" / "look.css"
    ).read_bytes()
    for page in (site / "index.html", site / "s" / f"{FEATURED}.html", site / "404.html"):
        sheets = [link["href"] for link in soup(page).select('link[rel="stylesheet"]')]
        ours = [h for h in sheets if "/yizhan/" in h or h.startswith("assets/yizhan/")]
        assert [h.rsplit("/", 1)[-1] for h in ours] == ["look.css", "yizhan.css"], page
        assert not [h for h in sheets if "//" in h], page


def test_material_takes_the_brand_colours(site: Path, browser: Any) -> None:
    """Measured in Chromium: the header, links and call buttons in --yz-brand (#b71c1c: 6.57:1 on white)."""
    with serve_http(site) as url:
        ctx = browser.new_context(viewport=PHONE, service_workers="block")
        page = ctx.new_page()
        page.goto(f"{url}/s/{FEATURED}.html")
        colours = page.evaluate("""() => ({
          header: getComputedStyle(document.querySelector('.md-header')).backgroundColor,
          link: getComputedStyle(document.querySelector('.yz-crumbs a')).color,
          tel: getComputedStyle(document.querySelector('a.yz-tel')).color,
          map: getComputedStyle(document.querySelector('.yz-maps a')).color,
        })""")
        ctx.close()
    assert colours == {"header": "rgb(183, 28, 28)", "link": "rgb(183, 28, 28)", "tel": "rgb(183, 28, 28)", "map": "rgb(183, 28, 28)"}


def test_city_and_hotline_tables_stack_with_labels(site: Path) -> None:
    """Tables are look.css's .yz-table: each cell but the first carries its column's name for the stacked rows."""
    for page in (site / "regions" / "wuxi" / "index.html", site / "hotlines" / "wuxi.html"):
        tables = article(page).select("table")
        assert tables and all("yz-table" in t["class"] for t in tables), page
        for table in tables:
            heads = [text(th) for th in table.select("thead th")]
            for tr in table.select("tbody tr"):
                cells = tr.find_all("td")
                assert [c.get("data-label") for c in cells[1:]] == heads[1:], page
