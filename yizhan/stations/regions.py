"""Region names: as file names (lowercase ASCII slugs from Chinese place names, unique within a list), and in order
(RegionOrder: region_order in mkdocs.yml, then the official GB/T 2260 codes, then pinyin)."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pypinyin import Style, lazy_pinyin

from .divisions import CITY_CODES, DISTRICT_CODES
from .vocab import LEVELS

if TYPE_CHECKING:
    from .model import Station

_LEVEL_INDEX = {lvl: i for i, lvl in enumerate(LEVELS)}

_SUFFIX = ("市", "区", "县", "旗")
SLUG_MAX = 60  # characters of a region slug (a file name): longer ones are cut and end in a hash of the name


def slug(name: str) -> str:
    """A lowercase ASCII slug from a Chinese place name: 梁溪区 → liangxi."""
    base = name[:-1] if len(name) > 2 and name.endswith(_SUFFIX) else name
    words = lazy_pinyin(base, errors="ignore") if base else []
    text = "".join(words).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "x"
    if len(text) > SLUG_MAX:  # a file name stays far below every file system's limit (255 bytes)
        text = text[: SLUG_MAX - 9].rstrip("-") + "-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return text


def unique_slugs(names: list[str]) -> dict[str, str]:
    """Slugs for distinct names, made unique with -2, -3 … in sorted-name order."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in sorted(set(names)):
        base = candidate = slug(name)
        n = 2
        while candidate in used:
            candidate = f"{base}-{n}"
            n += 1
        used.add(candidate)
        out[name] = candidate
    return out


# The order of cities and districts -------------------------------------------------------------------------------

_PLACE_SUFFIX = ("自治县", "自治旗", "市", "区", "县", "旗")


def _base(name: str) -> str:
    """A place name without its suffix, as stations also write it: 梁溪区 → 梁溪, 江阴市 → 江阴 (丰县 stays: one character
    would be left)."""
    for suffix in _PLACE_SUFFIX:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _without_city(city: str, district: str) -> str:
    """A district name without the city written before it: 无锡市梁溪区 → 梁溪区."""
    for prefix in sorted({city, _base(city) + "市", _base(city)}, key=len, reverse=True):
        if prefix and district.startswith(prefix) and len(district) - len(prefix) >= 2:
            return district[len(prefix) :]
    return district


_CITY_BY_BASE = {_base(name): code for name, code in CITY_CODES.items()}
_DISTRICT_BY_BASE = {_base(city): {_base(d): code for d, code in ds.items()} for city, ds in DISTRICT_CODES.items()}


@functools.lru_cache(maxsize=4096)
def pinyin_key(name: str) -> tuple[str, ...]:
    """A name's pinyin syllables with tone numbers, for the order of names the code table does not know."""
    return tuple(lazy_pinyin(name, style=Style.TONE3))


@dataclass(frozen=True)
class RegionOrder:
    """The order of cities and districts everywhere (region pages, hotline pages, the finder's picker, city PDFs,
    spreadsheets): first what mkdocs.yml's `region_order` lists, then the GB/T 2260 code (yizhan.stations.divisions),
    then pinyin. Names match with or without their suffix (梁溪区 or 梁溪) and with the city written before a district."""

    cities: tuple[str, ...] = ()  # cities placed first, in this order
    districts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # city -> its districts placed first, in order

    def __post_init__(self) -> None:
        object.__setattr__(self, "_cities", {_base(c): i for i, c in reversed(list(enumerate(self.cities)))})
        listed = {_base(c): {_base(_without_city(c, d)): i for i, d in reversed(list(enumerate(ds)))} for c, ds in self.districts.items()}
        object.__setattr__(self, "_districts", listed)
        object.__setattr__(self, "_keys", {})  # (city, district) -> district_key, (city,) -> city_key: 10,000 stations, few places

    def city_key(self, city: str) -> tuple[int, int, tuple[str, ...], str]:
        """Where a city goes: listed in region_order, else by its code, else by pinyin."""
        base = _base(city)
        if (i := self._cities.get(base)) is not None:  # type: ignore[attr-defined]
            return (0, i, (), city)
        if (code := _CITY_BY_BASE.get(base)) is not None:
            return (1, code, (), city)
        return (2, 0, pinyin_key(city), city)

    def district_key(self, city: str, district: str) -> tuple[int, int, tuple[str, ...], str]:
        """Where a district goes in its city: the city itself (no district) first, then listed in region_order, then
        by code, then by pinyin."""
        if not district:
            return (-1, 0, (), "")
        cbase, base = _base(city), _base(_without_city(city, district))
        if (i := self._districts.get(cbase, {}).get(base)) is not None:  # type: ignore[attr-defined]
            return (0, i, (), district)
        if (code := _DISTRICT_BY_BASE.get(cbase, {}).get(base)) is not None:
            return (1, code, (), district)
        return (2, 0, pinyin_key(district), district)

    def station_key(self, s: Station) -> tuple[Any, ...]:
        """A station's place: its city, the city centre first, its district, level, town, name and id."""
        city, district, keys = s.region.city, s.region.district, self._keys  # type: ignore[attr-defined]
        ckey = keys.get((city,)) or keys.setdefault((city,), self.city_key(city))
        dkey = keys.get((city, district)) or keys.setdefault((city, district), self.district_key(city, district))
        return (ckey, s.level != "center", dkey, _LEVEL_INDEX.get(s.level, len(_LEVEL_INDEX)), s.region.town, s.name, s.id)

    def sorted_cities(self, cities: Iterable[str]) -> list[str]:
        """Distinct city names in order."""
        return sorted(set(cities), key=self.city_key)

    def sorted_districts(self, city: str, districts: Iterable[str]) -> list[str]:
        """Distinct district names of one city in order."""
        return sorted(set(districts), key=lambda d: self.district_key(city, d))
