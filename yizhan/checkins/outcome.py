"""What the hub did with the rows of an upload or an import: a count per status and a line per refused row."""

from __future__ import annotations

from dataclasses import dataclass, field

STATUSES = ("created", "duplicate", "conflict", "invalid")


@dataclass
class Outcome:
    """Rows stored now (created), already held (duplicate), refused as conflict or invalid; why each was refused."""

    created: int = 0
    duplicate: int = 0
    conflict: int = 0
    invalid: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, status: str, problem: str = "") -> None:
        """Count one row's status (one of STATUSES), with the line saying why when it was refused."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {status!r}")  # i18n: not for people (a programming error)
        setattr(self, status, getattr(self, status) + 1)
        if problem:
            self.problems.append(problem)

    @property
    def rows(self) -> int:
        """Every row counted."""
        return self.created + self.duplicate + self.conflict + self.invalid

    @property
    def refused(self) -> int:
        """Rows the hub does not hold as sent (conflict or invalid): a kiosk keeps them pending."""
        return self.conflict + self.invalid

    def counts(self) -> dict[str, int]:
        """The count of each status, by name."""
        return {s: getattr(self, s) for s in STATUSES}
