"""Generate the directory's Markdown pages (stations, regions, hotlines) from a Network."""

from __future__ import annotations

import json
import os
import posixpath
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import jinja2

from yizhan.posters.index import SITE_DIR as POSTER_DIR
from yizhan.posters.index import PosterIndex
from yizhan.stations.hours import STATE_ZH, Hours, constant_state, describe_zh, to_json
from yizhan.stations.model import Hotline, Network, Station
from yizhan.stations.regions import unique_slugs
from yizhan.stations.vocab import LEVELS

from .links import json_ld, map_links
from .markup import h, md, yaml_string

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=False,
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)
_ENV.filters.update(md=md, h=h)
_STATION = _ENV.get_template("station.md")
CITIES_MARKER = "<!-- yizhan:cities -->"


def html_path(md: str, use_directory_urls: bool) -> str:
    """Where an engine writes the page of Markdown file `md`."""
    stem = md[: -len(".md")]
    if not use_directory_urls or posixpath.basename(stem) == "index":
        return stem + ".html"
    return stem + "/index.html"


NOW_UNSURE = "营业状态：请以现场为准"  # the open-now line without JavaScript; hours.js replaces it


@lru_cache(maxsize=4096)
def _hours_view(hours: Hours) -> tuple[str, str, str, str]:
    """Chinese text, browser JSON, and the open-now line and its class without JavaScript (the line itself when
    the state never changes: 24/7, only a comment) of a schedule (stations share a handful of them)."""
    state = constant_state(hours)
    now = {"open": f"{STATE_ZH['open']} · 全天营业", "unknown": STATE_ZH["unknown"]}.get(state or "", NOW_UNSURE)
    css = f" yz-{state}" if now != NOW_UNSURE else ""
    return describe_zh(hours), json.dumps(to_json(hours), separators=(",", ":")), now, css


class Site:
    """All generated pages of one Network, keyed by their path under the docs folder."""

    def __init__(self, network: Network, holidays: list[str] | None = None, site_url: str = "",
                 use_directory_urls: bool = False) -> None:  # fmt: skip
        self.network = network
        self.use_directory_urls = use_directory_urls
        self.holidays_json = json.dumps(sorted(holidays or []))
        self.site_url = site_url.rstrip("/")
        cities = network.by_city()
        self.cities = cities
        self.city_slug = unique_slugs(list(cities))
        self.district_slug = {city: unique_slugs(list(d)) for city, d in cities.items()}
        self.poster_ids: frozenset[str] = frozenset()  # stations with a poster PDF under posters/s/

    def href(self, src: str, dst: str) -> str:
        """A relative link from the page of Markdown file `src` to `dst` (a Markdown page, or any other file of the
        site) as built: for raw HTML in pages, which the engines do not rewrite as they rewrite Markdown links."""
        built = html_path(dst, self.use_directory_urls) if dst.endswith(".md") else dst
        return posixpath.relpath(built, posixpath.dirname(html_path(src, self.use_directory_urls)) or ".")

    def station_path(self, s: Station) -> str:
        """Where a station's page lives under the docs folder."""
        return f"s/{s.id}.md"

    def district_path(self, city: str, district: str) -> str:
        """Where a district's page lives."""
        return f"regions/{self.city_slug[city]}/{self.district_slug[city][district]}.md"

    def pages(self) -> Iterator[tuple[str, str]]:
        """(path, Markdown) for every generated page."""
        for s in self.network.stations.values():
            yield self.station_path(s), self.station_page(s)
        yield "regions/index.md", self.regions_page()
        for city, districts in self.cities.items():
            yield f"regions/{self.city_slug[city]}/index.md", self.city_page(city)
            for district, stations in districts.items():
                yield self.district_path(city, district), self.district_page(city, district, stations)
        common = self.common_hotlines()
        yield "hotlines.md", self.hotlines_page(common)
        for city in self.cities:
            yield f"hotlines/{self.city_slug[city]}.md", self.city_hotlines_page(city, common)

    def station_page(self, s: Station) -> str:
        """The Markdown page of one station."""
        stations = self.network.stations
        url = f"{self.site_url}/s/{s.id}.html" if self.site_url else ""
        src, city = self.station_path(s), s.region.city
        return _STATION.render(
            s=s,
            city_href=self.href(src, f"regions/{self.city_slug[city]}/index.md"),
            district_href=self.href(src, self.district_path(city, s.region.district)) if s.region.district else "",
            hours_zh=_hours_view(s.hours)[0] if s.hours else "",
            hours_json=_hours_view(s.hours)[1] if s.hours else "",
            open_now=_hours_view(s.hours)[2] if s.hours else "",
            open_now_class=_hours_view(s.hours)[3] if s.hours else "",
            holidays_json=self.holidays_json,
            parent=stations.get(s.parent) if s.parent else None,
            children=[stations[c] for c in s.children],
            maps=map_links(s),
            jsonld=json_ld(s, url),
            poster=self.href(src, f"{POSTER_DIR}/s/{s.id}.pdf") if s.id in self.poster_ids else "",
        )

    def cities_list(self, from_path: str) -> str:
        """A Markdown list of cities with station counts, linked relative to `from_path`."""
        base = posixpath.dirname(from_path)
        lines = []
        for city, districts in self.cities.items():
            n = sum(len(v) for v in districts.values())
            link = posixpath.relpath(f"regions/{self.city_slug[city]}/index.md", base or ".")
            lines.append(f"- [{md(city)}]({link})（{n} 个站点）")
        return "\n".join(lines) + "\n"

    def regions_page(self) -> str:
        """Every city and its districts."""
        out = ["---", "title: 各地驿站", "---", "", "# 各地驿站", ""]
        for city, districts in self.cities.items():
            cs = self.city_slug[city]
            n = sum(len(v) for v in districts.values())
            out += [f"## [{md(city)}]({cs}/index.md)", "", f"共 {n} 个站点。", ""]
            for district, stations in districts.items():
                path = posixpath.relpath(self.district_path(city, district), "regions")
                out.append(f"- [{md(district or '市本级')}]({path})（{len(stations)}）")
            out.append("")
        return "\n".join(out)

    def city_page(self, city: str) -> str:
        """A city: its centre(s) and a table of districts with counts per level (rows stack on a phone)."""
        districts = self.cities[city]
        src = f"regions/{self.city_slug[city]}/index.md"
        out = ["---", f"title: {yaml_string(h(city))}", "search:", "  exclude: false", "---", "",
               f"# {md(city)}", ""]  # fmt: skip
        centers = [s for v in districts.values() for s in v if s.level == "center"]
        for c in centers:
            link = h(self.href(src, self.station_path(c)))
            out += [f'<p class="yz-go"><strong>{LEVELS["center"]}</strong>：<a href="{link}">{h(c.name)}</a></p>', ""]
        out += ['<table class="yz-table yz-table--compact">',
                "<thead><tr><th>区县</th>" + "".join(f'<th class="yz-num">{label}</th>' for label in LEVELS.values()) + "</tr></thead>",
                "<tbody>"]  # fmt: skip
        for district, stations in districts.items():
            count = Counter(s.level for s in stations)
            link = self.href(src, self.district_path(city, district))
            cells = "".join(f'<td class="yz-num" data-label="{label}">{count.get(lvl, 0)}</td>' for lvl, label in LEVELS.items())
            out.append(f'<tr><td><a href="{h(link)}">{h(district or "市本级")}</a></td>{cells}</tr>')
        out += ["</tbody>", "</table>", ""]
        hotlines = self.href(src, f"hotlines/{self.city_slug[city]}.md")
        out += [f'<p class="yz-go"><a href="{h(hotlines)}">查看{h(city)}服务热线</a></p>', ""]
        return "\n".join(out)

    def district_page(self, city: str, district: str, stations: list[Station]) -> str:
        """A district's stations grouped by level."""
        title = f"{city}{district}"
        back = self.href(self.district_path(city, district), f"regions/{self.city_slug[city]}/index.md")
        out = ["---", f"title: {yaml_string(h(title))}", "search:", "  exclude: true", "---", "",
               f"# {md(title)}", "", f'<p class="yz-go"><a href="{h(back)}">‹ {h(city)}</a></p>', ""]  # fmt: skip
        for level, label in LEVELS.items():
            group = [s for s in stations if s.level == level]
            if not group:
                continue
            out += [f"## {label}（{len(group)}）", ""]
            for s in group:
                town = f"{md(s.region.town)} · " if s.region.town else ""
                tel = f" · <a class=\"yz-tel\" href=\"{h(s.hotlines[0].tel)}\">{h(s.hotlines[0].number)}</a>" if s.hotlines else ""
                out.append(f"- [{md(s.name)}](../../s/{s.id}.md)  \n  {town}{md(s.address)}{tel}")
            out.append("")
        return "\n".join(out)

    def common_hotlines(self) -> dict[str, Hotline]:
        """Numbers shared by many stations (like 12371), listed once instead of on every row."""
        stations = self.network.stations.values()
        counts = Counter(t.number for s in stations for t in s.hotlines)
        total = max(len(self.network), 1)
        common = {n for n, c in counts.items() if c >= 3 and c / total >= 0.2}
        return {t.number: t for s in stations for t in s.hotlines if t.number in common}

    def hotlines_page(self, common: dict[str, Hotline]) -> str:
        """The hotlines index: common numbers, then one printable page per city."""
        out = ["---", "title: 服务热线", "---", "", "# 服务热线", ""]
        if common:
            out += ["## 通用热线", ""]
            out += [f"- <a class=\"yz-tel\" href=\"{h(t.tel)}\">{h(n)}</a> {md(t.label)}" for n, t in sorted(common.items())]
            out += [""]
        out += ["## 各地驿站热线", "", "每个城市一页，按区县列出全部站点的电话，可直接拨打，也可用 A4 纸打印。", ""]
        for city, districts in self.cities.items():
            n = sum(len(v) for v in districts.values())
            out.append(f"- [{md(city)}](hotlines/{self.city_slug[city]}.md)（{n} 个站点）")
        return "\n".join(out) + "\n"

    def city_hotlines_page(self, city: str, common: dict[str, Hotline]) -> str:
        """Every hotline of one city's stations, grouped by district, as printable tables (rows stack on a phone)."""
        title = f"{city}服务热线"
        src = f"hotlines/{self.city_slug[city]}.md"
        back = self.href(src, "hotlines.md")
        out = ["---", f"title: {yaml_string(h(title))}", "search:", "  exclude: true", "---", "",
               f"# {md(title)}", "", f'<p class="yz-go"><a href="{h(back)}">‹ 服务热线</a></p>', ""]  # fmt: skip
        if common:
            shared = "、".join(f"{md(t.label)} <a class=\"yz-tel\" href=\"{h(t.tel)}\">{h(n)}</a>" for n, t in sorted(common.items()))
            out += [f"通用热线：{shared}（下表不再重复列出）", ""]
        for district, stations in self.cities[city].items():
            rows = [(s, t) for s in stations for t in s.hotlines if t.number not in common]
            if not rows:
                continue
            out += [f"## {md(district or '市本级')}", "", '<table class="yz-table">',
                    "<thead><tr><th>站点</th><th>电话</th><th>说明</th></tr></thead>", "<tbody>"]  # fmt: skip
            for s, t in rows:
                link = h(self.href(src, self.station_path(s)))
                out.append(f'<tr><td><a href="{link}">{h(s.name)}</a></td>'
                           f'<td data-label="电话"><a class="yz-tel" href="{h(t.tel)}">{h(t.number)}</a></td>'
                           f'<td data-label="说明">{h(t.label)}</td></tr>')  # fmt: skip
            out += ["</tbody>", "</table>", ""]
        return "\n".join(out)


def posters_page(index: PosterIndex | None, use_directory_urls: bool = False) -> str:
    """The staff page (posters.md): one combined PDF per city, the whole network, and how to print."""
    up = "../" if use_directory_urls else ""  # posters/index.html: its links are raw HTML, not rewritten
    out = ["---", "title: 二维码海报", "search:", "  exclude: true", "---", "", "# 二维码海报（工作人员）", ""]
    if index is None or not (index.cities or index.all or index.stations):
        out += ["海报还没有生成。在项目目录运行 `yizhan posters`（或 `yizhan build`）后重新生成本站。", ""]
        return "\n".join(out)
    out += ["每张海报为 A4 竖版 PDF：驿站名称、二维码（设有报到平板的驿站扫码报到，其余驿站扫码查看驿站信息）、",
            "可手工输入的站点码、热线、开放时间和地址。打印时请选择“实际大小”（100%），不要“适合页面”。", ""]  # fmt: skip
    if index.cities:
        out += ['<table class="yz-table">', '<thead><tr><th>城市</th><th>海报</th><th class="yz-num">张数</th></tr></thead>', "<tbody>"]
        for city, (file, pages) in index.cities.items():
            out.append(f'<tr><td>{h(city)}</td><td data-label="海报"><a href="{h(up + POSTER_DIR + "/" + file)}">{h(os.path.basename(file))}</a></td>'
                       f'<td class="yz-num" data-label="张数">{pages}</td></tr>')  # fmt: skip
        out += ["</tbody>", "</table>", ""]
    if index.all:
        link = h(up + POSTER_DIR + "/" + index.all[0])
        out += [f'<p class="yz-go">全部驿站合订本：<a href="{link}">{h(index.all[0])}</a>（{index.all[1]} 张）</p>', ""]
    out += ["单个驿站的海报在各驿站页面的“二维码海报”链接里。", ""]
    return "\n".join(out)
