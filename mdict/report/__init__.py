"""The HTML validation report (docs/report.md): results mdict wrote, counted
in one pass (:mod:`~mdict.report.aggregate`), rendered as one self-contained
page (:mod:`~mdict.report.build`, :mod:`~mdict.report.html`, inline SVG
charts in :mod:`~mdict.report.charts`), each finding placed in its module
(:mod:`~mdict.report.context`)."""

from __future__ import annotations

import json
import os

from mdict.report.aggregate import Aggregate, aggregate
from mdict.report.build import DEFAULT_WORST, Written, write_report
from mdict.report.results import FileResult, FindingRecord, Results, RunInfo, read_results

__all__ = [
    "DEFAULT_WORST",
    "Aggregate",
    "FileResult",
    "FindingRecord",
    "Results",
    "RunInfo",
    "Written",
    "aggregate",
    "read_results",
    "render_json",
    "write_report",
]


def render_json(
    document: str, output: str | os.PathLike[str], worst: int = DEFAULT_WORST
) -> Written:
    """Write the report of ``mdict validate --format json``'s text."""
    data = json.loads(document)
    run = RunInfo.from_dict(data.get("run") or {}, data.get("summary") or {})
    files = (FileResult.from_dict(entry) for entry in data["files"])
    return write_report(Results(run, files, "mdict validate"), output, worst)
