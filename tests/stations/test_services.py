"""The list of services lives in mkdocs.yml (`services:` under `plugins: - yizhan:`; absent: the default list of
yizhan.stations.vocab), and `yizhan check`, import/export, the build and its finder follow it (issue 15)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from yizhan import config
from yizhan.errors import CheckFailed, YizhanError
from yizhan.stations.cache import cached_network
from yizhan.stations.vocab import SERVICES

from ..conftest import copy_project
from ..helpers import STATION, network

ROOT = Path(__file__).resolve().parents[2]
LISTED = "、".join(SERVICES)
MINIMAL = "site_name: 测试\nplugins:\n  - yizhan:\n      stations: stations\n"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The `yizhan` command, as a user runs it, in `cwd`."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "yizhan.cli", *args], cwd=cwd, env=env, capture_output=True, text=True)


def with_services(services: str | None) -> str:
    """A minimal mkdocs.yml whose yizhan plugin has `services: <services>` (none when None)."""
    return MINIMAL + (f"      services: {services}\n" if services is not None else "")


def options(tmp_path: Path, services: str) -> config.Settings:
    (tmp_path / "mkdocs.yml").write_text(with_services(services), encoding="utf-8")
    return config.load(tmp_path)


# the option ---------------------------------------------------------------------------------------------------


def test_without_the_option_the_default_list_applies(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(MINIMAL, encoding="utf-8")
    assert config.load(tmp_path).services is None  # None: yizhan.stations.vocab.SERVICES
    assert config.project_services(tmp_path) is None
    assert config.project_services(tmp_path / "no-project-here") is None


def test_the_bundled_mkdocs_yml_lists_the_default_services_explicitly() -> None:
    assert config.load(ROOT).services == tuple(SERVICES)


def test_a_list_of_services_is_read_in_order_and_stripped(tmp_path: Path) -> None:
    assert options(tmp_path, "[学习资料, ' 报到登记 ', 党员活动]").services == ("学习资料", "报到登记", "党员活动")


@pytest.mark.parametrize(("value", "message"), [
    ("学习资料", "expected a list of service names like [报到登记, 学习资料], found '学习资料'"),
    ("[]", "expected a list of service names like [报到登记, 学习资料], found []"),
    ("{学习资料: 1}", "expected a list of service names like [报到登记, 学习资料], found {'学习资料': 1}"),
    ("[报到登记, 12371]", "expected a service name in item 2, found 12371"),
    ("[报到登记, '']", "expected a service name in item 2, found ''"),
    ("[报到登记, null]", "expected a service name in item 2, found None"),
    ('[报到登记, "学习\\t资料"]', "expected a service name without control characters in item 2, found U+0009 in '学习\\t资料'"),
    ("[报到登记, 学习资料、党员活动]", ("expected one service per item, without 、 ， , ; ； / (they separate services in a "
                                    "spreadsheet cell), found '、' in item 2, '学习资料、党员活动'")),
    ("[报到登记, " + "学" * 21 + "]", f"expected at most 20 characters in item 2, found 21 in '{'学' * 21}'"),
    ("[报到登记, 学习资料, 党员活动, 学习资料]", "expected each service once, found '学习资料' in items 2 and 4"),
    ("[" + ", ".join(f"服务{i}" for i in range(33)) + "]", "expected at most 32 services, found 33"),
])  # fmt: skip
def test_a_bad_services_option_is_named_with_what_was_found(tmp_path: Path, value: str, message: str) -> None:
    with pytest.raises(YizhanError) as err:
        options(tmp_path, value)
    assert str(err.value) == f"{tmp_path / 'mkdocs.yml'}: plugins: yizhan: services: {message}"


def test_a_bad_services_option_stops_yizhan_check(tmp_path: Path) -> None:
    network(tmp_path / "stations")
    (tmp_path / "mkdocs.yml").write_text(with_services("[报到登记, 报到登记]"), encoding="utf-8")
    result = run("check", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"{tmp_path / 'mkdocs.yml'}: plugins: yizhan: services: expected each service once, found '报到登记' in items 1 and 2\n"


# yizhan check, import and export follow the list --------------------------------------------------------------

LEARNING = STATION.replace("services: [报到登记, 组织关系转接]", "services: [报到登记, 学习资料]")


def test_check_follows_the_list_in_mkdocs_yml(tmp_path: Path) -> None:
    """Add 学习资料 to mkdocs.yml and a station may name it; take it out and `yizhan check` says so again, with a
    did-you-mean against the configured list."""
    network(tmp_path / "stations", LEARNING)
    result = run("check", cwd=tmp_path)  # no mkdocs.yml: the default list
    assert result.returncode == 1
    assert result.stdout == (f'stations/wuxi/station.yml:15:18: services[1]: expected a service from the project list ({LISTED}), '
                             'found "学习资料"\n')  # fmt: skip
    (tmp_path / "mkdocs.yml").write_text(with_services(f"[{', '.join(SERVICES)}, 学习资料]"), encoding="utf-8")
    result = run("check", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "2 stations OK.\n", "")
    (tmp_path / "stations" / "wuxi" / "station.yml").write_text(LEARNING.replace("学习资料", "学习资科"), encoding="utf-8")
    result = run("check", cwd=tmp_path)
    assert result.stdout == (f'stations/wuxi/station.yml:15:18: services[1]: expected a service from the project list ({LISTED}、学习资料), '
                             'found "学习资科" (did you mean "学习资料"?)\n')  # fmt: skip
    (tmp_path / "mkdocs.yml").write_text(with_services("[报到登记, 学习资料]"), encoding="utf-8")  # a list of its own
    (tmp_path / "stations" / "wuxi" / "station.yml").write_text(STATION, encoding="utf-8")
    result = run("check", cwd=tmp_path)
    assert result.stdout == ('stations/wuxi/station.yml:15:18: services[1]: expected a service from the project list (报到登记、学习资料), '
                             'found "组织关系转接"\n')  # fmt: skip


def test_a_changed_list_invalidates_the_cached_checks(tmp_path: Path) -> None:
    """`yizhan export` reads the stations through the cache of checked files (build/.cache): a station that passed
    with 学习资料 in the list fails once it is taken out, and passes again when it is back."""
    network(tmp_path / "stations", LEARNING)
    listed = with_services(f"[{', '.join(SERVICES)}, 学习资料]")
    (tmp_path / "mkdocs.yml").write_text(listed, encoding="utf-8")
    time.sleep(2.1)  # files changed in the last two seconds are never cached (cache.RACY_NS)
    result = run("export", "out.csv", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "Exported 2 stations to out.csv.\n"), result.stderr
    assert "报到登记、学习资料" in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert [p.name for p in (tmp_path / "build" / ".cache").iterdir()]  # the checks were cached

    (tmp_path / "mkdocs.yml").write_text(with_services(f"[{', '.join(SERVICES)}]"), encoding="utf-8")
    result = run("export", "out2.csv", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == (f'stations/wuxi/station.yml:15:18: services[1]: expected a service from the project list ({LISTED}), '
                             'found "学习资料"\n')  # fmt: skip
    assert result.stderr == "1 problem(s) found; nothing was exported.\n"
    assert not (tmp_path / "out2.csv").exists()

    (tmp_path / "mkdocs.yml").write_text(listed, encoding="utf-8")
    result = run("export", "out2.csv", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "Exported 2 stations to out2.csv.\n"), result.stderr


def test_the_cache_keeps_one_list_apart_from_another(tmp_path: Path) -> None:
    root, cache = network(tmp_path / "stations", LEARNING), tmp_path / "cache.pickle"
    wider = [*SERVICES, "学习资料"]
    assert cached_network(root, "stations", cache, racy_ns=0, services=wider).stations["test-station"].services == ["报到登记", "学习资料"]
    with pytest.raises(CheckFailed) as err:
        cached_network(root, "stations", cache, racy_ns=0)  # the default list: the cached check does not stand
    assert [p.message for p in err.value.problems] == [f'services[1]: expected a service from the project list ({LISTED}), found "学习资料"']
    assert len(cached_network(root, "stations", cache, racy_ns=0, services=wider)) == 2


def test_import_checks_the_services_column_against_the_list(tmp_path: Path) -> None:
    network(tmp_path / "stations")
    assert run("export", "t.csv", cwd=tmp_path).returncode == 0
    table = tmp_path / "t.csv"
    table.write_text(table.read_text(encoding="utf-8-sig").replace("报到登记、组织关系转接", "报到登记、学习资料"), encoding="utf-8-sig")
    result = run("import", "t.csv", "--dry-run", cwd=tmp_path)
    assert result.returncode == 1
    assert re.fullmatch(rf't\.csv:[A-Z]+3: 服务项目: expected a service from the project list \({LISTED}\), found "学习资料"\n', result.stdout)
    (tmp_path / "mkdocs.yml").write_text(with_services(f"[{', '.join(SERVICES)}, 学习资料]"), encoding="utf-8")
    result = run("import", "t.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "services: [报到登记, 学习资料]" in (tmp_path / "stations" / "wuxi" / "station.yml").read_text(encoding="utf-8")


# the site ---------------------------------------------------------------------------------------------------


def test_a_configured_service_is_on_the_station_page_and_in_the_finder(tmp_path: Path) -> None:
    """yizhan build with 学习资料 in mkdocs.yml: the station page lists it, the finder's services (its search and
    filter) have it in the order of the list."""
    project = copy_project(tmp_path / "p", ["wuxi/wuxi-center.yml", "wuxi/liangxi/wuxi-liangxi-chongansi.yml"])
    station = project / "stations" / "wuxi" / "liangxi" / "wuxi-liangxi-chongansi.yml"
    station.write_text(station.read_text(encoding="utf-8").replace("services: [报到登记,", "services: [学习资料, 报到登记,"), encoding="utf-8")
    result = run("build", "--no-posters", cwd=project)
    assert result.returncode == 1 and 'found "学习资料"' in result.stdout  # the bundled list has no 学习资料
    yml = project / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("心理疏导, 技能培训]", "心理疏导, 技能培训, 学习资料]"), encoding="utf-8")
    result = run("build", "--no-posters", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    page = (project / "build" / "site" / "s" / "wuxi-liangxi-chongansi.html").read_text(encoding="utf-8")
    assert "学习资料" in page
    finder = (project / "build" / "site" / "finder.html").read_text(encoding="utf-8")
    svc = json.loads(re.search(r'"svc":(\[[^\]]*\])', finder)[1])  # type: ignore[index]
    assert svc[-1] == "学习资料" and svc == [s for s in [*SERVICES, "学习资料"] if s in svc]
