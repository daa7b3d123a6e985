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
            elif not re.search(r"[\u3400-\u9fff]", text) and re.search(r"[a-z]{3,}", key):
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
    assert len(helps) >= 25
    problems = []
    for path, h in helps.items():
        if not _CJK.search(h["short"]):
            problems.append(f"{path}: {h['short']!r}")
        problems += [f"{path} {opt}: {text!r}" for opt, text in h["options"].items() if not _CJK.search(text)]
        assert "用法：" in h["help"] and "选项：" in h["help"] and "Usage:" not in h["help"], path
    assert problems == []


def test_english_help_when_the_locale_is_english() -> None:
    import json

    helps = json.loads(_run(["-c", _HELP_DUMP], {"LANG": "en_US.UTF-8"}).stdout)
    assert helps["yizhan check"]["options"]["--stations"] == "Folder of station YAML files (default: stations/ in the project)."
    assert "Usage: yizhan check [OPTIONS]" in helps["yizhan check"]["help"]
    assert not any(_CJK.search(t) for h in helps.values() for t in h["options"].values() if "周一" not in t)
