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
from yizhan.stations.model import Network
from yizhan.stations.regions import unique_slugs

from .combined import ASCII, STATIC_TEXT, CharTable, page_stream, write_combined, write_page
from .fonts import PosterFont
from .layout import LAYOUT_VERSION, H, PosterContent, W, draw, layout

MANIFEST = "posters.json"  # marks the folder as made by `yizhan posters` and lists what it made
PARALLEL_MIN = 64  # fewer posters than this are drawn in-process (a pool costs more than it saves)
CHUNK = 16
Progress = Callable[[int], AbstractContextManager[Any]]  # given the amount of work, a context whose value has update(n)


@dataclass
class PosterResult:
    """What a poster run produced."""

    out: Path
    font: PosterFont
    stations: int = 0
    drawn: int = 0
    combined: list[str] = field(default_factory=list)
    seconds: float = 0.0


def missing_glyphs(contents: Iterable[PosterContent], font: PosterFont, paths: dict[str, str]) -> list[str]:
    """One line per station and character the font cannot draw (they would print as empty boxes)."""
    have = font.chars()
    contents = list(contents)
    seen = {ch for p in contents for _, text in p.texts() for ch in text}
    if all(ord(ch) in have or ch.isspace() for ch in seen):
        return []
    problems = []
    for p in contents:
        for field_name, text in p.texts():
            for ch in dict.fromkeys(ch for ch in text if ord(ch) not in have and not ch.isspace()):
                problems.append(
                    f"{paths.get(p.id, p.id)}: station {p.id}: {field_name}: the poster font {font.name} has no glyph "
                    f"for “{ch}” (U+{ord(ch):04X})"
                )
    return problems


def check_out(out: Path) -> None:
    """Refuse an output folder that yizhan posters did not make (one with files but no manifest)."""
    if not owned(out, MANIFEST):
        raise YizhanError(f"{out} exists and was not made by yizhan posters: refusing to write into it (choose another --out)")


class PosterStore:
    """The output folder: station PDFs under s/, city PDFs under city/, all.pdf, and the cache under .cache/."""

    def __init__(self, out: Path, font: PosterFont) -> None:
        self.out = out
        self.font = font
        self.cache = out / ".cache"
        self.manifest_path = out / MANIFEST
        self.table = CharTable(self.cache / "chars.json", font.fingerprint)
        check_out(out)
        try:
            self.manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.manifest = {}

    def stream(self, key: str) -> Path:
        """The cached page stream of a poster, in the encoding of the current character table."""
        return self.cache / "pages" / key[:2] / f"{key}-{self.table.id}.page"

    def cached(self, key: str) -> bool:
        base = os.path.join(self.cache, "pages", key[:2], key)  # plain strings: called for every station
        return os.path.exists(f"{base}.pdf") and os.path.exists(f"{base}-{self.table.id}.page")


def _canvas(path: Path, title: str):  # type: ignore[no-untyped-def]
    from reportlab import rl_config
    from reportlab.pdfgen.canvas import Canvas

    from .fonts import FONT_NAME

    rl_config.useA85 = 0  # binary Flate streams: a quarter smaller, and no ASCII85 pass over every page
    c = Canvas(str(path), pagesize=(W, H), pageCompression=1, invariant=1, initialFontName=FONT_NAME, initialFontSize=12)
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
        stream, used = page_stream(ops, index)
        write_page(base / f"{key}-{table_id}.page", stream, used)


def _render_chunk(args: tuple[list[tuple[PosterContent, str]], str]) -> int:
    jobs, cache = args
    for p, key in jobs:
        render(p, key, Path(cache), *_TABLE)
    return len(jobs)


def _init_worker(font: PosterFont, index: dict[str, int], table_id: str) -> None:
    global _TABLE
    font.register()
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
    font: PosterFont,
    out: Path,
    selection: Selection | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> PosterResult:
    """The posters of `selection` (default: every station), each drawn only when its content is not cached."""
    start = time.perf_counter()
    font.register()
    store = PosterStore(out, font)
    cities = network.by_city()
    selection = selection or select(network)
    ids, city, full = list(selection.ids), selection.city, selection.full
    keys = {sid: contents[sid].key(font.fingerprint) for sid in ids}
    store.table.extend([ASCII, STATIC_TEXT, *(text for sid in ids for text in contents[sid].strings())])
    todo = [(contents[sid], keys[sid]) for sid in ids if not store.cached(keys[sid])]
    result = PosterResult(out, font, stations=len(ids), drawn=len(todo))
    files = city_files(network)
    groups: list[tuple[str, str, list[str]]] = []  # (label, file, keys)
    for name, districts in cities.items():
        if full or name == city:
            groups.append((name, files[name], [keys[s.id] for d in districts.values() for s in d]))
    if full:
        groups.append(("全部驿站", "all.pdf", [keys[sid] for sid in ids]))
    old = store.manifest
    old_groups = {g["file"]: g["key"] for g in [*old.get("cities", {}).values(), *([old["all"]] if old.get("all") else [])]}
    stale = [g for g in groups if old_groups.get(g[1]) != _group_key(g[2]) or not (out / g[1]).exists()]
    stale.sort(key=lambda g: -len(g[2]))
    procs = jobs or os.cpu_count() or 1
    parallel = procs > 1 and len(todo) >= PARALLEL_MIN
    with progress(len(todo) + len(stale)) if progress else contextlib.nullcontext() as bar:
        step = bar.update if bar else (lambda n: None)
        _draw(todo, store, parallel, procs, font, step)
        for label, file, gkeys in stale:  # byte assembly of cached pages: no drawing, so no pool needed
            title = "全部驿站海报" if file == "all.pdf" else f"{label}驿站海报"
            write_combined(out / file, [store.stream(k) for k in gkeys], store.table.chars, title)
            step(1)
    pages, linked = os.path.join(store.cache, "pages"), os.path.join(out, "s")
    for sid in ids:
        src, dst = os.path.join(pages, keys[sid][:2], f"{keys[sid]}.pdf"), os.path.join(linked, f"{sid}.pdf")
        with contextlib.suppress(OSError):
            if os.path.samestat(os.stat(src), os.stat(dst)):
                continue  # already linked (plain strings and two stats: this runs for every station)
        link(Path(src), Path(dst))
    result.combined = [g[1] for g in groups]
    _write_manifest(store, network, ids, keys, groups, full)
    result.seconds = time.perf_counter() - start
    return result


def _draw(todo: list[tuple[PosterContent, str]], store: PosterStore, parallel: bool, procs: int, font: PosterFont, step) -> None:  # type: ignore[no-untyped-def]
    """Draw the posters that are not cached (in a process pool over chunks when parallel)."""
    table = (store.table.index, store.table.id)
    if not parallel:
        for p, key in todo:
            render(p, key, store.cache, *table)
            step(1)
        return
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with ctx.Pool(min(procs, os.cpu_count() or procs), initializer=_init_worker, initargs=(font, *table)) as pool:
        for n in pool.imap_unordered(_render_chunk, [(c, str(store.cache)) for c in _chunks(todo, CHUNK)]):
            step(n)


def _write_manifest(store: PosterStore, network: Network, ids: list[str], keys: dict[str, str], groups, full: bool) -> None:  # type: ignore[no-untyped-def]
    """Record what exists; in a full run, remove station PDFs and cache entries that are no longer used."""
    old = store.manifest
    stations = {} if full else {k: v for k, v in old.get("stations", {}).items() if (store.out / v["file"]).exists()}
    cities = {} if full else {k: v for k, v in old.get("cities", {}).items() if (store.out / v["file"]).exists()}
    for sid in ids:
        s = network.stations[sid]
        stations[sid] = {"key": keys[sid], "city": s.region.city, "file": f"s/{sid}.pdf"}
    entry_all = old.get("all") if not full and old.get("all") and (store.out / old["all"]["file"]).exists() else None
    for label, file, gkeys in groups:
        entry = {"file": file, "key": _group_key(gkeys), "count": len(gkeys)}
        if file == "all.pdf":
            entry_all = entry
        else:
            cities[label] = entry
    if full:
        for sid, v in old.get("stations", {}).items():
            if sid not in stations:
                (store.out / v["file"]).unlink(missing_ok=True)
        for v in old.get("cities", {}).values():
            if v["file"] not in {c["file"] for c in cities.values()}:
                (store.out / v["file"]).unlink(missing_ok=True)
        _prune_cache(store, {v["key"] for v in stations.values()})
    data = {"format": 1, "font": {"name": store.font.name, "path": str(store.font.path)},
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
