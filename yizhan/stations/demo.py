"""Synthetic station data: a valid province of N stations for benchmarks and trying the tool at scale."""

from __future__ import annotations

import datetime
import itertools
import json
import math
import pathlib
import random
import re
from functools import lru_cache
from typing import Any

from pypinyin import lazy_pinyin

from yizhan.errors import YizhanError
from yizhan.i18n import _

from .vocab import LEVEL_ORDER, PARENT_LEVEL, SERVICES

#: name, pinyin, area code, centre lat, centre lon, weight (≈ population, millions), real districts.
CITIES: list[tuple[str, str, str, float, float, float, str]] = [
    ("南京市", "nanjing", "025", 32.0603, 118.7969, 9.5, "玄武区 秦淮区 建邺区 鼓楼区 江宁区 浦口区"),
    ("无锡市", "wuxi", "0510", 31.4912, 120.3119, 7.5, "梁溪区 滨湖区 新吴区 锡山区 惠山区 江阴市"),
    ("徐州市", "xuzhou", "0516", 34.2044, 117.2858, 9.0, "鼓楼区 云龙区 泉山区 铜山区 贾汪区 邳州市"),
    ("常州市", "changzhou", "0519", 31.8112, 119.9741, 5.3, "天宁区 钟楼区 新北区 武进区 金坛区 溧阳市"),
    ("苏州市", "suzhou", "0512", 31.2990, 120.5853, 12.9, "姑苏区 吴中区 相城区 虎丘区 吴江区 昆山市"),
    ("南通市", "nantong", "0513", 31.9802, 120.8943, 7.7, "崇川区 通州区 海门区 如皋市 启东市 海安市"),
    ("连云港市", "lianyungang", "0518", 34.5967, 119.2216, 4.6, "海州区 连云区 赣榆区 东海县"),
    ("淮安市", "huaian", "0517", 33.5510, 119.0153, 4.6, "清江浦区 淮安区 淮阴区 洪泽区"),
    ("盐城市", "yancheng", "0515", 33.3476, 120.1633, 6.7, "亭湖区 盐都区 大丰区 东台市"),
    ("扬州市", "yangzhou", "0514", 32.3942, 119.4129, 4.6, "广陵区 邗江区 江都区 仪征市 高邮市"),
    ("镇江市", "zhenjiang", "0511", 32.1878, 119.4250, 3.2, "京口区 润州区 丹徒区 丹阳市 扬中市 句容市"),
    ("泰州市", "taizhou", "0523", 32.4558, 119.9229, 4.5, "海陵区 高港区 姜堰区 兴化市 靖江市 泰兴市"),
    ("宿迁市", "suqian", "0527", 33.9631, 118.2752, 5.0, "宿城区 宿豫区 沭阳县 泗阳县 泗洪县"),
]
_PINYIN_FIX = {"盐都": "yandu"}
_A = "东西南北新和平安福兴华光明长永康宁春阳青金湖河江山林桥柳梅兰竹松石丰富德仁文红"
_B = "风阳华兴平安和宁山湖河桥塘港庄园湾浦泽坊营集口圩墩亭岗岭溪林滨"
_TOWN_SUFFIX, _VILLAGE_SUFFIX = ("街道", "街道", "镇"), ("村", "社区", "社区")
_ESTATES = "幸福 阳光 锦绣 和谐 翠竹 紫荆 金桂 银杏 香樟 玉兰 春晖 朝阳 滨江 碧水 蓝天 悦华 文昌 康乐 丽景 怡景".split()
_ESTATE_SUFFIX = ("小区", "花园", "家园", "苑", "新村", "公寓")
_ROADS = ("路", "路", "街", "大道")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
_GIVEN = "芳伟敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲红建国志文斌波辉鹏雪梅"
_ROLES = ("红色联络员", "驿站负责人", "党建指导员", "志愿者")
_HOURS = [
    ("Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off", 30),
    ("Mo-Fr 09:00-17:00; PH off", 30),
    ("Mo-Su 08:00-20:00", 20),
    ("Mo-Fr 08:30-17:30", 10),
    ("Mo-Sa 09:00-18:00; PH off", 8),
    ("24/7", 2),
]
_HOURS_TEXT, _HOURS_CUM = [h for h, _w in _HOURS], list(itertools.accumulate(w for _h, w in _HOURS))
_LEVEL_WEIGHTS = {"station": 8, "window": 31, "point": 61}
_SUFFIX = {"center": "流动党员服务中心", "station": "流动党员服务驿站", "window": "流动党员服务窗口", "point": "流动党员服务点位"}
_LINE_LABEL = {"center": "中心值班电话", "station": "驿站值班电话", "window": "窗口服务电话", "point": "点位联系电话"}
_RADIUS_KM = 20.0
_PLAIN_ID = re.compile(r"[a-z][a-z0-9-]*\Z")
_PLAIN_CJK = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff0-9]*\Z")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


# mobile prefixes that exist in China's numbering plan (libphonenumber's metadata), for the demo's contact numbers
_MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156",
                    "157", "158", "159", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189", "199")  # fmt: skip


def _mobile(a: int, b: int) -> str:
    """A mobile number from two random draws (the same draws as before, so the rest of a seed's province is unchanged)."""
    return _MOBILE_PREFIXES[(a * 7 + b // 10**8) % len(_MOBILE_PREFIXES)] + f"{b % 10**8:08d}"


@lru_cache(maxsize=None)
def _slug(text: str) -> str:
    """Lowercase ASCII pinyin slug of a Chinese word, e.g. 梁溪 → liangxi."""
    if text in _PINYIN_FIX:
        return _PINYIN_FIX[text]
    return re.sub(r"[^a-z0-9]", "", "".join(lazy_pinyin(text)).lower()) or "x"


def _scalar(value: Any, exact: bool = False) -> str:
    """One YAML scalar: plain where it is safe to read back as the same value, else double-quoted (floats: 5 decimals,
    or as Python writes them when `exact`)."""
    if isinstance(value, str):
        if _PLAIN_CJK.match(value) or (_PLAIN_ID.match(value) and value not in _YAML_WORDS):
            return value
        if value.isprintable() and '"' not in value and "\\" not in value:
            return f'"{value}"'
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if exact else f"{value:.5f}"
    return str(value)  # int, datetime.date


def _flow(value: dict[str, Any], exact: bool = False) -> str:
    """A flow mapping such as `{city: 无锡市, district: 梁溪区}`."""
    return "{" + ", ".join(f"{k}: {_scalar(v, exact)}" for k, v in value.items()) + "}"


def render(record: dict[str, Any], exact: bool = False) -> str:
    """The YAML text of one station record (mappings of scalars, lists of scalars or of such mappings)."""
    lines: list[str] = []
    for key, value in record.items():
        if isinstance(value, dict):
            lines.append(f"{key}: {_flow(value, exact)}")
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"{key}:")
            lines.extend(f"  - {_flow(item, exact)}" for item in value)
        elif isinstance(value, list):
            lines.append(f"{key}: [" + ", ".join(_scalar(v, exact) for v in value) + "]")
        else:
            lines.append(f"{key}: {_scalar(value, exact)}")
    return "\n".join(lines) + "\n"


def _plan(count: int, rng: random.Random) -> list[tuple[int, str]]:
    """(city index, level) for every station: centers first, then one of each level per city, then random."""
    n = len(CITIES)
    plan = [(c, "center") for c in range(min(count, n))]
    for level in LEVEL_ORDER[1:]:
        plan.extend((c, level) for c in range(n))
    plan = plan[:count]
    rest = count - len(plan)
    cities = rng.choices(range(n), weights=[c[5] for c in CITIES], k=rest)
    levels = rng.choices(list(_LEVEL_WEIGHTS), weights=list(_LEVEL_WEIGHTS.values()), k=rest)
    plan.extend(zip(cities, levels))
    return sorted(plan, key=lambda p: LEVEL_ORDER.index(p[1]))  # stable: parents are made before children


def _operator(city: str, district: str) -> str:
    """The organisation department running stations in a district, e.g. 中共无锡市梁溪区委组织部."""
    return f"中共{district}委组织部" if district[-1] in "市县" else f"中共{city}{district}委组织部"


class _Maker:
    """Builds station records one by one, keeping names unique and parents at hand."""

    def __init__(self, count: int, rng: random.Random) -> None:
        self.rng = rng
        self.width = max(4, len(str(count)))
        self.seq = 0
        self.names: set[str] = set()
        self.nodes: dict[tuple[int, str], list[dict[str, Any]]] = {}

    def _word(self, suffixes: tuple[str, ...], estate: bool = False) -> tuple[str, str]:
        """A random place word and its base, e.g. (湖滨村, 湖滨)."""
        rng = self.rng
        base = rng.choice(_ESTATES) if estate else rng.choice(_A) + rng.choice(_B)
        return base + rng.choice(suffixes), base

    def _unique(self, prefix: str, level: str, suffixes: tuple[str, ...], estate: bool = False) -> tuple[str, str, str]:
        """An unused name `prefix + place word + level suffix`; returns (name, place word, base)."""
        for attempt in range(200):
            word, base = self._word(suffixes, estate)
            tag = f"第{attempt - 99}" if attempt >= 100 else ""  # practically never: disambiguate deterministically
            name = f"{prefix}{word}{tag}{_SUFFIX[level]}"
            if name not in self.names:
                self.names.add(name)
                return name, word, base
        raise YizhanError(_("could not find a unique station name"))  # pragma: no cover

    def make(self, city_idx: int, level: str) -> dict[str, Any]:
        """One station record of `level` in the city at `city_idx`, with a parent already made."""
        rng = self.rng
        city, cpy, code, lat0, lon0, _weight, dstr = CITIES[city_idx]
        districts = dstr.split()
        node: dict[str, Any] = {"city": city_idx}
        parent = None
        if level == "center":
            district, town = districts[0], None
            ident, name, operator = f"{cpy}-center", f"{city}{_SUFFIX[level]}", f"中共{city}委组织部"
            self.names.add(name)
        else:
            parent = rng.choice(self.nodes[(city_idx, PARENT_LEVEL[level] or "")])
            district = rng.choice(districts) if level == "station" else parent["district"]
            operator = _operator(city, district)
            if level == "station":
                name, town, base = self._unique(district, level, _TOWN_SUFFIX)
                if rng.random() < 0.12:  # 驻外: run by another city's organisation department
                    other = CITIES[(city_idx + rng.randrange(1, len(CITIES))) % len(CITIES)][0]
                    alts = (f"{other}驻{city[:-1]}{_SUFFIX[level]}", f"{other}驻{district}{_SUFFIX[level]}")
                    alt = next((n for n in alts if n not in self.names), None)
                    if alt:
                        self.names.discard(name)
                        self.names.add(alt)
                        name, operator = alt, f"中共{other}委组织部"
            elif level == "window":
                town = parent["town"]
                name, node["village"], base = self._unique(town, level, _VILLAGE_SUFFIX)
            else:
                town, village = parent["town"], parent["village"]
                name, _word, base = self._unique(village, level, _ESTATE_SUFFIX, estate=True)
            self.seq += 1
            ident = f"{cpy}-{_slug(district[:-1])}-{_slug(base)}-{self.seq:0{self.width}d}"
        node.update(id=ident, district=district, town=town)
        node.setdefault("village", None)
        self.nodes.setdefault((city_idx, level), []).append(node)

        record: dict[str, Any] = {"id": ident, "name": name, "level": level}
        if parent is not None:
            record["parent"] = parent["id"]
        record["operator"] = operator
        record["region"] = {"city": city, "district": district} | ({"town": town} if town else {})
        road = rng.choice(_A) + rng.choice(_B) + rng.choice(_ROADS)
        record["address"] = f"{city}{district}{road}{rng.randint(1, 999)}号"
        dist, angle = _RADIUS_KM * math.sqrt(rng.random()), rng.random() * 2 * math.pi
        lat = round(lat0 + dist * math.sin(angle) / 111.0, 5)
        lon = round(lon0 + dist * math.cos(angle) / (111.0 * math.cos(math.radians(lat0))), 5)
        record["location"] = {"lat": lat, "lon": lon}
        record["hours"] = rng.choices(_HOURS_TEXT, cum_weights=_HOURS_CUM)[0]
        hotlines = [{"number": f"{code}-{rng.randint(5, 8)}{rng.randrange(10**7):07d}", "label": _LINE_LABEL[level]}]
        if level == "center" or rng.random() < 0.2:
            hotlines.append({"number": "12371", "label": "党员服务热线"})
        record["hotlines"] = hotlines
        contacts = [
            {
                "name": rng.choice(_SURNAMES) + "".join(rng.choices(_GIVEN, k=rng.randint(1, 2))),
                "role": rng.choice(_ROLES),
                "phone": _mobile(rng.randint(3, 9), rng.randrange(10**9)),
            }
            for _i in range(rng.choices((0, 1, 2), cum_weights=(2, 7, 10))[0])
        ]
        if contacts:
            record["contacts"] = contacts
        picked = set(rng.sample(range(len(SERVICES)), rng.randint(1, 5)))
        record["services"] = [s for i, s in enumerate(SERVICES) if i in picked]
        record["kiosk"] = rng.random() < 0.3
        record["updated"] = datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randrange(300))
        return record


def generate(count: int, out: pathlib.Path, seed: int = 2026) -> int:
    """Write `count` synthetic station YAML files under `out`; return how many were written."""
    if count < 1:
        raise YizhanError(_("--count must be at least 1"))
    out = pathlib.Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise YizhanError(_("{folder} is not empty: demo-data writes only into a new or empty folder").format(folder=out))
    rng = random.Random(seed)
    maker = _Maker(count, rng)
    files: list[tuple[pathlib.Path, str]] = []
    for city_idx, level in _plan(count, rng):
        record = maker.make(city_idx, level)
        folder = out / CITIES[city_idx][1]
        if level != "center":
            folder = folder / _slug(record["region"]["district"][:-1])
        files.append((folder / f"{record['id']}.yml", render(record)))
    made: set[pathlib.Path] = set()
    for path, text in files:
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        with open(path, "xb") as fh:  # "x": never overwrite
            fh.write(text.encode("utf-8"))
    return len(files)
