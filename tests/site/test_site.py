"""The built directory site, parsed: station, region, hotline and home pages, links, privacy, escaping, builds."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from subprocess import PIPE
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from tests.conftest import ENV, ROOT, all_station_yaml, copy_project, run_yizhan
from yizhan.stations.geo import gcj02_to_wgs84, wgs84_to_gcj02
from yizhan.stations.hours import describe_zh, parse_hours, to_json

FEATURED = "wuxi-liangxi-chongansi"
LEVEL_LABELS = {"center": "市级中心", "station": "区镇驿站", "window": "村社窗口", "point": "小区点位"}
CITY_SLUGS = {"南京市": "nanjing", "无锡市": "wuxi", "镇江市": "zhenjiang"}
MAP_HOSTS = {"uri.amap.com", "api.map.baidu.com", "apis.map.qq.com", "maps.apple.com"}
SOURCE = all_station_yaml(ROOT)  # the repository's stations, which the session fixture copies and builds
_SOUPS: dict[Path, BeautifulSoup] = {}


# --------------------------------------------------------------------------- helpers


def soup(path: Path) -> BeautifulSoup:
    """A parsed HTML file (cached: the built site does not change during the session)."""
    if path not in _SOUPS:
        _SOUPS[path] = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return _SOUPS[path]


def article(path: Path) -> Tag:
    """The page's main content."""
    art = soup(path).find("article")
    assert isinstance(art, Tag), path
    return art


def text(tag: Tag) -> str:
    return " ".join(tag.get_text(" ", strip=True).split())


def section(art: Tag, heading: str, level: str = "h2") -> list[Tag]:
    """The elements after the `level` heading whose text is `heading`, up to the next heading of that level."""
    heads = [h for h in art.find_all(level) if text(h) == heading]
    assert len(heads) == 1, f"expected one {level} {heading!r}, found {len(heads)}"
    out = []
    for sib in heads[0].find_next_siblings():
        if sib.name == level or (level == "h3" and sib.name == "h2"):
            break
        out.append(sib)
    return out


def relative(href: str) -> bool:
    """Whether a URL is relative to the current page (no scheme, host or leading slash)."""
    parts = urlsplit(href)
    return not parts.scheme and not parts.netloc and not parts.path.startswith("/")


def resolve(site: Path, page: Path, href: str) -> Path:
    """The file a relative link on `page` opens; it must name an existing file inside the site.

    With `use_directory_urls: false` every page link names its .html file: a link to a folder ('x/', or 'x' when x is
    a folder) only opens index.html on a web server, while file:// shows a directory listing, so it is an error here.
    """
    assert relative(href), f"{page}: expected a relative link, found {href!r}"
    path = unquote(urlsplit(href).path)
    assert not path.endswith("/"), f"{page}: {href!r} names a folder, not a file"
    target = (page.parent / path).resolve() if path else page.resolve()
    assert target.is_relative_to(site.resolve()), f"{page}: {href!r} leaves the site"
    assert target.is_file(), f"{page}: {href!r} → {target} is not a file"
    return target


def station_of(site: Path, target: Path) -> str:
    """The id of the station page `target` (a resolved s/<id>.html of `site`)."""
    assert target.parent == (site / "s").resolve() and target.suffix == ".html", target
    return target.stem


def h1(path: Path) -> str:
    tags = article(path).find_all("h1")
    assert len(tags) == 1, path
    return tags[0].get_text()


def station_page(site: Path, ident: str) -> Path:
    return site / "s" / f"{ident}.html"


def tel(number: str) -> str:
    """The tel: URI a plain demo number should get: E.164 (+86, without the trunk 0) where it has one, else as dialled."""
    digits = re.sub(r"[\s\-()（）]", "", number)
    if digits.startswith("0") or (len(digits) == 11 and digits.startswith("1")):
        return "tel:+86" + digits.removeprefix("0")
    return "tel:" + digits


def wgs84(d: dict[str, Any]) -> tuple[float, float]:
    """A station's WGS-84 coordinates (converted when the file stores GCJ-02), rounded like the site."""
    loc = d["location"]
    lat, lon = float(loc["lat"]), float(loc["lon"])
    if loc.get("datum") == "gcj02":
        lat, lon = gcj02_to_wgs84(lat, lon)
    return round(lat, 6), round(lon, 6)


def holidays() -> list[str]:
    """The holidays listed for the yizhan plugin in the repository's mkdocs.yml."""
    cfg = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    plugin = next(p["yizhan"] for p in cfg["plugins"] if isinstance(p, dict) and "yizhan" in p)
    return sorted(d.isoformat() if isinstance(d, dt.date) else str(d) for d in plugin["holidays"])


def map_links(page: Path) -> dict[str, str]:
    """Label → href of the map deep links on a station page."""
    (maps,) = article(page).select("p.yz-maps")
    return {a.get_text(): a["href"] for a in maps.find_all("a")}


def qs(url: str) -> dict[str, str]:
    """The query string of `url`, one value per key."""
    parsed = parse_qs(urlsplit(url).query, keep_blank_values=True, strict_parsing=True)
    assert all(len(v) == 1 for v in parsed.values()), url
    return {k: v[0] for k, v in parsed.items()}


def pair(value: str) -> tuple[float, float]:
    a, b = value.split(",")
    return float(a), float(b)


def jsonld(page: Path) -> dict[str, Any]:
    scripts = soup(page).select('script[type="application/ld+json"]')
    assert len(scripts) == 1, page
    return json.loads(scripts[0].string)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Relative path → (bytes, mtime_ns) of every file under `folder`, hidden ones included."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def counts_by_city() -> dict[str, int]:
    return dict(Counter(d["region"]["city"] for d in SOURCE.values()))


# --------------------------------------------------------------------------- the featured station page


@pytest.fixture(scope="module")
def featured(site: Path) -> tuple[Path, Tag, dict[str, Any]]:
    page = station_page(site, FEATURED)
    return page, article(page), SOURCE[FEATURED]


def test_station_page_head_lines(featured: tuple[Path, Tag, dict[str, Any]]) -> None:
    page, art, d = featured
    assert h1(page) == d["name"] == "梁溪区崇安寺街道流动党员服务驿站"
    (level,) = art.select(".yz-level")
    assert level.get_text() == "区镇驿站"
    assert "yz-level-station" in level["class"]
    assert [b.get_text() for b in art.select(".yz-kiosk")] == ["可自助报到"]
    paras = {p.strong.get_text(): p.get_text() for p in art.find_all("p") if p.strong}
    assert paras["运营单位"] == "运营单位：中共无锡市梁溪区委组织部" == f"运营单位：{d['operator']}"
    assert paras["地址"] == f"地址：{d['address']}"
    assert paras["所在地区"] == "所在地区：无锡市 › 梁溪区 › 崇安寺街道"
    region = next(p for p in art.find_all("p") if p.strong and p.strong.get_text() == "所在地区")
    assert [a["href"] for a in region.find_all("a")] == ["../regions/wuxi/index.html", "../regions/wuxi/liangxi.html"]
    assert [h1(resolve(page.parents[1], page, a["href"])) for a in region.find_all("a")] == ["无锡市", "无锡市梁溪区"]
    assert soup(page).title.get_text() == "梁溪区崇安寺街道流动党员服务驿站 - 流动党员服务驿站"


def test_station_page_hours_and_open_now(featured: tuple[Path, Tag, dict[str, Any]]) -> None:
    page, art, d = featured
    hours = section(art, "开放时间")
    assert text(hours[0]) == "周一至周五 08:30-12:00、13:30-17:30；周六 09:00-12:00；周日休息；法定节假日休息"
    (now,) = soup(page).select(".yz-open-now")
    assert now not in hours and now.find_next_sibling("p") == art.select_one("p.yz-address")  # first, under the name
    assert now.get_text() == "营业状态：请以现场为准"  # without JavaScript; hours.js replaces it
    data = json.loads(now["data-hours"])
    assert set(data) == {"w", "ph"}
    assert len(data["w"]) == 7
    weekday = [[510, 720], [810, 1050]]
    assert data == {"w": [weekday] * 5 + [[[540, 720]], []], "ph": []}
    days = json.loads(now["data-holidays"])
    assert "2026-10-01" in days
    assert days == holidays()


def test_station_page_hotlines_are_tel_links(featured: tuple[Path, Tag, dict[str, Any]]) -> None:
    page, art, d = featured
    (ul,) = section(art, "服务热线")
    got = [(a["href"], a.get_text(), text(li)) for li in ul.find_all("li") for a in li.select("a.yz-tel")]
    want = [(tel(h["number"]), h["number"], f"{h['number']} {h['label']}") for h in d["hotlines"]]
    assert got == want
    assert got[0][0] == "tel:+8651082700000"  # 0510-82700000: digits only
    assert len(got) == 2


def test_station_page_services_liaisons_kiosk_updated(featured: tuple[Path, Tag, dict[str, Any]]) -> None:
    page, art, d = featured
    assert [text(t) for t in section(art, "服务项目")] == ["、".join(d["services"])]
    (ul,) = section(art, "红色联络员")
    assert [(text(li), li.a["href"]) for li in ul.find_all("li")] == [
        ("李敏（红色联络员） 13800000003", "tel:+8613800000003")
    ]
    assert [text(t) for t in section(art, "自助报到")] == [
        "本站设有报到平板，到站后可在平板上自助报到，也可用手机扫描站内海报上的二维码报到。"
    ]
    notes = section(art, "说明")
    assert [len(ul.find_all("li")) for t in notes for ul in t.find_all("ul")] == [3]  # the notes' Markdown list is rendered
    (updated,) = art.select("p.yz-updated")
    assert text(updated) == "站点编号： wuxi-liangxi-chongansi · 信息更新于 2026-11-01"
    assert updated.code.get_text() == FEATURED


def test_station_page_parent_and_children_links(site: Path, featured: tuple[Path, Tag, dict[str, Any]]) -> None:
    page, art, d = featured
    family = section(art, "上下级站点")
    parent_p = next(p for p in family if p.strong and p.strong.get_text() == "上级")
    assert text(parent_p) == "上级 ："
    parent_ul = parent_p.find_next_sibling()
    (a,) = parent_ul.find_all("a")  # a list of one: its link is a 44 px target, not a word in a sentence
    assert a["href"] == "wuxi-center.html"  # a sibling file in s/
    target = resolve(site, page, a["href"])
    assert target == (site / "s" / "wuxi-center.html").resolve()
    assert h1(target) == SOURCE[d["parent"]]["name"] == a.get_text()
    assert text(parent_ul) == "无锡市流动党员服务中心 （市级中心）"
    children = sorted(i for i, c in SOURCE.items() if c.get("parent") == FEATURED)
    assert children == ["wuxi-liangxi-chongansi-huangting", "wuxi-liangxi-chongansi-sanfengqiao"]
    head = next(p for p in family if p.strong and p.strong.get_text() == "下级")
    assert text(head) == "下级 （2 个）："
    ul = head.find_next_sibling()
    assert ul.name == "ul" and [t for t in family if t.name == "ul"] == [parent_ul, ul]
    links = ul.find_all("a")
    assert sorted(x["href"] for x in links) == [f"{c}.html" for c in children]
    found = sorted(station_of(site, resolve(site, page, x["href"])) for x in links)
    assert found == children
    for x in links:
        ident = station_of(site, resolve(site, page, x["href"]))
        assert h1(station_page(site, ident)) == x.get_text() == SOURCE[ident]["name"]
        assert x.parent.get_text().endswith(f"（{LEVEL_LABELS[SOURCE[ident]['level']]}）")


def test_station_page_map_links(featured: tuple[Path, Tag, dict[str, Any]]) -> None:
    page, art, d = featured
    lat, lon = d["location"]["lat"], d["location"]["lon"]
    assert (lat, lon) == (31.5789, 120.3009)
    links = map_links(page)
    assert list(links) == ["高德地图", "百度地图", "腾讯地图", "苹果地图", "其他地图应用"]

    amap = urlsplit(links["高德地图"])
    assert (amap.scheme, amap.netloc, amap.path) == ("https", "uri.amap.com", "/marker")
    q = qs(links["高德地图"])
    assert pair(q["position"]) == (pytest.approx(lon, abs=1e-9), pytest.approx(lat, abs=1e-9))  # lon first
    assert q["coordinate"] == "wgs84"
    assert q["name"] == d["name"]

    baidu = urlsplit(links["百度地图"])
    assert (baidu.scheme, baidu.netloc, baidu.path) == ("https", "api.map.baidu.com", "/marker")
    q = qs(links["百度地图"])
    assert pair(q["location"]) == (pytest.approx(lat, abs=1e-9), pytest.approx(lon, abs=1e-9))  # lat first
    assert q["coord_type"] == "wgs84"
    assert (q["title"], q["content"]) == (d["name"], d["address"])

    qq = urlsplit(links["腾讯地图"])
    assert (qq.scheme, qq.netloc, qq.path) == ("https", "apis.map.qq.com", "/uri/v1/marker")
    q = qs(links["腾讯地图"])
    assert q["coord_type"] == "2"
    m = re.fullmatch(r"coord:([\d.]+),([\d.]+);title:(.*);addr:(.*)", q["marker"])
    assert m, q["marker"]
    glat, glon = wgs84_to_gcj02(lat, lon)
    assert (float(m[1]), float(m[2])) == (pytest.approx(glat, abs=1e-6), pytest.approx(glon, abs=1e-6))
    assert abs(float(m[1]) - lat) > 1e-3 and abs(float(m[2]) - lon) > 1e-3  # really shifted, not the WGS-84 numbers
    assert (m[3], m[4]) == (d["name"], d["address"])

    apple = urlsplit(links["苹果地图"])
    assert (apple.scheme, apple.netloc) == ("https", "maps.apple.com")
    q = qs(links["苹果地图"])
    assert pair(q["ll"]) == (pytest.approx(lat, abs=1e-9), pytest.approx(lon, abs=1e-9))
    assert q["q"] == d["name"]

    geo = urlsplit(links["其他地图应用"])
    assert geo.scheme == "geo"
    assert pair(geo.path) == (pytest.approx(lat, abs=1e-9), pytest.approx(lon, abs=1e-9))
    assert unquote(geo.query) == f"q={lat:.6f},{lon:.6f}({d['name']})"


def test_station_page_json_ld(featured: tuple[Path, Tag, dict[str, Any]]) -> None:
    page, art, d = featured
    data = jsonld(page)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "GovernmentOffice"
    assert data["name"] == d["name"]
    assert data["identifier"] == FEATURED
    assert data["address"]["streetAddress"] == d["address"]
    assert data["address"]["addressRegion"] == "无锡市"
    assert data["address"]["addressCountry"] == "CN"
    assert (data["geo"]["latitude"], data["geo"]["longitude"]) == (31.5789, 120.3009)
    assert data["telephone"] == "0510-82700000"
    days = [f"https://schema.org/{x}" for x in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")]
    spec = data["openingHoursSpecification"]
    assert all(s["@type"] == "OpeningHoursSpecification" for s in spec)
    assert [(s["dayOfWeek"], s["opens"], s["closes"]) for s in spec] == [
        (days, "08:30", "12:00"),
        (days, "13:30", "17:30"),
        (["https://schema.org/Saturday"], "09:00", "12:00"),
        (["https://schema.org/PublicHolidays"], "00:00", "00:00"),
    ]
    assert data["contactPoint"] == [
        {"@type": "ContactPoint", "telephone": "0510-82700000", "contactType": "驿站值班电话"},
        {"@type": "ContactPoint", "telephone": "12371", "contactType": "党员服务热线"},
        {"@type": "ContactPoint", "telephone": "13800000003", "contactType": "红色联络员", "name": "李敏"},
    ]


# --------------------------------------------------------------------------- every station page


@pytest.mark.parametrize("ident", sorted(SOURCE))
def test_every_station_page(site: Path, ident: str) -> None:
    d = SOURCE[ident]
    page = station_page(site, ident)
    art = article(page)
    assert h1(page) == d["name"]
    assert [x.get_text() for x in art.select(".yz-level")] == [LEVEL_LABELS[d["level"]]]
    assert len(art.select(".yz-kiosk")) == (1 if d.get("kiosk") else 0)
    kiosk = "本站设有报到平板" if d.get("kiosk") else "本站没有报到平板"
    assert text(section(art, "自助报到")[0]).startswith(kiosk)
    # hours
    now = art.select(".yz-open-now")
    if "hours" in d:
        hours = parse_hours(d["hours"])
        assert text(section(art, "开放时间")[0]) == describe_zh(hours)
        assert len(now) == 1 and json.loads(now[0]["data-hours"]) == to_json(hours)
    else:  # said at the top, where the open-now line would be
        assert [(text(x), x.get("data-hours")) for x in now] == [("未登记开放时间，请先致电咨询。", None)]
        assert [text(h) for h in art.find_all("h2")].count("开放时间") == 0
    # phone numbers: hotlines, then liaisons
    want = [(tel(h["number"]), h["number"]) for h in d.get("hotlines", [])]
    want += [(tel(c["phone"]), c["phone"]) for c in d.get("contacts", []) if c.get("phone")]
    assert [(a["href"], a.get_text()) for a in art.select("a.yz-tel")] == want
    if not d.get("hotlines"):
        assert [text(t) for t in section(art, "服务热线")] == ["暂无热线，请联系上级驿站。"]
    # the parent link
    if d.get("parent"):
        family = section(art, "上下级站点")
        parent_p = next(p for p in family if p.strong and p.strong.get_text() == "上级")
        parent_a = parent_p.find_next_sibling("ul").a
        assert parent_a["href"] == f"{d['parent']}.html"
        assert station_of(site, resolve(site, page, parent_a["href"])) == d["parent"]
    # JSON-LD and coordinates
    data = jsonld(page)
    assert data["name"] == d["name"]
    assert data["address"]["streetAddress"] == d["address"]
    lat, lon = wgs84(d)
    assert (data["geo"]["latitude"], data["geo"]["longitude"]) == (lat, lon)
    assert pair(qs(map_links(page)["高德地图"])["position"]) == (lon, lat)
    if d.get("updated"):
        assert text(art.select_one("p.yz-updated")).endswith(f"信息更新于 {d['updated'].isoformat()}")


def test_gcj02_stations_are_converted_to_wgs84(site: Path) -> None:
    gcj = sorted(i for i, d in SOURCE.items() if d["location"].get("datum") == "gcj02")
    assert gcj == ["nanjing-jianye-shazhou", "zhenjiang-dantu-gaozi"]
    for ident in gcj:
        d = SOURCE[ident]
        raw_lat, raw_lon = d["location"]["lat"], d["location"]["lon"]
        lat, lon = (round(v, 6) for v in gcj02_to_wgs84(raw_lat, raw_lon))
        assert abs(lat - raw_lat) > 1e-3 and abs(lon - raw_lon) > 1e-3  # the shift is hundreds of metres
        page = station_page(site, ident)
        data = jsonld(page)
        assert (data["geo"]["latitude"], data["geo"]["longitude"]) == (lat, lon)
        links = map_links(page)
        assert pair(qs(links["高德地图"])["position"]) == (lon, lat)
        assert pair(qs(links["百度地图"])["location"]) == (lat, lon)
        assert pair(qs(links["苹果地图"])["ll"]) == (lat, lon)
        assert pair(urlsplit(links["其他地图应用"]).path) == (lat, lon)
        # Tencent wants GCJ-02: the round trip gives back the numbers picked from the map
        m = re.match(r"coord:([\d.]+),([\d.]+);", qs(links["腾讯地图"])["marker"])
        assert (float(m[1]), float(m[2])) == (pytest.approx(raw_lat, abs=2e-6), pytest.approx(raw_lon, abs=2e-6))


# --------------------------------------------------------------------------- region pages


def test_regions_index_lists_the_cities(site: Path) -> None:
    page = site / "regions" / "index.html"
    art = article(page)
    heads = art.find_all("h2")
    assert [(x.get_text(), x.a["href"]) for x in heads] == [(c, f"{s}/index.html") for c, s in CITY_SLUGS.items()]
    counts = counts_by_city()
    for head in heads:
        city = head.get_text()
        assert h1(resolve(site, page, head.a["href"])) == city
        body = section(art, city)
        assert text(body[0]) == f"共 {counts[city]} 个站点。"
        districts = Counter(d["region"].get("district", "") for d in SOURCE.values() if d["region"]["city"] == city)
        got = {}
        for li in body[1].find_all("li"):
            target = resolve(site, page, li.a["href"])
            assert h1(target) == city + li.a.get_text()
            got[li.a.get_text()] = li.get_text()
        assert got == {k: f"{k}（{n}）" for k, n in districts.items()}


def test_city_page_links_to_its_districts(site: Path) -> None:
    page = site / "regions" / "wuxi" / "index.html"
    art = article(page)
    assert h1(page) == "无锡市"
    wuxi = [d for d in SOURCE.values() if d["region"]["city"] == "无锡市"]
    center = next(p for p in art.find_all("p") if p.strong and p.strong.get_text() == "市级中心")
    assert h1(resolve(site, page, center.a["href"])) == "无锡市流动党员服务中心"
    rows = art.select("table tbody tr")
    got = {}
    for tr in rows:
        cells = tr.find_all("td")
        target = resolve(site, page, cells[0].a["href"])
        assert target.parent == page.parent and target.name != "index.html"  # regions/wuxi/<district>.html
        assert h1(target) == "无锡市" + cells[0].get_text()
        got[cells[0].get_text()] = [int(c.get_text()) for c in cells[1:]]
    want: dict[str, list[int]] = {}
    for d in wuxi:
        row = want.setdefault(d["region"]["district"], [0, 0, 0, 0])
        row[list(LEVEL_LABELS).index(d["level"])] += 1
    assert got == want
    assert len(got) == 6
    hot = art.find("a", string="查看无锡市服务热线")
    assert hot["href"] == "../../hotlines/wuxi.html"  # the city's own printable hotlines page
    target = resolve(site, page, hot["href"])
    assert target == (site / "hotlines" / "wuxi.html").resolve()
    assert h1(target) == "无锡市服务热线"


def district_pages(site: Path) -> list[tuple[str, str, Path]]:
    """(city, district, page) for every district, found through the city pages."""
    out = []
    for city, slug in CITY_SLUGS.items():
        page = site / "regions" / slug / "index.html"
        for tr in article(page).select("table tbody tr"):
            a = tr.find("a")
            out.append((city, a.get_text(), resolve(site, page, a["href"])))
    return out


def test_district_pages_group_stations_by_level(site: Path) -> None:
    pages = district_pages(site)
    assert len(pages) == len({(d["region"]["city"], d["region"]["district"]) for d in SOURCE.values()}) == 19
    seen = []
    for city, district, page in pages:
        art = article(page)
        stations = [d for d in SOURCE.values() if d["region"]["city"] == city and d["region"]["district"] == district]
        heads = [x.get_text() for x in art.find_all("h2")]
        want_heads, want_links = [], {}
        for level, label in LEVEL_LABELS.items():
            group = sorted(
                (d for d in stations if d["level"] == level),
                key=lambda d: (d["region"].get("town", ""), d["name"], d["id"]),
            )
            if group:
                want_heads.append(f"{label}（{len(group)}）")
                want_links[want_heads[-1]] = [(d["id"], d["name"]) for d in group]
        assert heads == want_heads, page
        for head in heads:
            (ul,) = section(art, head)
            got = []
            for li in ul.find_all("li"):
                target = resolve(site, page, li.a["href"])
                assert h1(target) == li.a.get_text()
                got.append((station_of(site, target), li.a.get_text()))
                seen.append(station_of(site, target))
            assert got == want_links[head]
    assert sorted(seen) == sorted(SOURCE)  # every station is listed exactly once
    liangxi = site / "regions" / "wuxi" / "liangxi.html"
    assert [x.get_text() for x in article(liangxi).find_all("h2")] == [
        "市级中心（1）",
        "区镇驿站（4）",
        "村社窗口（4）",
        "小区点位（2）",
    ]


# --------------------------------------------------------------------------- hotlines page


def test_hotlines_page_lists_every_number(site: Path) -> None:
    page = site / "hotlines.html"
    art = article(page)
    # the rule of Site.hotlines_page: a number on ≥ 3 stations and ≥ 20 % of them is listed once, at the top
    uses = Counter(h["number"] for d in SOURCE.values() for h in d.get("hotlines", []))
    common = {n for n, c in uses.items() if c >= 3 and c / len(SOURCE) >= 0.2}
    assert common == {"12371"}
    top = section(art, "通用热线")
    assert [(a["href"], text(a.parent)) for a in top[0].select("a.yz-tel")] == [("tel:12371", "12371 党员服务热线")]
    assert len(art.select('a[href="tel:12371"]')) == 1
    assert [x.get_text() for x in art.find_all("h2")] == ["通用热线", "各地驿站热线"]
    # the index links one printable page per city, in order, with its station count
    counts = counts_by_city()
    (ul,) = [t for t in section(art, "各地驿站热线") if t.name == "ul"]
    assert [(li.a["href"], text(li)) for li in ul.find_all("li")] == [
        (f"hotlines/{s}.html", f"{c} （{counts[c]} 个站点）") for c, s in CITY_SLUGS.items()
    ]
    assert len(art.select("a.yz-tel")) == 1  # the stations' own numbers are on the city pages only

    rows = []
    for city, slug in CITY_SLUGS.items():
        city_page = resolve(site, page, f"hotlines/{slug}.html")
        city_art = article(city_page)
        assert h1(city_page) == f"{city}服务热线"
        back = city_art.find("a", string="‹ 服务热线")
        assert resolve(site, city_page, back["href"]) == page.resolve()
        # the common numbers once, above the tables, and nowhere in them
        assert [(a["href"], a.get_text()) for a in city_art.select('a.yz-tel[href="tel:12371"]')] == [
            ("tel:12371", "12371")
        ]
        assert city_art.select("table a.yz-tel[href='tel:12371']") == []
        district = None
        for el in city_art.children:
            if not isinstance(el, Tag):
                continue
            if el.name in ("h2", "h3"):
                assert el.name == "h2", city_page  # one level: a heading per district
                district = el.get_text()
            elif el.name == "table":
                assert district, city_page
                for tr in el.select("tbody tr"):
                    name, phone, label = tr.find_all("td")
                    target = resolve(site, city_page, name.a["href"])
                    assert h1(target) == name.get_text()
                    (a,) = phone.select("a.yz-tel")
                    rows.append((city, district, station_of(site, target), a["href"], a.get_text(), label.get_text()))
        assert [x.get_text() for x in city_art.find_all("h2")] == list(
            dict.fromkeys(r[1] for r in rows if r[0] == city)
        )  # one heading per district with numbers, no empty ones
    want = [
        (d["region"]["city"], d["region"]["district"] or "市本级", i, tel(h["number"]), h["number"], h["label"])
        for i, d in SOURCE.items()
        for h in d.get("hotlines", [])
        if h["number"] not in common
    ]
    assert sorted(rows) == sorted(want)
    assert len(rows) == len(want) == sum(uses.values()) - uses["12371"]


# --------------------------------------------------------------------------- home, navigation, search


def test_home_page_lists_cities_and_links(site: Path) -> None:
    page = site / "index.html"
    raw = page.read_text(encoding="utf-8")
    assert "yizhan:cities" not in raw
    art = article(page)
    counts = counts_by_city()
    city_links = [a for a in art.find_all("a") if a["href"].startswith("regions/") and a["href"] != "regions/index.html"]
    assert [(a["href"], text(a.parent)) for a in city_links] == [
        (f"regions/{s}/index.html", f"{c} （{counts[c]} 个站点）") for c, s in CITY_SLUGS.items()
    ]
    assert [counts[c] for c in CITY_SLUGS] == [24, 30, 23]
    for a in city_links:
        assert h1(resolve(site, page, a["href"])) == a.get_text()
    hrefs = {a["href"] for a in art.find_all("a")}
    assert {"finder.html", "hotlines.html"} <= hrefs
    assert h1(resolve(site, page, "finder.html")) == "查找驿站"
    assert h1(resolve(site, page, "hotlines.html")) == "服务热线"
    # the finder page has the same marker, linked relative to its own place (finder.html, beside index.html)
    finder = site / "finder.html"
    assert "yizhan:cities" not in finder.read_text(encoding="utf-8")
    links = [a["href"] for a in article(finder).find_all("a") if "regions/" in a["href"]]
    assert links == [f"regions/{s}/index.html" for s in CITY_SLUGS.values()]
    assert [h1(resolve(site, finder, x)) for x in links] == list(CITY_SLUGS)


def nav_targets(site: Path, page: Path) -> list[str]:
    """Site-relative paths of every navigation link of a page."""
    out = []
    for a in soup(page).select("nav.md-nav a[href]"):
        href = a["href"]
        if href.startswith("#"):
            continue
        out.append(str(resolve(site, page, href).relative_to(site.resolve())))
    return out


def test_station_pages_stay_out_of_navigation(site: Path) -> None:
    home = nav_targets(site, site / "index.html")
    assert set(home) == {
        "index.html", "finder.html", "regions/index.html", "hotlines.html", "how-to-check-in.html", "about.html",
    }  # fmt: skip
    station = nav_targets(site, station_page(site, FEATURED))
    assert set(station) == set(home)
    assert not [x for x in home + station if x.startswith("s/")]
    # the same page links on a station page as on the home page, however many stations there are
    assert sorted(station) == sorted(home)
    assert len(home) < 15


def test_no_material_search_index_but_station_pages_stay_out_of_one(site: Path) -> None:
    """The header's search goes to the finder: no Material search plugin, no index (nor jieba) in the build. A project
    that turns the plugin back on still gets an index without station and district pages (their front matter)."""
    assert not (site / "search").exists()
    docs = site.parent / "docs"
    for rel in (f"s/{FEATURED}.md", "regions/wuxi/liangxi.md", "hotlines/wuxi.md", "posters.md"):
        assert "\nsearch:\n  exclude: true\n" in (docs / rel).read_text(encoding="utf-8"), rel
    assert "\nsearch:\n  exclude: false\n" in (docs / "regions" / "wuxi" / "index.md").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- nothing loads from another host

LOADING = [
    ("script", "src"), ("link", "href"), ("img", "src"), ("img", "srcset"), ("iframe", "src"), ("frame", "src"),
    ("source", "src"), ("source", "srcset"), ("video", "src"), ("video", "poster"), ("audio", "src"),
    ("track", "src"), ("object", "data"), ("embed", "src"), ("input", "src"), ("image", "href"), ("use", "href"),
    ("image", "xlink:href"), ("use", "xlink:href"), ("form", "action"), ("base", "href"),
]  # fmt: skip
SITE_URL = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]  # canonical links
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.S)


def local(url: str) -> bool:
    """Same-site: relative, root-relative or data: (never another host, never protocol-relative)."""
    parts = urlsplit(url.strip())
    return parts.scheme == "data" or (not parts.scheme and not parts.netloc and not url.strip().startswith("//"))


def css_urls(css: str) -> list[str]:
    return [m[2] or m[4] for m in CSS_URL.finditer(css)]


def test_no_resource_loads_from_another_host(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    # stations, regions, cities, districts, hotlines index, city hotlines, content, 404, posters
    assert len(pages) == 77 + 1 + 3 + 19 + 1 + 3 + 4 + 1 + 1
    checked = 0
    for page in pages:
        doc = soup(page)
        for name, attr in LOADING:
            for el in doc.find_all(name):
                if name == "link" and el.get("rel") == ["canonical"]:
                    continue  # names the page's public address (site_url); the browser loads nothing from it
                if el.has_attr(attr):
                    values = [u.split()[0] for u in el[attr].split(",")] if attr == "srcset" else [el[attr]]
                    for value in values:
                        assert local(value), f"{page}: <{name} {attr}={value!r}>"
                        checked += 1
        for el in doc.find_all(style=True):
            assert all(local(u) for u in css_urls(el["style"])), page
        for el in doc.find_all("style"):
            assert all(local(u) for u in css_urls(el.get_text())), page
        # every absolute URL in any attribute: map deep links on station pages, and SVG namespaces
        for el in doc.find_all(True):
            for attr, value in el.attrs.items():
                for v in value if isinstance(value, list) else [value]:
                    if re.match(r"\s*([a-z][a-z0-9+.-]*:)?//", v, re.I):
                        host = urlsplit(v).netloc
                        if el.name == "svg" and attr == "xmlns":
                            assert v == "http://www.w3.org/2000/svg"
                        elif el.name == "link" and el.get("rel") == ["canonical"]:
                            assert v.startswith(SITE_URL), page
                        else:
                            assert (el.name, attr) == ("a", "href") and host in MAP_HOSTS, (
                                f"{page}: <{el.name} {attr}={v!r}>"
                            )
                            assert urlsplit(v).scheme == "https"
                            assert "yz-maps" in el.parent.get("class", []), page
    assert checked > 500
    css_files = sorted(site.glob("assets/**/*.css"))
    assert {"yizhan.css"} < {p.name for p in css_files} and len(css_files) >= 3
    for css in css_files:
        for url in css_urls(css.read_text(encoding="utf-8")):
            assert local(url), f"{css}: url({url[:60]})"


def test_external_links_are_only_map_deep_links(site: Path) -> None:
    hosts: Counter[str] = Counter()
    schemes: Counter[str] = Counter()
    for page in site.rglob("*.html"):
        for a in soup(page).find_all("a", href=True):
            parts = urlsplit(a["href"])
            schemes[parts.scheme] += 1
            if parts.netloc:
                hosts[parts.netloc] += 1
    assert set(hosts) == MAP_HOSTS
    assert all(n == 77 for n in hosts.values())  # one of each per station page
    assert set(schemes) == {"", "https", "tel", "geo"}
    assert schemes["geo"] == 77


# Material's JavaScript bundle can load two things from unpkg.com: a ResizeObserver polyfill (only in browsers
# without ResizeObserver) and mermaid (only on pages with mermaid diagrams). These are the only allowed mentions.
BUNDLE_UNPKG = {"https://unpkg.com/resize-observer-polyfill", "https://unpkg.com/mermaid@11/dist/mermaid.min.js"}


def test_no_font_or_cdn_hosts_in_produced_files(site: Path) -> None:
    files = sorted(p for p in site.rglob("*") if p.suffix in (".html", ".css", ".js"))
    assert any(p.suffix == ".js" for p in files) and any(p.suffix == ".css" for p in files)
    unpkg: dict[str, set[str]] = {}
    for path in files:
        body = path.read_text(encoding="utf-8")
        for word in ("fonts.googleapis", "fonts.gstatic", "cdn"):
            assert word not in body.lower(), f"{path}: {word}"
        for m in re.finditer(r"unpkg", body, re.I):
            url = re.match(r"https://unpkg\.com/[^\"')\s]*", body[m.start() - 8 :])
            unpkg.setdefault(str(path.relative_to(site)), set()).add(
                url[0] if url else body[m.start() - 40 : m.end() + 40]
            )
    assert len(unpkg) == 1
    ((bundle, urls),) = unpkg.items()
    assert re.fullmatch(r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js", bundle)
    assert urls == BUNDLE_UNPKG
    body = (site / bundle).read_text(encoding="utf-8")
    assert 'typeof ResizeObserver=="undefined"?_t("https://unpkg.com/resize-observer-polyfill")' in body
    for page in site.rglob("*.html"):  # no mermaid diagram anywhere, so the mermaid loader never runs
        assert not soup(page).select(".mermaid"), page


# --------------------------------------------------------------------------- escaping

EVIL_NAME = "<script>alert(1)</script>驿站"
EVIL_ADDRESS = '无锡市梁溪区*粗体* [链接](http://x) "引号"&<b>粗</b>'
EVIL_NOTES = "来之前请先打电话。<img src=x onerror=alert(1)>\n\n<script>alert(2)</script>\n"


SMALL = ["wuxi/wuxi-center.yml", f"wuxi/liangxi/{FEATURED}.yml", "wuxi/liangxi/wuxi-liangxi-chongansi-huangting.yml"]
SHARED = {"number": "0510-81820000转8", "label": "中心值班电话"}  # on all three stations: a 通用热线 with an extension


@pytest.fixture(scope="module")
def small_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A three-station project (centre, station with hostile text, window), built once; copy it before changing it."""
    project = copy_project(tmp_path_factory.mktemp("small") / "p", SMALL)
    for rel in SMALL:
        path = project / "stations" / rel
        d = yaml.safe_load(path.read_text(encoding="utf-8"))
        d["hotlines"] = [h for h in d["hotlines"] if h["number"] != "0510-81820000"] + [SHARED]
        if d["id"] == FEATURED:
            d.update(name=EVIL_NAME, address=EVIL_ADDRESS, notes=EVIL_NOTES)
        path.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = run_yizhan(project, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Built 3 stations into build/site/")
    return project


@pytest.fixture(scope="module")
def evil_site(small_project: Path) -> Path:
    return small_project / "build" / "site"


def no_injection(el: Tag, where: object) -> None:
    """No event-handler attribute, no <img>, and no <script> that is not JSON-LD/JSON or from a file, under `el`."""
    for x in el.find_all(True):
        assert not [a for a in x.attrs if a.lower().startswith("on")], f"{where}: <{x.name} {x.attrs}>"
    assert not el.find_all("img"), where
    for s in el.find_all("script"):
        assert "alert(" not in (s.string or "") or s.get("type") == "application/ld+json", where


def test_station_text_is_shown_literally(evil_site: Path) -> None:
    page = station_page(evil_site, FEATURED)
    doc = soup(page)
    art = article(page)
    assert h1(page) == EVIL_NAME
    addr = next(p for p in art.find_all("p") if p.strong and p.strong.get_text() == "地址")
    assert addr.get_text() == f"地址：{EVIL_ADDRESS}"
    assert addr.find_all(True) == [addr.strong]  # no <em>, no <a>, no <b>
    assert not doc.select('a[href="http://x"]')
    notes = " ".join(text(t) for t in section(art, "说明"))
    assert "<img src=x onerror=alert(1)>" in notes
    assert "<script>alert(2)</script>" in notes
    no_injection(art, page)
    assert [s.get("type") for s in art.find_all("script")] == ["application/ld+json"]
    data = jsonld(page)
    assert data["name"] == EVIL_NAME
    assert data["address"]["streetAddress"] == EVIL_ADDRESS
    maps = map_links(page)
    assert qs(maps["百度地图"])["title"] == EVIL_NAME
    assert qs(maps["百度地图"])["content"] == EVIL_ADDRESS
    assert pair(qs(maps["高德地图"])["position"]) == (120.3009, 31.5789)


def test_station_text_is_escaped_in_the_page_head(evil_site: Path) -> None:
    page = station_page(evil_site, FEATURED)
    raw = page.read_text(encoding="utf-8")
    doc = soup(page)
    normal = soup(station_page(evil_site, "wuxi-center"))
    shape = lambda d: [(s.get("src"), s.get("type"), s.get("id")) for s in d.find_all("script")]  # noqa: E731
    assert shape(doc) == shape(normal)  # no script element beyond an ordinary station page's seven
    assert len(shape(normal)) == 7
    assert doc.title.get_text() == f"{EVIL_NAME} - 流动党员服务驿站"
    assert doc.find("meta", attrs={"name": "description"})["content"] == f"区镇驿站 · {EVIL_ADDRESS}"
    topic = doc.select('[data-md-component="header-topic"]')[0]
    assert topic.get_text().strip() == EVIL_NAME
    no_injection(doc, page)
    assert "<script>alert" not in raw and "<img src=x" not in raw and "<b>粗</b>" not in raw


def test_no_markup_injection_on_other_pages(evil_site: Path) -> None:
    listed = set()
    evil_page = station_page(evil_site, FEATURED)
    for page in sorted(evil_site.rglob("*.html")):
        if page == evil_page:
            continue  # see test_station_text_is_escaped_in_the_page_head
        raw = page.read_text(encoding="utf-8")
        assert "<script>alert" not in raw and "<img src=x" not in raw and "<b>粗</b>" not in raw, page
        doc = soup(page)
        no_injection(doc, page)
        for a in doc.find_all("a", href=True):
            if relative(a["href"]) and resolve(evil_site, page, a["href"]) == evil_page.resolve():
                assert a.get_text() == EVIL_NAME, page
                listed.add(str(page.relative_to(evil_site)))
        for p in doc.find_all(string=re.compile("粗体")):
            assert EVIL_ADDRESS in p, page  # the district page shows the address as plain text
    assert listed == {
        "hotlines/wuxi.html",
        "regions/wuxi/liangxi.html",
        "s/wuxi-center.html",  # child list
        "s/wuxi-liangxi-chongansi-huangting.html",  # parent link
    }


def test_extension_numbers_dial_the_extension_after_a_pause(evil_site: Path) -> None:
    for ident in ("wuxi-center", FEATURED, "wuxi-liangxi-chongansi-huangting"):
        links = article(station_page(evil_site, ident)).select("a.yz-tel")
        assert ("tel:+8651081820000,8", "0510-81820000转8") in [(a["href"], a.get_text()) for a in links]
    district = article(evil_site / "regions" / "wuxi" / "liangxi.html")
    assert [(a["href"], a.get_text()) for a in district.select("a.yz-tel")] == [
        ("tel:12371", "12371"),  # each station's first hotline
        ("tel:+8651082700000", "0510-82700000"),
        ("tel:+8651082700120", "0510-82700120"),
    ]


def test_common_hotline_links_dial_the_number(evil_site: Path) -> None:
    art = article(evil_site / "hotlines.html")
    top = section(art, "通用热线")
    assert [(a["href"], text(a.parent)) for a in top[0].select("a.yz-tel")] == [
        ("tel:+8651081820000,8", "0510-81820000转8 中心值班电话")
    ]
    # the city's printable page repeats the common numbers above its tables: the same tel: URI there
    city = article(evil_site / "hotlines" / "wuxi.html")
    (shared,) = [p for p in city.find_all("p") if text(p).startswith("通用热线：")]
    assert [(a["href"], a.get_text()) for a in shared.select("a.yz-tel")] == [("tel:+8651081820000,8", "0510-81820000转8")]
    assert [a for a in city.select("table a.yz-tel") if a.get_text() == SHARED["number"]] == []


# --------------------------------------------------------------------------- failed builds


def test_failed_build_leaves_previous_site_untouched(small_project: Path, tmp_path: Path) -> None:
    # two copies of a project whose site `yizhan build` made, broken in two ways and rebuilt side by side
    station_bad, mkdocs_bad = tmp_path / "station-problem", tmp_path / "mkdocs-failure"
    before, tree = snapshot(small_project / "build" / "site"), snapshot(small_project / "build" / "docs")
    assert ".yizhan-site" in before and "index.html" in before and f"s/{FEATURED}.html" in before
    for project in (station_bad, mkdocs_bad):
        shutil.copytree(small_project, project)
        assert snapshot(project / "build" / "site") == before  # bytes and modification times

    # 1. a station problem: reported as path:line:col, nothing built
    path = station_bad / "stations" / "wuxi" / "wuxi-center.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(i for i, x in enumerate(lines, 1) if x.startswith("hours:"))
    lines[line - 1] = lines[line - 1].replace("Mo-Fr", "Mo-Fx", 1)
    assert "Mo-Fx" in lines[line - 1]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    # 2. MkDocs itself fails half-way (strict mode and a broken link), after the temporary folder was made
    cfg = mkdocs_bad / "mkdocs.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "\nstrict: true\n", encoding="utf-8")
    about = mkdocs_bad / "content" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n[坏链接](missing.md)\n", encoding="utf-8")

    cmd = [sys.executable, "-m", "yizhan.cli", "build"]
    procs = [
        subprocess.Popen(cmd, cwd=p, env=ENV, stdout=PIPE, stderr=PIPE, text=True) for p in (station_bad, mkdocs_bad)
    ]
    (out1, err1), (out2, err2) = (p.communicate(timeout=120) for p in procs)

    assert procs[0].returncode == 1, out1 + err1
    out = [x for x in out1.splitlines() if ": warning: " not in x]  # the hostile notes' warnings come too
    assert len(out) == 1
    m = re.fullmatch(r"(stations/wuxi/wuxi-center\.yml):(\d+):(\d+): (.+)", out[0])
    assert m, out
    assert int(m[2]) == line
    assert lines[line - 1][int(m[3]) - 1 :].startswith("Fx")  # the column points at the bad day
    assert m[4] == 'hours: expected a weekday (Mo Tu We Th Fr Sa Su), found "Fx"'
    assert err1 == "1 problem(s) found; the site was not built and build/site is unchanged.\n"

    assert procs[1].returncode == 1, out2 + err2
    assert out2 == ""
    assert "site build failed: Aborted with 1 warnings in strict mode!" in err2
    assert "missing.md" in err2 and "Traceback" not in err2

    for project in (station_bad, mkdocs_bad):
        assert snapshot(project / "build" / "site") == before
        # no .site-new-* or .site-old-* (docs/ and posters/ are from the first, successful build)
        assert sorted(x.name for x in (project / "build").iterdir()) == ["docs", "posters", "site"]
    assert snapshot(station_bad / "build" / "docs") == tree  # stations are checked before the tree is written


def test_refuses_to_replace_a_folder_it_did_not_make(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p", SMALL)
    mine = project / "OUT" / "site"
    mine.mkdir(parents=True)
    (mine / "notes.txt").write_text("mine, not a site\n", encoding="utf-8")
    (mine / "sub").mkdir()
    (mine / "sub" / "a.html").write_text("<p>mine</p>", encoding="utf-8")
    before = snapshot(project / "OUT")
    result = run_yizhan(project, "build", "--out", "OUT")
    assert result.returncode == 1
    assert "exists and was not made by yizhan: refusing to replace it" in result.stderr
    assert str(mine.resolve()) in result.stderr
    assert snapshot(project / "OUT") == before
    assert sorted(p.name for p in (project / "OUT").iterdir()) == ["site"]


# --------------------------------------------------------------------------- plain `mkdocs build`


def test_plain_mkdocs_build_gives_the_same_pages(site: Path, mkdocs_site: Path) -> None:
    files = lambda root: sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())  # noqa: E731
    assert files(mkdocs_site) == files(site)
    pages = [rel for rel in files(site) if rel.endswith(".html")]
    assert len(pages) > 100 and f"s/{FEATURED}.html" in pages
    assert (mkdocs_site / ".yizhan-site").is_file()
    # the same bytes everywhere (the gzipped sitemap carries a time stamp)
    differ = [
        rel
        for rel in files(site)
        if rel != "sitemap.xml.gz" and (mkdocs_site / rel).read_bytes() != (site / rel).read_bytes()
    ]
    assert differ == []
    station = BeautifulSoup((mkdocs_site / f"s/{FEATURED}.html").read_text(encoding="utf-8"), "html.parser")
    assert str(station.find("article")) == str(article(station_page(site, FEATURED)))


def test_longest_region_names_make_short_file_names(tmp_path: Path) -> None:
    """30 characters of 双 (shuang) are 180 letters of pinyin: the slug is cut and keeps a hash of the name."""
    from tests.helpers import CENTER, STATION, network

    city, district = "双" * 29 + "市", "霜" * 29 + "区"
    project = copy_project(tmp_path / "p", [])
    network(project / "stations", STATION.replace("无锡市", city).replace("梁溪区", district))
    (project / "stations" / "center.yml").write_text(CENTER.replace("无锡市", city).replace("梁溪区", district), encoding="utf-8")
    result = run_yizhan(project, "build", "--no-posters")
    assert result.returncode == 0, result.stdout + result.stderr
    site = project / "build" / "site"
    names = sorted(p.relative_to(site).as_posix() for p in (site / "regions").rglob("*.html"))
    slug = "shuang" * 8 + "shu"  # 51 letters, a hyphen and 8 hex digits of the name's SHA-256: 60 characters
    assert [re.sub(r"-[0-9a-f]{8}", "-HASH", n) for n in names] == [
        "regions/index.html", f"regions/{slug}-HASH/index.html", f"regions/{slug}-HASH/{slug}-HASH.html"]  # fmt: skip
    assert names[1].split("/")[1] != Path(names[2]).stem  # city and district: the same pinyin, different names
    assert all(len(part) <= 60 for n in names for part in Path(n).with_suffix("").parts)
    city_page = BeautifulSoup((site / names[1]).read_text(encoding="utf-8"), "html.parser")
    assert city_page.find("article").h1.get_text() == city


def test_front_matter_survives_characters_yaml_forbids(tmp_path: Path) -> None:
    """Should a C1 control or U+FFFE ever reach a region name, the page's front matter stays YAML (else the engine would
    drop it and render its lines, station text included, as Markdown)."""
    import dataclasses

    from tests.helpers import network
    from yizhan.site.markup import yaml_string
    from yizhan.site.pages import Site
    from yizhan.stations.check import load_network
    from yizhan.stations.model import Network, Region

    net = load_network(network(tmp_path))
    odd = "测试\x80市\ufffe<b>"
    stations = {sid: dataclasses.replace(s, region=Region(odd, "区\x9f", "")) for sid, s in net.stations.items()}
    site = Site(Network(stations))
    pages = [site.city_page(odd), site.district_page(odd, "区\x9f", list(stations.values())), site.city_hotlines_page(odd, {})]
    for page in pages:
        front = yaml.safe_load(page.split("---\n")[1])
        assert front["title"].startswith("测试\x80市\ufffe&lt;b&gt;")
    assert yaml_string("a\x85b\x80\ud7ff\ue000") == '"a\x85b\\u0080\ud7ff\ue000"'
