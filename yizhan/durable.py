"""File writes shared by every part of yizhan: fsynced appends and atomic replaces for data, atomic replaces for
regenerable files, and the folders yizhan owns."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # Windows: byte-range locks from the C runtime instead of flock
    fcntl = None  # type: ignore[assignment]
    import msvcrt

BINARY = getattr(os, "O_BINARY", 0)  # Windows opens low-level files in text mode (\n -> \r\n) without it
WINDOWS = os.name == "nt"


def lock(fd: int, wait: bool = True) -> bool:
    """Take the exclusive lock of an open lock file (flock; on Windows a one-byte msvcrt lock); False when busy and not waiting."""
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return False
        return True
    while True:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            if not wait:
                return False
            time.sleep(0.01)


def unlock(fd: int) -> None:
    """Release a lock taken with lock() (closing the file releases it too)."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
    else:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def fsync_dir(path: Path) -> None:
    """Make new or renamed entries of a directory durable (Windows cannot open a directory; NTFS journals renames)."""
    if WINDOWS:
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_write(path: Path) -> Iterator[BinaryIO]:
    """A binary file (0600) that replaces `path` only once it is written and fsynced; the directory is fsynced too.

    On any error (in the with-block or in writing) the temporary file is removed and `path` stays as it was.
    """
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | BINARY, 0o600)
    try:
        with open(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path to write, renamed over `path` when the with-block ends well and removed when it fails.

    For files that can always be made again (generated pages, posters, caches): not fsynced, and named for the
    process and thread, so that parallel writers of one path never share a temporary file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def replace_file(path: Path, data: bytes) -> None:
    """Replace `path` by `data` atomically and durably."""
    with atomic_write(path) as f:
        f.write(data)


def write_all(fd: int, data: bytes) -> None:
    """Write every byte (os.write may write fewer than asked)."""
    written = os.write(fd, data)
    while written < len(data):
        written += os.write(fd, data[written:])


def append_durably(path: Path, data: bytes) -> None:
    """Append bytes to a file (created 0600) and fsync it (and its directory when the file is new)."""
    new = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | BINARY, 0o600)
    try:
        write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    if new:
        fsync_dir(path.parent)


MARKER = ".yizhan-site"  # in a folder yizhan made and may replace (build/site)


def owned(folder: Path, marker: str = MARKER) -> bool:
    """Whether `folder` is missing, empty or one yizhan made (it holds `marker`): the only kind yizhan writes into.

    The temporary files of `replacing` do not count, so a folder another yizhan run is just starting to write is empty.
    """
    if not folder.exists():
        return True
    if not folder.is_dir():
        return False
    return (folder / marker).exists() or not any(f for f in os.listdir(folder) if not (f.startswith(".") and f.endswith(".tmp")))
