"""Where per-file results go as they arrive: JSON Lines or Parquet.

One entry per file, the schema of ``mdict validate --format json``'s file
entries: ``file``, ``service``, ``command``, ``ok``, ``counts`` (``error``,
``warning``, ``info``), ``unevaluated_condition_uses`` and ``findings`` (``code``, ``severity``, ``message``,
``tag``, ``path``, ``creator``, ``value_index``, ``name``, ``category``, ``module``,
``type``, ``condition``).

- JSON Lines (``results.jsonl``, or ``-`` for standard output): one object a
  line, appended and flushed as results come; a run that stops leaves every
  finished line (a cut last line is dropped by ``--resume``).
- Parquet (a name ending in ``.parquet``): a folder of part files, as
  Spark and pyarrow write datasets (``pyarrow.parquet.read_table`` reads the
  folder whole). Each part is written in row groups as results arrive, under
  ``.tmp`` until complete, then renamed: a run that stops loses at most the
  part it was writing, which ``--resume`` validates again.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Protocol

Entry = dict[str, Any]

SEVERITIES = ("error", "warning", "info")


class Sink(Protocol):
    takes_lines: bool
    """The sink writes JSON lines (:meth:`write_line`), made on the workers."""

    def write(self, entry: Entry) -> None: ...

    def write_line(self, line: str) -> None:
        """One entry as its JSON text (``json.dumps(entry, ensure_ascii=False)``)."""

    def sync(self) -> None:
        """Make what was written durable (between partitions)."""

    def close(self) -> None: ...


def is_parquet(name: str) -> bool:
    return name.lower().endswith(".parquet")


def open_sink(name: str, resume: bool, rows_per_group: int = 10_000) -> Sink:
    """The sink for ``--output NAME`` (appending after what is there when resuming)."""
    if is_parquet(name):
        return ParquetSink(Path(name), resume, rows_per_group)
    return JsonLinesSink(name, resume)


def exists(name: str) -> bool:
    return name != "-" and os.path.exists(name)


def done_files(name: str) -> set[str]:
    """The files an earlier run finished in output ``name`` (empty when absent)."""
    if not exists(name):
        return set()
    return set(_parquet_files(Path(name)) if is_parquet(name) else _jsonl_files(name))


# ---------------------------------------------------------------------------
# JSON Lines
# ---------------------------------------------------------------------------


def _jsonl_files(name: str) -> Iterator[str]:
    with open(name, encoding="utf-8", errors="surrogateescape") as handle:
        for line in handle:
            if not line.endswith("\n"):
                return  # cut by a stop: validated again
            yield str(json.loads(line)["file"])


class JsonLinesSink:
    """One JSON object a line, flushed in batches."""

    def __init__(self, name: str, resume: bool) -> None:
        self.name = name
        self.handle: IO[str]
        if name == "-":
            self.handle = sys.stdout
            return
        if resume and os.path.exists(name):
            _drop_cut_line(name)
        self.handle = open(  # noqa: SIM115  (closed by close())
            name, "a" if resume else "w", encoding="utf-8", errors="surrogateescape"
        )

    takes_lines = True

    def write(self, entry: Entry) -> None:
        self.handle.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def write_line(self, line: str) -> None:
        self.handle.write(line + "\n")

    def sync(self) -> None:
        self.handle.flush()

    def close(self) -> None:
        self.handle.flush()
        if self.handle is not sys.stdout:
            self.handle.close()


def _drop_cut_line(name: str) -> None:
    """Truncate a JSON Lines file after its last complete line."""
    with open(name, "rb+") as handle:
        size = handle.seek(0, os.SEEK_END)
        if size == 0:
            return
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return
        back = min(size, 1 << 20)
        while True:
            handle.seek(size - back)
            tail = handle.read(back)
            cut = tail.rfind(b"\n")
            if cut >= 0 or back == size:
                handle.truncate(size - back + cut + 1)
                return
            back = min(size, back * 2)


# ---------------------------------------------------------------------------
# Parquet
# ---------------------------------------------------------------------------


def parquet_schema() -> Any:
    import pyarrow as pa

    finding = pa.struct(
        [
            ("code", pa.string()),
            ("severity", pa.string()),
            ("message", pa.string()),
            ("tag", pa.string()),
            ("path", pa.string()),
            ("creator", pa.string()),
            ("value_index", pa.int32()),
            ("name", pa.string()),
            ("category", pa.string()),
            ("module", pa.string()),
            ("type", pa.string()),
            ("condition", pa.string()),
        ]
    )
    counts = pa.struct([(s, pa.int32()) for s in SEVERITIES])
    return pa.schema(
        [
            ("file", pa.string()),
            ("service", pa.string()),
            ("command", pa.string()),
            ("ok", pa.bool_()),
            ("counts", counts),
            ("unevaluated_condition_uses", pa.int32()),
            ("findings", pa.list_(finding)),
        ]
    )


def _parquet_files(folder: Path) -> Iterator[str]:
    import pyarrow.parquet as pq

    for part in sorted(folder.glob("part-*.parquet")):
        column = pq.read_table(part, columns=["file"]).column("file")
        yield from (str(name) for name in column.to_pylist())


def _safe(text: str) -> str:
    """Text Parquet (UTF-8) can hold: bytes of a file name that are not
    UTF-8 kept as ``\\xNN`` escapes."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class ParquetSink:
    """A folder of Parquet parts, each written in row groups (module doc)."""

    def __init__(
        self, folder: Path, resume: bool, rows_per_group: int, groups_per_part: int = 10
    ) -> None:
        import pyarrow.parquet as pq

        self._pq = pq
        self.folder = folder
        self.schema = parquet_schema()
        self.rows_per_group = rows_per_group
        self.groups_per_part = groups_per_part
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("part-*.parquet.tmp"):
            stale.unlink()  # a stopped run's unfinished part: its files are redone
        if not resume:
            for old in folder.glob("part-*.parquet"):
                old.unlink()
        numbers = [int(p.name[5:10]) for p in folder.glob("part-*.parquet")]
        self.number = max(numbers, default=-1) + 1
        self.rows: list[Entry] = []
        self.groups = 0
        self.writer: Any = None

    takes_lines = False

    def sync(self) -> None:
        """Nothing: rows go out a row group at a time (a part when full)."""

    def write_line(self, line: str) -> None:
        self.write(json.loads(line))

    def _part(self) -> Path:
        return self.folder / f"part-{self.number:05d}.parquet"

    def write(self, entry: Entry) -> None:
        row = dict(entry)
        row["file"] = _safe(str(row["file"]))
        self.rows.append(row)
        if len(self.rows) >= self.rows_per_group:
            self.flush()

    def flush(self) -> None:
        """Write the rows held as one row group (the part closes when full)."""
        if not self.rows:
            return
        if self.writer is None:
            temporary = self._part().with_suffix(".parquet.tmp")
            self.writer = self._pq.ParquetWriter(temporary, self.schema, compression="zstd")
        table = self._table(self.rows)
        self.writer.write_table(table, row_group_size=len(self.rows))
        self.rows = []
        self.groups += 1
        if self.groups >= self.groups_per_part:
            self._close_part()

    def _table(self, rows: list[Entry]) -> Any:
        import pyarrow as pa

        return pa.Table.from_pylist(rows, schema=self.schema)

    def _close_part(self) -> None:
        if self.writer is None:
            return
        self.writer.close()
        self.writer = None
        part = self._part()
        part.with_suffix(".parquet.tmp").replace(part)
        self.number += 1
        self.groups = 0

    def close(self) -> None:
        self.flush()
        self._close_part()
