"""`yizhan posters` and posters in `yizhan build`: cache, selections, exact messages, links from the built site."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import all_station_yaml, run_yizhan
from tests.helpers import write
from tests.posters.test_posters import EXPECTED, FONT_LINE, IDS, LOCAL_KIOSK, NANJING, PLACEHOLDERS, decode, make_project, tool
from yizhan.errors import YizhanError
from yizhan.posters.fonts import FIX, font_chain
from yizhan.stations.codes import station_codes

NO_FONT_HAS = "𱍐"  # U+31350, CJK Extension G: no font installed here has it, nor does the bundled one


def state(root: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime_ns) of every file under root, by relative path."""
    return {str(p.relative_to(root)): (p.stat().st_ino, p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


def made(result: subprocess.CompletedProcess[str]) -> str:
    """stdout without the timing at the end."""
    assert result.returncode == 0, result.stdout + result.stderr
    return re.sub(r" in [\d.]+ s\.\n$", "", result.stdout)


def test_changing_one_station_redraws_one_poster(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    out = project / "build" / "posters"
    assert made(run_yizhan(project, "posters")) == "Made 4 station posters (4 drawn, 0 from cache), 3 combined PDFs in build/posters/"
    assert (out / ".cache" / "stations.pickle").is_file()  # the first run already fills the station cache
    (out / "notes.txt").write_text("staff notes\n", encoding="utf-8")
    before = state(out)
    path = project / "stations" / "nanjing" / "center.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("北京东路1号", "北京东路2号"), encoding="utf-8")
    assert made(run_yizhan(project, "posters")) == "Made 4 station posters (1 drawn, 3 from cache), 3 combined PDFs in build/posters/"
    after = state(out)
    changed = sorted(k for k in after.keys() & before.keys() if after[k] != before[k])
    assert changed == [".cache/stations.pickle", "all.pdf", "city/nanjing.pdf", "posters.json", "s/nj-center.pdf"]
    cache = lambda s: sorted(k for k in s if k.startswith(".cache/pages/"))
    assert len(cache(before)) == len(cache(after)) == 8  # one .json and one .pdf per station: the old entry is gone
    assert len(set(cache(after)) - set(cache(before))) == 2
    pickle = out / ".cache" / "stations.pickle"  # later runs re-read only the station files that changed
    assert pickle.is_file() and pickle.stat().st_mode & 0o777 == 0o600
    # a removed station loses its PDF; files the command did not make stay
    (project / "stations" / "wuxi" / "window.yml").unlink()
    assert made(run_yizhan(project, "posters")) == "Made 3 station posters (0 drawn, 3 from cache), 3 combined PDFs in build/posters/"
    assert not (out / "s" / "test-window.pdf").exists()
    assert (out / "notes.txt").read_text(encoding="utf-8") == "staff notes\n"


def test_station_and_city_selections(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    out = project / "build" / "posters"
    result = run_yizhan(project, "posters", "--station", "test-center", "--out", "build/posters")
    # the combined PDFs always hold the station posters there are: here one
    assert made(result) == "Made 1 station poster (1 drawn, 0 from cache), 2 combined PDFs in build/posters/"
    assert sorted(k for k in state(out) if not k.startswith(".cache/")) == ["all.pdf", "city/wuxi.pdf", "posters.json", "s/test-center.pdf"]
    assert len([k for k in state(out) if k.startswith(".cache/pages/")]) == 2 and len(list(out.glob(".cache/qr/*/*.qr"))) == 1
    result = run_yizhan(project, "posters", "--city", "南京市")
    assert made(result) == "Made 1 station poster (1 drawn, 0 from cache), 3 combined PDFs in build/posters/"
    assert sorted(k for k in state(out) if not k.startswith(".cache")) == [
        "all.pdf",
        "city/nanjing.pdf",
        "city/wuxi.pdf",
        "posters.json",
        "s/nj-center.pdf",
        "s/test-center.pdf",
    ]
    assert decode(out / "all.pdf", tmp_path) == [EXPECTED["nj-center"], EXPECTED["test-center"]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--station", "nope"], "unknown station id: nope (not in stations/)\n"),
        (["--station", "nope", "--station", "test-center", "--station", "nix"], "unknown station ids: nope, nix (not in stations/)\n"),
        (["--city", "南京"], "unknown city: 南京 (did you mean 南京市?); cities in stations/: 南京市、无锡市\n"),
        (["--city", "苏州市"], "unknown city: 苏州市; cities in stations/: 南京市、无锡市\n"),
    ],
)
def test_unknown_station_or_city(tmp_path: Path, args: list[str], message: str) -> None:
    project = make_project(tmp_path / "p")
    result = run_yizhan(project, "posters", *args)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", message)
    assert not (project / "build").exists()


def test_missing_font_and_unusable_font(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    cfg = project / "mkdocs.yml"
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(text.replace("  - yizhan:\n", "  - yizhan:\n      poster_font: fonts/missing.ttf\n"), encoding="utf-8")
    result = run_yizhan(project, "posters")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == PLACEHOLDERS + (
        "poster font fonts/missing.ttf (poster_font in mkdocs.yml) not found: give the path of a .ttf, .ttc or .otf file, "
        "or the file name of an installed font such as msyh.ttc\n"
    )
    write(project, "fonts/missing.ttf", "not a font\n")
    result = run_yizhan(project, "posters")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(PLACEHOLDERS + f"poster font {project / 'fonts/missing.ttf'}: not a usable TrueType or OpenType font (")
    assert not (project / "build").exists()
    cfg.write_text(text.replace("  - yizhan:\n", "  - yizhan:\n      poster_font: [fonts/missing.ttf, 3]\n"), encoding="utf-8")
    result = run_yizhan(project, "posters")
    assert result.stderr == f"{project / 'mkdocs.yml'}: " + (
        "plugins: yizhan: poster_font: expected a font file or a list of them, found ['fonts/missing.ttf', 3]\n"
    )


def test_no_font_at_all(tmp_path: Path) -> None:
    with pytest.raises(YizhanError) as err:
        font_chain([], tmp_path, installed=[], bundled=(tmp_path / "gone.ttf",))
    assert str(err.value).startswith("no font for posters: the fonts that ship with yizhan (")
    assert str(err.value).endswith(f") are missing; reinstall yizhan or {FIX}")


def test_character_no_font_has_stops_only_its_poster(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    write(project / "stations", "nanjing/center.yml", NANJING.replace("南京市流动", f"南京市{NO_FONT_HAS}流动").replace("北京东路", "北京东路㐀"))
    result = run_yizhan(project, "posters")
    assert result.returncode == 1
    assert made_anyway(result) == "Made 3 station posters (3 drawn, 0 from cache), 2 combined PDFs in build/posters/"
    assert result.stderr == PLACEHOLDERS + FONT_LINE + "Drawing posters\n" + (
        f"stations/nanjing/center.yml: station nj-center: name: no poster font has “{NO_FONT_HAS}” (U+31350), "
        f"so this station's poster was not made; {FIX}\n"
        "1 poster problem: those posters were not made; every other poster was.\n"
    )  # 㐀 (U+3400, Extension A) is in Noto Sans CJK and not reported
    out = project / "build" / "posters"
    assert sorted(p.name for p in (out / "s").iterdir()) == ["test-center.pdf", "test-station.pdf", "test-window.pdf"]
    assert not (out / "city" / "nanjing.pdf").exists()
    assert decode(out / "all.pdf", tmp_path) == [EXPECTED[i] for i in ("test-center", "test-station", "test-window")]


def made_anyway(result: subprocess.CompletedProcess[str]) -> str:
    """stdout of a run that exits 1 for a poster problem, without the timing."""
    return re.sub(r" in [\d.]+ s\.\n$", "", result.stdout)


def test_urls_need_configuration(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    cfg = project / "mkdocs.yml"
    original = cfg.read_text(encoding="utf-8")
    cfg.write_text(re.sub(r"(?m)^site_url: .*\n", "", original), encoding="utf-8")
    result = run_yizhan(project, "posters")
    assert result.stderr == (
        "mkdocs.yml: site_url is not set: 2 station(s) without a kiosk (first: test-center) get a QR code of their directory "
        "page, so set site_url to the site's public address, e.g. site_url: https://dangyuan.example.cn/\n"
    )
    cfg.write_text(re.sub(r"(?m)^      checkin_url: .*\n", "", original), encoding="utf-8")
    result = run_yizhan(project, "posters")
    assert result.stderr == (
        "mkdocs.yml: checkin_url is not set under the yizhan plugin: 1 station(s) with a kiosk (first: nj-center) need it for "
        "their self check-in QR code, e.g. checkin_url: https://hub.example.cn/Q/{code}\n"
    )
    cfg.write_text(original.replace("https://hub.example.cn/Q/{code}", "https://hub.example.cn/"), encoding="utf-8")
    assert made(run_yizhan(project, "posters", "--station", "nj-center")).startswith("Made 1 station poster")
    # a base URL without {code} gets the standard /Q/{code} path
    assert decode(project / "build/posters/s/nj-center.pdf", tmp_path) == [EXPECTED["nj-center"]]


def test_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    write(project, "mine/notes.txt", "mine\n")
    result = run_yizhan(project, "posters", "--out", "mine")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"{project / 'mine'} exists and was not made by yizhan posters: refusing to write into it (choose another --out)\n"
    )
    assert sorted(p.name for p in (project / "mine").iterdir()) == ["notes.txt"]
    # inside `yizhan build`: the site is built all the same, without posters, and the command exits 1
    write(project, "build/posters/notes.txt", "mine\n")
    result = run_yizhan(project, "build")
    assert result.returncode == 1 and result.stdout.startswith("Built 4 stations into build/site/")
    assert result.stderr == PLACEHOLDERS + (
        f"{project / 'build/posters'} exists and was not made by yizhan posters: refusing to write into it (choose another --out)\n"
        "(no posters were made; the site was built without them)\n"
    )
    assert sorted(p.name for p in (project / "build" / "posters").iterdir()) == ["notes.txt"]
    assert "海报还没有生成" in (project / "build" / "site" / "posters.html").read_text(encoding="utf-8")


def test_posters_go_where_mkdocs_yml_says(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    cfg = project / "mkdocs.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("  - yizhan:\n", "  - yizhan:\n      posters: prints\n"), encoding="utf-8")
    result = run_yizhan(project, "posters", "--station", "test-center")
    assert made(result) == "Made 1 station poster (1 drawn, 0 from cache), 2 combined PDFs in prints/"
    assert (project / "prints" / "s" / "test-center.pdf").is_file() and not (project / "build").exists()


def test_build_makes_posters_and_links_them_into_the_site(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    result = run_yizhan(project, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Built 4 stations into build/site/")
    assert re.fullmatch(r"Made 4 station posters \(4 drawn, 0 from cache\), 3 combined PDFs in build/posters/ in [\d.]+ s\.", lines[1])
    site, posters = project / "build" / "site", project / "build" / "posters"
    for sid in IDS:
        page = site / "s" / f"{sid}.html"
        (a,) = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select("p.yz-poster a")
        target = (page.parent / a["href"]).resolve()
        assert target == (site / "posters" / "s" / f"{sid}.pdf").resolve()
        assert os.path.samefile(target, posters / "s" / f"{sid}.pdf")  # a hard link: no second copy on disk
    page = site / "posters.html"
    links = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select("article a[href$='.pdf']")
    assert [(a.get_text(), a["href"]) for a in links] == [
        ("nanjing.pdf", "posters/city/nanjing.pdf"),
        ("wuxi.pdf", "posters/city/wuxi.pdf"),
        ("all.pdf", "posters/all.pdf"),
    ]
    assert all((site / a["href"]).is_file() for a in links)
    # a character no font has: the site is built, every other poster is made, and the build exits 1
    write(project / "stations", "nanjing/center.yml", NANJING.replace("南京市流动", f"南京市{NO_FONT_HAS}流动"))
    result = run_yizhan(project, "build")
    assert result.returncode == 1 and result.stdout.startswith("Built 4 stations into build/site/")
    assert "Made 3 station posters (0 drawn, 3 from cache), 2 combined PDFs" in result.stdout
    assert result.stderr.endswith(f"so this station's poster was not made; {FIX}\n1 poster problem: those posters were not made; every other poster was.\n")
    page = BeautifulSoup((site / "s" / "nj-center.html").read_text(encoding="utf-8"), "html.parser")
    assert NO_FONT_HAS in page.h1.get_text() and not page.select("p.yz-poster")
    links = BeautifulSoup((site / "posters.html").read_text(encoding="utf-8"), "html.parser").select("article a[href$='.pdf']")
    assert [a["href"] for a in links] == ["posters/city/wuxi.pdf", "posters/all.pdf"]
    assert not (posters / "s" / "nj-center.pdf").exists() and not (site / "posters" / "s" / "nj-center.pdf").exists()
    assert decode(site / "posters" / "all.pdf", tmp_path) == [EXPECTED[i] for i in ("test-center", "test-station", "test-window")]


def test_combined_pdfs_and_site_copies_follow_a_one_station_run(tmp_path: Path) -> None:
    """The issue's stale-PDF scenario: checkin_urls changes for one station, then `yizhan posters --station` it."""
    project = make_project(tmp_path / "p")
    assert run_yizhan(project, "build").returncode == 0
    cfg = project / "mkdocs.yml"
    new_kiosk = "http://192.168.1.21:8080/Q/{code}"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(LOCAL_KIOSK, new_kiosk), encoding="utf-8")
    result = run_yizhan(project, "posters", "--station", "test-station")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == "Updated the copies in build/site/posters/."
    want = EXPECTED["test-station"].replace("192.168.1.20", "192.168.1.21")
    out, site = project / "build" / "posters", project / "build" / "site" / "posters"
    for pdf in (out / "s" / "test-station.pdf", site / "s" / "test-station.pdf"):
        assert decode(pdf, tmp_path) == [want]
    wuxi = [EXPECTED["test-center"], want, EXPECTED["test-window"]]
    for folder in (out, site):
        assert decode(folder / "city" / "wuxi.pdf", tmp_path) == wuxi
        assert decode(folder / "all.pdf", tmp_path) == [EXPECTED["nj-center"], *wuxi]
        assert os.path.samefile(folder / "s" / "test-station.pdf", out / "s" / "test-station.pdf")


def test_build_without_posters(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    result = run_yizhan(project, "build", "--no-posters")
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(result.stdout.splitlines()) == 1 and result.stderr == PLACEHOLDERS  # the site's address is a placeholder too
    assert not (project / "build" / "posters").exists() and not (project / "build" / "site" / "posters").exists()
    page = project / "build" / "site" / "s" / "test-center.html"
    assert not BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select("p.yz-poster")
    assert "海报还没有生成" in (project / "build" / "site" / "posters.html").read_text(encoding="utf-8")


def test_demo_site_links_every_poster_and_every_qr_decodes(site: Path, demo_project: Path, tmp_path: Path) -> None:
    stations = all_station_yaml(demo_project)
    codes = station_codes(stations)
    about = BeautifulSoup((site / "about.html").read_text(encoding="utf-8"), "html.parser")
    assert about.select_one("article a[href='posters.html']").get_text() == "二维码海报"
    for sid in stations:
        page = site / "s" / f"{sid}.html"
        (a,) = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select("p.yz-poster a")
        assert (page.parent / a["href"]).resolve().is_file()
    all_pdf = site / "posters" / "all.pdf"
    assert re.search(r"^Pages:\s+77$", tool("pdfinfo", all_pdf), re.MULTILINE)
    subprocess.run(["pdftoppm", "-r", "50", "-gray", "-png", all_pdf, tmp_path / "p"], check=True)
    pngs = sorted(tmp_path.glob("p-*.png"))
    decoded = tool("zbarimg", "-q", "--raw", *pngs).splitlines()
    want = {
        f"HTTPS://HUB.EXAMPLE.CN/Q/{codes[sid]}" if d.get("kiosk") else f"HTTPS://DANGYUAN.EXAMPLE.CN/s/{sid}.html"
        for sid, d in stations.items()
    }
    assert len(decoded) == 77 and set(decoded) == want
