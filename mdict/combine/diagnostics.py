"""Reporting, shared by every merge stage: how a merge problem is placed and
worded (a diagnostic at a location, counts in words, did-you-mean hints)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from mdict.errors import Diagnostic, Severity
from mdict.model import Location


def diagnostic_at(
    loc: Location | None, file: str, message: str, severity: Severity = "error"
) -> Diagnostic:
    """A diagnostic at ``loc``, or at the top of ``file`` when there is none."""
    if loc is None:
        return Diagnostic(file, 0, 0, message, severity)
    return Diagnostic(loc.file, loc.line, loc.column, message, severity)


def short_form(diagnostic: Diagnostic) -> str:
    """``FILE:LINE: message``: how merge warnings are printed."""
    return f"{diagnostic.file}:{diagnostic.line}: {diagnostic.message}"


def where(loc: Location | None, fallback: str) -> str:
    """``FILE:LINE`` of ``loc``, or ``fallback`` for a thing read from nowhere."""
    return f"{loc.file}:{loc.line}" if loc is not None else fallback


def plural(count: int, word: str) -> str:
    """``1 line``, ``2 lines``."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean X?)`` when a candidate is close to ``name``, else empty."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.8)
    return f" (did you mean {close[0]}?)" if close else ""
