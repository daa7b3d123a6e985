"""The station finder: its data files and page (unit tests), and the built finder in real Chromium."""

from __future__ import annotations

import copy
import functools
import gzip
import hashlib
import itertools
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from pypinyin import Style, lazy_pinyin

from tests.conftest import chromium, copy_project, serve_http
from yizhan.site import finder
from yizhan.stations.check import load_network
from yizhan.stations.codes import format_code, station_codes
from yizhan.stations.demo import generate
from yizhan.stations.geo import distance_km
from yizhan.stations.hours import to_json
from yizhan.stations.model import Network, Station
from yizhan.stations.phones import _SEP as PHONE_SEP

ROOT = Path(__file__).resolve().parents[2]
HOLIDAYS = ["2026-10-01", "2026-01-01"]
WUXI = (31.58, 120.30)
LEVEL_ZH = ["市级中心", "区镇驿站", "村社窗口", "小区点位"]
LEVEL_KEYS = ["center", "station", "window", "point"]


# ---------------------------------------------------------------------------------------------
# Helpers


@functools.lru_cache(maxsize=1)
def demo_network() -> Network:
    """The repository's demo stations."""
    return load_network(ROOT / "stations")


def payload(text: str) -> tuple[str, dict[str, Any]]:
    """The kind and payload of a data file `window.yizhanFinder.load("kind",{...});`."""
    m = re.fullmatch(r'window\.yizhanFinder\.load\("([a-z0-9]+)",(.*)\);\n', text, re.DOTALL)
    assert m, text[:80]
    return m[1], json.loads(m[2])


def by_kind(assets: list[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    """Payloads of the data files by kind (near, data, c0, c1, …)."""
    return dict(payload(text) for path, text in assets if not re.search(r"/finder\.[0-9a-f]{8}\.js$", path))


def undelta(values: list[int]) -> list[float]:
    """Coordinates back from the near file's delta-coded 1e-5 degrees."""
    out, acc = [], 0
    for v in values:
        acc += v
        out.append(acc / finder.SCALE)
    return out


def gz(text: str) -> int:
    """Gzip size in bytes."""
    return len(gzip.compress(text.encode("utf-8"), 9))


def rounded(s: Station) -> tuple[float, float]:
    """A station's position as the finder ships it."""
    return round(s.lat, 5), round(s.lon, 5)


def hay(s: Station) -> str:
    """What finder.js searches for a station, rebuilt in Python (lowercase)."""
    py = [finder.pinyin_tokens(finder._NAME_SUFFIX.sub("", s.name) or s.name)]
    py += [finder.pinyin_tokens(x) for x in (s.region.district, s.region.town, s.region.city)]
    nums = [h.number for h in s.hotlines]
    parts = [s.name, s.address, s.region.city + s.region.district + s.region.town, s.operator, " ".join(s.services),
             " ".join(nums), " ".join(re.sub(r"\D", "", n) for n in nums)]  # fmt: skip
    parts += [finder.tokens_full(p) + "\x01" + finder.tokens_initials(p) for p in py]
    parts.append(station_codes(demo_network().stations)[s.id])
    return "\x01".join(parts).lower()


def matching(network: Network, term: str) -> set[str]:
    """Ids of the stations whose search text contains `term`."""
    return {s.id for s in network.stations.values() if term in hay(s)}


# ---------------------------------------------------------------------------------------------
# Unit tests of yizhan.site.finder


def test_data_files_carry_their_content_hash() -> None:
    data = finder.finder_data(demo_network(), HOLIDAYS, chunk_size=20)
    paths = [p for p, _ in data.files]
    assert len(paths) == len(set(paths)) == 5  # 77 stations, 20 a chunk, and the more file
    for path, text in data.files:
        m = re.fullmatch(r"assets/yizhan/(finder-more|finder-c\d+)\.([0-9a-f]{8})\.js", path)
        assert m, path
        assert m[2] == hashlib.sha256(text.encode()).hexdigest()[:8]
    assert data.index["files"] == [p.split("/")[-1] for p in paths[:4]] and data.index["more"] == paths[4].split("/")[-1]


def test_output_is_deterministic() -> None:
    a = finder.finder_data(demo_network(), HOLIDAYS)
    b = finder.finder_data(load_network(ROOT / "stations"), list(reversed(HOLIDAYS)))
    assert a == b


def test_hashes_change_with_the_data() -> None:
    base = finder.finder_data(demo_network(), HOLIDAYS)
    net = copy.deepcopy(demo_network())
    net.stations["wuxi-liangxi-chongansi"].name = "梁溪区崇安寺街道流动党员服务驿站（新址）"
    renamed = finder.finder_data(net, HOLIDAYS)
    assert {p.split("/")[-1].split(".")[0] for p in set(dict(renamed.files)) - set(dict(base.files))} == {"finder-c0"}
    assert renamed.index["files"] != base.index["files"]  # the page names the new file
    net.stations["wuxi-liangxi-chongansi"].address += "一楼"  # a row shows it: in the chunk
    again = finder.finder_data(net, HOLIDAYS)
    assert {p.split("/")[-1].split(".")[0] for p in set(dict(again.files)) - set(dict(renamed.files))} == {"finder-c0"}
    net.stations["wuxi-liangxi-chongansi"].operator += "（新）"  # only the search needs it: in the more file
    last = finder.finder_data(net, HOLIDAYS)
    assert {p.split("/")[-1].split(".")[0] for p in set(dict(last.files)) - set(dict(again.files))} == {"finder-more"}
    assert finder.finder_data(demo_network(), ["2026-05-01"]).index["holidays"] == ["2026-05-01"]


def chunk_rows(data: finder.FinderData) -> dict[str, list[Any]]:
    """The chunks' per-station arrays joined in station order (coordinates decoded)."""
    kinds = by_kind(data.files)
    rows: dict[str, list[Any]] = {}
    for k in range(len(data.index["files"])):
        c = kinds[f"c{k}"]
        assert c["k"] == k
        for key in ("id", "c", "n", "py", "r", "hi", "s", "h", "a"):
            rows.setdefault(key, []).extend(c[key])
        rows.setdefault("ap", []).extend(int(x) for x in c["ap"])
        rows.setdefault("lv", []).extend(int(x) for x in c["lv"])
        rows.setdefault("pos", []).extend(zip(undelta(c["lat"]), undelta(c["lon"])))
        rows.setdefault("t", []).extend(c["t"].get(str(j), {}) for j in range(len(c["id"])))
    return rows


def test_chunks_hold_everything_a_row_and_the_search_need() -> None:
    net = demo_network()
    data = finder.finder_data(net, HOLIDAYS, chunk_size=16)
    ix, rows, more = data.index, chunk_rows(data), by_kind(data.files)["more"]
    stations = finder.order(net)
    assert ix["n"] == len(stations) == 77 and ix["chunk"] == 16 and len(ix["files"]) == 5
    assert rows["id"] == [s.id for s in stations] and rows["n"] == [s.name for s in stations]
    assert rows["c"] == [station_codes(net.stations)[s.id] for s in stations]
    assert rows["pos"] == [rounded(s) for s in stations]
    assert rows["lv"] == [LEVEL_KEYS.index(s.level) for s in stations]
    assert ix["levels"] == LEVEL_ZH and ix["holidays"] == sorted(HOLIDAYS)
    for i, s in enumerate(stations):
        hi = rows["hi"][i]
        assert (ix["hours"][hi] if hi >= 0 else None) == (to_json(s.hours) if s.hours else None)
        town = ix["towns"][rows["r"][i]]
        district = ix["districts"][town[0]]
        assert (ix["cities"][district[0]], district[1], town[1]) == (s.region.city, s.region.district, s.region.town)
        assert i // 16 in ix["tk"][rows["r"][i]]  # the picker knows which chunks hold a town's stations
        assert [v for b, v in enumerate(ix["svc"]) if rows["s"][i] >> b & 1] == sorted(s.services, key=ix["svc"].index)
        assert rows["h"][i] == "|".join(h.number for h in s.hotlines)
        for n, h in enumerate(s.hotlines):  # finder.js derives tel: from the number; the file carries only the exceptions
            digits = PHONE_SEP.sub("", h.number)
            derived = "tel:+86" + digits.removeprefix("0") if digits.isdigit() and len(digits) >= 10 else "tel:" + digits
            assert h.tel == rows["t"][i].get(str(n), derived)
        names = (ix["cities"][district[0]], district[1], town[1])  # the address travels without the names the row knows
        assert "".join(name for b, name in enumerate(names) if rows["ap"][i] >> b & 1) + rows["a"][i] == s.address
        assert more["ops"][more["o"][i]] == s.operator
    assert ix["cities"] == ["南京市", "无锡市", "镇江市"]


def test_index_boxes_and_levels_bound_each_chunk() -> None:
    data = finder.finder_data(demo_network(), HOLIDAYS, chunk_size=16)
    ix, rows = data.index, chunk_rows(data)
    for k in range(len(ix["files"])):
        part = range(16 * k, min(16 * k + 16, ix["n"]))
        lats, lons = [rows["pos"][i][0] for i in part], [rows["pos"][i][1] for i in part]
        assert [v / finder.SCALE for v in ix["box"][4 * k : 4 * k + 4]] == [min(lats), min(lons), max(lats), max(lons)]
        assert ix["lvm"][k] == sum({1 << rows["lv"][i] for i in part})


def test_stations_follow_a_space_filling_curve() -> None:
    """Neighbouring indexes are neighbours on the map, so one chunk usually holds the nearest stations."""
    stations = finder.order(demo_network())
    hops = [distance_km(a.lat, a.lon, b.lat, b.lon) for a, b in itertools.pairwise(stations)]
    assert sorted(hops)[len(hops) // 2] < 2.0  # median hop: a couple of km (the cities are 40-170 km apart)


def test_pinyin_full_and_initials() -> None:
    assert finder.pinyin_tokens("梁溪区崇安寺街道") == "liang xi qu chong an si jie dao"
    for text in ["梁溪区崇安寺街道", "长江路社区科技大厦", "金园小区9栋", "汇金大厦A座3号楼12层", "绿地 ABC 广场", "重庆路"]:
        tokens = finder.pinyin_tokens(text)
        assert finder.tokens_full(tokens) == "".join(lazy_pinyin(text)).lower().replace(" ", "")
        assert finder.tokens_initials(tokens) == "".join(lazy_pinyin(text, style=Style.FIRST_LETTER)).lower().replace(" ", "")
    data = finder.finder_data(demo_network(), HOLIDAYS)
    stations = finder.order(demo_network())
    i = next(k for k, s in enumerate(stations) if s.id == "wuxi-liangxi-chongansi")
    assert chunk_rows(data)["py"][i] == "liang xi qu chong an si jie dao"  # the common 流动党员服务驿站 is left out
    assert data.index["dpy"][[d[1] for d in data.index["districts"]].index("梁溪区")] == "liang xi qu"


def test_payload_per_station_at_province_scale(tmp_path: Path) -> None:
    """2,000 generated stations: the page's inline index stays small; a chunk (what the nearest need) about 10.5 kB
    (9 kB before the rows showed street addresses: about 1.5 kB of each chunk is theirs)."""
    generate(2000, tmp_path / "p")
    data = finder.finder_data(load_network(tmp_path / "p"), HOLIDAYS)
    chunks = [gz(t) for p, t in data.files if "finder-c" in p]
    assert len(chunks) == 10 and max(chunks) < 11_500, chunks
    assert gz(finder._inline_json(data.index)) < 12_000


def test_inline_index_cannot_end_its_script() -> None:
    text = finder._inline_json({"towns": [[0, "</script><script>alert(1)</script>"], [0, "<!--"]], "x": "\u2028"})
    assert "<" not in text and json.loads(text)["towns"][0][1] == "</script><script>alert(1)</script>"


def content_pages() -> list[list[str]]:
    """The finder's index of the repository's hand-written pages."""
    return finder.page_index({p.name: p.read_bytes() for p in (ROOT / "content").glob("*.md")}, set())


def test_finder_page_markdown() -> None:
    index = finder.finder_data(demo_network(), HOLIDAYS).index
    page = finder.finder_page(index, pages=content_pages())
    assert page.startswith("---\ntitle: 查找驿站\ntemplate: yizhan-finder.html\nsearch:\n  exclude: true\n---\n\n# 查找驿站\n")
    assert 'data-base="" data-station="s/{id}.html"' in page
    m = re.search(r"<script>\nwindow\.yizhanFinderIndex=(.*);\n</script>", page)
    boot = re.search(r"\nyizhanBoot\((.*)\);\n</script>", page)
    assert m and boot and page.index("yizhanBoot(") < page.index('<div id="yz-finder"') < page.index("yizhanFinderIndex=")
    assert json.loads(m[1]) | json.loads(boot[1]) == index | {"dir": "assets/yizhan/", "pages": content_pages()}
    folders = finder.finder_page(index, use_directory_urls=True)  # the page is finder/index.html then
    assert 'data-base="../" data-station="s/{id}/" data-regions="../regions/"' in folders and '"dir":"../assets/yizhan/"' in folders
    assert 'data-regions="regions/index.html"' in page and '<a class="yz-tel" href="tel:12371">拨打 12371</a>' in page
    for label in ["全部", *LEVEL_ZH]:
        assert f">{label}</button>" in page
    assert "<!-- yizhan:cities -->" in page  # the plugin lists the cities there (the no-JavaScript way)
    for block in re.findall(r"<(style|script|div id=\"yz-finder\").*?</(?:style|script|div)>\n\n", page, re.DOTALL):
        assert "\n\n" not in block.strip()  # a blank line would end the raw HTML block
    assert gz(page) < 16_500  # with the demo's pages: 16.1 kB, of which ~0.3 kB are yizhan.look's tokens (one source for every part)


def test_page_index_lists_the_sites_own_pages() -> None:
    files = {
        "index.md": "# 流动党员服务驿站\n\n## 查找驿站\n\n```\n# a comment in a code block\n```\n".encode(),
        "how-to-check-in.md": "# 如何报到\n\n## 第一步：[找到](finder.md)最近的**驿站**\n\n### 报到以后 {: #after }\n".encode(),
        "guide/faq.md": "---\ntitle: 常见问题\n---\n\n# 问答\n\n## A|B\n".encode(),
        "hotlines.md": "---\ntitle: 服务热线\n---\n\n# 服务热线\n\n## 无锡市\n".encode(),  # generated: title only
        "regions/index.md": "---\ntitle: 各地驿站\n---\n\n# 各地驿站\n".encode(),
        "regions/wuxi/index.md": "# 无锡市\n".encode(),  # a city page: not listed
        "s/x.md": "# 某驿站\n".encode(),
        "posters.md": "---\ntitle: 二维码海报\nsearch:\n  exclude: true\n---\n\n# 二维码海报\n".encode(),
        "finder.md": "# 查找驿站\n".encode(),
        "assets/yizhan/look.css": b"# not a page",
    }
    generated = {"hotlines.md", "regions/index.md", "regions/wuxi/index.md", "s/x.md", "posters.md"}
    assert finder.page_index(files, generated) == [
        ["常见问题", "guide/faq.html", "问答|A｜B", "chang jian wen ti"],
        ["服务热线", "hotlines.html", "", "fu wu re xian"],
        ["如何报到", "how-to-check-in.html", "第一步：找到最近的驿站|报到以后", "ru he bao dao"],
        ["流动党员服务驿站", "index.html", "查找驿站", "liu dong dang yuan fu wu yi zhan"],
        ["各地驿站", "regions/index.html", "", "ge di yi zhan"],
    ]
    links = [p[1] for p in finder.page_index(files, generated, use_directory_urls=True)]
    assert links == ["../guide/faq/", "../hotlines/", "../how-to-check-in/", "../", "../regions/"]


def test_finder_js_is_plain_and_local() -> None:
    js = (finder.ASSETS / "finder.js").read_text(encoding="utf-8")
    js = re.sub(r"//[^\n]*", "", re.sub(r"/\*.*?\*/", "", js, flags=re.DOTALL))  # code only
    assert not re.search(r"https?://", js)
    for forbidden in (".innerHTML", "insertAdjacentHTML", "document.write", "fetch(", "XMLHttpRequest", "=>", "`", "import "):
        assert forbidden not in js, forbidden


# ---------------------------------------------------------------------------------------------
# The built finder in Chromium

CHUNK = 16  # small chunks, so the demo's 77 stations make five and the chunk loading is exercised


@pytest.fixture(scope="module")
def finder_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo site built with the plugin (small data chunks, to exercise chunk loading)."""
    from yizhan.site.build import build_site, quiet_mkdocs

    project = copy_project(tmp_path_factory.mktemp("finder") / "project")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(finder, "CHUNK", CHUNK)
        quiet_mkdocs()
        build_site(project, project / "stations", project / "build")
    site = project / "build" / "site"
    assert len(list((site / "assets" / "yizhan").glob("finder-c*.js"))) == 5
    return site


@pytest.fixture(scope="module")
def server(finder_site: Path) -> Iterator[str]:
    """The built site over HTTP on 127.0.0.1 (a random port)."""
    with serve_http(finder_site) as url:
        yield url


@pytest.fixture(scope="module")  # not session: only one sync Playwright may run at a time, and other modules start theirs
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright."""
    with chromium() as b:
        yield b


class Opened:
    """Pages opened by one test, with every request and page error they produced."""

    def __init__(self, browser: Any) -> None:
        self.browser, self.contexts, self.requests, self.errors = browser, [], [], []  # type: ignore[var-annotated]

    def __call__(self, url: str, **context: Any) -> Any:
        ctx = self.browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, **context)
        self.contexts.append(ctx)
        ctx.on("request", lambda r: self.requests.append(r.url))
        page = ctx.new_page()
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.goto(url)
        return page


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """Open a page in a fresh context; afterwards assert no request left 127.0.0.1 / file:// and no script failed."""
    opened = Opened(browser)
    yield opened
    for ctx in opened.contexts:
        ctx.close()
    foreign = [u for u in opened.requests if not (u.startswith("file://") or urlsplit(u).hostname == "127.0.0.1")]
    assert not foreign, foreign
    assert opened.requests
    # Material's search worker cannot start from file:// (not the finder's concern)
    assert [e for e in opened.errors if "search_index" not in e] == []


def result_ids(page: Any) -> list[str]:
    """Station ids of the rendered result rows, from their links."""
    hrefs = page.eval_on_selector_all("#yz-results a.yz-f-name", "els => els.map(e => e.getAttribute('href'))")
    return [re.fullmatch(r"s/([a-z0-9-]+)\.html", h)[1] for h in hrefs]  # type: ignore[index]


def search(page: Any, text: str) -> tuple[str, list[str]]:
    """Type into the search box; the count line and the result ids."""
    page.fill("#yz-q", text)
    page.wait_for_function("() => document.getElementById('yz-finder').getAttribute('data-loaded') === 'all' && "
                           "/^(找到|没有找到)[^加]*$/.test(document.getElementById('yz-count').textContent)")  # fmt: skip
    return page.inner_text("#yz-count"), result_ids(page)


def search_all(page: Any, text: str) -> tuple[str, list[str]]:
    """Search, then tap 显示更多 until every result is shown."""
    count, ids = search(page, text)
    while page.locator("#yz-more").is_visible():
        n = len(ids)
        page.click("#yz-more")
        page.wait_for_function(f"() => document.querySelectorAll('#yz-results li').length > {n}")
        ids = result_ids(page)
    return count, ids


def nearest(lat: float, lon: float, level: str | None = None, n: int = 10) -> list[str]:
    """Ids of the n stations nearest to a point, by great-circle distance."""
    stations = [s for s in demo_network().stations.values() if level in (None, s.level)]
    return [s.id for s in sorted(stations, key=lambda s: distance_km(lat, lon, *rounded(s)))[:n]]


def test_geolocation_shows_the_nearest_stations(server: str, open_page: Callable[..., Any]) -> None:
    page = open_page(f"{server}/finder.html", geolocation={"latitude": WUXI[0], "longitude": WUXI[1]}, permissions=["geolocation"])
    page.wait_for_selector("#yz-finder[data-geo=ok] #yz-results li")
    expected = nearest(*WUXI)
    assert expected[0] == "wuxi-liangxi-chongansi"
    assert result_ids(page) == expected
    assert page.inner_text("#yz-count") == "离您最近的 10 个驿站："
    first = page.locator("#yz-results li").first
    assert first.locator(".yz-level").inner_text() == "区镇驿站"
    assert first.locator(".yz-f-dist").inner_text() == "150 米"
    assert first.locator(".yz-f-addr").inner_text() == "无锡市梁溪区中山路1号崇安寺街道党群服务中心"
    assert first.locator("a.yz-tel").get_attribute("href") == "tel:+8651082700000"
    assert first.locator("a.yz-tel").inner_text() == "拨打 0510-82700000"
    # phone first: name, level and distance, open now, street address, then the call button
    assert first.evaluate("li => Array.from(li.children).map(e => e.className)") == [
        "yz-f-name", "yz-f-meta", "yz-f-now", "yz-f-addr", "yz-tel"]
    assert page.inner_text("#yz-order") == "按距离排序（最近的在前）"
    assert re.fullmatch(r"现在(营业|休息)( · .+ (开门|关门))?", first.locator(".yz-f-open, .yz-f-closed").inner_text())
    assert page.locator("#yz-picker").is_hidden()
    # only neighbourhood points: one tap
    page.click("button.yz-f-chip[data-level='3']")
    page.wait_for_function("() => document.getElementById('yz-count').textContent.indexOf('小区点位') >= 0")
    assert result_ids(page) == nearest(*WUXI, level="point")
    assert set(page.locator("#yz-results .yz-level").all_inner_texts()) == {"小区点位"}
    box = page.locator("button.yz-f-chip[data-level='3']").bounding_box()
    assert box["height"] >= 48 and box["width"] >= 48
    page.click("#yz-results a.yz-f-name >> nth=0")
    page.wait_for_load_state()
    assert page.url == f"{server}/s/{nearest(*WUXI, level='point')[0]}.html"


def test_denied_location_offers_the_region_picker(server: str, open_page: Callable[..., Any]) -> None:
    page = open_page(f"{server}/finder.html")  # no permission: Chromium denies at once
    page.wait_for_selector("#yz-finder[data-geo=denied] #yz-picker:not([hidden])")
    assert page.inner_text("#yz-status").startswith("无法获取您的位置（已拒绝定位）。请手动选择所在地区")
    page.select_option("#yz-city", label="无锡市")
    page.select_option("#yz-district", label="梁溪区")
    page.wait_for_function("() => document.getElementById('yz-count').textContent.indexOf('梁溪区共') === 0")
    liangxi = [s for s in demo_network().stations.values() if s.region.district == "梁溪区"]
    lat = sum(rounded(s)[0] for s in liangxi) / len(liangxi)
    lon = sum(rounded(s)[1] for s in liangxi) / len(liangxi)
    expected = sorted(liangxi, key=lambda s: (LEVEL_KEYS.index(s.level), distance_km(lat, lon, *rounded(s))))
    assert result_ids(page) == [s.id for s in expected][:10]
    assert page.inner_text("#yz-count").startswith(f"梁溪区共 {len(liangxi)} 个驿站，先显示 10 个")
    page.click("#yz-more")
    page.wait_for_function(f"() => document.querySelectorAll('#yz-results li').length === {len(liangxi)}")
    assert result_ids(page) == [s.id for s in expected]
    assert page.locator("#yz-results .yz-f-dist").first.inner_text().startswith("距梁溪区中心 ")
    assert page.inner_text("#yz-order") == "按级别排序，同一级别按距梁溪区中心的距离（近的在前）"
    page.select_option("#yz-town", label="崇安寺街道")
    page.wait_for_function("() => document.getElementById('yz-count').textContent.indexOf('崇安寺街道共') === 0")
    assert set(result_ids(page)) == {s.id for s in liangxi if s.region.town == "崇安寺街道"}
    for sel in ("#yz-city", "#yz-district", "#yz-town", "#yz-place"):
        assert page.locator(sel).bounding_box()["height"] >= 48
    page.fill("#yz-place", "扬名")  # a place name searches like the search box
    page.wait_for_function("() => document.getElementById('yz-count').textContent.indexOf('找到') === 0")
    assert set(result_ids(page)) == matching(demo_network(), "扬名") and page.input_value("#yz-q") == "扬名"


def test_location_timeout_offers_the_region_picker(server: str, open_page: Callable[..., Any]) -> None:
    page = open_page(f"{server}/finder.html", permissions=["geolocation"])  # allowed, but no position ever comes
    page.wait_for_selector("#yz-picker:not([hidden])", timeout=12_000)
    assert page.get_attribute("#yz-finder", "data-geo") in ("timeout", "unavailable")
    assert page.inner_text("#yz-status").endswith("请手动选择所在地区，或在上方输入地名搜索。")
    assert page.locator("#yz-city option").all_inner_texts() == ["请选择城市", "南京市", "无锡市", "镇江市"]


def test_search_as_you_type(server: str, open_page: Callable[..., Any]) -> None:
    net = demo_network()
    liangxi = {s.id for s in net.stations.values() if s.region.district == "梁溪区"}
    page = open_page(f"{server}/finder.html")
    page.wait_for_selector("#yz-picker:not([hidden])")
    count, ids = search(page, "崇安寺")  # also finds the stations on 崇安寺街道 whose name does not say so
    assert set(ids) == matching(net, "崇安寺") and "wuxi-liangxi-chongansi-sanfengqiao-zhongshan" in ids
    assert count == f"找到 {len(ids)} 个驿站："
    assert ids[0] == "wuxi-liangxi-chongansi"  # name matches first, then by level
    assert page.inner_text("#yz-order") == "按匹配程度排序（名称相符的在前）"
    assert page.locator("#yz-results .yz-f-dist").count() == 0  # not sorted by distance: none shown
    for query in ("liangxi", "LiangXi", "lxq", "梁溪区"):
        count, ids = search_all(page, query)
        assert set(ids) == liangxi == matching(net, query.lower()), query
    count, ids = search(page, "报到")
    offering = {s.id for s in net.stations.values() if "报到登记" in s.services}
    assert count == f"找到 {len(offering)} 个驿站，先显示 10 个：" and len(ids) == 10 and set(ids) <= offering
    page.click("#yz-more")
    page.wait_for_function("() => document.querySelectorAll('#yz-results li').length === 20")
    assert set(result_ids(page)) <= offering and result_ids(page)[:10] == ids
    for query in ("8270", "0510-8270", "８２７０"):
        count, ids = search_all(page, query)
        expected = {s.id for s in net.stations.values() if any("8270" in re.sub(r"\D", "", h.number) for h in s.hotlines)}
        assert count == f"找到 {len(expected)} 个驿站，先显示 10 个：" and len(ids) == len(expected) == len(set(ids)), query
        assert set(ids) == expected, query
    code = station_codes(net.stations)["wuxi-liangxi-chongansi-huangting"]
    for typed in (code, code.lower(), format_code(code)):  # the short code on the poster, typed by hand
        count, ids = search(page, typed)
        assert ids == ["wuxi-liangxi-chongansi-huangting"], typed
    codes = station_codes(net.stations)
    sid, code = next((s, c) for s, c in sorted(codes.items()) if "0" in c or "1" in c)
    for typed in (code.replace("0", "O").replace("1", "I"), code.replace("1", "l").lower(), f"{code[:3]}-{code[3:]}"):
        count, ids = search(page, typed)  # read the Crockford way, as the kiosk reads /Q/<code>
        assert ids == [sid], typed
    count, ids = search(page, "无锡 窗口 志愿")  # every word must match
    assert set(ids) == {i for i in matching(net, "无锡") & matching(net, "窗口") & matching(net, "志愿")} and ids
    count, ids = search(page, "没有这个地方")
    assert ids == [] and count == "没有找到与“没有这个地方”相关的驿站。"
    page.click("button.yz-f-chip[data-level='0']")
    count, ids = search(page, "报到")
    assert count == "找到 3 个市级中心：" and len(ids) == 3
    page.fill("#yz-q", "")
    assert page.locator("#yz-results li").count() == 0


def test_query_parameter_prefills_the_search(server: str, open_page: Callable[..., Any]) -> None:
    page = open_page(f"{server}/finder.html?s={quote('崇安寺')}", geolocation={"latitude": WUXI[0], "longitude": WUXI[1]},
                     permissions=["geolocation"])  # fmt: skip
    page.wait_for_function("() => document.getElementById('yz-count').textContent.indexOf('找到') === 0")
    assert page.input_value("#yz-q") == "崇安寺"
    page.wait_for_selector("#yz-finder[data-loaded=all]")
    page.wait_for_function("() => document.getElementById('yz-count').textContent.indexOf('仍在加载') < 0")
    assert set(result_ids(page)) == matching(demo_network(), "崇安寺")
    assert "米" in page.locator("#yz-results .yz-f-dist").first.inner_text()  # distances once the location is known
    assert page.inner_text("#yz-order") == "按距离排序（最近的在前）"
    assert result_ids(page) == [i for i in nearest(*WUXI, n=77) if i in matching(demo_network(), "崇安寺")][:10]


def test_finder_works_from_file_url(finder_site: Path, open_page: Callable[..., Any]) -> None:
    page = open_page((finder_site / "finder.html").as_uri())
    page.wait_for_selector("#yz-picker:not([hidden])")
    _, ids = search(page, "huangting")
    assert ids == ["wuxi-liangxi-chongansi-huangting"]
    href = page.get_attribute("#yz-results a.yz-f-name", "href")
    assert href == "s/wuxi-liangxi-chongansi-huangting.html"
    page.click("#yz-results a.yz-f-name")
    page.wait_for_load_state()
    assert page.title().startswith("崇安寺街道皇亭社区流动党员服务窗口")
    assert page.url == (finder_site / "s" / "wuxi-liangxi-chongansi-huangting.html").as_uri()


def test_data_text_is_never_markup(server: str, open_page: Callable[..., Any]) -> None:
    evil = '<img src=x onerror="window.pwned=1">'

    def poison(route: Any) -> None:
        from playwright.sync_api import Error

        try:
            body = route.fetch().text().replace("梁溪区崇安寺街道流动党员服务驿站", json.dumps(evil + "驿站")[1:-1])
            route.fulfill(body=body, content_type="application/javascript")
        except Error:  # the page went on loading chunks in the background; the test closed it meanwhile
            pass

    page = open_page("about:blank", geolocation={"latitude": WUXI[0], "longitude": WUXI[1]}, permissions=["geolocation"])
    page.route("**/assets/yizhan/finder-c*.js", poison)
    page.goto(f"{server}/finder.html")
    page.wait_for_selector("#yz-finder[data-geo=ok] #yz-results li")
    assert page.locator("#yz-results a.yz-f-name").first.inner_text() == evil + "驿站"
    assert page.locator("#yz-results img").count() == 0 and page.evaluate("window.pwned") is None


def test_load_error_offers_a_retry(server: str, open_page: Callable[..., Any]) -> None:
    """Each chunk's first request fails (a dropped connection), the next succeeds: the notice's retry brings the rows."""
    seen: set[str] = set()

    def once(route: Any) -> None:
        if route.request.url in seen:
            route.continue_()
        else:
            seen.add(route.request.url)
            route.abort()

    page = open_page("about:blank", service_workers="block", geolocation={"latitude": WUXI[0], "longitude": WUXI[1]},
                     permissions=["geolocation"])  # fmt: skip  (the worker's precache would serve the chunks)
    page.route("**/assets/yizhan/finder-c*.js", once)
    page.goto(f"{server}/finder.html")
    page.wait_for_selector("#yz-finder[data-error=load]")
    assert page.inner_text("#yz-count") == "驿站数据没有加载成功。"
    assert page.get_attribute("#yz-box", "class") == "yz-f-box yz-notice yz-notice--error"
    assert page.get_attribute("#yz-box", "role") == "alert"
    assert page.locator("#yz-results li").count() == 0
    assert page.get_attribute("#yz-help a:text-is('按地区浏览')", "href") == "regions/index.html"
    assert page.get_attribute("#yz-help a.yz-tel", "href") == "tel:12371"
    assert page.inner_text("#yz-help a.yz-tel") == "拨打 12371"
    page.click("#yz-retry")
    page.wait_for_selector("#yz-results li")
    assert result_ids(page) == nearest(*WUXI)
    assert page.get_attribute("#yz-finder", "data-error") is None
    assert page.get_attribute("#yz-box", "class") == "yz-f-box" and page.inner_text("#yz-help") == ""
    assert page.inner_text("#yz-count") == "离您最近的 10 个驿站："
    page.goto(f"{server}/regions/index.html")  # where 按地区浏览 leads
    assert page.title().startswith("各地驿站")


def test_picker_load_error_says_so(server: str, open_page: Callable[..., Any]) -> None:
    page = open_page("about:blank", service_workers="block")
    page.route("**/assets/yizhan/finder-c*.js", lambda route: route.abort())
    page.goto(f"{server}/finder.html")  # no location: the picker needs the chunks of the chosen city
    page.wait_for_selector("#yz-picker:not([hidden])")
    page.select_option("#yz-city", label="无锡市")
    page.wait_for_selector("#yz-finder[data-error=load]")
    assert page.inner_text("#yz-count") == "驿站数据没有加载成功。"
    assert page.locator("#yz-retry").is_visible()
    assert page.locator("#yz-picker").is_visible()  # the location message still shows, with the picker


def test_search_shows_the_hotline_it_matched(server: str, open_page: Callable[..., Any]) -> None:
    page = open_page(f"{server}/finder.html")
    page.wait_for_selector("#yz-picker:not([hidden])")

    def call(query: str, station: str) -> tuple[str, str | None]:
        search(page, query)
        row = page.locator("#yz-results li", has=page.locator(f"a.yz-f-name[href='s/{station}.html']"))
        return row.locator("a.yz-tel").inner_text(), row.locator("a.yz-tel").get_attribute("href")

    # the second of a station's two numbers (0510-82700600 first)
    assert call("82700601", "wuxi-xinwu-shuofang") == ("拨打 0510-82700601", "tel:+8651082700601")
    assert call("0527-8430", "nanjing-zhuwai-suqian") == ("拨打 0527-84300000", "tel:+8652784300000")
    assert call("12371", "wuxi-center") == ("拨打 12371", "tel:12371")
    assert call("硕放", "wuxi-xinwu-shuofang") == ("拨打 0510-82700600", "tel:+8651082700600")  # no digits: the first


def test_no_results_notice_has_ways_forward(server: str, open_page: Callable[..., Any]) -> None:
    page = open_page(f"{server}/finder.html")
    page.wait_for_selector("#yz-picker:not([hidden])")
    count, ids = search(page, "没有这个地方")
    assert ids == [] and count == "没有找到与“没有这个地方”相关的驿站。"
    assert page.get_attribute("#yz-box", "class") == "yz-f-box yz-notice"
    assert page.locator("#yz-help li").all_inner_texts()[:3] == [
        "检查有没有错别字，或只输入名称里的两三个字", "试试拼音或拼音首字母，如 xwq（玄武区）", "按地区浏览，或打电话问"]
    assert page.get_attribute("#yz-help a.yz-tel", "href") == "tel:12371"
    assert page.get_attribute("#yz-help a:text-is('按地区浏览')", "href") == "regions/index.html"
    assert page.locator("#yz-retry").count() == 0
    page.click("button.yz-f-chip[data-level='0']")  # only city centres: say so
    page.wait_for_function("() => document.getElementById('yz-count').textContent.indexOf('市级中心') >= 0")
    assert page.locator("#yz-help li").first.inner_text() == "现在只看“市级中心”：点上方“全部”再找"
    page.click("button.yz-f-chip[data-level='-1']")
    search(page, "崇安寺")
    assert page.get_attribute("#yz-box", "class") == "yz-f-box" and page.inner_text("#yz-help") == ""
    # the page's own way to the national hotline
    assert page.get_attribute("article a.yz-tel[href='tel:12371']", "href") == "tel:12371"


def test_search_lists_the_sites_own_pages(finder_site: Path, server: str, open_page: Callable[..., Any]) -> None:
    """The header search of every page sends its words here as ?s=: hand-written pages are found too, also from file://."""
    page = open_page(f"{server}/finder.html?s={quote('如何报到')}")
    page.wait_for_function("() => document.getElementById('yz-finder').getAttribute('data-loaded') === 'all' && "
                           "/^(找到|没有找到)[^加]*$/.test(document.getElementById('yz-count').textContent)")  # fmt: skip
    assert page.is_visible("#yz-pages") and page.inner_text("#yz-pages h2") == "页面"
    assert page.eval_on_selector_all("#yz-page-list a", "as => as.map(a => [a.textContent, a.getAttribute('href')])") == [
        ["如何报到", "how-to-check-in.html"]]
    assert page.inner_text("#yz-count") == "没有找到与“如何报到”相关的驿站，上面是找到的页面。"
    assert page.get_attribute("#yz-box", "class") == "yz-f-box"  # the page found is the answer: no notice
    search(page, "报到")  # pages and stations: the title first, then a page whose heading matches
    assert page.eval_on_selector_all("#yz-page-list a", "as => as.map(a => a.textContent)") == [
        "如何报到", "流动党员服务驿站 · 第一次报到？"]
    assert result_ids(page)
    search(page, "rhbd")  # a title's pinyin initials
    assert page.eval_on_selector_all("#yz-page-list a", "as => as.map(a => a.textContent)") == ["如何报到"]
    search(page, "崇安寺")
    assert page.is_hidden("#yz-pages")

    home = open_page((finder_site / "index.html").as_uri())  # a search form's GET from file://
    home.fill("form[action='finder.html'] input[name=s]", "服务热线")
    home.press("form[action='finder.html'] input[name=s]", "Enter")
    home.wait_for_url("**/finder.html?s=*")
    home.wait_for_selector("#yz-page-list a")
    assert home.input_value("#yz-q") == "服务热线"
    home.click("#yz-page-list a:text-is('服务热线')")
    home.wait_for_load_state()
    assert home.url == (finder_site / "hotlines.html").as_uri()


def test_a_place_search_asks_for_that_place_first(server: str, open_page: Callable[..., Any]) -> None:
    """?s=崇安寺 (as the home page's search form sends it): the chunks of the towns named so are requested before any
    other chunk, before the position is known (here: no permission, so never)."""
    page = open_page(f"{server}/finder.html?s={quote('崇安寺')}")
    page.wait_for_selector("#yz-finder[data-loaded=all]")
    d = page.evaluate("window.yizhanFinderIndex")
    want: list[int] = []
    for district, town in d["towns"]:
        if "崇安寺" in town + d["districts"][district][1]:
            want += [k for k in d["tk"][d["towns"].index([district, town])] if k not in want]
    asked: list[int] = []  # in the order first asked (the service worker fetches them again after the load)
    for u in open_page.requests:  # type: ignore[attr-defined]
        if (m := re.search(r"/finder-c(\d+)\.[0-9a-f]{8}\.js$", u)) and int(m[1]) not in asked:
            asked.append(int(m[1]))
    assert want and sorted(asked) == list(range(5))
    assert asked[: len(want)] == want and want != list(range(len(want)))  # not simply index order
    assert set(result_ids(page)) == matching(demo_network(), "崇安寺")
