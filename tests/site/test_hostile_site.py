"""A site built from stations full of XSS payloads: in Chromium, nothing runs and nothing leaves the machine.

Every page of the built site is opened; every link in the content is hovered and clicked. The browser runs
with the pages' Content-Security-Policy switched off, so what is tested is the sanitizer and the escaping
alone; a second pass with the policy on checks that it never had to refuse anything.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import pytest
import yaml

from tests.conftest import chromium, copy_project, run_yizhan, serve_http
from tests.xss_payloads import CONTROL, HTML, MARKDOWN, SHORT

STATIONS = 10
# After scripts ran: no handler attribute, no script URL, no element that loads or runs something from station text.
DOM_CHECK = """(data) => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const v = a.value.replace(/[\\s\\x00-\\x1f]/g, '').toLowerCase();
      if (a.name.startsWith('on')) bad.push(el.tagName + ' ' + a.name);
      if (/^(javascript|vbscript|data):/.test(v) && ['href', 'src', 'action', 'formaction', 'data', 'background', 'dynsrc'].includes(a.name))
        bad.push(el.tagName + ' ' + a.name + '=' + a.value);
    }
  }
  const kinds = ':is(iframe, object, embed, form, input, base, meta, svg, video, marquee, details, math)';
  for (const el of document.querySelectorAll((data ? 'article ' : '#yz-results ') + kinds)) bad.push(el.tagName);
  for (const el of document.querySelectorAll('article [style]'))
    if (!/^text-align: (left|right|center);$/.test(el.getAttribute('style'))) bad.push(el.tagName + ' style=' + el.getAttribute('style'));
  return bad;
}"""


def _station(i: int, city: str, district: str, parent: str) -> dict[str, Any]:
    """Station i: a payload in every text field, several in its notes."""
    p = [HTML[(i * 7 + k) % len(HTML)] for k in range(7)]
    notes = "\n\n".join(["到站前请先打电话。", *MARKDOWN[i::STATIONS], HTML[(i * 7 + 7) % len(HTML)], *([CONTROL] if i == 0 else [])])
    return {
        "id": f"xss-{i:02d}", "name": f"驿站{i}号{p[0]}", "level": "station", "parent": parent, "operator": p[1],
        "region": {"city": city, "district": district, "town": SHORT[i % len(SHORT)]},
        "address": p[2], "location": {"lat": 31.57 + i / 1000, "lon": 120.30 + i / 1000},
        "hours": f'Mo-Fr 08:30-17:30 "{p[3].replace(chr(34), chr(39))}"; PH off',  # a payload in the hours' comment
        "hotlines": [{"number": f"0510-8270000{i}", "label": p[4]}, {"number": "12371", "label": "党员服务热线"}],
        "contacts": [{"name": p[5], "role": p[6], "phone": "13800000000"}],
        "kiosk": i % 2 == 0, "notes": notes,
    }  # fmt: skip


def _center(ident: str, city: str) -> dict[str, Any]:
    return {"id": ident, "name": f"{city}流动党员服务中心", "level": "center", "operator": "中共测试市委组织部",
            "region": {"city": city, "district": "梁溪区"}, "address": "解放路1号", "location": {"lat": 31.57, "lon": 120.3},
            "hotlines": [{"number": "0510-82700000", "label": "值班电话"}]}  # fmt: skip


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("hostile") / "p", [])
    docs = [_center("xss-center", "无锡市"), _center("xss-other", SHORT[2] + "市")]
    for i in range(STATIONS):
        city, parent = ("无锡市", "xss-center") if i % 3 else (SHORT[2] + "市", "xss-other")
        docs.append(_station(i, city, SHORT[1] if i % 2 else "梁溪区", parent))
    for d in docs:
        path = project / "stations" / f"{d['id']}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    check = run_yizhan(project, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.splitlines()[-1].startswith(f"{STATIONS + 2} stations OK, ")  # the notes' warnings fail nothing
    build = run_yizhan(project, "build")
    assert build.returncode == 0, build.stdout + build.stderr
    return project / "build" / "site"


def test_at_least_fifty_payloads_reach_the_pages(hostile_site: Path) -> None:
    used = {p for p in HTML} | set(MARKDOWN) | set(SHORT) | {CONTROL}
    assert len(HTML) + len(MARKDOWN) + len(SHORT) + 1 >= 80
    text = "".join(p.read_text(encoding="utf-8") for p in (hostile_site / "s").glob("xss-*.html"))
    assert "alert(1)" in text and len(used) >= 80
    # every HTML payload sits in some station field (7 per station, cycling through the list)
    assert {HTML[(i * 7 + k) % len(HTML)] for i in range(STATIONS) for k in range(8)} == set(HTML)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def test_nothing_runs_when_every_link_is_hovered_and_clicked(browser: Any, hostile_site: Path) -> None:
    ran: list[str] = []
    outside: list[str] = []
    with serve_http(hostile_site) as base:
        ctx = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 800}, service_workers="block")
        page = ctx.new_page()
        page.on("dialog", lambda d: (ran.append(f"{page.url}: {d.type} {d.message}"), d.dismiss()))

        def route(r: Any) -> None:
            url = urlsplit(r.request.url)
            if url.hostname != "127.0.0.1":
                outside.append(r.request.url)
                r.abort()
            elif r.request.is_navigation_request() and r.request.frame == page.main_frame and r.request.url != current[0]:
                r.abort("aborted")  # stay on the page under test: a click on a link to another page goes nowhere
            else:
                r.continue_()

        ctx.route("**/*", route)
        current = [""]
        clicked, skipped = 0, []
        for rel in pages(hostile_site):
            current[0] = f"{base}/{rel}"
            page.goto(current[0])
            if rel == "finder.html":
                page.fill("#yz-q", "驿站")
                page.wait_for_function("() => document.querySelectorAll('#yz-results li').length >= 10")
            links = page.locator("article a")
            for i in range(links.count()):
                link = links.nth(i)
                if not link.is_visible():
                    skipped.append(f"{rel}: {link.evaluate('e => e.outerHTML')}")
                    continue
                link.hover(timeout=5000)
                link.click(timeout=5000, no_wait_after=True)
                clicked += 1
            page.wait_for_timeout(50)
            assert "PWNED" not in page.title(), rel
            data = rel.startswith(("s/", "regions/", "hotlines")) or rel == "posters.html"  # all content from station data
            assert page.evaluate(DOM_CHECK, data) == [], rel
            assert page.url == current[0], rel
        ctx.close()
    assert ran == []
    assert outside == []
    assert skipped == []  # every link in the content was visible, hovered and clicked
    assert len(pages(hostile_site)) >= 25 and clicked >= 250


def test_the_policy_has_nothing_to_refuse(browser: Any, hostile_site: Path) -> None:
    """With the policy on, no page even tries to run or load something it forbids."""
    with serve_http(hostile_site) as base:
        ctx = browser.new_context()
        ctx.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation', "
                            "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")  # fmt: skip
        page = ctx.new_page()
        for rel in pages(hostile_site):
            page.goto(f"{base}/{rel}")
            assert page.evaluate("() => window.__csp") == [], rel
        ctx.close()


def test_pages_show_the_payloads_as_text(hostile_site: Path) -> None:
    """The page shows what the author wrote (as text), not markup."""
    from bs4 import BeautifulSoup

    doc = BeautifulSoup((hostile_site / "s" / "xss-03.html").read_text(encoding="utf-8"), "html.parser")
    art = doc.find("article")
    assert art.h1.get_text() == f"驿站3号{HTML[21]}"
    notes = art.find("div", class_="yz-notes")
    assert "H {: onclick=alert(1) }" in notes.get_text()  # station 3 has MARKDOWN[3], the heading with an attribute list
    assert re.sub(r"\s+", " ", notes.get_text()).count("alert(1)") >= 2
