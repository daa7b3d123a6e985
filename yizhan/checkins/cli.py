"""Command line of the check-in side: serving the hub, its token, admin-password and import commands, upload, merge, report."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from yizhan.errors import YizhanError

if TYPE_CHECKING:
    from yizhan.stations.model import Network

    from .hubdb import HubDB

DB_HELP = "Hub database: a SQLite file path (default hub-data/hub.sqlite, or $YIZHAN_HUB_DB) or postgresql://..."
STATIONS_HELP = "Folder of station YAML files, to name stations (and, for the hub, to serve self check-in); default: stations/."
SelfCheckin = Callable[[Any, "HubDB", "Network"], Any]  # (hub app, database, network) -> one WSGI app


def _fail(err: YizhanError) -> None:
    click.echo(str(err), err=True)
    sys.exit(1)


def _finish(problems: list[str], summary: str, failed: bool) -> None:
    """Print each problem line, then the summary; exit 1 when the command `failed`."""
    for line in problems:
        click.echo(line)
    click.echo(summary)
    if failed:
        sys.exit(1)


def _db(url: str | None) -> HubDB:
    """Open the hub database or exit with its message."""
    from .hubdb import HubDB

    ctx = click.get_current_context(silent=True)
    url = url or (ctx.find_object(str) if ctx is not None else None)
    try:
        return HubDB(url)
    except YizhanError as err:
        _fail(err)
        raise


def _network(stations: str | None, cache: Path | None = None, without: str = "") -> Network | None:
    """The station network of --stations (default: stations/ when there is one), else None, saying what is missing
    (`without`); `cache` is reused for unchanged files."""
    if not stations:
        if not Path("stations").is_dir():
            if without:
                click.echo(f"No stations/ folder here: {without} (give --stations DIR).", err=True)
            return None
        stations = "stations"
    elif not Path(stations).is_dir():
        _fail(YizhanError(f"{stations}: no such folder of station files"))
    from yizhan.config import project_services
    from yizhan.stations.cache import cached_network
    from yizhan.stations.check import load_network

    root, shown = Path(stations).resolve(), stations.rstrip("/")
    try:
        services = project_services(Path.cwd())  # ./mkdocs.yml's list, where there is one
        return cached_network(root, shown, cache, services=services) if cache else load_network(root, shown, services)
    except YizhanError as err:
        _fail(err)
        raise


def serve_hub(db_url: str | None, host: str, port: int, stations: str | None, quiet_days: int,
              self_checkin: SelfCheckin | None = None) -> None:  # fmt: skip
    """`yizhan hub`: serve the hub; with --stations, `self_checkin` adds the phone form (kiosk.selfcheckin)."""
    from .hub import make_hub, serve
    from .hubdb import describe

    db = _db(db_url)
    network = _network(stations, without="the admin view shows station ids instead of names")
    app = make_hub(db, network, quiet_days)
    if network is not None and self_checkin is not None:
        app = self_checkin(app, db, network)
        click.echo(f"Self check-in: on, for {len(network.stations):,} stations at /Q/<CODE> (source qr).")
    else:
        click.echo("Self check-in: off (no station files to serve it from).")
    click.echo(f"Hub database: {describe(db.url)}; {db.count():,} check-ins.")
    if not db.has_admin_password():
        click.echo("No admin password yet: the admin view stays closed until `yizhan hub admin-password`.")
    click.echo(f"Serving the hub on http://{host}:{port}/ (upload API /api/v1/checkins, admin /admin; Ctrl+C to stop)")
    try:
        serve(app, host, port)
    except YizhanError as err:
        _fail(err)


@click.group("token")
def token() -> None:
    """Upload tokens: one per station, shown once, stored hashed."""


def _known_station(station_id: str, stations: str | None, what: str) -> None:
    """Refuse an id that is not in the stations folder (with a did-you-mean); say so when there is no folder to ask."""
    from yizhan.config import project_services
    from yizhan.stations.check import ID_MAX, ID_RE
    from yizhan.stations.fields import did_you_mean
    from yizhan.stations.transfer import load_cached

    if not ID_RE.fullmatch(station_id) or len(station_id) > ID_MAX:
        _fail(YizhanError(f"not a station id: {station_id!r} (lowercase letters, digits and hyphens)"))
    folder = Path(stations or "stations")
    if not folder.is_dir():
        if stations:
            _fail(YizhanError(f"{stations}: no such folder of station files"))
        click.echo(f"warning: no stations/ folder here, so {station_id} was not checked (--stations DIR checks it)", err=True)
        return
    try:
        network = load_cached(folder, (stations or "stations").rstrip("/"), project_services(Path.cwd()))
    except YizhanError as err:
        _fail(YizhanError(f"{err}\n(the station ids could not be read: {what})"))
        return
    if station_id not in network.stations:
        _fail(YizhanError(f"unknown station id: {station_id}{did_you_mean(station_id, list(network.stations))} "
                          f"(not in {folder}/): {what}"))  # fmt: skip


@token.command("add")
@click.argument("station_id")
@click.option("--db", "db_url", metavar="URL", help=DB_HELP)
@click.option("--stations", metavar="DIR", help="Folder of station files the id must be in (default: stations/ when there is one).")
def token_add(station_id: str, db_url: str | None, stations: str | None) -> None:
    """Make an upload token for STATION_ID and print it (only now: the hub keeps its hash)."""
    _known_station(station_id, stations, "no token was made")
    token_value = _db(db_url).add_token(station_id)
    click.echo(token_value)
    click.echo(f"Upload token for {station_id} (shown only once; give it to that station's kiosk).", err=True)


@token.command("list")
@click.option("--db", "db_url", metavar="URL", help=DB_HELP)
def token_list(db_url: str | None) -> None:
    """List the stations that have upload tokens (the tokens themselves are not kept)."""
    rows = _db(db_url).tokens()
    for station_id, n, newest in rows:
        click.echo(f"{station_id}\t{n} token{'s' if n != 1 else ''}\tnewest made {newest}")
    click.echo(f"{len(rows)} station{'s' if len(rows) != 1 else ''} with upload tokens.", err=True)


@token.command("revoke")
@click.argument("station_id")
@click.option("--db", "db_url", metavar="URL", help=DB_HELP)
def token_revoke(station_id: str, db_url: str | None) -> None:
    """Revoke every upload token of STATION_ID (a lost tablet): its uploads are refused from the next request."""
    n = _db(db_url).revoke_tokens(station_id)
    if not n:
        _fail(YizhanError(f"{station_id} has no upload token (yizhan hub token list shows the stations that have one)"))
    click.echo(f"Revoked {n} upload token{'s' if n != 1 else ''} of {station_id}; make a new one with `yizhan hub token add {station_id}`.")


@click.command("admin-password")
@click.option("--db", "db_url", metavar="URL", help=DB_HELP)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
def admin_password(db_url: str | None, password_stdin: bool) -> None:
    """Set the admin view's password (there is no default; at least 10 characters)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Admin password", hide_input=True, confirmation_prompt=True)
    if len(password) < 10:
        _fail(YizhanError("the admin password needs at least 10 characters"))
    _db(db_url).set_admin_password(password)
    click.echo("Admin password set.")


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--db", "db_url", metavar="URL", help=DB_HELP)
def import_(files: tuple[str, ...], db_url: str | None) -> None:
    """Load kiosk CSV files (e.g. from a USB stick) into the hub: created, duplicate and conflict as for uploads."""
    from .hub_import import import_files

    db = _db(db_url)
    try:
        result = import_files(db, [Path(f) for f in files])
    except YizhanError as err:
        _fail(err)
        return
    _finish(result.problems, f"{result.created:,} created, {result.duplicate:,} duplicate, {result.conflict:,} conflict, "
            f"{result.invalid:,} invalid; the hub holds {db.count():,} check-ins.", failed=bool(result.refused))  # fmt: skip


@click.command()
@click.option("--data-dir", required=True, metavar="DIR", help="The kiosk's data dir (holding checkins.csv).")
@click.option("--hub", "hub_url", metavar="URL", help="The hub's base URL, e.g. http://hub:8090 (default: as saved).")
@click.option("--token", envvar="YIZHAN_UPLOAD_TOKEN", help="This station's upload token (default: as saved).")
@click.option("--save", is_flag=True, help="Remember --hub and --token in DIR/upload.json (0600) for the admin page's button.")
@click.option("--every", metavar="INTERVAL", help="Keep running: upload again every INTERVAL (30s, 5m, 1h).")
@click.option("--batch", default=1000, show_default=True, type=click.IntRange(1, 5000), help="Rows per request.")
@click.option("--timeout", default=30.0, show_default=True, type=float, help="Seconds to wait for one answer.")
@click.option("--give-up-after", default=600.0, show_default=True, type=float, help="Seconds of retrying.")
def upload(data_dir: str, hub_url: str | None, token: str | None, save: bool, every: str | None, batch: int,
           timeout: float, give_up_after: float) -> None:  # fmt: skip
    """Send the check-ins the hub has not confirmed yet; safe to stop and run again at any time."""
    from .records import CSV_FILE
    from .upload import UploadRefused, parse_every
    from .upload import upload as run_upload
    from .upload_now import load_config, save_config

    saved = load_config(Path(data_dir)) or {}
    hub_url, token = hub_url or saved.get("hub"), token or saved.get("token")
    if not hub_url or not token:
        _fail(YizhanError(f"{data_dir}: give --hub and --token (or save them once with --save)"))
        return
    if save:
        if not (Path(data_dir) / CSV_FILE).is_file():
            _fail(YizhanError(f"{data_dir}: no {CSV_FILE} here (is this the kiosk's data dir?); nothing was saved"))
        try:
            save_config(Path(data_dir), hub_url, token)
        except OSError as err:
            _fail(YizhanError(f"{data_dir}: cannot save upload.json: {err.strerror or err}"))
    try:
        interval = parse_every(every) if every else None
    except YizhanError as err:
        _fail(err)
        return
    while True:
        try:
            r = run_upload(Path(data_dir), hub_url, token, batch, timeout, give_up_after,
                           log=lambda m: click.echo(m, err=True))  # fmt: skip
        except YizhanError as err:
            if interval is None or isinstance(err, UploadRefused):
                _fail(err)
            click.echo(str(err), err=True)
        else:
            for line in r.problems:
                click.echo(line, err=True)
            click.echo(f"Sent {r.rows:,}: {r.created:,} created, {r.duplicate:,} already there, {r.conflict:,} "
                       f"conflict, {r.invalid:,} invalid; {r.refused:,} pending.")  # fmt: skip
            if interval is None:
                sys.exit(1 if r.refused else 0)
        time.sleep(interval)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, metavar="FILE", help="The merged CSV to write.")
def merge(files: tuple[str, ...], output: str) -> None:
    """Merge kiosk CSV files into one, each check-in once; exit 1 when rows with the same id differ."""
    from .merge import merge as run_merge

    try:
        result = run_merge([Path(f) for f in files], Path(output))
    except YizhanError as err:
        _fail(err)
        return
    except OSError as err:
        _fail(YizhanError(f"cannot write {output}: {err.strerror or err}"))
        return
    _finish(result.conflicts, f"Wrote {result.rows:,} check-ins to {output} ({result.duplicates:,} duplicates dropped, "
            f"{len(result.conflicts):,} conflicts).", failed=bool(result.conflicts))  # fmt: skip


@click.command()
@click.option("--db", "db_url", metavar="URL", help=DB_HELP)
@click.option("--out", default="build/report", show_default=True, metavar="DIR", help="Folder to write into.")
@click.option("--stations", metavar="DIR", help=STATIONS_HELP)
@click.option("--quiet-days", default=30, show_default=True, type=int, help="List stations quiet this many days.")
@click.option("--no-export", is_flag=True, help="Skip the CSV export of every check-in.")
def report(db_url: str | None, out: str, stations: str | None, quiet_days: int, no_export: bool) -> None:
    """Write the hub's report: HTML with charts, per-station table, quiet stations and a CSV export."""
    from .report import write_report

    start = time.perf_counter()
    cache = Path(out) / ".cache" / "stations.pickle"
    try:
        s = write_report(_db(db_url), lambda: _network(stations, cache, "the report shows station ids instead of names, "
                                                       "and cannot list the stations with no check-in"),
                         Path(out), quiet_days, export=not no_export)  # fmt: skip
    except OSError as err:
        _fail(YizhanError(f"cannot write the report into {out}: {err.strerror or err}"))
        return
    click.echo(f"Report of {s.total:,} check-ins written to {out}/index.html in {time.perf_counter() - start:.1f} s.")
