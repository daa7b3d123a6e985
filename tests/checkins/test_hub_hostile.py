"""Hostile or broken input to the hub (issue 11): a real waitress server, real SQLite and a real PostgreSQL."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import time
from pathlib import Path

from bs4 import BeautifulSoup

from tests.hubhelpers import admin_get, hub_thread, make_rows, post, stored
from yizhan.checkins.hub import make_hub
from yizhan.checkins.hubdb import HubDB
from yizhan.checkins.records import CHINA

STATION = "wuxi-liangxi-chongansi"
PASSWORD = "correct horse battery"
EARLY = "checked_in_at: before 2026-01-01, when yizhan was first released: check the kiosk's date and time"
AHEAD = "checked_in_at: more than one day ahead of the hub's clock: check the kiosk's date and time"


def statuses(answer: dict) -> list[tuple[str, str]]:
    return [(r["status"], r["reason"]) for r in answer["results"]]


def test_a_lone_surrogate_is_invalid_and_the_rest_of_the_batch_is_stored(hub: tuple[str, HubDB, str]) -> None:
    url, db, token = hub
    rows = make_rows(6)
    rows[1]["note"] = "x\ud800y"
    rows[2]["device_id"] = "tab\udfff"
    rows[3]["\udc00"] = "x"  # a column name the hub echoes in its reason
    rows[4]["checkin_id"] = "\ud800"  # an id the hub echoes in its answer
    data = json.dumps({"rows": rows}).encode("ascii")  # lone surrogates as JSON escapes, as a broken client sends them
    assert b'"note": "x\\ud800y"' in data
    status, answer = post(url, data, token)
    assert status == 200
    assert statuses(answer) == [
        ("created", ""),
        ("invalid", "note: not valid Unicode text (a lone surrogate)"),
        ("invalid", "device_id: not valid Unicode text (a lone surrogate)"),
        ("invalid", "unknown column(s): \udc00"),
        ("invalid", "checkin_id: not valid Unicode text (a lone surrogate)"),
        ("created", ""),
    ]
    assert answer["results"][4]["checkin_id"] == "\ud800"
    assert (answer["created"], answer["invalid"]) == (2, 4)
    assert set(stored(db)) == {rows[0]["checkin_id"], rows[5]["checkin_id"]}


def test_api_rows_are_cleaned_like_kiosk_rows_and_exported_neutralised(hub: tuple[str, HubDB, str]) -> None:
    url, db, token = hub
    db.set_admin_password(PASSWORD)
    row = {"checkin_id": "5b0e2a5c-6f3d-4c1e-9b7a-0d5e2f3a4b5c", "station_id": STATION,
           "checked_in_at": "2026-06-16T09:15:02+08:00", "name": "＝1+1", "phone": " 13812345678\u200b",
           "home_org": "  某村\u200b党支部\t ", "purpose": "报到登记\u3000", "note": "＝1+1", "source": "qr",
           "device_id": "tablet-1"}  # fmt: skip
    status, answer = post(url, json.dumps({"rows": [row]}).encode(), token)
    assert (status, statuses(answer)) == (200, [("created", "")])
    status, data, _ = admin_get(url + "/admin/checkins.csv", PASSWORD)
    assert status == 200
    assert data == (
        b"\xef\xbb\xbfcheckin_id,station_id,checked_in_at,name,phone,home_org,purpose,note,source,device_id\r\n"
        b"5b0e2a5c-6f3d-4c1e-9b7a-0d5e2f3a4b5c,wuxi-liangxi-chongansi,2026-06-16T09:15:02+08:00,\"'=1+1\",13812345678,"
        b"\"\xe6\x9f\x90\xe6\x9d\x91\xe5\x85\x9a\xe6\x94\xaf\xe9\x83\xa8\",\xe6\x8a\xa5\xe5\x88\xb0\xe7\x99\xbb\xe8\xae\xb0,"
        b"\"'=1+1\",qr,\"tablet-1\"\r\n"
    )  # "某村党支部", 报到登记: free-text cells are always quoted
    cleaned = {**row, "name": "=1+1", "phone": "13812345678", "home_org": "某村党支部", "purpose": "报到登记", "note": "=1+1"}
    # the raw row again and the row as a kiosk would have stored it are the same check-in: compared after cleaning
    status, answer = post(url, json.dumps({"rows": [row, cleaned, {**cleaned, "note": "=2"}]}).encode(), token)
    assert statuses(answer) == [
        ("duplicate", ""),
        ("duplicate", ""),
        ("conflict", "another check-in with this checkin_id and different content is stored; it was kept"),
    ]
    assert db.count() == 1


def test_kiosk_rows_are_sent_again_as_duplicates(hub: tuple[str, HubDB, str]) -> None:
    url, db, token = hub
    rows = make_rows(20)
    for _ in range(2):
        status, answer = post(url, json.dumps({"rows": rows}, ensure_ascii=False).encode(), token)
        assert status == 200
    assert answer["duplicate"] == 20 and db.count() == 20


def test_deeply_nested_json_is_400(hub: tuple[str, HubDB, str]) -> None:
    url, db, token = hub
    data = b'{"rows": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    status, answer = post(url, data, token)
    assert (status, answer) == (400, {"error": 'the body is JSON nested too deeply: expected {"rows": [...]} with one object per check-in'})
    assert db.count() == 0
    status, answer = post(url, json.dumps({"rows": make_rows(1)}).encode(), token)  # the hub still serves
    assert (status, answer["created"]) == (200, 1)


def test_check_in_times_before_the_first_release_or_ahead_of_the_hub_are_invalid(hub: tuple[str, HubDB, str]) -> None:
    url, db, token = hub
    now = dt.datetime.now(CHINA).replace(microsecond=0)
    times = ["0001-01-01T00:00:00+08:00", "1970-01-01T08:00:00+08:00", "2025-12-31T23:59:59+08:00",
             "2026-01-01T00:00:00+08:00", "2099-06-01T09:00:00+08:00", "9999-12-31T23:59:59+08:00",
             (now + dt.timedelta(hours=25)).isoformat(), (now + dt.timedelta(hours=23)).isoformat(),
             (now + dt.timedelta(hours=25)).astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")]  # fmt: skip
    rows = [{**r, "checked_in_at": at} for r, at in zip(make_rows(len(times)), times)]
    status, answer = post(url, json.dumps({"rows": rows}, ensure_ascii=False).encode(), token)
    assert status == 200
    assert statuses(answer) == [
        ("invalid", EARLY),
        ("invalid", EARLY),
        ("invalid", EARLY),
        ("created", ""),
        ("invalid", AHEAD),
        ("invalid", AHEAD),
        ("invalid", AHEAD),
        ("created", ""),
        ("invalid", AHEAD),
    ]
    assert set(stored(db)) == {rows[3]["checkin_id"], rows[7]["checkin_id"]}


def test_parallel_wrong_passwords_get_at_most_ten_checks(tmp_path: Path) -> None:
    """100 wrong passwords at once from one address: 10 are checked (401), the rest refused unchecked (429)."""
    db = HubDB(str(tmp_path / "hub.sqlite"))
    db.set_admin_password(PASSWORD)
    with hub_thread(make_hub(db), threads=16) as url:
        with concurrent.futures.ThreadPoolExecutor(100) as pool:
            codes = list(pool.map(lambda _: admin_get(url + "/admin", "wrong password")[0], range(100)))
        assert (codes.count(401), codes.count(429)) == (10, 90)
        status, page, headers = admin_get(url + "/admin", PASSWORD)
        text = BeautifulSoup(page, "html.parser").select_one("main").get_text(" ", strip=True)
        assert (status, text, headers["Retry-After"]) == (429, "请稍后再试 密码错误次数过多，请 5 分钟后再试。", "300")


def test_the_lock_ends_and_a_right_password_before_it_clears_the_count(tmp_path: Path) -> None:
    db = HubDB(str(tmp_path / "hub.sqlite"))
    db.set_admin_password(PASSWORD)
    with hub_thread(make_hub(db, lockout_seconds=3)) as url:
        assert [admin_get(url + "/admin", "wrong password")[0] for _ in range(9)] == [401] * 9
        assert admin_get(url + "/admin", PASSWORD)[0] == 200  # the tenth try, right: the count starts again
        first = time.monotonic()
        assert [admin_get(url + "/admin", "wrong password")[0] for _ in range(10)] == [401] * 10
        status, _, headers = admin_get(url + "/admin", PASSWORD)
        assert (status, headers["Retry-After"]) == (429, "3") and time.monotonic() - first < 3
        time.sleep(max(0.0, first + 3.2 - time.monotonic()))
        assert admin_get(url + "/admin", PASSWORD)[0] == 200
