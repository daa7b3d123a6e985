"""Vocabularies of the station format: levels and datums (fixed), and the default list of services."""

from __future__ import annotations

#: Station levels, top to bottom, with their Chinese labels.
LEVELS: dict[str, str] = {
    "center": "市级中心",
    "station": "区镇驿站",
    "window": "村社窗口",
    "point": "小区点位",
}
LEVEL_ORDER: list[str] = list(LEVELS)

#: The level a station's parent must have.
PARENT_LEVEL: dict[str, str | None] = {"center": None, "station": "center", "window": "station", "point": "window"}

DATUMS: dict[str, str] = {"wgs84": "WGS-84 (GPS)", "gcj02": "GCJ-02 (高德/腾讯)"}

#: The services a station may offer when mkdocs.yml names none (`services:` under `plugins: - yizhan:` replaces it;
#: the code that checks stations takes the project's list as a parameter and falls back to this one).
SERVICES: list[str] = [
    "报到登记",
    "组织关系转接",
    "党员活动",
    "学习教育",
    "政策咨询",
    "就业帮扶",
    "困难帮扶",
    "权益维护",
    "志愿服务",
    "党费收缴",
    "证明开具",
    "法律援助",
    "心理疏导",
    "技能培训",
]
