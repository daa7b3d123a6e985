"""What every build gets after its engine ran, whichever engine: each page's Content-Security-Policy, the service
worker, and the marker that lets `yizhan build` replace the folder later."""

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


def finish_site(site: Path, data_pages: set[str], policy: bool = True, engine_styles: tuple[str, ...] = ()) -> None:
    """Add the policy to every page (no hash for inline code in the content of `data_pages`; `engine_styles`: the
    inline styles the engine's scripts insert), the worker and the marker."""
    if policy:
        for path in site.rglob("*.html"):
            html = path.read_text(encoding="utf-8")
            untrusted = content_of(html) if path.relative_to(site).as_posix() in data_pages else ""
            path.write_text(add_policy(html, untrusted, engine_styles), encoding="utf-8")
    write_service_worker(site)
    (site / MARKER).write_text("built by yizhan; `yizhan build` replaces this folder\n", encoding="utf-8")
