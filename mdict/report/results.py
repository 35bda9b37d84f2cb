"""Validation results as the report reads them: one :class:`FileResult` per
file (what ``mdict validate --format json`` writes for a file, and each line
of a JSON Lines output), and :class:`RunInfo` about the run as a whole.

Readers stream: a JSON Lines file is read one line at a time, so the report
of a large run never holds every finding in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from mdict.errors import InputFileError, MdictError

SEVERITIES: tuple[str, ...] = ("error", "warning", "info")


class ResultsError(InputFileError):
    """Results that cannot be read: ``FILE:LINE:COL: error: ...`` when the
    place is known, ``FILE: error: ...`` otherwise (exit status 2)."""

    def __init__(self, file: str, reason: str, line: int | None = None, col: int = 1) -> None:
        self.file, self.reason, self.line, self.col = file, reason, line, col
        where = file if line is None else f"{file}:{line}:{col}"
        MdictError.__init__(self, f"{where}: error: {reason}")


@dataclass(frozen=True, slots=True)
class FindingRecord:
    """One finding as written to the results, with its context: the module of
    the message the attribute belongs to, its type and condition there."""

    code: str
    severity: str
    message: str
    tag: str | None = None
    path: str = ""
    name: str | None = None
    creator: str | None = None
    value_index: int | None = None
    module: str | None = None
    type: str | None = None
    condition: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FindingRecord:
        index = data.get("value_index")
        return cls(
            code=str(data["code"]),
            severity=str(data.get("severity") or "error"),
            message=str(data.get("message") or ""),
            tag=_text(data.get("tag")),
            path=str(data.get("path") or ""),
            name=_text(data.get("name")),
            creator=_text(data.get("creator")),
            value_index=int(index) if isinstance(index, int) else None,
            module=_text(data.get("module")),
            type=_text(data.get("type")),
            condition=_text(data.get("condition")),
        )


@dataclass(frozen=True, slots=True)
class FileResult:
    """The findings of one file (or one message) and its counts."""

    file: str
    service: str | None
    command: str
    findings: tuple[FindingRecord, ...]
    counts: Mapping[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return self.counts.get("error", 0)

    @property
    def warnings(self) -> int:
        return self.counts.get("warning", 0)

    @property
    def infos(self) -> int:
        return self.counts.get("info", 0)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FileResult:
        findings = tuple(FindingRecord.from_dict(f) for f in data.get("findings") or ())
        counts = {s: sum(f.severity == s for f in findings) for s in SEVERITIES}
        given = data.get("counts")
        if isinstance(given, Mapping):  # the writer's counts win (findings may be cut)
            counts.update({s: int(given[s]) for s in SEVERITIES if isinstance(given.get(s), int)})
        return cls(
            file=_name(data),
            service=_text(data.get("service")),
            command=str(data.get("command") or "C_STORE_RQ"),
            findings=findings,
            counts=counts,
        )


@dataclass(frozen=True, slots=True)
class RunInfo:
    """What the results say about the run: every field may be unknown."""

    mdict_version: str | None = None
    database: str | None = None
    database_kind: str | None = None
    sources: tuple[tuple[str, str, str], ...] = ()
    """(role, file, sha256) of each profile the database was built from."""
    started: str | None = None
    elapsed_seconds: float | None = None
    level: str | None = None
    command: str | None = None
    condition_uses: int | None = None
    conditions_evaluated: int | None = None
    unevaluated_names: tuple[str, ...] = ()
    coverage_sources: tuple[tuple[str, int], ...] = ()
    """How the condition uses were settled: (source, uses), e.g. ("profile", 136)."""
    known: int = 0

    @classmethod
    def from_dict(cls, run: Mapping[str, Any], summary: Mapping[str, Any]) -> RunInfo:
        db = run.get("database") if isinstance(run.get("database"), Mapping) else {}
        assert isinstance(db, Mapping)
        coverage = summary.get("coverage") if isinstance(summary.get("coverage"), Mapping) else {}
        assert isinstance(coverage, Mapping)
        elapsed = run.get("elapsed_seconds")
        uses, evaluated = coverage.get("condition_uses"), coverage.get("evaluated")
        return cls(
            mdict_version=_text(run.get("mdict_version")),
            database=_text(db.get("name")),
            database_kind=_text(db.get("kind")),
            sources=tuple(
                (str(s.get("role", "")), str(s.get("file", "")), str(s.get("sha256", "")))
                for s in db.get("sources") or ()
                if isinstance(s, Mapping)
            ),
            started=_text(run.get("started")),
            elapsed_seconds=float(elapsed) if isinstance(elapsed, int | float) else None,
            level=_text(run.get("level")),
            command=_text(run.get("command")),
            condition_uses=uses if isinstance(uses, int) else None,
            conditions_evaluated=evaluated if isinstance(evaluated, int) else None,
            unevaluated_names=tuple(str(n) for n in coverage.get("unevaluated_names") or ()),
            coverage_sources=_sources(coverage.get("by_source")),
            known=int(summary.get("known") or 0),
        )


@dataclass(frozen=True, slots=True)
class Results:
    """A run's information and its file results (an iterator: read once)."""

    run: RunInfo
    files: Iterator[FileResult]
    source: str = "<results>"


def _sources(value: Any) -> tuple[tuple[str, int], ...]:
    if not isinstance(value, Mapping):
        return ()
    return tuple((str(k), v) for k, v in value.items() if isinstance(v, int))


def _name(data: Mapping[str, Any]) -> str:
    """The file's name (bytes that are not UTF-8 as ``\\xNN``); a message
    an SCP received and did not store is named by its association."""
    name = data.get("file")
    if name is None and "association" in data:
        peer = f" from {data['peer']}" if data.get("peer") else ""
        name = f"association {data['association']}{peer}, message {data.get('message_id')}"
    text = str(name or "<dataset>")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a surrogate that is no escaped byte
            raw = text.encode("utf-8", "backslashreplace")
        text = raw.decode("utf-8", "backslashreplace")
    return text


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def read_results(path: str) -> Results:
    """Results mdict wrote: ``validate --format json`` or the report of
    ``mdict scp --format json`` (one JSON document), JSON Lines (one file
    object per line, optionally a ``{"summary": ...}`` / ``{"run": ...}``
    line), or Parquet (a file or a folder of parts; needs pyarrow).
    Raises InputFileError."""
    if path.lower().endswith(".parquet") or Path(path).is_dir():
        from mdict.report.parquet import read_parquet

        return read_parquet(path)
    try:
        # names that are not UTF-8 come as surrogate escapes (JSON Lines of a scale-out run)
        stream = Path(path).open(encoding="utf-8", errors="surrogateescape")  # noqa: SIM115
    except OSError as exc:
        raise InputFileError(path, exc.strerror or str(exc)) from None
    try:
        first = _first_char(stream)
        stream.seek(0)
        if first == "{" and _is_document(stream, path):
            return _document(stream, path)
        return _lines(stream, path)
    except BaseException:
        stream.close()
        raise


def _first_char(stream: IO[str]) -> str:
    while chunk := stream.read(4096):
        stripped = chunk.lstrip()
        if stripped:
            return stripped[0]
    return ""


def _is_document(stream: IO[str], path: str) -> bool:
    """True when the file is one JSON document, not JSON Lines."""
    line = stream.readline()
    stream.seek(0)
    try:
        data = json.loads(line)
    except ValueError:
        return True  # a document spread over lines (``--format json`` indents)
    return isinstance(data, dict) and "files" in data


def _document(stream: IO[str], path: str) -> Results:
    with stream:
        try:
            data = json.load(stream)
        except json.JSONDecodeError as exc:
            raise ResultsError(path, f"not JSON: {exc.msg}", exc.lineno, exc.colno) from None
    key = "messages" if isinstance(data, dict) and "messages" in data else "files"
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise ResultsError(path, 'not mdict results: expected {"files": [...], ...}')
    summary = data.get("summary") if isinstance(data.get("summary"), dict) else {}
    run = data.get("run") if isinstance(data.get("run"), dict) else {}
    assert isinstance(summary, dict) and isinstance(run, dict)
    files = [_file(entry, path, n) for n, entry in enumerate(data[key], 1)]
    return Results(RunInfo.from_dict(run, summary), iter(files), path)


def _file(entry: Any, path: str, number: int) -> FileResult:
    if not isinstance(entry, dict) or "findings" not in entry:
        raise ResultsError(path, f"file entry {number}: expected an object with findings")
    try:
        return FileResult.from_dict(entry)
    except (KeyError, TypeError, ValueError) as exc:
        raise ResultsError(path, f"file entry {number}: {exc!r}") from None


def _lines(stream: IO[str], path: str) -> Results:
    """JSON Lines: run information may come first or last, so the file is
    read twice: once for that line (cheap), once streaming the files."""
    run: dict[str, Any] = {}
    summary: dict[str, Any] = {}
    for number, line in enumerate(stream, 1):
        if line.startswith(('{"summary"', '{"run"')):
            data = _line(line, path, number)
            run = data.get("run") or run
            summary = data.get("summary") or summary
    stream.seek(0)

    def files() -> Iterator[FileResult]:
        with stream:
            for number, line in enumerate(stream, 1):
                if not line.strip():
                    continue
                if not line.endswith("\n") and not _complete(line):
                    return  # the cut last line of a run that was stopped
                data = _line(line, path, number)
                if "file" in data:
                    yield _file(data, path, number)

    return Results(RunInfo.from_dict(run, summary), files(), path)


def _complete(line: str) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def _line(line: str, path: str, number: int) -> dict[str, Any]:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ResultsError(path, f"not JSON: {exc.msg}", number, exc.colno) from None
    if not isinstance(data, dict):
        raise ResultsError(path, f"expected a JSON object, found {type(data).__name__}", number)
    return data
