"""``mdict validate``: check DICOM files against the messages of a database."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import quoteattr

import click

from mdict.cli._common import (
    FOUND_PROBLEMS,
    database_inputs,
    db_options,
    note,
    open_database,
    output_option,
    refuse_to_overwrite,
    write_together,
)
from mdict.db.aliases import did_you_mean
from mdict.db.protocol import MessageDatabase
from mdict.fileio import collect_files
from mdict.model import COMMANDS
from mdict.report.context import annotate_all
from mdict.validation.baseline import (
    baseline_key,
    check_baseline_target,
    read_baseline,
    save_baseline,
)
from mdict.validation.findings import coverage_sources
from mdict.validation.validator import CODES, LEVELS, Coverage, Finding, Report, Validator

# The validator of this process; set before worker processes fork.
_VALIDATOR: Validator | None = None


def _validate_one(job: tuple[str, str | None, str, bool, str]) -> Report:
    path, service, command, coverage, level = job
    assert _VALIDATOR is not None
    # findings below the level are never made, so never cross processes
    return _VALIDATOR.validate_file(path, service, command, coverage=coverage, level=level)


def run_all(
    validator: Validator,
    files: Sequence[str],
    service: str | None,
    command: str,
    coverage: bool,
    jobs: int,
    level: str = "info",
) -> Iterator[Report]:
    """Reports (findings at ``level`` and above) in file order; several
    processes when ``jobs`` > 1."""
    global _VALIDATOR
    _VALIDATOR = validator
    work = [(f, service, command, coverage, level) for f in files]
    if jobs <= 1 or len(files) < 4 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(_validate_one, work)
        return
    context = multiprocessing.get_context("fork")
    chunk = max(1, min(16, len(files) // (jobs * 8)))
    done = 0
    try:
        with ProcessPoolExecutor(jobs, mp_context=context) as pool:
            for report in pool.map(_validate_one, work, chunksize=chunk):
                done += 1
                yield report
    except BrokenProcessPool:  # a worker died (killed, out of memory): finish here
        yield from map(_validate_one, work[done:])


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def _counts(findings: Iterable[Finding] | Counter[str], rank: int = 2) -> str:
    """``1 error, 2 warnings`` for the severities shown at level ``rank``."""
    counter: Counter[str] = (
        findings if isinstance(findings, Counter) else Counter(f.severity for f in findings)
    )
    parts = []
    for severity in ("error", "warning", "info")[: rank + 1]:
        n = counter[severity]
        parts.append(f"{n} {severity}{'' if n == 1 else 's'}")
    return ", ".join(parts)


def _junit(results: Sequence[tuple[Report, list[Finding]]]) -> str:
    failures = sum(1 for _, shown in results if any(f.severity == "error" for f in shown))
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuite name="mdict validate" tests="{len(results)}" failures="{failures}">',
    ]
    for report, shown in results:
        name = quoteattr(_xml_safe(report.source or "<dataset>"))
        lines.append(f'  <testcase classname="mdict.validation.validator" name={name}>')
        errors = [f for f in shown if f.severity == "error"]
        if errors:
            body = "\n".join(str(f) for f in errors)
            lines.append(
                f"    <failure message={quoteattr(_counts(shown))}>{_escape(body)}</failure>"
            )
        others = [f for f in shown if f.severity != "error"]
        if others:
            lines.append(f"    <system-out>{_escape(chr(10).join(map(str, others)))}</system-out>")
        lines.append("  </testcase>")
    lines.append("</testsuite>")
    return "\n".join(lines) + "\n"


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    """Text XML 1.0 can hold: bytes of a file name that are not UTF-8 (lone
    surrogates) and control characters written as ``\\xNN``."""
    try:
        data = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that is no escaped byte
        data = text.encode("utf-8", "backslashreplace")
    text = data.decode("utf-8", "backslashreplace")
    return _XML_INVALID.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _escape(text: str) -> str:
    text = _xml_safe(text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@contextmanager
def _plain(reports: Iterator[Report]) -> Iterator[Iterator[Report]]:
    yield reports


def _print_text(file: str, report: Report, fresh: list[Finding], known: int, rank: int = 2) -> None:
    for finding in fresh:
        click.echo(f"{file}: {finding}")
    what = f"{report.service} {report.command}" if report.service else "no message spec"
    extra = f", {known} known (baseline)" if known else ""
    click.echo(f"{file}: {_counts(fresh, rank)}{extra} ({what})")


def _coverage_text(coverage: Coverage) -> str:
    if not coverage.uses:
        return "conditions: no condition uses"
    share = 100.0 * coverage.evaluated / coverage.uses
    return (
        f"conditions: {coverage.evaluated} of {coverage.uses} uses evaluated ({share:.1f}%):"
        f" {coverage.convention} by the naming convention, {coverage.profile} from the"
        f" conditions profile, {coverage.borrowed} borrowed from the standard database,"
        f" {coverage.not_evaluated} not evaluated"
    )


def _unevaluated_text(results: Sequence[tuple[Report, list[Finding]]]) -> str:
    """``; 3 condition uses not evaluated`` for the summary line, or nothing."""
    missed = sum(report.unevaluated for report, _ in results)
    if not missed:
        return ""
    uses = "1 condition use" if missed == 1 else f"{missed} condition uses"
    return f"; {uses} not evaluated (--coverage names the conditions)"


def _print_summary(
    results: Sequence[tuple[Report, list[Finding]]],
    total: Counter[str],
    known: int,
    coverage: Coverage | None,
    rank: int = 2,
) -> None:
    failed = sum(1 for _, fresh in results if any(f.severity == "error" for f in fresh))
    extra = f", {known} known (baseline)" if known else ""
    click.echo(
        f"{len(results)} file{'' if len(results) == 1 else 's'}: "
        f"{len(results) - failed} without errors, {failed} with errors; {_counts(total, rank)}{extra}"
        f"{_unevaluated_text(results)}"
    )
    if coverage is not None:
        click.echo(_coverage_text(coverage))
        for name in coverage.unevaluated_names:
            click.echo(f"  not evaluated: {name}")


def _json(
    results: Sequence[tuple[Report, list[Finding]]],
    total: Counter[str],
    known: int,
    coverage: Coverage | None,
    run: dict[str, Any] | None = None,
    db: MessageDatabase | None = None,
) -> str:
    files = []
    for report, fresh in results:
        data = report.to_dict()
        data["findings"] = [f.to_dict() for f in fresh]
        counts = Counter(f.severity for f in fresh)
        data["counts"] = {s: counts[s] for s in ("error", "warning", "info")}
        data["ok"] = not any(f.severity == "error" for f in fresh)
        data.pop("coverage")
        files.append(data)
    summary: dict[str, Any] = {
        "files": len(results),
        "files_with_errors": sum(1 for f in files if not f["ok"]),
        "counts": {s: total[s] for s in ("error", "warning", "info")},
        "known": known,
        "unevaluated_condition_uses": sum(report.unevaluated for report, _ in results),
    }
    if coverage is not None:
        summary["coverage"] = {
            "condition_uses": coverage.uses,
            "evaluated": coverage.evaluated,
            "unevaluated_names": list(coverage.unevaluated_names),
            "by_source": coverage_sources(coverage),
        }
    document: dict[str, Any] = {"files": files, "summary": summary}
    if db is not None:  # each finding's module, type and condition (docs/report.md)
        annotate_all(db, files)
    if run is not None:
        document["run"] = run
    return json.dumps(document, indent=2)


def run_info(db: MessageDatabase, started: float, level: str, command: str) -> dict[str, Any]:
    """What the JSON results say about the run (the report's Run section)."""
    from mdict import __version__

    header = getattr(db, "header", None)
    sources = [
        {"role": s.role, "file": s.file, "sha256": s.sha256} for s in getattr(header, "sources", ())
    ]
    return {
        "mdict_version": __version__,
        "database": {
            "name": str(getattr(db, "name", "<memory>")),
            "kind": getattr(header, "kind", None),
            "sources": sources,
        },
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "elapsed_seconds": round(time.time() - started, 3),
        "level": level,
        "command": command,
    }


def _emit(output_format: str, document: str, output: str | None) -> None:
    """Results to stdout, or to ``output`` written whole (html: the page)."""
    if output_format == "html":
        from mdict.report import render_json

        render_json(document, output or "report.html")
    elif output is None:
        click.echo(document, nl=output_format != "junit")
    else:
        write_together([(output, document if output_format == "junit" else document + "\n")])


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@db_options
@click.option(
    "--service",
    help="Service name, SOP Class UID or number (default: from each file's SOP Class UID).",
)
@click.option(
    "--command",
    "command",
    default="C_STORE_RQ",
    show_default=True,
    type=click.Choice(COMMANDS),
    help="DIMSE command of the message.",
)
@click.option(
    "--level",
    type=click.Choice(["errors", "warnings", "info"]),
    default="warnings",
    show_default=True,
    help="Lowest severity shown.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "junit", "html"]),
    default="text",
    show_default=True,
    help="html: a self-contained report page (docs/report.md); give -o.",
)
@output_option("Write the results to this file (written whole, or not at all) instead of stdout.")
@click.option(
    "--baseline",
    metavar="FILE",
    help="Findings listed there are known: shown as such, never fail.",
)
@click.option(
    "--write-baseline",
    metavar="FILE",
    help="Write the findings shown to this baseline file (never over an input).",
)
@click.option("--coverage", is_flag=True, help="Report how many condition uses could be evaluated.")
@click.option(
    "--ignore",
    "ignored",
    multiple=True,
    metavar="CODE",
    help="A finding code never shown nor counted (repeatable), e.g. NON_SERVICE_ATTRIBUTE.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 256),
    default=None,
    help="Worker processes (default: all cores).",
)
def validate_command(
    paths: tuple[str, ...],
    db_path: str | None,
    profiles: str | None,
    service: str | None,
    command: str,
    level: str,
    output_format: str,
    baseline: str | None,
    write_baseline: str | None,
    coverage: bool,
    ignored: tuple[str, ...],
    jobs: int | None,
    output: str | None = None,
) -> None:
    """Validate DICOM files, or every file under folders, against a database.

    Each file is checked against the message spec of its SOP Class (or
    --service) in the database. Exit status 1 when errors remain.
    """
    if output_format == "html" and output is None:
        raise click.UsageError("--format html writes a page: name it with -o FILE")
    started = time.time()
    unknown = sorted(set(ignored) - set(CODES))
    if unknown:
        raise click.BadParameter(f"unknown code(s): {', '.join(unknown)}", param_hint="--ignore")
    files, inputs = _inputs(paths, db_path, profiles, [write_baseline, output])
    db = open_database(db_path, profiles)
    if service is not None and db.service(service) is None:
        hint = did_you_mean(service, [s.name for s in db.services()])
        raise click.BadParameter(
            f"no service {service!r} in the database{hint}", param_hint="--service"
        )
    known = read_baseline(baseline) if baseline else set()
    workers = jobs or os.cpu_count() or 1
    reports = run_all(Validator(db), files, service, command, coverage, workers, level)
    text = output_format == "text"
    rank = LEVELS[level.rstrip("s")]
    tally = _gather(reports, len(files), known, set(ignored), rank, text)
    shown_coverage = tally.coverage if coverage else None
    if text:
        _print_summary(tally.results, tally.total, tally.known, shown_coverage, rank)
    else:
        run = run_info(db, started, level, command)
        document = (
            _junit(tally.results)
            if output_format == "junit"
            else _json(tally.results, tally.total, tally.known, shown_coverage, run, db)
        )
        _emit(output_format, document, output)
    if write_baseline:
        save_baseline(write_baseline, tally.written, inputs)
        note(f"baseline written: {write_baseline} ({len(set(tally.written))} findings)")
        return
    if tally.new_errors:
        sys.exit(FOUND_PROBLEMS)


@dataclass
class Tally:
    """What the reports of a run add up to (findings after the baseline)."""

    results: list[tuple[Report, list[Finding]]] = field(default_factory=list)
    total: Counter[str] = field(default_factory=Counter)
    known: int = 0
    new_errors: int = 0
    coverage: Coverage = field(default_factory=Coverage)
    written: list[str] = field(default_factory=list)


def _gather(
    reports: Iterator[Report],
    count: int,
    known: set[str],
    ignored: set[str],
    rank: int,
    text: bool,
) -> Tally:
    """Add the reports up; in text, print each file's findings as it comes
    (after the progress bar, on a terminal)."""
    tally = Tally()
    show_progress = count > 1 and sys.stderr.isatty()
    with (
        click.progressbar(reports, length=count, label="validating", file=sys.stderr)
        if show_progress
        else _plain(reports) as stream
    ):
        for report in stream:
            file = report.source or "?"
            shown = [f for f in report if LEVELS[f.severity] <= rank and f.code not in ignored]
            keys = [baseline_key(file, f) for f in shown]
            tally.written.extend(keys)
            fresh = [f for f, k in zip(shown, keys, strict=True) if k not in known]
            tally.known += len(shown) - len(fresh)
            tally.new_errors += sum(f.severity == "error" for f in fresh)
            tally.total.update(f.severity for f in fresh)
            tally.coverage = tally.coverage + report.coverage
            tally.results.append((report, fresh))
            if text and not show_progress:
                _print_text(file, report, fresh, len(shown) - len(fresh), rank)
    if text and show_progress:
        for report, fresh in tally.results:
            shown_count = sum(LEVELS[f.severity] <= rank and f.code not in ignored for f in report)
            _print_text(report.source or "?", report, fresh, shown_count - len(fresh), rank)
    return tally


def _inputs(
    paths: Sequence[str], db_path: str | None, profiles: str | None, outputs: list[str | None]
) -> tuple[list[str], list[str]]:
    """The files to validate, and every file the run reads: no output (the
    baseline to write, the results file) may name one of them."""
    files = collect_files(paths)
    inputs = [*files, *database_inputs(db_path, profiles)]
    baseline, output = outputs
    if baseline:
        check_baseline_target(baseline, inputs)
    if output is not None:
        refuse_to_overwrite([output], inputs)
    return files, inputs
