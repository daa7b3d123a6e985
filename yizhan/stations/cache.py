"""A cache of checked station files, so reports over 10,000 stations re-parse only the YAML files that changed.

Each file's check (its Station, problems and warnings: check_file) is kept under the file's relative path, the path
shown, its size, mtime, ctime, inode and device, and the digest of yizhan's own code and of the project's list of
services (mkdocs.yml); a file whose entry does not match in every one of these is parsed and checked again. Files changed in the last two seconds are never cached
(file times are coarse), so an edit can never hide behind an unchanged time stamp. The checks across files
(duplicate ids, parents) run every time, through the same `assemble` as `yizhan check`, so errors read the same.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from yizhan.durable import replacing
from yizhan.errors import CheckFailed
from yizhan.i18n import language

from .check import assemble, load_network
from .fields import FileCheck, check_file
from .model import Network
from .source import Source
from .vocab import SERVICES

FORMAT = 3  # entries hold each file's check as a tuple
RACY_NS = 2_000_000_000  # a file changed this recently is parsed every time
# stat key, shown path, and the file's check as plain values (a tuple pickles far faster than the dataclasses):
# station, problems, warnings, id, level, parent, positions of id and parent
Entry = tuple[tuple[int, ...], str, tuple[Any, ...]]


def _pack(f: FileCheck) -> tuple[Any, ...]:
    return (f.station, f.problems, f.warnings, f.ident, f.level, f.parent, f.src.pos if f.src is not None else None)


def _unpack(shown: str, t: tuple[Any, ...]) -> FileCheck:
    return FileCheck(*t[:6], src=Source(shown, pos=t[6]) if t[6] is not None else None)


def code_key() -> str:
    """A digest of the cache format, the Python version, every module of the yizhan package and its message catalogs."""
    h = hashlib.sha256(f"{FORMAT} {sys.version_info[:2]}".encode())
    package = Path(__file__).resolve().parents[1]
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.mo")]):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def cache_key(services: Sequence[str] | None = None) -> str:
    """code_key(), the language of the messages and the list of services the files are checked against (a changed
    list or language checks every file again)."""
    vocab = "\n".join(services if services is not None else SERVICES)
    return hashlib.sha256(f"{code_key()}\n{language()}\n{vocab}".encode("utf-8", "surrogatepass")).hexdigest()


def _stat_key(st: os.stat_result) -> tuple[int, ...]:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def _read(cache: Path, key: str) -> dict[str, Entry]:
    """The cached entries, or none when the file is missing, foreign, writable by others, stale or unreadable."""
    try:
        with cache.open("rb") as f:
            st = os.fstat(f.fileno())
            if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
                return {}  # only ever unpickle a file that only we can have written (Windows: the profile's ACLs)
            stored_key, entries = pickle.load(f)
    except FileNotFoundError:
        return {}
    except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, never trusted
        return {}
    return entries if stored_key == key and isinstance(entries, dict) else {}


def _write(cache: Path, key: str, entries: dict[str, Entry]) -> None:
    """Replace the cache file atomically (0600 in a 0700 folder); a cache that cannot be written is skipped."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with replacing(cache) as tmp:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
            with open(fd, "wb") as f:
                pickle.dump((key, entries), f, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:
        return


def cached_network(root: Path, shown_root: str, cache: Path, racy_ns: int = RACY_NS, services: Sequence[str] | None = None) -> Network:
    """The same Network as `load_network(root, shown_root, services)` (or its CheckFailed), reusing `cache` for unchanged
    files.

    Files whose mtime or ctime is less than `racy_ns` old are checked every time and not cached.
    """
    network, save = network_and_saver(root, shown_root, cache, racy_ns, services)
    save()
    return network


def _nothing() -> None:
    return None


def network_and_saver(root: Path, shown_root: str, cache: Path, racy_ns: int = RACY_NS,
                      services: Sequence[str] | None = None) -> tuple[Network, Callable[[], None]]:  # fmt: skip
    """As cached_network, but the cache is written only when the returned function is called (e.g. once the folder is vetted)."""
    if not root.is_dir():
        return load_network(root, shown_root, services), _nothing
    with _collector_paused():
        return _network_and_saver(root, shown_root, cache, racy_ns, services)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while 10,000 unpickled stations are put together: they hold no cycles, and its
    passes over them took half the time of a cached load (0.52 s against 0.27 s here)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _network_and_saver(root: Path, shown_root: str, cache: Path, racy_ns: int,
                       services: Sequence[str] | None) -> tuple[Network, Callable[[], None]]:  # fmt: skip
    checked, save = _checks(root, shown_root, cache, racy_ns, services)
    if checked is None:
        return load_network(root, shown_root, services), _nothing  # a file went away meanwhile: the full check says so
    network, problems = assemble(checked.values(), root)  # what spans files is checked every time, as check_stations does
    if network is None:
        raise CheckFailed(problems)
    return network, save


def cached_checks(root: Path, shown_root: str, cache: Path, racy_ns: int = RACY_NS,
                  services: Sequence[str] | None = None) -> tuple[dict[Path, FileCheck], Callable[[], None]]:  # fmt: skip
    """Each station file's own check (from the cache where the file did not change), and a function that saves the cache."""
    with _collector_paused():
        checked, save = _checks(root, shown_root, cache, racy_ns, services)
    if checked is None:
        from .check import station_files

        shown = os.path.join(shown_root, "")
        return {p: check_file(p, shown + os.path.relpath(p, root), services=services) for p in station_files(root)}, _nothing
    return {root / rel: fc for rel, fc in checked.items()}, save


def _checks(root: Path, shown_root: str, cache: Path, racy_ns: int,
            services: Sequence[str] | None) -> tuple[dict[str, FileCheck] | None, Callable[[], None]]:  # fmt: skip
    key = cache_key(services)
    entries = _read(cache, key)
    keep: dict[str, Entry] = {}
    checked: dict[str, FileCheck] = {}
    changed = False
    shown_prefix, root_prefix = os.path.join(shown_root, ""), os.path.join(root, "")
    for rel in _relative_files(root):
        shown = shown_prefix + rel  # os.path.join(shown_root, rel), as check_stations shows it
        try:
            stat = _stat_key(os.stat(root_prefix + rel))
        except OSError:
            return None, _nothing
        entry = entries.get(rel)
        if entry is None or entry[0] != stat or entry[1] != shown:
            changed = True
            entry = (stat, shown, _pack(check_file(root / rel, shown, services=services)))
        checked[rel] = _unpack(shown, entry[2])
        if time.time_ns() - max(stat[1], stat[2]) >= racy_ns:
            keep[rel] = entry
    if changed or keep.keys() != entries.keys():
        return checked, lambda: _write(cache, key, keep)
    return checked, _nothing


def _relative_files(root: Path) -> list[str]:
    """The paths of `check.station_files(root)` relative to `root`, as strings (the same walk, without Path objects)."""
    out: list[str] = []
    top = str(root)
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        rel = dirpath[len(top) + 1 :]
        out.extend(os.path.join(rel, f) if rel else f for f in sorted(filenames) if f.endswith((".yml", ".yaml")))
    return out
