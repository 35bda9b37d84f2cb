"""One exception hierarchy. Every problem found in a file carries its place:
file, line, column, what was expected and what was found."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem at a place in a file (an error or a warning)."""

    file: str
    line: int
    column: int
    message: str
    severity: Severity = "error"
    source_line: str | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"

    def render(self) -> str:
        """The message with the offending line and a caret under the column."""
        text = str(self)
        if self.source_line is not None:
            shown = self.source_line.rstrip("\r\n")
            if len(shown) > 200:
                start = max(0, self.column - 100)
                shown = shown[start : start + 200]
                caret_col = self.column - start
            else:
                caret_col = self.column
            text += f"\n    {shown}\n    {' ' * (caret_col - 1)}^"
        return text


def expected_found(expected: str, found: str) -> str:
    """The standard wording: ``expected X, found Y``."""
    return f"expected {expected}, found {found}"


class MdictError(Exception):
    """Base of every error mdict raises on purpose."""


class ProfileError(MdictError):
    """One or more errors in a profile (or configuration) file."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    @property
    def first(self) -> Diagnostic:
        return self.diagnostics[0]

    def render(self) -> str:
        return "\n".join(d.render() for d in self.diagnostics)


class WrongKindError(ProfileError):
    """A profile of another kind than the one expected (one diagnostic
    naming both kinds): input that cannot be used, like a missing file."""


class InputFileError(MdictError):
    """A file that cannot be read at all (missing, a directory, binary, ...)."""

    def __init__(self, file: str, reason: str) -> None:
        self.file = file
        self.reason = reason
        super().__init__(f"{file}: error: {reason}")


class OutputRefused(InputFileError):
    """An output that may not be replaced (a file that is not an mdict
    database where a compiler would write one)."""


class DatabaseError(MdictError):
    """A compiled database that cannot be used (wrong schema, corrupt, ...)."""


class LookupFailed(MdictError, KeyError):
    """A lookup (tag, name, service, message, item) found nothing."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"
