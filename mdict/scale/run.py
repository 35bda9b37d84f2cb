"""Runs over streams of files: reports of a validation, the corpus of a learn."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from mdict.private.learn import Corpus, FileScan
from mdict.scale.engine import DaskEngine, LocalEngine, Work
from mdict.scale.entries import Filters, Made, annotator_for, entry_partition, made_of
from mdict.scale.listing import list_here, partitions, read_list, walk
from mdict.scale.source import DatabaseSource, prime
from mdict.scale.tasks import Options, failure_report, scan_partition, validate_partition
from mdict.validation.findings import Report

Engine = LocalEngine | DaskEngine
T = TypeVar("T")
DEFAULT_PARTITION = 64
LOST = "the worker process died on this file every time it ran (it crashes the reader)"


def open_engine(
    name: str = "local", scheduler: str | None = None, workers: int | None = None
) -> Engine:
    """``local`` (``workers`` processes) or ``dask`` (the cluster at
    ``scheduler``, else a LocalCluster of ``workers`` processes)."""
    if name == "dask":
        return DaskEngine(scheduler, workers)
    if name != "local":
        raise ValueError(f"no engine {name!r} (local or dask)")
    return LocalEngine(workers)


def list_files(paths: Iterable[str], engine: Engine, from_list: str | None = None) -> Iterator[str]:
    """The files of a run as a stream: the lines of ``from_list`` (``-``:
    standard input), or every file under ``paths``, listed on the cluster
    (several folders at once) when the engine is one."""
    if from_list is not None:
        return read_list(from_list)
    lister = engine.lister()
    if lister is None:
        return walk(paths, list_here)
    return walk(paths, lister, lookahead=2 * engine.workers)


def _join(results: list[list[T]]) -> list[T]:
    return [one for many in results for one in many]


def validate_reports(
    files: Iterable[str],
    engine: Engine,
    source: DatabaseSource | None = None,
    options: Options | None = None,
    partition_size: int = DEFAULT_PARTITION,
) -> Iterator[Report]:
    """The report of every file, as partitions finish (not in file order)."""
    source = source or DatabaseSource.default()
    options = options or Options()
    prime(source)
    if options.service is not None and source.validator().db.service(options.service) is None:
        raise LookupError(f"no service {options.service!r} in the database")
    command = options.command
    work = Work(
        validate_partition,
        (source, options),
        _join,
        lambda path: [failure_report(path, command, LOST)],
    )
    for _, reports in engine.map(work, partitions(files, partition_size)):
        yield from reports


def validate_entries(
    files: Iterable[str],
    engine: Engine,
    source: DatabaseSource,
    options: Options,
    filters: Filters,
    lines: bool,
    keys: bool,
    partition_size: int = DEFAULT_PARTITION,
) -> Iterator[Made]:
    """Each file's entry, made on the workers (as a JSON line when
    ``lines``; with its new baseline keys when ``keys``), as partitions
    finish (docs/scale.md)."""
    prime(source)
    if options.service is not None and source.validator().db.service(options.service) is None:
        raise LookupError(f"no service {options.service!r} in the database")
    command = options.command

    def lost(path: str) -> list[Made]:
        report = failure_report(path, command, LOST)
        return [made_of(report, filters, annotator_for(source), lines, keys)]

    work = Work(entry_partition, (source, options, filters, lines, keys), _join, lost)
    for _, made in engine.map(work, partitions(files, partition_size)):
        yield from made


def _merge(corpora: list[Corpus]) -> Corpus:
    whole = Corpus()
    for corpus in corpora:
        whole.update(corpus)
    return whole


def _lost_scan(path: str) -> Corpus:
    corpus = Corpus()
    corpus.add(FileScan(path, error=f"unreadable: {LOST}"))
    return corpus


def learn_corpus(
    files: Iterable[str],
    engine: Engine,
    partition_size: int = DEFAULT_PARTITION,
    progress: Any = None,
) -> Corpus:
    """The corpus of the files, merged in file order (the order decides the
    example values and first files the report names, as in the local run)."""
    work = Work(scan_partition, (), _merge, _lost_scan)
    corpus = Corpus()
    for part, partial in engine.map(work, partitions(files, partition_size), ordered=True):
        corpus.update(partial)
        if progress is not None:
            progress(len(part))
    return corpus


def validate_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    source: DatabaseSource | None = None,
    options: Options | None = None,
    partition_size: int = DEFAULT_PARTITION,
) -> Iterator[Report]:
    """Validate files (and every file under folders) on an engine; reports
    stream as partitions finish. The engine is closed when the stream ends."""
    running = open_engine(engine, scheduler, workers)
    try:
        files = list_files([os.fspath(p) for p in paths], running)
        yield from validate_reports(files, running, source, options, partition_size)
    finally:
        running.close()
