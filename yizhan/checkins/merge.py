"""The USB path: merge kiosk CSV files into one, each check-in once, conflicts reported with file and line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from yizhan.errors import YizhanError
from yizhan.i18n import _

from .records import COLUMNS
from .rows import Row, read_rows, write_csv


@dataclass
class MergeResult:
    """What a merge did."""

    rows: int = 0
    duplicates: int = 0
    conflicts: list[str] = field(default_factory=list)


def differing(a: Row, b: Row) -> list[str]:
    """The columns in which two rows with the same checkin_id differ (names only: no personal data in messages)."""
    return [c for c in COLUMNS if a[c] != b[c]]


def merge(inputs: list[Path], output: Path) -> MergeResult:
    """Write every distinct check-in of `inputs` to `output` (first version kept on a conflict)."""
    out = output.resolve()
    for p in inputs:
        if p.resolve() == out:
            raise YizhanError(f"{output}: " + _("the output must not be one of the input files"))
        if not p.is_file():
            raise YizhanError(f"{p}: " + _("no such file"))
    seen: dict[str, tuple[Row, str]] = {}
    result = MergeResult()
    for p in inputs:
        for line, row in read_rows(p):
            where = f"{p}:{line}"
            first = seen.get(row["checkin_id"])
            if first is None:
                seen[row["checkin_id"]] = (row, where)
            elif first[0] == row:
                result.duplicates += 1
            else:
                cols = ", ".join(differing(first[0], row))
                result.conflicts.append(
                    f"{where}: "
                    + _("checkin_id {id} conflicts with {other} (differs in {columns}); kept the row of {other}").format(
                        id=row["checkin_id"], other=first[1], columns=cols
                    )
                )
    result.rows = write_csv(output, (r for r, _where in seen.values()))
    return result
