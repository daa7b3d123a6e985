"""The one look of every page for people (site, finder, kiosk, hub admin, report): design tokens, the shared header
and footer, and the words of the product, in one stylesheet and one vocabulary that every part reads.

May import nothing of yizhan: the site, the kiosk and the check-ins all build on it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).parent
STYLESHEET = HERE / "look.css"
STYLESHEET_NAME = "look.css"

#: One word for one act, in every page, poster and report.
CHECK_IN = "报到"  # the member's act (never 签到 or 登记 for it)
CHECK_IN_RECORD = "报到记录"
HOTLINE = "12371"  # the party members' service hotline, on every error and empty page
HOTLINE_LABEL = "全国党员服务热线"


BASE_END = "/* ---- end of the base"  # i18n: not for people (a marker in look.css)


@lru_cache(maxsize=1)
def css() -> str:
    """The stylesheet's text (to embed in pages that are one file, such as the report)."""
    return STYLESHEET.read_text(encoding="utf-8")


def base_css() -> str:
    """The stylesheet's base only: the design tokens, [hidden] and the focus ring, for a page that inlines its own
    small stylesheet over them (the finder: every byte is on a slow phone's first request)."""
    return css().split(BASE_END, 1)[0]
