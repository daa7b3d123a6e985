"""The station finder: compact, content-hashed JavaScript data files and the finder page.

The data files are scripts calling ``window.yizhanFinder.load(kind, payload)`` (not JSON for
fetch()), so the finder also works from ``file://``. Every per-station array is in one order,
a Hilbert curve over the coordinates, so that a run of stations (a chunk) is a compact area:

* ``finder-near.<hash>.js``: what the first screen needs (coordinates, level, opening hours,
  region, the city → district → town table for the manual picker, the chunk file names);
* ``finder-c<k>.<hash>.js``: ids, names and first hotline of chunk k, to show the nearest rows;
* ``finder-data.<hash>.js``: what search needs first (ids, names, pinyin), loaded when the search box is used;
* ``finder-more.<hash>.js``: the rest (addresses, operators, services, hotlines), loaded right after it.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from pypinyin import lazy_pinyin
from pypinyin.seg.simpleseg import seg

from .geo import LAT_RANGE, LON_RANGE
from .hours import Hours, to_json
from .model import Network, Station
from .vocab import LEVEL_ORDER, LEVELS, SERVICES

ASSETS = Path(__file__).parent / "assets"
DIR = "assets/yizhan"
CHUNK = 250  # stations per name chunk: the 10 nearest usually need one or two
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


def _regions(network: Network) -> tuple[list[str], list[list[Any]], list[list[Any]], dict[tuple[str, str, str], int]]:
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
    return {str(k): h.tel for k, h in enumerate(s.hotlines) if h.tel != "tel:" + _TEL_SEP.sub("", h.number)}


def _chunk(k: int, part: list[Station]) -> dict[str, Any]:
    """What the nearest rows of one chunk show: id, name, first hotline (and its tel: URI if unusual)."""
    tel = {str(i): s.hotlines[0].tel for i, s in enumerate(part) if s.hotlines and "0" in _tel(s)}
    return {"k": k, "id": [s.id for s in part], "n": [s.name for s in part],
            "h": [s.hotlines[0].number if s.hotlines else "" for s in part], "t": tel}  # fmt: skip


def _near(stations: list[Station], network: Network, holidays: list[str], chunk_size: int, chunks: list[str]) -> dict[str, Any]:
    """The first screen's data: positions, levels, hours, regions and the chunk file names."""
    cities, districts, towns, town_index = _regions(network)
    hours: dict[str, int] = {}
    keys: dict[Hours, str] = {}
    hours_idx = []
    for s in stations:
        if s.hours is None:
            hours_idx.append(-1)
            continue
        if s.hours not in keys:
            keys[s.hours] = json.dumps(to_json(s.hours), separators=(",", ":"))
        hours_idx.append(hours.setdefault(keys[s.hours], len(hours)))
    return {
        "n": len(stations),
        "lat": _delta([round(s.lat * SCALE) for s in stations]),
        "lon": _delta([round(s.lon * SCALE) for s in stations]),
        "lv": "".join(str(LEVEL_ORDER.index(s.level)) for s in stations),
        "r": [town_index[(s.region.city, s.region.district, s.region.town)] for s in stations],
        "hi": hours_idx,
        "hours": [json.loads(k) for k in hours],
        "holidays": sorted(holidays),
        "levels": list(LEVELS.values()),
        "cities": cities,
        "districts": districts,
        "towns": towns,
        "chunk": chunk_size,
        "chunks": chunks,
    }


def _search(stations: list[Station], network: Network) -> dict[str, Any]:
    """What search needs first: ids, names and pinyin tokens (of names without the common suffix, and of regions)."""
    cities, districts, towns, _ = _regions(network)
    return {
        "id": [s.id for s in stations],
        "n": [s.name for s in stations],
        "py": [pinyin_tokens(_NAME_SUFFIX.sub("", s.name) or s.name) for s in stations],
        "cpy": [pinyin_tokens(c) for c in cities],
        "dpy": [pinyin_tokens(d[1]) for d in districts],
        "tpy": [pinyin_tokens(t[1]) for t in towns],
    }


def _more(stations: list[Station]) -> dict[str, Any]:
    """The rest of the search data: addresses, operators, services (a bit mask), hotlines and unusual tel: URIs."""
    operators: dict[str, int] = {}
    used = {v for s in stations for v in s.services}
    services = [v for v in SERVICES if v in used] + sorted(used - set(SERVICES))
    bit = {v: 1 << i for i, v in enumerate(services)}
    return {
        "a": [s.address for s in stations],
        "o": [operators.setdefault(s.operator, len(operators)) for s in stations],
        "ops": list(operators),
        "s": [sum(bit[v] for v in s.services) for s in stations],
        "svc": services,
        "h": ["|".join(h.number for h in s.hotlines) for s in stations],
        "t": {str(i): t for i, s in enumerate(stations) if (t := _tel(s))},
    }


def finder_assets(network: Network, holidays: list[str], chunk_size: int | None = None) -> list[tuple[str, str]]:
    """(path under the docs folder, text) of finder.js and the finder's data files, all with content-hashed names."""
    size = chunk_size or CHUNK
    stations = order(network)
    chunks = [_js(f"c{k}", _chunk(k, stations[i : i + size])) for k, i in enumerate(range(0, len(stations), size))]
    out = [(_hashed(f"finder-c{k}", text), text) for k, text in enumerate(chunks)]
    near = _near(stations, network, holidays, size, [posixpath.basename(path) for path, _ in out])
    files = (("finder", (ASSETS / "finder.js").read_text(encoding="utf-8")), ("finder-near", _js("near", near)),
             ("finder-data", _js("data", _search(stations, network))), ("finder-more", _js("more", _more(stations))))  # fmt: skip
    return out + [(_hashed(stem, text), text) for stem, text in files]


def asset_names(assets: list[tuple[str, str]]) -> dict[str, str]:
    """The finder page's assets by kind ('js', 'near', 'data', 'more'), from finder_assets' paths."""
    kinds = {"finder": "js", "finder-near": "near", "finder-data": "data", "finder-more": "more"}
    return {kinds[stem]: path for path, _ in assets if (stem := posixpath.basename(path).split(".")[0]) in kinds}


def finder_page(asset_names: dict[str, str], use_directory_urls: bool = False) -> str:
    """The Markdown of finder.md: the finder's HTML scaffold and scripts, with paths relative to where the page ends up."""
    # MkDocs does not rewrite raw HTML: finder.html (or finder/ with directory URLs) must get its paths right itself.
    base = "../" if use_directory_urls else ""
    station = "s/{id}/" if use_directory_urls else "s/{id}.html"
    up = {kind: base + path for kind, path in asset_names.items()}
    chips = "".join(f'<button type="button" class="yz-f-chip" data-level="{i}" aria-pressed="false">{label}</button>'
                    for i, label in enumerate(LEVELS.values()))  # fmt: skip
    css = (ASSETS / "finder.css").read_text(encoding="utf-8").strip()
    css = "\n".join(line for line in css.splitlines() if line.strip())  # a blank line would end the raw HTML block
    return f"""---
title: 查找驿站
---

# 查找驿站

<style>
{css}
</style>

<script>window.yizhanFinder=window.yizhanFinder||{{q:[],load:function(k,p){{this.q.push([k,p])}}}};window.addEventListener("error",function(e){{var f=window.yizhanFinder;if(e.target&&e.target.id==="yz-near-js"){{f.failed?f.failed("near"):f.nearFailed=true}}}},true);</script>
<script async id="yz-near-js" src="{up['near']}"></script>

<div id="yz-finder" class="yz-finder" data-near="{up['near']}" data-data="{up['data']}" data-more="{up['more']}" data-base="{base}" data-station="{station}">
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
<p id="yz-count" class="yz-f-count"></p>
<ol id="yz-results" class="yz-f-results"></ol>
<button type="button" id="yz-more" class="yz-f-btn yz-f-more" hidden>显示更多</button>
</div>

<noscript><p>查找功能需要浏览器启用 JavaScript。您也可以按下方地区浏览，或查看服务热线。</p></noscript>

<script src="{up['js']}"></script>

## 按地区浏览

<!-- yizhan:cities -->

找不到合适的驿站？拨打各地驿站的[服务热线](hotlines.md)，或全国党员服务热线 **12371**。
"""

