"""The import contracts in pyproject.toml hold, and they catch an import that runs the wrong way."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"]


def lint(project: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run(LINT, cwd=project, env=env, capture_output=True, text=True, timeout=300)


def test_the_contracts_are_kept() -> None:
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_an_import_the_wrong_way_breaks_them(tmp_path: Path) -> None:
    for name in ("yizhan", "kiosk"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", tmp_path)
    csp = tmp_path / "yizhan" / "site" / "csp.py"
    csp.write_text(csp.read_text(encoding="utf-8") + "\nfrom yizhan.checkins import records  # noqa\n", encoding="utf-8")
    model = tmp_path / "yizhan" / "stations" / "model.py"
    model.write_text(model.read_text(encoding="utf-8") + "\nimport kiosk.form  # noqa\n", encoding="utf-8")
    result = lint(tmp_path)
    assert result.returncode == 1
    assert "Capabilities import only the layers below them BROKEN" in result.stdout
    assert "The site never touches check-ins BROKEN" in result.stdout
    assert "yizhan.stations.model -> kiosk.form" in result.stdout
    assert "yizhan.site.csp -> yizhan.checkins" in result.stdout
