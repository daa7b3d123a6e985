"""Hub reports: aggregates computed in SQL, rendered as HTML pages in the look of yizhan.look (summary first, charts,
latest check-ins, the quiet kiosk stations folded away), plus the CSV export."""

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
from yizhan.look import CHECK_IN, HOTLINE, HOTLINE_LABEL, css
from yizhan.stations.model import Network

from .charts import bar_list, column_chart
from .hubdb import DAY, HubDB
from .records import _RISKY as RISKY
from .records import CHINA, COLUMNS, neutralise
from .rows import HEADER, mask_phone

UNKNOWN = "（名录外）"
FREE_TEXT = ("name", "home_org", "note", "device_id")
SOURCE_ZH = {"kiosk": "驿站平板", "qr": "手机扫码"}
DAILY_DAYS = 30  # the daily chart's days, ending today
WEEK_DAYS = 7  # the summary's "last 7 days" (today included)
TITLE = f"{CHECK_IN}统计"


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
    # id -> (name, city, district), in the network's order by district (Network.by_city: cities and districts in the
    # official order, a city centre in its district's place): the order of every list of stations here (_order)
    names: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    kiosks: frozenset[str] = frozenset()  # ids of the stations with `kiosk: true` (a tablet that should be used)


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
    kiosks: frozenset[str] = frozenset()
    if network is not None:
        names = {s.id: (s.name, s.region.city, s.region.district)
                 for districts in network.by_city().values() for stations in districts.values() for s in stations}  # fmt: skip
        kiosks = frozenset(s.id for s in network.stations.values() if s.kiosk)
    return Summary(
        total=sum(n for _, n in per_day), per_day=per_day, per_station=per_station, per_purpose=per_purpose,
        per_source=per_source, latest=counts["latest"], today=(today or dt.datetime.now(CHINA).date()).isoformat(),
        quiet_days=quiet_days, names=names, kiosks=kiosks,
    )  # fmt: skip


def _place(s: Summary, sid: str) -> tuple[str, str, str]:
    """(name, city, district) of a station id, or placeholders for ids not in the station list."""
    return s.names.get(sid, (sid, UNKNOWN, UNKNOWN))


def _order(s: Summary) -> Callable[[str], tuple[int, str]]:
    """The sort key of a station id: its place in the network's order (Summary.names), ids not in the network last,
    by id; linear, no pinyin per row."""
    position = {sid: i for i, sid in enumerate(s.names)}
    return lambda sid: (position[sid], "") if sid in position else (len(position), sid)


def quiet_stations(s: Summary) -> list[tuple[str, str]]:
    """(station id, last day or '') of listed kiosk stations (`kiosk: true`) with no check-in in the last `quiet_days`
    days, in the network's order: a station without a tablet has nothing to be quiet about."""
    cutoff = (dt.date.fromisoformat(s.today) - dt.timedelta(days=s.quiet_days)).isoformat()
    out = []
    for sid in s.names:
        if sid not in s.kiosks:
            continue
        last = s.per_station.get(sid, (0, ""))[1]
        if last <= cutoff:
            out.append((sid, last))
    return out


def _table(head: list[str], rows: list[list[str | int]], numeric: set[int]) -> str:
    """An HTML table (.yz-table: rows stack into labelled cards on a phone); cells escaped, numbers right-aligned
    with thousands separators."""
    num = ' class="yz-num"'
    th = "".join(f'<th scope="col"{num if i in numeric else ""}>{escape(h)}</th>' for i, h in enumerate(head))
    body = "".join(
        "<tr>" + "".join(
            f'<td class="yz-num" data-label="{escape(head[i])}">{c:,}</td>' if isinstance(c, int)
            else f'<td data-label="{escape(head[i])}">{escape(str(c))}</td>'
            for i, c in enumerate(r)
        ) + "</tr>"
        for r in rows
    )  # fmt: skip
    return f'<table class="yz-table"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


@dataclass(frozen=True)
class Links:
    """Where the report's pages are: files side by side (the written report) or the hub's admin routes."""

    home: str = "index.html"
    stations: str = "stations.html"
    export: str = "checkins.csv"  # '' when there is no export
    logout: str = ""  # the hub's logout; '' in the written report (nothing to log out of)
    stylesheet: str = ""  # a served look.css; '' embeds it (the written report is files that open anywhere)


SERVED = Links(home="/admin", stations="/admin/stations", export="/admin/checkins.csv", logout="/admin/logout",
               stylesheet="/static/look.css")  # fmt: skip


def _figures(items: list[tuple[str, str, str]]) -> str:
    """Key figures: (id, label, value)."""
    return '<dl class="yz-figures">' + "".join(
        f'<div class="yz-figure"><dt class="yz-figure__label">{escape(label)}</dt>'
        f'<dd class="yz-figure__value" id="{key}">{escape(value)}</dd></div>'
        for key, label, value in items
    ) + "</dl>"  # fmt: skip


def _days(s: Summary) -> tuple[list[tuple[str, int]], int, int, int]:
    """(the last DAILY_DAYS days as (M月D日, count), today's count, the last 7 days' count, stations with a check-in
    in the last 7 days)."""
    today = dt.date.fromisoformat(s.today)
    counts = dict(s.per_day)
    days = [today - dt.timedelta(days=k) for k in range(DAILY_DAYS - 1, -1, -1)]
    daily = [(f"{d.month}月{d.day}日", counts.get(d.isoformat(), 0)) for d in days]
    week_start = (today - dt.timedelta(days=WEEK_DAYS - 1)).isoformat()
    week = sum(n for d, n in s.per_day if week_start <= d <= s.today)
    active = sum(1 for n, last in s.per_station.values() if n and last >= week_start)
    return daily, counts.get(s.today, 0), week, active


def _months(s: Summary) -> list[tuple[str, int]]:
    """Check-ins per month, every month from the first with a check-in to this one (none missing)."""
    if not s.per_day:
        return []
    per: Counter[str] = Counter()
    for d, n in s.per_day:
        per[d[:7]] += n
    year, month = int(s.per_day[0][0][:4]), int(s.per_day[0][0][5:7])
    end = max(s.today[:7], s.per_day[-1][0][:7])
    out = []
    while f"{year:04d}-{month:02d}" <= end:
        out.append((f"{year}年{month}月", per.get(f"{year:04d}-{month:02d}", 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def render_html(s: Summary, links: Links = Links()) -> str:
    """The report's main page: a summary first (today, the last 7 days, active stations), the daily chart and the
    latest check-ins, then the breakdowns, and the quiet kiosk stations folded away at the end."""
    by_city: Counter[str] = Counter()
    by_district: Counter[str] = Counter()
    for sid, (n, _) in s.per_station.items():
        _, city, district = _place(s, sid)
        by_city[city] += n
        by_district[f"{city} {district}"] += n
    quiet = quiet_stations(s)
    sources = [(SOURCE_ZH.get(src, src), n) for src, n in s.per_source]
    latest = [[at.replace("T", " ")[:16], _place(s, sid)[0], name, mask_phone(phone), purpose, SOURCE_ZH.get(src, src)]
              for at, sid, name, phone, purpose, src in s.latest]  # fmt: skip
    quiet_rows: list[list[str | int]] = [[*_place(s, sid)[1:], _place(s, sid)[0], last or "从未"] for sid, last in quiet]
    daily, today, week, active = _days(s)
    months = _months(s)
    ways = [f'<a class="yz-button yz-button--quiet" href="{escape(links.stations)}">各驿站明细</a>']
    if links.export:
        ways.insert(
            0,
            f'<a class="yz-button yz-button--quiet" href="{escape(links.export)}" download>下载全部{CHECK_IN}记录（CSV，Excel 可直接打开）</a>',
        )
    districts = sorted(by_district.items(), key=lambda kv: -kv[1])
    parts = [
        f"<h1>{TITLE}</h1>",
        _figures(
            [
                ("today-count", f"今天（{s.today}）", f"{today:,} 人次"),
                ("week-count", f"近 {WEEK_DAYS} 天", f"{week:,} 人次"),
                ("active-count", f"近 {WEEK_DAYS} 天有{CHECK_IN}的驿站", f"{active:,} 个"),
            ]
        ),
        (
            f'<p id="totals">截至 {escape(s.today)}，共 <strong>{s.total:,}</strong> 人次{CHECK_IN}，'
            f"{len(s.per_station):,} 个驿站有{CHECK_IN}。</p>"
        ),
        '<p class="yz-ways">' + "".join(ways) + "</p>",
        f"<h2>近 {DAILY_DAYS} 天每日{CHECK_IN}人次</h2>",
        column_chart(daily, f"近 {DAILY_DAYS} 天每日{CHECK_IN}人次"),
        f"<h2>最近{CHECK_IN}（手机号已隐去）</h2>",
        _table(["时间", "驿站", "姓名", "手机", "事由", "方式"], latest, set()) if latest else '<p class="yz-muted">暂无</p>',
    ]
    if months and len(months) > 1:
        parts += [f"<h2>每月{CHECK_IN}人次</h2>", column_chart(months, f"每月{CHECK_IN}人次")]
    parts += [
        f"<h2>各市{CHECK_IN}人次</h2>",
        bar_list(list(by_city.items()), f"各市{CHECK_IN}人次"),
        f"<h2>各区县{CHECK_IN}人次</h2>",
        bar_list(districts, f"各区县{CHECK_IN}人次（前 30）"),
    ]
    if len(districts) > 30:
        parts.append(
            f'<details class="yz-details"><summary>全部 {len(districts):,} 个区县</summary>'
            + _table(["区县", "人次"], [[d, n] for d, n in districts], {1})
            + "</details>"
        )
    parts += [
        f"<h2>{CHECK_IN}事由</h2>", bar_list(list(s.per_purpose), f"{CHECK_IN}事由"),
        f"<h2>{CHECK_IN}方式</h2>", bar_list(sources, f"{CHECK_IN}方式"),
        f"<h2>近 {s.quiet_days} 天没有{CHECK_IN}的自助{CHECK_IN}驿站</h2>",
        f'<details class="yz-details" id="quiet"><summary>共 {len(quiet):,} 个' + ("（展开查看名单）" if quiet_rows else "") + "</summary>"
        + (_table(["城市", "区县", "驿站", f"最近{CHECK_IN}"], quiet_rows[:500], set()) if quiet_rows else '<p class="yz-muted">无</p>')
        + ('<p class="yz-muted">仅列出前 500 个；完整名单见 quiet-stations.csv。</p>' if len(quiet_rows) > 500 else "")
        + "</details>",
    ]  # fmt: skip
    return page(TITLE, "".join(parts), links)


def render_stations(s: Summary, links: Links = Links()) -> str:
    """Every station's check-in count and last day, by city and district in the network's order, stations not in the
    network last by id (the top 30 as bars, then a table)."""
    ids = sorted(set(s.per_station) | set(s.names), key=_order(s))
    rows: list[list[str | int]] = [[*_place(s, sid)[1:], _place(s, sid)[0], s.per_station.get(sid, (0, ""))[0],
                                    s.per_station.get(sid, (0, ""))[1] or "从未"] for sid in ids]  # fmt: skip
    chart = bar_list([(_place(s, sid)[0], n) for sid, (n, _) in s.per_station.items()], f"{CHECK_IN}最多的 30 个驿站")
    body = (f'<p><a class="yz-button yz-button--quiet" href="{escape(links.home)}" id="back">← 返回{TITLE}</a></p>'
            f"<h1>各驿站{CHECK_IN}</h1><h2>{CHECK_IN}最多的 30 个驿站</h2>" + chart
            + "<h2>全部驿站</h2>" + _table(["城市", "区县", "驿站", "人次", f"最近{CHECK_IN}"], rows, {3}))  # fmt: skip
    return page(f"各驿站{CHECK_IN}", body, links)


def page(title: str, body: str, links: Links | None = Links(), stylesheet: str | None = None) -> str:
    """A complete HTML page in the one look (header with 首页/驿站/退出, footer with the hotline); no external
    resources: look.css is embedded, or linked from the hub itself (`links.stylesheet`). `links` None: no nav."""
    href = stylesheet if stylesheet is not None else (links.stylesheet if links else "")
    style = f'<link rel="stylesheet" href="{escape(href)}">' if href else f"<style>{css()}</style>"
    nav = ""
    home = links.home if links else ""
    if links:
        items = [(links.home, "首页"), (links.stations, "驿站")] + ([(links.logout, "退出")] if links.logout else [])
        nav = '<nav aria-label="报到统计">' + "".join(f'<a href="{escape(h)}">{w}</a>' for h, w in items) + "</nav>"
    brand = f'<a href="{escape(home)}">流动党员服务驿站 · {TITLE}</a>' if home else f"流动党员服务驿站 · {TITLE}"
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>{escape(title)}</title>'
            f'{style}</head><body class="yz-page"><header class="yz-header"><div class="yz-header__inner">'
            f'<p class="yz-header__title">{brand}</p>{nav}</div></header><main class="yz-main" id="main">{body}</main>'
            f'<footer class="yz-footer"><p>流动党员服务驿站 · {HOTLINE_LABEL} <a class="yz-tel" href="tel:{HOTLINE}">{HOTLINE}</a></p>'
            "</footer></body></html>")  # fmt: skip


def message(title: str, text: str, way: tuple[str, str] | None = None, stylesheet: str = "/static/look.css") -> str:
    """A short Chinese page of the hub (password needed, locked out, logged out), with a way on (href, words)."""
    link = f'<p class="yz-ways"><a class="yz-button" href="{escape(way[0])}">{escape(way[1])}</a></p>' if way else ""
    return page(title, f"<h1>{escape(title)}</h1><p>{escape(text)}</p>{link}", None, stylesheet)


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
                f["index.html"].write(render_html(s, Links(export="checkins.csv" if export else "")).encode())
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
    writer.writerow(["城市", "区县", "驿站", "编号", f"最近{CHECK_IN}"])
    for sid, last in quiet_stations(s):  # in the network's order
        writer.writerow([neutralise(v) for v in (*_place(s, sid)[1:], _place(s, sid)[0], sid, last)])
    return buf.getvalue()
