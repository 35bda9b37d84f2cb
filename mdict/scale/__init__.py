"""Validating and learning from archives of millions of files, on this
machine's cores or on a Dask cluster (``pip install "mdict-dicom[scale]"``).

    from mdict.scale import validate_files
    for report in validate_files(["archive/"], engine="dask"):
        ...

See docs/scale.md.
"""

from __future__ import annotations

from mdict.scale.run import (
    DEFAULT_PARTITION,
    learn_corpus,
    list_files,
    open_engine,
    validate_files,
    validate_reports,
)
from mdict.scale.source import DatabaseSource
from mdict.scale.tasks import Options

__all__ = [
    "DEFAULT_PARTITION",
    "DatabaseSource",
    "Options",
    "learn_corpus",
    "list_files",
    "open_engine",
    "validate_files",
    "validate_reports",
]
