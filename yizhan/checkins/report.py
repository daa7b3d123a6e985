"""Hub reports: aggregates computed in SQL, rendered as HTML with inline SVG charts, plus the CSV export."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any, BinaryIO

from yizhan.durable import atomic_write
from yizhan.stations.model import Network

from .charts import bar_chart, line_chart
from .hubdb import DAY, HubDB
from .records import _RISKY as RISKY
from .records import CHINA, COLUMNS, neutralise
from .rows import HEADER, mask_phone

UNKNOWN = "（名录外）"
FREE_TEXT = ("name", "home_org", "note", "device_id")
SOURCE_ZH = {"kiosk": "驿站平板", "qr": "手机扫码"}
STYLE = """
body{font-family:sans-serif;margin:1.5em auto;max-width:60em;color:#000;background:#fff;line-height:1.5}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:2px solid #b71c1c;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #888;padding:.2em .6em;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.empty,.note{color:#444}
a{color:#0d47a1;min-height:48px}.chart{max-width:100%;height:auto;break-inside:avoid}
@media print{a{color:#000;text-decoration:none}h2{break-after:avoid}}
"""


@dataclass
class Summary:
    """What the report shows, computed once."""

    total: int
    per_day: list[tuple[str, int]]
    per_station: dict[str, tuple[int, str]]  # station id -> (count, last day)
    per_purpose: list[tuple[str, int]]
    per_source: list[tuple[str, int]]
    latest: list[tuple[str, ...]]
    today: str
    quiet_days: int
    names: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # id -> (name, city, district)


def count_queries(db: HubDB) -> dict[str, Callable[[], list[tuple[Any, ...]]]]:
    """The report's aggregates as independent queries (GROUP BY in the database; only small results come back).

    Days, purposes and sources are grouped along the index on (DAY, purpose, source); the latest check-ins are
    looked for only on the days that can hold them (the 20th newest row's day and later), found on that index.
    """
    last_days = f"SELECT {DAY} FROM checkins ORDER BY 1 DESC LIMIT 1 OFFSET 19"
    return {
        "day_purpose_source": lambda: db.query(f"SELECT {DAY}, purpose, source, count(*) FROM checkins GROUP BY 1, 2, 3"),
        "station": lambda: db.query(f"SELECT station_id, count(*), max({DAY}) FROM checkins GROUP BY station_id"),
        "latest": lambda: db.query(
            "SELECT checked_in_at, station_id, name, phone, purpose, source FROM checkins "
            f"WHERE {DAY} >= coalesce(({last_days}), '') ORDER BY checked_in_at DESC, checkin_id LIMIT 20"
        ),
    }


def summarise(
    db: HubDB, network: Network | None, quiet_days: int = 30, today: dt.date | None = None,
    counts: dict[str, list[tuple[Any, ...]]] | None = None,
) -> Summary:  # fmt: skip
    """Aggregate the hub's check-ins (`counts`: the results of `count_queries`, when already run)."""
    if counts is None:
        counts = {name: run() for name, run in count_queries(db).items()}
    days: Counter[str] = Counter()
    purposes: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    for d, purpose, source, n in counts["day_purpose_source"]:
        days[d] += int(n)  # one scan for three breakdowns (a few thousand groups)
        purposes[purpose] += int(n)
        sources[source] += int(n)
    per_day = sorted(days.items())
    per_purpose = sorted(purposes.items(), key=lambda kv: -kv[1])
    per_source = sorted(sources.items(), key=lambda kv: -kv[1])
    per_station = {sid: (int(n), last) for sid, n, last in counts["station"]}
    names = {}
    if network is not None:
        names = {s.id: (s.name, s.region.city, s.region.district) for s in network.stations.values()}
    return Summary(
        total=sum(n for _, n in per_day), per_day=per_day, per_station=per_station, per_purpose=per_purpose,
        per_source=per_source, latest=counts["latest"], today=(today or dt.datetime.now(CHINA).date()).isoformat(),
        quiet_days=quiet_days, names=names,
    )  # fmt: skip


def _place(s: Summary, sid: str) -> tuple[str, str, str]:
    """(name, city, district) of a station id, or placeholders for ids not in the station list."""
    return s.names.get(sid, (sid, UNKNOWN, UNKNOWN))


def quiet_stations(s: Summary) -> list[tuple[str, str]]:
    """(station id, last day or '') of listed stations with no check-in in the last `quiet_days` days."""
    cutoff = (dt.date.fromisoformat(s.today) - dt.timedelta(days=s.quiet_days)).isoformat()
    out = []
    for sid in s.names:
        last = s.per_station.get(sid, (0, ""))[1]
        if last <= cutoff:
            out.append((sid, last))
    return out


def _table(head: list[str], rows: list[list[str | int]], numeric: set[int]) -> str:
    """An HTML table; cells escaped, numbers right-aligned with thousands separators."""
    th = "".join(f"<th{' class=n' if i in numeric else ''}>{escape(h)}</th>" for i, h in enumerate(head))
    body = "".join(
        "<tr>" + "".join(
            f"<td class=n>{c:,}</td>" if isinstance(c, int) else f"<td>{escape(str(c))}</td>" for c in r
        ) + "</tr>"
        for r in rows
    )  # fmt: skip
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def render_html(s: Summary, export_href: str = "checkins.csv", stations_href: str = "stations.html") -> str:
    """The report's main page."""
    by_city: Counter[str] = Counter()
    by_district: Counter[str] = Counter()
    for sid, (n, _) in s.per_station.items():
        _, city, district = _place(s, sid)
        by_city[city] += n
        by_district[f"{city} {district}"] += n
    quiet = quiet_stations(s)
    purposes = [(p, n) for p, n in s.per_purpose]
    sources = [(SOURCE_ZH.get(src, src), n) for src, n in s.per_source]
    latest = [[at.replace("T", " ")[:16], _place(s, sid)[0], name, mask_phone(phone), purpose, SOURCE_ZH.get(src, src)]
              for at, sid, name, phone, purpose, src in s.latest]  # fmt: skip
    quiet_rows = [[_place(s, sid)[1], _place(s, sid)[2], _place(s, sid)[0], last or "从未"] for sid, last in quiet]
    quiet_rows.sort()
    parts = [
        (f"<h1>签到统计</h1><p>截至 {escape(s.today)}，共 <strong>{s.total:,}</strong> 人次签到，"
        f"{len(s.per_station):,} 个驿站有签到。</p>"),
        (f'<p><a href="{escape(export_href)}">下载全部签到记录（CSV，Excel 可直接打开）</a> · ' if export_href else "<p>")
        + f'<a href="{escape(stations_href)}">各驿站明细</a></p>',
        "<h2>每日签到人次</h2>", line_chart(s.per_day, "每日签到人次"),
        "<h2>各市签到人次</h2>", bar_chart(list(by_city.items()), "各市签到人次"),
        _table(["城市", "人次"], [[c, n] for c, n in sorted(by_city.items(), key=lambda kv: -kv[1])], {1}),
        "<h2>各区县签到人次</h2>", bar_chart(list(by_district.items()), "各区县签到人次（前 30）"),
        _table(["区县", "人次"], [[d, n] for d, n in sorted(by_district.items(), key=lambda kv: -kv[1])], {1}),
        "<h2>签到事由</h2>", bar_chart(purposes, "签到事由"), _table(["事由", "人次"], [[p, n] for p, n in purposes], {1}),
        "<h2>签到方式</h2>", bar_chart(sources, "签到方式"), _table(["方式", "人次"], [[p, n] for p, n in sources], {1}),
        f"<h2>近 {s.quiet_days} 天没有签到的驿站（{len(quiet):,} 个）</h2>",
        _table(["城市", "区县", "驿站", "最近签到"], quiet_rows[:500], set()) if quiet_rows else '<p class="empty">无</p>',
        '<p class="note">仅列出前 500 个；完整名单见 quiet-stations.csv。</p>' if len(quiet_rows) > 500 else "",
        "<h2>最近签到（手机号已隐去）</h2>",
        _table(["时间", "驿站", "姓名", "手机", "事由", "方式"], latest, set()),
    ]  # fmt: skip
    return page("签到统计", "".join(parts))


def render_stations(s: Summary) -> str:
    """Every station's check-in count and last day, by city and district (a table and the top 30 as bars)."""
    ids = set(s.per_station) | set(s.names)
    rows = [[*_place(s, sid)[1:], _place(s, sid)[0], s.per_station.get(sid, (0, ""))[0],
             s.per_station.get(sid, (0, ""))[1] or "从未"] for sid in ids]  # fmt: skip
    rows.sort(key=lambda r: (str(r[0]), str(r[1]), str(r[2])))
    chart = bar_chart([(_place(s, sid)[0], n) for sid, (n, _) in s.per_station.items()], "签到最多的 30 个驿站")
    body = "<h1>各驿站签到</h1>" + chart + _table(["城市", "区县", "驿站", "人次", "最近签到"], rows, {3})
    return page("各驿站签到", body)


def page(title: str, body: str) -> str:
    """A complete HTML page (no external resources)."""
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width,initial-scale=1"><title>{escape(title)}</title><style>{STYLE}</style>'
            f"</head><body>{body}</body></html>")  # fmt: skip


def export_sql(postgres: bool) -> tuple[str, str]:
    """(SQL expression, format) giving each check-in as one CSV line, built by the database in one format call per row.

    Ids, times, phones, purposes and sources were validated on the way in and need no quoting; the free-text
    columns are neutralised (the rule of records.neutralise) and always quoted. SQLite's printf doubles the
    quotes itself (%w); PostgreSQL's format gets them doubled by replace(). The query is the same otherwise.
    """
    risky = ", ".join("'" + ch.replace("'", "''") + "'" for ch in RISKY)
    args, cells = [], []
    for col in COLUMNS:
        if col not in FREE_TEXT:
            args.append(col)
            cells.append("%s")
            continue
        neutral = f"CASE WHEN substr({col}, 1, 1) IN ({risky}) THEN '''' || {col} ELSE {col} END"
        args.append(f"replace({neutral}, '\"', '\"\"')" if postgres else neutral)
        cells.append('"%s"' if postgres else '"%w"')
    return f"{'format' if postgres else 'printf'}(?, {', '.join(args)})", ",".join(cells) + "\r\n"


def export_chunks(db: HubDB) -> Iterator[bytes]:
    """Every check-in as CSV (UTF-8, BOM and header first, CRLF), in the order received, in chunks of bytes."""
    yield HEADER
    expr, fmt = export_sql(db.postgres)
    yield from db.concat(expr, "checkins", [fmt])


class _Cancelled(Exception):
    """The report failed elsewhere; the export stops."""


def _copy(chunks: Iterable[bytes], f: BinaryIO, stop: threading.Event) -> None:
    """Write `chunks` to `f` until they end or `stop` is set (then _Cancelled)."""
    for chunk in chunks:
        if stop.is_set():
            raise _Cancelled
        f.write(chunk)


def write_report(
    db: HubDB, stations: Network | Callable[[], Network | None] | None, out: Path, quiet_days: int = 30,
    export: bool = True,
) -> Summary:  # fmt: skip
    """Write index.html, stations.html, quiet-stations.csv and (with `export`) checkins.csv into `out` (0600).

    The export and the aggregate queries run in threads on connections of their own (the database works
    without Python's lock) while `stations` (a Network, or a function that loads it) is loaded; each file is an
    atomic_write that replaces the old one only when everything succeeded.
    """
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    stop = threading.Event()
    names = ["index.html", "stations.html", "quiet-stations.csv"] + (["checkins.csv"] if export else [])
    with contextlib.ExitStack() as files:  # on an error every temporary file goes and the old files stay
        f = {name: files.enter_context(atomic_write(out / name)) for name in names}
        with ThreadPoolExecutor(max_workers=4) as pool:  # left only once the export thread has stopped
            job = pool.submit(_copy, export_chunks(db), f["checkins.csv"], stop) if export else None
            queries = {name: pool.submit(run) for name, run in count_queries(db).items()}
            try:
                network = stations() if callable(stations) else stations
                s = summarise(db, network, quiet_days, counts={name: q.result() for name, q in queries.items()})
                f["index.html"].write(render_html(s, "checkins.csv" if export else "").encode())
                f["stations.html"].write(render_stations(s).encode())
                f["quiet-stations.csv"].write(_quiet_csv(s).encode())
                if job is not None:
                    job.result()
            except BaseException:
                stop.set()
                raise
    return s


def _quiet_csv(s: Summary) -> str:
    """The quiet stations as CSV text (BOM, header, cells neutralised)."""
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["城市", "区县", "驿站", "编号", "最近签到"])
    for sid, last in sorted(quiet_stations(s)):
        writer.writerow([neutralise(v) for v in (*_place(s, sid)[1:], _place(s, sid)[0], sid, last)])
    return buf.getvalue()
