"""Online self check-in on the hub: the kiosk's own form app (`kiosk.app.make_app`), storing straight into the hub."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import bottle

from yizhan.checkins.hubdb import HubDB
from yizhan.checkins.rows import row_problem
from yizhan.errors import YizhanError
from yizhan.i18n import _
from yizhan.stations.codes import station_codes
from yizhan.stations.model import Network

from .app import FormConfig, Place, make_app

PREFIXES = ("/Q/", "/q/", "/static/")  # paths the check-in app answers; everything else is the hub's


class HubSink:
    """The kiosk form's sink on the hub: `add` returns once the row is committed to the hub database."""

    def __init__(self, db: HubDB) -> None:
        self.db = db

    def add(self, record: Mapping[str, str]) -> None:
        """Store one check-in (source qr, from a phone); raise when it was not stored."""
        row = dict(record)
        problem = row_problem(row)
        if problem:
            raise YizhanError(_("check-in not stored: {error}").format(error=problem.split(":", 1)[0]))
        if self.db.ingest([row])[0] not in ("created", "duplicate"):
            raise YizhanError(_("check-in not stored: its id is taken"))


def checkin_app(db: HubDB, network: Network) -> bottle.Bottle:
    """The phone self check-in pages (/Q/<CODE>) for every station of `network`, from the kiosk package."""

    codes = station_codes(network.stations)
    places = {code: Place(sid, network.stations[sid].name, code) for sid, code in codes.items()}
    return make_app(HubSink(db), places.get, config=FormConfig(device_id="hub"))


def with_self_checkin(hub: Callable[..., Iterable[bytes]], checkin: Callable[..., Iterable[bytes]]) -> Any:
    """One WSGI app: /Q/, /q/ and /static/ go to the check-in app (its own headers and limits), the rest to the hub."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        target = checkin if path.startswith(PREFIXES) else hub
        return target(environ, start_response)

    return app


def add_self_checkin(hub: Callable[..., Iterable[bytes]], db: HubDB, network: Network) -> Any:
    """The hub app with the phone self check-in pages of every station of `network` in front of it."""
    return with_self_checkin(hub, checkin_app(db, network))
