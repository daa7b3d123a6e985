"""What the poster commands print: the progress bar, notes on stderr, the one-line summary (the work is in poster_run)."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from yizhan.i18n import _, ngettext


def progress_bar(total: int) -> Any:
    """A click progress bar on stderr (it prints only its label when stderr is not a terminal)."""
    return click.progressbar(length=total, label=_("Drawing posters"), file=sys.stderr, show_pos=True)


def say(text: str) -> None:
    click.echo(text, err=True)


def summary(result: Any) -> str:
    """The one-line report of a poster run."""
    out = os.path.relpath(result.out)
    cached = result.stations - result.drawn
    values = {"n": result.stations, "drawn": result.drawn, "cached": cached, "out": out, "seconds": f"{result.seconds:.1f}"}
    if not result.combined:
        return ngettext("Made {n} station poster ({drawn} drawn, {cached} from cache) in {out}/ in {seconds} s.",
                        "Made {n} station posters ({drawn} drawn, {cached} from cache) in {out}/ in {seconds} s.",
                        result.stations).format(**values)  # fmt: skip
    k = len(result.combined)
    combined = ngettext("{k} combined PDF", "{k} combined PDFs", k).format(k=k)
    return ngettext("Made {n} station poster ({drawn} drawn, {cached} from cache), {combined} in {out}/ in {seconds} s.",
                    "Made {n} station posters ({drawn} drawn, {cached} from cache), {combined} in {out}/ in {seconds} s.",
                    result.stations).format(combined=combined, **values)  # fmt: skip
