"""One poster's content and its A4 layout as a small display list that any reportlab canvas can replay."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from . import fonts
from .qr import QUIET, cached_runs, pdf_ops

LAYOUT_VERSION = "poster-2"  # bump whenever the drawing below changes: every cached poster is redrawn
W, H = 595.2756, 841.8898  # A4 portrait in points
MARGIN = 42.0
QR_MODULES_CM = 12.2  # width of the code itself (quiet zone excluded): the issue asks for at least 12 cm
RED = (0.76, 0.09, 0.09)
GREY = (0.35, 0.35, 0.35)
BLACK = (0.0, 0.0, 0.0)
Op = list[Any]


@dataclass(frozen=True)
class PosterContent:
    """Everything a poster shows: its cache key is a hash of this, the layout version and the font."""

    id: str
    name: str
    level: str
    operator: str
    kiosk: bool
    qr: str  # exactly what the QR code encodes
    typed: str  # the same address for typing by hand (no scheme)
    code: str  # formatted station code, e.g. 7K3 M9Q
    hotlines: tuple[tuple[str, str], ...]
    hours: str
    address: str
    site: str
    updated: str

    def key(self, font: str) -> str:
        """Content hash naming this poster in the cache."""
        text = json.dumps([LAYOUT_VERSION, font, *(getattr(self, name) for name in _FIELDS)], ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def strings(self) -> Iterator[str]:
        """Every text the poster may print (its characters go into the combined PDFs' character table)."""
        for name in _FIELDS:
            value = getattr(self, name)
            if isinstance(value, str):
                yield value
            elif isinstance(value, (tuple, list)):
                yield from (x for item in value for x in item)

    def texts(self) -> Iterator[tuple[str, str]]:
        """(field, text) of everything printed in the CJK font, for the missing-glyph check."""
        yield "name", self.name
        yield "level", self.level
        yield "operator", self.operator
        for number, label in self.hotlines:
            yield "hotlines", f"{number}{label}"
        yield "hours", self.hours
        yield "address", self.address
        yield "site", self.site
        yield "checkin_url" if self.kiosk else "site_url", self.typed
        yield "id", self.id


_FIELDS = tuple(f.name for f in fields(PosterContent))


def _width(text: str, size: float) -> float:
    return fonts.width(text, size)


def wrap(text: str, size: float, width: float) -> list[str]:
    """Break text into lines no wider than `width` (CJK text breaks anywhere; Latin words are kept whole when they fit)."""
    lines: list[str] = []
    line, used = "", 0.0
    for ch in text:
        w = _width(ch, size)
        if used + w <= width or not line:
            line, used = line + ch, used + w
            continue
        cut = len(line)
        if ch.isascii() and ch.isalnum():  # don't split an ASCII word (a phone number, a URL part) if avoidable
            i = len(line)
            while i > 0 and line[i - 1].isascii() and (line[i - 1].isalnum() or line[i - 1] in "-./"):
                i -= 1
            if i > 0:
                cut = i
        lines.append(line[:cut].rstrip())
        line = line[cut:].lstrip() + ch
        used = _width(line, size)
    if line:
        lines.append(line)
    return lines


def _fit(text: str, sizes: tuple[float, ...], width: float, max_lines: int) -> tuple[float, list[str]]:
    """The largest size at which text fits in max_lines; at the smallest size, the last line ends with …."""
    for size in sizes:
        lines = wrap(text, size, width)
        if len(lines) <= max_lines:
            return size, lines
    size = sizes[-1]
    lines = wrap(text, size, width)[:max_lines]
    while lines[-1] and _width(lines[-1] + "…", size) > width:
        lines[-1] = lines[-1][:-1]
    lines[-1] += "…"
    return size, lines


class _Page:
    """Collects display-list operations, tracking the current font and colour."""

    def __init__(self) -> None:
        self.ops: list[Op] = []
        self.size = 0.0
        self.colour: tuple[float, float, float] | None = None

    def style(self, size: float, colour: tuple[float, float, float]) -> None:
        if size != self.size:
            self.ops.append(["font", size])
            self.size = size
        if colour != self.colour:
            self.ops.append(["fill", *colour])
            self.colour = colour

    def text(self, x: float, y: float, s: str, size: float, colour: tuple[float, float, float] = BLACK) -> None:
        self.style(size, colour)
        self.ops.append(["text", round(x, 2), round(y, 2), s])

    def centred(self, y: float, s: str, size: float, colour: tuple[float, float, float] = BLACK) -> None:
        self.text((W - _width(s, size)) / 2, y, s, size, colour)

    def rect(self, x: float, y: float, w: float, h: float, colour: tuple[float, float, float]) -> None:
        self.colour = colour
        self.ops += [["fill", *colour], ["rect", round(x, 2), round(y, 2), round(w, 2), round(h, 2)]]


def layout(p: PosterContent, qr_cache: Path | None) -> list[Op]:
    """The display list of one poster (top to bottom: header, name, level, QR, instruction, code, details)."""
    page = _Page()
    inner = W - 2 * MARGIN
    page.rect(0, H - 36, W, 36, RED)
    page.text(MARGIN, H - 24, "流动党员服务驿站", 14, (1, 1, 1))
    y = H - 36 - 42
    size, lines = _fit(p.name, (36, 32, 28), inner, 1)
    if lines[-1].endswith("…"):
        size, lines = _fit(p.name, (32, 28, 24, 20), inner, 2)
    for line in lines:
        page.centred(y, line, size)
        y -= size * 1.2
    size, lines = _fit(f"{p.level} · {p.operator}", (15, 13, 11), inner, 2)
    for line in lines:
        page.centred(y + 4, line, size, GREY)
        y -= size * 1.3
    n, runs = cached_runs(p.qr, qr_cache)
    side = QR_MODULES_CM / 2.54 * 72 * (n + 2 * QUIET) / n
    y -= side  # the code's quiet zone (4 modules of white) is kept clear of text on every side
    page.ops.append(["lit", pdf_ops(n, runs, (W - side) / 2, y, side)])
    y -= 26  # a full em below the quiet zone: CJK ink reaches 0.88 em above the baseline in Noto Sans CJK
    page.centred(y, "扫码报到" if p.kiosk else "扫码查看驿站信息", 26, RED)
    y -= 42
    label = "站点码  "
    lw, cw = _width(label, 16), _width(p.code, 38)
    x = (W - lw - cw) / 2
    page.text(x, y, label, 16, GREY)
    page.text(x + lw, y, p.code, 38)
    y -= 20
    hint = "扫不了码？手机浏览器输入 " if p.kiosk else "也可在浏览器打开 "
    search = f"，或在 {p.site} 的“查找驿站”里搜索站点码" if p.kiosk and p.site else ""  # the finder's search finds the code
    size, lines = _fit(hint + p.typed + search, (11, 10, 9), inner, 2)
    for line in lines:
        page.centred(y, line, size, GREY)
        y -= size * 1.3
    page.rect(MARGIN, y + 2, inner, 0.8, GREY)
    y -= 14
    phones = "　".join(f"{number}（{label}）" if label else number for number, label in p.hotlines[:4])
    details = [
        ("服务热线：", phones or "暂无，请联系上级驿站"),
        ("开放时间：", p.hours or "未登记开放时间，请先致电咨询"),
        ("地址：", p.address),
    ]
    if p.site:
        details.append(("网上查询：", p.site))
    bottom = MARGIN
    for size in (12.0, 11.0, 10.0, 9.0, 8.0):
        hw = max(_width(head, size) for head, _ in details)
        blocks = [(head, wrap(body, size, inner - hw)) for head, body in details]
        if y - (sum(len(b) for _, b in blocks) - 1) * size * 1.4 >= bottom:
            break
    budget = max(int((y - bottom) / (size * 1.4)) + 1, len(details))
    for i, (head, body) in enumerate(blocks):
        take = body[: max(1, min(len(body), budget - (len(blocks) - 1 - i)))]
        if len(take) < len(body):
            take[-1] = take[-1][:-1] + "…"
        budget -= len(take)
        page.text(MARGIN, y, head, size, GREY)
        for line in take:
            page.text(MARGIN + hw, y, line, size)
            y -= size * 1.4
    foot = f"站点编号 {p.id}" + (f" · 信息更新于 {p.updated}" if p.updated else "")
    page.text(MARGIN, 20, foot, 8, GREY)
    return page.ops


def draw_op(canvas: Any, op: Op) -> None:
    """Replay one display-list operation onto a reportlab canvas (text in runs, each in the font that has its characters)."""
    kind = op[0]
    if kind == "text":
        size = canvas._fontsize
        text = canvas.beginText(op[1], op[2])
        for name, part in fonts.runs(op[3]):
            text.setFont(name, size)
            text.textOut(part)
        canvas.drawText(text)
    elif kind == "font":
        canvas.setFont(fonts.CURRENT.first, op[1])
    elif kind == "fill":
        canvas.setFillColorRGB(op[1], op[2], op[3])
    elif kind == "rect":
        canvas.rect(op[1], op[2], op[3], op[4], stroke=0, fill=1)
    elif kind == "lit":
        canvas.addLiteral(op[1])


def draw(canvas: Any, ops: list[Op]) -> None:
    """Replay a display list onto a reportlab canvas as one page."""
    for op in ops:
        draw_op(canvas, op)
    canvas.showPage()
