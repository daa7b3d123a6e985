"""Station notes: Markdown rendered without raw HTML or attribute lists, then cleaned by an allow-list sanitizer.

Notes are the one field of a station file that is Markdown. They are rendered here, apart from the site's
own Markdown (whose `attr_list` would let `{onerror=…}` through), and the HTML is then passed through
nh3 (the Ammonia sanitizer): only the tags Markdown makes, no event handlers, no `style`, `id` or `class`,
links only to http(s), tel:, mailto: or relative addresses, images only relative (the site makes no outside
requests). What the sanitizer drops is reported, so `yizhan check` can tell the author why the text changed.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown
import nh3

from yizhan.i18n import _

TAGS = {"p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "hr", "a", "img",
        "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
SCHEMES = {"http", "https", "tel", "mailto"}
MAX_CHARS = 5_000  # a few paragraphs; Markdown's worst cases stay well under a second
_HEADING = re.compile(r"<(/?)h([1-6])>")
_ATTR_LIST = re.compile(r"\{(?::[^{}\n]*|[#.][\w-][^{}\n]*|[^{}\n=]*=[^{}\n]*)\}")  # what attr_list would have read
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
MAX_BRACKETS = 300  # "[" in one station's notes: Markdown's link parsing slows down with the square of unclosed ones
_local = threading.local()


def as_browser_reads(url: str) -> str:
    """A URL as browsers parse it: tabs and line breaks dropped anywhere, control characters and spaces at the ends."""
    return _TAB_NEWLINE.sub("", url).strip("".join(map(chr, range(0x21))))


def _relative(url: str) -> str | None:
    """A relative URL stays only when it points into this site (not //host or \\host, which browsers send elsewhere)."""
    url = as_browser_reads(url)
    if url.startswith(("//", "/\\")) or "\\" in url:
        return None
    return url


def _attribute(tag: str, attr: str, value: str) -> str | None:
    """Images come only from this site: an absolute src (any scheme, or //host) is dropped."""
    if tag == "img" and attr == "src" and (_relative(value) is None or _SCHEME.match(as_browser_reads(value))):
        return None
    return value


_CLEANER = nh3.Cleaner(tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES, url_relative=_relative,
                       attribute_filter=_attribute, link_rel="noopener noreferrer", strip_comments=True)  # fmt: skip


def _markdown() -> markdown.Markdown:
    """This thread's Markdown converter: no raw HTML reaches it, and no attr_list or md_in_html is loaded."""
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    return md


class _Refs(HTMLParser):
    """The href and src of every link and image, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, str, str]] = []  # tag, attribute, value ('' when absent), alt text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("a", "img"):
            d = dict(attrs)
            attr = "href" if tag == "a" else "src"
            self.refs.append((tag, attr, d.get(attr) or "", d.get("alt") or ""))


def _refs(text: str) -> list[tuple[str, str, str, str]]:
    parser = _Refs()
    parser.feed(text)
    parser.close()
    return parser.refs


@dataclass(frozen=True)
class Dropped:
    """Something of the author's text that does not reach the page as written: where it starts and why."""

    offset: int
    message: str


@dataclass(frozen=True)
class Notes:
    """Notes as the page shows them, and what of the text was dropped or shown as plain text."""

    html: str
    dropped: tuple[Dropped, ...]


def _shift(match: re.Match[str]) -> str:
    """Headings in notes sit under the page's "说明" (h2): # becomes h3, and so on."""
    return f"<{match.group(1)}h{min(int(match.group(2)) + 2, 6)}>"


def _find(text: str, needle: str, used: set[int]) -> int:
    """Where `needle` first is in `text` at an offset not yet `used`, else 0 (the start of the notes)."""
    at = text.find(needle) if needle else -1
    while at >= 0 and at in used:
        at = text.find(needle, at + 1)
    used.add(at)
    return max(at, 0)


def render(text: str) -> Notes:
    """Safe HTML of staff-written Markdown notes, and what was dropped from it."""
    md = _markdown()
    md.reset()
    try:
        raw = md.convert(text.replace("&", "&amp;").replace("<", "&lt;"))  # raw HTML is shown, never parsed
    except RecursionError:
        _local.md = None  # a converter interrupted half-way is not reused
        raise
    clean = _HEADING.sub(_shift, _CLEANER.clean(raw))
    dropped: list[Dropped] = []
    before, after = _refs(raw), _refs(clean)
    used: set[int] = set()
    for (tag, _attr, value, alt), (_tag, _attr2, kept, _alt) in zip(before, after):
        if value and not kept:
            pos = _find(text, value.split("\n")[0], used)
            if tag == "a":
                dropped.append(Dropped(pos, _("link to {link} removed: links may go only to http(s), tel: or mailto: "
                                              "addresses or to pages of this site").format(link=_shown(value))))  # fmt: skip
            else:
                dropped.append(Dropped(pos, _("image {image} removed: images must come from this site, which makes no "
                                              "outside requests (its text {text} is shown instead)").format(
                                                  image=_shown(value), text=_shown(alt))))  # fmt: skip
    if len(before) != len(after):  # pragma: no cover - the allow-list keeps every <a> and <img>
        dropped.append(Dropped(0, _("links or images removed by the sanitizer")))
    for m in _ATTR_LIST.finditer(text):
        dropped.append(Dropped(m.start(), _("{text} is shown as text: attribute lists ({{…}}) do not apply in notes").format(
            text=_shown(m.group()))))
    for m in _TAG.finditer(text):
        dropped.append(Dropped(m.start(), _("{text} is shown as text: HTML does not apply in notes, write Markdown").format(
            text=_shown(m.group()))))
    return Notes(clean, tuple(sorted(dropped, key=lambda d: d.offset)))


def _shown(value: str) -> str:
    """A value quoted for a message: one line, control characters made visible, at most 60 characters."""
    text = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in value)
    return '"' + (text[:57] + "…" if len(text) > 60 else text) + '"'
