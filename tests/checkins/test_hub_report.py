"""The report's CSV export and aggregates on SQLite and a real PostgreSQL, and a report that fails half-way."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.hubhelpers import ENV, ROOT, db_url, make_rows
from yizhan.checkins.hubdb import HubDB
from yizhan.checkins.records import COLUMNS, neutralise, restore
from yizhan.checkins.report import FREE_TEXT, export_chunks, summarise, write_report
from yizhan.stations.check import load_network


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HubDB]:
    hub = HubDB(db_url(request.param, tmp_path))
    yield hub
    hub.close()


def tricky_rows() -> list[dict[str, str]]:
    rows = make_rows(12)
    values = ['He said "hi", ok', "=1+2", "+86", "-5", "@cmd", "'quoted", '"', ",", "", '多 字, 中文"引号"', "a'b"]
    for i, value in enumerate(values):
        rows[i] |= {"home_org": value, "note": value, "device_id": value.replace(" ", "")[:20]}
        if value.strip():
            rows[i]["name"] = value
    return rows


def expected_csv(rows: list[dict[str, str]]) -> bytes:
    """The export written the slow, obvious way: free text neutralised and always quoted, CRLF, BOM."""
    lines = [",".join(COLUMNS)]
    for r in rows:
        cells = ['"' + neutralise(r[c]).replace('"', '""') + '"' if c in FREE_TEXT else r[c] for c in COLUMNS]
        lines.append(",".join(cells))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def test_export_bytes_are_exactly_the_neutralised_quoted_rows(db: HubDB) -> None:
    rows = tricky_rows()
    assert db.ingest(rows) == ["created"] * len(rows)
    data = b"".join(export_chunks(db))
    assert data == expected_csv(rows)
    got = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [tuple(map(restore, r)) for r in got[1:]] == [tuple(r[c] for c in COLUMNS) for r in rows]


def test_concat_keeps_the_order_stored_across_chunks(db: HubDB) -> None:
    rows = make_rows(25)
    db.ingest(rows[10:])
    db.ingest(rows[:10])
    ids = b"".join(db.concat("checkin_id || ';'", "checkins", size=4)).decode().split(";")[:-1]
    assert ids == [r["checkin_id"] for r in rows[10:] + rows[:10]]
    assert b"".join(HubDB(db.url).concat("checkin_id", "checkins WHERE 1 = 0", size=4)) == b""


def test_aggregates_and_latest(db: HubDB) -> None:
    rows = make_rows(40) + make_rows(3, station="wuxi-binhu-lihu")
    db.ingest(rows)
    s = summarise(db, None)
    assert s.total == 43 and sum(n for _, n in s.per_day) == 43
    assert s.per_station["wuxi-binhu-lihu"] == (3, "2026-06-03")
    kiosk = sum(r["source"] == "kiosk" for r in rows)
    assert dict(s.per_source) == {"kiosk": kiosk, "qr": 43 - kiosk}
    want = sorted(rows, key=lambda r: r["checkin_id"])  # newest first, then by id: as ORDER BY in the query
    want.sort(key=lambda r: r["checked_in_at"], reverse=True)
    assert [row[0] for row in s.latest] == [r["checked_in_at"] for r in want[:20]]
    assert [row[3] for row in s.latest] == [r["phone"] for r in want[:20]]


def test_a_report_that_fails_leaves_the_old_files_and_no_temporary_ones(tmp_path: Path) -> None:
    db = str(tmp_path / "hub.sqlite")
    HubDB(db).ingest(make_rows(30))
    shutil.copytree(ROOT / "stations", tmp_path / "stations")

    def report() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "yizhan.cli", "report", "--db", db, "--out", "out", "--stations",
                               "stations"], cwd=tmp_path, env=ENV, capture_output=True, text=True, check=False)  # fmt: skip

    assert report().returncode == 0
    before = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir() if p.is_file()}
    assert sorted(before) == ["checkins.csv", "index.html", "quiet-stations.csv", "stations.html"]
    HubDB(db).ingest(make_rows(5, start=30))
    bad = next((tmp_path / "stations").rglob("*.yml"))
    bad.write_text(bad.read_text(encoding="utf-8").replace("level: ", "levle: ", 1), encoding="utf-8")
    result = report()
    assert result.returncode == 1 and 'unknown field "levle"' in result.stderr and "Traceback" not in result.stderr
    after = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir() if p.is_file()}
    assert after == before


NANJING = ["玄武区", "秦淮区", "建邺区", "鼓楼区", "栖霞区", "江宁区"]  # GB/T 2260: 320102, 320104, 320105, 320106, 320113, 320115
WUXI = ["锡山区", "惠山区", "滨湖区", "梁溪区", "新吴区", "江阴市"]  # 320205, 320206, 320211, 320213, 320214, 320281
QUIET = [  # the demo's kiosk stations of the two cities, written out by hand: a city centre in its district's place
    ("南京市", "玄武区", "南京市流动党员服务中心"),
    ("南京市", "玄武区", "玄武区梅园新村街道流动党员服务驿站"),
    ("南京市", "建邺区", "建邺区沙洲街道流动党员服务驿站"),
    ("南京市", "江宁区", "江宁区东山街道流动党员服务驿站"),
    ("南京市", "江宁区", "殷巷社区智能制造产业园流动党员服务点位"),
    ("无锡市", "滨湖区", "滨湖区蠡湖街道流动党员服务驿站"),
    ("无锡市", "梁溪区", "无锡市流动党员服务中心"),
    ("无锡市", "梁溪区", "梁溪区崇安寺街道流动党员服务驿站"),
    ("无锡市", "梁溪区", "盐城市驻无锡流动党员服务驿站"),
    ("无锡市", "新吴区", "新吴区硕放街道流动党员服务驿站"),
    ("无锡市", "新吴区", "硕放工业园区流动党员服务点位"),
    ("无锡市", "江阴市", "江阴市澄江街道流动党员服务驿站"),
]


def _districts(rows: list[list[str]], city: str) -> list[str]:
    out: list[str] = []
    for r in rows:
        if r[0] == city and (not out or out[-1] != r[1]):
            out.append(r[1])
    return out


def test_report_lists_stations_in_the_official_district_order(tmp_path: Path) -> None:
    """stations.html, the folded quiet list of index.html and quiet-stations.csv: cities and districts in the GB/T 2260
    order (not by character code: 鼓楼区 after 建邺区, 江阴市 last in 无锡市), stations not in the network last, by id."""
    network = load_network(ROOT / "stations")
    db = HubDB(str(tmp_path / "hub.sqlite"))
    db.ingest(make_rows(2, station="zz-gone") + make_rows(1, station="aa-gone") + make_rows(3, station="nanjing-qinhuai-fuzimiao"))
    write_report(db, network, tmp_path / "out", export=False)
    db.close()

    def table(html: str, where: str) -> list[list[str]]:
        found = BeautifulSoup(html, "html.parser").select(f"{where} table tbody tr")
        return [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in found]

    stations = table((tmp_path / "out" / "stations.html").read_text(encoding="utf-8"), "main")
    assert len(stations) == len(network) + 2
    assert _districts(stations, "南京市") == NANJING
    assert _districts(stations, "无锡市") == WUXI
    assert [r[2] for r in stations if r[1] == "梁溪区"][:2] == ["无锡市流动党员服务中心", "梁溪区崇安寺街道流动党员服务驿站"]
    assert [r[2] for r in stations[-2:]] == ["aa-gone", "zz-gone"]
    assert next(r for r in stations if r[2] == "秦淮区夫子庙街道流动党员服务驿站")[3] == "3"

    quiet = table((tmp_path / "out" / "index.html").read_text(encoding="utf-8"), "#quiet")
    assert [tuple(r[:3]) for r in quiet if r[0] in ("南京市", "无锡市")] == QUIET
    with (tmp_path / "out" / "quiet-stations.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))[1:]
    assert [tuple(r[:3]) for r in rows] == [tuple(r[:3]) for r in quiet]
