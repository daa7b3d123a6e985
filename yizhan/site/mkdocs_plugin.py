"""The thin MkDocs plugin: validate stations, add the generated pages and assets."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from yizhan.durable import MARKER
from yizhan.errors import YizhanError
from yizhan.posters.index import PosterIndex, link_into_site, load_index
from yizhan.stations.check import load_network
from yizhan.stations.model import Network

from .csp import add_policy
from .finder import THEME_DIR, finder_data, finder_page
from .offline import write_service_worker
from .pages import CITIES_MARKER, Site, posters_page

ASSETS = Path(__file__).parent / "assets"
log = logging.getLogger("mkdocs.plugins.yizhan")
CSS = ["assets/yizhan/yizhan.css"]
JS = ["assets/yizhan/hours.js", "assets/yizhan/offline.js"]


class YizhanConfig(Config):
    """Plugin options in mkdocs.yml."""

    stations = c.Type(str, default="stations")
    holidays = c.ListOfItems(c.Type((str, dt.date)), default=[])
    checkin_url = c.Type(str, default="")  # self check-in URL pattern for kiosk stations' posters: https://hub/Q/{code}
    checkin_urls = c.Type(dict, default={})  # per-station override (e.g. the station's own kiosk): {id: pattern}
    poster_font = c.Type(str, default="")  # TrueType CJK font for posters (default: WenQuanYi Zen Hei from Debian)
    posters = c.Type(str, default="build/posters")  # where `yizhan posters` writes; its PDFs are linked into the site


class YizhanPlugin(BasePlugin[YizhanConfig]):
    """Turn `stations/` into pages, so plain `mkdocs build` and `mkdocs serve` give the same site."""

    site: Site | None = None
    data_pages: set[str] = set()  # generated from station data: their content's inline code is not trusted
    policy = True  # add the Content-Security-Policy (not in `mkdocs serve`'s preview)
    poster_index: PosterIndex | None = None
    network: Network | None = None  # set by `yizhan build`, which has already checked the stations
    planned_posters: PosterIndex | None = None  # set by `yizhan build`, which makes the posters before the swap

    def stations_dir(self, config: Any) -> Path:
        """The stations folder, relative to mkdocs.yml."""
        return Path(config.config_file_path).parent / self.config.stations

    def on_config(self, config: Any) -> Any:
        config.extra_css = [*CSS, *(x for x in config.extra_css if x not in CSS)]
        config.extra_javascript = [*JS, *(x for x in config.extra_javascript if str(x) not in JS)]
        if str(THEME_DIR) not in config.theme.dirs:
            config.theme.dirs.append(str(THEME_DIR))  # after the theme's own: it only adds the finder's template
        return config

    def on_files(self, files: Files, *, config: Any) -> Files:
        network = self.network
        if network is None:
            try:
                network = load_network(self.stations_dir(config), self.config.stations)
            except YizhanError as err:
                raise PluginError(str(err)) from None
            for warning in network.warnings:
                log.warning(str(warning))
        holidays = [d.isoformat() if isinstance(d, dt.date) else str(d) for d in self.config.holidays]
        self.site = Site(network, holidays, config.site_url or "")
        self.poster_index = self.planned_posters or load_index(Path(config.config_file_path).parent / self.config.posters)
        self.site.poster_ids = frozenset(self.poster_index.stations) if self.poster_index else frozenset()
        files.append(File.generated(config, "posters.md", content=posters_page(self.poster_index)))
        self.data_pages = {"posters.md"}
        for path, text in self.site.pages():
            files.append(File.generated(config, path, content=text))
            self.data_pages.add(path)
        for name in ("yizhan.css", "hours.js", "offline.js"):
            files.append(File.generated(config, f"assets/yizhan/{name}", abs_src_path=str(ASSETS / name)))
        finder = finder_data(network, holidays)
        for path, text in finder.files:
            files.append(File.generated(config, path, content=text))
        if (hand_written := files.get_file_from_path("finder.md")) is not None:
            files.remove(hand_written)
        page = finder_page(finder.index, config.use_directory_urls)
        files.append(File.generated(config, "finder.md", content=page))
        return files

    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Files) -> str:
        if self.site and CITIES_MARKER in markdown:
            markdown = markdown.replace(CITIES_MARKER, self.site.cities_list(page.file.src_uri))
        return markdown

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # `mkdocs serve` adds an inline live-reload script to each page it serves: its preview has no policy
        self.policy = command != "serve"

    def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
        if not self.policy:
            return output
        # inline code in the content of pages made from station data gets no hash in the policy
        untrusted = page.content or "" if page.file.src_uri in self.data_pages else ""
        return add_policy(output, untrusted)

    def on_post_template(self, output_content: str, *, template_name: str, config: Any) -> str:
        return add_policy(output_content) if self.policy and template_name.endswith(".html") else output_content  # 404.html

    def on_post_build(self, *, config: Any) -> None:
        write_service_worker(Path(config.site_dir))
        if self.planned_posters is None:
            link_into_site(self.poster_index, Path(config.site_dir))
        Path(config.site_dir, MARKER).write_text("built by yizhan; `yizhan build` replaces this folder\n", encoding="utf-8")

    def on_serve(self, server: Any, *, config: Any, builder: Any) -> Any:
        server.watch(str(self.stations_dir(config)))
        return server
