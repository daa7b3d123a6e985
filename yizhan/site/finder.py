"""The station finder: its page, the index it carries inline and compact, content-hashed data files.

The data files are scripts calling ``window.yizhanFinder.load(kind, payload)`` (not JSON for
fetch()), so the finder also works from ``file://``. Stations are in one order, a Hilbert curve
over the coordinates, so that a run of stations (a chunk) is a compact area:

* the page carries the index inline: each chunk's file name, bounding box and levels, the
  city → district → town table with centres and chunks (the manual picker), shared tables;
* ``finder-c<k>.<hash>.js``: everything a result row and the search need of chunk k (street addresses too: a row
  shows them); the nearest stations usually need one or two chunks, the search loads them all, nearest first;
* ``finder-more.<hash>.js``: operators, loaded after the chunks.

The page also carries a tiny index of the site's own pages (title, headings, link), so that a search from the header
of any page (``finder.html?s=…``) finds 如何报到 or 关于 as well as stations: made from the generated tree's Markdown,
engine-neutral (no MkDocs nav object).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pypinyin import lazy_pinyin
from pypinyin.seg.simpleseg import seg

from yizhan.look import base_css
from yizhan.stations.codes import station_codes
from yizhan.stations.geo import LAT_RANGE, LON_RANGE
from yizhan.stations.hours import Hours, to_json
from yizhan.stations.model import Network, Station
from yizhan.stations.vocab import LEVEL_ORDER, LEVELS, SERVICES

ASSETS = Path(__file__).parent / "assets"
DIR = "assets/yizhan"
TEMPLATE = "yizhan-finder.html"  # a lean page outside the theme's chrome: the finder must be fast on a slow phone
THEME_DIR = Path(__file__).parent / "templates" / "theme"
CHUNK = 200  # stations per chunk (about 9 kB gzip): the 10 nearest usually need one or two
SCALE = 100_000  # coordinates travel as integers of 1e-5 degree (about a metre)
_NAME_SUFFIX = re.compile(r"(?:流动)?党员服务(?:中心|驿站|窗口|点位|站|点)$")
_TEL_SEP = re.compile(r"[\s\-()（）]")
_MARK = "~"  # marks a non-Chinese run in a pinyin token list: its initials are the whole run


def _js(kind: str, payload: dict[str, Any]) -> str:
    """A data file: one call of the page's loader (U+2028/2029 escaped for old JavaScript engines)."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f'window.yizhanFinder.load("{kind}",{text});\n'


def _hashed(stem: str, text: str) -> str:
    """The asset path of a file whose name carries the first 8 hex digits of its content's SHA-256."""
    return f"{DIR}/{stem}.{hashlib.sha256(text.encode('utf-8')).hexdigest()[:8]}.js"


def _hilbert(lat: float, lon: float, bits: int = 16) -> int:
    """Position of a point on a Hilbert curve over China's bounding box."""
    n = 1 << bits
    x = min(n - 1, max(0, int((lon - LON_RANGE[0]) / (LON_RANGE[1] - LON_RANGE[0]) * n)))
    y = min(n - 1, max(0, int((lat - LAT_RANGE[0]) / (LAT_RANGE[1] - LAT_RANGE[0]) * n)))
    d, s = 0, n >> 1
    while s:
        rx, ry = int(x & s > 0), int(y & s > 0)
        d += s * s * ((3 * rx) ^ ry)
        if not ry:
            if rx:
                x, y = s - 1 - x, s - 1 - y
            x, y = y, x
        s >>= 1
    return d


def order(network: Network) -> list[Station]:
    """The finder's station order: along a Hilbert curve, ties by id."""
    return sorted(network.stations.values(), key=lambda s: (_hilbert(s.lat, s.lon), s.id))


@lru_cache(maxsize=65536)
def _word_pinyin(word: str) -> tuple[str, ...]:
    """Tokens of one segmented word: toneless syllables, or the marked non-Chinese run."""
    items = lazy_pinyin(word, errors=lambda run: _MARK + re.sub(r"\s+", "", run))
    return tuple(t.lower() for t in items if t and t != _MARK)


def pinyin_tokens(text: str) -> str:
    """Space-separated pinyin tokens of `text` (lazy_pinyin, toneless, lowercase; non-Chinese runs marked with ~)."""
    return " ".join(t for word in seg(text) for t in _word_pinyin(word))


def tokens_full(tokens: str) -> str:
    """Full pinyin from tokens, as finder.js derives it: 'liang xi qu' → 'liangxiqu'."""
    return "".join(t.removeprefix(_MARK) for t in tokens.split())


def tokens_initials(tokens: str) -> str:
    """Initials from tokens, as finder.js derives them (equal to lazy_pinyin with Style.FIRST_LETTER, lowercased)."""
    return "".join(t[1:] if t.startswith(_MARK) else t[0] for t in tokens.split())


Regions = tuple[list[str], list[list[Any]], list[list[Any]], dict[tuple[str, str, str], int]]  # what _regions returns


def _regions(network: Network) -> Regions:
    """Cities, districts [city, name], towns [district, name] and each region's town index (finder.js averages the centres)."""
    cities: list[str] = []
    districts: list[list[Any]] = []
    towns: list[list[Any]] = []
    index: dict[tuple[str, str, str], int] = {}
    for city, by_district in network.by_city().items():
        cities.append(city)
        for district, stations in by_district.items():
            districts.append([len(cities) - 1, district])
            for town in sorted({s.region.town for s in stations}):
                index[(city, district, town)] = len(towns)
                towns.append([len(districts) - 1, town])
    return cities, districts, towns, index


def _delta(values: list[int]) -> list[int]:
    """First value, then differences to the previous one."""
    return [v - values[i - 1] if i else v for i, v in enumerate(values)]


def _tel(s: Station) -> dict[str, str]:
    """Hotline tel: URIs that finder.js could not derive from the number alone, by hotline position."""
    return {str(k): h.tel for k, h in enumerate(s.hotlines) if h.tel != _derived_tel(h.number)}


def _derived_tel(number: str) -> str:
    """The tel: URI finder.js's telOf makes of a number: digits, in E.164 (+86, no trunk 0) for landlines and mobiles."""
    digits = _TEL_SEP.sub("", number)
    if digits.isdigit() and (digits.startswith("0") and len(digits) >= 10 or digits.startswith("1") and len(digits) == 11):
        return "tel:+86" + digits.removeprefix("0")
    return "tel:" + digits


def _scaled(value: float) -> int:
    """A coordinate as an integer of 1e-5 degree."""
    return round(value * SCALE)


class _Tables:
    """Lookup tables shared by the index and the chunks: hours patterns, services."""

    def __init__(self, stations: list[Station], services: Sequence[str] | None = None) -> None:
        self.hours: dict[Hours, int] = {}
        self.hours_json: list[Any] = []
        for s in stations:
            if s.hours is not None and s.hours not in self.hours:
                self.hours[s.hours] = len(self.hours_json)
                self.hours_json.append(to_json(s.hours))
        used = {v for s in stations for v in s.services}
        vocab = SERVICES if services is None else services  # the filter lists them in the project's order
        self.services = [v for v in vocab if v in used] + sorted(used - set(vocab))
        self.bit = {v: 1 << i for i, v in enumerate(self.services)}
        self.codes = station_codes(s.id for s in stations)


def _address(s: Station) -> tuple[int, str]:
    """The street address without the leading city, district and town names the row knows already, and which of them
    it began with (bits 1, 2, 4): finder.js puts them back, and the chunk is about 3% smaller."""
    text, prefix = s.address, 0
    for bit, name in ((1, s.region.city), (2, s.region.district), (4, s.region.town)):
        if name and text.startswith(name) and len(text) > len(name):
            text, prefix = text[len(name) :], prefix | bit
    return prefix, text


def _chunk(k: int, part: list[Station], tables: _Tables, town_index: dict[tuple[str, str, str], int]) -> dict[str, Any]:
    """Everything the rows and the search need of one run of stations (operators come later, in the more file)."""
    addresses = [_address(s) for s in part]
    return {
        "k": k,
        "id": [s.id for s in part],
        "c": [tables.codes[s.id] for s in part],  # the poster's short code, which members may type
        "n": [s.name for s in part],
        "py": [pinyin_tokens(_NAME_SUFFIX.sub("", s.name) or s.name) for s in part],
        "lat": _delta([_scaled(s.lat) for s in part]),
        "lon": _delta([_scaled(s.lon) for s in part]),
        "lv": "".join(str(LEVEL_ORDER.index(s.level)) for s in part),
        "r": [town_index[(s.region.city, s.region.district, s.region.town)] for s in part],
        "hi": [tables.hours[s.hours] if s.hours is not None else -1 for s in part],
        "s": [sum(tables.bit[v] for v in s.services) for s in part],
        "h": ["|".join(h.number for h in s.hotlines) for s in part],
        "t": {str(j): t for j, s in enumerate(part) if (t := _tel(s))},
        "a": [a for _, a in addresses],
        "ap": "".join(str(bits) for bits, _ in addresses),
    }


def _box(part: list[Station]) -> list[int]:
    """The chunk's bounding box [min lat, min lon, max lat, max lon] in 1e-5 degree."""
    lats, lons = [_scaled(s.lat) for s in part], [_scaled(s.lon) for s in part]
    return [min(lats), min(lons), max(lats), max(lons)]


def _index(regions: Regions, stations: list[Station], tables: _Tables, holidays: list[str], size: int,
           files: list[str], more: str) -> dict[str, Any]:  # fmt: skip
    """The page's inline data: chunk files with their areas and levels, regions for the picker, shared tables."""
    cities, districts, towns, town_index = regions
    chunks_of: list[set[int]] = [set() for _ in towns]
    for i, s in enumerate(stations):
        chunks_of[town_index[(s.region.city, s.region.district, s.region.town)]].add(i // size)
    parts = [stations[i : i + size] for i in range(0, len(stations), size)]
    return {
        "n": len(stations),
        "chunk": size,
        "files": files,
        "box": [v for part in parts for v in _box(part)],
        "lvm": [sum(1 << LEVEL_ORDER.index(lv) for lv in {s.level for s in part}) for part in parts],
        "more": more,
        "levels": list(LEVELS.values()),
        "holidays": sorted(holidays),
        "hours": tables.hours_json,
        "svc": tables.services,
        "cities": cities,
        "districts": districts,
        "towns": towns,
        "tk": [sorted(ks) for ks in chunks_of],
        "cpy": [pinyin_tokens(c) for c in cities],
        "dpy": [pinyin_tokens(d[1]) for d in districts],
        "tpy": [pinyin_tokens(t[1]) for t in towns],
    }


def _more(stations: list[Station]) -> dict[str, Any]:
    """What only search needs, loaded after the chunks: operators."""
    operators: dict[str, int] = {}
    return {"o": [operators.setdefault(s.operator, len(operators)) for s in stations], "ops": list(operators)}


@dataclass
class FinderData:
    """The finder's data files (path under the docs folder, text) and the index the page carries inline."""

    files: list[tuple[str, str]]
    index: dict[str, Any]


def finder_data(network: Network, holidays: list[str], chunk_size: int | None = None,
                services: Sequence[str] | None = None) -> FinderData:  # fmt: skip
    """Chunk files (all a result row and the search need, per run of stations on the curve), the more file and the index
    (the service filter in the order of the project's `services`, None for the default list)."""
    size = chunk_size or CHUNK
    stations = order(network)
    tables = _Tables(stations, services)
    regions = _regions(network)
    town_index = regions[3]
    texts = [_js(f"c{k}", _chunk(k, stations[i : i + size], tables, town_index)) for k, i in enumerate(range(0, len(stations), size))]
    files = [(_hashed(f"finder-c{k}", text), text) for k, text in enumerate(texts)]
    more = _js("more", _more(stations))
    files.append((_hashed("finder-more", more), more))
    names = [posixpath.basename(path) for path, _ in files]
    return FinderData(files, _index(regions, stations, tables, holidays, size, names[:-1], names[-1]))


_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
_HEADING = re.compile(r"^(#{1,3})[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
_INLINE = [(re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"), (re.compile(r"\{:?[^}]*\}"), ""), (re.compile(r"[*_`]"), "")]
PAGE_HEADINGS = 12  # per page: the index stays a few hundred bytes


def _plain(text: str) -> str:
    """A Markdown heading as text: links to their text, no emphasis marks or attribute lists."""
    for pattern, repl in _INLINE:
        text = pattern.sub(repl, text)
    return text.strip()[:40]


def _href(md_path: str, use_directory_urls: bool) -> str:
    """The link from the finder page (finder.html, or finder/index.html with directory URLs) to a Markdown file's page."""
    stem = md_path[: -len(".md")]
    if not use_directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return "../" + stem[: -len("index")]
    return "../" + stem + "/"


def page_index(files: Mapping[str, bytes], data_pages: set[str], use_directory_urls: bool = False) -> list[list[str]]:
    """The site's own pages for the finder's search, [title, link, headings joined by '|', title pinyin] each: every
    hand-written page (its title, its headings), and the generated pages at the top (服务热线, 各地驿站; titles only),
    not station, city or district pages, nor a page whose front matter says `search: exclude: true`."""
    out: list[list[str]] = []
    for path in sorted(files):
        written = path not in data_pages
        if not path.endswith(".md") or path == "finder.md" or not written and not (
                "/" not in path or path.count("/") == 1 and path.endswith("/index.md")):  # fmt: skip
            continue
        text = files[path].decode("utf-8", "replace")
        front = _FRONT.match(text)
        meta = front[1] if front else ""
        if re.search(r"^search:\s*\n\s+exclude:\s*true\b", meta, re.MULTILINE):
            continue
        body = _FENCE.sub("", text[front.end() if front else 0 :])
        heads = [(len(m[1]), _plain(m[2])) for m in _HEADING.finditer(body)]
        named = re.search(r"^title:[ \t]*(.+?)[ \t]*$", meta, re.MULTILINE)
        title = named[1].strip("'\"") if named else next((t for level, t in heads if level == 1), "")
        if not title:
            continue
        subs = [t for _, t in heads if t and t != title][:PAGE_HEADINGS] if written else []
        out.append([title, _href(path, use_directory_urls), "|".join(t.replace("|", "｜") for t in subs), pinyin_tokens(title)])
    return out


def _inline_json(payload: dict[str, Any]) -> str:
    """JSON safe inside an HTML <script> element (no '<', so no '</script>' or '<!--')."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


_COMMENT_LINES = re.compile(r"^[ \t]*/\*(?:(?!\*/).)*\*/[ \t]*\n|^[ \t]*//[^\n]*\n", re.MULTILINE | re.DOTALL)
_LINE_END_COMMENT = re.compile(r"(?<=[;{}),])[ \t]+// [^\n]*$", re.MULTILINE)  # after code that ends a statement or a call


def _asset(name: str) -> str:
    """An asset's text without blank lines (a blank line would end the raw HTML block in Markdown), indentation and
    comments (those that fill whole lines; in scripts also those after the code of a line): the page is inline, and
    every byte is on the slow phone's first request."""
    text = _COMMENT_LINES.sub("", (ASSETS / name).read_text(encoding="utf-8"))
    if name.endswith(".js"):
        text = _LINE_END_COMMENT.sub("", text)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _base_css() -> str:
    """yizhan.look's tokens, [hidden] and focus ring, inlined like the finder's own CSS (one source for every part)."""
    text = re.sub(r"/\*.*?\*/", "", base_css(), flags=re.DOTALL)  # no string of look.css holds "/*"
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def finder_page(index: dict[str, Any], use_directory_urls: bool = False, pages: list[list[str]] | None = None) -> str:
    """The Markdown of finder.md: the finder's HTML, its inline index and scripts (paths relative to the page); `pages`:
    the site's own pages its search also lists (page_index)."""
    # MkDocs does not rewrite raw HTML: finder.html (or finder/ with directory URLs) must get its paths right itself.
    base = "../" if use_directory_urls else ""
    station = "s/{id}/" if use_directory_urls else "s/{id}.html"
    regions = "../regions/" if use_directory_urls else "regions/index.html"
    chips = "".join(f'<button type="button" class="yz-f-chip" data-level="{i}" aria-pressed="false">{label}</button>'
                    for i, label in enumerate(LEVELS.values()))  # fmt: skip
    first = ("files", "box", "lvm")  # what finder-boot.js needs to ask for the nearest chunks at once
    boot = {key: index[key] for key in first} | {"dir": f"{base}{DIR}/"}
    rest = {key: value for key, value in index.items() if key not in first} | {"pages": pages or []}
    return f"""---
title: 查找驿站
template: {TEMPLATE}
search:
  exclude: true
---

# 查找驿站

<style>
{_base_css()}
{_asset("finder.css")}
</style>

<script>
{_asset("finder-boot.js")}
yizhanBoot({_inline_json(boot)});
</script>

<div id="yz-finder" class="yz-finder" data-base="{base}" data-station="{station}" data-regions="{regions}">
<form class="yz-f-search" role="search" action="">
<label class="yz-f-label" for="yz-q">搜索驿站名称、地址、拼音、服务或电话</label>
<input id="yz-q" type="search" name="s" placeholder="如：崇安寺、liangxi、报到、8270" autocomplete="off" enterkeyhint="search">
</form>
<div class="yz-f-chips" role="group" aria-label="按级别筛选"><button type="button" class="yz-f-chip" data-level="-1" aria-pressed="true">全部</button>{chips}</div>
<p id="yz-status" class="yz-f-status" role="status" aria-live="polite">正在获取您的位置…</p>
<div class="yz-f-actions"><button type="button" id="yz-locate" class="yz-f-btn">使用我的位置</button><button type="button" id="yz-manual" class="yz-f-btn">手动选择地区</button></div>
<div id="yz-picker" class="yz-f-picker" hidden>
<label>城市<select id="yz-city"><option value="">请选择城市</option></select></label>
<label>区县<select id="yz-district" disabled><option value="">请选择区县</option></select></label>
<label>街道/镇（可不选）<select id="yz-town" disabled><option value="">全部街道/镇</option></select></label>
<label>或输入地名<input id="yz-place" type="search" placeholder="如：中山路、崇安寺" autocomplete="off"></label>
</div>
<section id="yz-pages" class="yz-f-pages" aria-labelledby="yz-pages-h" hidden><h2 id="yz-pages-h">页面</h2><ul id="yz-page-list"></ul></section>
<div id="yz-box" class="yz-f-box"><p id="yz-count" class="yz-f-count"></p><div id="yz-help"></div></div>
<p id="yz-order" class="yz-f-order" hidden></p>
<ol id="yz-results" class="yz-f-results"></ol>
<button type="button" id="yz-more" class="yz-f-btn yz-f-more" hidden>显示更多</button>
</div>

<noscript><p>查找功能需要浏览器启用 JavaScript。您也可以按下方地区浏览，或查看服务热线。</p></noscript>

<script>
window.yizhanFinderIndex={_inline_json(rest)};
</script>

<script>
window.yizhanFinderBoot.place(window.yizhanFinderIndex);
</script>

<script>
{_asset("hours.js")}
</script>

<script>
{_asset("finder.js")}
</script>

## 按地区浏览

<!-- yizhan:cities -->

找不到合适的驿站？拨打各地驿站的[服务热线](hotlines.md)，或全国党员服务热线：

<p><a class="yz-tel" href="tel:12371">拨打 12371</a></p>
"""
