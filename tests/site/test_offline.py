"""The service worker: after one visit over HTTP, the finder and visited pages work with no network."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import chromium, serve_http
from yizhan.site.offline import service_worker


def precache(site: Path) -> list[str]:
    text = (site / "sw.js").read_text(encoding="utf-8")
    return json.loads(re.search(r"var PRECACHE = (\[.*?\]);", text, re.S).group(1))  # type: ignore[union-attr]


def test_worker_precaches_the_finder_and_its_current_data(site: Path) -> None:
    files = precache(site)
    assert {"index.html", "finder.html", "hotlines.html"} <= set(files)
    finder_data = sorted(p.relative_to(site).as_posix() for p in (site / "assets/yizhan").glob("finder-*.js"))
    assert finder_data and set(finder_data) <= set(files)
    assert all((site / f).is_file() for f in files), "every precached file exists"
    css = [f for f in files if f.startswith("assets/stylesheets/main.")]
    assert len(css) == 1
    assert (site / "sw.js").read_text(encoding="utf-8") == service_worker(site)


def test_worker_version_changes_with_the_data(site: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    before = re.search(r'VERSION = "([^"]+)"', service_worker(copy)).group(1)  # type: ignore[union-attr]
    near = next((copy / "assets/yizhan").glob("finder-c0.*.js"))
    near.write_text(near.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after = re.search(r'VERSION = "([^"]+)"', service_worker(copy)).group(1)  # type: ignore[union-attr]
    assert before != after


@pytest.fixture(scope="module")
def http_site(site: Path) -> Iterator[str]:
    with serve_http(site) as url:
        yield url


def test_finder_works_offline_after_one_visit(http_site: str) -> None:
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 390, "height": 844}, service_workers="allow")
        hosts: set[str] = set()
        context.on("request", lambda r: hosts.add(r.url.split("/")[2]))
        page = context.new_page()
        page.goto(f"{http_site}/s/wuxi-center.html")
        assert page.evaluate("navigator.serviceWorker.ready.then(r => r.active.state)") in ("activating", "activated")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15000)
        page.goto(f"{http_site}/s/wuxi-liangxi-chongansi.html")  # a page visited once the worker is in charge
        context.set_offline(True)
        page.goto(f"{http_site}/finder.html?s=崇安寺")
        page.wait_for_selector("#yz-results li", timeout=15000)
        names = page.locator("#yz-results li").all_inner_texts()
        assert any("崇安寺" in n for n in names)
        page.goto(f"{http_site}/s/wuxi-liangxi-chongansi.html")  # visited before: served from the cache
        assert page.locator("h1").inner_text() == "梁溪区崇安寺街道流动党员服务驿站"
        assert hosts == {http_site.split("/")[2]}
