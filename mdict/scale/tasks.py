"""What runs on a worker: one partition of files, or one directory listing.

Each function here is a plain top-level function (picklable by name) that
never raises for a bad file: the per-file functions are the local engine's
own (:meth:`Validator.validate_file`, :func:`mdict.private.learn.scan_file`),
which turn unreadable files into findings; anything else that escapes them
becomes a VALIDATOR_FAILURE finding for that one file.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from mdict.private.learn import Corpus, scan_file
from mdict.scale.source import DatabaseSource
from mdict.validation.findings import VALIDATOR_FAILURE, Finding, Report


@dataclass(frozen=True, slots=True)
class Options:
    """How each file is validated (the same for every task of a run)."""

    service: str | None = None
    command: str = "C_STORE_RQ"
    coverage: bool = False
    level: str = "info"


def validate_one(source: DatabaseSource, path: str, options: Options) -> Report:
    """The report of one file (a crash of the reader or validator is one finding)."""
    try:
        return source.validator().validate_file(
            path, options.service, options.command, coverage=options.coverage, level=options.level
        )
    except LookupError:
        raise  # a missing database or service is the run's error, not the file's
    except Exception as exc:
        return failure_report(path, options.command, f"validation failed: {exc!r}")


def failure_report(path: str, command: str, message: str) -> Report:
    """One VALIDATOR_FAILURE error for a file no report could be made of."""
    return Report((Finding(VALIDATOR_FAILURE, "error", message),), None, command, source=path)


def validate_partition(
    paths: Sequence[str], source: DatabaseSource, options: Options
) -> list[Report]:
    """The reports of a partition of files, in its order."""
    return [validate_one(source, path, options) for path in paths]


def scan_partition(paths: Sequence[str]) -> Corpus:
    """What a partition of files shows of private attributes, merged in order."""
    corpus = Corpus()
    for path in paths:
        corpus.add(scan_file(path))
    return corpus


def list_directory(folder: str) -> tuple[list[str], list[str]]:
    """(files, subfolders) of one folder, each sorted, hidden names skipped:
    the order ``os.walk`` gives ``mdict learn`` and ``mdict validate``."""
    files: list[str] = []
    folders: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return [], []  # os.walk skips unreadable folders too
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if not is_dir:
            files.append(entry.name)
        elif not entry.is_symlink():  # os.walk lists linked folders but never enters them
            folders.append(entry.name)
    return (
        [os.path.join(folder, name) for name in sorted(files)],
        [os.path.join(folder, name) for name in sorted(folders)],
    )
