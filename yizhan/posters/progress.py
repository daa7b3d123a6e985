"""What the poster commands print: the progress bar, notes on stderr, the one-line summary (the work is in poster_run)."""

from __future__ import annotations

import os
import sys
from typing import Any

import click


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
