"""`yizhan kiosk`: serve a station's check-in kiosk, set its staff PIN, purge uploaded rows."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from yizhan.errors import CheckFailed, YizhanError
from yizhan.i18n import HOST_HELP, N_, _, os_error

from .form import CHINA

DATA_HELP = N_("Data dir holding checkins.csv (default: checkins/<station-id>/ in the current folder).")  # shown with _(DATA_HELP)
STATION_DIR_HELP = N_("Use checkins/ID/ as the data dir.")


def _fail(err: YizhanError) -> None:
    click.echo(str(err), err=True)
    sys.exit(1)


def _data_dir(ctx: click.Context, data_dir: str | None, station: str | None) -> Path:
    """The data dir from this command's options, else the group's; an error when there is none."""
    from .server import DATA_ROOT

    group = ctx.parent.params if ctx.parent else {}
    data_dir = data_dir or group.get("data_dir")
    station = station or group.get("station")
    if data_dir:
        return Path(data_dir).resolve()
    if station:
        return (Path(DATA_ROOT) / station).resolve()
    _fail(YizhanError(_("give --data-dir DIR (or --station ID for checkins/ID/)")))
    raise AssertionError  # not reached


@click.group(
    "kiosk",
    invoke_without_command=True,
    help=_("Serve the check-in kiosk of one station (tablet form /, phone form /Q/<CODE>, staff pages /admin)."),
)
@click.option("--station", metavar="ID", help=_("Id of the station this tablet serves."))
@click.option("--stations", "stations", metavar="DIR", help=_("Folder of station YAML files (default: stations/)."))
@click.option("--data-dir", metavar="DIR", help=_(DATA_HELP))
@click.option("--device-id", metavar="X", help=_("This tablet's id in each record (default: the host name)."))
@click.option("--host", default="127.0.0.1", show_default=True, help=_(HOST_HELP))
@click.option("--port", default=8080, show_default=True, type=int, help=_("Port (0: any free port)."))
@click.option("--threads", default=16, show_default=True, type=int, help=_("Request threads (waitress; more = bigger group commits)."))
@click.pass_context
def kiosk(ctx: click.Context, station: str | None, stations: str | None, data_dir: str | None,
          device_id: str | None, host: str, port: int, threads: int) -> None:  # fmt: skip
    """Serve the check-in kiosk of one station (tablet form /, phone form /Q/<CODE>, staff pages /admin)."""
    if ctx.invoked_subcommand:
        return
    from .app import FormConfig
    from .pin import load_pin
    from .server import build_kiosk, create_server, default_device_id, find_place

    if not station:
        _fail(YizhanError(_("--station ID is required: the id of the station this tablet serves")))
    shown = (stations or "stations").rstrip("/") or "/"
    try:
        place = find_place(Path(shown).resolve(), shown, station)  # type: ignore[arg-type]
    except CheckFailed as err:
        _fail(YizhanError(f"{err}\n" + _("the kiosk needs valid station files (see `yizhan check`)")))
        return
    except YizhanError as err:
        _fail(err)
        return
    folder = _data_dir(ctx, data_dir, station)
    config = FormConfig(device_id=device_id or default_device_id())
    try:
        k = build_kiosk(place, folder, config)
        server = create_server(k.app, host, port, threads, 4 * config.max_body)  # the app answers 413 itself up to there
    except YizhanError as err:
        _fail(err)
        return
    except OSError as err:
        _fail(YizhanError(_("cannot use data dir {folder}: {reason}").format(folder=folder, reason=os_error(err))))
        return
    for line in k.report:
        click.echo(_("RECOVERED: {message}").format(message=line), err=True)
    url = f"http://{host}:{server.effective_port}"  # type: ignore[attr-defined]
    click.echo(
        _("Kiosk of {name} ({id}), code {code}, device {device}").format(
            name=place.name, id=place.station_id, code=place.code, device=config.device_id
        )
    )
    click.echo(_("Check-ins go to {file}").format(file=k.store.path))
    if not place.kiosk:
        click.echo(_("warning: {folder}: station {id} has no `kiosk: true`, so its poster sends members to the directory page, not "
                     "to this tablet; add `kiosk: true` to its file and rebuild the posters").format(folder=shown, id=place.station_id),
                   err=True)  # fmt: skip
    if load_pin(folder) is None:
        click.echo(
            _("No staff PIN yet: /admin stays closed until `yizhan kiosk set-pin --data-dir {folder}`").format(folder=folder), err=True
        )
    click.echo(_("Tablet form {url}/  phone form {url}/Q/{code}  staff {url}/admin  (Ctrl+C to stop)").format(url=url, code=place.code),
               nl=True)  # fmt: skip
    sys.stdout.flush()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        k.store.close()


@kiosk.command(
    "set-pin", help=_("Set the staff PIN (6-12 digits) for /admin; only a salted hash is stored (DIR/admin-pin.json, mode 0600).")
)
@click.option("--data-dir", metavar="DIR", help=_(DATA_HELP))
@click.option("--station", metavar="ID", help=_(STATION_DIR_HELP))
@click.option("--pin-file", type=click.File("r"), help=_("Read the PIN from the first line of this file instead of asking."))
@click.pass_context
def set_pin_cmd(ctx: click.Context, data_dir: str | None, station: str | None, pin_file: click.File | None) -> None:
    """Set the staff PIN (6-12 digits) for /admin; only a salted hash is stored (DIR/admin-pin.json, mode 0600)."""
    from yizhan.checkins.cli import _known_station

    from .pin import set_pin

    group = ctx.parent.params if ctx.parent else {}
    if (station or group.get("station")) and not (data_dir or group.get("data_dir")):  # checkins/ID/: only for a real station
        _known_station(str(station or group.get("station")), group.get("stations"), _("no PIN was set"))
    folder = _data_dir(ctx, data_dir, station)
    if pin_file is not None:
        pin = pin_file.readline().strip()  # type: ignore[attr-defined]
    else:
        pin = click.prompt(_("New staff PIN (6-12 digits)"), hide_input=True, confirmation_prompt=_("Repeat the PIN"))
    try:
        path = set_pin(folder, pin.strip())
    except YizhanError as err:
        _fail(err)
        return
    except OSError as err:
        _fail(YizhanError(_("cannot write the PIN into {folder}: {reason}").format(folder=folder, reason=os_error(err))))
        return
    click.echo(_("Staff PIN set ({file}). A running kiosk uses it from the next login.").format(file=path))


@kiosk.command("purge", help=_("Remove check-ins the hub has confirmed and that are older than DAYS (never an unconfirmed one)."))
@click.option("--older-than", "days", required=True, type=click.IntRange(min=0), metavar="DAYS",
              help=_("Remove confirmed rows checked in more than DAYS days ago."))  # fmt: skip
@click.option("--data-dir", metavar="DIR", help=_(DATA_HELP))
@click.option("--station", metavar="ID", help=_(STATION_DIR_HELP))
@click.pass_context
def purge_cmd(ctx: click.Context, days: int, data_dir: str | None, station: str | None) -> None:
    """Remove check-ins the hub has confirmed and that are older than DAYS (never an unconfirmed one)."""
    from yizhan.checkins.store import purge

    folder = _data_dir(ctx, data_dir, station)
    try:
        result = purge(folder, dt.timedelta(days=days), dt.datetime.now(CHINA))
    except YizhanError as err:
        _fail(err)
        return
    except OSError as err:
        _fail(YizhanError(_("cannot purge {folder}: {reason}").format(folder=folder, reason=os_error(err))))
        return
    if result.unconfirmed_old:
        done = _("Removed {removed} check-in(s) confirmed by the hub and older than {days} days; kept {kept} ({old} of them older but "
                 "not confirmed by the hub yet).")  # fmt: skip
    else:
        done = _("Removed {removed} check-in(s) confirmed by the hub and older than {days} days; kept {kept}.")
    click.echo(done.format(removed=result.removed, days=days, kept=result.kept, old=result.unconfirmed_old))
