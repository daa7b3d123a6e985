"""The cache of checked station files: the same Network as load_network, never a stale station."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from yizhan.errors import CheckFailed
from yizhan.stations.cache import _read, cache_key, cached_network
from yizhan.stations.check import load_network
from yizhan.stations.model import Network

ROOT = Path(__file__).resolve().parents[2]
HUAYANG = "zhenjiang/jurong/zhenjiang-jurong-huayang.yml"
OLD = 1_700_000_000  # an mtime long past


def stations(tmp_path: Path) -> Path:
    """A copy of the demo stations whose files all look untouched for years."""
    root = tmp_path / "stations"
    shutil.copytree(ROOT / "stations", root)
    for path in root.rglob("*.yml"):
        os.utime(path, (OLD, OLD))
    return root


def same(a: Network, b: Network) -> bool:
    """Equal stations (every field, children included) in the same order."""
    return list(a.stations.items()) == list(b.stations.items())


def test_cached_network_equals_the_checked_one_and_fills_the_cache(tmp_path: Path) -> None:
    root, cache = stations(tmp_path), tmp_path / "out" / ".cache" / "stations.pickle"
    first = cached_network(root, "stations", cache, racy_ns=0)
    assert same(first, load_network(root, "stations")) and len(first) == 77
    assert len(_read(cache, cache_key())) == 77 and cache.stat().st_mode & 0o777 == 0o600
    again = cached_network(root, "stations", cache, racy_ns=0)
    assert same(again, first) and list(again.stations) == list(first.stations)
    elsewhere = cached_network(root, "elsewhere/", cache, racy_ns=0)  # the same folder, named another way
    assert same(elsewhere, load_network(root, "elsewhere/"))
    assert elsewhere.stations["zhenjiang-jurong-huayang"].path == "elsewhere/" + HUAYANG


def test_an_edit_with_the_same_size_and_mtime_is_seen(tmp_path: Path) -> None:
    root, cache = stations(tmp_path), tmp_path / ".cache" / "stations.pickle"
    cached_network(root, "stations", cache, racy_ns=0)
    path = root / HUAYANG
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("华阳街道流动党员", "华阳街道流动团员"), encoding="utf-8")  # same byte length
    os.utime(path, (OLD, OLD))  # mtime put back: only the change time tells
    network = cached_network(root, "stations", cache, racy_ns=0)
    assert network.stations["zhenjiang-jurong-huayang"].name == "句容市华阳街道流动团员服务驿站"
    assert same(network, load_network(root, "stations"))


def test_recent_files_are_never_cached(tmp_path: Path) -> None:
    root, cache = stations(tmp_path), tmp_path / ".cache" / "stations.pickle"
    cached_network(root, "stations", cache)  # the copies were just made: their change time is now
    assert _read(cache, cache_key()) == {}


def test_added_removed_and_broken_files(tmp_path: Path) -> None:
    root, cache = stations(tmp_path), tmp_path / ".cache" / "stations.pickle"
    cached_network(root, "stations", cache, racy_ns=0)
    leaf = next(p for p in sorted(root.rglob("*.yml")) if "center" not in p.name and p.name != Path(HUAYANG).name)
    shutil.copy2(leaf, root / "copy.yml")
    with pytest.raises(CheckFailed) as cached_err:
        cached_network(root, "stations", cache, racy_ns=0)  # duplicate id: the full check's messages
    with pytest.raises(CheckFailed) as full_err:
        load_network(root, "stations")
    assert str(cached_err.value) == str(full_err.value) and "duplicate id" in str(cached_err.value)
    (root / "copy.yml").unlink()
    leaf_id = load_network(root, "stations")
    assert len(cached_network(root, "stations", cache, racy_ns=0)) == len(leaf_id) == 77
    path = root / HUAYANG
    path.write_text(path.read_text(encoding="utf-8").replace("level: station", "level: stasion"), encoding="utf-8")
    with pytest.raises(CheckFailed) as cached_err:
        cached_network(root, "stations", cache, racy_ns=0)
    with pytest.raises(CheckFailed) as full_err:
        load_network(root, "stations")
    assert str(cached_err.value) == str(full_err.value) and "stasion" in str(cached_err.value)
    path.unlink()
    with pytest.raises(CheckFailed) as cached_err:  # its children lose their parent
        cached_network(root, "stations", cache, racy_ns=0)
    assert "parent" in str(cached_err.value)


def test_a_cache_others_can_write_is_not_read(tmp_path: Path) -> None:
    root, cache = stations(tmp_path), tmp_path / ".cache" / "stations.pickle"
    cached_network(root, "stations", cache, racy_ns=0)
    cache.chmod(0o666)
    assert _read(cache, cache_key()) == {}
    cache.write_bytes(b"not a pickle")
    cache.chmod(0o600)
    assert _read(cache, cache_key()) == {} and len(cached_network(root, "stations", cache, racy_ns=0)) == 77
    assert len(_read(cache, cache_key())) == 77
    assert _read(cache, "another version of yizhan") == {}


def test_unchanged_files_are_not_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of the cache: a second run parses nothing, and after one edit only that file."""
    from yizhan.stations import cache as netcache

    root, cache = stations(tmp_path), tmp_path / "out" / ".cache" / "stations.pickle"
    parsed: list[str] = []
    real = netcache.check_file
    monkeypatch.setattr(netcache, "check_file", lambda path, shown, **kw: parsed.append(path.name) or real(path, shown, **kw))
    cached_network(root, "stations", cache, racy_ns=0)
    assert len(parsed) == 77
    parsed.clear()
    assert same(cached_network(root, "stations", cache, racy_ns=0), load_network(root, "stations")) and parsed == []
    path = root / HUAYANG
    path.write_text(path.read_text(encoding="utf-8").replace("华阳", "华阳新"), encoding="utf-8")
    again = cached_network(root, "stations", cache, racy_ns=0)
    assert parsed == [path.name] and same(again, load_network(root, "stations"))
