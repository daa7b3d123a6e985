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

from .errors import YizhanError
from .fonts import PosterFont
from .markup import unique_slugs
from .model import Network
from .poster_layout import LAYOUT_VERSION, H, PosterContent, W, draw, layout

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
    problems = []
    for p in contents:
        for field_name, text in p.texts():
            for ch in dict.fromkeys(ch for ch in text if ord(ch) not in have and not ch.isspace()):
                problems.append(
                    f"{paths.get(p.id, p.id)}: station {p.id}: {field_name}: the poster font {font.name} has no glyph "
                    f"for “{ch}” (U+{ord(ch):04X})"
                )
    return problems


class PosterStore:
    """The output folder: station PDFs under s/, city PDFs under city/, all.pdf, and the cache under .cache/."""

    def __init__(self, out: Path, font: PosterFont) -> None:
        self.out = out
        self.font = font
        self.cache = out / ".cache"
        self.manifest_path = out / MANIFEST
        if out.exists() and not self.manifest_path.exists() and any(out.iterdir()):
            raise YizhanError(f"{out} exists and was not made by yizhan posters: refusing to write into it (choose another --out)")
        try:
            self.manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.manifest = {}

    def page(self, key: str, ext: str) -> Path:
        """Where a cached poster's display list (.json) or one-page PDF (.pdf) lives."""
        return self.cache / "pages" / key[:2] / f"{key}.{ext}"

    def cached(self, key: str) -> bool:
        return self.page(key, "json").exists() and self.page(key, "pdf").exists()


def _replace(tmp: Path, final: Path) -> None:
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, final)


def _tmp(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def _canvas(path: Path, title: str):  # type: ignore[no-untyped-def]
    from reportlab import rl_config
    from reportlab.pdfgen.canvas import Canvas

    from .fonts import FONT_NAME

    rl_config.useA85 = 0  # binary Flate streams: a quarter smaller, and no ASCII85 pass over every page

    c = Canvas(str(path), pagesize=(W, H), pageCompression=1, invariant=1, initialFontName=FONT_NAME, initialFontSize=12)
    c.setTitle(title)
    c.setCreator("yizhan posters")
    return c


def render(p: PosterContent, key: str, store_cache: Path) -> None:
    """Lay out one poster and write its display list and its one-page PDF into the cache."""
    ops = layout(p, store_cache / "qr")
    base = store_cache / "pages" / key[:2]
    js, pdf = base / f"{key}.json", base / f"{key}.pdf"
    tmp = _tmp(pdf)
    c = _canvas(tmp, p.name)
    draw(c, ops)
    c.save()
    tmp_js = _tmp(js)
    tmp_js.write_text(json.dumps(ops, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    _replace(tmp_js, js)
    _replace(tmp, pdf)


def _render_chunk(args: tuple[list[tuple[PosterContent, str]], str]) -> int:
    jobs, cache = args
    for p, key in jobs:
        render(p, key, Path(cache))
    return len(jobs)


def combine(keys: list[str], cache: str, target: str, title: str) -> int:
    """Replay cached display lists into one PDF (the font is embedded once, as subsets shared by all pages)."""
    final = Path(target)
    tmp = _tmp(final)
    c = _canvas(tmp, title)
    for key in keys:
        ops = json.loads((Path(cache) / "pages" / key[:2] / f"{key}.json").read_text(encoding="utf-8"))
        draw(c, ops)
    c.save()
    _replace(tmp, final)
    return len(keys)


def _combine_job(args: tuple[list[str], str, str, str]) -> int:
    return combine(*args)


def _init_worker(font: PosterFont) -> None:
    font.register()


def _chunks(items: list[tuple[PosterContent, str]], size: int) -> Iterator[list[tuple[PosterContent, str]]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _link(src: Path, dst: Path) -> None:
    """Make dst the same file as src (a hard link; a copy where links are not possible), atomically."""
    if dst.exists() and os.path.samefile(src, dst):
        return
    tmp = _tmp(dst)
    try:
        os.link(src, tmp)
    except OSError:
        import shutil

        shutil.copyfile(src, tmp)
    _replace(tmp, dst)


def city_files(network: Network) -> dict[str, str]:
    """Each city's combined PDF, named by the same ASCII (pinyin) slug as its region pages: city/wuxi.pdf."""
    slugs = unique_slugs(list(network.by_city()))
    return {city: f"city/{slug}.pdf" for city, slug in slugs.items()}


def _group_key(keys: list[str]) -> str:
    return hashlib.sha256("\n".join([LAYOUT_VERSION, *keys]).encode()).hexdigest()[:32]


def make_posters(
    network: Network,
    contents: dict[str, PosterContent],
    font: PosterFont,
    out: Path,
    selected: list[str] | None = None,
    city: str | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> PosterResult:
    """Posters for the selected stations (all when neither `selected` nor `city` is given), cached by content."""
    start = time.perf_counter()
    font.register()
    store = PosterStore(out, font)
    cities = network.by_city()
    full = not selected and not city
    chosen = set(selected or [])
    if city:
        chosen.update(s.id for d in cities[city].values() for s in d)
    ids = [sid for sid in network.stations if full or sid in chosen]
    keys = {sid: contents[sid].key(font.fingerprint) for sid in ids}
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
    cache = str(store.cache)
    work = len(todo) + sum(len(g[2]) for g in stale)
    procs = jobs or os.cpu_count() or 1
    parallel = procs > 1 and work >= PARALLEL_MIN
    combine_args = [(g[2], cache, str(out / g[1]), f"{g[0]}驿站海报" if g[1] != "all.pdf" else "全部驿站海报") for g in stale]
    with progress(work) if progress else contextlib.nullcontext() as bar:
        _run(todo, combine_args, cache, store, parallel, procs, font, bar.update if bar else (lambda n: None))
    for sid in ids:
        _link(store.page(keys[sid], "pdf"), out / "s" / f"{sid}.pdf")
    result.combined = [g[1] for g in groups]
    _write_manifest(store, network, ids, keys, groups, full)
    result.seconds = time.perf_counter() - start
    return result


def _run(todo, combine_args, cache: str, store: PosterStore, parallel: bool, procs: int, font: PosterFont, step) -> None:  # type: ignore[no-untyped-def]
    """Draw the posters that are not cached, then assemble the combined PDFs (in a process pool if parallel)."""
    if not parallel:
        for p, key in todo:
            render(p, key, store.cache)
            step(1)
        for args in combine_args:
            step(combine(*args))
        return
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with ctx.Pool(min(procs, os.cpu_count() or procs), initializer=_init_worker, initargs=(font,)) as pool:
        for n in pool.imap_unordered(_render_chunk, [(c, cache) for c in _chunks(todo, CHUNK)]):
            step(n)
        for n in pool.imap_unordered(_combine_job, combine_args):
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
    tmp = _tmp(store.manifest_path)
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    _replace(tmp, store.manifest_path)


def _prune_cache(store: PosterStore, keep: set[str]) -> None:
    """Delete cached pages that no current station uses (only files this command wrote: <key>.json/.pdf)."""
    pages = store.cache / "pages"
    if not pages.is_dir():
        return
    for sub in pages.iterdir():
        for f in sub.glob("*.*"):
            if f.suffix in (".json", ".pdf") and len(f.stem) == 32 and f.stem not in keep:
                f.unlink(missing_ok=True)
