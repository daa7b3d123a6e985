"""Every file of the generated tree: the hand-written pages (the city list filled in), the station, region, hotline
and poster pages, the finder page and its data, and the site's own assets. Engines build the site from this tree."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path

from yizhan import look
from yizhan.config import Settings
from yizhan.posters.index import PosterIndex
from yizhan.stations.model import Network
from yizhan.stations.regions import RegionOrder

from .finder import THEME_DIR, finder_data, finder_page, page_index
from .pages import CITIES_MARKER, Site, html_path, posters_page

ASSETS = Path(__file__).parent / "assets"
# added to the theme's stylesheets: the product's one look (design tokens, buttons, tables), then the site's use of it
CSS = ["assets/yizhan/look.css", "assets/yizhan/yizhan.css"]
JS = ["assets/yizhan/hours.js", "assets/yizhan/offline.js"]  # and scripts
SOURCES = {"assets/yizhan/look.css": look.STYLESHEET}  # assets kept elsewhere than ASSETS


__all__ = ["CSS", "JS", "THEME_DIR", "Tree", "generate", "html_path"]


@dataclass
class Tree:
    """The files of the generated tree (path -> bytes) and which pages are made from station data."""

    files: dict[str, bytes]
    data_pages: set[str]  # Markdown paths: inline code in these pages' content is never trusted

    def html_pages(self, use_directory_urls: bool) -> set[str]:
        """The built HTML paths of the data pages (s/x.md is s/x.html, or s/x/index.html with directory URLs)."""
        return {html_path(p, use_directory_urls) for p in self.data_pages}


def _hand_written(content: Path) -> dict[str, Path]:
    """The project's own pages and files (hidden ones left out, as engines do)."""
    out: dict[str, Path] = {}
    if content.is_dir():
        for path in sorted(content.rglob("*")):
            rel = path.relative_to(content).as_posix()
            if path.is_file() and not any(part.startswith(".") for part in rel.split("/")):
                out[rel] = path
    return out


def generate(settings: Settings, network: Network, posters: PosterIndex | None) -> Tree:
    """The whole tree for `network`: what any engine needs to build the site."""
    network.order_regions(RegionOrder(settings.city_order, settings.district_order))  # mkdocs.yml's region_order
    site = Site(network, list(settings.holidays), settings.site_url, settings.use_directory_urls)
    site.poster_ids = frozenset(posters.stations) if posters else frozenset()
    files: dict[str, bytes] = {}
    for rel, path in _hand_written(settings.content).items():
        data = path.read_bytes()
        if rel.endswith(".md") and CITIES_MARKER.encode() in data:
            data = data.replace(CITIES_MARKER.encode(), site.cities_list(rel).encode("utf-8"))
        files[rel] = data
    data_pages = {"posters.md"}
    files["posters.md"] = posters_page(posters, settings.use_directory_urls).encode("utf-8")
    for path, text in site.pages():
        files[path] = text.encode("utf-8")
        data_pages.add(path)
    for name in (*CSS, *JS):
        files[name] = SOURCES.get(name, ASSETS / posixpath.basename(name)).read_bytes()
    finder = finder_data(network, list(settings.holidays), services=settings.services)
    for path, text in finder.files:
        files[path] = text.encode("utf-8")
    page = finder_page(finder.index, settings.use_directory_urls, page_index(files, data_pages, settings.use_directory_urls))
    files["finder.md"] = (page.replace(CITIES_MARKER, site.cities_list("finder.md"))).encode("utf-8")
    return Tree(files, data_pages)
