"""The official administrative-division codes (GB/T 2260, as the Ministry of Civil Affairs publishes them in
《中华人民共和国县以上行政区划代码》, 2023 and 2024 lists) of the cities yizhan knows: Jiangsu's 13 prefecture-level
cities and their 95 county-level divisions (districts, county-level cities and counties).

Districts are shown in the order of these codes, the order of every official list; areas that are not county-level
divisions (镇江新区, 苏州工业园区 and other development zones) have no code and come after the coded ones
(yizhan.stations.regions). To add a province, add its lines below: a city's code ends in 00, and its districts share
its first four digits. tests/stations/test_regions.py checks the table against an independent copy of the list.
"""

from __future__ import annotations

# code name: each city's line, then its districts in code order (as the 2024 list, which for Jiangsu is the 2023 one)
_TABLE = """
320100 南京市 320102 玄武区 320104 秦淮区 320105 建邺区 320106 鼓楼区 320111 浦口区 320113 栖霞区 320114 雨花台区
       320115 江宁区 320116 六合区 320117 溧水区 320118 高淳区
320200 无锡市 320205 锡山区 320206 惠山区 320211 滨湖区 320213 梁溪区 320214 新吴区 320281 江阴市 320282 宜兴市
320300 徐州市 320302 鼓楼区 320303 云龙区 320305 贾汪区 320311 泉山区 320312 铜山区 320321 丰县 320322 沛县
       320324 睢宁县 320381 新沂市 320382 邳州市
320400 常州市 320402 天宁区 320404 钟楼区 320411 新北区 320412 武进区 320413 金坛区 320481 溧阳市
320500 苏州市 320505 虎丘区 320506 吴中区 320507 相城区 320508 姑苏区 320509 吴江区 320581 常熟市 320582 张家港市
       320583 昆山市 320585 太仓市
320600 南通市 320612 通州区 320613 崇川区 320614 海门区 320623 如东县 320681 启东市 320682 如皋市 320685 海安市
320700 连云港市 320703 连云区 320706 海州区 320707 赣榆区 320722 东海县 320723 灌云县 320724 灌南县
320800 淮安市 320803 淮安区 320804 淮阴区 320812 清江浦区 320813 洪泽区 320826 涟水县 320830 盱眙县 320831 金湖县
320900 盐城市 320902 亭湖区 320903 盐都区 320904 大丰区 320921 响水县 320922 滨海县 320923 阜宁县 320924 射阳县
       320925 建湖县 320981 东台市
321000 扬州市 321002 广陵区 321003 邗江区 321012 江都区 321023 宝应县 321081 仪征市 321084 高邮市
321100 镇江市 321102 京口区 321111 润州区 321112 丹徒区 321181 丹阳市 321182 扬中市 321183 句容市
321200 泰州市 321202 海陵区 321203 高港区 321204 姜堰区 321281 兴化市 321282 靖江市 321283 泰兴市
321300 宿迁市 321302 宿城区 321311 宿豫区 321322 沭阳县 321323 泗阳县 321324 泗洪县
"""


def _parse(text: str) -> dict[int, str]:
    words = text.split()
    return {int(code): name for code, name in zip(words[::2], words[1::2], strict=True)}


#: code -> official name, for every city and county-level division in the table
CODES: dict[int, str] = _parse(_TABLE)
#: city name -> its code (320200)
CITY_CODES: dict[str, int] = {name: code for code, name in CODES.items() if code % 100 == 0}
#: city name -> district name -> code (无锡市 -> 梁溪区 -> 320213)
DISTRICT_CODES: dict[str, dict[str, int]] = {
    city: {name: code for code, name in CODES.items() if code // 100 == ccode // 100 and code != ccode}
    for city, ccode in CITY_CODES.items()
}
