"""Salted scrypt hashes for the kiosk's staff PIN and the hub's admin password: one stored form, constant-time checks."""

from __future__ import annotations

import hashlib
import hmac
import os

N, R, P = 2**14, 8, 1  # scrypt's cost: 16 MB and about 40 ms per check on the 2-core test machine
MAXMEM = 64 * 1024 * 1024


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=MAXMEM)


def hash_secret(secret: str) -> str:
    """The stored form of a secret: scrypt$N$r$p$<salt>$<hash> (hex; a fresh 16-byte salt, a 64-byte hash)."""
    salt = os.urandom(16)
    return f"scrypt${N}${R}${P}${salt.hex()}${_scrypt(secret, salt, N, R, P, 64).hex()}"


def secret_matches(stored: str, secret: str) -> bool:
    """Whether `secret` is the one `stored` was made from (any cost and hash length); False when `stored` is malformed."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        want = bytes.fromhex(digest)
        if scheme != "scrypt" or len(want) < 16:  # a short hash would let a wrong secret through by chance
            return False
        got = _scrypt(secret, bytes.fromhex(salt), int(n), int(r), int(p), len(want))
    except ValueError:  # not six fields, not hex or numbers, or parameters scrypt refuses
        return False
    return hmac.compare_digest(got, want)
