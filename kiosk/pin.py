"""The staff PIN: its salted scrypt hash in the data dir (0600, yizhan.checkins.passwords), lockout after wrong PINs."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

from yizhan.checkins.passwords import hash_secret
from yizhan.durable import replace_file
from yizhan.errors import YizhanError
from yizhan.i18n import _

PIN_FILE = "admin-pin.json"
PIN_RE = re.compile(r"\d{6,12}")
MAX_FAILURES = 5
LOCK_SECONDS = 300


def set_pin(data_dir: Path, pin: str) -> Path:
    """Store the hash of a new PIN (6 to 12 digits) in DIR/admin-pin.json, replacing any old one atomically."""
    if not PIN_RE.fullmatch(pin):
        raise YizhanError(_("the PIN must be 6 to 12 digits"))
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = data_dir / PIN_FILE
    replace_file(path, (json.dumps({"pin": hash_secret(pin)}) + "\n").encode())
    return path


def load_pin(data_dir: Path) -> str | None:
    """The stored PIN hash (for yizhan.checkins.passwords.secret_matches), or None when no PIN was set or it is unreadable.

    Files written before the hash had one stored form ({"scheme": "scrypt", "n", "r", "p", "salt", "hash"}) still work.
    """
    try:
        doc = json.loads((data_dir / PIN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing, unreadable (permissions, a folder) or not JSON: /admin stays closed
        return None
    if not isinstance(doc, dict):
        return None
    if isinstance(doc.get("pin"), str):
        return doc["pin"]
    if doc.get("scheme") == "scrypt":
        return "$".join(str(doc.get(k)) for k in ("scheme", "n", "r", "p", "salt", "hash"))
    return None


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
