"""``mdict validate``: check DICOM files against the messages of a database."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click

from mdict.cli._common import (
    FOUND_PROBLEMS,
    INTERRUPTED,
    database_inputs,
    db_options,
    level_option,
    note,
    open_database,
    output_option,
    refuse_to_overwrite,
    show_option,
    shows_private,
    write_together,
)
from mdict.db.protocol import MessageDatabase
from mdict.fileio import collect_files
from mdict.model import COMMANDS
from mdict.processes import can_fork
from mdict.validation.baseline import (
    baseline_key,
    check_baseline_target,
    read_baseline,
    save_baseline,
)
from mdict.validation.findings import PRIVATE, coverage_sources
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
) -> Generator[Report, None, None]:
    """Reports (findings at ``level`` and above) in file order; several
    forked processes when ``jobs`` > 1 and forking is safe."""
    global _VALIDATOR
    _VALIDATOR = validator
    work = [(f, service, command, coverage, level) for f in files]
    if jobs <= 1 or len(files) < 4 or not can_fork():
        # one job, a handful of files, or a host with threads (whose locks a
        # forked worker could inherit held): here, in this process
        yield from map(_validate_one, work)
        return
    # imported here: a one-file run never pays for them
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("fork")  # workers inherit _VALIDATOR
    chunk = max(1, min(16, len(files) // (jobs * 8)))
    done = 0
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_ignore_interrupts)
    try:
        for report in pool.map(_validate_one, work, chunksize=chunk):
            done += 1
            yield report
    except BrokenProcessPool:  # a worker died (killed, out of memory): finish here
        pool.shutdown(wait=True)
        yield from map(_validate_one, work[done:])
    except BaseException:  # Ctrl-C (or the caller stopped): do not wait for the workers
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    else:
        pool.shutdown(wait=True)


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the parent, which reports what was found."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


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
    from mdict.junit import Case, junit

    cases = (
        Case(
            "mdict.validation.validator",
            report.source or "<dataset>",
            any(f.severity == "error" for f in shown),
            _counts(shown),
            tuple(str(f) for f in shown if f.severity == "error"),
            tuple(str(f) for f in shown if f.severity != "error"),
        )
        for report, shown in results
    )
    return junit("mdict validate", cases)


@contextmanager
def _plain(reports: Iterator[Report]) -> Iterator[Iterator[Report]]:
    yield reports


class _Results:
    """What the reports of a run add up to; each file's text is printed as
    soon as its report arrives (above the progress bar on a terminal)."""

    def __init__(
        self, rank: int, ignored: Sequence[str], known: set[str], show_private: bool, text: bool
    ) -> None:
        self.rank = rank
        self.ignored = set(ignored)
        self.known = known
        self.show_private = show_private
        self.text = text
        self.results: list[tuple[Report, list[Finding]]] = []
        self.total = Counter[str]()
        self.new_errors = 0
        self.known_count = 0
        self.private = 0
        self.coverage = Coverage()
        self.written: list[str] = []

    def shown(self, report: Report) -> list[Finding]:
        out = []
        for f in report:
            if LEVELS[f.severity] > self.rank or f.code in self.ignored:
                continue
            if f.category == PRIVATE and not self.show_private:
                self.private += 1
                continue
            out.append(f)
        return out

    def add(self, report: Report, bar: Any = None) -> None:
        file = report.source or "?"
        shown = self.shown(report)
        keys = [baseline_key(file, f) for f in shown]
        self.written.extend(keys)
        fresh = [f for f, k in zip(shown, keys, strict=True) if k not in self.known]
        self.known_count += len(shown) - len(fresh)
        self.new_errors += sum(f.severity == "error" for f in fresh)
        self.total.update(f.severity for f in fresh)
        self.coverage = self.coverage + report.coverage
        self.results.append((report, fresh))
        if not self.text:
            return
        if bar is not None:  # erase the bar's line (stderr), print, draw it again
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()
        _print_text(file, report, fresh, len(shown) - len(fresh), self.rank)
        if bar is not None:
            bar.render_progress()


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
    private: int = 0,
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
        "private_not_shown": private,
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
        from mdict.report.context import annotate_all  # JSON and HTML only: not loaded for text

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


def streamed(output: str | None) -> bool:
    """Whether ``-o`` names a streamed output (JSON Lines or Parquet)."""
    return output is not None and output.lower().endswith((".jsonl", ".parquet"))


def _scale_options(command: Any) -> Any:
    """--engine, --scheduler, --partition-size, --resume, --from-list
    (docs/scale.md; with them -o streams one entry per file)."""
    options = (
        click.option(
            "--engine",
            type=click.Choice(["local", "dask"]),
            default="local",
            show_default=True,
            help="Where files are validated: this machine's cores or a Dask cluster.",
        ),
        click.option("--scheduler", metavar="ADDRESS", help="A running Dask scheduler."),
        click.option(
            "--partition-size",
            type=click.IntRange(1),
            default=64,
            show_default=True,
            help="Files per task.",
        ),
        click.option("--resume", is_flag=True, help="Skip the files -o FILE has already."),
        click.option(
            "--from-list",
            metavar="FILE",
            help="Validate the files listed in FILE (one path a line; - for standard input).",
        ),
    )
    for option in reversed(options):
        command = option(command)
    return command


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
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
@level_option("Lowest severity shown.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "junit", "html"]),
    default="text",
    show_default=True,
    help="html: a self-contained report page (docs/report.md); give -o.",
)
@output_option(
    "Write the results to this file (written whole, or not at all) instead of stdout;"
    " FILE.jsonl or FILE.parquet: streamed, one entry per file (docs/scale.md)."
)
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
@show_option(
    "Also show a category hidden by default: private (vendor dictionary "
    "disagreements, VR or number of values of private attributes)."
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 256),
    default=None,
    help="Worker processes (default: all cores).",
)
@_scale_options
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
    show: tuple[str, ...],
    jobs: int | None,
    output: str | None = None,
    **scale: Any,
) -> None:
    """Validate DICOM files, or every file under folders, against a database.

    Each file is checked against the message spec of its SOP Class (or
    --service) in the database. Exit status 1 when errors remain.
    """
    _check_arguments(paths, output_format, output, ignored, scale["from_list"])
    started = time.time()
    if scale["engine"] != "local" or scale["from_list"] or scale["resume"] or streamed(output):
        from mdict.scale.command import validate_command as scaled  # docs/scale.md

        args = (paths, db_path, profiles, service, command, level, output_format, coverage)
        scaled(
            scale | {"output": output, "show": show}, *args, ignored, jobs, baseline, write_baseline
        )
        return
    files, inputs = _inputs(paths, db_path, profiles, [write_baseline, output])
    db = _open_with_service(db_path, profiles, service)
    known = read_baseline(baseline) if baseline else set()
    workers = jobs or os.cpu_count() or 1
    rank = LEVELS[level.rstrip("s")]
    text = output_format == "text"
    out = _Results(rank, ignored, known, shows_private(show, level), text)
    interrupted = _collect(Validator(db), files, service, command, coverage, workers, level, out)
    summary_coverage = out.coverage if coverage else None
    if text:
        _print_text_summary(out, summary_coverage, rank)
    else:
        run = run_info(db, started, level, command)
        _emit_document(out, output_format, output, summary_coverage, run, db)
    if interrupted:
        click.echo(f"error: interrupted after {len(out.results)} of {len(files)} files", err=True)
        sys.exit(INTERRUPTED)
    if write_baseline:
        save_baseline(write_baseline, out.written, inputs)
        note(f"baseline written: {write_baseline} ({len(set(out.written))} findings)")
        return
    if out.new_errors:
        sys.exit(FOUND_PROBLEMS)


def _check_arguments(
    paths: tuple[str, ...],
    output_format: str,
    output: str | None,
    ignored: tuple[str, ...],
    from_list: str | None,
) -> None:
    """Usage errors before anything is read."""
    if output_format == "html" and output is None:
        raise click.UsageError("--format html writes a page: name it with -o FILE")
    unknown = sorted(set(ignored) - set(CODES))
    if unknown:
        raise click.BadParameter(f"unknown code(s): {', '.join(unknown)}", param_hint="--ignore")
    if not paths and not from_list:
        raise click.UsageError("Missing argument 'PATHS...'.")


def _open_with_service(
    db_path: str | None, profiles: str | None, service: str | None
) -> MessageDatabase:
    """The database, which must know ``--service`` when one is named."""
    db = open_database(db_path, profiles)
    if service is not None and db.service(service) is None:
        from mdict.db.aliases import did_you_mean

        hint = did_you_mean(service, [s.name for s in db.services()])
        raise click.BadParameter(
            f"no service {service!r} in the database{hint}", param_hint="--service"
        )
    return db


def _print_text_summary(out: _Results, summary_coverage: Coverage | None, rank: int) -> None:
    """The text report's summary, and the private disagreements not shown."""
    _print_summary(out.results, out.total, out.known_count, summary_coverage, rank)
    if out.private:
        click.echo(
            f"{out.private} private dictionary disagreement{'s' * (out.private != 1)} "
            "(VR or number of values of vendor private attributes) not shown: --show private"
        )


def _emit_document(
    out: _Results,
    output_format: str,
    output: str | None,
    summary_coverage: Coverage | None,
    run: dict[str, Any],
    db: MessageDatabase,
) -> None:
    """The JSON, JUnit or HTML report of the results."""
    document = (
        _junit(out.results)
        if output_format == "junit"
        else _json(out.results, out.total, out.known_count, summary_coverage, run, db, out.private)
    )
    _emit(output_format, document, output)


def _collect(
    validator: Validator,
    files: Sequence[str],
    service: str | None,
    command: str,
    coverage: bool,
    workers: int,
    level: str,
    out: _Results,
) -> bool:
    """Validate every file into ``out``, printing as it goes; True when
    Ctrl-C stopped the run (what was found so far is kept)."""
    reports = run_all(validator, files, service, command, coverage, workers, level)
    show_progress = len(files) > 1 and sys.stderr.isatty()
    bar = (
        click.progressbar(length=len(files), label="validating", file=sys.stderr)
        if show_progress
        else None
    )
    try:
        with bar if bar is not None else _plain(reports):
            for report in reports:
                out.add(report, bar)
                if bar is not None:
                    bar.update(1)
    except KeyboardInterrupt:
        reports.close()
        if bar is not None:
            sys.stderr.write("\n")
        return True
    return False


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
