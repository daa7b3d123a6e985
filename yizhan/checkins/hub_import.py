"""`yizhan hub import`: load kiosk CSV files into the hub with the upload API's created/duplicate/conflict rules."""

from __future__ import annotations

from pathlib import Path

from yizhan.errors import YizhanError
from yizhan.i18n import _

from .hubdb import HubDB
from .outcome import Outcome
from .rows import Row, clean_row, read_rows, row_problem

BATCH = 2000


def import_files(db: HubDB, files: list[Path]) -> Outcome:
    """Import every file (all are checked to exist first); problem lines read file:line: reason."""
    for f in files:
        if not f.is_file():
            raise YizhanError(f"{f}: " + _("no such file"))
    result = Outcome()
    for f in files:
        pending: list[tuple[int, Row]] = []
        for line, raw in read_rows(f):
            row = clean_row(raw)  # as the upload API does: the same check-in whichever way it reaches the hub
            problem = row_problem(row)
            if problem:
                result.add("invalid", f"{f}:{line}: " + _("invalid: {reason}").format(reason=problem))
                continue
            pending.append((line, row))
            if len(pending) >= BATCH:
                _flush(db, f, pending, result)
        _flush(db, f, pending, result)
    return result


def _flush(db: HubDB, f: Path, pending: list[tuple[int, Row]], result: Outcome) -> None:
    """Store one batch and count its outcome; empties `pending`."""
    for (line, row), status in zip(pending, db.ingest([r for _line, r in pending])):
        conflict = f"{f}:{line}: " + _("conflict: check-in {id} is stored with different content; the stored row was kept").format(
            id=row["checkin_id"]
        )
        result.add(status, conflict if status == "conflict" else "")
    pending.clear()
