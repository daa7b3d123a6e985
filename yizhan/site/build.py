"""Build the site into a temporary folder and swap it in only when the build succeeded."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yizhan.durable import owned
from yizhan.errors import Problem, YizhanError
from yizhan.stations.check import load_network


@dataclass
class BuildResult:
    """What a build produced."""

    site: Path
    stations: int
    seconds: float
    warnings: list[Problem]


def _mkdocs_config(project: Path, site_dir: Path, stations: Path) -> tuple[Any, Any]:
    """Load the project's mkdocs.yml with our site_dir and stations folder."""
    from mkdocs import exceptions
    from mkdocs.config import load_config

    config_file = project / "mkdocs.yml"
    if not config_file.is_file():
        raise YizhanError(f"{config_file} not found: run yizhan in a yizhan project folder (one with mkdocs.yml, stations/ and content/)")
    try:
        cfg = load_config(config_file=str(config_file), site_dir=str(site_dir))
    except exceptions.MkDocsException as err:
        raise YizhanError(f"{config_file}: {err}") from None
    plugin = cfg.plugins.get("yizhan")
    if plugin is None:
        raise YizhanError(f"{config_file}: the yizhan plugin is not enabled (add `- yizhan` under plugins:)")
    plugin.config.stations = str(stations)
    return cfg, plugin


def build_site(project: Path, stations: Path, out: Path, shown: str | None = None, extra: Any = None) -> BuildResult:
    """Check the stations, build with MkDocs into a temporary folder, then replace out/site.

    `extra` (optional, e.g. posters) gets prepare(network) after the checks, configure(plugin) before the
    MkDocs build and finish(tmp_site) after it; an error in any of them leaves out/site untouched.
    """
    from mkdocs import exceptions
    from mkdocs.commands.build import build

    start = time.perf_counter()
    network = load_network(stations, shown)
    site = out / "site"
    if not owned(site):
        raise YizhanError(f"{site} exists and was not made by yizhan: refusing to replace it (choose another --out)")
    if extra is not None:
        extra.prepare(network)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".site-new-", dir=out))
    try:
        cfg, plugin = _mkdocs_config(project, tmp, stations)
        plugin.network = network
        if extra is not None:
            extra.configure(plugin)
        cfg.plugins.on_startup(command="build", dirty=False)  # type: ignore[attr-defined]
        try:
            build(cfg)  # type: ignore[arg-type]
        finally:
            cfg.plugins.on_shutdown()  # type: ignore[attr-defined]
        if extra is not None:
            extra.finish(tmp)
    except exceptions.MkDocsException as err:
        shutil.rmtree(tmp, ignore_errors=True)
        raise YizhanError(f"site build failed: {err}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = out / f".site-old-{os.getpid()}"
    if site.exists():
        site.rename(old)
    tmp.rename(site)
    shutil.rmtree(old, ignore_errors=True)
    return BuildResult(site, len(network), time.perf_counter() - start, network.warnings)


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
