"""Command line of the check-in side: serving the hub, its token, admin-password and import commands, upload, merge, report."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from yizhan.errors import YizhanError
from yizhan.i18n import N_, _, ngettext, os_error

if TYPE_CHECKING:
    from yizhan.stations.model import Network

    from .hubdb import HubDB

# shown with _(DB_HELP) / _(STATIONS_HELP) where used (yizhan/cli.py uses them too)
DB_HELP = N_("Hub database: a SQLite file path (default hub-data/hub.sqlite, or $YIZHAN_HUB_DB) or postgresql://...")
STATIONS_HELP = N_("Folder of station YAML files, to name stations (and, for the hub, to serve self check-in); default: stations/.")
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
                click.echo(_("No stations/ folder here: {consequence} (give --stations DIR).").format(consequence=without), err=True)
            return None
        stations = "stations"
    elif not Path(stations).is_dir():
        _fail(YizhanError(f"{stations}: " + _("no such folder of station files")))
    from yizhan import config
    from yizhan.stations.cache import cached_network
    from yizhan.stations.check import load_network
    from yizhan.stations.regions import RegionOrder

    root, shown = Path(stations).resolve(), stations.rstrip("/")
    try:
        settings = config.load(Path.cwd()) if (Path.cwd() / config.CONFIG_FILE).is_file() else None  # ./mkdocs.yml, if any
        services = settings.services if settings else None
        network = cached_network(root, shown, cache, services=services) if cache else load_network(root, shown, services)
        if settings:
            network.order_regions(RegionOrder(settings.city_order, settings.district_order))  # the report's order too
        return network
    except YizhanError as err:
        _fail(err)
        raise


def serve_hub(db_url: str | None, host: str, port: int, stations: str | None, quiet_days: int,
              self_checkin: SelfCheckin | None = None) -> None:  # fmt: skip
    """`yizhan hub`: serve the hub; with --stations, `self_checkin` adds the phone form (kiosk.selfcheckin)."""
    from .hub import make_hub, serve
    from .hubdb import describe

    db = _db(db_url)
    network = _network(stations, without=_("the admin view shows station ids instead of names"))
    app = make_hub(db, network, quiet_days)
    if network is not None and self_checkin is not None:
        app = self_checkin(app, db, network)
        click.echo(_("Self check-in: on, for {n:,} stations at /Q/<CODE> (source qr).").format(n=len(network.stations)))
    else:
        click.echo(_("Self check-in: off (no station files to serve it from)."))
    click.echo(_("Hub database: {db}; {n:,} check-ins.").format(db=describe(db.url), n=db.count()))
    if not db.has_admin_password():
        click.echo(_("No admin password yet: the admin view stays closed until `yizhan hub admin-password`."))
    def ready(url: str) -> None:
        click.echo(_("Serving the hub on {url} (upload API /api/v1/checkins, admin /admin; Ctrl+C to stop)").format(url=url))

    try:
        serve(app, host, port, ready=ready)
    except YizhanError as err:
        _fail(err)


@click.group("token", help=_("Upload tokens: one per station, shown once, stored hashed."))
def token() -> None:
    """Upload tokens: one per station, shown once, stored hashed."""


def _known_station(station_id: str, stations: str | None, what: str) -> None:
    """Refuse an id that is not in the stations folder (with a did-you-mean); say so when there is no folder to ask."""
    from yizhan.config import project_services
    from yizhan.stations.check import ID_MAX, ID_RE
    from yizhan.stations.fields import did_you_mean
    from yizhan.stations.transfer import load_cached

    if not ID_RE.fullmatch(station_id) or len(station_id) > ID_MAX:
        _fail(YizhanError(_("not a station id: {id} (lowercase letters, digits and hyphens)").format(id=repr(station_id))))
    folder = Path(stations or "stations")
    if not folder.is_dir():
        if stations:
            _fail(YizhanError(f"{stations}: " + _("no such folder of station files")))
        click.echo(_("warning: no stations/ folder here, so {id} was not checked (--stations DIR checks it)").format(id=station_id),
                   err=True)  # fmt: skip
        return
    try:
        network = load_cached(folder, (stations or "stations").rstrip("/"), project_services(Path.cwd()))
    except YizhanError as err:
        _fail(YizhanError(f"{err}\n" + _("(the station ids could not be read: {consequence})").format(consequence=what)))
        return
    if station_id not in network.stations:
        _fail(
            YizhanError(
                _("unknown station id: {id}{did_you_mean} (not in {folder}/): {consequence}").format(
                    id=station_id, did_you_mean=did_you_mean(station_id, list(network.stations)), folder=folder, consequence=what
                )
            )
        )


@token.command("add", help=_("Make an upload token for STATION_ID and print it (only now: the hub keeps its hash)."))
@click.argument("station_id")
@click.option("--db", "db_url", metavar="URL", help=_(DB_HELP))
@click.option("--stations", metavar="DIR", help=_("Folder of station files the id must be in (default: stations/ when there is one)."))
def token_add(station_id: str, db_url: str | None, stations: str | None) -> None:
    """Make an upload token for STATION_ID and print it (only now: the hub keeps its hash)."""
    _known_station(station_id, stations, _("no token was made"))
    token_value = _db(db_url).add_token(station_id)
    click.echo(token_value)
    click.echo(_("Upload token for {id} (shown only once; give it to that station's kiosk).").format(id=station_id), err=True)


@token.command("list", help=_("List the stations that have upload tokens (the tokens themselves are not kept)."))
@click.option("--db", "db_url", metavar="URL", help=_(DB_HELP))
def token_list(db_url: str | None) -> None:
    """List the stations that have upload tokens (the tokens themselves are not kept)."""
    rows = _db(db_url).tokens()
    for station_id, n, newest in rows:
        click.echo(
            ngettext("{id}\t{n} token\tnewest made {made}", "{id}\t{n} tokens\tnewest made {made}", n).format(
                id=station_id, n=n, made=newest
            )
        )
    click.echo(ngettext("{n} station with upload tokens.", "{n} stations with upload tokens.", len(rows)).format(n=len(rows)),
               err=True)  # fmt: skip


@token.command("revoke", help=_("Revoke every upload token of STATION_ID (a lost tablet): its uploads are refused from the next request."))
@click.argument("station_id")
@click.option("--db", "db_url", metavar="URL", help=_(DB_HELP))
def token_revoke(station_id: str, db_url: str | None) -> None:
    """Revoke every upload token of STATION_ID (a lost tablet): its uploads are refused from the next request."""
    n = _db(db_url).revoke_tokens(station_id)
    if not n:
        _fail(YizhanError(_("{id} has no upload token (yizhan hub token list shows the stations that have one)").format(id=station_id)))
    click.echo(
        ngettext(
            "Revoked {n} upload token of {id}; make a new one with `yizhan hub token add {id}`.",
            "Revoked {n} upload tokens of {id}; make a new one with `yizhan hub token add {id}`.",
            n,
        ).format(n=n, id=station_id)
    )


@click.command("admin-password", help=_("Set the admin view's password (there is no default; at least 10 characters)."))
@click.option("--db", "db_url", metavar="URL", help=_(DB_HELP))
@click.option("--password-stdin", is_flag=True, help=_("Read the password from the first line of standard input."))
def admin_password(db_url: str | None, password_stdin: bool) -> None:
    """Set the admin view's password (there is no default; at least 10 characters)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(_("Admin password"), hide_input=True, confirmation_prompt=True)
    if len(password) < 10:
        _fail(YizhanError(_("the admin password needs at least 10 characters")))
    _db(db_url).set_admin_password(password)
    click.echo(_("Admin password set."))


@click.command(
    "import", help=_("Load kiosk CSV files (e.g. from a USB stick) into the hub: created, duplicate and conflict as for uploads.")
)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--db", "db_url", metavar="URL", help=_(DB_HELP))
def import_(files: tuple[str, ...], db_url: str | None) -> None:
    """Load kiosk CSV files (e.g. from a USB stick) into the hub: created, duplicate and conflict as for uploads."""
    from .hub_import import import_files

    db = _db(db_url)
    try:
        result = import_files(db, [Path(f) for f in files])
    except YizhanError as err:
        _fail(err)
        return
    summary = _("{created:,} created, {duplicate:,} duplicate, {conflict:,} conflict, {invalid:,} invalid; the hub holds {n:,} "
                "check-ins.").format(created=result.created, duplicate=result.duplicate, conflict=result.conflict,
                                     invalid=result.invalid, n=db.count())  # fmt: skip
    _finish(result.problems, summary, failed=bool(result.refused))


@click.command(help=_("Send the check-ins the hub has not confirmed yet; safe to stop and run again at any time."))
@click.option("--data-dir", required=True, metavar="DIR", help=_("The kiosk's data dir (holding checkins.csv)."))
@click.option("--hub", "hub_url", metavar="URL", help=_("The hub's base URL, e.g. http://hub:8090 (default: as saved)."))
@click.option("--token", envvar="YIZHAN_UPLOAD_TOKEN", help=_("This station's upload token (default: as saved)."))
@click.option("--save", is_flag=True, help=_("Remember --hub and --token in DIR/upload.json (0600) for the admin page's button."))
@click.option("--every", metavar="INTERVAL", help=_("Keep running: upload again every INTERVAL (30s, 5m, 1h)."))
@click.option("--batch", default=1000, show_default=True, type=click.IntRange(1, 5000), help=_("Rows per request."))
@click.option("--timeout", default=30.0, show_default=True, type=float, help=_("Seconds to wait for one answer."))
@click.option("--give-up-after", default=600.0, show_default=True, type=float, help=_("Seconds of retrying."))
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
        _fail(YizhanError(f"{data_dir}: " + _("give --hub and --token (or save them once with --save)")))
        return
    if save:
        if not (Path(data_dir) / CSV_FILE).is_file():
            _fail(
                YizhanError(f"{data_dir}: " + _("no {file} here (is this the kiosk's data dir?); nothing was saved").format(file=CSV_FILE))
            )
        try:
            save_config(Path(data_dir), hub_url, token)
        except OSError as err:
            _fail(YizhanError(f"{data_dir}: " + _("cannot save {file}: {reason}").format(file="upload.json", reason=os_error(err))))
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
            click.echo(_("Sent {sent:,}: {created:,} created, {duplicate:,} already there, {conflict:,} conflict, {invalid:,} "
                         "invalid; {pending:,} pending.").format(sent=r.rows, created=r.created, duplicate=r.duplicate,
                                                                 conflict=r.conflict, invalid=r.invalid, pending=r.refused))  # fmt: skip
            if interval is None:
                sys.exit(1 if r.refused else 0)
        time.sleep(interval)


@click.command(help=_("Merge kiosk CSV files into one, each check-in once; exit 1 when rows with the same id differ."))
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, metavar="FILE", help=_("The merged CSV to write."))
def merge(files: tuple[str, ...], output: str) -> None:
    """Merge kiosk CSV files into one, each check-in once; exit 1 when rows with the same id differ."""
    from .merge import merge as run_merge

    try:
        result = run_merge([Path(f) for f in files], Path(output))
    except YizhanError as err:
        _fail(err)
        return
    except OSError as err:
        _fail(YizhanError(_("cannot write {file}: {reason}").format(file=output, reason=os_error(err))))
        return
    summary = _("Wrote {n:,} check-ins to {file} ({duplicates:,} duplicates dropped, {conflicts:,} conflicts).").format(
        n=result.rows, file=output, duplicates=result.duplicates, conflicts=len(result.conflicts)
    )
    _finish(result.conflicts, summary, failed=bool(result.conflicts))


@click.command(help=_("Write the hub's report: HTML with charts, per-station table, quiet stations and a CSV export."))
@click.option("--db", "db_url", metavar="URL", help=_(DB_HELP))
@click.option("--out", default="build/report", show_default=True, metavar="DIR", help=_("Folder to write into."))
@click.option("--stations", metavar="DIR", help=_(STATIONS_HELP))
@click.option("--quiet-days", default=30, show_default=True, type=int, help=_("List stations quiet this many days."))
@click.option("--no-export", is_flag=True, help=_("Skip the CSV export of every check-in."))
def report(db_url: str | None, out: str, stations: str | None, quiet_days: int, no_export: bool) -> None:
    """Write the hub's report: HTML with charts, per-station table, quiet stations and a CSV export."""
    from .report import write_report

    start = time.perf_counter()
    cache = Path(out) / ".cache" / "stations.pickle"
    try:
        without = _("the report shows station ids instead of names, and cannot list the stations with no check-in")
        s = write_report(_db(db_url), lambda: _network(stations, cache, without), Path(out), quiet_days, export=not no_export)
    except OSError as err:
        _fail(YizhanError(_("cannot write the report into {folder}: {reason}").format(folder=out, reason=os_error(err))))
        return
    click.echo(
        _("Report of {n:,} check-ins written to {file} in {seconds:.1f} s.").format(
            n=s.total, file=f"{out}/index.html", seconds=time.perf_counter() - start
        )
    )
