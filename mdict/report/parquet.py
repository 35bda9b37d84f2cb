"""Results in Parquet (``mdict validate --engine dask --output
results.parquet``): a file, or a folder of part files, one row per file with
the columns of ``--format json``'s file entries. Read in record batches, so
the report of millions of files never holds them all. Needs pyarrow."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mdict.report.results import FileResult, Results, ResultsError, RunInfo

BATCH_ROWS: int = 10_000


def parts(path: str) -> list[Path]:
    """The Parquet files of ``path`` (itself, or the parts of a folder, in name order)."""
    root = Path(path)
    if root.is_dir():
        found = sorted(p for p in root.rglob("*.parquet") if not p.name.startswith("."))
        if not found:
            raise ResultsError(path, "no .parquet part in this folder")
        return found
    if not root.exists():
        raise ResultsError(path, "no such file or folder")
    return [root]


def read_parquet(path: str) -> Results:
    """The file results of a Parquet file or folder, streamed by batches."""
    try:  # an optional dependency, untyped: looked up by name
        pq: Any = importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise ResultsError(path, "reading Parquet needs pyarrow: pip install pyarrow") from None
    files = parts(path)

    def rows() -> Iterator[FileResult]:
        for part in files:
            try:
                handle = pq.ParquetFile(part)
                batches = handle.iter_batches(batch_size=BATCH_ROWS)
                for batch in batches:
                    for number, entry in enumerate(batch.to_pylist(), 1):
                        yield _file(entry, str(part), number)
            except (OSError, ValueError) as exc:  # pyarrow's errors derive from these
                raise ResultsError(str(part), f"not Parquet results: {exc}") from None

    return Results(RunInfo(), rows(), path)


def _file(entry: dict[str, Any], part: str, number: int) -> FileResult:
    if "findings" not in entry:
        raise ResultsError(part, f"row {number}: no findings column")
    return FileResult.from_dict(entry)
