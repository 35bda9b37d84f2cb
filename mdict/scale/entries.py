"""A file's entry of a streamed run, made where its report is made.

The entry (the file entry of ``mdict validate --format json``: the findings
shown, each with its module, type and condition) and the JSON line written
for it used to be made on the client from each report; at about 0.25 ms a
file, one client then kept up with about 3,000 files a second, however
many workers. Workers now make them (:func:`entry_partition`), and the
client only writes the line (or the Parquet row) and adds up the
:class:`Tally` (docs/scale.md).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass

from mdict.report.context import Annotator
from mdict.scale.sinks import SEVERITIES, Entry
from mdict.scale.source import DatabaseSource
from mdict.scale.summary import Tally
from mdict.scale.tasks import Options, validate_one
from mdict.validation.baseline import baseline_key
from mdict.validation.findings import LEVELS, PRIVATE, Finding, Report


@dataclass(frozen=True)
class Filters:
    """What the command line drops or accepts: the level shown, ``--ignore``
    codes and the ``--baseline`` keys."""

    rank: int
    ignored: frozenset[str]
    known: frozenset[str]
    show_private: bool = True
    """Private dictionary disagreements shown (``--show private``, or ``--level info``)."""


def entry_of(
    report: Report, filters: Filters, annotator: Annotator | None = None
) -> tuple[Entry, list[Finding], int]:
    """(the entry of ``--format json``, the findings shown that are new, how
    many the baseline knows); ``annotator`` adds each finding's module, type
    and condition, as ``--format json`` does."""
    file = report.source or "?"
    shown = [
        f for f in report if LEVELS[f.severity] <= filters.rank and f.code not in filters.ignored
    ]
    if not filters.show_private:
        hidden = [f for f in shown if f.category == PRIVATE]
        shown = [f for f in shown if f.category != PRIVATE]
        entry_hidden = len(hidden)
    else:
        entry_hidden = 0
    fresh = [f for f in shown if baseline_key(file, f) not in filters.known]
    # the file entry of --format json: the report's fields (findings made once)
    entry: Entry = dataclasses.replace(report, findings=()).to_dict()
    entry.pop("coverage")
    entry["findings"] = [f.to_dict() for f in fresh]
    counts = {s: 0 for s in SEVERITIES}
    for finding in fresh:
        counts[finding.severity] += 1
    entry["counts"] = counts
    entry["ok"] = counts["error"] == 0
    if annotator is not None:
        for finding in entry["findings"]:
            annotator.annotate(report.service, report.command, finding)
    entry["__hidden"] = entry_hidden
    return entry, fresh, len(shown) - len(fresh)


@dataclass(frozen=True, slots=True)
class Made:
    """One file of a streamed run: its JSON line (``line``) or its entry
    (``entry``, for a Parquet sink), its tally and, when a baseline is being
    written, the keys of its new findings."""

    tally: Tally
    line: str | None = None
    entry: Entry | None = None
    keys: tuple[str, ...] = ()


def made_of(
    report: Report,
    filters: Filters,
    annotator: Annotator | None,
    lines: bool,
    keys: bool,
    coverage: bool = False,
) -> Made:
    """The entry of a report as a line (``lines``) or a dict, and its tally."""
    entry, fresh, known = entry_of(report, filters, annotator)
    tally = Tally.of(entry, known, report.coverage if coverage else None)
    file = entry["file"] or "?"
    new_keys = tuple(baseline_key(file, f) for f in fresh) if keys else ()
    if lines:
        return Made(tally, line=json.dumps(entry, ensure_ascii=False), keys=new_keys)
    return Made(tally, entry=entry, keys=new_keys)


_ANNOTATORS: dict[str, Annotator] = {}
"""One annotator per database digest in this process (its caches grow warm)."""


def annotator_for(source: DatabaseSource) -> Annotator:
    found = _ANNOTATORS.get(source.digest)
    if found is None:
        found = _ANNOTATORS[source.digest] = Annotator(source.validator().db)
    return found


def entry_partition(
    paths: Sequence[str],
    source: DatabaseSource,
    options: Options,
    filters: Filters,
    lines: bool,
    keys: bool,
) -> list[Made]:
    """A worker's task: each file of a partition validated and made into its
    entry, in the partition's order."""
    annotator = annotator_for(source)
    return [
        made_of(
            validate_one(source, path, options), filters, annotator, lines, keys, options.coverage
        )
        for path in paths
    ]
