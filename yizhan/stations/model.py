"""The station model that the site, posters, kiosk and upload code build on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from yizhan.errors import Problem

from .regions import RegionOrder
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
    """Every station, by id, in a stable order: city, the city centre first, district (yizhan.stations.regions:
    region_order, then the official GB/T 2260 code, then pinyin), level, town, name, id."""

    stations: dict[str, Station]
    warnings: list[Problem] = field(default_factory=list)  # located warnings of the check, for the commands to print
    region_order: RegionOrder = field(default_factory=RegionOrder)  # mkdocs.yml's region_order (order_regions)

    def __post_init__(self) -> None:
        items = sorted(self.stations.values(), key=self.region_order.station_key)
        self.stations = {s.id: s for s in items}
        for s in items:
            s.children = []
        for s in items:
            if s.parent in self.stations:
                self.stations[s.parent].children.append(s.id)

    def __len__(self) -> int:
        return len(self.stations)

    def order_regions(self, order: RegionOrder) -> None:
        """Put the stations in the order of mkdocs.yml's region_order (a no-op when it is the order they are in)."""
        if order != self.region_order:
            self.region_order = order
            self.__post_init__()

    def by_city(self) -> dict[str, dict[str, list[Station]]]:
        """City → district → stations, cities and districts in the network's region order (a city centre's district
        among the others, in its place), stations in the network's order."""
        out: dict[str, dict[str, list[Station]]] = {}
        for s in self.stations.values():
            out.setdefault(s.region.city, {}).setdefault(s.region.district, []).append(s)
        key = self.region_order.district_key
        return {city: {d: ds[d] for d in sorted(ds, key=lambda d, c=city: key(c, d))} for city, ds in out.items()}
