"""The generated tree on disk, written incrementally: only changed files are written (each one atomically, so an
engine's watcher never reads half a file), unchanged ones keep their mtime, and files yizhan wrote before and no
longer makes are removed. Nothing else in the folder is touched."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from yizhan.durable import owned, replacing
from yizhan.errors import YizhanError
from yizhan.i18n import _

MANIFEST = ".yizhan-tree.json"  # the files yizhan wrote here: the only ones it ever removes


@dataclass
class Changes:
    """What one write of the tree did."""

    written: list[str]
    removed: list[str]
    unchanged: int


def _write(path: Path, data: bytes) -> None:
    """Replace `path` by `data` through a temporary file and a rename (not fsynced: the tree can always be made again)."""
    with replacing(path) as tmp:
        tmp.write_bytes(data)


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def write_tree(folder: Path, files: dict[str, bytes]) -> Changes:
    """Make `folder` hold exactly `files` (among the files yizhan manages there)."""
    if not owned(folder, MANIFEST):
        raise YizhanError(_("{folder} exists and was not made by yizhan: refusing to write the pages there (choose another --out)")
                          .format(folder=folder))
    try:
        before = set(json.loads((folder / MANIFEST).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        before = set()
    written = [rel for rel, data in files.items() if not _same(folder / rel, data)]
    if written or not (folder / MANIFEST).exists():  # listed before written: the folder is marked as yizhan's at once,
        _manifest(folder, before | set(files))  # and a run cut short leaves nothing it wrote unlisted
    for rel in written:
        _write(folder / rel, files[rel])
    removed = sorted(before - set(files))
    for rel in removed:
        (folder / rel).unlink(missing_ok=True)
        for parent in (folder / rel).parents:
            if parent == folder or any(parent.iterdir()):
                break
            parent.rmdir()
    if removed or written:
        _manifest(folder, set(files))
    return Changes(sorted(written), removed, len(files) - len(written))


def _manifest(folder: Path, names: set[str]) -> None:
    _write(folder / MANIFEST, json.dumps(sorted(names), ensure_ascii=False, indent=0).encode("utf-8"))
