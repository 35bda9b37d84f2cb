"""diction.pfl writer (docs/formats.md): entries in canonical order, one per line."""

from __future__ import annotations

import os
from collections.abc import Iterable

from mdict.fileio import write_text_atomic
from mdict.model.dictionary import DictEntry, Dictionary


def format_dict_entry(entry: DictEntry) -> str:
    """One diction.pfl line, without the line end."""
    return f"{entry.name},{entry.tag},{entry.vr},{entry.vm}"


def sorted_entries(entries: Iterable[DictEntry]) -> list[DictEntry]:
    """Entries in canonical order (stable: duplicates keep file order)."""
    return sorted(entries, key=lambda e: e.tag.sort_key())


def format_dictionary(dictionary: Dictionary) -> str:
    """The canonical text of a dictionary."""
    return "".join(format_dict_entry(e) + "\n" for e in sorted_entries(dictionary.entries))


def write_dictionary(dictionary: Dictionary, path: str | os.PathLike[str]) -> None:
    """Write a dictionary's canonical text to ``path`` atomically."""
    write_text_atomic(path, format_dictionary(dictionary))
