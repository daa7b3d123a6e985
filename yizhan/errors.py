"""The one domain error type and the problem records that checks report."""

from __future__ import annotations

from dataclasses import dataclass

from yizhan.i18n import _, ngettext


class YizhanError(Exception):
    """A user-facing error: the CLI and the MkDocs plugin print its message, never a traceback."""


@dataclass(frozen=True, order=True)
class Problem:
    """One finding of a check, located in a file (line and column count from 1)."""

    path: str
    line: int
    col: int
    message: str
    warning: bool = False  # a warning is printed but fails nothing

    def __str__(self) -> str:
        text = _("warning: {message}").format(message=self.message) if self.warning else self.message
        return f"{self.path}:{self.line}:{self.col}: {text}"


class CheckFailed(YizhanError):
    """Raised when station data has problems; carries every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        n = sum(not p.warning for p in self.problems)
        lines = [str(p) for p in self.problems]
        lines.append(ngettext("{n} problem found; nothing was built.", "{n} problems found; nothing was built.", n).format(n=n))
        super().__init__("\n".join(lines))
