"""Districts in the official order on every built page, in the finder's picker and in the city PDFs (issue 16); the
expected orders are written out by hand from the GB/T 2260 list for the demo's districts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from tests.conftest import all_station_yaml, copy_project, run_yizhan

NANJING = ["玄武区", "秦淮区", "建邺区", "鼓楼区", "栖霞区", "江宁区"]
WUXI = ["锡山区", "惠山区", "滨湖区", "梁溪区", "新吴区", "江阴市"]
ZHENJIANG = ["京口区", "润州区", "丹徒区", "丹阳市", "扬中市", "句容市", "镇江新区"]  # 镇江新区 has no code: last
CLERK = ["京口区", "润州区", "丹徒区", "镇江新区", "丹阳市", "扬中市", "句容市"]  # mkdocs.yml's region_order


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def region_rows(site: Path, city: str) -> list[str]:
    """The district column of a city's region page, top to bottom."""
    return [tr.find("td").get_text(strip=True) for tr in soup(site / "regions" / city / "index.html").select("article table tbody tr")]


def finder_index(site: Path) -> dict:
    m = re.search(r"window\.yizhanFinderIndex=(.*);\n</script>", (site / "finder.html").read_text(encoding="utf-8"))
    assert m
    return json.loads(m.group(1))


def picker(site: Path) -> dict[str, list[str]]:
    """The finder's city → districts, in the order its picker lists them."""
    index = finder_index(site)
    out: dict[str, list[str]] = {c: [] for c in index["cities"]}
    for city, district in index["districts"]:
        out[index["cities"][city]].append(district)
    return out


def pdf_pages(pdf: Path) -> list[str]:
    """The station name of every page of a combined poster PDF (its second line of text)."""
    from pypdf import PdfReader

    return [page.extract_text().splitlines()[1] for page in PdfReader(pdf).pages]


def test_region_pages_in_code_order(site: Path) -> None:
    assert region_rows(site, "nanjing") == NANJING
    assert region_rows(site, "wuxi") == WUXI
    assert region_rows(site, "zhenjiang") == ZHENJIANG
    index = [a.get_text(strip=True) for a in soup(site / "regions" / "index.html").select("article li a")]
    assert index == [*NANJING, *WUXI, *ZHENJIANG]


def test_hotline_pages_in_code_order(site: Path) -> None:
    assert [h.get_text(strip=True) for h in soup(site / "hotlines" / "wuxi.html").select("article h2")] == WUXI


def test_finder_picker_in_code_order(site: Path) -> None:
    assert picker(site) == {"南京市": NANJING, "无锡市": WUXI, "镇江市": ZHENJIANG}


def districts_of(project: Path, pages: list[str]) -> list[str]:
    """The districts of the pages' stations (pages whose name is cut across lines left out), each once, in page order."""
    district = {d["name"]: d["region"].get("district", "") for d in all_station_yaml(project).values()}
    return list(dict.fromkeys(district[name] for name in pages if name in district))


def test_city_pdf_opens_with_the_city_centre(demo_project: Path) -> None:
    posters = demo_project / "build" / "posters"
    pages = pdf_pages(posters / "city" / "wuxi.pdf")
    assert pages[0] == "无锡市流动党员服务中心"  # it is in 梁溪区, the 4th district, and still comes first
    assert districts_of(demo_project, pages[1:]) == WUXI
    assert districts_of(demo_project, pdf_pages(posters / "city" / "nanjing.pdf")) == NANJING
    assert districts_of(demo_project, pdf_pages(posters / "city" / "zhenjiang.pdf")) == ZHENJIANG
    cities = [pdf_pages(posters / "city" / f"{c}.pdf") for c in ("nanjing", "wuxi", "zhenjiang")]
    assert pdf_pages(posters / "all.pdf") == [*cities[0], *cities[1], *cities[2]]


@pytest.fixture(scope="module")
def clerk_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo built with a region_order that places 镇江新区 after 丹徒区 and 镇江市 first."""
    project = copy_project(tmp_path_factory.mktemp("order") / "p")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    order = yaml.safe_dump({"region_order": [{"镇江市": CLERK}]}, allow_unicode=True, default_flow_style=True).strip()[1:-1]
    text = text.replace("      stations: stations\n", f"      stations: stations\n      {order}\n", 1)
    config.write_text(text, encoding="utf-8")
    result = run_yizhan(project, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    return project


def test_region_order_in_mkdocs_yml_goes_first(clerk_site: Path) -> None:
    site = clerk_site / "build" / "site"
    assert region_rows(site, "zhenjiang") == CLERK
    assert list(picker(site)) == ["镇江市", "南京市", "无锡市"] and picker(site)["镇江市"] == CLERK
    assert [h.get_text(strip=True) for h in soup(site / "hotlines" / "zhenjiang.html").select("article h2")] == CLERK
    pages = pdf_pages(clerk_site / "build" / "posters" / "city" / "zhenjiang.pdf")
    assert pages[0] == "镇江市流动党员服务中心"
    assert districts_of(clerk_site, pages[1:]) == CLERK
    assert pdf_pages(clerk_site / "build" / "posters" / "all.pdf")[0] == "镇江市流动党员服务中心"
