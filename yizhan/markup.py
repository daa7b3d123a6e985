"""Escaping station text into Markdown and HTML, and slugs for region pages."""

from __future__ import annotations

import html
import re

from pypinyin import lazy_pinyin

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")
_SUFFIX = ("市", "区", "县", "旗")


def h(text: object) -> str:
    """Escape for HTML text and attribute values."""
    return html.escape(str(text), quote=True)


def md(text: object) -> str:
    """Escape text so Markdown shows it literally (no HTML, no formatting)."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def cell(text: object) -> str:
    """Escape text for a Markdown table cell."""
    return md(text).replace("\n", " ")


def notes_md(text: str) -> str:
    """Staff-written Markdown notes, with raw HTML disabled."""
    return text.replace("&", "&amp;").replace("<", "&lt;")


def slug(name: str) -> str:
    """A lowercase ASCII slug from a Chinese place name: 梁溪区 → liangxi."""
    base = name[:-1] if len(name) > 2 and name.endswith(_SUFFIX) else name
    words = lazy_pinyin(base, errors="ignore") if base else []
    text = "".join(words).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text or "x"


def unique_slugs(names: list[str]) -> dict[str, str]:
    """Slugs for distinct names, made unique with -2, -3 … in sorted-name order."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in sorted(set(names)):
        base = candidate = slug(name)
        n = 2
        while candidate in used:
            candidate = f"{base}-{n}"
            n += 1
        used.add(candidate)
        out[name] = candidate
    return out
