"""Poster fonts: discovery on Linux, Windows and macOS, the per-character chain, CFF fonts, the bundled last resort."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import copy_project, run_yizhan
from tests.helpers import write
from tests.posters.test_posters import EXPECTED, NOTO, decode, fonts, glyph_of, make_project, tool
from yizhan.posters.fontfind import FoundFont, installed_fonts
from yizhan.posters.fonts import FONTDATA, font_chain, pick_face, prepare_fonts
from yizhan.posters.settings import is_placeholder

WQY = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
RARE_NAME = "𬇙"  # U+2C1D9, in the 通用规范汉字表: in Noto Sans CJK SC 2.004, not in WenQuanYi Zen Hei nor Droid Sans Fallback
LATIN = FONTDATA / "LiberationSans-Regular.ttf"


def tiny_font(path: Path, family: str, chars: str = "AB") -> Path:
    """A real TrueType font with one square glyph per character, named `family`."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    names = [".notdef", *(f"g{ord(c):X}" for c in chars)]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({ord(c): f"g{ord(c):X}" for c in chars})
    glyphs = {}
    for name in names:
        pen = TTGlyphPen(None)
        pen.moveTo((100, 0)), pen.lineTo((100, 700)), pen.lineTo((600, 700)), pen.lineTo((600, 0)), pen.closePath()
        glyphs[name] = pen.glyph()
    fb.setupGlyf(glyphs)
    fb.setupHorizontalMetrics({n: (700, 100) for n in names})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": family, "styleName": "Regular"})
    fb.setupOS2()
    fb.setupPost()
    path.parent.mkdir(parents=True, exist_ok=True)
    fb.save(str(path))
    return path


def collection(path: Path, families: list[str]) -> Path:
    """A .ttc holding one tiny face per family, in order."""
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.ttCollection import TTCollection

    ttc = TTCollection()
    for i, family in enumerate(families):
        ttc.fonts.append(TTFont(str(tiny_font(path.parent / f".face{i}.ttf", family))))
    ttc.save(str(path))
    return path


# discovery -------------------------------------------------------------------------------------------------


def test_windows_fonts_folder_and_the_users_own_fonts(tmp_path: Path) -> None:
    windir, local = tmp_path / "Windows", tmp_path / "Users" / "clerk" / "AppData" / "Local"
    collection(windir / "Fonts" / "simsun.ttc", ["SimSun", "NSimSun"])
    tiny_font(windir / "Fonts" / "simhei.ttf", "SimHei")
    tiny_font(windir / "Fonts" / "arial.ttf", "Arial")  # not a CJK font: not in the list
    collection(windir / "Fonts" / "msyh.ttc", ["Microsoft YaHei", "Microsoft YaHei UI"])
    tiny_font(local / "Microsoft" / "Windows" / "Fonts" / "Deng.ttf", "DengXian")  # installed for one user only
    found = installed_fonts("win32", {"WINDIR": str(windir), "LOCALAPPDATA": str(local)}, home=tmp_path / "Users" / "clerk")
    assert [(f.path.relative_to(tmp_path).as_posix(), f.index) for f in found] == [
        ("Windows/Fonts/msyh.ttc", None),
        ("Users/clerk/AppData/Local/Microsoft/Windows/Fonts/Deng.ttf", None),
        ("Windows/Fonts/simhei.ttf", None),
        ("Windows/Fonts/simsun.ttc", None),
    ]
    chain = font_chain([], tmp_path, installed=found, bundled=())
    assert [(s.name, s.index) for s in chain.sources] == [("Microsoft YaHei", 0), ("DengXian", 0), ("SimHei", 0), ("SimSun", 0)]
    # SystemRoot when WINDIR is not set, as in some services
    assert [f.path.name for f in installed_fonts("win32", {"SystemRoot": str(windir)}, home=tmp_path)] == ["msyh.ttc", "simhei.ttf", "simsun.ttc"]


def test_macos_font_folders_and_the_simplified_chinese_face(tmp_path: Path) -> None:
    root, home = tmp_path / "mac", tmp_path / "Users" / "clerk"
    pingfang = collection(root / "System/Library/Fonts/PingFang.ttc", ["PingFang HK", "PingFang TC", "PingFang SC", "PingFang MO"])
    tiny_font(root / "System/Library/Fonts/Supplemental/Arial Unicode.ttf", "Arial Unicode MS")
    collection(root / "Library/Fonts/Songti.ttc", ["Songti TC", "Songti SC"])
    tiny_font(home / "Library/Fonts/STHeiti Light.ttc", "Heiti SC")  # a .ttc name holding a single font
    found = installed_fonts("darwin", {}, home=home, root=root)
    assert [f.path.name for f in found] == ["PingFang.ttc", "STHeiti Light.ttc", "Songti.ttc", "Arial Unicode.ttf"]
    assert pick_face(pingfang) == 2
    chain = font_chain([], tmp_path, installed=found, bundled=())
    assert [(s.name, s.index) for s in chain.sources] == [
        ("PingFang SC", 2), ("Heiti SC", 0), ("Songti SC", 1), ("Arial Unicode MS", 0)]  # fmt: skip


def test_linux_without_fontconfig_searches_the_font_folders(tmp_path: Path) -> None:
    root, home = tmp_path / "root", tmp_path / "home"
    tiny_font(root / "usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "WenQuanYi Zen Hei")
    tiny_font(home / ".local/share/fonts/NotoSansCJK-Regular.ttc", "Noto Sans CJK JP")
    found = installed_fonts("linux", {}, home=home, fc_match=None, root=root)
    assert [f.path.relative_to(tmp_path).as_posix() for f in found] == [
        "home/.local/share/fonts/NotoSansCJK-Regular.ttc", "root/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"]  # fmt: skip


def test_fontconfig_order_here() -> None:
    """On this machine (`make test` installs both), fontconfig puts Noto Sans CJK SC first and WenQuanYi after it."""
    found = installed_fonts()
    assert (found[0].path, found[0].index, found[0].family) == (Path(NOTO), 2, "Noto Sans CJK SC")
    assert Path(WQY) in [f.path for f in found]
    assert all(f.path.suffix.lower() in (".ttf", ".ttc", ".otf", ".otc") for f in found)


# the chain -------------------------------------------------------------------------------------------------


def test_each_character_comes_from_the_first_font_that_has_it(tmp_path: Path) -> None:
    first = tiny_font(tmp_path / "first.ttf", "First", "AB")
    second = tiny_font(tmp_path / "second.ttf", "Second", "BCD")
    chain = font_chain(["first.ttf", str(second)], tmp_path, installed=[], bundled=())
    slot, missing = chain.assign("ABCDE ")
    assert slot == {"A": 0, "B": 0, "C": 1, "D": 1} and missing == {"E"}  # white space needs no glyph
    fonts, missing = prepare_fonts(chain, "ABCD", tmp_path / "cache")
    assert missing == set() and fonts.names == ("First", "Second")
    cuts = lambda: sorted((tmp_path / "cache" / "fonts").glob("*.ttf"))
    cut = cuts()
    assert len(cut) == 2 and first.exists()
    again, _ = prepare_fonts(chain, "ABCD", tmp_path / "cache")  # the same characters: the cut fonts are reused
    assert again.fingerprint == fonts.fingerprint and cuts() == cut
    assert [p.stat().st_mtime_ns for p in cut] == [p.stat().st_mtime_ns for p in cuts()]
    prepare_fonts(chain, "AB", tmp_path / "cache")  # another set of fonts: cut again, the cuts no longer used removed
    assert len(cuts()) == 1


def test_a_new_character_recuts_only_the_last_block(tmp_path: Path) -> None:
    """Fonts are cut along the character table's 256-character blocks: one new character costs one small cut."""
    chain = font_chain([], tmp_path, installed=[])  # the bundled fonts: Droid Sans Fallback, then Liberation Sans
    hanzi = [chr(c) for c in range(0x4E00, 0x4E00 + 700) if ord(chr(c)) in chain.coverage(0)][:600]
    prepare_fonts(chain, "".join(hanzi), tmp_path / "cache")
    pieces = sorted((tmp_path / "cache" / "fonts").glob("*.ttf"))
    assert [p.name.split("-")[1:3] for p in pieces] == [["0", "1"], ["1", "2"], ["2", "3"]]
    before = {p.name: p.stat().st_mtime_ns for p in pieces}
    fonts, _ = prepare_fonts(chain, "".join(hanzi) + "驿", tmp_path / "cache")
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "cache" / "fonts").glob("*.ttf")}
    assert {n: t for n, t in after.items() if n in before} == {n: t for n, t in before.items() if "-2-3-" not in n}
    (new,) = [n for n in after if n not in before]
    assert "-2-3-" in new and fonts.slot["驿"] == f"YizhanF0-{new[:-4]}"
    # once four more blocks are full, they are merged into one base piece
    more = [chr(c) for c in range(0x5000, 0x6000) if ord(chr(c)) in chain.coverage(0)][:1100]
    prepare_fonts(chain, "".join(hanzi) + "驿" + "".join(more), tmp_path / "cache")
    spans = sorted(tuple(map(int, p.name.split("-")[1:3])) for p in (tmp_path / "cache" / "fonts").glob("*.ttf"))
    assert spans == [(0, 6), (6, 7)]


def test_an_open_type_cff_font_is_cut_and_converted_to_truetype(tmp_path: Path) -> None:
    from fontTools.ttLib import TTFont

    chain = font_chain([NOTO + "#2"], tmp_path, installed=[], bundled=())
    assert chain.sources[0].name == "Noto Sans CJK SC"
    fonts, missing = prepare_fonts(chain, f"驿站{RARE_NAME}A1", tmp_path / "cache")
    assert missing == set()
    ((_, path),) = fonts.files
    tt = TTFont(path)
    assert "glyf" in tt and "CFF " not in tt and tt.sfntVersion == "\x00\x01\x00\x00"
    cmap = tt.getBestCmap()
    assert set(cmap) == {ord(c) for c in f"驿站{RARE_NAME}A1"}
    glyph = tt["glyf"][cmap[ord(RARE_NAME)]]
    assert glyph.numberOfContours > 3  # a real outline
    assert os.path.getsize(path) < 20_000  # five glyphs, not 65,535


def test_configured_font_by_installed_file_name(tmp_path: Path) -> None:
    chain = font_chain(["wqy-zenhei.ttc"], tmp_path, installed=[], bundled=())  # found in the system's font folders
    assert (str(chain.sources[0].path), chain.sources[0].name) == (WQY, "WenQuanYi Zen Hei")


def test_a_damaged_installed_font_is_skipped_with_a_note(tmp_path: Path) -> None:
    bad = write(tmp_path, "broken.ttf", "not a font\n")
    chain = font_chain([], tmp_path, installed=[FoundFont(bad, None, "Broken")])
    assert [s.origin for s in chain.sources] == ["bundled", "bundled"]
    (note,) = chain.notes
    assert note.startswith(f"poster font {bad}: not a usable TrueType or OpenType font (") and note.endswith("): skipped")


def test_the_bundled_fonts_are_small_free_and_documented() -> None:
    files = sorted(p.name for p in FONTDATA.iterdir())
    assert files == ["COPYRIGHT-DroidSansFallback.txt", "COPYRIGHT-LiberationSans.txt", "DroidSansFallbackFull.ttf",
                     "LICENSE-Apache-2.0.txt", "LiberationSans-Regular.ttf", "README.md", "fetch.py"]  # fmt: skip
    assert sum(p.stat().st_size for p in FONTDATA.iterdir()) <= 10_000_000
    assert "License: Apache-2" in (FONTDATA / "COPYRIGHT-DroidSansFallback.txt").read_text(encoding="utf-8")
    assert "License: SIL-OFL-1.1" in (FONTDATA / "COPYRIGHT-LiberationSans.txt").read_text(encoding="utf-8")
    result = subprocess.run(["python3", str(FONTDATA / "fetch.py"), "--check"], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout) == (0, "DroidSansFallbackFull.ttf: ok\nLiberationSans-Regular.ttf: ok\n")


# posters ---------------------------------------------------------------------------------------------------


def test_a_rare_name_from_a_cff_font_with_the_rest_from_a_truetype_one(tmp_path: Path) -> None:
    """poster_font names WenQuanYi (TrueType); 𬇙 is not in it and comes from the installed Noto Sans CJK (CFF)."""
    project = make_project(tmp_path / "p")
    center = project / "stations" / "nanjing" / "center.yml"
    center.write_text(center.read_text(encoding="utf-8").replace("南京市流动", f"南京市{RARE_NAME}流动"), encoding="utf-8")
    cfg = project / "mkdocs.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("  - yizhan:\n", f"  - yizhan:\n      poster_font: [{WQY}]\n"), encoding="utf-8")
    result = run_yizhan(project, "posters")
    assert result.returncode == 0, result.stderr
    assert f"Poster fonts: WenQuanYi Zen Hei ({WQY}); Noto Sans CJK SC ({NOTO})\n" in result.stderr
    for pdf in (project / "build/posters/s/nj-center.pdf", project / "build/posters/city/nanjing.pdf", project / "build/posters/all.pdf"):
        assert f"南京市{RARE_NAME}流动党员服务中心" in tool("pdftotext", pdf, "-")  # in the text layer
        contours, points = glyph_of(pdf, RARE_NAME)
        assert contours > 3 and points > 30  # a real outline, not an empty box
        assert sorted({r[0].split("+")[1].split("-P")[0] for r in fonts(pdf)}) == ["NotoSansCJKsc-Regular", "WenQuanYiZenHei"]
    assert decode(project / "build/posters/s/nj-center.pdf", tmp_path) == [EXPECTED["nj-center"]]


def test_a_rare_name_with_the_fonts_make_test_installs(tmp_path: Path) -> None:
    """The issue's case: fonts-noto-cjk installed, nothing configured: 𬇙 is drawn, copies and searches, and the QR decodes."""
    project = make_project(tmp_path / "p")
    window = project / "stations" / "wuxi" / "window.yml"
    window.write_text(window.read_text(encoding="utf-8").replace("name: 梁溪区", f"name: 梁溪区{RARE_NAME}"), encoding="utf-8")
    result = run_yizhan(project, "posters", "--station", "test-window")
    assert result.returncode == 0, result.stderr
    pdf = project / "build/posters/s/test-window.pdf"
    assert RARE_NAME in tool("pdftotext", pdf, "-")
    assert glyph_of(pdf, RARE_NAME)[0] > 3
    assert decode(pdf, tmp_path) == [EXPECTED["test-window"]]


def _unshare() -> list[str]:
    """How to run a command in a private mount namespace here: `unshare -m` as root, `unshare -rm` (a user namespace)
    otherwise; [] when the machine allows neither, which is the only case the test below is skipped."""
    if not shutil.which("unshare"):
        return []
    for cmd in (["unshare", "-m"], ["unshare", "-rm"]) if os.geteuid() == 0 else (["unshare", "-rm"],):
        if subprocess.run([*cmd, "true"], capture_output=True, check=False).returncode == 0:
            return cmd
    return []


UNSHARE = _unshare()


@pytest.mark.skipif(not UNSHARE, reason="no private mount namespace on this machine: unshare (util-linux) is missing, "
                                        "or it needs root or unprivileged user namespaces")  # fmt: skip
def test_build_with_every_system_font_hidden(tmp_path: Path) -> None:
    """A machine with no font at all: an empty folder is bind-mounted over /usr/share/fonts in a private mount namespace
    (`unshare -m`), so fontconfig and the folder search find nothing; nothing outside the command sees the change."""
    project = copy_project(tmp_path / "p")
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    script = f"mount --bind {empty} /usr/share/fonts && fc-list | wc -l && python3 -m yizhan.cli build"
    result = subprocess.run([*UNSHARE, "sh", "-c", script], cwd=project, capture_output=True, text=True, env=env, timeout=600,
                            check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "0"  # fontconfig saw no font
    bundled = f"Poster fonts: Droid Sans Fallback ({FONTDATA / 'DroidSansFallbackFull.ttf'}); Liberation Sans ({LATIN})\n"
    assert bundled in result.stderr
    assert re.search(r"^Made 77 station posters \(77 drawn, 0 from cache\), 4 combined PDFs", result.stdout, re.MULTILINE)
    assert Path(NOTO).exists()  # outside the namespace the fonts are still there
    pdf = project / "build/posters/s/nanjing-center.pdf"
    assert sorted({r[0].split("+")[1].split("-P")[0] for r in fonts(pdf)}) == ["DroidSansFallback", "LiberationSans"]
    assert "南京市流动党员服务中心" in tool("pdftotext", project / "build/posters/all.pdf", "-")
    assert "南京市流动党员服务中心" in tool("pdftotext", pdf, "-")
    assert decode(pdf, tmp_path)[0].startswith("HTTPS://HUB.EXAMPLE.CN/Q/")
    assert (project / "build/site/posters/all.pdf").is_file()


# placeholders ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "placeholder"),
    [("https://hub.example.cn/Q/{code}", True), ("https://example.com/", True), ("http://kiosk.test:8080/Q/{code}", True),
     ("https://dangyuan.EXAMPLE.org./", True), ("http://localhost:8080/", True), ("https://x.invalid/", True),
     ("https://dangyuan.zj.gov.cn/", False), ("https://examples.cn/", False), ("https://myexample.com/", False),
     ("http://192.168.1.20:8080/Q/{code}", False), ("", False)],
)  # fmt: skip
def test_placeholder_addresses(url: str, placeholder: bool) -> None:
    assert is_placeholder(url) is placeholder


def test_placeholders_warn_once_and_do_not_fail(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    cfg = project / "mkdocs.yml"
    text = cfg.read_text(encoding="utf-8").replace("http://192.168.1.20:8080/Q/{code}", "https://kiosk.example.cn/Q/{code}")
    cfg.write_text(text, encoding="utf-8")
    result = run_yizhan(project, "build")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        (
            "warning: mkdocs.yml: site_url, checkin_url, checkin_urls (1 station, first: test-station) still point at a placeholder "
            "address (example.cn or the like): QR codes printed now lead nowhere; set the real addresses before printing"
        )
    ]
    real = text.replace("https://kiosk.example.cn", "http://192.168.1.20:8080").replace("hub.example.cn", "hub.zj.gov.cn")
    cfg.write_text(real.replace("dangyuan.example.cn", "dangyuan.zj.gov.cn"), encoding="utf-8")
    result = run_yizhan(project, "posters")
    assert result.returncode == 0 and "warning" not in result.stderr


def test_the_kiosk_poster_sends_the_code_to_the_finder(tmp_path: Path) -> None:
    """The tablet has no code field: the poster says the code is searched in the directory's finder."""
    project = make_project(tmp_path / "p")
    assert run_yizhan(project, "posters").returncode == 0
    flat = re.sub(r"\s+", "", tool("pdftotext", project / "build/posters/s/nj-center.pdf", "-"))
    assert "或在dangyuan.example.cn的“查找驿站”里搜索站点码" in flat and "平板" not in flat


def test_a_later_run_in_the_same_process_draws_with_its_own_fonts(tmp_path: Path) -> None:
    """`mkdocs serve` or a test runs several batches in one process: the fonts registered last are the ones used."""
    from reportlab.pdfbase import pdfmetrics

    from yizhan.posters import fonts as fontstate

    first = font_chain([str(tiny_font(tmp_path / "a.ttf", "A", "AB"))], tmp_path, installed=[], bundled=())
    second = font_chain([str(tiny_font(tmp_path / "c.ttf", "C", "CD"))], tmp_path, installed=[], bundled=())
    for chain, chars in ((first, "AB"), (second, "CD")):
        fonts, _ = prepare_fonts(chain, chars, tmp_path / "cache")
        fonts.register()
        assert set(fontstate.CURRENT.slot) == set(chars)
        name = fontstate.CURRENT.first
        assert name.startswith("YizhanF0-") and set(pdfmetrics.getFont(name).face.charToGlyph) >= {ord(c) for c in chars}


# found by an adversarial review -------------------------------------------------------------------------------


def test_invisible_characters_and_odd_spaces_print_as_nothing_and_space(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    center = project / "stations" / "nanjing" / "center.yml"
    text = center.read_text(encoding="utf-8").replace("name: 南京市流动党员服务中心", 'name: "南京市\\u200c流\\u200e动\\ufeff\\u00ad党员服务中心"')
    center.write_text(text.replace("address: 南京市玄武区北京东路1号", 'address: "南京市玄武区\\u205f北京东路1号"'), encoding="utf-8")
    result = run_yizhan(project, "posters")
    assert result.returncode == 0, result.stdout + result.stderr
    flat = tool("pdftotext", project / "build/posters/s/nj-center.pdf", "-")
    assert "南京市流动党员服务中心" in flat and "南京市玄武区 北京东路1号" in flat


def test_a_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    assert run_yizhan(project, "posters").returncode == 0
    out = project / "build" / "posters"
    (out / ".cache" / "chars.json").write_text("[]", encoding="utf-8")
    (out / "posters.json").write_text('{"stations": [], "cities": 3, "all": 1}', encoding="utf-8")
    for piece in (out / ".cache" / "fonts").glob("*.ttf"):
        piece.write_bytes(piece.read_bytes()[:100])  # cut short
    result = run_yizhan(project, "posters")
    assert result.returncode == 0, result.stderr
    assert decode(out / "all.pdf", tmp_path) == [EXPECTED[i] for i in ("nj-center", "test-center", "test-station", "test-window")]
    assert run_yizhan(project, "posters").stdout.startswith("Made 4 station posters (0 drawn, 4 from cache)")


def test_a_new_font_in_a_one_station_run_counts_what_it_drew(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    assert run_yizhan(project, "posters").returncode == 0
    cfg = project / "mkdocs.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("  - yizhan:\n", f"  - yizhan:\n      poster_font: [{WQY}]\n"), encoding="utf-8")
    result = run_yizhan(project, "posters", "--station", "nj-center")
    assert result.returncode == 0 and result.stdout.startswith("Made 4 station posters (4 drawn, 0 from cache)"), result.stdout


def test_problems_are_counted_per_poster(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    center = project / "stations" / "nanjing" / "center.yml"
    center.write_text(center.read_text(encoding="utf-8").replace("南京市流动", "南京市𱍐𱍑𱍒流动"), encoding="utf-8")
    result = run_yizhan(project, "posters")
    assert result.returncode == 1 and result.stderr.endswith("\n1 poster problem: those posters were not made; every other poster was.\n")
    assert result.stderr.count("station nj-center: name: no poster font has") == 3


def test_a_face_number_that_is_not_a_number_and_a_font_that_forbids_embedding(tmp_path: Path) -> None:
    from fontTools.ttLib import TTFont

    with pytest.raises(Exception, match=r"after # comes the number of a face in the collection, e\.g\. wqy-zenhei\.ttc#0"):
        font_chain(["wqy-zenhei.ttc#abc"], tmp_path, installed=[], bundled=())
    font = TTFont(str(tiny_font(tmp_path / "locked.ttf", "Locked")))
    font["OS/2"].fsType = 0x0002
    font.save(str(tmp_path / "locked.ttf"))
    with pytest.raises(Exception, match=r"its licence forbids embedding it in a PDF \(OS/2 fsType 0x0002\)"):
        font_chain(["locked.ttf"], tmp_path, installed=[], bundled=())


def test_a_one_station_run_says_when_the_sites_links_are_behind(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    assert run_yizhan(project, "build").returncode == 0
    center = project / "stations" / "nanjing" / "center.yml"
    center.write_text(center.read_text(encoding="utf-8").replace("南京市流动", "南京市𱍐流动"), encoding="utf-8")
    result = run_yizhan(project, "posters", "--station", "nj-center")
    assert result.returncode == 1
    assert "Posters were added or removed: run `yizhan build` so that the site's pages link exactly these.\n" in result.stderr
