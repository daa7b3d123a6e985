"""Small builders of station files for tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

CENTER = """\
id: test-center
name: 测试市流动党员服务中心
level: center
operator: 中共测试市委组织部
region: {city: 无锡市, district: 梁溪区}
address: 无锡市梁溪区解放路1号
location: {lat: 31.5700, lon: 120.3000}
hours: "Mo-Fr 08:30-17:30; PH off"
hotlines:
  - {number: "0510-82700000", label: 值班电话}
"""

STATION = """\
id: test-station
name: 梁溪区测试街道流动党员服务驿站
level: station
parent: test-center
operator: 中共无锡市梁溪区委组织部
region: {city: 无锡市, district: 梁溪区, town: 崇安寺街道}
address: 无锡市梁溪区中山路1号
location: {lat: 31.5789, lon: 120.3009}
hours: "Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off"
hotlines:
  - {number: "0510-82700001", label: 驿站值班电话}
  - {number: "12371", label: 党员服务热线}
contacts:
  - {name: 张丽, role: 红色联络员, phone: "13800000000"}
services: [报到登记, 组织关系转接]
kiosk: true
updated: 2026-11-01
"""


def write(root: Path, name: str, text: str) -> Path:
    """Write a station file (dedented) under root and return its path."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def network(root: Path, station: str = STATION) -> Path:
    """A valid two-station network (a center and one station) with `station` replacing the station file."""
    write(root, "center.yml", CENTER)
    write(root, "wuxi/station.yml", station)
    return root
