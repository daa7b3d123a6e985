"""Hostile or broken input to the hub (issue 11): a real waitress server, real SQLite and a real PostgreSQL."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hubhelpers import db_url, hub_thread, make_rows, post, stored
from yizhan.hub import make_hub
from yizhan.hubdb import HubDB

STATION = "wuxi-liangxi-chongansi"
PASSWORD = "correct horse battery"
EARLY = "checked_in_at: before 2026-01-01, when yizhan was first released: check the kiosk's date and time"
AHEAD = "checked_in_at: more than one day ahead of the hub's clock: check the kiosk's date and time"


@pytest.fixture(params=["sqlite", "postgresql"])
def hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, HubDB, str]]:
    """(base URL, database, token of STATION) of a hub served on 127.0.0.1."""
    db = HubDB(db_url(request.param, tmp_path))
    token = db.add_token(STATION)
    with hub_thread(make_hub(db)) as url:
        yield url, db, token
    db.close()


def statuses(answer: dict) -> list[tuple[str, str]]:
    return [(r["status"], r["reason"]) for r in answer["results"]]


def get(url: str, password: str | None = None) -> tuple[int, bytes, dict[str, str]]:
    """GET with HTTP Basic `password` (any user name): (status, body, headers)."""
    headers = {}
    if password is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(f"admin:{password}".encode()).decode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as resp:
            return resp.status, resp.read(), dict(resp.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read(), dict(err.headers)


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
