"""What every build gets after its engine ran, whichever engine: each page's Content-Security-Policy (MkDocs adds it
as it writes each page; for other engines, a pass over the written files), the service worker, and the marker that
lets `yizhan build` replace the folder later."""

from __future__ import annotations

import re
from pathlib import Path

from yizhan.durable import MARKER

from .csp import add_policy
from .offline import write_service_worker

_ARTICLE = re.compile(r"<article\b.*</article>", re.S)  # the page's content, inside the theme's chrome


def content_of(html: str) -> str:
    """The content part of a built page (what came from its Markdown), or '' when there is none."""
    m = _ARTICLE.search(html)
    return m.group() if m else ""


def add_policies(site: Path, data_pages: set[str], engine_styles: tuple[str, ...] = ()) -> None:
    """Add the policy to every written page: no hash for inline code in the content of `data_pages` (built paths);
    `engine_styles`: hash sources of the inline styles the engine's own scripts insert."""
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        untrusted = content_of(html) if path.relative_to(site).as_posix() in data_pages else ""
        path.write_text(add_policy(html, untrusted, engine_styles), encoding="utf-8")


def finish_site(site: Path) -> None:
    """The service worker (after the pages are final: it precaches them by content) and the marker."""
    write_service_worker(site)
    (site / MARKER).write_text("built by yizhan; `yizhan build` replaces this folder\n", encoding="utf-8")  # i18n: not for people (a marker file)
