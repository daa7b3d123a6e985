"""`yizhan build` writes the generated tree (build/docs) first: incrementally, touching only what changed."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import copy_project, run_yizhan

STATIONS = ["wuxi/wuxi-center.yml", "wuxi/liangxi/wuxi-liangxi-chongansi.yml", "wuxi/liangxi/wuxi-liangxi-chongansi-huangting.yml",
            "nanjing/nanjing-center.yml"]  # fmt: skip


def stamps(tree: Path) -> dict[str, int]:
    """Every file of the tree and its modification time (ns)."""
    return {p.relative_to(tree).as_posix(): p.stat().st_mtime_ns for p in tree.rglob("*") if p.is_file()}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = copy_project(tmp_path / "p", STATIONS)
    result = run_yizhan(project, "build", "--no-posters")
    assert result.returncode == 0, result.stdout + result.stderr
    return project


def test_the_tree_holds_every_page_an_engine_needs(project: Path) -> None:
    tree = project / "build" / "docs"
    files = set(stamps(tree))
    assert {"index.md", "about.md", "finder.md", "posters.md", "hotlines.md", "regions/index.md", "s/wuxi-center.md",
            "s/wuxi-liangxi-chongansi.md", "assets/yizhan/yizhan.css", "assets/yizhan/hours.js"} <= files  # fmt: skip
    assert any(f.startswith("assets/yizhan/finder-c0.") for f in files)
    assert "<!-- yizhan:cities -->" not in (tree / "index.md").read_text(encoding="utf-8")  # the city list is filled in
    assert json.loads((tree / ".yizhan-tree.json").read_text(encoding="utf-8")) == sorted(files - {".yizhan-tree.json"})


def test_a_rebuild_with_no_change_writes_nothing(project: Path) -> None:
    tree = project / "build" / "docs"
    before = stamps(tree)
    result = run_yizhan(project, "build", "--no-posters")
    assert result.returncode == 0, result.stderr
    assert stamps(tree) == before  # not one file rewritten: an engine's watcher sees no change


def test_one_edited_station_rewrites_only_what_shows_it(project: Path) -> None:
    tree = project / "build" / "docs"
    before = stamps(tree)
    path = project / "stations" / "wuxi" / "liangxi" / "wuxi-liangxi-chongansi-huangting.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("address: ", "address: 新", 1), encoding="utf-8")
    result = run_yizhan(project, "build", "--no-posters")
    assert result.returncode == 0, result.stderr
    after = stamps(tree)
    changed = {f for f in after if after[f] != before.get(f)}
    gone = set(before) - set(after)
    # its page, its district's page (which lists addresses), the finder's chunk and the finder page that names it
    assert "s/wuxi-liangxi-chongansi-huangting.md" in changed and "s/wuxi-center.md" not in changed
    assert {f for f in changed if not f.startswith("assets/yizhan/finder-")} == {
        "s/wuxi-liangxi-chongansi-huangting.md", "regions/wuxi/liangxi.md", "finder.md", ".yizhan-tree.json"}  # fmt: skip
    assert {f.rsplit(".", 2)[0] for f in gone} == {f.rsplit(".", 2)[0] for f in changed if f.startswith("assets/yizhan/finder-")}


def test_a_removed_station_leaves_the_tree_and_other_files_stay(project: Path) -> None:
    tree = project / "build" / "docs"
    (tree / "notes-of-mine.txt").write_text("not yizhan's\n", encoding="utf-8")
    (project / "stations" / "wuxi" / "liangxi" / "wuxi-liangxi-chongansi-huangting.yml").unlink()
    result = run_yizhan(project, "build", "--no-posters")
    assert result.returncode == 0, result.stderr
    assert not (tree / "s" / "wuxi-liangxi-chongansi-huangting.md").exists()
    assert (tree / "notes-of-mine.txt").read_text(encoding="utf-8") == "not yizhan's\n"  # never made by yizhan: kept


def test_a_folder_yizhan_did_not_make_is_not_written(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p", STATIONS)
    mine = project / "build" / "docs"
    mine.mkdir(parents=True)
    (mine / "index.md").write_text("mine\n", encoding="utf-8")
    result = run_yizhan(project, "build", "--no-posters")
    assert result.returncode == 1
    assert result.stderr == f"{mine} exists and was not made by yizhan: refusing to write the pages there (choose another --out)\n"
    assert (mine / "index.md").read_text(encoding="utf-8") == "mine\n" and not (project / "build" / "site").exists()


def test_plain_mkdocs_builds_the_same_tree(project: Path, tmp_path: Path) -> None:
    """The MkDocs plugin writes the same tree (where mkdocs.yml's `pages` option says) and builds it."""
    import subprocess
    import sys

    from tests.conftest import ENV

    plain = tmp_path / "plain"
    shutil.copytree(project, plain, ignore=shutil.ignore_patterns("build"))
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet"], cwd=plain, env=ENV, capture_output=True,
                         text=True, timeout=120)  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    tree, other = project / "build" / "docs", plain / "build" / "docs"
    assert set(stamps(tree)) == set(stamps(other))
    assert all((tree / f).read_bytes() == (other / f).read_bytes() for f in stamps(tree))
    assert os.path.isfile(plain / "build" / "site" / "s" / "wuxi-center.html")
