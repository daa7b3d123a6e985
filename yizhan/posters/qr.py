"""QR codes for posters: the matrix as horizontal runs of dark modules (vector rectangles), cached by content."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlsplit

from yizhan.durable import replacing

QUIET = 4  # modules of white quiet zone the standard requires around the code
ALPHANUMERIC = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
QR_FORMAT = "qrcode-Q-1"  # bump when the encoding settings below change (invalidates cached codes)


def qr_text(url: str) -> str:
    """The URL as encoded: scheme and host upper case (case-insensitive by RFC 3986) so more of it fits QR alphanumeric mode."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return url
    rest = url[len(parts.scheme) + 3 + len(parts.netloc) :]
    return f"{parts.scheme.upper()}://{parts.netloc.upper()}{rest}"


def is_alphanumeric(text: str) -> bool:
    """Whether the whole text fits QR alphanumeric mode (5.5 bits a character instead of 8)."""
    return all(ch in ALPHANUMERIC for ch in text)


def encode(text: str):  # type: ignore[no-untyped-def]
    """The qrcode object for text: error correction Q; pure alphanumeric data as one explicit alphanumeric segment."""
    import qrcode
    from qrcode.util import MODE_ALPHA_NUM, QRData

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=0)
    code.add_data(QRData(text.encode("ascii"), mode=MODE_ALPHA_NUM) if is_alphanumeric(text) else text)
    code.make(fit=True)
    return code


def make_runs(text: str) -> tuple[int, str]:
    """Encode text and return (modules per side, "x y w h re" runs in module units, y up)."""
    code = encode(text)
    rows: list[list[bool]] = code.modules  # type: ignore[assignment]
    n = len(rows)
    out: list[str] = []
    for r, row in enumerate(rows):
        y = n - 1 - r
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                out.append(f"{start} {y} {c - start} 1 re")
            else:
                c += 1
    return n, "\n".join(out)


def cached_runs(text: str, cache: Path | None) -> tuple[int, str]:
    """make_runs, remembered on disk under cache/ by a hash of the encoded text and settings."""
    if cache is None:
        return make_runs(text)
    key = hashlib.sha256(f"{QR_FORMAT}\0{text}".encode()).hexdigest()[:32]
    path = cache / key[:2] / f"{key}.qr"
    try:
        head, _, body = path.read_text(encoding="ascii").partition("\n")
        return int(head), body
    except (OSError, ValueError):
        pass
    n, runs = make_runs(text)
    with replacing(path) as tmp:  # parallel poster workers may make the same code at once
        tmp.write_text(f"{n}\n{runs}", encoding="ascii")
    return n, runs


def pdf_ops(n: int, runs: str, x: float, y: float, size: float) -> str:
    """PDF operators drawing the code (quiet zone included in `size`) with its lower-left corner at (x, y)."""
    module = size / (n + 2 * QUIET)
    ox, oy = x + QUIET * module, y + QUIET * module
    return f"q {module:.4f} 0 0 {module:.4f} {ox:.3f} {oy:.3f} cm 0 g\n{runs}\nf Q"
