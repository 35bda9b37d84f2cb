"""``mdict validate`` and ``mdict learn`` through an engine, streaming.

Used by the commands when ``--engine dask``, ``--output``, ``--from-list``
or ``--resume`` is given (docs/scale.md).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import click

from mdict.report.context import Annotator
from mdict.scale.entries import Filters, Made, entry_of
from mdict.scale.run import (
    Engine,
    learn_corpus,
    list_files,
    open_engine,
    validate_entries,
    validate_reports,
)
from mdict.scale.sinks import Sink, done_files, exists, open_sink
from mdict.scale.source import DatabaseSource
from mdict.scale.summary import Summary
from mdict.scale.tasks import Options
from mdict.validation.baseline import baseline_key
from mdict.validation.findings import LEVELS, Finding, Report


@dataclass(frozen=True)
class Plan:
    """A streamed validation as the command line asked for it."""

    paths: tuple[str, ...]
    from_list: str | None
    output: str | None
    resume: bool
    output_format: str
    engine: str
    scheduler: str | None
    workers: int | None
    partition_size: int


def check_plan(plan: Plan) -> None:
    """Usage errors before anything starts."""
    if plan.output_format in ("junit", "html"):
        raise click.UsageError(
            f"--format {plan.output_format} holds every result: give -o FILE.jsonl or FILE.parquet"
            " for a stream, or use the local engine without --resume and --from-list"
        )
    if plan.resume and not plan.output:
        raise click.UsageError("--resume needs --output (the results to continue)")
    if plan.output and plan.output != "-" and exists(plan.output) and not plan.resume:
        raise click.UsageError(
            f"{plan.output} exists: --resume to continue it, or remove it to start again"
        )
    if plan.paths and plan.from_list:
        raise click.UsageError("give paths or --from-list, not both")


def run_validate(
    plan: Plan,
    source: DatabaseSource,
    options: Options,
    filters: Filters,
    baseline: list[str] | None,
    engine: Engine | None = None,
) -> int:
    """Validate, stream the entries out, print the summary; the exit status.
    ``engine``: one already running (kept open), else the plan's (closed)."""
    check_plan(plan)
    done = done_files(plan.output) if plan.output and plan.resume else set()
    output = plan.output or ("-" if plan.output_format == "json" else None)
    sink = open_sink(output, plan.resume) if output else None
    summary = Summary(filters.rank)
    own = engine is None
    engine = engine or _engine(plan)
    try:
        files: Iterable[str] = list_files(plan.paths, engine, plan.from_list)
        if done:
            files = (f for f in files if f not in done)
        if sink is not None and engine.name == "dask":  # entries made on the workers
            made = validate_entries(
                files, engine, source, options, filters, sink.takes_lines,
                baseline is not None, plan.partition_size,
            )  # fmt: skip
            _stream_made(made, sink, summary, baseline)
        else:
            reports = validate_reports(files, engine, source, options, plan.partition_size)
            _stream_reports(reports, sink, summary, baseline, filters, source, options)
    finally:
        if sink is not None:
            sink.close()
        if own:
            engine.close()
    _print_summary(summary, plan, output)
    return 1 if summary.severities["error"] else 0


def _stream_made(
    made: Iterable[Made], sink: Sink, summary: Summary, baseline: list[str] | None
) -> None:
    """Entries the workers made: written and added up as they come."""
    for one in made:
        summary.add_tally(one.tally)
        if baseline is not None:
            baseline.extend(one.keys)
        if one.line is not None:
            sink.write_line(one.line)
        elif one.entry is not None:
            sink.write(one.entry)
        if summary.files % 64 == 0:
            sink.sync()


def _stream_reports(
    reports: Iterable[Report],
    sink: Sink | None,
    summary: Summary,
    baseline: list[str] | None,
    filters: Filters,
    source: DatabaseSource,
    options: Options,
) -> None:
    """Reports made into entries here (the local engine's processes are
    this machine's cores either way); printed when there is no sink."""
    annotator = Annotator(source.validator().db)
    for report in reports:
        entry, fresh, known = entry_of(report, filters, annotator)
        summary.add(entry, known, report.coverage if options.coverage else None)
        if baseline is not None:
            baseline.extend(baseline_key(entry["file"] or "?", f) for f in fresh)
        if sink is None:
            _print_file(report, fresh, known, filters.rank)
            continue
        sink.write(entry)
        if summary.files % 64 == 0:
            sink.sync()


def _engine(plan: Plan) -> Engine:
    try:
        return open_engine(plan.engine, plan.scheduler, plan.workers)
    except ImportError as exc:
        raise click.UsageError(
            f"--engine dask needs Dask: pip install 'mdict-dicom[scale]' ({exc.msg})"
        ) from None
    except OSError as exc:  # no scheduler at that address
        raise click.UsageError(f"cannot reach the Dask scheduler {plan.scheduler}: {exc}") from None


def _print_file(report: Report, fresh: list[Finding], known: int, rank: int) -> None:
    from mdict.cli.validate import _print_text  # the local engine's lines

    _print_text(report.source or "?", report, fresh, known, rank)


def _print_summary(summary: Summary, plan: Plan, output: str | None) -> None:
    """The summary: on standard error when the entries went to standard output."""
    err = output == "-"
    if plan.output_format == "json":
        click.echo(json.dumps({"summary": summary.to_dict()}, indent=2), err=err)
    else:
        click.echo(summary.text(tables=plan.output is not None), err=err)


def learn_command(
    folders: tuple[str, ...],
    known: Any,
    jobs: int | None,
    progress: bool,
    scale: dict[str, Any],
) -> Any:
    """``mdict learn --engine dask`` or ``--from-list``: the proposals, the
    files streamed (docs/scale.md)."""
    from mdict.private.learn import proposals_of

    if folders and scale["from_list"]:
        raise click.UsageError("give folders or --from-list, not both")
    if not folders and not scale["from_list"]:
        raise click.UsageError("Missing argument 'DIR...'.")
    plan = Plan(
        folders, scale["from_list"], None, False, "text", scale["engine"],
        scale["scheduler"], jobs, scale["partition_size"],
    )  # fmt: skip
    engine = _engine(plan)
    try:
        files = list_files(folders, engine, plan.from_list)
        with click.progressbar(
            length=0, label="reading", file=sys.stderr, hidden=not progress
        ) as bar:
            corpus = learn_corpus(files, engine, plan.partition_size, bar.update)
    finally:
        engine.close()
    return proposals_of(corpus, known)


def validate_command(
    scale: dict[str, Any],
    paths: tuple[str, ...],
    db_path: str | None,
    profiles: str | None,
    service: str | None,
    command: str,
    level: str,
    output_format: str,
    coverage: bool,
    ignored: tuple[str, ...],
    jobs: int | None,
    baseline: str | None,
    write_baseline: str | None,
) -> None:
    """``mdict validate`` with the options of docs/scale.md (exits 1 on errors)."""
    from mdict.cli._common import (
        FOUND_PROBLEMS,
        database_inputs,
        note,
        open_database,
        shows_private,
    )
    from mdict.db.aliases import did_you_mean
    from mdict.validation.baseline import check_baseline_target, read_baseline, save_baseline

    plan = Plan(
        paths, scale["from_list"], scale["output"], scale["resume"], output_format,
        scale["engine"], scale["scheduler"], jobs, scale["partition_size"],
    )  # fmt: skip
    check_plan(plan)
    inputs = database_inputs(db_path, profiles)
    if write_baseline:
        check_baseline_target(write_baseline, inputs)
    db = open_database(db_path, profiles)
    if service is not None and db.service(service) is None:
        hint = did_you_mean(service, [s.name for s in db.services()])
        message = f"no service {service!r} in the database{hint}"
        raise click.BadParameter(message, param_hint="--service")
    source = DatabaseSource.of_options(db_path, profiles)
    known = frozenset(read_baseline(baseline)) if baseline else frozenset()
    rank = LEVELS[level.rstrip("s")]
    show_private = shows_private(scale.get("show", ()), level)
    filters = Filters(rank, frozenset(ignored), known, show_private)
    keys: list[str] | None = [] if write_baseline else None
    options = Options(service, command, coverage, level)
    status = run_validate(plan, source, options, filters, keys)
    if write_baseline:
        save_baseline(write_baseline, keys or [], inputs)
        note(f"baseline written: {write_baseline} ({len(set(keys or []))} findings)")
        return
    if status:
        sys.exit(FOUND_PROBLEMS)
