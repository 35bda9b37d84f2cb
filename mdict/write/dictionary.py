"""diction.pfl writer (docs/formats.md): entries in canonical order, one per line."""

from __future__ import annotations

import os
from collections.abc import Iterable

from mdict.fileio import write_text_atomic
from mdict.model.dictionary import DictEntry, Dictionary
from mdict.write._layout import emit, start, text


def format_dict_entry(entry: DictEntry) -> str:
    """One diction.pfl line, without the line end."""
    return f"{entry.name},{entry.tag},{entry.vr},{entry.vm}"


def sorted_entries(entries: Iterable[DictEntry]) -> list[DictEntry]:
    """Entries in canonical order (stable: duplicates keep file order)."""
    return sorted(entries, key=lambda e: e.tag.sort_key())


def format_dictionary(dictionary: Dictionary) -> str:
    """The canonical text of a dictionary, every comment line with the entry
    it was written above (the header on top)."""
    out: list[str] = []
    start(out, dictionary.header)
    for entry in sorted_entries(dictionary.entries):
        loc = entry.loc
        if loc is not None and loc.trivia:
            emit(out, loc.trivia)
        out.append(format_dict_entry(entry))
    return text(out, dictionary.trailer)


def write_dictionary(dictionary: Dictionary, path: str | os.PathLike[str]) -> None:
    """Write a dictionary's canonical text to ``path`` atomically."""
    write_text_atomic(path, format_dictionary(dictionary))
