"""pytest plugin: ``assert_valid_dicom`` for test suites that produce DICOM.

Registered through the ``pytest11`` entry point, so installing mdict is
enough::

    def test_export(assert_valid_dicom):
        ds = my_exporter.build()
        assert_valid_dicom(ds)                     # default database
        assert_valid_dicom(ds, level="warnings")   # warnings fail too

The ``mdict_scp`` fixture (:mod:`mdict.net.fixture`) starts a validating
SCP on a free loopback port for one test (docs/network.md).

Options: ``--mdict-db FILE`` (a compiled database instead of the embedded
one), ``--mdict-baseline FILE`` (known findings do not fail) and
``--mdict-write-baseline FILE`` (record every finding seen, for a baseline).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from mdict.net.fixture import MARKER, mdict_scp

if TYPE_CHECKING:
    from pydicom.dataset import Dataset

    from mdict.db.protocol import MessageDatabase
    from mdict.validation.validator import Finding, Report

__all__ = ["DicomValidationError", "assert_valid_dicom", "mdict_scp"]

_BASELINE_KEY = pytest.StashKey[Collection[str]]()
_SEEN_KEY = pytest.StashKey[list[str]]()
_DB_KEY = pytest.StashKey["MessageDatabase | None"]()


class DicomValidationError(AssertionError):
    """A dataset failed validation; the message lists the findings."""

    def __init__(self, report: Report, failing: list[Finding]) -> None:
        self.report = report
        self.failing = failing
        super().__init__(describe_failure(report, failing))


def describe_failure(report: Report, failing: list[Finding]) -> str:
    """The readable failure message: what was checked, then one finding a line."""
    what = f"{report.service} {report.command}" if report.service else report.command
    source = f" {report.source}" if report.source else ""
    counts: dict[str, int] = {}
    for finding in failing:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    summary = ", ".join(f"{n} {s}{'' if n == 1 else 's'}" for s, n in counts.items())
    lines = [f"DICOM dataset{source} is not a valid {what}: {summary}"]
    lines.extend(f"  {finding}" for finding in failing)
    return "\n".join(lines)


def assert_valid_dicom(
    dataset: Dataset | str | os.PathLike[str],
    service: str | int | None = None,
    command: str = "C_STORE_RQ",
    db: MessageDatabase | None = None,
    *,
    level: str = "errors",
    ignore: Collection[str] = (),
    known: Collection[str] = (),
    key_prefix: str = "",
    seen: list[str] | None = None,
) -> Report:
    """Validate a dataset (or a DICOM file) and raise
    :class:`DicomValidationError` if a finding at ``level`` or above remains.

    ``ignore``: codes that never fail; ``known``: baseline keys (see
    ``mdict validate --write-baseline``) that never fail. Returns the report.
    """
    from mdict.validation.baseline import baseline_key
    from mdict.validation.validator import LEVELS, validator_for

    validator = validator_for(db)
    if isinstance(dataset, (str, os.PathLike)):
        report = validator.validate_file(dataset, service, command, level=level)
    else:
        report = validator.validate(dataset, service, command, level=level)
    rank = LEVELS[level.rstrip("s")]
    prefix = key_prefix or (report.source or "<dataset>")
    failing = []
    for finding in report:
        if LEVELS[finding.severity] > rank or finding.code in ignore:
            continue
        key = baseline_key(prefix, finding)
        if seen is not None:
            seen.append(key)
        if key not in known:
            failing.append(finding)
    if failing:
        raise DicomValidationError(report, failing)
    return report


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mdict", "DICOM validation (mdict)")
    group.addoption(
        "--mdict-db",
        metavar="FILE",
        help="compiled message database for assert_valid_dicom (default: embedded)",
    )
    group.addoption(
        "--mdict-baseline",
        metavar="FILE",
        help="baseline of known findings that assert_valid_dicom accepts",
    )
    group.addoption(
        "--mdict-write-baseline",
        metavar="FILE",
        help="write every finding assert_valid_dicom saw to this baseline file",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)
    from mdict.errors import MdictError
    from mdict.validation.baseline import check_baseline_target, read_baseline

    path = config.getoption("--mdict-write-baseline", None)
    if path:  # fail now, not after the whole session; the old file is kept until the end
        try:
            check_baseline_target(path)
        except MdictError as exc:
            raise pytest.UsageError(f"--mdict-write-baseline: {exc}") from None
    config.stash[_SEEN_KEY] = []
    path = config.getoption("--mdict-baseline", None)
    if path:
        try:
            config.stash[_BASELINE_KEY] = read_baseline(path)
        except MdictError as exc:
            raise pytest.UsageError(f"--mdict-baseline: {exc}") from exc
    else:
        config.stash[_BASELINE_KEY] = set()


def pytest_unconfigure(config: pytest.Config) -> None:
    path = config.getoption("--mdict-write-baseline", None)
    if path and _SEEN_KEY in config.stash:
        from mdict.validation.baseline import save_baseline

        seen: list[str] = config.stash[_SEEN_KEY]
        save_baseline(path, seen)


def _database(config: pytest.Config) -> MessageDatabase | None:
    if _DB_KEY not in config.stash:
        path = config.getoption("--mdict-db", None)
        db = None
        if path:
            from mdict.db.database import open_database

            db = open_database(path)
        config.stash[_DB_KEY] = db
    return config.stash[_DB_KEY]


@pytest.fixture(name="assert_valid_dicom")
def assert_valid_dicom_fixture(request: pytest.FixtureRequest) -> Iterator[Callable[..., Report]]:
    """``assert_valid_dicom(ds, service=None, command="C_STORE_RQ", db=None,
    level="errors", ignore=())``: fail the test with a readable list of the
    findings; findings in ``--mdict-baseline`` are accepted."""
    config = request.config
    calls = 0

    def check(
        dataset: Any,
        service: str | int | None = None,
        command: str = "C_STORE_RQ",
        db: MessageDatabase | None = None,
        **options: Any,
    ) -> Report:
        nonlocal calls
        calls += 1
        source = os.fspath(dataset) if isinstance(dataset, (str, os.PathLike)) else None
        prefix = f"{request.node.nodeid}#{calls}" + (f":{source}" if source else "")
        return assert_valid_dicom(
            dataset,
            service,
            command,
            db if db is not None else _database(config),
            known=config.stash[_BASELINE_KEY],
            key_prefix=prefix,
            seen=config.stash[_SEEN_KEY],
            **options,
        )

    yield check
