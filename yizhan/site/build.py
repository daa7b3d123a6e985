"""`yizhan build`: the generated tree, then an engine (MkDocs, or Zensical) into a temporary folder, swapped in only
when everything succeeded."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yizhan import config
from yizhan.config import Settings
from yizhan.durable import owned
from yizhan.errors import Problem, YizhanError
from yizhan.i18n import _
from yizhan.posters.index import link_into_site, load_index
from yizhan.stations.check import load_network

from .finish import add_policies, finish_site
from .generate import Tree, generate
from .tree import Changes, write_tree


@dataclass
class BuildResult:
    """What a build produced."""

    site: Path
    stations: int
    seconds: float
    warnings: list[Problem]
    tree: Changes  # what changed in the generated tree (out/docs)
    settings: Settings | None = None  # mkdocs.yml as the build read it


def build_site(project: Path, stations: Path, out: Path, shown: str | None = None, extra: Any = None,
               engine: str = "mkdocs") -> BuildResult:  # fmt: skip
    """Check the stations, write the generated tree to out/docs, build it with `engine` into a temporary folder,
    finish it, then replace out/site.

    `extra` (optional, e.g. posters) gets prepare(network, settings) after the checks, planned() for the pages to
    link its files, and finish(tmp_site) after the engine; an error in any of them leaves out/site untouched.
    """
    start = time.perf_counter()
    # station problems first: they are what the staff came to fix (checked against mkdocs.yml's services, so a
    # mkdocs.yml that is there is read first; a missing one is reported after them)
    settings = config.load(project) if (project / config.CONFIG_FILE).is_file() else None
    network = load_network(stations, shown, settings.services if settings else None)
    settings = settings or config.load(project)
    site = out / "site"
    if not owned(site):
        raise YizhanError(_("{folder} exists and was not made by yizhan: refusing to replace it (choose another --out)").format(folder=site))
    if extra is not None:
        extra.prepare(network, settings)
    posters = extra.planned() if extra is not None else load_index(project / settings.posters)
    tree = generate(settings, network, posters)
    changes = write_tree(out / "docs", tree.files)
    tmp = Path(tempfile.mkdtemp(prefix=".site-new-", dir=out))
    try:
        ENGINES[engine](settings, out / "docs", tmp, tree)
        finish_site(tmp)
        if extra is not None:
            extra.finish(tmp)
        else:
            link_into_site(posters, tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = out / f".site-old-{os.getpid()}"
    if site.exists():
        site.rename(old)
    tmp.rename(site)
    shutil.rmtree(old, ignore_errors=True)
    return BuildResult(site, len(network), time.perf_counter() - start, network.warnings, changes, settings)


def _mkdocs(settings: Settings, docs: Path, site: Path, tree: Tree) -> None:
    from .mkdocs_plugin import build_with_mkdocs

    build_with_mkdocs(settings, docs, site, tree.data_pages)  # it adds each page's policy as it writes the page


def _zensical(settings: Settings, docs: Path, site: Path, tree: Tree) -> None:
    from .zensical import STYLES, build_with_zensical

    build_with_zensical(settings, docs, site)
    add_policies(site, tree.html_pages(settings.use_directory_urls), STYLES)


# an engine builds the written tree (docs) into the folder (site), each page with its policy
ENGINES: dict[str, Callable[[Settings, Path, Path, Tree], None]] = {"mkdocs": _mkdocs, "zensical": _zensical}


def quiet_mkdocs() -> None:
    """Show only MkDocs warnings and errors, and silence jieba's loading chatter."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    for name, level in (("mkdocs", logging.WARNING), ("jieba", logging.WARNING)):
        logging.getLogger(name).setLevel(level)
    try:
        import jieba  # Material's search plugin segments Chinese with it

        jieba.setLogLevel(logging.WARNING)
    except ImportError:
        pass
    log = logging.getLogger("mkdocs")
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
        log.addHandler(handler)
