"""The MkDocs glue: a thin plugin, so plain `mkdocs build` and `mkdocs serve` give the site `yizhan build` gives, and
the MkDocs engine of `yizhan build`. Both write the generated tree and build it; nothing else here knows MkDocs."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from yizhan import config as project_config
from yizhan.config import CONFIG_FILE, PLUGIN, Settings
from yizhan.errors import CheckFailed, YizhanError
from yizhan.i18n import _
from yizhan.posters.index import PosterIndex, link_into_site, load_index
from yizhan.stations.check import load_network

from .csp import add_policy
from .finish import finish_site
from .generate import CSS, JS, THEME_DIR, generate
from .tree import write_tree

BROKEN_DIR = Path(__file__).parent / "templates" / "broken"  # `mkdocs serve`'s 404 page while the stations have errors

log = logging.getLogger("mkdocs.plugins.yizhan")


class YizhanConfig(Config):
    """Plugin options in mkdocs.yml (yizhan.config reads the same options for `yizhan build`)."""

    stations = c.Type(str, default="stations")
    holidays = c.ListOfItems(c.Type((str, dt.date)), default=[])
    checkin_url = c.Type(str, default="")  # self check-in URL pattern for kiosk stations' posters: https://hub/Q/{code}
    checkin_urls = c.Type(dict, default={})  # per-station override (e.g. the station's own kiosk): {id: pattern}
    poster_font = c.Type((str, list), default=[])  # font file(s) tried first for posters (then installed CJK fonts, then the bundled one)
    posters = c.Type(str, default="build/posters")  # where `yizhan posters` writes; its PDFs are linked into the site
    pages = c.Type(str, default="build/docs")  # where the generated tree of pages is written and built from
    services = c.Optional(c.Type(list))  # the services stations may name (absent: the default list); yizhan.config checks them
    region_order = c.Optional(c.Type((dict, list)))  # cities' and districts' order before the official codes; yizhan.config checks it


def add_theme(config: Any) -> None:
    """The site's stylesheets and scripts before the theme's extras, and yizhan's templates (the header with the
    finder's search, the 404 page, the finder's page) over the theme's own, as a custom_dir would be."""
    config.extra_css = [*CSS, *(x for x in config.extra_css if x not in CSS)]
    config.extra_javascript = [*JS, *(x for x in config.extra_javascript if str(x) not in JS)]
    if str(THEME_DIR) not in config.theme.dirs:
        at = 1 if config.theme.custom_dir else 0  # after the project's own custom_dir, before the theme's
        config.theme.dirs.insert(at, str(THEME_DIR))


class _NoOptions(Config):
    """The policy plugin has no options: it is installed by code, never named in mkdocs.yml."""


class PolicyPlugin(BasePlugin[_NoOptions]):
    """Each page's Content-Security-Policy, added as MkDocs writes the page (no second pass over 10,000 files)."""

    data_pages: set[str] = set()  # Markdown paths of pages made from station data: their content's inline code is not trusted

    def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
        return add_policy(output, page.content or "" if page.file.src_uri in self.data_pages else "")

    def on_post_template(self, output_content: str, *, template_name: str, config: Any) -> str:
        return add_policy(output_content) if template_name.endswith(".html") else output_content  # 404.html


def install_policy(config: Any, data_pages: set[str]) -> None:
    """Have MkDocs add each page's policy as it writes it."""
    plugin = PolicyPlugin()
    plugin.load_config({})
    plugin.data_pages = data_pages
    config.plugins["yizhan-policy"] = plugin  # a PluginCollection registers the events of what is added


class YizhanPlugin(BasePlugin[YizhanConfig]):
    """Plain `mkdocs build`/`serve`: check the stations, write the tree, build it instead of `docs_dir`, finish."""

    policy = True  # the Content-Security-Policy (not in `mkdocs serve`'s preview: its live reload is an inline script)
    content = stations = ""  # the hand-written pages (mkdocs.yml's docs_dir) and the stations: `mkdocs serve` watches them
    posters: PosterIndex | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.policy = command != "serve"
        self.serving = command == "serve"

    serving = False

    def on_config(self, config: Any) -> Any:
        project = Path(config.config_file_path).parent
        site = {"site_url": config.site_url, "use_directory_urls": config.use_directory_urls, "docs_dir": config.docs_dir}
        try:
            settings = project_config.settings(project, site, dict(self.config))
            try:
                network = load_network(project / settings.stations, settings.stations, settings.services)
            except CheckFailed as err:
                if not self.serving:
                    raise
                return self._broken(config, project, settings, err)  # the preview answers with the problems, not a hang
            self.posters = load_index(project / settings.posters)
            tree = generate(settings, network, self.posters)
            write_tree(project / settings.pages, tree.files)
        except YizhanError as err:
            raise PluginError(str(err)) from None
        for warning in network.warnings:
            log.warning(str(warning))
        self.content, self.stations = config.docs_dir, str(project / settings.stations)
        config.docs_dir = str(project / settings.pages)
        add_theme(config)
        if self.policy:
            install_policy(config, tree.data_pages)
        return config

    def _broken(self, config: Any, project: Path, settings: Settings, err: CheckFailed) -> Any:
        """`mkdocs serve` while station files have errors: one page, and every other address, lists the problems."""
        lines = [str(p) for p in err.problems if not p.warning]
        for line in lines:
            log.error(line)
        text = "# 驿站文件有错误，网站暂时不能预览\n\n改正下面的问题并保存文件，这个页面会自动刷新：\n\n"
        text += "".join(f"- `{line.replace('`', '')}`\n" for line in lines)
        write_tree(project / settings.pages, {"index.md": text.encode("utf-8")})
        self.content, self.stations = config.docs_dir, str(project / settings.stations)
        config.docs_dir = str(project / settings.pages)
        config.extra["yizhan_problems"] = lines
        config.theme.dirs.insert(0, str(BROKEN_DIR))  # its 404.html lists them for any other address
        config.nav = None
        self.posters = None
        return config

    def on_post_build(self, *, config: Any) -> None:
        finish_site(Path(config.site_dir))
        link_into_site(self.posters, Path(config.site_dir))

    def on_serve(self, server: Any, *, config: Any, builder: Any) -> Any:
        server.unwatch(config.docs_dir)  # the tree changes only because a station or a page did: watch those
        server.watch(self.content)
        server.watch(self.stations)
        return server


def build_with_mkdocs(settings: Settings, tree: Path, site: Path, data_pages: set[str]) -> None:
    """`yizhan build`'s MkDocs engine: mkdocs.yml as it is, without the yizhan plugin, over the written tree; each
    page gets its policy as it is written (`data_pages`: Markdown paths of the pages made from station data)."""
    from mkdocs import exceptions
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    plugins = settings.raw.get("plugins") or []
    if isinstance(plugins, dict):
        others: Any = {name: opts for name, opts in plugins.items() if name != PLUGIN}
    else:
        others = [p for p in plugins if p != PLUGIN and not (isinstance(p, dict) and PLUGIN in p)]
    try:
        cfg = load_config(config_file=str(settings.project / CONFIG_FILE), docs_dir=str(tree), site_dir=str(site), plugins=others)
        add_theme(cfg)
        install_policy(cfg, data_pages)
        cfg.plugins.on_startup(command="build", dirty=False)  # type: ignore[attr-defined]
        try:
            build(cfg)  # type: ignore[arg-type]
        finally:
            cfg.plugins.on_shutdown()  # type: ignore[attr-defined]
    except exceptions.MkDocsException as err:
        raise YizhanError(_("site build failed: {error}").format(error=err)) from None
