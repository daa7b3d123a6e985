"""Region names as file names: lowercase ASCII slugs from Chinese place names, unique within a list."""

from __future__ import annotations

import hashlib
import re

from pypinyin import lazy_pinyin

_SUFFIX = ("市", "区", "县", "旗")
SLUG_MAX = 60  # characters of a region slug (a file name): longer ones are cut and end in a hash of the name


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
