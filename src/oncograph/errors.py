"""One exception hierarchy. The CLI prints ``str(error)`` as one line and exits with ``error.exit_code``.

Exit codes (documented in the README): 0 success, 1 the graph has SHACL violations, 2 bad input (data file,
option, query, output path), 3 an external service (SPARQL endpoint) failed.
"""

from __future__ import annotations

from dataclasses import dataclass


class OncographError(Exception):
    """Base of every error oncograph raises on purpose; anything else is a bug and keeps its traceback."""

    exit_code = 2


@dataclass(frozen=True, order=True)
class Location:
    """Where something was written: a file, and a 1-based line (0 when unknown)."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.path
        return f"{self.path}:{self.line}" + (f":{self.column}" if self.column else "")


class DataError(OncographError):
    """A curated data file is malformed. Carries every problem found, each with file and line."""

    def __init__(self, problems: list[tuple[Location, str]]):
        self.problems = sorted(problems)
        super().__init__(self._text())

    def _text(self) -> str:
        lines = [f"{loc}: {msg}" for loc, msg in self.problems]
        head = f"{len(lines)} problem(s) in the data; nothing was written"
        return head + "\n" + "\n".join(lines) if len(lines) > 1 else lines[0] + " (nothing was written)"


class InputError(OncographError):
    """A bad option, parameter, file name or graph file given by the user."""


class OutputError(OncographError):
    """An output path cannot be written."""


class ValidationFailed(OncographError):
    """The graph does not conform to the shapes; carries the report."""

    exit_code = 1

    def __init__(self, report):
        self.report = report
        super().__init__(f"the graph has {report.violation_count} SHACL violation(s); see the report above")
