"""Assembling one station's kiosk (station look-up, CSV store, form and admin pages) and serving it with waitress."""

from __future__ import annotations

import logging
import re
import socket
from dataclasses import dataclass
from pathlib import Path

from bottle import Bottle

from yizhan.checkins.store import CheckinStore
from yizhan.config import project_services
from yizhan.errors import YizhanError
from yizhan.i18n import _, os_error
from yizhan.stations.check import load_network
from yizhan.stations.codes import station_codes

from .admin import install_admin
from .app import FormConfig, Place, make_app

DATA_ROOT = "checkins"  # default data dir: ./checkins/<station-id>/ (git-ignored, never under build/)


@dataclass
class Kiosk:
    """A ready kiosk: its WSGI app, the open store (close it when done), its station and what recovery found."""

    app: Bottle
    store: CheckinStore
    place: Place
    data_dir: Path
    report: list[str]


def default_device_id() -> str:
    """This machine's host name, reduced to letters, digits, dot, dash and underscore."""
    return re.sub(r"[^A-Za-z0-9._-]", "-", socket.gethostname())[:40] or "kiosk"


def find_place(stations_dir: Path, shown: str, station_id: str) -> Place:
    """The station `station_id` of the network in `stations_dir`, with its poster code; YizhanError if unknown.
    Services are checked against the list of ./mkdocs.yml where there is one (the default list elsewhere)."""
    network = load_network(stations_dir, shown, project_services(Path.cwd()))
    station = network.stations.get(station_id)
    if station is None:
        from yizhan.stations.fields import did_you_mean

        raise YizhanError(
            _("unknown station {id}{did_you_mean}: no station file in {folder} has this id").format(
                id=repr(station_id), did_you_mean=did_you_mean(station_id, list(network.stations)), folder=shown
            )
        )
    code = station_codes(network.stations)[station_id]
    return Place(station_id, station.name, code, station.kiosk)


def build_kiosk(place: Place, data_dir: Path, config: FormConfig) -> Kiosk:
    """Open (and recover) the data dir's CSV and build the app: tablet form, phone form, admin."""
    store = CheckinStore(data_dir)
    report = store.open()
    app = make_app(store, lambda code: place if code == place.code else None, home=place, config=config)
    install_admin(app, place=place, data_dir=data_dir, rows=store.rows, csv_path=store.path)
    return Kiosk(app, store, place, data_dir, report)


def create_server(app: Bottle, host: str, port: int, threads: int, max_body: int):  # type: ignore[no-untyped-def]
    """A waitress server bound to host:port (port 0: any free one), refusing bodies over max_body; YizhanError if the port is taken."""
    import waitress.server

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth" under load is not news
    try:
        return waitress.server.create_server(
            app, host=host, port=port, threads=threads, backlog=1024, max_request_body_size=max_body,
            ident="yizhan-kiosk", clear_untrusted_proxy_headers=True, channel_timeout=30,
        )  # fmt: skip
    except OSError as err:
        raise YizhanError(_("cannot listen on {address}: {reason}").format(address=f"{host}:{port}", reason=os_error(err))) from None
