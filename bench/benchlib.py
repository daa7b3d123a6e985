"""Shared by the benchmark scripts (run as `python3 bench/<name>.py`, so this folder is on the import path)."""

from __future__ import annotations

import os
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


def before_env(code: Path, meta: Path, env: dict[str, str]) -> dict[str, str]:
    """`env` for running an older yizhan from the source folder `code` (e.g. a `git worktree` of an earlier commit,
    never modified) with `python -m yizhan.cli`: PYTHONPATH puts it before the installed (editable) yizhan.

    MkDocs finds the yizhan plugin through the installed package's entry point, which names the current module
    (yizhan.site.mkdocs_plugin); so `meta` gets a yizhan .dist-info with the entry points of `code`'s own
    pyproject.toml, found before the installed one on the same PYTHONPATH."""
    import subprocess

    import tomllib

    code = code.resolve()
    if not (code / "yizhan" / "__init__.py").is_file() or not (code / "pyproject.toml").is_file():
        sys.exit(f"{code} holds no yizhan sources (expected yizhan/ and pyproject.toml, e.g. `git worktree add {code} <commit>`)")
    project = tomllib.loads((code / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    info = meta / f"yizhan-{project.get('version', '0')}.dist-info"
    if meta.exists():
        shutil.rmtree(meta)
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: yizhan\nVersion: {project.get('version', '0')}\n", encoding="utf-8")
    groups = {"console_scripts": project.get("scripts", {}), **project.get("entry-points", {})}
    (info / "entry_points.txt").write_text(
        "".join(f"[{g}]\n" + "".join(f"{k} = {v}\n" for k, v in eps.items()) + "\n" for g, eps in groups.items()), encoding="utf-8"
    )
    out = dict(env, PYTHONPATH=os.pathsep.join([str(code), str(meta.resolve())]))
    probe = ("import importlib.metadata as m, yizhan; "
             "print(yizhan.__file__); print([e.value for e in m.entry_points(group='mkdocs.plugins') if e.name == 'yizhan'])")  # fmt: skip
    seen = subprocess.run([sys.executable, "-c", probe], env=out, cwd=meta, capture_output=True, text=True, check=True).stdout.split("\n")
    if not seen[0].startswith(str(code)):
        sys.exit(f"PYTHONPATH={out['PYTHONPATH']} still imports yizhan from {seen[0]}")
    return out


def commit_of(folder: Path) -> str:
    """The short git commit of `folder`, with '+changes' when its yizhan/ differs from it."""
    import subprocess

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], check=False, cwd=folder, capture_output=True, text=True).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "?"
    return head + ("+changes" if git("status", "--porcelain", "--", "yizhan") else "")
