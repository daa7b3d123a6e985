"""`pip install -e . && yizhan build` needs only what pyproject.toml's dependencies bring: the build runs here with
every installed package outside their closure (the test extras: pytest, bs4, pypdf, playwright, zensical …) made
unimportable, so a module that quietly needs a test-only package fails this test."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from tests.conftest import copy_project

BLOCKER = '''
import sys, importlib.abc
BLOCKED = set(sys.argv[1].split(","))
class Hidden(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (hidden: not a dependency of yizhan)", name=name)
        return None
sys.meta_path.insert(0, Hidden())
sys.argv = ["yizhan", *sys.argv[2:]]
from yizhan.cli import main
main()
'''


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;(]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def runtime_closure() -> set[str]:
    """yizhan's dependencies and theirs, without extras (distribution names, normalised)."""
    seen: set[str] = set()
    todo = ["yizhan"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        todo += [_name(r) for r in requires if "extra ==" not in r.replace('"', "").replace("'", "")]
    return seen


def hidden_modules() -> set[str]:
    closure = runtime_closure()
    hidden = set()
    for module, dists in metadata.packages_distributions().items():
        names = {d.lower().replace("_", "-") for d in dists}
        if names.isdisjoint(closure) and module.isidentifier() and module not in sys.stdlib_module_names:
            hidden.add(module)
    return hidden


def test_the_closure_is_what_pyproject_says() -> None:
    closure = runtime_closure()
    assert {"fonttools", "reportlab", "nh3", "mkdocs-material", "qrcode", "pypinyin"} <= closure
    hidden = hidden_modules()
    assert {"pytest", "bs4", "pypdf", "playwright", "zensical"} <= hidden  # the test extras
    assert "fontTools" not in hidden and "reportlab" not in hidden


def test_build_with_only_the_products_dependencies(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    result = subprocess.run([sys.executable, "-c", BLOCKER, ",".join(sorted(hidden_modules())), "build"], cwd=project,
                            capture_output=True, text=True, timeout=600, check=False, env={"PATH": "/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1"})  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    # in Chinese: no locale is set, as on a clerk's Windows PC (the compiled catalog is read with the standard library's gettext)
    assert re.search(r"^已在 build/posters/ 生成 77 张驿站海报（新绘制 77 张，取自缓存 0 张）和 4 个合并 PDF", result.stdout, re.MULTILINE), result.stdout
    assert (project / "build" / "site" / "index.html").is_file() and (project / "build" / "posters" / "all.pdf").is_file()
