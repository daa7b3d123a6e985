"""Posters on the directory site: the staff page listing city PDFs, and the PDFs linked into the built site."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .markup import h, md
from .model import Network
from .posters import MANIFEST, city_files, link

SITE_DIR = "posters"  # the PDFs appear under <site>/posters/ (hard links to build/posters/, no extra disk)


@dataclass
class PosterIndex:
    """What `yizhan posters` last made: files relative to its output folder."""

    root: Path
    stations: dict[str, str] = field(default_factory=dict)  # id -> s/<id>.pdf
    cities: dict[str, tuple[str, int]] = field(default_factory=dict)  # city -> (city/<slug>.pdf, pages)
    all: tuple[str, int] | None = None

    def files(self) -> list[str]:
        """Every PDF to publish."""
        out = [*self.stations.values(), *(f for f, _ in self.cities.values())]
        return out + [self.all[0]] if self.all else out


def load_index(root: Path) -> PosterIndex | None:
    """The poster folder's manifest, keeping only files that exist; None when there are no posters."""
    try:
        data = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    index = PosterIndex(root)
    index.stations = {k: v["file"] for k, v in data.get("stations", {}).items() if (root / v["file"]).is_file()}
    index.cities = {k: (v["file"], v["count"]) for k, v in data.get("cities", {}).items() if (root / v["file"]).is_file()}
    entry = data.get("all")
    if entry and (root / entry["file"]).is_file():
        index.all = (entry["file"], entry["count"])
    return index


def planned_index(network: Network, root: Path) -> PosterIndex:
    """The files a full `yizhan posters` run makes, known before it runs (for `yizhan build`)."""
    files = city_files(network)
    index = PosterIndex(root, stations={sid: f"s/{sid}.pdf" for sid in network.stations})
    index.cities = {city: (files[city], sum(len(v) for v in d.values())) for city, d in network.by_city().items()}
    index.all = ("all.pdf", len(network))
    return index


def posters_page(index: PosterIndex | None) -> str:
    """The staff page (posters.md): one combined PDF per city, the whole network, and how to print."""
    out = ["---", "title: 二维码海报", "search:", "  exclude: true", "---", "", "# 二维码海报（工作人员）", ""]
    if index is None or not (index.cities or index.all or index.stations):
        out += ["海报还没有生成。在项目目录运行 `yizhan posters`（或 `yizhan build`）后重新生成本站。", ""]
        return "\n".join(out)
    out += ["每张海报为 A4 竖版 PDF：驿站名称、二维码（设有报到平板的驿站扫码报到，其余驿站扫码查看驿站信息）、",
            "可手工输入的站点码、热线、开放时间和地址。打印时请选择“实际大小”（100%），不要“适合页面”。", ""]  # fmt: skip
    if index.cities:
        out += ["| 城市 | 海报 | 张数 |", "|---|---|---:|"]
        for city, (file, pages) in index.cities.items():
            out.append(f'| {md(city)} | <a href="{h(SITE_DIR + "/" + file)}">{h(os.path.basename(file))}</a> | {pages} |')
        out.append("")
    if index.all:
        out += [f'全部驿站合订本：<a href="{h(SITE_DIR + "/" + index.all[0])}">{h(index.all[0])}</a>（{index.all[1]} 张）', ""]
    out += ["单个驿站的海报在各驿站页面的“二维码海报”链接里。", ""]
    return "\n".join(out)


def link_into_site(index: PosterIndex | None, site: Path) -> int:
    """Hard-link (or copy, across file systems) the poster PDFs into <site>/posters/; returns how many."""
    if index is None:
        return 0
    n = 0
    for rel in index.files():
        link(index.root / rel, site / SITE_DIR / rel)
        n += 1
    return n
