"""Counts for the report, computed in one pass over the file results: by
severity, code, SOP class, module, and files by number of errors; a compact
row for every file and the full findings of the worst files only."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from mdict.report.results import SEVERITIES, FileResult

ERROR_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (0, 0),
    (1, 1),
    (2, 5),
    (6, 10),
    (11, 20),
    (21, 50),
    (51, 100),
    (101, None),
)
"""Ranges of the "files by number of errors" chart (None: no upper bound)."""

NO_SOP_CLASS: str = "(no SOP class)"


def bucket_label(low: int, high: int | None) -> str:
    if high is None:
        return f"{low}+"
    return str(low) if low == high else f"{low}-{high}"


def bucket_of(errors: int) -> int:
    """The index in ERROR_BUCKETS of a file with ``errors`` errors."""
    for index, (low, high) in enumerate(ERROR_BUCKETS):
        if errors >= low and (high is None or errors <= high):
            return index
    raise ValueError(errors)


@dataclass(frozen=True, slots=True)
class FileRow:
    """What the file table shows of every file."""

    file: str
    service: str | None
    errors: int
    warnings: int
    infos: int
    codes: tuple[str, ...] = ()
    """The distinct codes of the file's findings, in first-found order."""


def severity_key(result: FileResult | FileRow) -> tuple[int, int, int]:
    """Worse files sort first: more errors, then warnings, then notes."""
    if isinstance(result, FileRow):
        return (result.errors, result.warnings, result.infos)
    return (result.errors, result.warnings, result.infos)


@dataclass(slots=True)
class Aggregate:
    """Accumulates file results; ``worst`` full results are kept (a heap)."""

    worst: int = 1000
    files: int = 0
    files_with_errors: int = 0
    severities: Counter[str] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    code_files: Counter[str] = field(default_factory=Counter)
    code_severity: dict[str, Counter[str]] = field(default_factory=dict)
    sop_files: Counter[str] = field(default_factory=Counter)
    sop_failed: Counter[str] = field(default_factory=Counter)
    sop_findings: Counter[str] = field(default_factory=Counter)
    modules: dict[str, Counter[str]] = field(default_factory=dict)
    error_buckets: list[int] = field(default_factory=lambda: [0] * len(ERROR_BUCKETS))
    rows: list[FileRow] = field(default_factory=list)
    _heap: list[tuple[tuple[int, int, int], int, FileResult]] = field(default_factory=list)

    def add(self, result: FileResult) -> None:
        """Count one file's results."""
        self.files += 1
        counts = result.counts
        for severity in SEVERITIES:
            self.severities[severity] += counts.get(severity, 0)
        failed = result.errors > 0
        self.files_with_errors += failed
        sop = result.service or NO_SOP_CLASS
        self.sop_files[sop] += 1
        self.sop_failed[sop] += failed
        self.sop_findings[sop] += len(result.findings)
        self.error_buckets[bucket_of(result.errors)] += 1
        seen: dict[str, None] = {}
        for finding in result.findings:
            self.codes[finding.code] += 1
            self.code_severity.setdefault(finding.code, Counter())[finding.severity] += 1
            seen[finding.code] = None
            module = finding.module or "(module not recorded)"
            self.modules.setdefault(module, Counter())[finding.severity] += 1
        self.code_files.update(seen.keys())
        row = FileRow(
            result.file, result.service, result.errors, result.warnings, result.infos, tuple(seen)
        )
        self.rows.append(row)
        self._keep(result)

    def _keep(self, result: FileResult) -> None:
        if self.worst <= 0 or not result.findings:
            return
        entry = (severity_key(result), -self.files, result)  # earlier file wins a tie
        if len(self._heap) < self.worst:
            heapq.heappush(self._heap, entry)
        elif entry[:2] > self._heap[0][:2]:
            heapq.heapreplace(self._heap, entry)

    def add_all(self, results: Iterable[FileResult]) -> Aggregate:
        for result in results:
            self.add(result)
        return self

    @property
    def detailed(self) -> list[tuple[int, FileResult]]:
        """The kept full results with their row numbers (0-based), worst
        first (ties: in file order)."""
        kept = sorted(self._heap, key=lambda e: e[:2], reverse=True)
        return [(-number - 1, result) for _, number, result in kept]

    def severity_of(self, code: str) -> str:
        """The severity a code had most often in this run."""
        counts = self.code_severity.get(code)
        if not counts:
            return "error"
        return min(counts, key=lambda s: (-counts[s], SEVERITIES.index(s)))

    def module_totals(self) -> list[tuple[str, Counter[str]]]:
        """Modules by number of findings, most first (ties by name)."""
        return sorted(self.modules.items(), key=lambda m: (-m[1].total(), m[0]))


def aggregate(results: Iterable[FileResult], worst: int = 1000) -> Aggregate:
    """Counts of every result and the ``worst`` full results."""
    return Aggregate(worst=worst).add_all(results)
