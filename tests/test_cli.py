"""The `yizhan` command as a user runs it: exit codes and exact output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from yizhan.cli import main

from .helpers import STATION, network, write

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed `yizhan` command in `cwd`."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "yizhan.cli", *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_check_clean(tmp_path: Path) -> None:
    network(tmp_path / "stations")
    result = CliRunner().invoke(main, ["check", "--stations", str(tmp_path / "stations")])
    assert (result.exit_code, result.output) == (0, "2 stations OK.\n")


def test_check_demo_in_project_dir() -> None:
    result = run("check", cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.endswith(" stations OK.\n")


def test_check_reports_every_problem_and_exits_1(tmp_path: Path) -> None:
    network(tmp_path / "stations", STATION.replace("level: station", "level: stattion").replace("kiosk: true", "kiosk: 2"))
    write(tmp_path / "stations", "bad.yml", "id: [\n")
    result = run("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "stations/bad.yml:2:1: YAML syntax error: while parsing a flow node did not find expected node content",
        'stations/wuxi/station.yml:3:8: level: expected one of center, station, window, point, found "stattion" (did you mean "station"?)',
        "stations/wuxi/station.yml:16:8: kiosk: expected true or false, found the integer 2",
    ]
    assert result.stderr == "3 problems in 2 files.\n"
    assert "Traceback" not in result.stdout + result.stderr


def test_check_missing_folder(tmp_path: Path) -> None:
    result = run("check", "--stations", "nowhere", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == f"station folder {tmp_path / 'nowhere'} not found: expected a folder of station YAML files (use --stations DIR)\n"


def test_check_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "stations").mkdir()
    result = run("check", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (1, f"no station files (*.yml) found in {tmp_path / 'stations'}\n")


def test_build_outside_a_project(tmp_path: Path) -> None:
    network(tmp_path / "stations")
    result = run("build", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        f"{tmp_path / 'mkdocs.yml'} not found: run yizhan in a yizhan project folder (one with mkdocs.yml, stations/ and content/)\n"
    )
    assert not (tmp_path / "build" / "site").exists()


def test_build_refuses_bad_stations(tmp_path: Path) -> None:
    network(tmp_path / "stations", STATION.replace('"12371"', "12371"))
    result = run("build", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == (
        'stations/wuxi/station.yml:12:14: hotlines[1].number: expected a phone number in quotes, found 12371 '
        'which YAML read as the integer 12371: write "12371"\n'
    )
    assert result.stderr == "1 problem(s) found; the site was not built and build/site is unchanged.\n"
    assert not (tmp_path / "build").exists()


def test_demo_data(tmp_path: Path) -> None:
    result = run("demo-data", "--count", "60", "--out", "prov", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "Wrote 60 stations to prov/. Try: yizhan build --stations prov\n")
    check = run("check", "--stations", "prov", cwd=tmp_path)
    assert (check.returncode, check.stdout) == (0, "60 stations OK.\n")
    again = run("demo-data", "--count", "60", "--out", "prov", cwd=tmp_path)
    assert (again.returncode, again.stderr) == (1, "prov is not empty: demo-data writes only into a new or empty folder\n")


def test_help_lists_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("check", "build", "serve", "demo-data"):
        assert f"  {command} " in result.output


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_previews_the_site(tmp_path: Path) -> None:
    import shutil
    import time
    import urllib.request

    shutil.copy(ROOT / "mkdocs.yml", tmp_path)
    shutil.copytree(ROOT / "content", tmp_path / "content")
    network(tmp_path / "stations")
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "yizhan.cli", "serve", "--port", str(port)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        body = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not body:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/s/test-station.html", timeout=2) as resp:
                    body = resp.read().decode("utf-8")
            except OSError:
                time.sleep(0.3)
        assert "梁溪区测试街道流动党员服务驿站" in body
        assert 'href="tel:+8651082700001"' in body
        # the preview's live-reload script is inline: its pages carry no Content-Security-Policy (built sites do)
        assert "livereload(" in body and "Content-Security-Policy" not in body
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert out.startswith(f"Serving on http://127.0.0.1:{port}/")


def test_serve_answers_with_the_problems_while_a_station_is_broken(tmp_path: Path) -> None:
    """A station file saved with a mistake: every address answers at once with a page listing the problems; once the
    file is fixed, the preview rebuilds and shows the site again."""
    import shutil
    import time
    import urllib.error
    import urllib.request

    from bs4 import BeautifulSoup

    shutil.copy(ROOT / "mkdocs.yml", tmp_path)
    shutil.copytree(ROOT / "content", tmp_path / "content")
    network(tmp_path / "stations", STATION.replace("level: station", "level: stattion"))
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "yizhan.cli", "serve", "--port", str(port)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip

    def get(path: str, deadline: float) -> tuple[int, str]:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as resp:
                    return resp.status, resp.read().decode("utf-8")
            except urllib.error.HTTPError as err:
                return err.code, err.read().decode("utf-8")
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)

    problem = 'stations/wuxi/station.yml:3:8: level: expected one of center, station, window, point, found "stattion" (did you mean "station"?)'
    try:
        status, body = get("/", time.monotonic() + 60)
        assert status == 200 and "驿站文件有错误，网站暂时不能预览" in body and problem in BeautifulSoup(body, "html.parser").get_text()
        status, body = get("/s/test-station.html", time.monotonic() + 10)
        assert status == 404 and problem in BeautifulSoup(body, "html.parser").get_text()
        path = tmp_path / "stations" / "wuxi" / "station.yml"
        path.write_text(path.read_text(encoding="utf-8").replace("stattion", "station"), encoding="utf-8")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status, body = get("/s/test-station.html", deadline)
            if status == 200:
                break
            time.sleep(0.5)
        assert status == 200 and "梁溪区测试街道流动党员服务驿站" in body
    finally:
        proc.terminate()
        proc.communicate(timeout=20)


def test_the_readme_command_table_lists_every_command_and_option() -> None:
    """Every command and every option that `--help` shows has its row in README's command reference."""
    import re

    import click

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Command reference", 1)[1].split("\n## ", 1)[0]
    rows = {m[1]: m[0] for m in re.finditer(r"^\| `(yizhan[^`]*?)(?: \[| [A-Z]|` \||\s--)", table, re.MULTILINE)}
    cells = [re.split(r"(?<!\\)\|", line)[1] for line in table.splitlines() if line.startswith("| `yizhan")]
    missing: list[str] = []

    def walk(cmd: click.Command, path: str) -> None:
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                walk(sub, f"{path} {name}")
            if not getattr(cmd, "invoke_without_command", False):
                return
        row = next((c for c in cells if re.match(rf"\s*`{re.escape(path)}(?=[ `])", c)), None)
        if row is None:
            missing.append(f"{path}: no row")
            return
        for p in cmd.params:
            if isinstance(p, click.Option) and not p.hidden:
                names = [n for n in p.opts if n.startswith("--")]
                if names and not any(n in row for n in names):
                    missing.append(f"{path}: {names[0]}")

    walk(main, "yizhan")
    assert rows and missing == []


def test_a_holiday_that_is_no_date_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    """mkdocs.yml's holidays: a date the calendar lacks (YAML refuses it while reading) and an item that is no date."""
    from .conftest import copy_project

    project = copy_project(tmp_path / "p")
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(text.replace("holidays: [2026-01-01,", "holidays: [2026-13-01,"), encoding="utf-8")
    result = run("check", cwd=project)
    assert (result.returncode, result.stderr) == (
        1, f"{project / 'mkdocs.yml'}: a date does not exist (such as 2026-13-01 or 2026-02-30): check holidays and the other dates\n")
    (project / "mkdocs.yml").write_text(text.replace("holidays: [2026-01-01,", "holidays: [bad,"), encoding="utf-8")
    result = run("check", cwd=project)
    assert (result.returncode, result.stderr) == (
        1, f'{project / "mkdocs.yml"}: plugins: yizhan: holidays: expected a date like 2026-10-01 in item 1, found "bad"\n')


def test_export_into_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    result = run("export", str(tmp_path / "no" / "such" / "a.xlsx"), cwd=ROOT)
    assert (result.returncode, result.stderr) == (1, f"{tmp_path / 'no' / 'such' / 'a.xlsx'}: No such file or directory\n")
