"""QR posters: real PDFs checked with poppler (pdfinfo, pdffonts, pdftotext, pdftoppm) and decoded with zbar."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from qrcode.util import MODE_ALPHA_NUM

from tests.conftest import copy_project, run_yizhan
from tests.helpers import CENTER, STATION, write
from yizhan.posters.qr import encode, qr_text
from yizhan.stations.codes import format_code, station_codes

RARE = "䶮"  # U+4DAE, CJK Extension A (WenQuanYi Zen Hei covers Ext-A but has a single Ext-B character)
WINDOW = f"""\
id: test-window
name: 梁溪区{RARE}村流动党员服务窗口
level: window
parent: test-station
operator: {RARE}村党总支
region: {{city: 无锡市, district: 梁溪区, town: 崇安寺街道}}
address: 无锡市梁溪区{RARE}村1号
location: {{lat: 31.58, lon: 120.30}}
hotlines:
  - {{number: "0510-82700002", label: 值班电话}}
"""
NANJING = """\
id: nj-center
name: 南京市流动党员服务中心
level: center
operator: 中共南京市委组织部
region: {city: 南京市}
address: 南京市玄武区北京东路1号
location: {lat: 32.06, lon: 118.80}
hours: "Mo-Fr 09:00-17:00"
kiosk: true
"""
LOCAL_KIOSK = "http://192.168.1.20:8080/Q/{code}"
# the fonts `make test` installs: fontconfig puts Noto Sans CJK SC (OpenType/CFF) first for zh-cn
NOTO = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FONT_LINE = f"Poster fonts: Noto Sans CJK SC ({NOTO})\n"
PLACEHOLDERS = ("warning: mkdocs.yml: site_url, checkin_url still point at a placeholder address (example.cn or the like): "
                "QR codes printed now lead nowhere; set the real addresses before printing\n")  # fmt: skip
IDS = ["test-center", "test-station", "test-window", "nj-center"]
CODES = station_codes(IDS)
EXPECTED = {
    "test-center": "HTTPS://DANGYUAN.EXAMPLE.CN/s/test-center.html",  # no kiosk: its directory page
    "test-station": f"HTTP://192.168.1.20:8080/Q/{CODES['test-station']}",  # kiosk, per-station override
    "test-window": "HTTPS://DANGYUAN.EXAMPLE.CN/s/test-window.html",
    "nj-center": f"HTTPS://HUB.EXAMPLE.CN/Q/{CODES['nj-center']}",  # kiosk: checkin_url of mkdocs.yml
}
NAMES = {"test-center": "测试市流动党员服务中心", "test-station": "梁溪区测试街道流动党员服务驿站",
         "test-window": f"梁溪区{RARE}村流动党员服务窗口", "nj-center": "南京市流动党员服务中心"}  # fmt: skip


def make_project(root: Path) -> Path:
    """The repository's mkdocs.yml and content/ with four stations in two cities, one station on its own kiosk."""
    project = copy_project(root, station_files=[])
    stations = project / "stations"
    write(stations, "wuxi/center.yml", CENTER)
    write(stations, "wuxi/station.yml", STATION)
    write(stations, "wuxi/window.yml", WINDOW)
    write(stations, "nanjing/center.yml", NANJING)
    cfg = project / "mkdocs.yml"
    text = cfg.read_text(encoding="utf-8")
    line = "      checkin_url: https://hub.example.cn/Q/{code}\n"
    assert line in text
    cfg.write_text(text.replace(line, line + f'      checkin_urls: {{test-station: "{LOCAL_KIOSK}"}}\n'), encoding="utf-8")
    return project


def tool(*args: str | Path) -> str:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=True).stdout


def decode(pdf: Path, tmp: Path) -> list[str]:
    """Every page rendered at 100 dpi by poppler, each QR code decoded by zbar, in page order."""
    prefix = tmp / pdf.stem
    tool("pdftoppm", "-r", "100", "-gray", "-png", pdf, prefix)
    pages = sorted(tmp.glob(f"{pdf.stem}-*.png"))
    return [tool("zbarimg", "-q", "--raw", page).strip() for page in pages]


def fonts(pdf: Path) -> list[list[str]]:
    """pdffonts rows: name, type, encoding, emb, sub, uni, object, generation."""
    return [line.split() for line in tool("pdffonts", pdf).splitlines()[2:]]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("posters") / "p")
    result = run_yizhan(project, "posters")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.fullmatch(
        r"Made 4 station posters \(4 drawn, 0 from cache\), 3 combined PDFs in build/posters/ in [\d.]+ s\.\n", result.stdout
    )
    assert result.stderr.startswith(PLACEHOLDERS + FONT_LINE)
    return project


def test_each_station_poster_is_one_a4_page_whose_qr_decodes_to_its_url(project: Path, tmp_path: Path) -> None:
    out = project / "build" / "posters"
    assert sorted(p.name for p in (out / "s").iterdir()) == sorted(f"{i}.pdf" for i in IDS)
    for sid in IDS:
        pdf = out / "s" / f"{sid}.pdf"
        info = tool("pdfinfo", pdf)
        assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
        assert re.search(r"^Page size:\s+595\.276 x 841\.89 pts \(A4\)$", info, re.MULTILINE)
        assert decode(pdf, tmp_path) == [EXPECTED[sid]]
        text = tool("pdftotext", "-layout", pdf, "-")
        assert NAMES[sid] in text.replace(" ", "") and format_code(CODES[sid]) in text
        assert ("扫码报到" in text) == (sid in ("test-station", "nj-center"))
        assert ("扫码查看驿站信息" in text) == (sid not in ("test-station", "nj-center"))
        rows = fonts(pdf)
        assert rows and all(re.fullmatch(r"[A-Z]{6}\+NotoSansCJKsc-Regular-P\d+x\d+", r[0]) and r[3:6] == ["yes", "yes", "yes"] for r in rows), rows
        assert pdf.stat().st_size <= 60_000


def test_poster_shows_details_and_typed_fallback(project: Path) -> None:
    text = tool("pdftotext", "-layout", project / "build/posters/s/test-station.pdf", "-")
    flat = re.sub(r"\s+", "", text)
    assert "区镇驿站·中共无锡市梁溪区委组织部" in flat
    assert f"192.168.1.20:8080/Q/{CODES['test-station']}" in flat  # the address to type when a scan fails
    assert "0510-82700001（驿站值班电话）" in flat and "12371（党员服务热线）" in flat
    assert "开放时间：周一至周五" in flat and "地址：无锡市梁溪区中山路1号" in flat
    assert "网上查询：dangyuan.example.cn" in flat


def test_qr_is_at_least_12_cm_with_its_quiet_zone_clear(project: Path) -> None:
    from pypdf import PdfReader

    pdf = project / "build/posters/s/nj-center.pdf"
    content = PdfReader(pdf).pages[0].get_contents().get_data().decode("latin-1")
    m = re.search(r"q ([\d.]+) 0 0 \1 ([\d.]+) ([\d.]+) cm 0 g\n(.*?)\nf Q", content, re.DOTALL)
    assert m, content[:500]
    module, x0, y0 = float(m[1]), float(m[2]), float(m[3])
    runs = [tuple(map(int, r)) for r in re.findall(r"(\d+) (\d+) (\d+) 1 re", m[4])]
    n = max(x + w for x, _, w in runs)
    assert n == max(y for _, y, _ in runs) + 1 == len(encode(EXPECTED["nj-center"]).modules)
    assert module * n / 72 * 2.54 >= 12.0  # the code itself, quiet zone excluded
    quiet = 4 * module
    box = (x0 - quiet, y0 - quiet, x0 + (n * module) + quiet, y0 + n * module + quiet)
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">', tool("pdftotext", "-bbox", pdf, "-"))
    assert len(words) > 10
    height = 841.89
    for x1, y1, x2, y2 in (tuple(map(float, w)) for w in words):  # bbox y grows downwards
        overlaps = x1 < box[2] and x2 > box[0] and (height - y2) < box[3] and (height - y1) > box[1]
        assert not overlaps, (x1, y1, x2, y2, box)


def test_kiosk_url_is_one_alphanumeric_qr_segment() -> None:
    url = qr_text(f"https://hub.example.cn/Q/{CODES['nj-center']}")
    assert url == EXPECTED["nj-center"]
    code = encode(url)
    assert [d.mode for d in code.data_list] == [MODE_ALPHA_NUM]
    assert code.version <= 3 and code.error_correction == 3  # ERROR_CORRECT_Q (qrcode's constant for Q is 3)


def test_combined_pdfs_per_city_and_for_everything(project: Path, tmp_path: Path) -> None:
    out = project / "build" / "posters"
    assert sorted(p.name for p in (out / "city").iterdir()) == ["nanjing.pdf", "wuxi.pdf"]
    assert decode(out / "city" / "wuxi.pdf", tmp_path) == [EXPECTED[i] for i in ("test-center", "test-station", "test-window")]
    assert decode(out / "city" / "nanjing.pdf", tmp_path) == [EXPECTED["nj-center"]]
    assert decode(out / "all.pdf", tmp_path) == [EXPECTED[i] for i in ("nj-center", "test-center", "test-station", "test-window")]
    rows = fonts(out / "all.pdf")
    assert len(rows) == 1 and rows[0][3] == "yes"  # 4 pages, one embedded font subset shared by all of them
    from pypdf import PdfReader

    assert len(PdfReader(out / "all.pdf", strict=True).pages) == 4
    assert "测试市流动党员服务中心" in tool("pdftotext", out / "all.pdf", "-")
    per_page = (out / "all.pdf").stat().st_size / 4
    assert per_page < min((out / "s" / f"{i}.pdf").stat().st_size for i in IDS)


def glyph_of(pdf: Path, char: str) -> tuple[int, int]:
    """(contours, points) of the embedded glyph the first page draws `char` with, found via the ToUnicode maps."""
    from fontTools.ttLib import TTFont
    from pypdf import PdfReader

    for font in PdfReader(pdf, strict=True).pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
        want = char.encode("utf-16-be").hex()
        codes = [int(c, 16) for c, u in re.findall(r"<([0-9A-Fa-f]{2})>\s*<([0-9A-Fa-f]{4,8})>", cmap) if u.lower() == want]
        if not codes:
            continue
        tt = TTFont(io.BytesIO(font["/FontDescriptor"]["/FontFile2"].get_object().get_data()))
        name = tt["cmap"].getcmap(1, 0).cmap[codes[0]]  # both writers' subsets map codes 0-255 (Mac Roman table)
        assert name != ".notdef" and tt.getGlyphID(name) != 0, name
        glyf = tt["glyf"]
        assert glyf[name].getCoordinates(glyf)[0] != glyf[".notdef"].getCoordinates(glyf)[0]
        return glyf[name].numberOfContours, len(glyf[name].getCoordinates(glyf)[0])
    raise AssertionError(f"{char} not in any ToUnicode map of {pdf}")


def test_rare_character_is_drawn_from_a_real_glyph(project: Path) -> None:
    station = project / "build/posters/s/test-window.pdf"
    city = project / "build/posters/city/wuxi.pdf"
    for pdf in (station, city):
        assert RARE in tool("pdftotext", pdf, "-")
    contours, points = glyph_of(station, RARE)
    assert contours > 0 and points > 20  # real outlines, not an empty or missing glyph
    assert glyph_of(city, RARE) == (contours, points)  # the combined PDF embeds the same outline


def test_layout_prints_no_character_outside_the_static_table() -> None:
    import ast

    import yizhan.posters.layout as layout_module
    from yizhan.posters.combined import ASCII, STATIC_TEXT

    tree = ast.parse(Path(layout_module.__file__).read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Module))
                  and n.body and isinstance(n.body[0], ast.Expr)}  # fmt: skip
    printed = {ch for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
               for ch in n.value}  # fmt: skip
    assert "扫" in printed and "…" in printed
    assert {ch for ch in printed if ch not in ASCII and not ch.isspace()} - set(STATIC_TEXT) == set()


def test_second_run_comes_from_the_cache(project: Path) -> None:
    result = run_yizhan(project, "posters")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Made 4 station posters (0 drawn, 4 from cache), 3 combined PDFs in build/posters/ in ")
