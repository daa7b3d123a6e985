"""Benchmark: upload 100,000 kiosk rows to a hub on 127.0.0.1 (SQLite, PostgreSQL), re-send all, report on 1M rows.

Targets (issue 6): ≥ 5,000 rows/s into SQLite; re-sending everything after the progress record is lost changes
nothing and takes no longer than the first upload; `yizhan report` on 1M check-ins ≤ 10 s.
Work folders go under build/bench/hub/ (deleted and recreated only when they hold this benchmark's marker).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import benchlib

from tests import pgcluster
from tests.hubhelpers import ENV, free_port, kill, make_rows, start_hub
from yizhan.checkins.hubdb import HubDB
from yizhan.checkins.records import PURPOSES
from yizhan.checkins.rows import write_csv

WORK = ROOT / "build" / "bench" / "hub"
MARKER = ".hub-bench"


def fresh(path: Path) -> Path:
    """An empty work folder (refuses to delete a folder this benchmark did not make)."""
    return benchlib.fresh_dir(path, MARKER, "bench/hub.py")


def upload(kdir: Path, port: int, token: str) -> tuple[float, str]:
    """Run `yizhan upload` once: (seconds, its summary line)."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "yizhan.cli", "upload", "--data-dir", str(kdir), "--hub",
                           f"http://127.0.0.1:{port}", "--token", token], env=ENV, capture_output=True, text=True,
                          check=False)  # fmt: skip
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"upload failed: {proc.stdout}{proc.stderr}")
    return seconds, proc.stdout.strip()


def bench_upload(name: str, url: str, work: Path, n: int) -> dict[str, object]:
    """First upload of n rows, then a full re-send after deleting the progress record."""
    rows = make_rows(n)
    kdir = work / "kiosk"
    kdir.mkdir()
    write_csv(kdir / "checkins.csv", rows)
    db = HubDB(url)
    token = db.add_token(rows[0]["station_id"])
    port = free_port()
    hub = start_hub(url, port, work)
    try:
        first, line1 = upload(kdir, port, token)
        count1 = db.count()
        (kdir / "confirmed.txt").unlink()
        again, line2 = upload(kdir, port, token)
        count2 = db.count()
    finally:
        kill(hub)
    result = {"backend": name, "rows": n, "first_s": round(first, 2), "rows_per_s": round(n / first),
              "resend_s": round(again, 2), "resend_rows_per_s": round(n / again), "count_after_first": count1,
              "count_after_resend": count2, "first": line1, "resend": line2}  # fmt: skip
    ok_rate = name != "sqlite" or n / first >= 5000
    result["pass"] = bool(ok_rate and count1 == count2 == n and again <= first * 1.1)
    print(f"{name}: {n:,} rows in {first:.2f} s = {n / first:,.0f} rows/s; re-send {again:.2f} s "
          f"({n / again:,.0f} rows/s); rows {count1:,} -> {count2:,}  [{'PASS' if result['pass'] else 'FAIL'}]")  # fmt: skip
    return result


def bench_report(work: Path, n: int, stations: int) -> dict[str, object]:
    """Fill a SQLite hub with n check-ins over `stations` demo stations and a year, then time `yizhan report`."""
    subprocess.run([sys.executable, "-m", "yizhan.cli", "demo-data", "--count", str(stations), "--out",
                    str(work / "stations")], env=ENV, check=True, capture_output=True)  # fmt: skip
    ids = sorted(json.loads(subprocess.run(
        [sys.executable, "-c", ("import sys,json;from yizhan.stations.check import load_network;from pathlib import Path;"
         "print(json.dumps(list(load_network(Path(sys.argv[1])).stations)))"), str(work / "stations")],
        env=ENV, check=True, capture_output=True, text=True).stdout))  # fmt: skip
    db = HubDB(str(work / "hub.sqlite"))
    rnd = random.Random(6)
    start = time.perf_counter()
    template = make_rows(1)[0]
    for base in range(0, n, 20000):
        batch = []
        for i in range(base, min(n, base + 20000)):
            day = 1 + rnd.randrange(365)
            month, mday = divmod(day - 1, 31)
            batch.append({**template, "checkin_id": f"{i:08x}-0000-4000-8000-{rnd.getrandbits(48):012x}",
                          "station_id": ids[rnd.randrange(len(ids))], "phone": f"139{i:08d}",
                          "checked_in_at": f"2026-{1 + month % 12:02d}-{1 + mday % 28:02d}T09:{i % 60:02d}:00+08:00",
                          "purpose": PURPOSES[i % 4], "source": "qr" if i % 3 else "kiosk"})  # fmt: skip
        db.ingest(batch)
    fill = time.perf_counter() - start
    out = {}
    stations_arg = ["--stations", str(work / "stations")]
    runs = (("report (first: stations parsed and cached)", stations_arg), ("report", stations_arg),
            ("report --no-export", [*stations_arg, "--no-export"]),
            ("report --no-export without --stations", ["--no-export"]))  # fmt: skip
    for label, extra in runs:
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "yizhan.cli", "report", "--db", str(work / "hub.sqlite"), "--out",
                        str(work / "report"), *extra],
                       env=ENV, check=True, capture_output=True)  # fmt: skip
        out[label] = round(time.perf_counter() - t, 2)
    load = Path("/proc/loadavg").read_text().split()[:3]
    size = (work / "report" / "checkins.csv").stat().st_size
    ok = out["report"] <= 10
    print(f"report: {n:,} check-ins, {stations:,} stations (filled in {fill:.0f} s): yizhan report {out['report']:.2f} s "
          f"(first run, parsing the station files: {out[runs[0][0]]:.2f} s; without the CSV export "
          f"{out['report --no-export']:.2f} s; without it and without the stations "
          f"{out['report --no-export without --stations']:.2f} s; export {size / 1e6:.0f} MB; "
          f"load average {' '.join(load)})  [{'PASS' if ok else 'FAIL'}]")  # fmt: skip
    return {"rows": n, "stations": stations, "fill_s": round(fill, 1), **{k + "_s": v for k, v in out.items()},
            "export_bytes": size, "load_average": load, "pass": ok}  # fmt: skip


def main() -> int:
    """Run the benchmarks, write build/bench/hub.json (hub-report.json with --report-only); exit 1 on a miss."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--report-rows", type=int, default=1_000_000)
    ap.add_argument("--stations", type=int, default=10_000)
    ap.add_argument("--report-only", action="store_true", help="Only the report part (skip the uploads).")
    args = ap.parse_args()
    results: list[dict[str, object]] = []
    if not args.report_only:
        results.append(bench_upload("sqlite", str(fresh(WORK / "sqlite") / "hub.sqlite"), WORK / "sqlite", args.rows))
        reason = pgcluster.why_not()
        if reason:
            print(f"postgresql: skipped: {reason}")
        else:
            with pgcluster.cluster(fsync=True) as url:
                results.append(bench_upload("postgresql", url, fresh(WORK / "postgresql"), args.rows))
    results.append(bench_report(fresh(WORK / "report"), args.report_rows, args.stations))
    (ROOT / "build" / "bench").mkdir(parents=True, exist_ok=True)
    name = "hub-report.json" if args.report_only else "hub.json"
    (ROOT / "build" / "bench" / name).write_text(json.dumps(results, ensure_ascii=False, indent=1))
    return 0 if all(r["pass"] for r in results) else 1


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
