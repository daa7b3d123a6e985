"""`yizhan build --engine zensical`: Zensical (Material's successor, no MkDocs plugins) builds the same tree into the
same pages, and the finder, open-now line, policy and service worker work on it. What differs is pinned here."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup

from tests.conftest import all_station_yaml, chromium, copy_project, run_yizhan, serve_http

WATCH = ("window.__csp = []; document.addEventListener('securitypolicyviolation', "
         "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")  # fmt: skip


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The demo project built by each engine: (project, Zensical's site, MkDocs' site)."""
    project = copy_project(tmp_path_factory.mktemp("engines") / "p")
    for args in (("--engine", "zensical"), ("--out", "build-mkdocs")):
        result = run_yizhan(project, "build", "--no-posters", *args)
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.startswith("Built 77 stations into ")
    return project, project / "build" / "site", project / "build-mkdocs" / "site"


def pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def article(path: Path) -> str:
    """A page's content, without Zensical's skip-link anchor."""
    doc = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    node = doc.find("article") or doc.body
    for skip in node.select("a#__skip"):
        skip.decompose()
    return "\n".join(line for line in str(node).splitlines() if line.strip())


def test_every_page_comes_out_with_the_same_content(builds: tuple[Path, Path, Path]) -> None:
    project, zensical, mkdocs = builds
    assert pages(zensical) == pages(mkdocs)
    ids = set(all_station_yaml(project))
    assert {p for p in pages(zensical) if p.startswith("s/")} == {f"s/{i}.html" for i in ids}
    assert {p for p in pages(zensical) if p.startswith(("regions/", "hotlines"))} == {
        p for p in pages(mkdocs) if p.startswith(("regions/", "hotlines"))} and len(pages(zensical)) > 100  # fmt: skip
    differ = [p for p in sorted(pages(mkdocs)) if article(zensical / p) != article(mkdocs / p)]
    assert differ == []  # station, region, hotline, hand-written pages and the finder: the same content


def test_what_zensical_does_differently(builds: tuple[Path, Path, Path]) -> None:
    """Pinned: its own search index (station pages still left out; nothing uses it, as MkDocs builds none), no
    gzipped sitemap, its own theme bundle; yizhan's header and 404 page on both."""
    _, zensical, mkdocs = builds
    assert not (mkdocs / "search").exists() and not (zensical / "search").exists()
    for site in (zensical, mkdocs):
        for rel in ("index.html", "s/wuxi-liangxi-chongansi.html", "404.html"):
            html = (site / rel).read_text(encoding="utf-8")
            assert html.count('<form class="yz-header-search" role="search"') == 1 and 'class="md-search"' not in html, (site, rel)
        assert "<h1>没有找到这个页面</h1>" in (site / "404.html").read_text(encoding="utf-8")
    index = json.loads((zensical / "search.json").read_text(encoding="utf-8"))
    locations = {item["location"].split("#")[0] for item in index["items"]}
    assert "index.html" in locations and not [loc for loc in locations if loc.startswith("s/")]
    assert (mkdocs / "sitemap.xml.gz").is_file() and not (zensical / "sitemap.xml.gz").exists()
    assert (zensical / "sw.js").is_file() and (zensical / ".yizhan-site").is_file()  # yizhan's finish, whatever the engine
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', (zensical / "index.html").read_text(encoding="utf-8"))
    assert policy and "'sha256-NwSx/R2V/U4jnW0Tq5pQ53Y/rzPVJ4dqE7D6UTA/J1k='" in policy.group(1)  # its bundle's one inline style


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def test_the_finder_open_now_and_worker_run_on_zensical(browser: Any, builds: tuple[Path, Path, Path]) -> None:
    _, zensical, _ = builds
    with serve_http(zensical) as url:
        ctx = browser.new_context(geolocation={"latitude": 31.5789, "longitude": 120.3009}, permissions=["geolocation"],
                                  service_workers="allow")  # fmt: skip
        ctx.add_init_script(WATCH)
        page = ctx.new_page()
        page.goto(f"{url}/finder.html")
        page.wait_for_function("() => document.querySelectorAll('#yz-results li').length === 10")
        assert "崇安寺" in page.inner_text("#yz-results")
        refused = page.evaluate("() => window.__csp")
        page.goto(f"{url}/s/wuxi-liangxi-chongansi.html")
        page.wait_for_function("() => document.querySelector('.yz-open-now').textContent.startsWith('现在')")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=40000)  # slow when the 2 cores are busy
        refused += page.evaluate("() => window.__csp")
        for rel in ("index.html", "regions/wuxi/index.html", "hotlines/wuxi.html", "404.html", "posters.html"):
            page.goto(f"{url}/{rel}")
            page.wait_for_load_state("networkidle")
            refused += page.evaluate("() => window.__csp")
        ctx.set_offline(True)  # the worker serves the finder and its data
        page.goto(f"{url}/finder.html?s={quote('崇安寺')}")
        page.wait_for_function("() => document.querySelectorAll('#yz-results li').length > 0", timeout=15000)
        ctx.close()
    assert refused == []
