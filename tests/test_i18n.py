"""Messages in Chinese and English: every user-facing string is in the catalog, translated, and shown in the locale's language."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest

from yizhan import i18n

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*(ROOT / "yizhan").rglob("*.py"), *(ROOT / "kiosk").rglob("*.py")])
PO = ROOT / "yizhan/locale/zh_CN/LC_MESSAGES/yizhan.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
# an English phrase: three words in a row, or two words and a full stop / colon (what a person reads)
_SENTENCE = re.compile(r"\b[A-Za-z][a-z']+ [a-z']{2,} [a-z']{2,}\b|\b[A-Z][a-z']+ [a-z']{2,}[.:?]")
# calls whose text is for machines, not people: SQL, regular expressions, PDF metadata, HTTP headers
_MACHINE_CALLS = {"execute", "executemany", "executescript", "query", "sql", "compile", "match", "search", "sub",
                  "setCreator", "setTitle", "setSubject", "setAuthor", "set_header", "add_header", "getLogger"}  # fmt: skip
PRAGMA = "# i18n: not for people"


def _call_name(node: ast.Call) -> str:
    f = node.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def untranslated(path: Path) -> list[str]:
    """English phrases in a source file outside _()/N_()/ngettext(), docstrings and machine calls."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    lines = text.splitlines()
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skip.add(id(body[0].value))
        if isinstance(node, ast.Call) and (_call_name(node) in KEYWORDS or _call_name(node) in _MACHINE_CALLS):
            for sub in ast.walk(node):
                skip.add(id(sub))
        if isinstance(node, ast.JoinedStr):
            for sub in ast.walk(node):
                if sub is not node:
                    skip.add(id(sub))
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
        elif isinstance(node, ast.JoinedStr):
            value = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        else:
            continue
        if _SENTENCE.search(value) and PRAGMA not in lines[node.lineno - 1] and PRAGMA not in lines[node.end_lineno - 1]:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {value[:80]!r}")
    return found


def test_every_phrase_for_people_goes_through_the_catalog() -> None:
    problems = [line for path in SOURCES for line in untranslated(path)]
    assert problems == [], f"{len(problems)} English phrase(s) not wrapped in _() (or marked {PRAGMA!r}):\n" + "\n".join(problems)


# the catalog ----------------------------------------------------------------------------------------------


def _placeholders(text: str) -> list[str]:
    return sorted(set(re.findall(r"\{[^{}]*\}|%\(\w+\)[sdr]|%[sdr]", text)))


def _po() -> "babel.messages.catalog.Catalog":  # type: ignore[name-defined]  # noqa: F821
    from babel.messages.pofile import read_po

    with PO.open("rb") as f:
        return read_po(f)


def test_every_message_of_the_code_has_its_chinese_translation() -> None:
    from babel.messages.extract import extract_from_file

    catalog = _po()
    problems = []
    for path in SOURCES:
        for lineno, msgid, _comments, _context in extract_from_file("python", str(path), keywords=KEYWORDS):
            where = f"{path.relative_to(ROOT)}:{lineno}"
            message = catalog.get(msgid)
            key = msgid[0] if isinstance(msgid, tuple) else msgid
            text = (message.string[0] if isinstance(message.string, tuple) else message.string) if message else ""
            if not message or not text or message.fuzzy:
                problems.append(f"{where}: no Chinese for {key!r} (run `make i18n` and fill its msgstr)")
            elif _placeholders(text) != _placeholders(" ".join(msgid) if isinstance(msgid, tuple) else msgid):
                problems.append(f"{where}: the Chinese of {key!r} has other placeholders: {text!r}")
            elif not re.search(r"[\u3400-\u9fff]", text) and re.search(r"[a-z]{3,}", re.sub(r"\{[^{}]*\}", "", key)):
                problems.append(f"{where}: the Chinese of {key!r} has no Chinese: {text!r}")
    assert problems == [], "\n".join(problems)


def test_the_shipped_mo_is_compiled_from_the_po() -> None:
    """The .mo the package ships says what the .po says (`make i18n` compiles it)."""
    with MO.open("rb") as f:
        shipped = gettext.GNUTranslations(f)
    pairs = ((m.id if isinstance(m.id, str) else m.id[0], m.string if isinstance(m.string, str) else m.string[0], m.fuzzy) for m in _po() if m.id)
    wanted = {k: v for k, v, fuzzy in pairs if v and not fuzzy}
    stale = {k: v for k, v in wanted.items() if shipped.gettext(k) != v}
    assert stale == {}, f"{len(stale)} messages differ between the .po and the .mo: run `make i18n`"


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({}, "zh"),
        ({"LANG": "C.UTF-8"}, "zh"),
        ({"LANG": "POSIX"}, "zh"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "en_GB"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8", "LANGUAGE": "en_US:zh_CN"}, "en"),
        ({"LANG": "en_US.UTF-8", "YIZHAN_LANG": "zh"}, "zh"),
        ({"LANG": "zh_CN.UTF-8", "YIZHAN_LANG": "en"}, "en"),
        ({"LC_ALL": "C", "LANG": "en_US.UTF-8"}, "en"),
    ],
)
def test_language_follows_the_locale_and_defaults_to_chinese(env: dict[str, str], lang: str) -> None:
    assert i18n.language(env) == lang


def test_field_names_keep_their_spelling_with_the_chinese_label_beside(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YIZHAN_LANG", "zh")
    assert i18n.field("hotlines[1].number") == "hotlines[1].number（号码）"
    assert i18n.field("region.city") == "region.city（市）"
    assert i18n.field("unknown_key") == "unknown_key"
    monkeypatch.setenv("YIZHAN_LANG", "en")
    assert i18n.field("hotlines[1].number") == "hotlines[1].number"


# what people see ------------------------------------------------------------------------------------------

_HELP_DUMP = r"""
import json, sys, click
from yizhan.cli import main
out = {}
def walk(cmd, path, parent):
    ctx = click.Context(cmd, info_name=path.rsplit(" ", 1)[-1], parent=parent)
    out[path] = {"help": cmd.get_help(ctx), "short": cmd.get_short_help_str(200),
                 "options": {p.opts[-1]: p.help or "" for p in cmd.params if isinstance(p, click.Option) and not p.hidden}}
    for name, sub in getattr(cmd, "commands", {}).items():
        walk(sub, f"{path} {name}", ctx)
walk(main, "yizhan", None)
json.dump(out, sys.stdout, ensure_ascii=False)
"""
_CJK = re.compile(r"[\u3400-\u9fff]")


def _run(args: list[str], lang: dict[str, str], **kw: object) -> "subprocess.CompletedProcess[str]":  # noqa: F821
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("YIZHAN_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    env.update(lang, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, timeout=120, **kw)  # type: ignore[call-overload]


def test_every_help_text_is_chinese_by_default() -> None:
    """`--help` of every command, with no locale set: the description and every option's help are in Chinese."""
    import json

    result = _run(["-c", _HELP_DUMP], {})
    assert result.returncode == 0, result.stderr
    helps = json.loads(result.stdout)
    assert len(helps) >= 20
    problems = []
    for path, h in helps.items():
        if not _CJK.search(h["short"]):
            problems.append(f"{path}: {h['short']!r}")
        problems += [f"{path} {opt}: {text!r}" for opt, text in h["options"].items() if not _CJK.search(text)]
        assert "用法:" in h["help"] and "选项:" in h["help"] and "Usage:" not in h["help"], path
    assert problems == []


def test_english_help_when_the_locale_is_english() -> None:
    import json

    helps = json.loads(_run(["-c", _HELP_DUMP], {"LANG": "en_US.UTF-8"}).stdout)
    assert helps["yizhan check"]["options"]["--stations"] == "Folder of station YAML files (default: stations/ in the project)."
    assert "Usage: yizhan check [OPTIONS]" in helps["yizhan check"]["help"]
    assert not any(_CJK.search(t) for h in helps.values() for t in h["options"].values() if "周一" not in t)


def _project(tmp_path: Path) -> Path:
    """A copy of the demo project (mkdocs.yml and stations/) in which one station file has five mistakes."""
    import shutil

    project = tmp_path / "project"
    project.mkdir()
    shutil.copy2(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "stations", project / "stations", ignore=shutil.ignore_patterns("*.xlsx"))
    path = project / "stations/wuxi/liangxi/wuxi-liangxi-chongansi.yml"
    text = path.read_text(encoding="utf-8")
    for old, new in (("level: station", "level: stationn"), ("lat: 31.5789", "lat: 91"), ("services: [报到登记,", "services: [报道登记,"),
                     ("operator: 中共无锡市梁溪区委组织部\n", "")):  # fmt: skip
        assert old in text
        text = text.replace(old, new)
    path.write_text(text + "colour: red\n", encoding="utf-8")
    return project


_FILE = "stations/wuxi/liangxi/wuxi-liangxi-chongansi.yml"
_FIELDS_ZH = ("id（编号）, name（名称）, level（级别）, parent（上级）, operator（主办单位）, region（行政区划）, address（地址）, "
              "location（坐标）, hours（开放时间）, hotlines（服务热线）, contacts（联系人）, services（服务项目）, kiosk（自助报到）, "
              "notes（备注）, updated（更新日期）")  # fmt: skip
_SERVICES = "报到登记、组织关系转接、党员活动、学习教育、政策咨询、就业帮扶、困难帮扶、权益维护、志愿服务、党费收缴、证明开具、法律援助、心理疏导、技能培训"
CHECK_ZH = f"""\
{_FILE}:2:1: 缺少字段“operator（主办单位）”：应为主办单位
{_FILE}:4:8: level（级别）：应为以下之一：center, station, window, point，实际为"stationn"（是不是 "station"？）
{_FILE}:8:17: location.lat（纬度）：应为中国境内的纬度（3.8–53.6），实际为 91.0
{_FILE}:15:12: services[0]（服务项目）：应为本项目列出的服务项目（{_SERVICES}），实际为"报道登记"（是不是 "报到登记"？）
{_FILE}:24:1: 未知字段 "colour"（应为以下之一：{_FIELDS_ZH}）
"""
CHECK_EN = f"""\
{_FILE}:2:1: missing field "operator": expected the organisation that runs it
{_FILE}:4:8: level: expected one of center, station, window, point, found "stationn" (did you mean "station"?)
{_FILE}:8:17: location.lat: expected a latitude inside China (3.8–53.6), found 91.0
{_FILE}:15:12: services[0]: expected a service from the project list ({_SERVICES}), found "报道登记" (did you mean "报到登记"?)
{_FILE}:24:1: unknown field "colour" (expected one of id, name, level, parent, operator, region, address, location, hours, hotlines, contacts, services, kiosk, notes, updated)
"""


@pytest.mark.parametrize(
    ("lang", "stdout", "stderr"),
    [
        ({}, CHECK_ZH, "1 个文件中有 5 个问题。\n"),
        ({"LANG": "zh_CN.UTF-8"}, CHECK_ZH, "1 个文件中有 5 个问题。\n"),
        ({"LANG": "en_US.UTF-8"}, CHECK_EN, "5 problems in 1 file.\n"),
        ({"LANG": "zh_CN.UTF-8", "YIZHAN_LANG": "en"}, CHECK_EN, "5 problems in 1 file.\n"),
    ],
    ids=["no-locale", "LANG=zh_CN", "LANG=en_US", "YIZHAN_LANG=en"],
)
def test_check_speaks_chinese_by_default_and_english_when_asked(tmp_path: Path, lang: dict[str, str], stdout: str, stderr: str) -> None:
    result = _run(["-m", "yizhan.cli", "check"], lang, cwd=_project(tmp_path))
    assert (result.stdout, result.stderr, result.returncode) == (stdout, stderr, 1)


def test_cached_checks_are_shown_in_the_language_of_the_moment(tmp_path: Path) -> None:
    """`yizhan export` keeps the station checks in build/.cache: a cache filled in English answers in Chinese the next time."""
    project = _project(tmp_path)
    english = _run(["-m", "yizhan.cli", "export", "x.xlsx"], {"YIZHAN_LANG": "en"}, cwd=project)
    assert english.stdout == CHECK_EN and english.stderr == "5 problem(s) found; nothing was exported.\n"
    chinese = _run(["-m", "yizhan.cli", "export", "x.xlsx"], {}, cwd=project)
    assert chinese.stdout == CHECK_ZH and chinese.stderr == "发现 5 个问题；未导出任何内容。\n"
    assert not (project / "x.xlsx").exists()


@pytest.mark.parametrize(
    ("lang", "wanted"),
    [
        ({}, '未知驿站编号：wuxi-liangxi-chongnsi（是不是 "wuxi-liangxi-chongansi"？）（stations/ 中没有）：未生成上传令牌\n'),
        ({"LC_ALL": "en_US.UTF-8"}, 'unknown station id: wuxi-liangxi-chongnsi (did you mean "wuxi-liangxi-chongansi"?) (not in stations/): no token was made\n'),
    ],
    ids=["zh", "en"],
)
def test_token_for_a_misspelt_station(tmp_path: Path, lang: dict[str, str], wanted: str) -> None:
    result = _run(["-m", "yizhan.cli", "hub", "token", "add", "wuxi-liangxi-chongnsi", "--db", str(tmp_path / "hub.sqlite")], lang, cwd=ROOT)
    assert (result.stderr, result.returncode) == (wanted, 1)


@pytest.mark.parametrize(
    ("lang", "prompt", "wanted"),
    [({}, "新的管理密码（PIN，6 至 12 位数字）: ", "错误：两次输入的值不一致。"),
     ({"LANG": "en_US.UTF-8"}, "New staff PIN (6-12 digits): ", "Error: The two entered values do not match.")],
    ids=["zh", "en"],
)  # fmt: skip
def test_click_prompts_and_its_own_errors_follow_the_language(tmp_path: Path, lang: dict[str, str], prompt: str, wanted: str) -> None:
    """set-pin's PIN typed twice differently: yizhan's prompt and click's error, in the locale's language."""
    args = ["-m", "yizhan.cli", "kiosk", "set-pin", "--station", "wuxi-liangxi-chongansi", "--data-dir", str(tmp_path / "data")]
    result = _run(args, lang, cwd=ROOT, input="12345678\n87654321\n")
    assert prompt in result.stderr + result.stdout and wanted in result.stderr + result.stdout
    assert result.returncode != 0 and not (tmp_path / "data" / "pin.json").exists()


def test_operating_system_errors_in_chinese(tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").mkdir()
    result = _run(["-m", "yizhan.cli", "export", str(tmp_path / "x.xlsx")], {}, cwd=ROOT)
    assert result.returncode == 1 and "这是一个文件夹" in result.stderr, result.stderr
    result = _run(["-m", "yizhan.cli", "export", str(tmp_path / "x.xlsx")], {"YIZHAN_LANG": "en"}, cwd=ROOT)
    assert result.returncode == 1 and "Is a directory" in result.stderr, result.stderr
