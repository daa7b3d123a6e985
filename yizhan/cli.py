"""The `yizhan` command line: a thin layer over the station model, site and tools."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kiosk.cli import kiosk as kiosk_group
from yizhan.checkins.cli import DB_HELP, admin_password, merge, report, serve_hub, token, upload
from yizhan.checkins.cli import STATIONS_HELP as HUB_STATIONS_HELP
from yizhan.checkins.cli import import_ as hub_import
from yizhan.errors import CheckFailed, Problem, YizhanError
from yizhan.i18n import HOST_HELP, N_, _, ngettext, os_error, translate_click

if TYPE_CHECKING:
    from yizhan.stations.regions import RegionOrder

translate_click()

STATIONS_HELP = N_("Folder of station YAML files (default: stations/ in the project).")
OUT_HELP = N_("Output folder (default: build/); the site goes to OUT/site.")


def _fail(err: YizhanError) -> None:
    click.echo(str(err), err=True)
    sys.exit(1)


def _problems(err: CheckFailed, message: str, **values: str) -> None:
    """Every problem of the station files, then the count and what was (not) done (message, translated, with {n}); exit 1."""
    for p in err.problems:
        click.echo(str(p))
    click.echo(message.format(n=sum(not p.warning for p in err.problems), **values), err=True)
    sys.exit(1)


def _warnings(warnings: list[Problem]) -> None:
    """The check's warnings (they fail nothing), on stderr."""
    for p in warnings:
        click.echo(str(p), err=True)


def _stations(value: str | None) -> tuple[Path, str]:
    """The stations folder and how to show it in messages."""
    shown = value or "stations"
    return Path(shown).resolve(), shown.rstrip("/") or "/"


def _services() -> tuple[str, ...] | None:
    """The services of ./mkdocs.yml's yizhan plugin (None, the default list, where there is no mkdocs.yml)."""
    from yizhan.config import project_services

    return project_services(Path.cwd())


def _region_order() -> RegionOrder:
    """The order of cities and districts: ./mkdocs.yml's region_order, then the official codes, then pinyin."""
    from yizhan import config
    from yizhan.stations.regions import RegionOrder

    if not (Path.cwd() / config.CONFIG_FILE).is_file():
        return RegionOrder()
    settings = config.load(Path.cwd())
    return RegionOrder(settings.city_order, settings.district_order)


@click.group(context_settings={"help_option_names": ["-h", "--help"]},
             help=_("yizhan (驿站): directory site, posters and check-in kiosks for a network of service stations."))
@click.version_option(package_name="yizhan")
def main() -> None:
    """yizhan (驿站): directory site, posters and check-in kiosks for a network of service stations."""


@main.command(help=_("Validate every station file and report all problems (exit 1 if any)."))
@click.option("--stations", "stations", metavar="DIR", help=_(STATIONS_HELP))
@click.option("--fix", is_flag=True, help=_("Rewrite hours written the Chinese way (周一至周五 9:00-17:00，节假日休息) in the form yizhan reads."))
def check(stations: str | None, fix: bool) -> None:
    """Validate every station file and report all problems (exit 1 if any)."""
    from yizhan.stations.check import check_stations, station_files
    from yizhan.stations.fix import fix_hours

    root, shown = _stations(stations)
    if fix and root.is_dir():
        for path in station_files(root):
            try:
                done = fix_hours(path)
            except OSError as err:
                click.echo(f"{os.path.join(shown, os.path.relpath(path, root))}: " + _("cannot rewrite: {error}").format(error=os_error(err)),
                           err=True)
                continue
            if done:
                click.echo(f"{os.path.join(shown, os.path.relpath(path, root))}:{done.line}: {done.old.strip()} → {done.new}")
    try:
        network, problems = check_stations(root, shown, _services())
    except YizhanError as err:
        _fail(err)
        return
    for p in problems:
        click.echo(str(p))
    if network is None:
        errors = [p for p in problems if not p.warning]
        n, files = len(errors), len({p.path for p in errors})
        if files == 1:
            message = ngettext("{n} problem in {files} file.", "{n} problems in {files} file.", n)
        else:
            message = ngettext("{n} problem in {files} files.", "{n} problems in {files} files.", n)
        click.echo(message.format(n=n, files=files), err=True)
        sys.exit(1)
    w = len(network.warnings)
    if w:
        click.echo(ngettext("{n} stations OK, {w} warning.", "{n} stations OK, {w} warnings.", w).format(n=len(network), w=w))
    else:
        click.echo(_("{n} stations OK.").format(n=len(network)))


@main.command("export", help=_("Write every station as one row of a spreadsheet (xlsx, or CSV in UTF-8), ordered by city, district and level."))
@click.argument("target", metavar="FILE.xlsx|FILE.csv")
@click.option("--stations", "stations", metavar="DIR", help=_(STATIONS_HELP))
def export_cmd(target: str, stations: str | None) -> None:
    """Write every station as one row of a spreadsheet (xlsx, or CSV in UTF-8), ordered by city, district and level."""
    from yizhan.stations.transfer import export_network, load_cached

    root, shown = _stations(stations)
    try:
        n = export_network(load_cached(root, shown, _services()), Path(target), _region_order())
    except CheckFailed as err:
        _problems(err, _("{n} problem(s) found; nothing was exported."))
        return
    except (YizhanError, OSError) as err:
        _fail(err if isinstance(err, YizhanError) else YizhanError(f"{target}: {os_error(err)}"))
        return
    click.echo(_("Exported {n} stations to {target}.").format(n=n, target=target))


@main.command("import", help=_("Write one station file per row (new ones under stations/<city>/<district>/, existing ones updated in place)."))
@click.argument("source", metavar="FILE.xlsx|FILE.csv")
@click.option("--sheet", metavar="NAME", help=_("The sheet to read (default: the first)."))
@click.option("--stations", "stations", metavar="DIR", help=_(STATIONS_HELP))
@click.option("--dry-run", is_flag=True, help=_("Check every row and say what would change; write nothing."))
@click.option("--delete-missing", is_flag=True, help=_("Delete the station files whose id is not in the sheet."))
def import_cmd(source: str, sheet: str | None, stations: str | None, dry_run: bool, delete_missing: bool) -> None:
    """Write one station file per row (new ones under stations/<city>/<district>/, existing ones updated in place)."""
    from yizhan.stations.transfer import import_table, summary

    root, shown = _stations(stations)
    path = Path(source)
    if not path.is_file():
        _fail(YizhanError(f"{source}: " + _("no such file")))
        return
    try:
        services = _services()
    except YizhanError as err:
        _fail(err)
        return
    try:
        result = import_table(path, source, root, shown, sheet, dry_run, delete_missing, services=services)
    except YizhanError as err:
        lines = str(err).splitlines()
        for line in lines:
            click.echo(line)
        click.echo(ngettext("{n} problem: nothing was written.", "{n} problems: nothing was written.", len(lines)).format(n=len(lines)), err=True)
        sys.exit(1)
    for line in summary(result, dry_run):
        click.echo(line)


@main.command(help=_("Check the stations and build the directory site into OUT/site and the QR posters into OUT/posters."))
@click.option("--stations", "stations", metavar="DIR", help=_(STATIONS_HELP))
@click.option("--out", "out", metavar="DIR", default="build", show_default=True, help=_(OUT_HELP))
@click.option("--no-posters", is_flag=True, help=_("Build only the site, not the QR posters (OUT/posters)."))
@click.option("--engine", type=click.Choice(["mkdocs", "zensical"]), default="mkdocs", show_default=True,
              help=_("What builds the pages of OUT/docs into OUT/site (zensical: pip install 'yizhan[zensical]')."))  # fmt: skip
def build(stations: str | None, out: str, no_posters: bool, engine: str) -> None:
    """Check the stations and build the directory site into OUT/site and the QR posters into OUT/posters."""
    from yizhan.posters.progress import progress_bar, say, summary
    from yizhan.posters.run import BuildPosters
    from yizhan.site.build import build_site, quiet_mkdocs

    quiet_mkdocs()
    root, shown = _stations(stations)
    posters = None if no_posters else BuildPosters(Path.cwd(), Path(out).resolve() / "posters", shown, progress_bar, say)
    try:
        result = build_site(Path.cwd(), root, Path(out).resolve(), shown, posters, engine)
    except CheckFailed as err:
        _problems(err, _("{n} problem(s) found; the site was not built and {out}/site is unchanged."), out=out)
        return
    except YizhanError as err:
        _fail(err)
        return
    _warnings(result.warnings)
    if posters is None and result.settings is not None:  # with posters, their preparation said it already
        from yizhan.posters.settings import placeholder_warning

        if warning := placeholder_warning(result.settings):
            click.echo(warning, err=True)
    site = os.path.relpath(result.site)
    click.echo(_("Built {n} stations into {site}/ in {seconds} s. Open {site}/index.html or run `yizhan serve`.")
               .format(n=result.stations, site=site, seconds=f"{result.seconds:.1f}"))
    if posters is not None and posters.result is not None:
        click.echo(summary(posters.result))
    if posters is not None and posters.problems:
        _poster_problems(posters.problems)


def _poster_problems(problems: list[str]) -> None:
    """Posters that could not be made: one line each (station, field, character and fix), then exit 1."""
    for line in problems:
        click.echo(line, err=True)
    n = len({line.station for line in problems if hasattr(line, "station")})  # posters, not lines (PosterProblem: a station's)
    if n:
        click.echo(ngettext("{n} poster problem: those posters were not made; every other poster was.",
                            "{n} poster problems: those posters were not made; every other poster was.", n).format(n=n), err=True)
    sys.exit(1)


@main.command(help=_("Make A4 QR posters: one PDF per station, one per city and one for everything (unchanged ones come from the cache)."))
@click.option("--station", "station_ids", multiple=True, metavar="ID", help=_("Only this station (repeat for more)."))
@click.option("--city", metavar="NAME", help=_("Only this city's stations, plus the city's combined PDF."))
@click.option("--out", "out", metavar="DIR", help=_("Output folder (default: the yizhan plugin's `posters` option, build/posters)."))
@click.option("--stations", "stations", metavar="DIR", help=_(STATIONS_HELP))
@click.option("--jobs", type=int, default=None, help=_("Processes to use (default: every CPU for large batches)."))
def posters(station_ids: tuple[str, ...], city: str | None, out: str | None, stations: str | None, jobs: int | None) -> None:
    """Make A4 QR posters: one PDF per station, one per city and one for everything (unchanged ones come from the cache)."""
    from yizhan.posters.progress import progress_bar, say, summary
    from yizhan.posters.run import run_posters

    root, shown = _stations(stations)
    try:
        result = run_posters(Path.cwd(), root, shown, Path(out).resolve() if out else None, list(station_ids) or None, city, jobs,
                             progress=progress_bar, say=say)  # fmt: skip
    except CheckFailed as err:
        _problems(err, _("{n} problem(s) found; no posters were made."))
        return
    except YizhanError as err:
        _fail(err)
        return
    click.echo(summary(result))
    if result.site_copies:
        click.echo(_("Updated the copies in {folder}/posters/.").format(folder=os.path.relpath(result.site_copies)))
        if result.site_links_stale:
            click.echo(_("Posters were added or removed: run `yizhan build` so that the site's pages link exactly these."), err=True)
    if result.problems:
        _poster_problems(result.problems)


@main.command(help=_("Preview the site with live reload (the same as `mkdocs serve`)."))
@click.option("--host", default="127.0.0.1", show_default=True, help=_(HOST_HELP))
@click.option("--port", default=8000, show_default=True, type=int, help=_("Port of the preview (0: any free port)."))
def serve(host: str, port: int) -> None:
    """Preview the site with live reload (the same as `mkdocs serve`)."""
    from mkdocs import exceptions
    from mkdocs.commands.serve import serve as mkdocs_serve

    from yizhan.site.build import quiet_mkdocs

    quiet_mkdocs()
    if not Path("mkdocs.yml").is_file():
        _fail(YizhanError(_("mkdocs.yml not found: run yizhan in a yizhan project folder")))
    click.echo(_("Serving on http://{host}:{port}/ (Ctrl+C to stop)").format(host=host, port=port))
    try:
        mkdocs_serve("mkdocs.yml", dev_addr=f"{host}:{port}", livereload=True)
    except exceptions.MkDocsException as err:
        _fail(YizhanError(str(err)))


@main.command("demo-data", help=_("Write a synthetic province of COUNT valid stations (13 Jiangsu cities), for trying the tool at scale."))
@click.option("--count", required=True, type=int, help=_("How many stations to generate."))
@click.option("--out", "out", required=True, metavar="DIR", help=_("A new or empty folder to write them to."))
@click.option("--seed", default=2026, show_default=True, type=int, help=_("Random seed (same seed, same data)."))
def demo_data(count: int, out: str, seed: int) -> None:
    """Write a synthetic province of COUNT valid stations (13 Jiangsu cities), for trying the tool at scale."""
    from yizhan.stations.demo import generate

    try:
        n = generate(count, Path(out), seed)
    except YizhanError as err:
        _fail(err)
        return
    click.echo(_("Wrote {n} stations to {out}/. Try: yizhan build --stations {out}").format(n=n, out=out))


main.add_command(kiosk_group)


@main.group("hub", invoke_without_command=True, help=_("Run the hub that receives check-ins from kiosks (waitress); subcommands manage it."))
@click.option("--db", "db_url", metavar="URL", help=_(DB_HELP))
@click.option("--host", default="127.0.0.1", show_default=True, help=_(HOST_HELP))
@click.option("--port", default=8090, show_default=True, type=int, help=_("Port (0: any free port)."))
@click.option("--stations", metavar="DIR", help=_(HUB_STATIONS_HELP))
@click.option("--quiet-days", default=30, show_default=True, type=int, help=_("Admin view: stations quiet this long."))
@click.pass_context
def hub(ctx: click.Context, db_url: str | None, host: str, port: int, stations: str | None, quiet_days: int) -> None:
    """Run the hub that receives check-ins from kiosks (waitress); subcommands manage it."""
    if ctx.invoked_subcommand is not None:
        ctx.obj = db_url  # `yizhan hub --db URL token add ...` means that database too
        return
    from kiosk.selfcheckin import add_self_checkin

    serve_hub(db_url, host, port, stations, quiet_days, add_self_checkin)


for _command in (token, admin_password, hub_import):
    hub.add_command(_command)
for _command in (upload, merge, report):
    main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    main()
