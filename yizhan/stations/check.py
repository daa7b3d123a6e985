"""Check a folder of station files: each file, then what spans files (duplicate ids, parents, cycles), every problem
at once; and the Network when there is none."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from yizhan.errors import CheckFailed, Problem, YizhanError
from yizhan.i18n import _

from .fields import FIELDS, ID_MAX, ID_RE, SUBFIELDS, FileCheck, about, check_file, did_you_mean, q
from .model import Network, Station
from .source import Source
from .vocab import LEVELS, PARENT_LEVEL

__all__ = ["FIELDS", "ID_MAX", "ID_RE", "SUBFIELDS", "assemble", "check_stations", "load_network", "station_files"]


def station_files(root: Path) -> list[Path]:
    """Every .yml/.yaml file under `root`, at any depth, in a stable order (hidden folders skipped)."""
    found_files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found_files.extend(Path(dirpath, f) for f in sorted(filenames) if f.endswith((".yml", ".yaml")))
    return found_files


def check_stations(root: Path, shown_root: str | None = None, services: Sequence[str] | None = None) -> tuple[Network | None, list[Problem]]:
    """Validate every station file under `root` (against the project's `services`, None for the default list): the
    Network (None when there are errors) and every problem.

    Problems include warnings (`Problem.warning`), which fail nothing: the Network carries them too.
    """
    if not root.is_dir():
        raise YizhanError(_("station folder {folder} not found: expected a folder of station YAML files (use --stations DIR)").format(
            folder=root))
    base = shown_root if shown_root is not None else str(root)
    return assemble((check_file(path, os.path.join(base, os.path.relpath(path, root)), services=services) for path in station_files(root)), root)


def assemble(files: Iterable[FileCheck], root: Path) -> tuple[Network | None, list[Problem]]:
    """The Network of checked files (from check_file, or a cache of its results) after the checks across files."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    stations: dict[str, Station] = {}
    meta: dict[str, tuple[str, str | None, Source]] = {}
    for f in files:
        problems.extend(f.problems)
        warnings.extend(f.warnings)
        if f.src is None:
            continue
        src, ident = f.src, f.ident
        if not ident:
            if f.parent:  # still check where it points
                meta[f"\0{src.path}"] = (f.level, f.parent, src)
            continue
        if ident in meta:
            other = meta[ident][2]
            o_line, o_col = other.at(("id",))
            problems.append(src.problem(("id",), _duplicate(ident, f"{other.path}:{o_line}:{o_col}")))
            line, col = src.at(("id",))
            problems.append(other.problem(("id",), _duplicate(ident, f"{src.path}:{line}:{col}")))
            continue
        meta[ident] = (f.level, f.parent, src)
        if f.station:
            stations[ident] = f.station
    if not meta and not problems:
        raise YizhanError(_("no station files (*.yml) found in {folder}").format(folder=root))
    problems.extend(_check_parents(meta))
    if problems:
        return None, sorted(set(problems + warnings))
    return Network(stations, warnings), warnings


def _check_parents(meta: dict[str, tuple[str, str | None, Source]]) -> list[Problem]:
    """Unknown parents, parents of the wrong level, and cycles."""
    out: list[Problem] = []
    ids = [i for i in meta if not i.startswith("\0")]
    for level, parent, src in meta.values():
        if not parent or level == "center":
            continue
        if parent not in meta:
            out.append(src.problem(("parent",), _parent(_("expected the id of an existing station, found {found}{hint}").format(
                found=q(parent), hint=did_you_mean(parent, ids)))))
            continue
        want, got = PARENT_LEVEL.get(level), meta[parent][0]
        if want and got and got != want:
            out.append(src.problem(("parent",), _parent(_("a {level} ({level_zh}) must have a {want} ({want_zh}) as parent, found "
                                                           "{parent}, which is a {got} ({got_zh})").format(
                level=level, level_zh=LEVELS[level], want=want, want_zh=LEVELS[want], parent=q(parent), got=got, got_zh=LEVELS[got]))))
    state: dict[str, int] = {}
    for start in ids:
        chain: list[str] = []
        node: str | None = start
        while node in meta and state.get(node, 0) == 0:
            state[node] = 1
            chain.append(node)
            node = meta[node][1]
        if node in meta and state.get(node) == 1:
            cycle = chain[chain.index(node):] + [node]
            for member in cycle[:-1]:
                out.append(meta[member][2].problem(("parent",), _parent(_("stations form a cycle: {cycle}").format(cycle=" → ".join(cycle)))))
        for member in chain:
            state[member] = 2
    return out


def _duplicate(ident: str, other: str) -> str:
    return about("id", _("duplicate id {id}: also used by {place}").format(id=q(ident), place=other))


def _parent(message: str) -> str:
    return about("parent", message)


def load_network(root: Path, shown_root: str | None = None, services: Sequence[str] | None = None) -> Network:
    """The validated Network, or CheckFailed carrying every problem."""
    network, problems = check_stations(root, shown_root, services)
    if network is None:
        raise CheckFailed(problems)
    return network
