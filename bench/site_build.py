"""Benchmark: `yizhan build` against a bare `mkdocs build` of the same generated pages.

Run with `make bench` (or `python3 bench/site_build.py [--sizes 1000,10000] [--reps 2]`).

For each size N it generates a synthetic province of N stations (`yizhan demo-data`) into
build/bench/nN/, then times, as child processes:

* yizhan:  `yizhan build --stations stations --out out` next to a copy of the project's
           mkdocs.yml and content/ (validation + page generation + MkDocs build + site swap);
* bare:    `mkdocs build` of the very same pages written out as plain files: the plugin's own
           on_files (Site.pages() of the checked stations, the finder page and data, and
           yizhan/site/assets/ as assets/yizhan/)
           and on_page_markdown (the cities list in place of `<!-- yizhan:cities -->`) are run
           once, untimed, and their output written to a docs folder; its mkdocs.yml is the
           project's minus the yizhan plugin, with the extra_css/extra_javascript the plugin adds.

Both must produce the same set of HTML pages (asserted); the report also says how many of them
are byte-identical and whether the search indexes hold the same entries.

Wall time is measured around the child, CPU time (user + system) from getrusage(RUSAGE_CHILDREN)
deltas, peak RSS from the child's own rusage (os.wait4). Each measurement is repeated --reps
times, alternating the two builds, and the best is kept. Results go to the terminal and to
build/bench/site_build.json. Exit status 1 when a target is missed.

Targets (from the issue): t(yizhan) <= 1.3 x t(bare) at every size, and
t(10k)/t(1k) <= 11 (in general: <= 1.1 x the size ratio of the largest to the smallest size).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
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


def run_timed(cmd: list[str], cwd: Path, log: Path) -> dict[str, float]:
    """Run `cmd` as a child; its wall time, CPU time (user+sys) and peak RSS (MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=ENV, stdout=out, stderr=subprocess.STDOUT)
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


def bare_config(work: Path) -> tuple[dict[str, Any], Any, Any]:
    """The project's mkdocs.yml without the yizhan plugin, with the CSS/JS the plugin adds; and the
    loaded MkDocs config and yizhan plugin of the yizhan project (to produce its pages)."""
    from mkdocs.config import load_config

    raw = yaml.load((work / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)  # a SafeLoader that keeps tags
    plugins = raw.get("plugins") or []
    kept = [p for p in plugins if not (p == "yizhan" or (isinstance(p, dict) and "yizhan" in p))]
    if len(kept) == len(plugins):
        sys.exit("mkdocs.yml does not enable the yizhan plugin")
    raw["plugins"] = kept

    cfg = load_config(config_file=str(work / "mkdocs.yml"), site_dir=str(work / "unused-site"))
    plugin = cfg.plugins["yizhan"]
    plugin.on_config(cfg)

    def script(x: Any) -> Any:
        if isinstance(x, str):
            return x
        extra = {k: v for k, v in (("type", x.type), ("defer", x.defer), ("async", x.async_)) if v}
        return {"path": x.path, **extra} if extra else x.path

    raw["extra_css"] = list(cfg.extra_css)
    raw["extra_javascript"] = [script(x) for x in cfg.extra_javascript]
    return raw, cfg, plugin


def bare_docs(docs: Path, cfg: Any, plugin: Any) -> int:
    """Make `docs` (a copy of content/) what the yizhan plugin turns it into: the files its on_files
    adds (written out) or removes (deleted), and every page's Markdown after its on_page_markdown.
    Returns how many files the plugin generated."""
    from mkdocs.structure.files import get_files
    from mkdocs.structure.pages import Page

    files = get_files(cfg)
    handwritten = {id(f): f for f in files}
    cfg.plugins._current_plugin = "yizhan"  # what MkDocs sets while a plugin's event runs (File.generated reads it)
    files = plugin.on_files(files, config=cfg)
    kept = {id(f) for f in files}
    for f in handwritten.values():
        if id(f) not in kept:
            (docs / f.src_uri).unlink()
    generated = 0
    for f in files:
        path = docs / f.src_uri
        if id(f) not in handwritten:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(f.content_bytes)
            generated += 1
        if not f.is_documentation_page():
            continue
        page = Page(None, f, cfg)
        page.read_source(cfg)
        markdown = plugin.on_page_markdown(page.markdown, page=page, config=cfg, files=files)
        if markdown != page.markdown:
            source = f.content_string
            if not source.endswith(page.markdown):
                sys.exit(f"cannot write the plugin's Markdown for {f.src_uri} back to a file")
            path.write_text(source[: len(source) - len(page.markdown)] + markdown, encoding="utf-8")
    return generated


def prepare(n: int, work: Path) -> dict[str, Any]:
    """Generate N stations and lay out the yizhan project and the bare MkDocs project."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "yizhan.cli", "demo-data", "--count", str(n), "--out", str(work / "stations")],
                   check=True, env=ENV, stdout=subprocess.DEVNULL)  # fmt: skip
    gen_s = time.perf_counter() - t0

    # The yizhan project: the project's own mkdocs.yml and content/, and the generated stations.
    shutil.copy2(ROOT / "mkdocs.yml", work / "mkdocs.yml")
    shutil.copytree(ROOT / "content", work / "content")

    # The bare project: the same config without the yizhan plugin, and the files the plugin would add.
    raw, cfg, plugin = bare_config(work)
    bare = work / "bare"
    bare.mkdir()
    (bare / "mkdocs.yml").write_text(yaml.dump(raw, Dumper=_Dumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
    docs = bare / raw.get("docs_dir", "docs")
    shutil.copytree(ROOT / "content", docs)
    generated = bare_docs(docs, cfg, plugin)
    return {"generate_s": gen_s, "generated_files": generated, "bare_site": bare / raw.get("site_dir", "site")}


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


def same_html(a: Path, b: Path, pages: set[str]) -> int:
    """How many of `pages` are byte-identical in both sites."""
    return sum(1 for p in pages if (a / p).read_bytes() == (b / p).read_bytes())


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


def measure(n: int, reps: int) -> dict[str, Any]:
    work = fresh_dir(BENCH / f"n{n}")
    load_before = os.getloadavg()[0]
    print(f"\n== N = {n}: preparing {work.relative_to(ROOT)} …", flush=True)
    prep = prepare(n, work)
    print(f"   {n} stations generated in {prep['generate_s']:.1f} s; {prep['generated_files']} generated files", flush=True)
    out = work / "out"
    bare_dir, bare_site = work / "bare", prep["bare_site"]
    yizhan_cmd = [sys.executable, "-m", "yizhan.cli", "build", "--no-posters", "--stations", "stations", "--out", "out"]  # posters: bench/posters.py
    bare_cmd = [sys.executable, "-m", "mkdocs", "build", "-f", "mkdocs.yml"]
    runs: dict[str, list[dict[str, float]]] = {"yizhan": [], "bare": []}
    for rep in range(reps):
        order = ("yizhan", "bare") if rep % 2 == 0 else ("bare", "yizhan")
        for which in order:
            if which == "yizhan":
                clear_output(out)
                r = run_timed(yizhan_cmd, work, work / f"yizhan-{rep}.log")
            else:
                clear_output(bare_site)
                r = run_timed(bare_cmd, bare_dir, work / f"bare-{rep}.log")
            runs[which].append(r)
            print(f"   rep {rep + 1}/{reps} {which:6}: wall {r['wall']:7.2f} s  CPU {r['cpu']:7.2f} s  peak RSS {r['rss_mb']:6.0f} MB", flush=True)
    site = out / "site"
    pages, bare_pages = html_pages(site), html_pages(bare_site)
    assert len(pages) == len(bare_pages), f"yizhan built {len(pages)} HTML pages, bare mkdocs {len(bare_pages)}"
    assert pages == bare_pages, f"different pages: {sorted(pages ^ bare_pages)[:10]}"
    y, b = best(runs["yizhan"]), best(runs["bare"])
    return {
        "n": n,
        "pages": len(pages),
        "identical_html": same_html(site, bare_site, pages),
        "same_search_index": same_search_index(site, bare_site),
        "only_in_yizhan_site": sorted(all_files(site) - all_files(bare_site))[:20],  # e.g. sw.js from on_post_build
        "only_in_bare_site": sorted(all_files(bare_site) - all_files(site))[:20],
        "site_mb": size_mb(site),
        "bare_site_mb": size_mb(bare_site),
        "yizhan": y,
        "bare": b,
        "ratio": y["wall"] / b["wall"],
        "ratio_cpu": y["cpu"] / b["cpu"],
        "yizhan_ms_per_page": 1000 * y["wall"] / len(pages),
        "bare_ms_per_page": 1000 * b["wall"] / len(pages),
        "warnings": {"yizhan": warnings_in(work / "yizhan-0.log"), "bare": warnings_in(work / "bare-0.log")},
        "loadavg_1min": {"before": load_before, "after": os.getloadavg()[0]},
    }


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
        same = r["identical_html"] == r["pages"] and r["same_search_index"] and not r["only_in_bare_site"]
        lines.append(f"{'same' if same else 'DIFF'}  N={r['n']}: {r['identical_html']}/{r['pages']} HTML pages byte-identical in both sites, "
                     f"search index {'the same' if r['same_search_index'] else 'DIFFERENT'}; files only in the yizhan "
                     f"site: {', '.join(r['only_in_yizhan_site']) or 'none'}; only in the bare site: "
                     f"{', '.join(r['only_in_bare_site']) or 'none'}; warnings: yizhan {r['warnings']['yizhan']}, "
                     f"bare {r['warnings']['bare']}")  # fmt: skip
        busy = [w for w in ("yizhan", "bare") if r[w]["cpu_share"] < BUSY]
        if busy:
            lines.append(f"note  N={r['n']}: {' and '.join(busy)} got under {BUSY:.0%} of a CPU (wall > CPU time; 1-min load "
                         f"{r['loadavg_1min']['before']:.1f} -> {r['loadavg_1min']['after']:.1f}): the machine was busy, "
                         "wall times are inflated; rerun on an idle machine")  # fmt: skip
    return lines, ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated station counts (default: 1000,10000)")
    ap.add_argument("--reps", type=int, default=2, help="repetitions of each build, alternating; the best is kept (default: 2)")
    args = ap.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    if not sizes or min(sizes) < 1 or args.reps < 1:
        ap.error("--sizes needs positive counts and --reps at least 1")
    BENCH.mkdir(parents=True, exist_ok=True)
    machine = versions()
    print(f"site_build benchmark: sizes {sizes}, {args.reps} reps; {machine['nproc']} CPUs ({machine['cpu']}), "
          f"Python {machine['python']}, MkDocs {machine['mkdocs']}, Material {machine['mkdocs-material']}; "
          f"yizhan at {machine['commit']}")  # fmt: skip
    results = [measure(n, args.reps) for n in sizes]
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
