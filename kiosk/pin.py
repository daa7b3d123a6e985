"""The staff PIN: a salted scrypt hash in the data dir (0600), constant-time checks, lockout after wrong PINs."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import threading
import time
from pathlib import Path

from yizhan.durable import replace_file
from yizhan.errors import YizhanError

PIN_FILE = "admin-pin.json"
PIN_RE = re.compile(r"\d{6,12}")
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
MAX_FAILURES = 5
LOCK_SECONDS = 300


def _hash(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=64 * 1024 * 1024)


def set_pin(data_dir: Path, pin: str) -> Path:
    """Store the hash of a new PIN (6 to 12 digits) in DIR/admin-pin.json, replacing any old one atomically."""
    if not PIN_RE.fullmatch(pin):
        raise YizhanError("the PIN must be 6 to 12 digits")
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    salt = os.urandom(16)
    doc = {"scheme": "scrypt", **SCRYPT, "salt": salt.hex(), "hash": _hash(pin, salt, **SCRYPT).hex()}
    path = data_dir / PIN_FILE
    replace_file(path, (json.dumps(doc) + "\n").encode())
    return path


def load_pin(data_dir: Path) -> dict[str, object] | None:
    """The stored PIN hash, or None when no PIN was set (or the file is unreadable)."""
    try:
        doc = json.loads((data_dir / PIN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing, unreadable (permissions, a folder) or not JSON: /admin stays closed
        return None
    return doc if isinstance(doc, dict) and doc.get("scheme") == "scrypt" else None


def pin_matches(stored: dict[str, object], pin: str) -> bool:
    """Whether `pin` is the stored PIN (hashes compared in constant time)."""
    salt = bytes.fromhex(str(stored["salt"]))
    n, r, p = (int(stored[k]) for k in ("n", "r", "p"))  # type: ignore[call-overload]
    typed = _hash(pin[:64], salt, n, r, p)
    return hmac.compare_digest(typed, bytes.fromhex(str(stored["hash"])))


class Lockout:
    """After MAX_FAILURES wrong PINs in a row, refuse every PIN for LOCK_SECONDS (in memory, whole kiosk)."""

    def __init__(self, max_failures: int = MAX_FAILURES, seconds: float = LOCK_SECONDS) -> None:
        self.max_failures, self.seconds = max_failures, seconds
        self.failures = 0
        self.until = 0.0
        self._lock = threading.Lock()

    def wait_left(self) -> float:
        """Seconds until PINs are accepted again (0 when not locked)."""
        return max(0.0, self.until - time.monotonic())

    def begin(self) -> float:
        """Count a login attempt before its PIN is checked, so parallel tries count too: 0 to go on, else seconds locked.

        The attempt that reaches the limit starts the lock (later ones are refused) and is still checked: right, it clears it.
        """
        with self._lock:
            wait = self.until - time.monotonic()
            if wait > 0:
                return wait
            self.failures += 1
            if self.failures >= self.max_failures:
                self.failures = 0
                self.until = time.monotonic() + self.seconds
            return 0.0

    def tries_left(self) -> int:
        """Wrong PINs still allowed before the lock (0: locked now)."""
        with self._lock:
            return 0 if self.until > time.monotonic() else self.max_failures - self.failures

    def succeeded(self) -> None:
        """A right PIN clears the count and the lock."""
        with self._lock:
            self.failures = 0
            self.until = 0.0
