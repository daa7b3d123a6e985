"""Escaping station text into Markdown and HTML, and slugs for region pages."""

from __future__ import annotations

import hashlib
import html
import re

from pypinyin import lazy_pinyin

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")
_SUFFIX = ("市", "区", "县", "旗")
SLUG_MAX = 60  # characters of a region slug (a file name): longer ones are cut and end in a hash of the name


def h(text: object) -> str:
    """Escape for HTML text and attribute values."""
    return html.escape(str(text), quote=True)


def md(text: object) -> str:
    """Escape text so Markdown shows it literally (no HTML, no formatting)."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def cell(text: object) -> str:
    """Escape text for a Markdown table cell."""
    return md(text).replace("\n", " ")


def slug(name: str) -> str:
    """A lowercase ASCII slug from a Chinese place name: 梁溪区 → liangxi."""
    base = name[:-1] if len(name) > 2 and name.endswith(_SUFFIX) else name
    words = lazy_pinyin(base, errors="ignore") if base else []
    text = "".join(words).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "x"
    if len(text) > SLUG_MAX:  # a file name stays far below every file system's limit (255 bytes)
        text = text[: SLUG_MAX - 9].rstrip("-") + "-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return text


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
