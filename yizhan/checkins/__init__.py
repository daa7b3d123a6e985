"""Check-ins: the record format, the kiosk's durable CSV store, upload, merge and USB import, the hub (its app and
database) and reports with their charts, and the command line of this side.

May import ``yizhan.stations`` only (station ids and names); the kiosk package builds on it.
"""

from __future__ import annotations

from yizhan.i18n import language, os_error


def os_reason(err: OSError) -> str:
    """Why an operating-system call failed, for people: in Chinese `os_error`'s words, in English the system's own
    (strerror: "No space left on device"), as the English messages always said."""
    return os_error(err) if language() != "en" else str(err.strerror or err)
