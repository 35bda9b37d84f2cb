"""Attributes by name or keyword (``mdict lookup "patient name"``).

A query matches an entry when, ignoring case, spaces, punctuation and the
possessive ``'s``, it equals the entry's name or its keyword (pydicom's, for
standard attributes): ``patient name``, ``PATIENTNAME``, ``Patient's Name``
and ``PatientName`` all find (0010,0010). Every match is returned, standard
attributes first (tag order), then private ones by creator; a query that
matches nothing gets the closest names instead.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final
from weakref import WeakKeyDictionary

from mdict.model import DictEntry

_NOT_ALNUM: Final = re.compile(r"[^0-9a-z]")
_POSSESSIVE: Final = re.compile(r"['\u2019]s\b")


def loose_key(text: str) -> str:
    """``Patient's Name`` -> ``patientname``: case, punctuation, spaces and
    the possessive 's ignored."""
    return _NOT_ALNUM.sub("", _POSSESSIVE.sub("", text.casefold()))


def exact_key(text: str) -> str:
    """``Patient's Name`` -> ``patientsname`` (the possessive kept)."""
    return _NOT_ALNUM.sub("", text.casefold())


def _order(entry: DictEntry) -> tuple[int, str, int, int]:
    tag = entry.tag
    return (tag.creator is not None, tag.creator or "", tag.group, tag.element)


@dataclass
class NameIndex:
    """Loose keys of every entry's name (and standard keyword)."""

    keys: dict[str, list[DictEntry]] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, entries: Iterable[DictEntry]) -> NameIndex:
        from mdict.conditions import keyword_of

        index = cls()
        for entry in entries:
            names = [entry.name]
            if entry.tag.creator is None:
                keyword = keyword_of((entry.tag.group << 16) | entry.tag.element)
                if keyword:
                    names.append(keyword)
            for name in names:
                for key in dict.fromkeys((loose_key(name), exact_key(name))):
                    if key:
                        index.keys.setdefault(key, []).append(entry)
                        index.shown.setdefault(key, name)
        for found in index.keys.values():
            found.sort(key=_order)
        return index

    def find(self, query: str) -> list[DictEntry]:
        """Every entry the query names: standard first, then private by creator."""
        found = [
            entry
            for key in dict.fromkeys((loose_key(query), exact_key(query)))
            for entry in self.keys.get(key, ())
        ]
        return sorted(dict.fromkeys(found), key=_order)

    def closest(self, query: str, count: int = 5) -> list[str]:
        """The names and keywords closest to a query that matched nothing."""
        keys = difflib.get_close_matches(loose_key(query), self.keys, n=count * 3, cutoff=0.7)
        ranked = sorted(
            keys, key=lambda k: (min(_order(e) for e in self.keys[k])[0], keys.index(k))
        )
        return list(dict.fromkeys(self.shown[k] for k in ranked))[:count]


_INDEXES: WeakKeyDictionary[object, NameIndex] = WeakKeyDictionary()


def name_index(owner: object, entries: Iterable[DictEntry]) -> NameIndex:
    """The index of ``owner``'s entries (a database), built once."""
    index = _INDEXES.get(owner)
    if index is None:
        index = _INDEXES[owner] = NameIndex.of(entries)
    return index
