"""The dictionary of a database as a table of entries: held in memory
(profiles), or the checked columns of a file's dictionary section with each
entry built on first use.

A one-file validation looks up a few hundred of the 18,000 entries of the
standard database (most of them vendors' private ones): building them all
took a quarter of such a run. The columns are checked when the section is
read; a row's tag is checked when its entry is built, and every row by
:meth:`ColumnsTable.entries` (which ``Database.verify`` calls).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from mdict.db.decode import (
    _ENTRY,
    _NEW,
    collector_paused,
    decode_tags,
    need,
    numbers,
    rows_or_tags,
    texts,
)
from mdict.model import VM, DictEntry

PrivateKey = tuple[int, str, int]
"""(group, private creator, element byte)."""


class DictionaryTable(Protocol):
    """What a :class:`mdict.db.database.Database` asks of its dictionary."""

    def entries(self) -> Sequence[DictEntry]:
        """Every entry, in canonical order."""
        ...

    def standard(self, key: int) -> DictEntry | None:
        """The entry of ``group << 16 | element`` (the first, if repeated)."""
        ...

    def private(self, key: PrivateKey) -> DictEntry | None:
        """The entry of a private attribute (the first, if repeated)."""
        ...


class EntriesTable:
    """Entries held in memory (a database made from profiles)."""

    def __init__(self, entries: Sequence[DictEntry]) -> None:
        self._entries = entries
        self._standard: dict[int, DictEntry] = {}
        self._private: dict[PrivateKey, DictEntry] = {}
        for entry in entries:
            tag = entry.tag
            if tag.creator is None:
                self._standard.setdefault(tag.group << 16 | tag.element, entry)
            else:
                self._private.setdefault((tag.group, tag.creator, tag.element), entry)

    def entries(self) -> Sequence[DictEntry]:
        return self._entries

    def standard(self, key: int) -> DictEntry | None:
        return self._standard.get(key)

    def private(self, key: PrivateKey) -> DictEntry | None:
        return self._private.get(key)


class ColumnsTable:
    """A file's dictionary section: ``[names, tags, VRs, VR numbers, VMs,
    VM numbers]``, entries built on demand."""

    def __init__(self, columns: object) -> None:
        need(
            type(columns) is tuple and len(columns) in (6, 7), "the dictionary: 6 columns", columns
        )
        assert isinstance(columns, tuple)
        raw_names, raw_tags, raw_vrs, vr_numbers, vm_texts, vm_numbers = columns[:6]
        self._names = texts(raw_names, "dictionary names")
        self._vrs = texts(raw_vrs, "dictionary VRs")
        numbers(vr_numbers, "VR numbers", len(self._vrs))
        self._vms = [VM.from_text(t) for t in texts(vm_texts, "dictionary VMs")]
        numbers(vm_numbers, "VM numbers", len(self._vms))
        count = len(self._names)
        for column in (raw_tags, vr_numbers, vm_numbers):
            need(len(rows_or_tags(column)) == count, f"{count} entries in every column", column)
        self._tags: tuple[Any, ...] = raw_tags
        self._vr_numbers: tuple[int, ...] = vr_numbers
        self._vm_numbers: tuple[int, ...] = vm_numbers
        self._rows: dict[Any, int] | None = None
        self._all: tuple[DictEntry, ...] | None = None
        self._built: dict[int, DictEntry] = {}  # rows built one by one
        self.comments = _comments(columns[6], count) if len(columns) == 7 else ((), (), {})
        """(header lines, trailer lines, row -> the lines above it), as written."""

    def _index(self) -> dict[Any, int]:
        """Raw tag -> its first row: a packed standard tag or a (group,
        creator, byte) tuple (the two never collide)."""
        if self._rows is None:
            last = len(self._tags) - 1  # built backwards, so the first row wins
            self._rows = dict(zip(reversed(self._tags), range(last, -1, -1), strict=True))
        return self._rows

    def _entry(self, row: int) -> DictEntry:
        if self._all is not None:
            return self._all[row]
        found = self._built.get(row)
        if found is None:
            tag = decode_tags((self._tags[row],))[0]
            vr, vm = self._vrs[self._vr_numbers[row]], self._vms[self._vm_numbers[row]]
            found = self._built[row] = DictEntry(self._names[row], tag, vr, vm)
        return found

    def standard(self, key: int) -> DictEntry | None:
        row = self._index().get(key)
        return None if row is None else self._entry(row)

    def private(self, key: PrivateKey) -> DictEntry | None:
        row = self._index().get(key)
        return None if row is None else self._entry(row)

    def entries(self) -> tuple[DictEntry, ...]:
        """Every entry (and so every row checked), built once."""
        if self._all is None:
            entries = self._build_all()
            if self._built:  # the same objects as the lookups so far gave
                rows = list(entries)
                for row, entry in self._built.items():
                    rows[row] = entry
                entries = tuple(rows)
            self._all = entries
            self._built.clear()
        return self._all

    def _build_all(self) -> tuple[DictEntry, ...]:
        vrs, vms = self._vrs, self._vms
        with collector_paused():
            tags = decode_tags(self._tags)
            rows = zip(self._names, tags, self._vr_numbers, self._vm_numbers, strict=True)
            if _ENTRY is None:
                return tuple(DictEntry(n, t, vrs[r], vms[m]) for n, t, r, m in rows)
            new, builder = _NEW, _ENTRY
            entries: list[DictEntry] = []
            append = entries.append
            for name, tag, r, m in rows:
                entry: Any = new(builder)
                entry.name = name
                entry.tag = tag
                entry.vr = vrs[r]
                entry.vm = vms[m]
                entry.loc = None
                entry.__class__ = DictEntry
                append(entry)
            return tuple(entries)


def _comments(
    raw: object, count: int
) -> tuple[tuple[str, ...], tuple[str, ...], dict[int, tuple[str, ...]]]:
    need(type(raw) is tuple and len(raw) == 3, "the dictionary's comments: 3 lists", raw)
    assert isinstance(raw, tuple)
    header, trailer, above = raw
    texts(header, "dictionary header lines")
    texts(trailer, "dictionary trailer lines")
    need(type(above) is tuple, "the comments above entries: a list", above)
    rows: dict[int, tuple[str, ...]] = {}
    for item in above:
        need(type(item) is tuple and len(item) == 2, "[row, comment lines]", item)
        row, lines = item
        need(type(row) is int and 0 <= row < count, f"a row below {count}", row)
        rows[row] = texts(lines, "comment lines")
    return header, trailer, rows


def decode_dictionary(columns: object) -> tuple[DictEntry, ...]:
    """``[names, tags, VRs, VR numbers, VMs, VM numbers]`` -> every entry."""
    return ColumnsTable(columns).entries()
