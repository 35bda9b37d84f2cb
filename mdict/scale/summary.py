"""The summary of a run, computed from the stream of per-file entries.

Counts by severity, by code and by SOP class (the service each file was
validated as), whatever the order the entries come in: the same files give
the same summary through every engine.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from mdict.scale.sinks import SEVERITIES, Entry
from mdict.validation.findings import Coverage, coverage_sources

NO_SERVICE = "(none)"
"""The SOP class column of files validated against no message."""


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@dataclass(frozen=True, slots=True)
class Tally:
    """What the summary adds up of one file."""

    service: str | None
    ok: bool
    findings: tuple[tuple[str, str], ...]
    """(code, severity) of each finding shown."""
    hidden: int = 0
    unevaluated: int = 0
    known: int = 0
    coverage: Coverage | None = None

    @staticmethod
    def of(entry: Entry, known: int = 0, coverage: Coverage | None = None) -> Tally:
        """The tally of a file's entry; its ``__hidden`` count is taken out of it."""
        return Tally(
            entry["service"],
            bool(entry["ok"]),
            tuple((f["code"], f["severity"]) for f in entry["findings"]),
            int(entry.pop("__hidden", 0) or 0),
            int(entry.get("unevaluated_condition_uses") or 0),
            known,
            coverage,
        )


@dataclass(slots=True)
class Summary:
    """Running totals over entries (see :mod:`mdict.scale.sinks` for their schema)."""

    rank: int = 2
    """The lowest severity shown: 0 errors, 1 warnings, 2 info."""
    files: int = 0
    with_errors: int = 0
    known: int = 0
    private: int = 0
    """Private dictionary disagreements not shown (without ``--show private``)."""
    unevaluated: int = 0
    """Condition uses not evaluated (the entries' ``unevaluated_condition_uses``)."""
    severities: Counter[str] = field(default_factory=Counter)
    codes: Counter[tuple[str, str]] = field(default_factory=Counter)
    services: Counter[str] = field(default_factory=Counter)
    services_failed: Counter[str] = field(default_factory=Counter)
    coverage: Coverage | None = None

    def add(self, entry: Entry, known: int = 0, coverage: Coverage | None = None) -> None:
        """One file's entry (its ``__hidden`` count taken out of it)."""
        self.add_tally(Tally.of(entry, known, coverage))

    def add_tally(self, tally: Tally) -> None:
        """One file, from what was counted of it (here or on a worker)."""
        self.files += 1
        self.known += tally.known
        self.private += tally.hidden
        self.unevaluated += tally.unevaluated
        service = tally.service or NO_SERVICE
        self.services[service] += 1
        if not tally.ok:
            self.with_errors += 1
            self.services_failed[service] += 1
        for code, severity in tally.findings:
            self.severities[severity] += 1
            self.codes[(code, severity)] += 1
        if tally.coverage is not None:
            self.coverage = (
                tally.coverage if self.coverage is None else self.coverage + tally.coverage
            )

    def headline(self) -> str:
        """The line ``mdict validate`` ends with (the same words)."""
        counts = ", ".join(_plural(self.severities[s], s) for s in SEVERITIES[: self.rank + 1])
        extra = f", {self.known} known (baseline)" if self.known else ""
        if self.unevaluated:
            uses = _plural(self.unevaluated, "condition use")
            extra += f"; {uses} not evaluated (--coverage names the conditions)"
        return (
            f"{_plural(self.files, 'file')}: {self.files - self.with_errors} without errors, "
            f"{self.with_errors} with errors; {counts}{extra}"
        )

    def text(self, tables: bool = True) -> str:
        """The headline, the counts by code and by SOP class (``tables``),
        the coverage when asked."""
        lines = [self.headline()]
        if self.private:
            lines.append(
                f"{self.private} private dictionary disagreement{'s' * (self.private != 1)} "
                "(VR or number of values of vendor private attributes) not shown: --show private"
            )
        if self.codes and tables:
            lines.append("by code:")
            for (code, severity), count in _ranked(self.codes):
                lines.append(f"  {count:>9} {severity:<7} {code}")
        if self.services and tables:
            lines.append("by SOP class:")
            for service, count in _ranked(self.services):
                failed = self.services_failed[service]
                lines.append(f"  {count:>9} {service} ({failed} with errors)")
        if self.coverage is not None:
            from mdict.cli.validate import _coverage_text  # the local engine's words

            lines.append(_coverage_text(self.coverage))
            lines += [f"  not evaluated: {name}" for name in self.coverage.unevaluated_names]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The summary of ``--format json``, with ``by_code`` and ``by_service``."""
        data: dict[str, Any] = {
            "files": self.files,
            "files_with_errors": self.with_errors,
            "counts": {s: self.severities[s] for s in SEVERITIES},
            "known": self.known,
            "unevaluated_condition_uses": self.unevaluated,
            "private_not_shown": self.private,
            "by_code": [
                {"code": code, "severity": severity, "count": count}
                for (code, severity), count in _ranked(self.codes)
            ],
            "by_service": [
                {"service": name, "files": count, "files_with_errors": self.services_failed[name]}
                for name, count in _ranked(self.services)
            ],
        }
        if self.coverage is not None:
            data["coverage"] = {
                "condition_uses": self.coverage.uses,
                "evaluated": self.coverage.evaluated,
                "unevaluated_names": list(self.coverage.unevaluated_names),
                "by_source": coverage_sources(self.coverage),
            }
        return data


def _ranked(counter: Counter[Any]) -> list[tuple[Any, int]]:
    """Most frequent first, then by key: an order independent of arrival."""
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))
