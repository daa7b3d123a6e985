"""The static site's Content-Security-Policy: in every page, hashes of exactly its own inline code, and the
finder, the open-now line and the service worker working under it over HTTP and from file://."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup

from tests.conftest import chromium, serve_http
from yizhan.site.csp import add_policy

FEATURED = "wuxi-liangxi-chongansi"
PAGES = ["index.html", "finder.html", f"s/{FEATURED}.html", "regions/index.html", "regions/wuxi/index.html",
         "regions/wuxi/liangxi.html", "hotlines.html", "hotlines/wuxi.html", "posters.html", "about.html", "404.html"]  # fmt: skip
# Collects what the browser refuses (the listener is added before any page script, outside the page's policy).
WATCH = """window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"""


def directives(page: Path) -> dict[str, list[str]]:
    """The page's policy, from its one <meta http-equiv> (which must come before any script, style or link)."""
    doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    metas = doc.find_all("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert len(metas) == 1, page
    head = [el for el in doc.head.find_all(True)]
    assert head[0].name == "meta" and head[0].get("charset") == "utf-8" and head[1] is metas[0], page
    out = {}
    for part in metas[0]["content"].split(";"):
        name, *sources = part.split()
        out[name] = sources
    return out


def digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def test_every_page_has_a_policy_that_allows_only_the_site(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 100
    for page in pages:
        d = directives(page)
        assert d["default-src"] == ["'self'"], page
        assert d["object-src"] == ["'none'"] and d["base-uri"] == ["'self'"] and d["form-action"] == ["'self'"]
        assert d["img-src"] == ["'self'", "data:"]
        for name in ("connect-src", "font-src", "worker-src", "manifest-src"):
            assert d[name] == ["'self'"], (page, name)
        for sources in d.values():  # no other origin, nothing inline without a hash, no eval
            assert not [s for s in sources if "unsafe-inline" in s or "unsafe-eval" in s or "://" in s or s in ("*", "http:", "https:")]
        # styles: 'self', the hashes of the page's <style> elements, and Markdown's table alignment only
        assert d["style-src"][0] == "'self'" and "'unsafe-hashes'" in d["style-src"]
        assert set(d["style-src"][-3:]) == {digest(f"text-align: {a};") for a in ("left", "right", "center")}


def test_each_inline_script_is_hashed_and_nothing_else(site: Path) -> None:
    for rel in PAGES + [f"s/{FEATURED}.html", "s/wuxi-center.html"]:
        page = site / rel
        doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        inline = [s.string or "" for s in doc.find_all("script") if not s.get("src") and s.get("type") in (None, "text/javascript")]
        assert inline, rel
        assert sorted(directives(page)["script-src"][1:]) == sorted({digest(s) for s in inline}), rel
        styles = [s.string or "" for s in doc.find_all("style")]
        assert set(directives(page)["style-src"][1 : 1 + len(styles)]) == {digest(s) for s in styles}, rel
    assert len(directives(site / "finder.html")["script-src"]) == 1 + 5  # the finder: boot, index, place, hours, search


def test_inline_code_in_content_made_from_station_data_is_never_hashed() -> None:
    """If station text ever slipped a script past the sanitizer, its page's policy would still refuse it."""
    theme = "<script>var theme=1</script>"
    content = '<p>x</p><script>alert(1)</script><style>body{display:none}</style><script type="application/ld+json">{}</script>'
    page = f'<!doctype html><html><head><meta charset="utf-8">{theme}</head><body><article>{content}</article></body></html>'
    with_policy = add_policy(page, untrusted=content)
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', with_policy)
    assert meta and with_policy.startswith('<!doctype html><html><head><meta charset="utf-8"><meta http-equiv=')
    policy = meta.group(1)
    assert digest("var theme=1") in policy
    assert digest("alert(1)") not in policy and digest("body{display:none}") not in policy and digest("{}") not in policy
    assert digest("alert(1)") in add_policy(page)  # the same content on a hand-written page is the site's own


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def http_site(site: Path) -> Iterator[str]:
    with serve_http(site) as url:
        yield url


def visit(browser: Any, url: str, **context: Any) -> tuple[Any, Any]:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, **context)
    ctx.add_init_script(WATCH)
    page = ctx.new_page()
    page.goto(url)
    return ctx, page


def refused(page: Any) -> list[str]:
    return page.evaluate("() => window.__csp")


@pytest.mark.parametrize("scheme", ["http", "file"])
def test_pages_run_under_the_policy_with_nothing_refused(browser: Any, http_site: str, site: Path, scheme: str) -> None:
    base = http_site if scheme == "http" else site.resolve().as_uri()
    where = {"latitude": 31.5789, "longitude": 120.3009}
    for rel in PAGES:
        ctx, page = visit(browser, f"{base}/{rel}", geolocation=where, permissions=["geolocation"])
        if rel == "finder.html" and scheme == "http":  # the nearest stations, from the position
            page.wait_for_function("() => document.querySelectorAll('#yz-results li').length === 10")
        if rel.startswith("s/"):  # the open-now line is filled in by hours.js
            page.wait_for_function("() => document.querySelector('.yz-open-now').textContent.startsWith('现在')")
        page.wait_for_load_state("networkidle")
        assert refused(page) == [], (scheme, rel)
        ctx.close()
    # from file:// the finder's search works (no position there: geolocation needs a secure origin)
    ctx, page = visit(browser, f"{base}/finder.html?s={quote('崇安寺')}")
    page.wait_for_function("() => document.querySelectorAll('#yz-results li').length > 0")
    assert "崇安寺" in page.inner_text("#yz-results")
    assert refused(page) == []
    ctx.close()


def test_service_worker_runs_under_the_policy(browser: Any, http_site: str) -> None:
    ctx, page = visit(browser, f"{http_site}/s/wuxi-center.html", service_workers="allow")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15000)
    page.goto(f"{http_site}/finder.html")
    ctx.set_offline(True)
    page.goto(f"{http_site}/finder.html?s={quote('崇安寺')}")
    page.wait_for_function("() => document.querySelectorAll('#yz-results li').length > 0", timeout=15000)
    assert refused(page) == []
    ctx.close()


def test_the_policy_stops_markup_that_slipped_into_a_station_page(browser: Any, site: Path, tmp_path: Path) -> None:
    """The second line of defence: a station page whose content held handlers, a javascript: link and a script."""
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    page_file = copy / "s" / f"{FEATURED}.html"
    html = page_file.read_text(encoding="utf-8")
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    evil = ('<p id="evil"><img src="x.png" onerror="document.title=\'PWNED\'">'
            "<a id=\"js\" href=\"javascript:document.title='PWNED'\">x</a>"
            "<script>document.title='PWNED'</script><span onmouseover=\"document.title='PWNED'\">hover</span></p>")  # fmt: skip
    start = html.index("<h2 ")
    page_file.write_text(add_policy(html[:start] + evil + html[start:], untrusted=evil), encoding="utf-8")
    with serve_http(copy) as url:
        ctx, page = visit(browser, f"{url}/s/{FEATURED}.html")
        page.hover("#evil span")
        page.click("#js")
        page.wait_for_timeout(300)
        title = page.title()
        blocked = refused(page)
        ctx.close()
    assert title == "梁溪区崇安寺街道流动党员服务驿站 - 流动党员服务驿站"
    assert sorted(b.split()[0] for b in blocked) == ["script-src-attr", "script-src-attr", "script-src-elem", "script-src-elem"]
