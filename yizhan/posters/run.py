"""`yizhan posters` end to end, and posters as part of `yizhan build` (checked first, linked into the site)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yizhan import config
from yizhan.config import Settings
from yizhan.errors import YizhanError
from yizhan.stations.cache import network_and_saver
from yizhan.stations.model import Network

from .batch import PosterResult, Selection, check_out, make_posters, missing_glyphs, select
from .fonts import PosterFont, find_font
from .index import PosterIndex, link_into_site, load_index, planned_index
from .layout import PosterContent
from .settings import poster_contents

Say = Callable[[str], None]


def _stderr(text: str) -> None:
    print(text, file=sys.stderr)


@dataclass
class PosterJob:
    """Everything checked and ready to draw."""

    network: Network
    contents: dict[str, PosterContent]
    font: PosterFont
    selection: Selection


def prepare(project: Path, network: Network, shown: str, selected: list[str] | None = None, city: str | None = None,
            say: Say = _stderr, settings: Settings | None = None) -> PosterJob:  # fmt: skip
    """Check the selection, the configuration, the font and every glyph before drawing anything."""
    settings = settings or config.load(project)
    unknown = [sid for sid in selected or [] if sid not in network.stations]
    if unknown:
        label = "station id" if len(unknown) == 1 else "station ids"
        raise YizhanError(f"unknown {label}: {', '.join(unknown)} (not in {shown}/)")
    cities = network.by_city()
    if city is not None and city not in cities:
        hint = f" (did you mean {city}市?)" if f"{city}市" in cities else ""
        raise YizhanError(f"unknown city: {city}{hint}; cities in {shown}/: {'、'.join(cities)}")
    contents = poster_contents(network, settings)
    font = find_font(settings.poster_font, project)
    say(f"Poster font: {font.name} ({font.path})")
    selection = select(network, selected, city)
    wanted = [contents[sid] for sid in selection.ids]
    problems = missing_glyphs(wanted, font, {sid: s.path for sid, s in network.stations.items()})
    if problems:
        n = len(problems)
        raise YizhanError(
            "\n".join(problems) + f"\n{n} character{'s' if n != 1 else ''} missing from the poster font: no posters were made. "
            "Set poster_font under the yizhan plugin in mkdocs.yml to a TrueType font that has them."
        )
    return PosterJob(network, contents, font, selection)


def _network(stations: Path, shown: str, out: Path) -> tuple[Network, Callable[[], None]]:
    """The checked stations (through the folder's cache of unchanged station files), and a function that saves the cache.

    Call it only after make_posters has vetted the folder: nothing is created in a folder before that.
    """
    return network_and_saver(stations, shown, out / ".cache" / "stations.pickle")


def run_posters(project: Path, stations: Path, shown: str, out: Path | None, selected: list[str] | None = None,
                city: str | None = None, jobs: int | None = None, progress: Callable[[int], Any] | None = None,
                say: Say = _stderr) -> PosterResult:  # fmt: skip
    """`yizhan posters`: load and check the stations, then make the selected posters (into `out`, else the configured folder)."""
    settings = config.load(project)  # a missing mkdocs.yml is reported before the stations are read
    out = out or (project / settings.posters).resolve()
    network, save_cache = _network(stations, shown, out)
    job = prepare(project, network, shown, selected, city, say, settings)
    result = make_posters(job.network, job.contents, job.font, out, job.selection, jobs, progress)
    save_cache()  # also after the first run, so the next one re-reads only the station files that changed
    return result


class BuildPosters:
    """Posters inside `yizhan build`: checked before the site is built, made and linked in before the swap."""

    def __init__(self, project: Path, out: Path, shown: str, progress: Callable[[int], Any] | None = None,
                 say: Say = _stderr) -> None:  # fmt: skip
        self.project, self.out, self.shown, self.progress, self.say = project, out, shown, progress, say
        self.job: PosterJob | None = None
        self.result: PosterResult | None = None

    def prepare(self, network: Network, settings: Settings) -> None:
        """Before anything is built: configuration, font and glyph checks."""
        try:
            check_out(self.out)  # before the site is built, not after
            self.job = prepare(self.project, network, self.shown, say=self.say, settings=settings)
        except YizhanError as err:
            raise YizhanError(f"{err}\n(`yizhan build --no-posters` builds the site without posters)") from None

    def planned(self) -> PosterIndex:
        """The PDFs finish() will put in place: station pages and the posters page link them."""
        assert self.job is not None
        return planned_index(self.job.network, self.out)

    def finish(self, site: Path) -> None:
        """Make the posters and link them into the new site (still in its temporary folder)."""
        job = self.job
        assert job is not None
        self.result = make_posters(job.network, job.contents, job.font, self.out, progress=self.progress)
        link_into_site(load_index(self.out), site)
