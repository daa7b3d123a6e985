"""The poster fonts: a chain (poster_font, installed CJK fonts, the bundled last resort), each character from the
first font that has it, every font cut to the characters the posters use and turned into TrueType for reportlab."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yizhan.durable import replacing
from yizhan.errors import YizhanError
from yizhan.i18n import N_, _

from .chartable import CharTable
from .fontfind import FONT_SUFFIXES, FoundFont, by_name, font_folders, installed_fonts

FONTDATA = Path(__file__).parent / "fontdata"  # see fontdata/README.md: where they come from, licences, fetch.py
BUNDLED = (FONTDATA / "DroidSansFallbackFull.ttf", FONTDATA / "LiberationSans-Regular.ttf")  # CJK, then Latin
FIX = N_("install a font that has it (Debian/Ubuntu: `apt-get install fonts-noto-cjk`; Windows and macOS: Noto Sans CJK SC "
         "or Source Han Sans SC) or add its file to poster_font under the yizhan plugin in mkdocs.yml")  # fmt: skip
CACHE_FORMAT = "1"  # bump when the subsetting below changes: every cached font (and poster) is made again


@dataclass(frozen=True)
class FontSource:
    """One font of the chain: its file, the face of a collection, its family name and where it came from."""

    path: Path
    index: int
    name: str
    origin: str  # "poster_font", "installed" or "bundled"
    fingerprint: str  # changes when the file changes


def _open(path: Path, index: int, lazy: bool = True) -> Any:
    from fontTools.ttLib import TTFont

    return TTFont(str(path), fontNumber=index, lazy=lazy)


def _faces(path: Path) -> int:
    """How many faces a font file holds (1 for a plain .ttf/.otf)."""
    with path.open("rb") as f:
        head = f.read(12)
    return int.from_bytes(head[8:12], "big") if head[:4] == b"ttcf" else 1


def pick_face(path: Path) -> int:
    """The face of a collection best for Simplified Chinese text: SC/GB/CN in its family name, regular weight."""
    n = _faces(path)
    if n == 1:
        return 0
    best, score = 0, -99
    for i in range(n):
        names = _open(path, i)["name"]
        family = (names.getDebugName(16) or names.getDebugName(1) or "").replace("-", " ")
        style = (names.getDebugName(17) or names.getDebugName(2) or "").lower()
        words = set(family.upper().split())
        s = 2 * bool(words & {"SC", "GB", "CN"}) - 2 * bool(words & {"TC", "HK", "JP", "KR", "K", "J"})
        s -= ("MONO" in words) + ("UI" in words)
        s += style in ("regular", "normal", "book", "w3")
        if s > score:
            best, score = i, s
    return best


def describe(path: Path, index: int | None, origin: str) -> FontSource:
    """A font of the chain, checked to be a font; YizhanError says why a file cannot be used."""
    try:
        index = pick_face(path) if index is None else index
        font = _open(path, index)
        names = font["name"]
        name = names.getBestFamilyName() or path.stem
        st = path.stat()
        fs_type = font["OS/2"].fsType if "OS/2" in font else 0
    except Exception as err:  # noqa: BLE001 (fontTools raises many kinds of errors on a damaged file)
        raise YizhanError(_("poster font {path}: not a usable TrueType or OpenType font ({error})")
                          .format(path=path, error=f"{type(err).__name__}: {err}")) from None
    if fs_type & 0x0002 or fs_type & 0x0200:
        raise YizhanError(_("poster font {path}: its licence forbids embedding it in a PDF (OS/2 fsType {fs_type}); choose another font")
                          .format(path=path, fs_type=f"{fs_type:#06x}")) from None  # fmt: skip
    key = f"{CACHE_FORMAT}|{path.resolve()}|{index}|{st.st_size}|{st.st_mtime_ns}"
    return FontSource(path, index, str(name), origin, hashlib.sha256(key.encode()).hexdigest()[:16])


def configured_font(entry: str, base: Path) -> FontSource:
    """A poster_font entry: a path (relative to the project; `PATH#N` picks face N) or an installed font's file name."""
    text, _sep, face = entry.partition("#")
    path = Path(text) if Path(text).is_absolute() else base / text
    if not path.is_file() and os.sep not in text and "/" not in text:
        path = next((f.path for f in by_name(font_folders(), [text])), path)
    if not path.is_file():
        raise YizhanError(_("poster font {name} (poster_font in mkdocs.yml) not found: give the path of a .ttf, .ttc or .otf file, "
                            "or the file name of an installed font such as msyh.ttc").format(name=text))  # fmt: skip
    if not path.name.lower().endswith(FONT_SUFFIXES):
        raise YizhanError(_("poster font {path} (poster_font in mkdocs.yml): expected a .ttf, .ttc, .otf or .otc file").format(path=path))
    if face and not face.isdigit():
        raise YizhanError(_("poster font {entry} (poster_font in mkdocs.yml): after # comes the number of a face in the collection, e.g. {example}")
                          .format(entry=entry, example=f"{text}#0"))
    return describe(path, int(face) if face else None, "poster_font")


@dataclass
class FontChain:
    """The fonts to try, in order; each one's character coverage is read only when a character is still missing."""

    sources: list[FontSource]
    notes: list[str] = field(default_factory=list)  # installed fonts that were skipped, and why
    _cover: dict[int, set[int]] = field(default_factory=dict)

    def coverage(self, k: int) -> set[int]:
        if k not in self._cover:
            try:
                self._cover[k] = set(_open(self.sources[k].path, self.sources[k].index)["cmap"].getBestCmap() or {})
            except Exception as err:  # noqa: BLE001 (a damaged font is skipped, not fatal)
                self.notes.append(_("poster font {path} skipped: its character map cannot be read ({error})")
                                  .format(path=self.sources[k].path, error=err))
                self._cover[k] = set()
        return self._cover[k]

    def assign(self, chars: Iterable[str]) -> tuple[dict[str, int], set[str]]:
        """Each character's font (index in the chain), and the characters no font has (white space needs none)."""
        todo = set(chars)
        slot: dict[str, int] = {}
        for k in range(len(self.sources)):
            if not todo:
                break
            have = self.coverage(k)
            found = {ch for ch in todo if ord(ch) in have}
            slot.update(dict.fromkeys(found, k))
            todo -= found
        return slot, {ch for ch in todo if not ch.isspace()}


def font_chain(configured: Iterable[str], base: Path, installed: list[FoundFont] | None = None,
               bundled: tuple[Path, ...] = BUNDLED) -> FontChain:  # fmt: skip
    """poster_font's fonts, then the installed CJK fonts (best first), then the font that ships with yizhan."""
    sources = [configured_font(entry, base) for entry in configured]
    notes: list[str] = []
    for found in installed_fonts() if installed is None else installed:
        try:
            sources.append(describe(found.path, found.index, "installed"))
        except YizhanError as err:
            notes.append(_("{error}: skipped").format(error=err))
    for path in bundled:
        if path.is_file():
            sources.append(describe(path, 0, "bundled"))
    if not sources:
        raise YizhanError(_("no font for posters: the fonts that ship with yizhan ({folder}) are missing; reinstall yizhan or {fix}")
                          .format(folder=FONTDATA, fix=_(FIX)))
    seen: set[tuple[Path, int]] = set()
    unique = [s for s in sources if (s.path.resolve(), s.index) not in seen and not seen.add((s.path.resolve(), s.index))]  # type: ignore[func-returns-value]
    return FontChain(unique, notes)


_REGISTERED: set[str] = set()  # the cuts registered with reportlab in this process (each under a name of its own)


@dataclass(frozen=True)
class PosterFonts:
    """The fonts registered with reportlab for a run: which font draws each character, and a fingerprint for caches."""

    files: tuple[tuple[str, str], ...]  # (reportlab font name, TrueType file cut to the characters it draws)
    slot: dict[str, str]  # character -> reportlab font name
    fingerprint: str
    names: tuple[str, ...]  # the family names of the fonts used, for the run's first line
    paths: tuple[str, ...]

    def register(self) -> None:
        """Register the fonts with reportlab (once per process) and make them the ones layouts measure with."""
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        _astral_to_unicode()
        for name, path in self.files:
            if name not in _REGISTERED:
                pdfmetrics.registerFont(TTFont(name, path))
                _REGISTERED.add(name)
        widths: dict[str, float] = {}
        for ch, name in self.slot.items():
            face = pdfmetrics.getFont(name).face
            widths[ch] = face.charWidths.get(ord(ch), face.defaultWidth)
        global CURRENT
        CURRENT = Active(self.slot, widths, self.files[0][0] if self.files else "Helvetica")


def _astral_to_unicode() -> None:
    """Make reportlab's ToUnicode maps write characters beyond U+FFFF as UTF-16 pairs, as the PDF standard asks.

    reportlab 5.1 writes `<%04X>` of the code point, so 𬇙 (U+2C1D9) copies and searches as Ⱍ (U+2C1D). Every
    other entry is written exactly as reportlab writes it.
    """
    from reportlab.pdfbase import ttfonts

    original = ttfonts.makeToUnicodeCMap
    if getattr(original, "yizhan", False):
        return

    def make(fontname: str, subset: list[int]) -> str:
        text = original(fontname, [min(cp, 0xFFFF) for cp in subset])
        for i, cp in enumerate(subset):
            if cp > 0xFFFF:
                text = text.replace(f"\n<{i:02X}> <FFFF>\n", f"\n<{i:02X}> <{chr(cp).encode('utf-16-be').hex().upper()}>\n", 1)
        return text

    make.yizhan = True  # type: ignore[attr-defined]
    ttfonts.makeToUnicodeCMap = make


@dataclass(frozen=True)
class Active:
    """The registered fonts that layouts measure and draw with."""

    slot: dict[str, str]
    widths: dict[str, float]  # advance in 1/1000 em
    first: str  # the font of the first run, and of the canvas


CURRENT = Active({}, {}, "Helvetica")


def _to_truetype(font: Any) -> None:
    """Replace CFF outlines by TrueType quadratic ones (fontTools' otf2ttf recipe: cu2qu, 1 unit of tolerance)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    quad = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        quad[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, quad
    for tag in ("CFF ", "CFF2", "VORG"):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in quad.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
                 "maxSizeOfInstructions", "maxComponentElements"):  # fmt: skip
        setattr(maxp, attr, 1 if attr == "maxZones" else 0)
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 3.0, [], {}
    font.sfntVersion = "\x00\x01\x00\x00"


def cut(source: FontSource, chars: str, target: Path, piece: str = "") -> None:
    """Write a TrueType font with only `chars` of `source` (CFF outlines converted), for reportlab to embed.

    `piece` goes into the PostScript name: two pieces of one font are two fonts to a PDF, and must not share a name.
    """
    from fontTools import subset

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # "BDF NOT subset; dropped" is not for the staff
    font = _open(source.path, source.index, lazy=True)  # tables the options drop are never read
    options = subset.Options()
    options.layout_features, options.hinting, options.notdef_outline = [], False, True
    options.glyph_names, options.desubroutinize, options.name_IDs = False, True, [0, 1, 2, 3, 4, 5, 6]
    options.drop_tables += ["VORG", "vhea", "vmtx", "DSIG", "BASE", "GSUB", "GPOS", "GDEF", "EBDT", "EBLC", "EBSC", "bdat", "bloc",
                            "BDF ", "FFTM", "PfEd", "TeX "]  # fmt: skip
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[ord(ch) for ch in chars])
    sub.subset(font)
    if "glyf" not in font:
        _to_truetype(font)
    if piece:
        names = font["name"]
        ps = re.sub(r"[^A-Za-z0-9-]", "", names.getDebugName(6) or source.path.stem)[:40] or "Font"
        names.removeNames(nameID=6)
        names.setName(f"{ps}-{piece}", 6, 3, 1, 0x409)
        names.setName(f"{ps}-{piece}", 6, 1, 0, 0)
    if "OS/2" in font:
        font["OS/2"].fsType = font["OS/2"].fsType & ~0x0100  # the subset may be subset again (reportlab does so)
    with replacing(target) as tmp:
        font.save(str(tmp))


def _looks_cut(path: Path) -> bool:
    """Whether a cached cut is a whole TrueType file (its table directory and every table inside the file)."""
    try:
        with path.open("rb") as f:
            head = f.read(12)
            if head[:4] != b"\x00\x01\x00\x00":
                return False
            count = int.from_bytes(head[4:6], "big")
            records = f.read(16 * count)
        size = path.stat().st_size
    except OSError:
        return False
    if len(records) != 16 * count or not count:
        return False
    return all(int.from_bytes(records[i + 8 : i + 12], "big") + int.from_bytes(records[i + 12 : i + 16], "big") <= size
               for i in range(0, len(records), 16))  # fmt: skip


PIECES_FILE = "pieces.json"  # per font: how many blocks of the character table its base cut covers
LOOSE_BLOCKS = 4  # blocks cut one by one (each re-cut alone while it fills) before they are merged into the base


def prepare_fonts(chain: FontChain, chars: Iterable[str], cache: Path) -> tuple[PosterFonts, set[str]]:
    """Assign every character its font, give it its place in the character table, and cut the fonts (cached).

    Each font is cut in pieces along the table's 256-character blocks: a base piece for the first blocks and one
    piece per later block. The table only grows at its end, so a new character re-cuts only the last block's
    piece (a fraction of a second) instead of the whole font. Returns the fonts and the characters no font has.
    """
    slot, missing = chain.assign(chars)
    used = sorted(set(slot.values()))
    fingerprint = hashlib.sha256("|".join(chain.sources[k].fingerprint for k in used).encode()).hexdigest()[:16]
    table = CharTable(cache / "chars.json", fingerprint)
    table.extend(["".join(slot)], slot)  # type: ignore[arg-type]
    folder = cache / "fonts"
    try:
        bases = json.loads((folder / PIECES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        bases = {}
    if not isinstance(bases, dict) or bases.get("table") != table.id:
        bases = {"table": table.id}
    full_blocks, last = len(table.chars) // 256, (len(table.chars) - 1) // 256
    files, names, paths, keep, slot_name = [], [], [], set(), {}
    for k in used:
        source = chain.sources[k]
        base = bases.get(source.fingerprint, 0)
        if not isinstance(base, int) or full_blocks - base >= LOOSE_BLOCKS:
            base = full_blocks
        bases[source.fingerprint] = base
        spans = ([(0, base)] if base else []) + [(b, b + 1) for b in range(base, last + 1)]
        for b0, b1 in spans:
            text = "".join(ch for ch in table.chars[b0 * 256 : b1 * 256] if slot.get(ch) == k)
            if not text:
                continue
            digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
            target = folder / f"{source.fingerprint}-{b0}-{b1}-{digest}.ttf"
            if not _looks_cut(target):  # missing, or damaged: cut again
                try:
                    cut(source, text, target, f"P{b0}x{b1}")
                except Exception as err:  # noqa: BLE001 (a font fontTools cannot cut is a message, not a traceback)
                    raise YizhanError(_("poster font {path}: cannot be prepared for posters ({error}); remove it from poster_font or "
                                        "install another CJK font").format(path=source.path, error=f"{type(err).__name__}: {err}")) from None  # fmt: skip
            keep.add(target.name)
            name = f"YizhanF{k}-{target.stem}"  # a new cut gets a new name: reportlab never replaces a registered font
            files.append((name, str(target)))
            slot_name.update(dict.fromkeys(text, name))
        names.append(source.name)
        paths.append(str(source.path))
    text = json.dumps(bases)
    if not (folder / PIECES_FILE).is_file() or (folder / PIECES_FILE).read_text(encoding="utf-8") != text:
        with replacing(folder / PIECES_FILE) as tmp:
            tmp.write_text(text, encoding="utf-8")
    for old in folder.glob("*.ttf"):  # cuts no piece uses any more (only names this function writes)
        if old.name not in keep and old.name.count("-") == 3:
            old.unlink(missing_ok=True)
    fonts = PosterFonts(tuple(files), slot_name, fingerprint, tuple(names), tuple(paths))
    return fonts, missing


def runs(text: str) -> list[tuple[str, str]]:
    """Text split into (font, part) runs by the font that draws each character."""
    slot, first = CURRENT.slot, CURRENT.first
    out: list[tuple[str, str]] = []
    for ch in text:
        name = slot.get(ch, first)
        if out and out[-1][0] == name:
            out[-1] = (name, out[-1][1] + ch)
        else:
            out.append((name, ch))
    return out


def width(text: str, size: float) -> float:
    """The width of text in points at `size`, each character measured in its own font."""
    widths = CURRENT.widths
    return 0.001 * size * sum(widths.get(ch, 500.0) for ch in text)
