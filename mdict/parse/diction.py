"""diction.pfl reader (spec section 1)."""

from __future__ import annotations

import os
from typing import Any

from lark import Lark, Token, v_args

from ..model import VM, DictEntry, Dictionary, Location
from ._common import CommonTransformer, vr_of
from ._driver import (
    BadValue,
    Collector,
    get_parser,
    numbered_lines,
    read_profile_text,
    require_content,
    results_or_errors,
)


@v_args(inline=True)
class DictionTransformer(CommonTransformer):
    """diction.lark rules -> DictEntry (without location)."""

    def start(self, *entries: DictEntry) -> list[DictEntry]:
        return list(entries)

    def standard_entry(self, name: Token, tag: Token, vr: Token, vm: Token) -> DictEntry:
        return DictEntry(name[:-1].rstrip(" \t"), self.standard_tag(tag), vr_of(vr), _vm(vm))

    def private_entry(
        self, name: Token, group: Token, creator: Token, element: Token, vr: Token, vm: Token
    ) -> DictEntry:
        tag = self.private_tag(group, creator, element)
        return DictEntry(name[:-1].rstrip(" \t"), tag, vr_of(vr), _vm(vm))


def _vm(token: Token) -> VM:
    try:
        return VM.from_text(token.rstrip(","))
    except ValueError:
        raise BadValue(token, "a VM (1, 1-3, 1-n, 2-2n, N)") from None


def dictionary_parser() -> Lark:
    return get_parser("diction.lark", DictionTransformer())


def parse_dictionary(text: str, filename: str = "<string>") -> Dictionary:
    """Read diction.pfl text into a Dictionary (entries in file order)."""
    collector = Collector(filename, text)
    lines = numbered_lines(text)
    require_content(lines, collector, "a dictionary entry (Name,GGGG,EEEE,VR,VM)")
    entries: list[DictEntry] = []
    for number, e in results_or_errors(dictionary_parser(), lines, collector):
        entries.append(DictEntry(e.name, e.tag, e.vr, e.vm, Location(filename, number)))
    collector.raise_if_errors()
    return Dictionary(tuple(entries), filename)


def read_dictionary(path: str | os.PathLike[str]) -> Dictionary:
    """Read a diction.pfl file."""
    return parse_dictionary(read_profile_text(path), os.fspath(path))


__all__: list[Any] = ["parse_dictionary", "read_dictionary"]
