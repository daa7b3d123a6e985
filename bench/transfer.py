"""Benchmark: `yizhan export` and `yizhan import` of a 10,000-station province (issue 14).

Run with `make bench` (or `python3 bench/transfer.py [--count 10000] [--reps 3]`). In build/bench/transfer/ it
writes `yizhan demo-data --count N` stations, then times, as child processes (wall and CPU of the whole process):

* export:          `yizhan export stations.xlsx` (and `stations.csv`);
* import, same:    `yizhan import stations.xlsx` into the same stations (every row checked, nothing changes);
* import, new:     `yizhan import stations.xlsx` into an empty stations/ folder (every row checked, N files written);
* import, csv:     `yizhan import stations.csv` into the same stations.

Targets: import of the 10,000-row xlsx <= 10 s, export <= 5 s (best of --reps). Results: build/bench/transfer.json;
exit 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import benchlib

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "build" / "bench" / "transfer"
OWNED = ".transfer-bench"
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1")
PY = sys.executable


def timed(args: list[str], cwd: Path) -> dict[str, Any]:
    start = time.perf_counter()
    before = os.times()
    proc = subprocess.run([PY, "-m", "yizhan.cli", *args], cwd=cwd, env=ENV, capture_output=True, text=True, check=False)
    after = os.times()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"yizhan {' '.join(args)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return {"wall": wall, "cpu": cpu, "stdout": proc.stdout.strip().splitlines()[0]}


def floor(work: Path) -> dict[str, Any]:
    """The floor of an import that creates every file: the same N files written (temporary file, then rename) by a
    plain loop into an emptied folder, timed in the same run (this VM's disk takes 0.4 to 6 s for it)."""
    files = [(p.relative_to(work / "stations"), p.read_bytes()) for p in sorted((work / "stations").rglob("*.yml"))]
    out = work / "floor"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir()
    start = time.perf_counter()
    for rel, data in files:
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    wall = time.perf_counter() - start
    return {"wall": wall, "cpu": wall, "stdout": f"{len(files)} files written"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    work = benchlib.fresh_dir(WORK, OWNED, "bench/transfer.py")
    subprocess.run([PY, "-m", "yizhan.cli", "demo-data", "--count", str(args.count), "--out", "stations"], cwd=work, env=ENV,
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    runs: dict[str, list[dict[str, Any]]] = {"export xlsx": [], "export csv": [], "import xlsx, same": [], "import csv, same": [],
                                             "import xlsx, new": []}  # fmt: skip
    for _ in range(args.reps):
        runs["export xlsx"].append(timed(["export", "stations.xlsx"], work))
        runs["export csv"].append(timed(["export", "stations.csv"], work))
        runs["import xlsx, same"].append(timed(["import", "stations.xlsx"], work))
        runs["import csv, same"].append(timed(["import", "stations.csv"], work))
        runs.setdefault("floor: write files", []).append(floor(work))
        empty = work / "empty"
        if empty.exists():
            shutil.rmtree(empty)
        empty.mkdir()
        runs["import xlsx, new"].append(timed(["import", "stations.xlsx", "--stations", "empty"], work))
    best = {k: min(v, key=lambda r: r["wall"]) for k, v in runs.items()}
    print(f"{'run':<20} {'best wall s':>11} {'CPU s':>7}  all walls        output")
    for k, v in runs.items():
        walls = ", ".join(f"{r['wall']:.2f}" for r in v)
        print(f"{k:<20} {best[k]['wall']:>11.2f} {best[k]['cpu']:>7.2f}  {walls:<16} {best[k]['stdout']}")
    ok_import = best["import xlsx, same"]["wall"] <= 10 and best["import xlsx, new"]["wall"] <= 10
    ok_export = best["export xlsx"]["wall"] <= 5
    print(f"import of {args.count:,} rows <= 10 s: {'PASS' if ok_import else 'FAIL'}; export <= 5 s: {'PASS' if ok_export else 'FAIL'}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    (ROOT / "build" / "bench" / "transfer.json").write_text(json.dumps({"count": args.count, "runs": runs}, indent=1), encoding="utf-8")
    sys.exit(0 if ok_import and ok_export else 1)


if __name__ == "__main__":
    main()
