"""Shared fixtures for the site tests: the demo site is built once per session with the real CLI."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

# The tests pin the messages as written (English); tests/test_i18n.py pins them in Chinese, the default.
os.environ["YIZHAN_LANG"] = "en"
ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def serve_http(root: Path) -> Iterator[str]:
    """Serve `root` over real HTTP on 127.0.0.1 (a free port); yields the base URL without a trailing slash."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's headless Chromium under Playwright; skipped only outside CI when it is not installed."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: the browser tests must run in CI (`make system-deps` installs it)")
        pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium, e.g. `make system-deps`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def copy_project(dest: Path, station_files: list[str] | None = None) -> Path:
    """Copy mkdocs.yml, content/ and stations/ (or only `station_files`, relative to stations/) into `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "content", dest / "content")
    if station_files is None:
        shutil.copytree(ROOT / "stations", dest / "stations")
    else:
        for rel in station_files:
            target = dest / "stations" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / "stations" / rel, target)
    return dest


def run_yizhan(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the real `yizhan` command line in `project`."""
    return subprocess.run(
        [sys.executable, "-m", "yizhan.cli", *args], cwd=project, env=ENV, capture_output=True, text=True, timeout=120
    )


def all_station_yaml(project: Path) -> dict[str, dict[str, Any]]:
    """Every station file of `project`, parsed, by id."""
    docs = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((project / "stations").rglob("*.yml"))]
    return {d["id"]: d for d in docs}


@pytest.fixture(scope="session")
def _demo_builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, subprocess.Popen[str], Path]]:
    """Copy the project, start a plain `mkdocs build` of it in the background, and run `yizhan build` meanwhile."""
    base = tmp_path_factory.mktemp("demo")
    project = copy_project(base / "project")
    # Posters first, so the plain `mkdocs build` below links the same build/posters/ as `yizhan build` does.
    posters = run_yizhan(project, "posters")
    assert posters.returncode == 0, posters.stdout + posters.stderr
    mkdocs_out = base / "mkdocs-site"
    mkdocs = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(mkdocs_out)],
        cwd=project, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        result = run_yizhan(project, "build")
        assert result.returncode == 0, result.stdout + result.stderr
        n = len(list((project / "stations").rglob("*.yml")))
        assert result.stdout.startswith(f"Built {n} stations into build/site/"), result.stdout
        yield project, mkdocs, mkdocs_out
    finally:
        if mkdocs.poll() is None:
            mkdocs.kill()
        mkdocs.communicate()


@pytest.fixture(scope="session")
def demo_project(_demo_builds: tuple[Path, subprocess.Popen[str], Path]) -> Path:
    """A copy of the repository's project, built once with `yizhan build`."""
    return _demo_builds[0]


@pytest.fixture(scope="session")
def site(demo_project: Path) -> Path:
    """The built demo site (build/site of the session's project copy)."""
    return demo_project / "build" / "site"


@pytest.fixture(scope="session")
def mkdocs_site(_demo_builds: tuple[Path, subprocess.Popen[str], Path]) -> Path:
    """The same project built by plain `mkdocs build` (started alongside the `yizhan build`)."""
    _, mkdocs, out = _demo_builds
    output, _ = mkdocs.communicate(timeout=120)
    assert mkdocs.returncode == 0, output
    return out


@pytest.fixture(params=["sqlite", "postgresql"])
def hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Any, str]]:
    """(base URL, database, upload token of wuxi-liangxi-chongansi) of a hub served on 127.0.0.1, on each backend."""
    from tests.hubhelpers import db_url, hub_thread
    from yizhan.checkins.hub import make_hub
    from yizhan.checkins.hubdb import HubDB

    db = HubDB(db_url(request.param, tmp_path))
    token = db.add_token("wuxi-liangxi-chongansi")
    with hub_thread(make_hub(db)) as url:
        yield url, db, token
    db.close()
