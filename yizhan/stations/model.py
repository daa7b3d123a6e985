"""The station model that the site, posters, kiosk and upload code build on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from yizhan.errors import Problem

from .vocab import LEVELS

if TYPE_CHECKING:
    from .hours import Hours


@dataclass(frozen=True)
class Hotline:
    """A phone line members may call."""

    number: str
    label: str
    tel: str


@dataclass(frozen=True)
class Contact:
    """A named liaison of the station (published on purpose)."""

    name: str
    role: str
    phone: str
    tel: str


@dataclass(frozen=True)
class Region:
    """Where a station is: city, district (or county-level city), town or street."""

    city: str
    district: str
    town: str


@dataclass
class Station:
    """One service station, with coordinates already in WGS-84."""

    id: str
    name: str
    level: str
    parent: str | None
    operator: str
    region: Region
    address: str
    lat: float
    lon: float
    hours: Hours | None
    hotlines: list[Hotline]
    contacts: list[Contact]
    services: list[str]
    kiosk: bool
    notes: str
    updated: dt.date | None
    path: str
    children: list[str] = field(default_factory=list)
    notes_html: str = ""  # the notes as sanitised HTML (yizhan.stations.notes), made once when the file is checked

    @property
    def level_zh(self) -> str:
        """The level's Chinese label."""
        return LEVELS[self.level]


@dataclass
class Network:
    """Every station, by id, in a stable order (city, district, level, name, id)."""

    stations: dict[str, Station]
    warnings: list[Problem] = field(default_factory=list)  # located warnings of the check, for the commands to print

    def __post_init__(self) -> None:
        order = {lvl: i for i, lvl in enumerate(LEVELS)}
        items = sorted(
            self.stations.values(),
            key=lambda s: (s.region.city, s.region.district, order[s.level], s.region.town, s.name, s.id),
        )
        self.stations = {s.id: s for s in items}
        for s in items:
            s.children = []
        for s in items:
            if s.parent in self.stations:
                self.stations[s.parent].children.append(s.id)

    def __len__(self) -> int:
        return len(self.stations)

    def by_city(self) -> dict[str, dict[str, list[Station]]]:
        """City → district → stations, in the network's order."""
        out: dict[str, dict[str, list[Station]]] = {}
        for s in self.stations.values():
            out.setdefault(s.region.city, {}).setdefault(s.region.district, []).append(s)
        return out
