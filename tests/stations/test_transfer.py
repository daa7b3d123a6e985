"""`yizhan export` and `yizhan import`: real xlsx files (openpyxl) and CSV files in UTF-8 and GBK, every problem at once."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tests.conftest import ROOT, run_yizhan

HEADERS = ["编号", "名称", "级别", "上级编号", "运营单位", "市", "区县", "街道/镇", "地址", "纬度", "经度", "开放时间", "电话", "电话说明",
           "联络员", "联络员职务", "联络员电话", "服务项目", "自助报到", "更新日期"]  # fmt: skip
CENTER_ROW = ["wx-center", "无锡市流动党员服务中心", "市级中心", "", "中共无锡市委组织部", "无锡市", "", "", "无锡市梁溪区解放南路1号",
              31.57, 120.30, "周一至周五 8:30-17:30，节假日休息", "0510-81822000", "值班电话", "", "", "", "报到登记、政策咨询", "否",
              "2026-11-01"]  # fmt: skip
STATION_ROW = ["wx-liangxi", "梁溪区流动党员服务驿站", "区镇驿站", "wx-center", "中共无锡市梁溪区委组织部", "无锡市", "梁溪区", "崇安寺街道",
               "无锡市梁溪区中山路1号", 31.58, 120.31, "工作日 9:00-17:00、周六 9:00-12:00", "0510-82700001", "驿站电话", "张丽",
               "红色联络员", "13800000000", "报到登记", "是", dt.date(2026, 11, 2)]  # fmt: skip


def project(tmp_path: Path, stations: bool = False) -> Path:
    root = tmp_path / "p"
    root.mkdir(parents=True)
    shutil.copy2(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    if stations:
        shutil.copytree(ROOT / "stations", root / "stations")
    else:
        (root / "stations").mkdir()
    return root


def xlsx(path: Path, rows: list[list[object]], headers: list[str] = HEADERS, sheet: str = "驿站") -> Path:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(headers)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def files(root: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_mtime_ns, p.read_bytes()) for p in root.rglob("*.yml")}


def test_import_a_new_network_from_xlsx(tmp_path: Path) -> None:
    root = project(tmp_path)
    xlsx(root / "list.xlsx", [CENTER_ROW, STATION_ROW])
    result = run_yizhan(root, "import", "list.xlsx")
    assert (result.returncode, result.stdout, result.stderr) == (0, "created 2, updated 0, unchanged 0\n", "")
    assert sorted(files(root / "stations")) == ["wuxi/liangxi/wx-liangxi.yml", "wuxi/wx-center.yml"]
    text = (root / "stations/wuxi/liangxi/wx-liangxi.yml").read_text(encoding="utf-8")
    assert 'hours: "Mo-Fr 09:00-17:00; Sa 09:00-12:00"' in text and "kiosk: true" in text and "parent: wx-center" in text
    assert 'contacts:\n  - {name: 张丽, role: 红色联络员, phone: "13800000000"}' in text and "updated: 2026-11-02" in text
    check = run_yizhan(root, "check")
    assert check.returncode == 0 and check.stdout == "2 stations OK.\n"


def test_excel_numbers_and_date_serials_are_recovered(tmp_path: Path) -> None:
    root = project(tmp_path)
    center = [*CENTER_ROW]
    center[12], center[19] = 51081822000, 46327  # Excel dropped the 0 of 0510…; a date as Excel's serial (2026-11-01)
    station = [*STATION_ROW]
    station[12], station[16] = 2583600910, 13800000000  # 025 (Nanjing) lost its 0; a mobile is fine as a number
    xlsx(root / "list.xlsx", [center, station])
    assert run_yizhan(root, "import", "list.xlsx").returncode == 0
    assert '- {number: "051081822000", label: 值班电话}' in (root / "stations/wuxi/wx-center.yml").read_text(encoding="utf-8")
    assert "updated: 2026-11-01" in (root / "stations/wuxi/wx-center.yml").read_text(encoding="utf-8")
    text = (root / "stations/wuxi/liangxi/wx-liangxi.yml").read_text(encoding="utf-8")
    assert '"02583600910"' in text and 'phone: "13800000000"' in text


def test_csv_in_gbk_and_in_utf8_with_bom(tmp_path: Path) -> None:
    for encoding in ("gbk", "utf-8-sig"):
        root = project(tmp_path / encoding)
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(HEADERS)
        w.writerow(CENTER_ROW)
        w.writerow([*STATION_ROW[:19], "2026/11/2"])
        (root / "list.csv").write_bytes(out.getvalue().encode(encoding))
        result = run_yizhan(root, "import", "list.csv")
        assert result.stdout == "created 2, updated 0, unchanged 0\n", result.stdout + result.stderr
        text = (root / "stations/wuxi/liangxi/wx-liangxi.yml").read_text(encoding="utf-8")
        assert "name: 梁溪区流动党员服务驿站" in text and "updated: 2026-11-02" in text  # no mojibake


def test_every_bad_cell_of_every_row_at_once_and_nothing_written(tmp_path: Path) -> None:
    root = project(tmp_path)
    rows = [CENTER_ROW]
    for i in range(10):  # three bad cells in each of ten rows: 30 problems
        row = [*STATION_ROW]
        row[0] = f"wx-s{i}"
        row[11] = "周六上午"  # no hours
        row[18] = "可以"  # not 是/否
        row[9] = "北纬31度"  # not a number
        rows.append(row)
    xlsx(root / "list.xlsx", rows)
    result = run_yizhan(root, "import", "list.xlsx")
    lines = result.stdout.splitlines()
    assert result.returncode == 1 and len(lines) == 30 and result.stderr == "30 problems: nothing was written.\n"
    assert lines[:3] == [
        "list.xlsx:驿站!L3: 开放时间: cannot convert the hours: “周六上午”: 上午 needs its hours, e.g. “周六 9:00-12:00”",
        "list.xlsx:驿站!J3: 纬度: expected a number like 31.5789, found “北纬31度”",
        "list.xlsx:驿站!S3: 自助报到: expected 是 or 否, found “可以”",
    ] or sorted(lines[:3]) == sorted([
        "list.xlsx:驿站!L3: 开放时间: cannot convert the hours: “周六上午”: 上午 needs its hours, e.g. “周六 9:00-12:00”",
        "list.xlsx:驿站!J3: 纬度: expected a number like 31.5789, found “北纬31度”",
        "list.xlsx:驿站!S3: 自助报到: expected 是 or 否, found “可以”",
    ])  # fmt: skip
    assert lines[-1].startswith("list.xlsx:驿站!") and lines[-1].split("!")[1].split(":")[0][1:] == "12"
    assert files(root / "stations") == {}


def test_checks_of_the_station_format_point_at_the_cell(tmp_path: Path) -> None:
    root = project(tmp_path)
    station = [*STATION_ROW]
    station[3] = "wx-nowhere"
    station[16] = "138000"
    xlsx(root / "list.xlsx", [CENTER_ROW, station])
    result = run_yizhan(root, "import", "list.xlsx")
    assert result.returncode == 1
    assert "list.xlsx:驿站!Q3: 联络员电话: expected a mainland phone number" in result.stdout
    assert 'list.xlsx:驿站!D3: 上级编号: expected the id of an existing station, found "wx-nowhere"' in result.stdout


def test_unknown_and_misspelt_headers(tmp_path: Path) -> None:
    root = project(tmp_path)
    xlsx(root / "list.xlsx", [CENTER_ROW], headers=[*HEADERS[:-1], "更新时间"])
    result = run_yizhan(root, "import", "list.xlsx")
    assert result.returncode == 1 and result.stdout.startswith("list.xlsx:驿站!T1: unknown column “更新时间” (did you mean “更新日期”?)")


def test_export_then_import_rewrites_no_file(tmp_path: Path) -> None:
    root = project(tmp_path, stations=True)
    before = files(root / "stations")
    for name in ("all.xlsx", "all.csv"):
        assert run_yizhan(root, "export", name).stdout == f"Exported 77 stations to {name}.\n"
        result = run_yizhan(root, "import", name)
        assert (result.returncode, result.stdout) == (0, "created 0, updated 0, unchanged 77\n"), result.stdout + result.stderr
        assert files(root / "stations") == before


def test_the_exported_workbook(tmp_path: Path) -> None:
    root = project(tmp_path, stations=True)
    run_yizhan(root, "export", "all.xlsx")
    ws = load_workbook(root / "all.xlsx").active
    header = [c.value for c in ws[1]]
    assert header[:14] == ["编号", "名称", "级别", "上级编号", "运营单位", "市", "区县", "街道/镇", "地址", "纬度", "经度", "坐标系", "开放时间", "开放时间说明"]
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref == f"A1:{ws.cell(1, len(header)).column_letter}78"
    assert ws.column_dimensions["B"].width >= 20
    row = {h: c for h, c in zip(header, ws[2])}
    assert row["编号"].number_format == "@" and row["电话"].number_format == "@" and isinstance(row["电话"].value, str)
    assert row["开放时间"].value.startswith(("Mo", "Tu", "24/7", "Sa")) and "周" in row["开放时间说明"].value
    cities = [ws.cell(r, header.index("市") + 1).value for r in range(2, 79)]
    assert cities == sorted(cities, key=cities.index)  # grouped by city (in the network's order)


def test_an_update_keeps_comments_and_everything_untouched(tmp_path: Path) -> None:
    root = project(tmp_path, stations=True)
    run_yizhan(root, "export", "all.xlsx")
    path = root / "stations/nanjing/jianye/nanjing-jianye-shazhou.yml"
    before = path.read_text(encoding="utf-8")
    assert "# 坐标从高德地图拾取" in before
    book = load_workbook(root / "all.xlsx")
    ws = book.active
    header = [c.value for c in ws[1]]
    (r,) = [r for r in range(2, 79) if ws.cell(r, 1).value == "nanjing-jianye-shazhou"]
    old = ws.cell(r, header.index("地址") + 1).value
    ws.cell(r, header.index("地址") + 1, value="南京市建邺区江东中路200号")
    book.save(root / "all.xlsx")
    result = run_yizhan(root, "import", "all.xlsx")
    assert result.stdout == "created 0, updated 1, unchanged 76\n", result.stdout + result.stderr
    assert path.read_text(encoding="utf-8") == before.replace(f"address: {old}", "address: 南京市建邺区江东中路200号")


def test_missing_stations_are_listed_and_deleted_only_when_asked(tmp_path: Path) -> None:
    root = project(tmp_path)
    xlsx(root / "two.xlsx", [CENTER_ROW, STATION_ROW])
    xlsx(root / "one.xlsx", [CENTER_ROW])
    run_yizhan(root, "import", "two.xlsx")
    result = run_yizhan(root, "import", "one.xlsx", "--dry-run")
    assert result.stdout == ("would create 0, would update 0, unchanged 1\n"
                             "1 station file not in the sheet (kept; --delete-missing deletes them): wx-liangxi\n")  # fmt: skip
    result = run_yizhan(root, "import", "one.xlsx", "--delete-missing")
    assert result.stdout == "created 0, updated 0, unchanged 1, deleted 1\n"
    assert sorted(files(root / "stations")) == ["wuxi/wx-center.yml"]


@pytest.mark.parametrize("name", ["list.xls", "list.txt"])
def test_other_file_types_are_refused(tmp_path: Path, name: str) -> None:
    root = project(tmp_path)
    (root / name).write_bytes(b"x")
    result = run_yizhan(root, "import", name)
    assert result.returncode == 1 and "expected a .xlsx or .csv file" in result.stdout + result.stderr


def test_a_phone_number_excel_damaged_beyond_repair_is_reported_with_the_fix(tmp_path: Path) -> None:
    root = project(tmp_path)
    station = [*STATION_ROW]
    station[12] = 82700001  # typed without its area code and stored as a number: the 0510 cannot be guessed
    xlsx(root / "list.xlsx", [CENTER_ROW, station])
    result = run_yizhan(root, "import", "list.xlsx")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        (
            "list.xlsx:驿站!M3: 电话: Excel stored the phone as the number 82700001, which lost its leading 0 or digits: "
            "format the column as 文本 (text) and type the number again, e.g. 0510-82700000"
        )
    ]


# found by an adversarial review ----------------------------------------------------------------------------


def test_a_missing_sub_column_keeps_what_the_files_say(tmp_path: Path) -> None:
    root = project(tmp_path, stations=True)
    run_yizhan(root, "export", "all.xlsx")
    before = files(root / "stations")
    book = load_workbook(root / "all.xlsx")
    ws = book.active
    header = [c.value for c in ws[1]]
    for name in [h for h in header if h.startswith("联络员电话")] + ["街道/镇"]:
        ws.delete_cols(header.index(name) + 1)
        header.remove(name)
    book.save(root / "all.xlsx")
    result = run_yizhan(root, "import", "all.xlsx")
    assert result.stdout == "created 0, updated 0, unchanged 77\n", result.stdout + result.stderr
    assert files(root / "stations") == before


def test_a_new_row_never_takes_the_file_of_another_station(tmp_path: Path) -> None:
    root = project(tmp_path)
    xlsx(root / "list.xlsx", [CENTER_ROW, STATION_ROW])
    run_yizhan(root, "import", "list.xlsx")
    other = root / "stations/wuxi/liangxi/wx-new.yml"
    other.write_bytes((root / "stations/wuxi/liangxi/wx-liangxi.yml").read_bytes().replace(b"id: wx-liangxi", b"id: wx-other"))
    new = [*STATION_ROW]
    new[0] = "wx-new"
    xlsx(root / "more.xlsx", [CENTER_ROW, STATION_ROW, new])
    result = run_yizhan(root, "import", "more.xlsx")
    assert result.returncode == 1 and result.stdout == (
        "more.xlsx:驿站!A4: 编号: stations/wuxi/liangxi/wx-new.yml already holds another station: give this one another id, "
        "or rename that file\n"
    )
    assert b"id: wx-other" in other.read_bytes()


def test_delete_missing_never_deletes_a_parent_or_everything(tmp_path: Path) -> None:
    root = project(tmp_path)
    xlsx(root / "two.xlsx", [CENTER_ROW, STATION_ROW])
    run_yizhan(root, "import", "two.xlsx")
    xlsx(root / "no-center.xlsx", [STATION_ROW])
    result = run_yizhan(root, "import", "no-center.xlsx", "--delete-missing")
    assert result.returncode == 1 and 'no-center.xlsx:驿站!D2: 上级编号: expected the id of an existing station, found "wx-center"' in result.stdout
    xlsx(root / "empty.xlsx", [])
    result = run_yizhan(root, "import", "empty.xlsx", "--delete-missing")
    assert result.returncode == 1 and "refusing to delete every station" in result.stdout + result.stderr
    xlsx(root / "one.xlsx", [CENTER_ROW])
    result = run_yizhan(root, "import", "one.xlsx", "--delete-missing", "--dry-run")
    assert result.stdout == "would create 0, would update 0, unchanged 1, would delete 1\n"
    assert sorted(files(root / "stations")) == ["wuxi/liangxi/wx-liangxi.yml", "wuxi/wx-center.yml"]


def test_merged_cells_and_repeated_headers(tmp_path: Path) -> None:
    root = project(tmp_path)
    second = [*STATION_ROW]
    second[0], second[17] = "wx-liangxi-2", ""
    path = xlsx(root / "list.xlsx", [CENTER_ROW, STATION_ROW, second])
    book = load_workbook(path)
    book.active.merge_cells("R3:R4")  # 服务项目 of both stations: Excel shows 报到登记 on both rows
    book.save(path)
    assert run_yizhan(root, "import", "list.xlsx").returncode == 0
    assert "services: [报到登记]" in (root / "stations/wuxi/liangxi/wx-liangxi-2.yml").read_text(encoding="utf-8")
    xlsx(root / "twice.xlsx", [CENTER_ROW], headers=[*HEADERS[:12], "电话", "电话说明", "电话1", *HEADERS[14:]])
    result = run_yizhan(root, "import", "twice.xlsx")
    assert result.returncode == 1 and result.stdout.startswith(
        "twice.xlsx:驿站!O1: column “电话1” says the same as column M (“电话”): number repeated columns 电话, 电话2, 电话3 …")


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    root = project(tmp_path)
    center = [*CENTER_ROW]
    center[8] = '=HYPERLINK("http://evil.invalid","无锡市梁溪区")'
    xlsx(root / "list.xlsx", [center])
    book = load_workbook(root / "list.xlsx")
    book.active["I2"].data_type = "s"  # a clerk's text, not a formula
    book.save(root / "list.xlsx")
    assert run_yizhan(root, "import", "list.xlsx").returncode == 0
    run_yizhan(root, "export", "out.xlsx")
    cell = load_workbook(root / "out.xlsx").active["I2"]
    assert (cell.data_type, cell.value) == ("s", '=HYPERLINK("http://evil.invalid","无锡市梁溪区")')
    assert run_yizhan(root, "import", "out.xlsx").stdout == "created 0, updated 0, unchanged 1\n"


def test_a_write_error_is_one_message(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "stations" / "wuxi").write_text("a file where a folder should be\n", encoding="utf-8")
    xlsx(root / "list.xlsx", [CENTER_ROW, STATION_ROW])
    result = run_yizhan(root, "import", "list.xlsx")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "cannot write" in result.stdout + result.stderr


def test_csv_oddities(tmp_path: Path) -> None:
    root = project(tmp_path)
    out = io.StringIO()
    w = csv.writer(out, delimiter=";")
    w.writerow(HEADERS)
    w.writerow([*CENTER_ROW[:8], "x" * 200_000, *CENTER_ROW[9:]])
    (root / "semi.csv").write_bytes(out.getvalue().encode("utf-16"))  # Excel's "Unicode text", semicolons
    result = run_yizhan(root, "import", "semi.csv")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout == "semi.csv:I2: 地址: expected at most 5,000 characters, found 200,000\n"
    assert run_yizhan(root, "import", "semi.csv", "--sheet", "驿站").stdout + run_yizhan(root, "import", "semi.csv", "--sheet", "x").stderr
    result = run_yizhan(root, "import", "semi.csv", "--sheet", "驿站")
    assert "--sheet is for xlsx workbooks" in result.stdout + result.stderr


def test_a_title_row_above_the_headers_and_numbers_with_underscores(tmp_path: Path) -> None:
    root = project(tmp_path)
    book = Workbook()
    ws = book.active
    ws.title = "驿站"
    ws.append(["无锡市流动党员服务驿站名单（2026年11月）"])
    ws.append(HEADERS)
    center = [*CENTER_ROW]
    center[9] = "3_1.57"
    ws.append(center)
    book.save(root / "list.xlsx")
    result = run_yizhan(root, "import", "list.xlsx")
    assert result.stdout == "list.xlsx:驿站!J3: 纬度: expected a number like 31.5789, found “3_1.57”\n"


def test_an_update_keeps_crlf_bom_and_permissions_and_notes_are_blocks(tmp_path: Path) -> None:
    root = project(tmp_path)
    station = [*STATION_ROW, "第一行\n第二行"]
    xlsx(root / "list.xlsx", [CENTER_ROW, station], headers=[*HEADERS, "说明"])
    run_yizhan(root, "import", "list.xlsx")
    path = root / "stations/wuxi/liangxi/wx-liangxi.yml"
    text = path.read_text(encoding="utf-8")
    assert "notes: |\n  第一行\n  第二行\n" in text
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    path.chmod(0o640)
    station[8] = "无锡市梁溪区中山路2号"
    xlsx(root / "list.xlsx", [CENTER_ROW, station], headers=[*HEADERS, "说明"])
    assert run_yizhan(root, "import", "list.xlsx").stdout == "created 0, updated 1, unchanged 1\n"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == text.count("\n") and path.stat().st_mode & 0o777 == 0o640
    assert raw.decode("utf-8-sig").replace("\r\n", "\n") == text.replace("中山路1号", "中山路2号")


def test_changing_one_hotline_leaves_the_others_as_written(tmp_path: Path) -> None:
    root = project(tmp_path, stations=True)
    run_yizhan(root, "export", "all.xlsx")
    path = root / "stations/wuxi/wuxi-center.yml"
    before = path.read_text(encoding="utf-8")
    book = load_workbook(root / "all.xlsx")
    ws = book.active
    header = [c.value for c in ws[1]]
    (r,) = [r for r in range(2, 79) if ws.cell(r, 1).value == "wuxi-center"]
    old = ws.cell(r, header.index("电话") + 1).value
    ws.cell(r, header.index("电话") + 1, value=51081829999)  # as Excel stores a typed number
    book.save(root / "all.xlsx")
    assert run_yizhan(root, "import", "all.xlsx").stdout == "created 0, updated 1, unchanged 76\n"
    after = path.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert len(changed) == 1 and old in changed[0][0] and '"051081829999"' in changed[0][1]
    assert len(before.splitlines()) == len(after.splitlines())
