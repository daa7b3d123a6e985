"""Poster batches: draw changed posters (in parallel), link per-station PDFs, assemble city and all-station PDFs."""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yizhan.durable import owned, replacing
from yizhan.errors import YizhanError
from yizhan.i18n import _
from yizhan.i18n import field as station_field
from yizhan.stations.model import Network
from yizhan.stations.regions import unique_slugs

from . import fonts as fontstate
from .chartable import CharTable
from .combined import ASCII, STATIC_TEXT, page_stream, write_combined, write_page
from .fonts import FIX, PosterFonts
from .layout import LAYOUT_VERSION, H, PosterContent, W, draw, layout

MANIFEST = "posters.json"  # marks the folder as made by `yizhan posters` and lists what it made
PARALLEL_MIN = 64  # fewer posters than this are drawn in-process (a pool costs more than it saves)
CHUNK = 16
Progress = Callable[[int], AbstractContextManager[Any]]  # given the amount of work, a context whose value has update(n)


@dataclass
class PosterResult:
    """What a poster run produced."""

    out: Path
    fonts: PosterFonts
    stations: int = 0
    drawn: int = 0
    combined: list[str] = field(default_factory=list)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)  # one line per poster that could not be made, and why
    site_copies: str = ""  # the built site whose copies of the PDFs were brought up to date
    site_links_stale: bool = False  # posters were added or removed: the site's pages link them after the next build


class PosterProblem(str):
    """A line saying why one station's poster was not made; `station` is its id (what the count of posters counts)."""

    station: str

    @classmethod
    def of(cls, text: str, station: str) -> PosterProblem:
        line = cls(text)
        line.station = station
        return line


def missing_glyphs(contents: Iterable[PosterContent], missing: set[str], paths: dict[str, str]) -> tuple[list[str], set[str]]:
    """One line per station, field and character no poster font has (they would print as empty boxes), and those stations."""
    if not missing:
        return [], set()
    problems, failing = [], set()
    for p in contents:
        for field_name, text in p.texts():
            for ch in dict.fromkeys(ch for ch in text if ch in missing):
                text = _("station {id}: {field}: no poster font has “{char}” (U+{code}), so this station's poster was not made; {fix}")
                text = text.format(id=p.id, field=station_field(field_name), char=ch, code=f"{ord(ch):04X}", fix=_(FIX))
                problems.append(PosterProblem.of(f"{paths.get(p.id, p.id)}: {text}", p.id))
                failing.add(p.id)
    return problems, failing


def check_out(out: Path) -> None:
    """Refuse an output folder that yizhan posters did not make (one with files but no manifest)."""
    if not owned(out, MANIFEST):
        raise YizhanError(_("{folder} exists and was not made by yizhan posters: refusing to write into it (choose another --out)").format(folder=out))


def claim(out: Path) -> None:
    """Check the output folder and mark it as made by yizhan posters before anything else is written into it."""
    check_out(out)
    if not (out / MANIFEST).exists():
        with replacing(out / MANIFEST) as tmp:
            tmp.write_text(json.dumps({"format": 1, "stations": {}, "cities": {}, "all": None}), encoding="utf-8")


class PosterStore:
    """The output folder: station PDFs under s/, city PDFs under city/, all.pdf, and the cache under .cache/."""

    def __init__(self, out: Path, fonts: PosterFonts) -> None:
        self.out = out
        self.fonts = fonts
        self.cache = out / ".cache"
        self.manifest_path = out / MANIFEST
        self.table = CharTable(self.cache / "chars.json", fonts.fingerprint)
        check_out(out)
        try:
            self.manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.manifest = {}
        if not isinstance(self.manifest, dict):
            self.manifest = {}
        for part in ("stations", "cities"):  # a damaged manifest is rebuilt, never trusted
            entries = self.manifest.get(part)
            ok = isinstance(entries, dict) and all(isinstance(v, dict) and isinstance(v.get("file"), str)
                                                    and isinstance(v.get("key"), str) for v in entries.values())  # fmt: skip
            if not ok:
                self.manifest[part] = {}
        entry = self.manifest.get("all")
        if not (isinstance(entry, dict) and isinstance(entry.get("file"), str) and isinstance(entry.get("key"), str)):
            self.manifest["all"] = None

    def stream(self, key: str) -> Path:
        """The cached page stream of a poster, in the encoding of the current character table."""
        return self.cache / "pages" / key[:2] / f"{key}-{self.table.id}.page"

    def cached(self, key: str) -> bool:
        base = os.path.join(self.cache, "pages", key[:2], key)  # plain strings: called for every station
        return os.path.exists(f"{base}.pdf") and os.path.exists(f"{base}-{self.table.id}.page")


def _canvas(path: Path, title: str):  # type: ignore[no-untyped-def]
    from reportlab import rl_config
    from reportlab.pdfgen.canvas import Canvas

    rl_config.useA85 = 0  # binary Flate streams: a quarter smaller, and no ASCII85 pass over every page
    first = fontstate.CURRENT.first
    c = Canvas(str(path), pagesize=(W, H), pageCompression=1, invariant=1, initialFontName=first, initialFontSize=12)
    c.setTitle(title)
    c.setCreator("yizhan posters")
    return c


_TABLE: tuple[dict[str, int], str] = ({}, "")  # the character table's index and id, in pool workers


def render(p: PosterContent, key: str, cache: Path, index: dict[str, int], table_id: str) -> None:
    """Lay out one poster; cache its one-page PDF (drawn by reportlab) and its page stream for combined PDFs."""
    ops = layout(p, cache / "qr")
    base = cache / "pages" / key[:2]
    with replacing(base / f"{key}.pdf") as tmp:  # the PDF last: its presence says the poster is cached
        c = _canvas(tmp, p.name)
        draw(c, ops)
        c.save()
        stream, used = page_stream(ops, index, fontstate.CURRENT.slot)
        write_page(base / f"{key}-{table_id}.page", stream, used)


def _render_chunk(args: tuple[list[tuple[PosterContent, str]], str]) -> int:
    jobs, cache = args
    for p, key in jobs:
        render(p, key, Path(cache), *_TABLE)
    return len(jobs)


def _init_worker(fonts: PosterFonts, index: dict[str, int], table_id: str) -> None:
    global _TABLE
    fonts.register()
    _TABLE = (index, table_id)


def _chunks(items: list[tuple[PosterContent, str]], size: int) -> Iterator[list[tuple[PosterContent, str]]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def link(src: Path, dst: Path) -> None:
    """Make dst the same file as src (a hard link; a copy where links are not possible), atomically."""
    if dst.exists() and os.path.samefile(src, dst):
        return
    with replacing(dst) as tmp:
        try:
            os.link(src, tmp)
        except OSError:
            import shutil

            shutil.copyfile(src, tmp)


def city_files(network: Network) -> dict[str, str]:
    """Each city's combined PDF, named by the same ASCII (pinyin) slug as its region pages: city/wuxi.pdf."""
    slugs = unique_slugs(list(network.by_city()))
    return {city: f"city/{slug}.pdf" for city, slug in slugs.items()}


def _group_key(keys: list[str]) -> str:
    return hashlib.sha256("\n".join([LAYOUT_VERSION, *keys]).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Selection:
    """The posters of one run: every station (then also every city's PDF and all.pdf), or some, with one city's PDF."""

    ids: tuple[str, ...]  # in the network's order
    city: str | None = None
    full: bool = True
    skipped: tuple[str, ...] = ()  # asked for, but a character of theirs is in no poster font


def select(network: Network, selected: list[str] | None = None, city: str | None = None) -> Selection:
    """The stations named, plus every station of `city`; every station when neither is given."""
    full = not selected and not city
    chosen = set(selected or [])
    if city:
        chosen.update(s.id for d in network.by_city()[city].values() for s in d)
    return Selection(tuple(sid for sid in network.stations if full or sid in chosen), city, full)


def make_posters(
    network: Network,
    contents: dict[str, PosterContent],
    fonts: PosterFonts,
    out: Path,
    selection: Selection | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> PosterResult:
    """The posters of `selection` (default: every station), each drawn only when its content is not cached; then every
    combined PDF whose pages changed, so city PDFs and all.pdf always hold what s/<id>.pdf holds."""
    start = time.perf_counter()
    fonts.register()
    store = PosterStore(out, fonts)
    selection = selection or select(network)
    ids, full, skipped = list(selection.ids), selection.full, set(selection.skipped)
    store.table.extend([ASCII, STATIC_TEXT, *(t for sid, p in contents.items() if sid not in skipped for t in p.strings())], fonts.slot)
    keys = {sid: contents[sid].key(fonts.fingerprint) for sid in ids}
    shown = dict(keys)  # station -> the poster s/<id>.pdf holds after this run
    if not full:  # the other stations keep the posters they have; one not in this encoding is drawn again
        old = store.manifest.get("stations", {})
        for sid in network.stations:
            entry = old.get(sid)
            if sid in shown or sid in skipped or not entry or not (out / entry["file"]).exists():
                continue
            shown[sid] = entry["key"] if store.cached(entry["key"]) else keys.setdefault(sid, contents[sid].key(fonts.fingerprint))
    todo = [(contents[sid], key) for sid, key in keys.items() if not store.cached(key)]
    result = PosterResult(out, fonts, stations=len(keys), drawn=len(todo))
    files = city_files(network)
    groups: list[tuple[str, str, list[str]]] = []  # (label, file, keys)
    by_city: dict[str, list[str]] = {}  # the network's order: a city's centre first, then its districts in region order
    for sid, s in network.stations.items():
        if sid in shown:
            by_city.setdefault(s.region.city, []).append(shown[sid])
    groups += [(name, files[name], gkeys) for name, gkeys in by_city.items()]
    if shown:
        groups.append(("全部驿站", "all.pdf", [shown[sid] for sid in network.stations if sid in shown]))
    old_groups = {g["file"]: g["key"] for g in [*store.manifest.get("cities", {}).values(), *([store.manifest["all"]] if store.manifest.get("all") else [])]}
    stale = [g for g in groups if old_groups.get(g[1]) != _group_key(g[2]) or not (out / g[1]).exists()]
    stale.sort(key=lambda g: -len(g[2]))
    procs = jobs or os.cpu_count() or 1
    parallel = procs > 1 and len(todo) >= PARALLEL_MIN
    with progress(len(todo) + len(stale)) if progress else contextlib.nullcontext() as bar:
        step = bar.update if bar else (lambda n: None)
        _draw(todo, store, parallel, procs, fonts, step)
        for label, file, gkeys in stale:  # byte assembly of cached pages: no drawing, so no pool needed
            title = "全部驿站海报" if file == "all.pdf" else f"{label}驿站海报"
            write_combined(out / file, [store.stream(k) for k in gkeys], store.table.chars, title, fonts.slot)
            step(1)
    pages, linked = os.path.join(store.cache, "pages"), os.path.join(out, "s")
    for sid, key in keys.items():
        src, dst = os.path.join(pages, key[:2], f"{key}.pdf"), os.path.join(linked, f"{sid}.pdf")
        with contextlib.suppress(OSError):
            if os.path.samestat(os.stat(src), os.stat(dst)):
                continue  # already linked (plain strings and two stats: this runs for every station)
        link(Path(src), Path(dst))
    result.combined = [g[1] for g in groups]
    _write_manifest(store, network, shown, groups, full, skipped)
    result.seconds = time.perf_counter() - start
    return result


def _draw(todo: list[tuple[PosterContent, str]], store: PosterStore, parallel: bool, procs: int, fonts: PosterFonts, step) -> None:  # type: ignore[no-untyped-def]
    """Draw the posters that are not cached (in a process pool over chunks when parallel)."""
    table = (store.table.index, store.table.id)
    if not parallel:
        for p, key in todo:
            render(p, key, store.cache, *table)
            step(1)
        return
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with ctx.Pool(min(procs, os.cpu_count() or procs), initializer=_init_worker, initargs=(fonts, *table)) as pool:
        for n in pool.imap_unordered(_render_chunk, [(c, str(store.cache)) for c in _chunks(todo, CHUNK)]):
            step(n)


def _write_manifest(store: PosterStore, network: Network, shown: dict[str, str], groups, full: bool, skipped: set[str]) -> None:  # type: ignore[no-untyped-def]
    """Record what exists; remove the PDFs of stations that are gone or whose poster could not be made (in a full run,
    also cache entries that are no longer used)."""
    old = store.manifest
    stations = {} if full else {k: v for k, v in old.get("stations", {}).items() if (store.out / v["file"]).exists()}
    for sid, key in shown.items():
        stations[sid] = {"key": key, "city": network.stations[sid].region.city, "file": f"s/{sid}.pdf"}
    for sid in skipped:
        entry = stations.pop(sid, None)
        if entry:
            (store.out / entry["file"]).unlink(missing_ok=True)
    cities = {label: {"file": file, "key": _group_key(gkeys), "count": len(gkeys)} for label, file, gkeys in groups if file != "all.pdf"}
    entry_all = next(({"file": f, "key": _group_key(k), "count": len(k)} for _, f, k in groups if f == "all.pdf"), None)
    for sid, v in old.get("stations", {}).items():
        if sid not in stations:
            (store.out / v["file"]).unlink(missing_ok=True)
    for v in old.get("cities", {}).values():
        if v["file"] not in {c["file"] for c in cities.values()}:
            (store.out / v["file"]).unlink(missing_ok=True)
    if entry_all is None:
        (store.out / "all.pdf").unlink(missing_ok=True)
    if full:
        _prune_cache(store, set(shown.values()))
    data = {"format": 1, "fonts": [{"name": n, "path": p} for n, p in zip(store.fonts.names, store.fonts.paths)],
            "stations": stations, "cities": cities, "all": entry_all}  # fmt: skip
    with replacing(store.manifest_path) as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _prune_cache(store: PosterStore, keep: set[str]) -> None:
    """Delete cached pages no current station uses, or in an old table's encoding (only names this command writes)."""
    pages = store.cache / "pages"
    if not pages.is_dir():
        return
    for sub in pages.iterdir():
        for f in sub.iterdir():
            key, _, table = f.stem.partition("-")
            if len(key) != 32:
                continue
            stale = key not in keep or (f.suffix == ".page" and table != store.table.id)
            if stale and f.suffix in (".pdf", ".page"):
                f.unlink(missing_ok=True)
