"""Escaping station text into Markdown and HTML."""

from __future__ import annotations

import html
import json
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def h(text: object) -> str:
    """Escape for HTML text and attribute values."""
    return html.escape(str(text), quote=True)


def md(text: object) -> str:
    """Escape text so Markdown shows it literally (no HTML, no formatting)."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def cell(text: object) -> str:
    """Escape text for a Markdown table cell."""
    return md(text).replace("\n", " ")


def yaml_string(text: object) -> str:
    """A double-quoted YAML string for front matter, with every character YAML forbids written as an escape.

    A C1 control character or U+FFFE left raw makes the engine drop the whole front matter, and its lines would
    then be read as Markdown.
    """
    return _NOT_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(str(text), ensure_ascii=False))
