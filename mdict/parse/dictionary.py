"""diction.pfl reader (docs/formats.md)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from mdict.model import DictEntry, Dictionary, Location
from mdict.parse._driver import (
    Collector,
    get_parser,
    numbered_lines,
    read_as,
    require_content,
    results_or_errors,
)
from mdict.parse._fast import dictionary_line
from mdict.parse._layout import layout

if TYPE_CHECKING:
    from lark import Lark


def dictionary_parser() -> Lark:
    """The grammar of diction.pfl (built on first use: valid lines of the
    common shape are read by ``_fast.dictionary_line`` without it)."""
    from mdict.parse._common import DictionTransformer

    return get_parser("diction.lark", DictionTransformer())


def parse_dictionary(text: str, filename: str = "<string>") -> Dictionary:
    """Read diction.pfl text into a Dictionary (entries in file order)."""
    collector = Collector(filename, text)
    lines = numbered_lines(text)
    require_content(lines, collector, "a dictionary entry (Name,GGGG,EEEE,VR,VM)")
    entries: list[DictEntry] = []
    good = results_or_errors(dictionary_parser, lines, collector, dictionary_line)
    trivia = layout(text, lines)
    at = trivia.before.get
    for number, e in good:
        loc = Location(filename, number, 1, at(number, ()))
        entries.append(DictEntry(e.name, e.tag, e.vr, e.vm, loc))
    collector.raise_if_errors()
    return Dictionary(tuple(entries), filename, trivia.header, trivia.trailer)


def read_dictionary(path: str | os.PathLike[str]) -> Dictionary:
    """Read a diction.pfl file."""
    return read_as(path, "dictionary", parse_dictionary)


__all__: list[Any] = ["parse_dictionary", "read_dictionary"]
