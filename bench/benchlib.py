"""Shared by the benchmark scripts (run as `python3 bench/<name>.py`, so this folder is on the import path)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def fresh_dir(path: Path, marker: str, script: str) -> Path:
    """An empty work folder made and marked by `script`; exits rather than delete a folder it did not make."""
    if path.exists():
        if not (path / marker).is_file():
            sys.exit(f"{path} exists and was not made by {script}: remove it yourself or run `make clean`")
        shutil.rmtree(path)
    path.mkdir(parents=True)
    (path / marker).write_text(f"made by {script}; deleted and remade on each run\n", encoding="utf-8")
    return path
