"""The `yizhan posters` command (thin: the work is in poster_run and posters)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from .errors import CheckFailed, YizhanError


def progress_bar(total: int) -> Any:
    """A click progress bar on stderr (it prints only its label when stderr is not a terminal)."""
    return click.progressbar(length=total, label="Drawing posters", file=sys.stderr, show_pos=True)


def say(text: str) -> None:
    click.echo(text, err=True)


def summary(result: Any) -> str:
    """The one-line report of a poster run."""
    out = os.path.relpath(result.out)
    cached = result.stations - result.drawn
    combined = f", {len(result.combined)} combined PDF{'s' if len(result.combined) != 1 else ''}" if result.combined else ""
    return (f"Made {result.stations} station poster{'s' if result.stations != 1 else ''} ({result.drawn} drawn, {cached} from cache)"
            f"{combined} in {out}/ in {result.seconds:.1f} s.")  # fmt: skip


@click.command()
@click.option("--station", "station_ids", multiple=True, metavar="ID", help="Only this station (repeat for more).")
@click.option("--city", metavar="NAME", help="Only this city's stations, plus the city's combined PDF.")
@click.option("--out", "out", metavar="DIR", default="build/posters", show_default=True, help="Output folder.")
@click.option("--stations", "stations", metavar="DIR", help="Folder of station YAML files (default: stations/ in the project).")
@click.option("--jobs", type=int, default=None, help="Processes to use (default: every CPU for large batches).")
def posters(station_ids: tuple[str, ...], city: str | None, out: str, stations: str | None, jobs: int | None) -> None:
    """Make A4 QR posters: one PDF per station, one per city and one for everything (unchanged ones come from the cache)."""
    from .poster_run import run_posters

    shown = stations or "stations"
    try:
        result = run_posters(Path.cwd(), Path(shown).resolve(), shown.rstrip("/") or "/", Path(out).resolve(),
                             list(station_ids) or None, city, jobs, progress=progress_bar, say=say)  # fmt: skip
    except CheckFailed as err:
        for p in err.problems:
            click.echo(str(p))
        click.echo(f"{len(err.problems)} problem(s) found; no posters were made.", err=True)
        sys.exit(1)
    except YizhanError as err:
        click.echo(str(err), err=True)
        sys.exit(1)
    click.echo(summary(result))
