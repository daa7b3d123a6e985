"""Find and load the TrueType CJK font that posters embed (reportlab embeds TrueType outlines only)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from yizhan.errors import YizhanError

# Debian/Ubuntu packages with TrueType (glyf) CJK outlines, best first. Noto CJK (fonts-noto-cjk) is
# CFF-based and reportlab cannot embed it.
CANDIDATES: list[tuple[Path, int, str]] = [
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0, "fonts-wqy-zenhei"),
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0, "fonts-wqy-microhei"),
    (Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0, "fonts-arphic-uming"),
    (Path("/usr/share/fonts/truetype/arphic/ukai.ttc"), 0, "fonts-arphic-ukai"),
]
INSTALL_HINT = (
    "install a TrueType CJK font (Debian: `apt-get install fonts-wqy-zenhei`) or set `poster_font: PATH.ttf` "
    "under the yizhan plugin in mkdocs.yml"
)
FONT_NAME = "YizhanCJK"


@dataclass(frozen=True)
class PosterFont:
    """A loadable TrueType font: where it is, which face of a collection, and a fingerprint for caches."""

    path: Path
    index: int
    name: str
    fingerprint: str

    def register(self) -> None:
        """Register the font with reportlab under FONT_NAME (once per process)."""
        from reportlab.pdfbase import pdfmetrics

        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(_load(self.path, self.index))

    def chars(self) -> set[int]:
        """The code points the font has glyphs for."""
        from reportlab.pdfbase import pdfmetrics

        self.register()
        return set(pdfmetrics.getFont(FONT_NAME).face.charToGlyph)


_LOADED: dict[tuple[Path, int], object] = {}  # parsed once per process (a CJK font file is 10-20 MB)


def _load(path: Path, index: int):  # type: ignore[no-untyped-def]
    """A reportlab TTFont, or a YizhanError saying why the file cannot be used."""
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    if (path, index) in _LOADED:
        return _LOADED[path, index]
    try:
        font = _LOADED[path, index] = TTFont(FONT_NAME, str(path), subfontIndex=index)
        return font
    except TTFError as err:
        text = str(err)
        if "postscript outlines" in text.lower() or "cff" in text.lower():
            why = "it has PostScript (CFF) outlines, which reportlab cannot embed (Noto CJK is such a font)"
        else:
            why = f"it is not a usable TrueType font ({text})"
        raise YizhanError(f"poster font {path}: {why}; {INSTALL_HINT}") from None


def _describe(path: Path, index: int) -> PosterFont:
    """Load a font once to check it and learn its name; fingerprint = path, face, size and mtime."""
    font = _load(path, index)
    raw = getattr(font.face, "familyName", None) or font.face.name
    name = raw.decode("latin-1") if isinstance(raw, bytes) else str(raw)
    st = path.stat()
    key = f"{path.resolve()}|{index}|{st.st_size}|{st.st_mtime_ns}"
    return PosterFont(path, index, name, hashlib.sha256(key.encode()).hexdigest()[:16])


def find_font(configured: str | None, base: Path, candidates: list[tuple[Path, int, str]] | None = None) -> PosterFont:
    """The configured font (`poster_font`, relative to the project; `PATH#N` picks face N), else the first installed candidate."""
    if configured:
        text, _, face = configured.partition("#")
        path = Path(text) if Path(text).is_absolute() else base / text
        if not path.is_file():
            raise YizhanError(f"poster font {path} (poster_font in mkdocs.yml) not found; {INSTALL_HINT}")
        return _describe(path, int(face) if face.isdigit() else 0)
    for path, index, _package in CANDIDATES if candidates is None else candidates:
        if path.is_file():
            return _describe(path, index)
    raise YizhanError(f"no CJK font for posters found; {INSTALL_HINT}")
