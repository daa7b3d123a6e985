"""Layout checks in a real Chromium for the pages of the one look (kiosk, hub admin, report): no sideways scrolling,
touch targets of at least 44 CSS px, chart text of at least 12 CSS px, and the one word for the member's act."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

SIZES = {"320": {"width": 320, "height": 640}, "390": {"width": 390, "height": 844}}
TARGET = 44  # CSS px: the smallest touch target (yizhan.look's --yz-target)
SMALLEST_TEXT = 12  # CSS px: the smallest chart text on a phone

# Every link, button, input, disclosure and chip on the page (header, content and footer), with its box; hidden ones
# (inputs of type hidden, the radio buttons under their chips, rows inside a closed <details>) have no box and are left out.
_MEASURE = """() => {
  const de = document.documentElement;
  const targets = [];
  for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary, .chip span')) {
    if (el.matches('input[type=hidden], .chip input')) continue;
    const r = el.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    targets.push({what: el.outerHTML.slice(0, 90), width: r.width, height: r.height, right: r.right});
  }
  const text = [];
  for (const el of document.querySelectorAll('.yz-chart span, .yz-chart li span, .yz-chart text, .yz-bars__label, .yz-bars__value')) {
    const r = el.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    const range = document.createRange();
    range.selectNodeContents(el);
    const glyphs = range.getBoundingClientRect();
    text.push({what: el.textContent.slice(0, 30), size: parseFloat(getComputedStyle(el).fontSize), height: glyphs.height,
               right: r.right});
  }
  return {scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, targets, text,
          svgText: document.querySelectorAll('.yz-chart svg text').length, body: document.body.innerText};
}"""


def measure(page: Page) -> dict[str, Any]:
    """The page's widths, its targets' boxes and its chart texts' sizes, as Chromium laid them out."""
    return page.evaluate(_MEASURE)


def check_page(page: Page, url: str, charts: int = 0) -> dict[str, Any]:
    """Open `url` and assert the layout rules of the one look; `charts`: how many chart texts at least."""
    page.goto(url)
    m = measure(page)
    where = f"{url} at {page.viewport_size}"
    assert m["scrollWidth"] <= m["clientWidth"], f"{where}: {m['scrollWidth']} px wide in {m['clientWidth']} px"
    small = [t for t in m["targets"] if t["height"] < TARGET or t["width"] < TARGET]
    assert not small, f"{where}: targets under {TARGET} px: {small}"
    assert all(t["right"] <= m["clientWidth"] + 0.5 for t in m["targets"]), where
    tiny = [t for t in m["text"] if t["size"] < SMALLEST_TEXT or t["height"] < SMALLEST_TEXT]
    assert not tiny, f"{where}: chart text under {SMALLEST_TEXT} px: {tiny}"
    assert len(m["text"]) >= charts, where
    assert m["svgText"] == 0, where  # chart text is HTML, never scaled with a drawing
    assert "签到" not in m["body"] and "签到" not in page.content(), where  # the one word is 报到
    return m
