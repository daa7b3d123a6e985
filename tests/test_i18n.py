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
