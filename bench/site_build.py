"""Benchmark: `yizhan build` against a bare `mkdocs build` of the same generated pages.

Run with `make bench` (or `python3 bench/site_build.py [--sizes 1000,10000] [--reps 2] [--before DIR]`).

For each size N it generates a synthetic province of N stations (`yizhan demo-data`) into
build/bench/nN/, then times, as child processes:

* yizhan:  `yizhan build --no-posters --stations stations --out out` next to a copy of the project's
           mkdocs.yml and content/ (checks, the generated tree written to out/docs, the MkDocs build of
           it, the policy, service worker and marker, the site swap); out/ is deleted before every run,
           so the tree is written afresh each time;
* bare:    `python -m mkdocs build` of the very same tree with no yizhan code running: the tree is made
           once, untimed, by the same calls `yizhan build` makes (yizhan.site.generate.generate() of the
           checked stations with no posters, yizhan.site.tree.write_tree() into bare/docs); its mkdocs.yml
           is the project's minus the yizhan plugin, with what add_theme() adds (the site's CSS and scripts
           in extra_css/extra_javascript, the finder's template folder as theme custom_dir);
* before (with --before DIR): `yizhan build --no-posters` of an earlier yizhan's sources in DIR (e.g.
           `git worktree add /tmp/before 0599142`), run with PYTHONPATH=DIR, into out-before/.

Both must produce the same set of HTML pages (asserted); the report also says whether the two
trees (out/docs, bare/docs) are the same, how many pages are byte-identical (yizhan adds each
page's Content-Security-Policy <meta>, so as a rule none) and how many once that <meta> is taken
out, and whether the search indexes hold the same entries.

Wall time is measured around the child, CPU time (user + system) from getrusage(RUSAGE_CHILDREN)
deltas, peak RSS from the child's own rusage (os.wait4). Each measurement is repeated --reps
times, alternating the builds, and the best is kept. Results go to the terminal and to
build/bench/site_build.json. Exit status 1 when a target is missed.

Targets (from the issue): t(yizhan) <= 1.3 x t(bare) at every size, and
t(10k)/t(1k) <= 11 (in general: <= 1.1 x the size ratio of the largest to the smallest size).
With --before, new / before is reported (no target; issue 12: the restructured code is no slower).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import benchlib
import yaml

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "build" / "bench"
OWNED = ".site-build-bench"  # marks folders this benchmark created (the only ones it deletes)
RATIO_TARGET = 1.3
SCALING_SLACK = 1.1  # t(big)/t(small) <= 1.1 x big/small, i.e. 11 for 10k vs 1k
BUSY = 0.9  # a single-threaded build that gets less than 90% of a CPU was competing with something else
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1")


# ---------------------------------------------------------------------------------------------
# Work folders


def fresh_dir(path: Path) -> Path:
    """An empty folder made (and marked) by this benchmark; refuses to delete anything else."""
    return benchlib.fresh_dir(path, OWNED, "bench/site_build.py")


def clear_output(path: Path) -> None:
    """Remove a previous build output inside a benchmark work folder (not timed)."""
    if path.exists():
        shutil.rmtree(path)


# ---------------------------------------------------------------------------------------------
# Timing children


def run_timed(cmd: list[str], cwd: Path, log: Path, env: dict[str, str] = ENV) -> dict[str, float]:
    """Run `cmd` as a child; its wall time, CPU time (user+sys) and peak RSS (MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        sys.exit(f"command failed (exit {proc.returncode}) in {cwd}: {' '.join(cmd)}\n{tail}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "rss_mb": usage.ru_maxrss / 1024}  # Linux: ru_maxrss in KiB


def warnings_in(log: Path) -> int:
    """How many WARNING/ERROR lines a build printed."""
    text = log.read_text(encoding="utf-8", errors="replace")
    return sum(1 for line in text.splitlines() if line.startswith(("WARNING", "ERROR")))


# ---------------------------------------------------------------------------------------------
# Preparing the two projects


class _Tagged:
    """A YAML value with an application tag (`!ENV`, `!!python/name:…`), kept as written."""

    def __init__(self, tag: str, node: yaml.Node) -> None:
        self.tag, self.node = tag, node


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


_Loader.add_multi_constructor("!", lambda loader, suffix, node: _Tagged("!" + suffix, node))
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: _Tagged("tag:yaml.org,2002:python/" + suffix, node))
_Dumper.add_representer(_Tagged, lambda dumper, value: value.node)
_Dumper.add_representer(str, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None))


def bare_config(work: Path) -> dict[str, Any]:
    """The project's mkdocs.yml as a bare MkDocs project over the generated tree: without the yizhan plugin, with
    what `add_theme` adds in `yizhan build` (the site's CSS and scripts first, the finder's template folder as
    `theme: custom_dir`), docs_dir `docs` and site_dir `site`."""
    from types import SimpleNamespace

    from yizhan.site.generate import THEME_DIR
    from yizhan.site.mkdocs_plugin import add_theme

    raw = yaml.load((work / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)  # a SafeLoader that keeps tags
    plugins = raw.get("plugins") or []
    kept = [p for p in plugins if not (p == "yizhan" or (isinstance(p, dict) and "yizhan" in p))]
    if len(kept) == len(plugins):
        sys.exit("mkdocs.yml does not enable the yizhan plugin")
    raw["plugins"] = kept
    cfg = SimpleNamespace(extra_css=list(raw.get("extra_css") or []), extra_javascript=list(raw.get("extra_javascript") or []),
                          theme=SimpleNamespace(dirs=[]))  # fmt: skip
    add_theme(cfg)  # the very function `yizhan build` applies to the loaded config
    if cfg.theme.dirs != [str(THEME_DIR)]:
        sys.exit(f"add_theme added theme folders {cfg.theme.dirs}; this benchmark expects only {THEME_DIR}")
    raw["extra_css"], raw["extra_javascript"] = cfg.extra_css, cfg.extra_javascript
    theme = raw.get("theme") or "mkdocs"
    theme = {"name": theme} if isinstance(theme, str) else dict(theme)
    if theme.get("custom_dir"):
        sys.exit("mkdocs.yml has a theme custom_dir: this benchmark cannot add the finder's template folder to it")
    theme["custom_dir"] = str(THEME_DIR)  # searched before the theme's own: it only adds yizhan-finder.html
    raw["theme"] = theme
    raw["docs_dir"], raw["site_dir"] = "docs", "site"
    return raw


def bare_tree(work: Path, docs: Path) -> int:
    """Write the tree `yizhan build --no-posters` generates for the stations in `work` to `docs`; how many files.

    The same calls as yizhan.site.build.build_site: the checked network, the settings of work/mkdocs.yml, generate()
    with no posters (work/build/posters does not exist, so the build's load_index finds none either), write_tree()."""
    from yizhan import config
    from yizhan.site.generate import generate
    from yizhan.site.tree import write_tree
    from yizhan.stations.check import load_network

    network = load_network(work / "stations", "stations")
    tree = generate(config.load(work), network, None)
    write_tree(docs, tree.files)
    return len(tree.files)


def prepare(n: int, work: Path) -> dict[str, Any]:
    """Generate N stations and lay out the yizhan project and the bare MkDocs project."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "yizhan.cli", "demo-data", "--count", str(n), "--out", str(work / "stations")],
                   check=True, env=ENV, stdout=subprocess.DEVNULL)  # fmt: skip
    gen_s = time.perf_counter() - t0

    # The yizhan project: the project's own mkdocs.yml and content/, and the generated stations.
    shutil.copy2(ROOT / "mkdocs.yml", work / "mkdocs.yml")
    shutil.copytree(ROOT / "content", work / "content")
    if (work / "build" / "posters").exists():
        sys.exit(f"{work}/build/posters exists: the yizhan build would link its posters and the bare one not")

    # The bare project: the same config without the yizhan plugin, over the tree generate() makes (untimed).
    bare = work / "bare"
    bare.mkdir()
    raw = bare_config(work)
    (bare / "mkdocs.yml").write_text(yaml.dump(raw, Dumper=_Dumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
    t0 = time.perf_counter()
    files = bare_tree(work, bare / "docs")
    return {"generate_s": gen_s, "tree_files": files, "tree_s": time.perf_counter() - t0, "bare_site": bare / "site"}


# ---------------------------------------------------------------------------------------------
# Measuring


def html_pages(site: Path) -> set[str]:
    """Every HTML page of a built site, relative to it."""
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def all_files(site: Path) -> set[str]:
    """Every file of a built site except yizhan's ownership marker."""
    from yizhan.durable import MARKER

    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and p.name != MARKER}


def size_mb(site: Path) -> float:
    return sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 1e6


_POLICY = re.compile(rb'<meta http-equiv="Content-Security-Policy" content="[^"]*">')  # what finish_site adds to a page


def same_html(a: Path, b: Path, pages: set[str]) -> tuple[int, int]:
    """How many of `pages` are byte-identical in both sites, and how many once the policy <meta> is taken out."""
    same = same_stripped = 0
    for p in pages:
        x, y = (a / p).read_bytes(), (b / p).read_bytes()
        same += x == y
        same_stripped += _POLICY.sub(b"", x) == _POLICY.sub(b"", y)
    return same, same_stripped


def same_tree(a: Path, b: Path) -> bool:
    """Whether two written trees hold the same files with the same bytes."""
    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    return files(a) == files(b)


def same_search_index(a: Path, b: Path) -> bool:
    """Whether both search indexes hold the same entries (their order follows MkDocs' file order)."""
    def entries(site: Path) -> tuple[Any, list[str]]:
        data = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
        return data.get("config"), sorted(json.dumps(d, sort_keys=True, ensure_ascii=False) for d in data.get("docs", []))

    return entries(a) == entries(b)


def best(runs: list[dict[str, float]]) -> dict[str, float]:
    """The best wall and CPU times over the repetitions, the CPU share of the fastest run, the highest peak RSS."""
    fastest = min(runs, key=lambda r: r["wall"])
    return {"wall": fastest["wall"], "cpu": min(r["cpu"] for r in runs), "cpu_share": fastest["cpu"] / fastest["wall"],
            "rss_mb": max(r["rss_mb"] for r in runs), "runs": [dict(r) for r in runs]}  # type: ignore[dict-item]  # fmt: skip


def measure(n: int, reps: int, before: dict[str, str] | None) -> dict[str, Any]:
    """Time the builds of N stations, alternating (yizhan, bare[, before]), then compare what they built."""
    work = fresh_dir(BENCH / f"n{n}")
    load_before = os.getloadavg()[0]
    print(f"\n== N = {n}: preparing {work.relative_to(ROOT)} …", flush=True)
    prep = prepare(n, work)
    print(f"   {n} stations generated in {prep['generate_s']:.1f} s; bare tree of {prep['tree_files']} files generated and "
          f"written in {prep['tree_s']:.1f} s (untimed)", flush=True)  # fmt: skip
    bare_dir, bare_site = work / "bare", prep["bare_site"]
    # posters: bench/posters.py; --no-posters also keeps both sides' pages the same (no poster links)
    build = [sys.executable, "-m", "yizhan.cli", "build", "--no-posters", "--stations", "stations", "--out"]
    cmds = {"yizhan": (build + ["out"], work, work / "out", ENV), "bare": ([sys.executable, "-m", "mkdocs", "build", "-f", "mkdocs.yml"], bare_dir, bare_site, ENV)}  # fmt: skip
    if before is not None:
        cmds["before"] = (build + ["out-before"], work, work / "out-before", before)
    # yizhan build as staff run it again and again: out-warm/docs (the tree) stays, only out-warm/site is cleared
    cmds["rebuild"] = (build + ["out-warm"], work, work / "out-warm" / "site", ENV)
    run_timed(build + ["out-warm"], work, work / "rebuild-prime.log", ENV)  # untimed: the tree is in place from here on
    runs: dict[str, list[dict[str, float]]] = {k: [] for k in cmds}
    for rep in range(reps):
        order = list(cmds) if rep % 2 == 0 else list(reversed(cmds))
        for which in order:
            cmd, cwd, output, env = cmds[which]
            clear_output(output)  # yizhan: out/ whole, so the tree in out/docs is written afresh too
            r = run_timed(cmd, cwd, work / f"{which}-{rep}.log", env)
            runs[which].append(r)
            print(f"   rep {rep + 1}/{reps} {which:6}: wall {r['wall']:7.2f} s  CPU {r['cpu']:7.2f} s  peak RSS {r['rss_mb']:6.0f} MB", flush=True)
    site = work / "out" / "site"
    pages, bare_pages = html_pages(site), html_pages(bare_site)
    assert len(pages) == len(bare_pages), f"yizhan built {len(pages)} HTML pages, bare mkdocs {len(bare_pages)}"
    assert pages == bare_pages, f"different pages: {sorted(pages ^ bare_pages)[:10]}"
    identical, identical_stripped = same_html(site, bare_site, pages)
    y, b = best(runs["yizhan"]), best(runs["bare"])
    result = {
        "n": n,
        "pages": len(pages),
        "same_tree": same_tree(work / "out" / "docs", bare_dir / "docs"),
        "identical_html": identical,
        "identical_html_without_policy": identical_stripped,
        "same_search_index": same_search_index(site, bare_site),
        "only_in_yizhan_site": sorted(all_files(site) - all_files(bare_site))[:20],  # e.g. sw.js from finish_site
        "only_in_bare_site": sorted(all_files(bare_site) - all_files(site))[:20],
        "site_mb": size_mb(site),
        "bare_site_mb": size_mb(bare_site),
        "yizhan": y,
        "bare": b,
        "ratio": y["wall"] / b["wall"],
        "ratio_cpu": y["cpu"] / b["cpu"],
        "yizhan_ms_per_page": 1000 * y["wall"] / len(pages),
        "bare_ms_per_page": 1000 * b["wall"] / len(pages),
        "warnings": {k: warnings_in(work / f"{k}-0.log") for k in cmds},
        "loadavg_1min": {"before": load_before, "after": os.getloadavg()[0]},
    }
    if before is not None:
        old_site = work / "out-before" / "site"
        old_pages = html_pages(old_site)
        o = best(runs["before"])
        result.update({
            "before": o,
            "new_vs_before": y["wall"] / o["wall"],
            "new_vs_before_cpu": y["cpu"] / o["cpu"],
            "before_pages": len(old_pages),
            "before_same_pages": old_pages == pages,
            "before_identical_html_without_policy": same_html(site, old_site, pages & old_pages)[1],
            "rebuild_vs_before": best(runs["rebuild"])["wall"] / o["wall"],
        })  # fmt: skip
    result["rebuild"] = best(runs["rebuild"])
    return result


# ---------------------------------------------------------------------------------------------
# Reporting


def versions() -> dict[str, str]:
    from importlib.metadata import version

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "?")  # fmt: skip
    return {"python": platform.python_version(), "mkdocs": version("mkdocs"), "mkdocs-material": version("mkdocs-material"),
            "yizhan": version("yizhan"), "cpu": cpu, "nproc": str(os.cpu_count()), "commit": commit()}  # fmt: skip


def commit() -> str:
    """The git commit measured, with '+changes' when yizhan/, content/ or mkdocs.yml differ from it."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], check=False, cwd=ROOT, capture_output=True, text=True).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "?"
    return head + ("+changes" if git("status", "--porcelain", "--", "yizhan", "content", "mkdocs.yml") else "")


def report(results: list[dict[str, Any]]) -> tuple[list[str], bool]:
    head = (f"{'N':>6} | {'yizhan build s (wall / CPU)':>27} | {'bare mkdocs s (wall / CPU)':>26} | {'ratio':>5} | "
            f"{'pages':>6} | {'site MB':>7} | {'ms/page yz / bare':>17} | {'peak RSS MB':>11}")  # fmt: skip
    lines = [head, "-" * len(head)]
    for r in results:
        y, b = r["yizhan"], r["bare"]
        lines.append(f"{r['n']:>6} | {y['wall']:>12.2f} / {y['cpu']:>12.2f} | {b['wall']:>11.2f} / {b['cpu']:>12.2f} | "
                     f"{r['ratio']:>5.2f} | {r['pages']:>6} | {r['site_mb']:>7.1f} | "
                     f"{r['yizhan_ms_per_page']:>7.1f} / {r['bare_ms_per_page']:>7.1f} | {y['rss_mb']:>11.0f}")  # fmt: skip
    ok = True
    lines.append("")
    for r in results:
        passed = r["ratio"] <= RATIO_TARGET
        ok &= passed
        lines.append(f"{'PASS' if passed else 'FAIL'}  N={r['n']}: yizhan / bare = {r['ratio']:.2f} (target <= {RATIO_TARGET}; CPU ratio {r['ratio_cpu']:.2f})")
    if len(results) >= 2:
        small, big = results[0], results[-1]
        limit = SCALING_SLACK * big["n"] / small["n"]
        ty = big["yizhan"]["wall"] / small["yizhan"]["wall"]
        tb = big["bare"]["wall"] / small["bare"]["wall"]
        passed = ty <= limit
        ok &= passed
        lines.append(f"{'PASS' if passed else 'FAIL'}  t({big['n']})/t({small['n']}) yizhan = {ty:.2f} (target <= {limit:g}); "
                     f"bare mkdocs = {tb:.2f}; CPU: yizhan {big['yizhan']['cpu'] / small['yizhan']['cpu']:.2f}, "
                     f"bare {big['bare']['cpu'] / small['bare']['cpu']:.2f}")  # fmt: skip
    for r in results:
        same = r["same_tree"] and r["identical_html_without_policy"] == r["pages"] and r["same_search_index"] and not r["only_in_bare_site"]
        lines.append(f"{'same' if same else 'DIFF'}  N={r['n']}: generated tree {'the same' if r['same_tree'] else 'DIFFERENT'} "
                     f"(out/docs vs bare/docs); {r['identical_html']}/{r['pages']} HTML pages byte-identical in both sites, "
                     f"{r['identical_html_without_policy']}/{r['pages']} once yizhan's Content-Security-Policy <meta> is taken out; "
                     f"search index {'the same' if r['same_search_index'] else 'DIFFERENT'}; files only in the yizhan "
                     f"site: {', '.join(r['only_in_yizhan_site']) or 'none'}; only in the bare site: "
                     f"{', '.join(r['only_in_bare_site']) or 'none'}; warnings: "
                     + ", ".join(f"{k} {v}" for k, v in r["warnings"].items()))  # fmt: skip
        if "before" in r:
            o = r["before"]
            lines.append(f"info  N={r['n']}: new / before = {r['new_vs_before']:.2f} wall ({r['yizhan']['wall']:.2f} s vs "
                         f"{o['wall']:.2f} s), {r['new_vs_before_cpu']:.2f} CPU ({r['yizhan']['cpu']:.2f} s vs {o['cpu']:.2f} s); "
                         f"the before site has {r['before_pages']} HTML pages ({'the same set' if r['before_same_pages'] else 'NOT the same set'}), "
                         f"{r['before_identical_html_without_policy']} identical without the policy <meta>")  # fmt: skip
            lines.append(f"info  N={r['n']}: rebuild with the tree in place / before = {r['rebuild_vs_before']:.2f} wall "
                         f"({r['rebuild']['wall']:.2f} s vs {o['wall']:.2f} s)")  # fmt: skip
        busy = [w for w in ("yizhan", "bare", "before") if w in r and r[w]["cpu_share"] < BUSY]
        if busy:
            lines.append(f"note  N={r['n']}: {' and '.join(busy)} got under {BUSY:.0%} of a CPU (wall > CPU time; 1-min load "
                         f"{r['loadavg_1min']['before']:.1f} -> {r['loadavg_1min']['after']:.1f}): the machine was busy, "
                         "wall times are inflated; rerun on an idle machine")  # fmt: skip
    return lines, ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated station counts (default: 1000,10000)")
    ap.add_argument("--reps", type=int, default=2, help="repetitions of each build, alternating; the best is kept (default: 2)")
    ap.add_argument("--before", metavar="DIR", type=Path,
                    help="also time `yizhan build --no-posters` of an earlier yizhan's sources in DIR (e.g. `git worktree add "
                         "/tmp/before <commit>`), alternating with the others, and report new / before")  # fmt: skip
    args = ap.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    if not sizes or min(sizes) < 1 or args.reps < 1:
        ap.error("--sizes needs positive counts and --reps at least 1")
    BENCH.mkdir(parents=True, exist_ok=True)
    machine = versions()
    before = None
    if args.before is not None:
        before = benchlib.before_env(args.before, BENCH / "before-meta", ENV)
        machine["before"] = f"{args.before.resolve()} at {benchlib.commit_of(args.before)}"
        print(f"before: yizhan from {machine['before']}")
    print(f"site_build benchmark: sizes {sizes}, {args.reps} reps; {machine['nproc']} CPUs ({machine['cpu']}), "
          f"Python {machine['python']}, MkDocs {machine['mkdocs']}, Material {machine['mkdocs-material']}; "
          f"yizhan at {machine['commit']}")  # fmt: skip
    results = [measure(n, args.reps, before) for n in sizes]
    lines, ok = report(results)
    if commit() != machine["commit"]:
        lines.append(f"note  yizhan changed during the run ({machine['commit']} -> {commit()}): the figures mix versions; rerun")
        machine["commit"] += f" -> {commit()}"
    print("\n" + "\n".join(lines))
    data = {"date": dt.date.today().isoformat(), "machine": machine, "reps": args.reps,
            "targets": {"ratio": RATIO_TARGET, "scaling_slack": SCALING_SLACK}, "pass": ok, "results": results}  # fmt: skip
    dest = BENCH / "site_build.json"
    dest.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nresults written to {dest.relative_to(ROOT)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
