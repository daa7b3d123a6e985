"""Benchmark: durable check-ins per second, raw and through the kiosk over HTTP.

Run by `make bench`, or `python3 bench/kiosk.py [--seconds 5] [--clients 1,10,50] [--threads 16]`. In one run:
* raw:   one Python process appends check-in rows (the kiosk's own CSV encoding) to a file, write + fsync per
         row, for --seconds; rows/s overall and in the slowest 0.5 s window;
* kiosk: a real `yizhan kiosk` (waitress, group commit) on 127.0.0.1 with its own data dir, and C concurrent
         clients (keep-alive HTTP/1.1 connections driven by one epoll loop in this process, each posting its next
         check-in as soon as the last is answered) POSTing valid check-ins for --seconds; a check-in
         counts once its 303 arrived (the server answers only after fsync). Rate, p50/p99 latency, and "lost": the
         acknowledged check-ins (unique names) missing from the CSV, or present more than once, read back at the end.
Targets: kiosk rate at 10 clients >= 50% of the raw rate, p99 <= 50 ms at 50 clients, 0 lost; exit 1 if missed.
The kiosk runs as users run it: `yizhan kiosk` with its defaults (16 threads, pinned to one CPU).
Work files go to build/bench/kiosk/ (replaced on each run); figures to build/bench/kiosk.json.
"""

from __future__ import annotations

import argparse
import json
import os
import selectors
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import benchlib

from kiosk.form import new_record
from yizhan.checkins.store import HEADER, encode_row, read_rows

WORK = ROOT / "build" / "bench" / "kiosk"
STATION = "wuxi-liangxi-chongansi"
FORM = {
    "name": "",
    "phone": "13812345678",
    "home_org": "无锡市梁溪区崇安寺街道某社区党支部",
    "purpose": "报到登记",
    "note": "",
}


def raw_rate(path: Path, seconds: float) -> dict[str, float]:
    """Rows/s of write + fsync per row from this process, overall and in the slowest 0.5 s window."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, HEADER)
    row = encode_row(new_record({**FORM, "name": "基准测试"}, STATION, "kiosk", "bench"))
    times: list[float] = []
    start = time.perf_counter()
    end = start + seconds
    while (now := time.perf_counter()) < end:
        os.write(fd, row)
        os.fsync(fd)
        times.append(now)
    os.close(fd)
    elapsed = time.perf_counter() - start
    windows = [0] * (int(seconds / 0.5) + 1)
    for t in times:
        windows[int((t - start) / 0.5)] += 1
    return {
        "rows": len(times),
        "rate": len(times) / elapsed,
        "slowest_half_second_rate": min(windows[:-1] or windows) * 2,
    }


def start_kiosk(data: Path, threads: int) -> tuple[subprocess.Popen[str], str]:
    """Start `yizhan kiosk` on a free port with its own data dir; returns the process and its base URL."""
    cmd = [sys.executable, "-m", "yizhan.cli", "kiosk", "--station", STATION, "--data-dir", str(data), "--port", "0",
           "--threads", str(threads), "--device-id", "bench"]  # fmt: skip
    log = (data.parent / f"{data.name}.log").open("w")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        lines = Path(log.name).read_text().splitlines()
        if lines and lines[-1].startswith("Tablet form "):
            return proc, lines[-1].split()[2].rstrip("/")
        time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"kiosk did not start: see {log.name}")


HEAD = b"POST / HTTP/1.1\r\nHost: k\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n"


class Conn:
    """One keep-alive client connection (non-blocking): the check-in in flight, when it was sent, bytes received."""

    __slots__ = ("buf", "c", "i", "name", "sent", "sock")

    def __init__(self, host: str, port: int, c: int) -> None:
        self.sock = socket.create_connection((host, port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)
        self.c, self.i, self.name, self.sent, self.buf = c, 0, "", 0.0, b""

    def send(self, tag: str) -> None:
        """POST the next check-in (a few hundred bytes: the socket buffer takes it whole)."""
        self.name = f"{tag}-{self.c}-{self.i}"
        self.i += 1
        body = urlencode({**FORM, "name": self.name}).encode()
        self.buf = b""
        self.sent = time.perf_counter()
        self.sock.sendall(HEAD % len(body) + body)

    def response(self) -> tuple[int, bytes] | None:
        """Status and Location of the answer once it is complete (None while more is to come)."""
        head, sep, rest = self.buf.partition(b"\r\n\r\n")
        if not sep:
            return None
        headers = dict(line.split(b": ", 1) for line in head.split(b"\r\n")[1:])
        if len(rest) < int(headers.get(b"Content-Length", b"0")):
            return None
        return int(head[9:12]), headers.get(b"Location", b"")


def load(url: str, clients: int, seconds: float, tag: str) -> tuple[dict[str, bytes], list[float], int, float]:
    """C keep-alive clients POSTing for `seconds`: acknowledged names -> Location, latencies, failures, elapsed.

    One thread and one epoll loop drive all C connections (each sends its next check-in as soon as the last is
    answered): no GIL hand-offs between client threads, so a latency is the server's, not the client's queueing.
    """
    host, port = urlsplit(url).hostname or "127.0.0.1", urlsplit(url).port or 80
    acked: dict[str, bytes] = {}
    latencies: list[float] = []
    failures = 0
    sel = selectors.DefaultSelector()
    conns = [Conn(host, port, c) for c in range(clients)]
    start = time.perf_counter()
    end = start + seconds
    for conn in conns:
        sel.register(conn.sock, selectors.EVENT_READ, conn)
        conn.send(tag)
    open_conns = len(conns)
    while open_conns:
        for key, _ in sel.select(1.0):
            conn = key.data
            try:
                chunk = conn.sock.recv(65536)
            except BlockingIOError:
                continue
            now = time.perf_counter()
            if not chunk:
                raise SystemExit(f"the kiosk closed connection {conn.c}")
            conn.buf += chunk
            answer = conn.response()
            if answer is None:
                continue
            status, location = answer
            if status == 303:
                acked[conn.name] = location
                latencies.append(now - conn.sent)
            else:
                failures += 1
            if now < end:
                conn.send(tag)
            else:
                sel.unregister(conn.sock)
                conn.sock.close()
                open_conns -= 1
    sel.close()
    return acked, latencies, failures, time.perf_counter() - start


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    """The q-quantile in milliseconds."""
    return statistics.quantiles(values, n=1000)[int(q * 1000) - 1] * 1000 if len(values) > 1 else values[0] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", default="1,10,50")
    parser.add_argument("--threads", type=int, default=16, help="waitress threads of the kiosk (its default)")
    args = parser.parse_args()
    benchlib.fresh_dir(WORK, ".kiosk-bench", "bench/kiosk.py")  # never deletes a folder it did not make
    raw = raw_rate(WORK / "raw.csv", args.seconds)
    print(f"raw append+fsync per row: {raw['rate']:.0f} rows/s (slowest 0.5 s: {raw['slowest_half_second_rate']:.0f}/s)")
    results = []
    for clients in (int(c) for c in args.clients.split(",")):
        data = WORK / f"c{clients}"
        proc, url = start_kiosk(data, args.threads)
        try:
            load(url, clients, 0.5, "warm")  # first requests compile templates, open the file
            server0, client0 = cpu_seconds(proc.pid), time.process_time()
            acked, latencies, failures, elapsed = load(url, clients, args.seconds, "run")
            server_cpu, client_cpu = cpu_seconds(proc.pid) - server0, time.process_time() - client0
        finally:
            proc.terminate()
            proc.wait(30)
        names = [r["name"] for r in read_rows(data / "checkins.csv")]
        counts: dict[str, int] = {}
        for n in names:
            counts[n] = counts.get(n, 0) + 1
        lost = sum(1 for n in acked if counts.get(n, 0) != 1)
        r = {"clients": clients, "checkins": len(acked), "rate": len(acked) / elapsed, "p50_ms": pct(latencies, 0.5),
             "p99_ms": pct(latencies, 0.99), "failures": failures, "lost": lost, "of_raw": len(acked) / elapsed / raw["rate"],
             "server_cpu_us": server_cpu / max(1, len(acked)) * 1e6, "client_cpu_us": client_cpu / max(1, len(acked)) * 1e6}  # fmt: skip
        results.append(r)
        print(f"kiosk {clients:>2} clients: {r['rate']:.0f} check-ins/s ({r['of_raw']:.0%} of raw), p50 {r['p50_ms']:.1f} ms, "
              f"p99 {r['p99_ms']:.1f} ms, {failures} failed, {lost} lost of {len(acked)}; CPU per check-in: "
              f"server {r['server_cpu_us']:.0f} us, client {r['client_cpu_us']:.0f} us")  # fmt: skip
    out = {"raw": raw, "kiosk": results, "cpus": os.cpu_count(), "load_before": os.getloadavg()}
    (WORK.parent / "kiosk.json").write_text(json.dumps(out, indent=1))
    by = {r["clients"]: r for r in results}
    missed = []
    if 10 in by and by[10]["of_raw"] < 0.5:
        missed.append(f"10 clients at {by[10]['of_raw']:.0%} of the raw rate (target >= 50%)")
    if 50 in by and by[50]["p99_ms"] > 50:
        missed.append(f"p99 {by[50]['p99_ms']:.0f} ms at 50 clients (target <= 50 ms)")
    if any(r["lost"] or r["failures"] for r in results):
        missed.append("lost or failed check-ins")
    for m in missed:
        print(f"TARGET MISSED: {m}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
