"""The static site's Content-Security-Policy: a <meta> in each page, with hashes of the inline code it needs.

The policy allows files of the site itself and nothing else: no other origin, no inline event handler, no
`javascript:` URL, no inline script or style but those whose SHA-256 the build put in the page's policy.
Inline code in the content of pages made from station data is never hashed, so if station text ever slipped
markup past the sanitizer, the browser would still refuse to run it. Style attributes are allowed only for
the column alignment that Markdown tables write.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.S | re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
_JS_TYPES = {"", "text/javascript", "application/javascript", "module"}
_HEAD = re.compile(r"<head\b[^>]*>(\s*<meta charset=[^>]*>)?", re.I)
ALIGNMENTS = ("text-align: left;", "text-align: right;", "text-align: center;")  # what Markdown tables write
POLICY = (
    "default-src 'self'; script-src 'self'{scripts}; style-src 'self'{styles}; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'"  # i18n: not for people (an HTTP header)
)


@lru_cache(maxsize=512)
def sha256(text: str) -> str:
    """A CSP hash source for `text` (pages share most of their inline scripts: each is hashed once)."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def inline_scripts(html: str) -> list[str]:
    """The text of every inline script that a browser would run (not JSON or JSON-LD data blocks, not src=)."""
    out = []
    for attrs, body in _SCRIPT.findall(html):
        kind = _TYPE.search(attrs)
        if "src=" in attrs.lower() or (kind and kind.group(1).lower() not in _JS_TYPES):
            continue
        out.append(body)
    return out


def policy(html: str, untrusted: str = "", engine_styles: tuple[str, ...] = ()) -> str:
    """The policy for a page: hashes of its inline scripts and <style> elements outside `untrusted` (a part of the
    page), and `engine_styles`, the hash sources of the styles that the engine's own scripts insert."""
    at = html.find(untrusted) if untrusted else -1
    trusted = html[:at] + html[at + len(untrusted) :] if at >= 0 else html
    scripts, styles = set(inline_scripts(trusted)), set(_STYLE.findall(trusted))
    if untrusted and at < 0:  # not a part of the page after all: leave out whatever it holds
        scripts -= set(inline_scripts(untrusted))
        styles -= set(_STYLE.findall(untrusted))
    style_sources = [*sorted(sha256(s) for s in styles), *engine_styles, "'unsafe-hashes'", *(sha256(a) for a in ALIGNMENTS)]
    return POLICY.format(scripts="".join(" " + h for h in sorted(sha256(s) for s in scripts)), styles="".join(" " + s for s in style_sources))


def add_policy(html: str, untrusted: str = "", engine_styles: tuple[str, ...] = ()) -> str:
    """`html` with its policy as the first element of <head> after the charset (a <meta> applies to what follows it)."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(html, untrusted, engine_styles)}">'
    m = _HEAD.search(html)
    if m is None:
        return html
    return html[: m.end()] + meta + html[m.end() :]
