"""What a poster folder holds (its manifest, as an index) and the copy of its PDFs into a built site."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from yizhan.stations.model import Network

from .batch import MANIFEST, city_files, link

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


def planned_index(network: Network, root: Path, skipped: set[str] | None = None) -> PosterIndex:
    """The files a full `yizhan posters` run makes, known before it runs (for `yizhan build`); `skipped` get none."""
    skipped = skipped or set()
    files = city_files(network)
    index = PosterIndex(root, stations={sid: f"s/{sid}.pdf" for sid in network.stations if sid not in skipped})
    for city, districts in network.by_city().items():
        count = sum(1 for d in districts.values() for s in d if s.id not in skipped)
        if count:
            index.cities[city] = (files[city], count)
    index.all = ("all.pdf", len(index.stations)) if index.stations else None
    return index


def link_into_site(index: PosterIndex | None, site: Path) -> int:
    """Hard-link (or copy, across file systems) the poster PDFs into <site>/posters/; returns how many."""
    if index is None:
        return 0
    n = 0
    for rel in index.files():
        link(index.root / rel, site / SITE_DIR / rel)
        n += 1
    return n
