"""The hub's ingest API and admin view on a real waitress server, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import csv
import io
import json

import pytest
from bs4 import BeautifulSoup

from tests.hubhelpers import admin_get, make_rows, post, stored
from yizhan.checkins.hub import MAX_BODY
from yizhan.checkins.hubdb import HubDB
from yizhan.checkins.records import COLUMNS, restore

STATION = "wuxi-liangxi-chongansi"


def body(rows: list) -> bytes:
    return json.dumps({"rows": rows}, ensure_ascii=False).encode()


def test_created_duplicate_conflict_invalid_in_one_batch(hub: tuple[str, HubDB, str]) -> None:
    url, db, token = hub
    rows = make_rows(3)
    status, answer = post(url, body(rows), token)
    assert status == 200 and [r["status"] for r in answer["results"]] == ["created"] * 3
    changed = {**rows[1], "name": "别人"}
    bad_phone = {**make_rows(1, start=10)[0], "phone": "12345"}
    missing = {k: v for k, v in make_rows(1, start=11)[0].items() if k != "purpose"}
    bad_time = {**make_rows(1, start=12)[0], "checked_in_at": "2026-06-16 09:15"}
    new = make_rows(1, start=13)[0]
    status, answer = post(url, body([rows[0], changed, bad_phone, missing, bad_time, "x", new]), token)
    assert status == 200
    assert [(r["status"], r["reason"]) for r in answer["results"]] == [
        ("duplicate", ""),
        ("conflict", "another check-in with this checkin_id and different content is stored; it was kept"),
        ("invalid", "phone: expected a mainland mobile number of 11 digits"),
        ("invalid", "missing column(s): purpose"),
        ("invalid", "checked_in_at: expected ISO 8601 with an offset, like 2026-06-16T09:15:02+08:00"),
        ("invalid", "a row must be a JSON object with the check-in columns"),
        ("created", ""),
    ]
    assert (answer["created"], answer["duplicate"], answer["conflict"], answer["invalid"]) == (1, 1, 1, 4)
    held = stored(db)
    assert len(held) == 4 and held[rows[1]["checkin_id"]] == tuple(rows[1][c] for c in COLUMNS)  # untouched


def test_same_id_twice_in_one_batch(hub: tuple[str, HubDB, str]) -> None:
    url, db, token = hub
    row = make_rows(1)[0]
    _, answer = post(url, body([row, row, {**row, "note": "改过"}]), token)
    assert [r["status"] for r in answer["results"]] == ["created", "duplicate", "conflict"]
    assert db.count() == 1


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, ("missing upload token: send 'Authorization: Bearer <token>' (the hub's admin makes one with: "
               "yizhan hub token add STATION_ID)")),
        ("Bearer nope", ("unknown upload token: check the token given for this station, or ask the hub's admin "
                        "for a new one (yizhan hub token add STATION_ID)")),
    ],
)  # fmt: skip
def test_missing_or_wrong_token_is_401(hub: tuple[str, HubDB, str], header: str | None, message: str) -> None:
    url, db, _ = hub
    headers = {"Authorization": header} if header else {}
    status, answer = post(url, body(make_rows(2)), None, **headers)
    assert (status, answer) == (401, {"error": message})
    assert db.count() == 0


def test_token_of_another_station_is_403_and_stores_nothing(hub: tuple[str, HubDB, str]) -> None:
    url, db, _ = hub
    other = db.add_token("nanjing-xuanwu-xinjiekou")
    status, answer = post(url, body(make_rows(2) + make_rows(1, "nanjing-xuanwu-xinjiekou")), other)
    assert status == 403
    assert answer["error"] == (
        "this token uploads only for station nanjing-xuanwu-xinjiekou; the batch has rows of "
        f"{STATION}. Nothing was stored: use the token made for the kiosk's own station."
    )
    assert db.count() == 0


def test_bodies_are_size_limited(hub: tuple[str, HubDB, str]) -> None:
    url, db, token = hub
    status, answer = post(url, b'{"rows": ["' + b"x" * (MAX_BODY + 10) + b'"]}', token)
    assert status == 413
    status, answer = post(url, body([{}] * 5001), token)
    assert (status, answer) == (413, {"error": "at most 5000 rows per request; this one has 5001"})
    status, answer = post(url, b"rows=1", token)
    assert status == 400 and answer["error"].startswith("the body is not valid JSON")
    assert db.count() == 0


def test_admin_view_needs_the_password_and_masks_phones(hub: tuple[str, HubDB, str]) -> None:
    url, db, token = hub
    rows = make_rows(5)
    rows[0] |= {"name": 'He said "hi", ok', "note": "-1", "device_id": "'x"}
    post(url, body(rows), token)
    status, page, _ = admin_get(url + "/admin")
    assert status == 403 and "yizhan hub admin-password" in page.decode()
    db.set_admin_password("correct horse battery")
    assert admin_get(url + "/admin")[0] == 401
    status, page, headers = admin_get(url + "/admin", "correct horse battery")
    assert status == 200 and "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    text = page.decode()
    soup = BeautifulSoup(text, "html.parser")
    assert "共 5 人次报到" in soup.get_text() and "签到" not in text
    assert soup.find("svg") is not None and not soup.find_all("script")
    assert "138****0001" in text and "13800000001" not in text
    assert not [t for t in soup.find_all(src=True)] and "http" not in text.replace('href="/admin', "")
    status, data, headers = admin_get(url + "/admin/checkins.csv", "correct horse battery")
    assert status == 200 and data.startswith(b"\xef\xbb\xbf")
    got = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(got[0]) == COLUMNS and len(got) == 6
    assert {r[4] for r in got[1:]} == {r["phone"] for r in rows}  # full phones only in the export
    assert {r[5] for r in got[1:]} == {"'=中共无锡市某支部"}  # formula neutralised
    assert sorted(tuple(map(restore, r)) for r in got[1:]) == sorted(tuple(r[c] for c in COLUMNS) for r in rows)


def test_admin_lockout_after_repeated_wrong_passwords(hub: tuple[str, HubDB, str]) -> None:
    url, db, _ = hub
    db.set_admin_password("correct horse battery")
    assert [admin_get(url + "/admin", "wrong")[0] for _ in range(10)] == [401] * 10
    status, _page, headers = admin_get(url + "/admin", "correct horse battery")
    assert status == 429 and headers["Retry-After"] == "300"


@pytest.mark.parametrize("with_stations", [False, True], ids=["self-check-in-off", "self-check-in-on"])
def test_unknown_addresses_get_a_chinese_page_or_json(tmp_path: object, with_stations: bool) -> None:
    """A person who types the hub's address gets a Chinese page with a way on (not Bottle's English error); the API's
    clients get JSON."""
    import urllib.error
    import urllib.request
    from pathlib import Path

    from tests.hubhelpers import hub_thread
    from yizhan.checkins.hub import make_hub
    from yizhan.stations.check import load_network

    root = Path(__file__).resolve().parents[2]
    network = load_network(root / "stations", "stations") if with_stations else None
    db = HubDB(str(Path(str(tmp_path)) / "hub.sqlite"))
    try:
        with hub_thread(make_hub(db, network)) as url:
            for path, kind in (("/", "text/html"), ("/nothing/here", "text/html"), ("/api/v1/nothing", "application/json")):
                with pytest.raises(urllib.error.HTTPError) as got:
                    urllib.request.urlopen(url + path, timeout=10)
                assert got.value.code == 404 and got.value.headers["Content-Type"].startswith(kind), path
                text = got.value.read().decode()
                if kind == "text/html":
                    page = BeautifulSoup(text, "html.parser")
                    assert page.h1.text == "没有这个页面" and page.html["lang"] == "zh-CN"
                    assert page.select_one("main a.yz-button")["href"] == "/admin"
                    assert page.select_one("footer a.yz-tel")["href"] == "tel:12371"
                else:
                    assert json.loads(text) == {"error": "no such address on the hub: /api/v1/nothing"}
    finally:
        db.close()
