"""Combined poster PDFs assembled from cached page streams, so one changed poster never redraws the others.

Every page is encoded once with a document-independent character table (global index i, drawn by font k of the
chain: font /Y<k>_<i//256>, code i%256), compressed and cached. A combined PDF is then the cached streams plus, once
per PDF, one TrueType subset per font and 256-character block holding only the glyphs its pages use (cut by reportlab).
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

from yizhan.durable import replacing

from .layout import H, W

ASCII = "".join(chr(c) for c in range(32, 127))
# Every non-ASCII character the layout prints by itself (tests check that poster_layout.py uses no other).
STATIC_TEXT = "流动党员服务驿站扫码报到查看信息点不了？手机浏览器输入也可在打开，或平板上热线：暂无请联系级开放时间未登记先致电咨询地址网查编号更新于·…（）　的“”找里搜索"


def font_number(name: str) -> int:
    """k of a registered poster font's name, YizhanF<k>-<cut> (its place in the font chain)."""
    return int(name[7:].partition("-")[0])


def page_stream(ops: list[list[Any]], index: dict[str, int], slot: dict[str, str]) -> tuple[bytes, set[int]]:
    """A display list as a PDF content stream in the table's encoding, and the table indices it uses.

    `slot` gives each character's font (YizhanF<k>-<cut>); its resource in a combined PDF is /Y<k>_<block>.
    """
    out: list[str] = []
    used: set[int] = set()
    size = 12.0
    for op in ops:
        kind = op[0]
        if kind == "text":
            parts = [f"BT {op[1]} {op[2]} Td"]
            block, codes = "", bytearray()
            for ch in op[3]:
                i = index[ch]
                used.add(i)
                resource = f"{font_number(slot[ch])}_{i >> 8}"
                if resource != block:
                    if codes:
                        parts.append(f"<{codes.hex()}> Tj")
                        codes = bytearray()
                    block = resource
                    parts.append(f"/Y{block} {size} Tf")
                codes.append(i & 255)
            if codes:
                parts.append(f"<{codes.hex()}> Tj")
            out.append(" ".join([*parts, "ET"]))
        elif kind == "font":
            size = op[1]
        elif kind == "fill":
            out.append(f"{op[1]:.3f} {op[2]:.3f} {op[3]:.3f} rg")
        elif kind == "rect":
            out.append(f"{op[1]} {op[2]} {op[3]} {op[4]} re f")
        elif kind == "lit":
            out.append(op[1])
    return "\n".join(out).encode("ascii"), used


def write_page(path: Path, stream: bytes, used: set[int]) -> None:
    """Cache one page: a header line with the indices used, then the Flate-compressed stream."""
    with replacing(path) as tmp:
        tmp.write_bytes(",".join(map(str, sorted(used))).encode("ascii") + b"\n" + zlib.compress(stream, 6))


def _text(value: str) -> str:
    """A PDF text string (UTF-16BE with a byte order mark) for the document information."""
    return "<FEFF" + value.encode("utf-16-be").hex().upper() + ">"


def _to_unicode(codes: dict[int, str]) -> bytes:
    """A ToUnicode CMap for one 256-code block (UTF-16, so characters beyond U+FFFF copy and search too)."""
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<00> <FF>", "endcodespacerange"]  # fmt: skip
    items = sorted(codes.items())
    for start in range(0, len(items), 100):
        chunk = items[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{code:02X}> <{ch.encode('utf-16-be').hex().upper()}>" for code, ch in chunk]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


class _Writer:
    """Numbered PDF objects written in order, with their offsets for the cross-reference table."""

    def __init__(self, f: Any) -> None:
        self.f = f
        self.offsets: dict[int, int] = {}
        f.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    def obj(self, num: int, body: str) -> None:
        self.offsets[num] = self.f.tell()
        self.f.write(f"{num} 0 obj\n{body}\nendobj\n".encode("ascii"))

    def stream(self, num: int, data: bytes, extra: str = "", compressed: bool = True) -> None:
        self.offsets[num] = self.f.tell()
        flt = " /Filter /FlateDecode" if compressed else ""
        self.f.write(f"{num} 0 obj\n<< /Length {len(data)}{flt}{extra} >>\nstream\n".encode("ascii") + data + b"\nendstream\nendobj\n")

    def finish(self, size: int, root: int, info: int) -> None:
        start = self.f.tell()
        rows = [b"xref\n", f"0 {size}\n".encode(), b"0000000000 65535 f \n"]
        rows += [f"{self.offsets[n]:010d} 00000 n \n".encode() for n in range(1, size)]
        self.f.write(b"".join(rows))
        self.f.write(f"trailer\n<< /Size {size} /Root {root} 0 R /Info {info} 0 R >>\nstartxref\n{start}\n%%EOF\n".encode())


def write_combined(target: Path, pages: list[Path], chars: str, title: str, slot: dict[str, str]) -> None:
    """One PDF of the cached pages, in order, with one embedded subset per font and 256-character block used."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, SUBSETN

    bodies: list[bytes] = []
    used: set[int] = set()
    for page in pages:
        head, _, body = page.read_bytes().partition(b"\n")
        if head:
            used.update(map(int, head.split(b",")))
        bodies.append(body)
    pieces = {(font_number(slot[chars[i]]), i >> 8): slot[chars[i]] for i in used}  # one cut of a font per block
    blocks = sorted(pieces)
    first_font = 5
    first_page = first_font + 4 * len(blocks)
    size = first_page + 2 * len(pages)
    with replacing(target) as tmp, open(tmp, "wb") as f:
        w = _Writer(f)
        w.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
        kids = " ".join(f"{first_page + 2 * n} 0 R" for n in range(len(pages)))
        w.obj(2, f"<< /Type /Pages /Count {len(pages)} /Kids [{kids}] >>")
        fonts = " ".join(f"/Y{f}_{b} {first_font + 4 * k} 0 R" for k, (f, b) in enumerate(blocks))
        w.obj(3, f"<< /Font << {fonts} >> /ProcSet [/PDF /Text] >>")
        w.obj(4, f"<< /Title {_text(title)} /Creator (yizhan posters) /Producer (yizhan with ReportLab font subsetting) >>")
        for k, (font, block) in enumerate(blocks):
            face = pdfmetrics.getFont(pieces[font, block]).face
            flags = (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC
            num = first_font + 4 * k
            codes = {i & 255: chars[i] for i in used if i >> 8 == block and slot[chars[i]] == pieces[font, block]}
            subset = [ord(codes[c]) if c in codes else 0 for c in range(256)]
            name = (SUBSETN(k) + b"+" + face.name + face.subfontNameX).decode("latin-1")
            widths = " ".join(str(round(face.getCharWidth(cp), 3)) for cp in subset)
            w.obj(num, f"<< /Type /Font /Subtype /TrueType /BaseFont /{name} /FirstChar 0 /LastChar 255 /Widths [{widths}] "
                       f"/FontDescriptor {num + 1} 0 R /ToUnicode {num + 3} 0 R >>")  # fmt: skip
            bbox = " ".join(str(v) for v in face.bbox)
            w.obj(num + 1, f"<< /Type /FontDescriptor /FontName /{name} /Flags {flags} /FontBBox [{bbox}] /ItalicAngle "
                           f"{face.italicAngle} /Ascent {face.ascent} /Descent {face.descent} /CapHeight {face.capHeight} "
                           f"/StemV {face.stemV} /MissingWidth {face.defaultWidth} /FontFile2 {num + 2} 0 R >>")  # fmt: skip
            program = face.makeSubset(subset)
            w.stream(num + 2, zlib.compress(program, 6), f" /Length1 {len(program)}")
            w.stream(num + 3, zlib.compress(_to_unicode(codes), 6))
        for n, body in enumerate(bodies):
            num = first_page + 2 * n
            w.obj(num, f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {W} {H}] /Resources 3 0 R /Contents {num + 1} 0 R >>")
            w.stream(num + 1, body)
        w.finish(size, 1, 4)
