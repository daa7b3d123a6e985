"""A module-level WSGI `app` for any WSGI server, e.g. `waitress-serve --port 8080 kiosk.wsgi:app`.

Configured by the environment: YIZHAN_STATION (required), YIZHAN_STATIONS (default: stations), YIZHAN_DATA_DIR
(default: checkins/<station>), YIZHAN_DEVICE_ID (default: the host name). Run ONE process: staff sessions and the
PIN lockout live in memory (threads are fine). `yizhan kiosk` does the same with waitress and prints where things go.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from yizhan.errors import YizhanError
from yizhan.i18n import _

from .app import FormConfig
from .server import DATA_ROOT, Kiosk, build_kiosk, default_device_id, find_place


def from_environment() -> Kiosk:
    """The kiosk the environment variables describe (recovery findings go to stderr)."""
    station = os.environ.get("YIZHAN_STATION")
    if not station:
        raise YizhanError(_("set YIZHAN_STATION to the id of the station this tablet serves"))
    shown = os.environ.get("YIZHAN_STATIONS") or "stations"
    place = find_place(Path(shown).resolve(), shown, station)
    data_dir = Path(os.environ.get("YIZHAN_DATA_DIR") or Path(DATA_ROOT) / station).resolve()
    k = build_kiosk(place, data_dir, FormConfig(device_id=os.environ.get("YIZHAN_DEVICE_ID") or default_device_id()))
    for line in k.report:
        print(_("RECOVERED: {message}").format(message=line), file=sys.stderr)
    return k


kiosk = from_environment()
app = kiosk.app
