"""Tests for yizhan.stations.demo: synthetic province data is valid, complete and deterministic."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from yizhan.errors import YizhanError
from yizhan.stations.demo import CITIES, generate, render
from yizhan.stations.vocab import LEVELS, PARENT_LEVEL, SERVICES

BASE_KEYS = {"id", "name", "level", "operator", "region", "address", "location", "hours", "hotlines", "services",
             "kiosk", "updated"}
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-\d{7,8}$")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def _load(out: Path) -> dict[Path, dict[str, Any]]:
    """Every station file under `out`, parsed."""
    return {p: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(out.rglob("*.yml"))}


def _snapshot(out: Path) -> dict[str, bytes]:
    """Relative path → bytes of every file under `out`."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _check(docs: dict[Path, dict[str, Any]], out: Path) -> dict[str, dict[str, Any]]:
    """Assert the format contract for every station; return them by id."""
    by_id: dict[str, dict[str, Any]] = {}
    codes = {c[0]: c[2] for c in CITIES}
    for path, d in docs.items():
        assert isinstance(d, dict)
        level = d["level"]
        assert level in LEVELS
        expected = BASE_KEYS | ({"parent"} if level != "center" else set())
        assert set(d) - {"contacts"} == expected, path
        assert ID_RE.match(d["id"]) and len(d["id"]) <= 64
        assert d["id"] not in by_id
        by_id[d["id"]] = d
        assert path.name == f"{d['id']}.yml"
        city = d["region"]["city"]
        assert city in codes
        rel = path.relative_to(out).parts
        assert len(rel) == (2 if level == "center" else 3)
        assert set(d["region"]) == ({"city", "district"} if level == "center" else {"city", "district", "town"})
        assert all(isinstance(v, str) and v for v in d["region"].values())
        assert d["name"].endswith(("中心", "驿站", "窗口", "点位")) and d["operator"].startswith("中共")
        assert d["address"].startswith(city + d["region"]["district"])
        lat, lon = d["location"]["lat"], d["location"]["lon"]
        assert isinstance(lat, float) and isinstance(lon, float)
        assert 30 <= lat <= 36 and 116 <= lon <= 122
        assert isinstance(d["hours"], str) and d["hours"]
        assert d["hotlines"] and all(set(h) == {"number", "label"} for h in d["hotlines"])
        for h in d["hotlines"]:
            assert isinstance(h["number"], str)
            assert h["number"] == "12371" or (LANDLINE_RE.match(h["number"]) and h["number"].startswith(codes[city] + "-"))
        assert 0 < len(d.get("contacts", [None])) <= 2
        for c in d.get("contacts", []):
            assert set(c) == {"name", "role", "phone"} and isinstance(c["phone"], str) and MOBILE_RE.match(c["phone"])
        assert 1 <= len(d["services"]) <= 5 and set(d["services"]) <= set(SERVICES)
        assert len(set(d["services"])) == len(d["services"])
        assert isinstance(d["kiosk"], bool)
        assert isinstance(d["updated"], datetime.date)
        assert render(d) == path.read_text(encoding="utf-8")  # text round-trips exactly
    for d in by_id.values():
        if d["level"] == "center":
            assert d["id"].endswith("-center") and "parent" not in d
        else:
            parent = by_id[d["parent"]]
            assert parent["level"] == PARENT_LEVEL[d["level"]]
            assert parent["region"]["city"] == d["region"]["city"]
    return by_id


def test_generate_200(tmp_path: Path) -> None:
    out = tmp_path / "new" / "province"
    assert generate(200, out) == 200
    docs = _load(out)
    assert len(docs) == 200
    by_id = _check(docs, out)
    assert {d["region"]["city"] for d in by_id.values()} == {c[0] for c in CITIES}
    for city, *_ in CITIES:
        assert {d["level"] for d in by_id.values() if d["region"]["city"] == city} == set(LEVELS)
    assert sum(d["level"] == "center" for d in by_id.values()) == 13
    assert "wuxi-center" in by_id and by_id["wuxi-center"]["region"]["city"] == "无锡市"
    names = [d["name"] for d in by_id.values()]
    assert len(set(names)) == len(names)
    assert 0 < sum(d["kiosk"] for d in by_id.values()) < 200


def test_deterministic(tmp_path: Path) -> None:
    generate(120, tmp_path / "a")
    generate(120, tmp_path / "b")
    generate(120, tmp_path / "c", seed=7)
    a, b, c = (_snapshot(tmp_path / x) for x in "abc")
    assert a == b
    assert a != c


def test_refuses_non_empty_folder(tmp_path: Path) -> None:
    out = tmp_path / "data"
    out.mkdir()
    (out / "keep.yml").write_text("id: keep\n", encoding="utf-8")
    before = _snapshot(out)
    with pytest.raises(YizhanError) as err:
        generate(10, out)
    assert str(err.value) == f"{out} is not empty: demo-data writes only into a new or empty folder"
    assert _snapshot(out) == before


def test_empty_folder_ok_and_bad_count(tmp_path: Path) -> None:
    assert generate(1, tmp_path) == 1
    assert [p.name for p in tmp_path.rglob("*.yml")] == ["nanjing-center.yml"]
    with pytest.raises(YizhanError, match="^--count must be at least 1$"):
        generate(0, tmp_path / "zero")
    assert not (tmp_path / "zero").exists()


@pytest.mark.parametrize("count", [5, 13, 20, 51, 52, 53])
def test_small_counts_valid(tmp_path: Path, count: int) -> None:
    out = tmp_path / "o"
    assert generate(count, out) == count
    by_id = _check(_load(out), out)
    assert len(by_id) == count
    if count >= 52:
        assert {d["level"] for d in by_id.values()} == set(LEVELS)
