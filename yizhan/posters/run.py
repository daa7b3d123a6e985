"""`yizhan posters` end to end, and posters as part of `yizhan build` (checked first, linked into the site)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yizhan import config
from yizhan.config import Settings
from yizhan.durable import MARKER
from yizhan.errors import YizhanError
from yizhan.i18n import _, ngettext
from yizhan.stations.cache import network_and_saver
from yizhan.stations.model import Network
from yizhan.stations.regions import RegionOrder

from .batch import PosterResult, Selection, check_out, claim, make_posters, missing_glyphs, select
from .chartable import CharTable
from .combined import ASCII, STATIC_TEXT
from .fonts import PosterFonts, font_chain, prepare_fonts
from .index import SITE_DIR, PosterIndex, link_into_site, load_index, planned_index
from .layout import PosterContent
from .settings import placeholder_warning, poster_contents

Say = Callable[[str], None]


def _stderr(text: str) -> None:
    print(text, file=sys.stderr)


@dataclass
class PosterJob:
    """Everything checked and ready to draw, and the posters that cannot be made (one line each, with the fix)."""

    network: Network
    contents: dict[str, PosterContent]
    fonts: PosterFonts
    selection: Selection
    problems: list[str]


def prepare(project: Path, network: Network, shown: str, out: Path, selected: list[str] | None = None, city: str | None = None,
            say: Say = _stderr, settings: Settings | None = None) -> PosterJob:  # fmt: skip
    """Check the selection and the configuration, cut the fonts, and find the posters a missing character stops."""
    settings = settings or config.load(project)
    network.order_regions(RegionOrder(settings.city_order, settings.district_order))  # city PDFs in mkdocs.yml's region_order
    unknown = [sid for sid in selected or [] if sid not in network.stations]
    if unknown:
        raise YizhanError(ngettext("unknown station id: {ids} (not in {folder}/)", "unknown station ids: {ids} (not in {folder}/)",
                                   len(unknown)).format(ids=", ".join(unknown), folder=shown))
    cities = network.by_city()
    if city is not None and city not in cities:
        if f"{city}市" in cities:
            message = _("unknown city: {city} (did you mean {city}市?); cities in {folder}/: {cities}")
        else:
            message = _("unknown city: {city}; cities in {folder}/: {cities}")
        raise YizhanError(message.format(city=city, folder=shown, cities="、".join(cities)))
    contents = poster_contents(network, settings)
    warning = placeholder_warning(settings)
    if warning:
        say(warning)
    chain = font_chain(settings.poster_font, project)
    claim(out)  # nothing is written into a folder yizhan posters did not make
    for note in chain.notes:
        say(note)
    chars = [ASCII, STATIC_TEXT, CharTable.peek(out / ".cache" / "chars.json"), *(t for p in contents.values() for t in p.strings())]
    fonts, missing = prepare_fonts(chain, set("".join(chars)), out / ".cache")
    say(_("Poster fonts: {fonts}").format(fonts="; ".join(f"{n} ({p})" for n, p in zip(fonts.names, fonts.paths))))
    selection = select(network, selected, city)
    problems, failing = missing_glyphs([contents[sid] for sid in selection.ids], missing, {sid: s.path for sid, s in network.stations.items()})
    if failing:
        kept = tuple(sid for sid in selection.ids if sid not in failing)
        selection = Selection(kept, selection.city, selection.full, tuple(sid for sid in selection.ids if sid in failing))
    return PosterJob(network, contents, fonts, selection, problems)


def _network(stations: Path, shown: str, out: Path, services: tuple[str, ...] | None = None) -> tuple[Network, Callable[[], None]]:
    """The checked stations (through the folder's cache of unchanged station files), and a function that saves the cache.

    Call it only after make_posters has vetted the folder: nothing is created in a folder before that.
    """
    return network_and_saver(stations, shown, out / ".cache" / "stations.pickle", services=services)


def refresh_site(out: Path) -> tuple[Path, bool] | None:
    """Bring the built site's copies of the PDFs up to date (OUT/site next to OUT/posters, as `yizhan build` makes them);
    also says whether posters were added or removed, which the site's pages only learn in the next build."""
    site = out.parent / "site"
    if out.name != SITE_DIR or not (site / MARKER).is_file() or not (site / SITE_DIR).is_dir():
        return None
    index = load_index(out)
    posters = site / SITE_DIR
    before = {p.relative_to(posters).as_posix() for sub in ("s", "city") for p in (posters / sub).glob("*.pdf")}
    before |= {"all.pdf"} if (posters / "all.pdf").exists() else set()
    link_into_site(index, site)
    keep = set(index.files()) if index else set()
    for sub in ("s", "city"):  # copies of PDFs that are gone (only PDFs, only in the folders yizhan fills)
        for pdf in (site / SITE_DIR / sub).glob("*.pdf"):
            if f"{sub}/{pdf.name}" not in keep:
                pdf.unlink(missing_ok=True)
    if "all.pdf" not in keep:
        (site / SITE_DIR / "all.pdf").unlink(missing_ok=True)
    return site, before != keep


def run_posters(project: Path, stations: Path, shown: str, out: Path | None, selected: list[str] | None = None,
                city: str | None = None, jobs: int | None = None, progress: Callable[[int], Any] | None = None,
                say: Say = _stderr) -> PosterResult:  # fmt: skip
    """`yizhan posters`: load and check the stations, then make the selected posters (into `out`, else the configured folder)."""
    settings = config.load(project)  # a missing mkdocs.yml is reported before the stations are read
    out = out or (project / settings.posters).resolve()
    check_out(out)
    network, save_cache = _network(stations, shown, out, settings.services)
    job = prepare(project, network, shown, out, selected, city, say, settings)
    result = make_posters(job.network, job.contents, job.fonts, out, job.selection, jobs, progress)
    result.problems = job.problems
    save_cache()  # also after the first run, so the next one re-reads only the station files that changed
    refreshed = refresh_site(out)
    if refreshed:
        result.site_copies, result.site_links_stale = str(refreshed[0]), refreshed[1]
    return result


class BuildPosters:
    """Posters inside `yizhan build`: prepared before the site is built, made and linked in before the swap.

    A poster problem (configuration, font, a missing character) never stops the site: the posters that can be made
    are made, and `problems` says what was not and why.
    """

    def __init__(self, project: Path, out: Path, shown: str, progress: Callable[[int], Any] | None = None,
                 say: Say = _stderr) -> None:  # fmt: skip
        self.project, self.out, self.shown, self.progress, self.say = project, out, shown, progress, say
        self.job: PosterJob | None = None
        self.result: PosterResult | None = None
        self.problems: list[str] = []

    def prepare(self, network: Network, settings: Settings) -> None:
        """Before anything is built: configuration, fonts and characters."""
        try:
            self.job = prepare(self.project, network, self.shown, self.out, say=self.say, settings=settings)
            self.problems = list(self.job.problems)
        except YizhanError as err:
            self.problems = [f"{err}\n" + _("(no posters were made; the site was built without them)")]

    def planned(self) -> PosterIndex | None:
        """The PDFs finish() will put in place: station pages and the posters page link them."""
        if self.job is None:
            return None
        return planned_index(self.job.network, self.out, set(self.job.selection.skipped))

    def finish(self, site: Path) -> None:
        """Make the posters and link them into the new site (still in its temporary folder)."""
        job = self.job
        if job is None:
            return
        try:
            self.result = make_posters(job.network, job.contents, job.fonts, self.out, job.selection, progress=self.progress)
        except Exception as err:  # noqa: BLE001 (a full disk, a damaged cache: the site is still built, with the posters there are)
            error = str(err) if isinstance(err, (YizhanError, OSError)) else f"{type(err).__name__}: {err}"
            self.problems.append(_("posters: {error}").format(error=error) + "\n"
                                 + _("(the site was built; its links to posters that were not made lead nowhere)"))  # fmt: skip
        else:
            self.result.problems = self.problems
        link_into_site(load_index(self.out), site)
