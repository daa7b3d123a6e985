"""Benchmark: the station finder in headless Chromium on an emulated cheap phone and slow mobile network.

Run by `make bench`, or `python3 bench/finder.py [--sizes 2300,10000] [--reps 3] [--reuse]`. For each size N:
generate a province (`yizhan demo-data`) into build/bench/finder/nN/ beside a copy of mkdocs.yml and content/,
`yizhan build` it, serve it from 127.0.0.1 as a static host would (keep-alive HTTP/1.1, precompressed gzip -9
for .js/.css/.html/.json), open it in Debian's Chromium: CPU throttled 4x, 1.6 Mbps / 150 ms, a fresh context
per visit (cold cache, no service worker), a 390x844 phone, the position granted near Wuxi. Times: in-page
performance.now() (from navigation start) at the frame after the change (rAF, then a message task).
* nearest:   finder.html until 10 rows are in #yz-results (also the driver's wall time, polling every 25 ms);
* search:    finder.html?s=<town> (where the home page's search form leads) until the first row shows; the
             demo data has no 崇安寺, so <town> is the town of the station nearest to Wuxi minus 街道/镇;
* keystroke: once all search data is in, liangxi, <town>街道, 0510827, 报到 typed one character at a time: input
             event to next drawn frame (also the input handler alone, and Event Timing's duration, as INP);
* bytes:     on the wire (gzip body + headers; workers' requests too) of the responses done by each milestone;
Median and worst of --reps visits, a profile of the median visits at the largest N; build/bench/finder.json.
Exit status 1 when the worst visit at the largest N misses a target.
`--floor` measures, under the same conditions, what no finder can beat: a ~0.5 kB page that shows 10 rows as soon
as the position comes (no data at all), and a page whose input handler only changes one line of text.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

import benchlib

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "build" / "bench" / "finder"
OWNED = ".finder-bench"  # marks folders this benchmark made (the only ones it deletes)
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
        "--disable-background-networking", "--disable-component-update", "--disable-extensions"]  # fmt: skip
WUXI = {"latitude": 31.58, "longitude": 120.30, "accuracy": 50}
NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}
CPU_SLOWDOWN = 4
TARGETS = {"nearest_ms": 600, "search_ms": 1500, "keystroke_ms": 16}  # at the largest size (10k)
GZIP_TYPES = (".js", ".css", ".html", ".json")

INIT_JS = r"""(() => {
  const B = window.__bench = {keys: [], loads: [], events: [], scripts: [], fcp: null};
  const drawn = (f) => requestAnimationFrame(() => { const c = new MessageChannel(); c.port1.onmessage = () => f(performance.now()); c.port2.postMessage(0); });
  const finder = location.pathname.endsWith("finder.html"), goal = !finder ? "md" : location.search.includes("s=") ? "one" : "ten";
  const seen = () => goal === "md" ? document.querySelector(".md-search-result__item") :
    (document.getElementById("yz-results") || {children: []}).children.length >= (goal === "ten" ? 10 : 1);
  const mo = new MutationObserver(() => { if (seen()) { mo.disconnect(); B.dom = performance.now(); drawn((t) => { B.shown = t; }); } });
  mo.observe(document, {childList: true, subtree: true});
  const all = new MutationObserver(() => {  // every chunk and the more file in: the search results are final
    const f = document.getElementById("yz-finder");
    if (f && f.getAttribute("data-loaded") === "all") { all.disconnect(); B.complete = performance.now(); }
  });
  all.observe(document, {subtree: true, attributes: true, attributeFilter: ["data-loaded"]});
  const watch = (type, f, opts) => new PerformanceObserver((l) => l.getEntries().forEach(f)).observe({type, buffered: true, ...opts});
  watch("paint", (e) => { if (e.name === "first-contentful-paint") B.fcp = e.startTime; });
  watch("long-animation-frame", (f) => f.scripts.forEach((s) => B.scripts.push([s.sourceURL || s.invoker, s.startTime, s.duration])));
  watch("event", (e) => B.events.push([e.name, e.startTime, e.duration]), {durationThreshold: 16});
  // Time each data file's load() call (decoding, search strings, what it triggers): wrap what finder.js assigns.
  const api = {q: []}; let real = function (k, p) { api.q.push([k, p]); };
  Object.defineProperty(api, "load", {configurable: true, enumerable: true, set(f) { real = f; }, get() {
    return function (k, p) { const t = performance.now(); real.call(api, k, p); B.loads.push([k, t, performance.now() - t]); };
  }});
  window.yizhanFinder = api;
  document.addEventListener("input", (e) => {  // capture: before finder.js's own listener
    if (!e.target || e.target.id !== "yz-q" || !e.target.value) return;
    const r = B.cur = {q: e.target.value, t0: Math.min(e.timeStamp, performance.now())};
    B.keys.push(r);
    drawn((t) => { r.paint = t - r.t0; });
  }, true);
  window.addEventListener("input", () => { if (B.cur) { B.cur.handler = performance.now() - B.cur.t0; B.cur = null; } });
})();"""
COLLECT_JS = """() => ({...window.__bench, cur: undefined, nav: performance.getEntriesByType("navigation")[0].toJSON(),
  mdSearchOpen: !!(document.querySelector("[data-md-toggle=search]") || {}).checked,
  res: performance.getEntriesByType("resource").map((e) => [e.name, e.startTime, e.requestStart, e.responseEnd, e.renderBlockingStatus])})"""


def prepare(n: int, reuse: bool) -> Path:
    """Generate and build a province of n stations in build/bench/finder/nN/; returns the site folder."""
    work = WORK / f"n{n}"
    site = work / "out" / "site"
    if reuse and (work / OWNED).is_file() and (site / "finder.html").is_file():
        return site
    benchlib.fresh_dir(work, OWNED, "bench/finder.py")
    shutil.copy2(ROOT / "mkdocs.yml", work / "mkdocs.yml")
    shutil.copytree(ROOT / "content", work / "content")
    for cmd in (["demo-data", "--count", str(n), "--out", "stations"], ["build", "--no-posters", "--stations", "stations", "--out", "out"]):
        subprocess.run([sys.executable, "-m", "yizhan.cli", *cmd], cwd=work, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    return site


def town_query(n: int) -> tuple[str, str]:
    """The town of the generated station nearest to WUXI: without 街道/镇 (the query), and in full."""
    from yizhan.stations.check import load_network
    from yizhan.stations.geo import distance_km

    stations = load_network(WORK / f"n{n}" / "stations").stations.values()
    town = min(stations, key=lambda s: distance_km(WUXI["latitude"], WUXI["longitude"], s.lat, s.lon)).region.town
    return town.removesuffix("街道").removesuffix("镇"), town


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """A static host: keep-alive, and precompressed gzip when the client accepts it."""

    protocol_version = "HTTP/1.1"
    cache: ClassVar[dict[Path, bytes]] = {}
    lock = threading.Lock()

    def log_message(self, *args: Any) -> None: ...  # quiet

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.suffix not in GZIP_TYPES or not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().do_GET()
        with self.lock:
            body = self.cache.get(path) or self.cache.setdefault(path, gzip.compress(path.read_bytes(), 9, mtime=0))
        self.send_response(200)
        for key, value in (("Content-Type", self.guess_type(str(path))), ("Content-Encoding", "gzip"),
                           ("Content-Length", str(len(body))), ("Vary", "Accept-Encoding"), ("Cache-Control", "no-cache")):  # fmt: skip
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


def serve(site: Path) -> http.server.ThreadingHTTPServer:
    """Serve `site` on 127.0.0.1; what the measured pages load is compressed up front, not during a visit."""
    site = site.resolve()
    GzipHandler.cache.clear()
    GzipHandler.cache.update({p: gzip.compress(p.read_bytes(), 9, mtime=0) for p in [*site.glob("*.*"), *(site / "assets").rglob("*.*"),
                              *(site / "search").glob("*")] if p.suffix in GZIP_TYPES})  # fmt: skip
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def visit(browser: Any, url: str, typing: list[str] | None = None) -> dict[str, Any]:
    """One cold visit: navigate, wait until the goal is drawn, optionally type, let the page settle; its figures."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2,
                              locale="zh-CN", timezone_id="Asia/Shanghai", geolocation=WUXI, permissions=["geolocation"],
                              service_workers="block")  # fmt: skip
    page, done = ctx.new_page(), []
    ctx.on("requestfinished", lambda r: done.append(r))  # the page's requests and its workers'
    cdp = ctx.new_cdp_session(page)
    for method, params in (("Network.enable", {}), ("Network.setCacheDisabled", {"cacheDisabled": True}),
                           ("Network.emulateNetworkConditions", NETWORK), ("Performance.enable", {}),
                           ("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})):  # fmt: skip
        cdp.send(method, params)
    page.add_init_script(INIT_JS)
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function("() => window.__bench && window.__bench.shown != null", polling=25, timeout=60_000)
    driver_ms = 1000 * (time.perf_counter() - t0)
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}  # main thread until then
    page.wait_for_load_state("load")
    if "finder.html?s=" in url:  # until every chunk is in and the results are final
        page.wait_for_function("() => window.__bench.complete != null", polling=50, timeout=60_000)
    if typing:
        page.focus("#yz-q")  # starts loading the search data
        page.wait_for_function("() => window.__bench.loads.some((l) => l[0] === 'more')", polling=100, timeout=60_000)
        page.wait_for_timeout(500)
        for query in typing:
            page.fill("#yz-q", "")
            for ch in query:  # the next key once this one's frame is drawn
                page.keyboard.type(ch)
                page.wait_for_function("() => window.__bench.keys.every((k) => k.paint != null)", polling=50)
                page.wait_for_timeout(100)
    page.wait_for_timeout(1500)  # late requests (Material's search worker and index) count in the total
    out = page.evaluate(COLLECT_JS)
    # Bytes from Playwright; times from the page's resource timing (the milestones' clock) or, for a worker's
    # request, from Playwright's, shifted by the difference of the two clocks at the document's end.
    timing = {name: (start, sent, end) for name, start, sent, end, _ in out["res"]}
    got = sorted(((r.url, r.sizes(), r.timing) for r in done if r.url.startswith("http")), key=lambda x: x[2]["startTime"])
    timing[got[0][0]] = (0.0, out["nav"]["requestStart"], out["nav"]["responseEnd"])  # the document
    shift = got[0][2]["startTime"] + got[0][2]["responseEnd"] - out["nav"]["responseEnd"]
    blocking, files = {name for name, *_, status in out["res"] if status == "blocking"}, []
    for name, size, t in got:
        start, sent, end = timing.get(name, (t["startTime"] - shift,) * 2 + (t["startTime"] + t["responseEnd"] - shift,))
        files.append({"url": name, "bytes": size["responseBodySize"] + size["responseHeadersSize"], "start": start, "sent": sent,
                      "end": end, "blocking": name in blocking})  # fmt: skip
    ctx.close()
    out.update(ms=out["shown"], driver_ms=driver_ms, files=sorted(files, key=lambda f: f["start"]),
               kb_by=sum(f["bytes"] for f in files if f["end"] <= out["shown"]) / 1e3, kb_total=sum(f["bytes"] for f in files) / 1e3,
               script_ms=1000 * metrics.get("ScriptDuration", 0), task_ms=1000 * metrics.get("TaskDuration", 0))  # fmt: skip
    return out


def stats(values: list[float]) -> dict[str, Any]:
    return {"median": statistics.median(values), "worst": max(values), "runs": [round(v, 1) for v in values]}


def profile(r: dict[str, Any]) -> dict[str, Any]:
    """Where the time of one visit went: requests, data files' load() calls, long animation frames' scripts by file."""
    busy: dict[str, float] = {}
    for src, dur in ((s.split("/")[-1] or s, d) for s, start, d in r["scripts"] if start < r["ms"]):
        busy[src] = busy.get(src, 0) + dur
    return {"fcp_ms": r["fcp"], "dcl_ms": r["nav"]["domContentLoadedEventEnd"], "ms": r["ms"], "script_ms": r["script_ms"],
            "task_ms": r["task_ms"], "loads": r["loads"], "files": r["files"], "long_frame_scripts_ms": busy}  # fmt: skip


def measure(browser: Any, n: int, reps: int, reuse: bool) -> dict[str, Any]:
    print(f"\n== N = {n}: build/bench/finder/n{n} … (1-min load average {os.getloadavg()[0]:.1f})", flush=True)
    site = prepare(n, reuse)
    query, town = town_query(n)
    typing = ["liangxi", town, "0510827", "报到"]
    httpd = serve(site)
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    near, search = [], []
    try:
        for rep in range(reps):
            near.append(visit(browser, base + "finder.html", typing))
            search.append(visit(browser, f"{base}finder.html?s={quote(query)}"))
            print(f"   rep {rep + 1}/{reps}: nearest {near[-1]['ms']:.0f} ms, search '{query}' {search[-1]['ms']:.0f} ms, "
                  f"worst keystroke {max(k['paint'] for k in near[-1]['keys']):.0f} ms", flush=True)
    finally:
        httpd.shutdown()
        httpd.server_close()
    res = {"n": n, "query": query, "typed": typing, "load_avg_after": os.getloadavg()[0], "nearest_ms": stats([r["ms"] for r in near]),
           "nearest_driver_ms": stats([r["driver_ms"] for r in near]), "search_ms": stats([r["ms"] for r in search]),
           "search_driver_ms": stats([r["driver_ms"] for r in search]),
           "keystroke_ms": stats([max(k["paint"] for k in r["keys"]) for r in near]),
           "keystroke_handler_ms": stats([max(k.get("handler", 0) for k in r["keys"]) for r in near]),
           "key_event_ms": stats([max([e[2] for e in r["events"] if e[0] in ("keydown", "keypress", "keyup", "input")] or [0]) for r in near]),
           "nearest_kb": stats([r["kb_by"] for r in near]), "search_kb": stats([r["kb_by"] for r in search]),
           "page_total_kb": stats([r["kb_total"] for r in search]), "fcp_ms": stats([r["fcp"] or 0 for r in near]),
           "search_complete_ms": stats([r.get("complete") or 0 for r in search]),
           "load_ms": {k: stats([sum(x[2] for x in r["loads"] if x[0].startswith(k)) for r in near]) for k in ("c", "more")},
           "keys": [[[k["q"], round(k["paint"], 1), round(k.get("handler", 0), 1)] for k in r["keys"]] for r in near]}  # fmt: skip
    res["profile"] = {name: profile(sorted(runs, key=lambda r: r["ms"])[len(runs) // 2]) for name, runs in (("nearest", near), ("search", search))}
    return res


ROWS = [("nearest_ms", "10 nearest on screen, ms"), ("nearest_driver_ms", "  the same, driver wall time, ms"),
        ("search_ms", "first search results, ms"), ("search_driver_ms", "  the same, driver wall time, ms"),
        ("search_complete_ms", "  all data in, results final, ms"),
        ("keystroke_ms", "worst keystroke: input to frame, ms"), ("keystroke_handler_ms", "  worst input handler, ms"),
        ("key_event_ms", "  worst key event duration (INP), ms"), ("nearest_kb", "kB until the 10 nearest"),
        ("search_kb", "kB until the first search results"), ("page_total_kb", "kB of finder?q= once settled"),
        ("fcp_ms", "first contentful paint, ms")]  # fmt: skip


def report(results: list[dict[str, Any]]) -> tuple[list[str], bool]:
    cell = lambda s: f" | {s['median']:>8.1f} / {s['worst']:>7.1f}"
    head = f"{'':38}" + "".join(f" | {'N=' + str(r['n']) + ' median / worst':>18}" for r in results)
    lines = [head, "-" * len(head)]
    lines += [f"{label:38}" + "".join(cell(r[key]) for r in results) for key, label in ROWS]
    lines += [f"{'  load(' + k + ') on the main thread, ms':38}" + "".join(cell(r["load_ms"][k]) for r in results) for k in ("c", "more")]
    big, ok, lines = results[-1], True, [*lines, ""]
    for key, target in TARGETS.items():
        ok &= (passed := big[key]["worst"] <= target)
        lines.append(f"{'PASS' if passed else 'FAIL'}  N={big['n']}: {key} worst {big[key]['worst']:.1f} (median {big[key]['median']:.1f}), target <= {target}")
    for name, p in big["profile"].items():
        lines += ["", (f"Profile, N={big['n']}, median {name} visit: FCP {p['fcp_ms']:.0f} ms, DOMContentLoaded {p['dcl_ms']:.0f} ms, "
                       f"shown at {p['ms']:.0f} ms; by then {p['script_ms']:.0f} ms of script in {p['task_ms']:.0f} ms of main-thread tasks"),
                  "  queued    sent    done ms      kB"]  # fmt: skip
        lines += [(f"  {f['start']:6.0f}  {f['sent']:6.0f}  {f['end']:6.0f}  {f['bytes'] / 1e3:7.1f}  "
                   f"{'blocks render  ' if f['blocking'] else ' ' * 15}{f['url'].split('/', 3)[-1][:60]}") for f in p["files"] if f["start"] < p["ms"] + 1000]  # fmt: skip
        lines += [f"  load({k}) at {t:.0f} ms: {d:.1f} ms on the main thread" for k, t, d in p["loads"] if d > 0.5 and t < p["ms"]]
        lines += [f"  long-frame script before {p['ms']:.0f} ms: {src} {ms:.0f} ms" for src, ms in sorted(p["long_frame_scripts_ms"].items(), key=lambda kv: -kv[1])]
    return lines, ok


FLOOR_NEAREST = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><script>
navigator.geolocation.getCurrentPosition(function () {
  var go = function () { var d = document.createElement("ol"); d.id = "yz-results"; d.innerHTML = "<li>驿站</li>".repeat(10); document.body.appendChild(d); };
  if (document.body) go(); else document.addEventListener("DOMContentLoaded", go);
}, null, {timeout: 5000, maximumAge: 600000});
</script></head><body><p>查找驿站</p></body></html>"""
FLOOR_TYPING = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head><body><input id="yz-q" type="search">
<ol id="yz-results"><li>驿站</li><li>驿站</li><li>驿站</li><li>驿站</li><li>驿站</li><li>驿站</li><li>驿站</li><li>驿站</li><li>驿站</li><li>驿站</li></ol>
<script>var ol = document.getElementById("yz-results");
document.getElementById("yz-q").addEventListener("input", function (e) { ol.firstChild.textContent = "查询：" + e.target.value; });
window.yizhanFinder.load("more", {});</script></body></html>"""


def floor(browser: Any, reps: int) -> None:
    """The floors: FLOOR_NEAREST until its 10 rows are drawn, FLOOR_TYPING's worst keystroke to frame."""
    work = WORK / "floor"
    benchlib.fresh_dir(work, OWNED, "bench/finder.py")
    for name, html in (("nearest", FLOOR_NEAREST), ("typing", FLOOR_TYPING)):
        (work / name).mkdir()
        (work / name / "finder.html").write_text(html, encoding="utf-8")  # the name the in-page probe expects
    httpd = serve(work)
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    try:
        near = [visit(browser, base + "nearest/finder.html")["ms"] for _ in range(reps)]
        keys = [max(k["paint"] for k in visit(browser, base + "typing/finder.html", ["liangxi", "兰园", "0510827", "报到"])["keys"])
                for _ in range(reps)]  # fmt: skip
    finally:
        httpd.shutdown()
        httpd.server_close()
    print(f"floor, 10 rows as soon as the position comes: {', '.join(f'{v:.0f}' for v in near)} ms")
    print(f"floor, worst keystroke to frame, one text change: {', '.join(f'{v:.1f}' for v in keys)} ms")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="2300,10000", help="comma-separated station counts (default: 2300,10000)")
    ap.add_argument("--reps", type=int, default=3, help="cold visits per measurement (default: 3)")
    ap.add_argument("--reuse", action="store_true", help="reuse the sites this benchmark built before (no generate + build)")
    ap.add_argument("--floor", action="store_true", help="only measure the floors (see the docstring)")
    args = ap.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing (run `make system-deps`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        print(f"finder benchmark: sizes {sizes}, {args.reps} reps; Chromium {browser.version}, CPU /{CPU_SLOWDOWN}, "
              f"{NETWORK['downloadThroughput'] * 8 / 1e6:g} Mbps, {NETWORK['latency']} ms; load avg {os.getloadavg()[0]:.1f}", flush=True)
        if args.floor:
            floor(browser, args.reps)
            browser.close()
            return 0
        results = [measure(browser, n, args.reps, args.reuse) for n in sizes]
        browser.close()
    lines, ok = report(results)
    print("\n" + "\n".join(lines))
    dest = WORK.parent / "finder.json"
    data = {"date": time.strftime("%Y-%m-%d"), "targets": TARGETS, "network": NETWORK, "cpu_slowdown": CPU_SLOWDOWN,
            "chromium_args": ARGS, "pass": ok, "results": results}  # fmt: skip
    dest.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nresults written to {dest.relative_to(ROOT)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
