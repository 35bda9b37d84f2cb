"""The model of info.pfl (docs/formats.md, section 3)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from mdict.model.core import ITEM, Location, Tag


@dataclass(frozen=True, slots=True)
class ValueType:
    """Field 3 of an info line: ``1``, ``2``, ``3``, ``1C(Cond)``, ``2C(Cond)``.

    ``condition`` is None for 1/2/3 and for a 1C/2C written without a
    condition ("condition unknown").
    """

    type: str
    condition: str | None = None

    @property
    def conditional(self) -> bool:
        return self.type.endswith("C")

    def __str__(self) -> str:
        if self.condition is None:
            return self.type
        return f"{self.type}({self.condition})"


@dataclass(frozen=True, slots=True)
class ValueList:
    """Field 5: ``E<...>`` (enumerated) or ``D<...>`` (defined terms).

    ``groups`` holds one tuple of values per constrained value position when
    ``per_position`` (the parenthesised multi-valued form), else exactly one
    tuple that constrains every value; no tuple at all for an empty list
    ``E<>`` (which constrains nothing). ``spelling`` is the text between
    ``<`` and ``>`` as it was read (every separator as written, styles mixed
    as they were): the list is written back exactly so while it still says
    the same values. ``separator`` and ``group_separator`` (the first of each
    in the list) are the style of a list without a spelling. All three are
    formatting only and excluded from equality.
    """

    kind: Literal["E", "D"]
    groups: tuple[tuple[str, ...], ...]
    per_position: bool = False
    separator: str = field(default=", ", compare=False, hash=False)
    group_separator: str = field(default=" ", compare=False, hash=False)
    spelling: str | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def enumerated(self) -> bool:
        return self.kind == "E"

    @property
    def empty(self) -> bool:
        """``E<>`` or ``D<>``: no list."""
        return not self.groups

    def allowed(self, index: int) -> tuple[str, ...] | None:
        """Values allowed at 0-based value ``index``; None when unconstrained."""
        if not self.groups:
            return None
        if not self.per_position:
            return self.groups[0]
        return self.groups[index] if index < len(self.groups) else None

    def __str__(self) -> str:
        spelling = self.spelling
        if spelling is not None and read_spelling(spelling) == (self.groups, self.per_position):
            return f"{self.kind}<{spelling}>"
        if not self.groups:
            body = ""
        elif self.per_position:
            body = self.group_separator.join(
                "(" + self.separator.join(g) + ")" for g in self.groups
            )
        else:
            body = self.separator.join(self.groups[0])
        return f"{self.kind}<{body}>"


_GROUP = re.compile(r"\(([^()]*)\)")


@lru_cache(maxsize=4096)
def read_spelling(body: str) -> tuple[tuple[tuple[str, ...], ...], bool]:
    """(groups, per_position) of a value list's text between ``<`` and ``>``
    (the reader's grammar decides what is valid; this only reads a valid
    body back, to tell whether a spelling still says the values)."""
    if not body.strip(" \t"):
        return (), False
    if body.lstrip(" \t").startswith("("):
        groups = _GROUP.findall(body)
        return tuple(tuple(v.strip(" \t") for v in g.split(",")) for g in groups), True
    return (tuple(v.strip(" \t") for v in body.split(",")),), False


@dataclass(frozen=True, slots=True)
class InfoLine:
    """One attribute line: ``tag@VR@VT@field4@values;``.

    On an SQ line, ``values`` (kind E) names the item(s) the sequence's items
    follow.
    """

    tag: Tag
    vr: str
    vt: ValueType
    values: ValueList | None = None
    field4: str = ""
    loc: Location | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def item_names(self) -> tuple[str, ...]:
        """For an SQ line: the item names it references."""
        if self.vr != "SQ" or self.values is None:
            return ()
        return tuple(v for g in self.values.groups for v in g)


@dataclass(frozen=True, slots=True)
class InfoSection:
    """``[ NNNN, COMMAND ]`` (a message) or ``[ NNNN, ITEM ]`` (an item)."""

    number: int
    command: str
    lines: tuple[InfoLine, ...]
    loc: Location | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def is_item(self) -> bool:
        return self.command == ITEM


@dataclass(frozen=True, slots=True)
class InfoProfile:
    """An info.pfl: sections in file order."""

    sections: tuple[InfoSection, ...]
    source: str | None = field(default=None, compare=False, hash=False, repr=False)
    header: tuple[str, ...] = field(default=(), compare=False, hash=False, repr=False)
    """The comment block at the top of the file (lines as written)."""
    trailer: tuple[str, ...] = field(default=(), compare=False, hash=False, repr=False)
    """Comment lines after the last entry (lines as written)."""
