"""Short station codes: six characters a member can type when a QR code does not scan."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
LENGTH = 6
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SEPARATORS = re.compile(r"[\s\-_.]+")
CODE_RE = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")


def _code(text: str) -> str:
    """The first LENGTH base32 characters of SHA-256(text)."""
    n = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")
    return "".join(ALPHABET[(n >> (5 * i)) & 31] for i in range(LENGTH - 1, -1, -1))


def station_codes(ids: Iterable[str]) -> dict[str, str]:
    """Each station id's code: a hash of the id, so it never changes; a rare clash is salted, in id order."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for sid in sorted(ids):
        code, salt = _code(sid), 0
        while code in taken:
            salt += 1
            code = _code(f"{sid}#{salt}")
        taken.add(code)
        out[sid] = code
    return out


def normalize_code(text: str) -> str | None:
    """A typed code in canonical form (upper case, I/L read as 1, O as 0, spaces and dashes dropped), or None."""
    code = _SEPARATORS.sub("", text).upper().translate(_READ_AS)
    return code if CODE_RE.fullmatch(code) else None


def format_code(code: str) -> str:
    """A code as printed for people: two groups of three (7K3 M9Q)."""
    return f"{code[:3]} {code[3:]}"
