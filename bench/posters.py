"""Benchmark: `yizhan posters` against a straightforward single-process reportlab + qrcode loop.

Run with `make bench` (or `python3 bench/posters.py [--sizes 1000,10000] [--before DIR [--reps 2]]`).

For each size N it generates a synthetic province (`yizhan demo-data --count N`) into
build/bench/posters-nN/ next to copies of the project's mkdocs.yml and content/, then times, as
child processes (wall time, CPU time of the whole process tree, peak RSS of the largest process and
of the whole tree, sampled from /proc every 0.1 s):

* batch:     `yizhan posters` from an empty output folder (every poster drawn, process pool);
* baseline:  this file with --baseline: one process, the same stations, URLs, layout and outputs
             (a PDF per station, one per city, one for everything), written the obvious way: for
             each station a fresh qrcode.QRCode, every dark module drawn as its own rectangle, the
             page drawn three times (station, city and all-station canvases);
* rebuild:   `yizhan posters` again after one station file changed (one poster redrawn, its city
             PDF and all.pdf reassembled from the cache);
* no change: `yizhan posters` again with nothing changed;
* check:     `yizhan check` of the same stations (the fixed cost of reading 10,000 YAML files that
             every run pays).

Bytes: per-station PDFs (mean, max), all.pdf per page, and how many embedded font objects all.pdf
has (pdffonts). Targets (issue 4, tightened by issue 13 with a CFF font such as Noto Sans CJK, which is what
fontconfig puts first once fonts-noto-cjk is installed): batch <= 0.5 x baseline wall time; rebuild <= 5% of the batch;
<= 60 KB per poster with the font embedded once per PDF. Results also go to build/bench/posters.json.

With --before DIR (an earlier yizhan's sources, e.g. `git worktree add /tmp/before 0599142`, run with
PYTHONPATH=DIR, never modified) it then runs, --reps times, alternating this code ("new") and that one on
the same stations: `yizhan posters` into a fresh folder of each (cmp-new/, cmp-before/), one station
changed, and a rebuild of each; it reports new / before (best wall and CPU) and how many PDFs are
byte-identical.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import benchlib

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "build" / "bench"
OWNED = ".posters-bench"  # marks folders this benchmark created (the only ones it deletes)
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1")
PY = sys.executable


def fresh_dir(path: Path) -> Path:
    """An empty folder made (and marked) by this benchmark; refuses to delete anything else."""
    return benchlib.fresh_dir(path, OWNED, "bench/posters.py")


def _tree_rss(root: int) -> int:
    """Sum of VmRSS (KiB) of `root` and its descendants."""
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/status", encoding="ascii", errors="replace") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
            parent[int(d)] = int(fields["PPid"])
            rss[int(d)] = int(fields.get("VmRSS", "0 kB").split()[0])
        except (OSError, KeyError, ValueError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(p for p, pp in parent.items() if pp == pid)
    return total


def run_timed(cmd: list[str], cwd: Path, env: dict[str, str] = ENV) -> dict[str, Any]:
    """Run a child; wall, CPU (its whole tree), peak RSS of its largest process and of the tree (MB)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.1):
                peak[0] = max(peak[0], _tree_rss(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)  # usage covers the child and the pool workers it waited for
        done.set()
        sampler.join()
        wall = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"command failed (exit {proc.returncode}) in {cwd}: {' '.join(cmd)}\n{text[-3000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return {"wall": wall, "cpu": cpu, "rss_mb": usage.ru_maxrss / 1024, "tree_mb": peak[0] / 1024, "stdout": text.strip()}


def baseline(project: Path, out: Path) -> None:
    """The straightforward loop (see the module docstring); run in its own process by --baseline."""
    import qrcode
    from reportlab.pdfgen.canvas import Canvas

    from yizhan import config
    from yizhan.posters import layout as poster_layout
    from yizhan.posters import fonts as poster_fonts
    from yizhan.posters.combined import ASCII, STATIC_TEXT
    from yizhan.posters.settings import poster_contents
    from yizhan.stations.check import load_network
    from yizhan.stations.regions import unique_slugs

    settings = config.load(project)
    network = load_network(project / "stations", "stations")
    contents = poster_contents(network, settings)
    # reportlab embeds TrueType only: the loop needs the same fonts cut and (CFF) converted, and pays for it too
    chars = "".join(dict.fromkeys(ch for text in [ASCII, STATIC_TEXT, *(t for p in contents.values() for t in p.strings())] for ch in text))
    chain = poster_fonts.font_chain(settings.poster_font, project)
    fonts, _ = poster_fonts.prepare_fonts(chain, chars, out / ".fonts")
    fonts.register()
    FONT_NAME = poster_fonts.CURRENT.first
    print("Poster fonts: " + "; ".join(fonts.names), file=sys.stderr)
    current: dict[str, Any] = {}
    poster_layout.cached_runs = lambda text, cache: (current["n"], "")  # the loop draws the modules itself
    out.mkdir(parents=True, exist_ok=True)
    (out / "s").mkdir(exist_ok=True)
    (out / "city").mkdir(exist_ok=True)
    size = (poster_layout.W, poster_layout.H)
    everything = Canvas(str(out / "all.pdf"), pagesize=size, pageCompression=1, initialFontName=FONT_NAME)
    slugs = unique_slugs(list(network.by_city()))
    cities = {
        c: Canvas(str(out / "city" / f"{s}.pdf"), pagesize=size, pageCompression=1, initialFontName=FONT_NAME) for c, s in slugs.items()
    }
    for sid, p in contents.items():
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=0)
        code.add_data(p.qr)
        code.make(fit=True)
        modules = code.modules
        current["n"] = len(modules)
        ops = poster_layout.layout(p, None)
        one = Canvas(str(out / "s" / f"{sid}.pdf"), pagesize=size, pageCompression=1, initialFontName=FONT_NAME)
        for c in (one, cities[network.stations[sid].region.city], everything):
            for op in ops:
                if op[0] != "lit":
                    poster_layout.draw_op(c, op)
                    continue
                m = re.match(r"q ([\d.]+) 0 0 \S+ ([\d.]+) ([\d.]+) cm", op[1])
                assert m
                unit, x0, y0 = float(m[1]), float(m[2]), float(m[3])
                c.setFillColorRGB(0, 0, 0)
                n = len(modules)
                for r, row in enumerate(modules):
                    for col, dark in enumerate(row):
                        if dark:
                            c.rect(x0 + col * unit, y0 + (n - 1 - r) * unit, unit, unit, stroke=0, fill=1)
            c.showPage()
        one.save()
    for c in cities.values():
        c.save()
    everything.save()



def pdf_bytes(out: Path, n: int) -> dict[str, Any]:
    """Sizes of what a run produced, and the number of embedded fonts in all.pdf."""
    station = [p.stat().st_size for p in (out / "s").glob("*.pdf")]
    rows = subprocess.run(["pdffonts", str(out / "all.pdf")], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return {
        "station_mean_kb": sum(station) / len(station) / 1000,
        "station_max_kb": max(station) / 1000,
        "all_per_poster_kb": (out / "all.pdf").stat().st_size / n / 1000,
        "cities_per_poster_kb": sum(p.stat().st_size for p in (out / "city").glob("*.pdf")) / n / 1000,
        "all_fonts": len(rows),
        "all_fonts_embedded": all(r.split()[3] == "yes" for r in rows),
    }


def bench(n: int, before: dict[str, str] | None = None, reps: int = 2) -> dict[str, Any]:
    work = fresh_dir(BENCH / f"posters-n{n}")
    shutil.copy2(ROOT / "mkdocs.yml", work / "mkdocs.yml")
    shutil.copytree(ROOT / "content", work / "content")
    subprocess.run([PY, "-m", "yizhan.cli", "demo-data", "--count", str(n), "--out", "stations"], cwd=work, env=ENV, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    res: dict[str, Any] = {"n": n, "cpus": os.cpu_count(), "load_before": os.getloadavg()[0]}
    res["check"] = run_timed([PY, "-m", "yizhan.cli", "check"], work)
    res["batch"] = run_timed([PY, "-m", "yizhan.cli", "posters", "--out", "out"], work)
    res["baseline"] = run_timed([PY, str(Path(__file__).resolve()), "--baseline", str(work), str(work / "baseline")], work)
    station = sorted((work / "stations").rglob("*.yml"))[n // 2]
    change_address(station, "（新址）")
    res["rebuild"] = run_timed([PY, "-m", "yizhan.cli", "posters", "--out", "out"], work)
    assert "(1 drawn," in res["rebuild"]["stdout"], res["rebuild"]["stdout"]
    res["nochange"] = run_timed([PY, "-m", "yizhan.cli", "posters", "--out", "out"], work)
    res["bytes"] = pdf_bytes(work / "out", n)
    res["baseline_bytes"] = pdf_bytes(work / "baseline", n)
    if before is not None:
        res["vs_before"] = compare(work, station, before, reps)
    res["load_after"] = os.getloadavg()[0]
    return res


def change_address(station: Path, suffix: str) -> None:
    """Append `suffix` to the station file's address: its poster changes, nothing else."""
    text = station.read_text(encoding="utf-8")
    station.write_text(re.sub(r"(?m)^address: (.*)$", rf"address: \g<1>{suffix}", text, count=1), encoding="utf-8")


def compare(work: Path, station: Path, before: dict[str, str], reps: int) -> dict[str, Any]:
    """`yizhan posters` of this code ("new") and of the --before code, alternating, on the same stations: a batch into
    a fresh folder each (cmp-new/, cmp-before/), then one station changed and a rebuild of each. Best of `reps`."""
    envs = {"new": ENV, "before": before}
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {k: {"batch": [], "rebuild": []} for k in envs}
    for rep in range(reps):
        order = list(envs) if rep % 2 == 0 else list(reversed(envs))
        for which in order:
            out = work / f"cmp-{which}"
            if out.exists():
                shutil.rmtree(out)  # not timed
            r = run_timed([PY, "-m", "yizhan.cli", "posters", "--out", out.name], work, envs[which])
            assert " 0 from cache)" in r["stdout"], r["stdout"]
            runs[which]["batch"].append(r)
            print(f"   rep {rep + 1}/{reps} batch   {which:6}: wall {r['wall']:6.1f} s  CPU {r['cpu']:6.1f} s", flush=True)
        change_address(station, f"（{rep + 2}）")  # each folder is now one station behind
        for which in order:
            r = run_timed([PY, "-m", "yizhan.cli", "posters", "--out", f"cmp-{which}"], work, envs[which])
            assert "(1 drawn," in r["stdout"], r["stdout"]
            runs[which]["rebuild"].append(r)
            print(f"   rep {rep + 1}/{reps} rebuild {which:6}: wall {r['wall']:6.1f} s  CPU {r['cpu']:6.1f} s", flush=True)
    res: dict[str, Any] = {}
    for kind in ("batch", "rebuild"):
        best = {k: {"wall": min(r["wall"] for r in runs[k][kind]), "cpu": min(r["cpu"] for r in runs[k][kind])} for k in envs}
        res[kind] = {**best, "ratio_wall": best["new"]["wall"] / best["before"]["wall"], "ratio_cpu": best["new"]["cpu"] / best["before"]["cpu"],
                     "runs": {k: [{"wall": r["wall"], "cpu": r["cpu"]} for r in runs[k][kind]] for k in envs}}  # fmt: skip
    same = [p.relative_to(work / "cmp-new").as_posix() for p in (work / "cmp-new").rglob("*.pdf")]
    res["identical_pdfs"] = sum(1 for rel in same if (work / "cmp-before" / rel).is_file()
                                and (work / "cmp-before" / rel).read_bytes() == (work / "cmp-new" / rel).read_bytes())  # fmt: skip
    res["pdfs"] = len(same)
    return res


def report(results: list[dict[str, Any]]) -> bool:
    ok = True
    print(f"{'N':>6} {'run':<10} {'wall s':>8} {'CPU s':>8} {'max proc MB':>12} {'tree MB':>8}")
    for r in results:
        for key in ("batch", "baseline", "rebuild", "nochange", "check"):
            m = r[key]
            print(f"{r['n']:>6} {key:<10} {m['wall']:>8.1f} {m['cpu']:>8.1f} {m['rss_mb']:>12.0f} {m['tree_mb']:>8.0f}")
        ratio = r["batch"]["wall"] / r["baseline"]["wall"]
        rebuild = r["rebuild"]["wall"] / r["batch"]["wall"]
        b = r["bytes"]
        print(f"  batch/baseline = {ratio:.2f} (target <= 0.5): {'PASS' if ratio <= 0.5 else 'FAIL'}")
        print(f"  rebuild/batch = {rebuild:.1%} (target <= 5%): {'PASS' if rebuild <= 0.05 else 'FAIL'}"
              f"  [rebuild minus `yizhan check`: {(r['rebuild']['wall'] - r['check']['wall']) / r['batch']['wall']:.1%}]")  # fmt: skip
        size_ok = b["station_max_kb"] <= 60 and b["all_per_poster_kb"] <= 60 and b["all_fonts_embedded"]
        print(f"  bytes: station PDF mean {b['station_mean_kb']:.1f} KB, max {b['station_max_kb']:.1f} KB; all.pdf "
              f"{b['all_per_poster_kb']:.1f} KB/poster with {b['all_fonts']} embedded font subsets "
              f"(baseline all.pdf {r['baseline_bytes']['all_per_poster_kb']:.1f} KB/poster): {'PASS' if size_ok else 'FAIL'}")  # fmt: skip
        if "vs_before" in r:
            v = r["vs_before"]
            for kind, label in (("batch", "batch into a fresh folder"), ("rebuild", "rebuild after one station changed")):
                m = v[kind]
                print(f"  new / before, {label}: {m['ratio_wall']:.2f} wall ({m['new']['wall']:.1f} s vs {m['before']['wall']:.1f} s), "
                      f"{m['ratio_cpu']:.2f} CPU ({m['new']['cpu']:.1f} s vs {m['before']['cpu']:.1f} s)")  # fmt: skip
            print(f"  new vs before: {v['identical_pdfs']}/{v['pdfs']} PDFs byte-identical")
        print(f"  load average before/after: {r['load_before']:.1f}/{r['load_after']:.1f} on {r['cpus']} CPUs")
        ok = ok and ratio <= 0.5 and rebuild <= 0.05 and size_ok
    return ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--before", metavar="DIR", type=Path,
                    help="also run `yizhan posters` (batch, then one-station rebuild) of an earlier yizhan's sources in DIR "
                         "(e.g. `git worktree add /tmp/before <commit>`), alternating with this code, and report new / before")  # fmt: skip
    ap.add_argument("--reps", type=int, default=2, help="repetitions of the --before comparison (default: 2)")
    ap.add_argument("--baseline", nargs=2, metavar=("PROJECT", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.baseline:
        baseline(Path(args.baseline[0]), Path(args.baseline[1]))
        return
    before = None
    if args.before is not None:
        before = benchlib.before_env(args.before, BENCH / "before-meta-posters", ENV)
        print(f"before: yizhan from {args.before.resolve()} at {benchlib.commit_of(args.before)}; "
              f"new: {benchlib.commit_of(ROOT)}", flush=True)  # fmt: skip
    results = [bench(int(n), before, args.reps) for n in args.sizes.split(",")]
    for r in results:
        r["commit"] = benchlib.commit_of(ROOT)
        if args.before is not None:
            r["before_commit"] = benchlib.commit_of(args.before)
    BENCH.mkdir(parents=True, exist_ok=True)
    (BENCH / "posters.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    sys.exit(0 if report(results) else 1)


if __name__ == "__main__":
    main()
