"""`yizhan hub import`: load kiosk CSV files into the hub with the upload API's created/duplicate/conflict rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from yizhan.errors import YizhanError

from .hubdb import HubDB
from .rows import Row, clean_row, read_rows, row_problem

BATCH = 2000


@dataclass
class ImportResult:
    """Counts of one import, and one line per refused row (file:line: reason)."""

    created: int = 0
    duplicate: int = 0
    conflict: int = 0
    invalid: int = 0
    problems: list[str] = field(default_factory=list)


def import_files(db: HubDB, files: list[Path]) -> ImportResult:
    """Import every file; all files are read and checked for readability first."""
    for f in files:
        if not f.is_file():
            raise YizhanError(f"{f}: no such file")
    result = ImportResult()
    for f in files:
        pending: list[tuple[int, Row]] = []
        for line, raw in read_rows(f):
            row = clean_row(raw)  # as the upload API does: the same check-in whichever way it reaches the hub
            problem = row_problem(row)
            if problem:
                result.invalid += 1
                result.problems.append(f"{f}:{line}: invalid: {problem}")
                continue
            pending.append((line, row))
            if len(pending) >= BATCH:
                _flush(db, f, pending, result)
        _flush(db, f, pending, result)
    return result


def _flush(db: HubDB, f: Path, pending: list[tuple[int, Row]], result: ImportResult) -> None:
    """Store one batch and count its outcome; empties `pending`."""
    for (line, row), status in zip(pending, db.ingest([r for _, r in pending])):
        setattr(result, status, getattr(result, status) + 1)
        if status == "conflict":
            result.problems.append(
                f"{f}:{line}: conflict: check-in {row['checkin_id']} is stored with different content; the stored row was kept"
            )
    pending.clear()
