"""Escaping station text into Markdown and HTML."""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")


def h(text: object) -> str:
    """Escape for HTML text and attribute values."""
    return html.escape(str(text), quote=True)


def md(text: object) -> str:
    """Escape text so Markdown shows it literally (no HTML, no formatting)."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def cell(text: object) -> str:
    """Escape text for a Markdown table cell."""
    return md(text).replace("\n", " ")
