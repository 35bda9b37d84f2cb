"""The model of info.pfl (docs/formats.md, section 3)."""

from __future__ import annotations

from dataclasses import dataclass, field
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
    tuple that constrains every value. ``separator`` and ``group_separator``
    are formatting only and excluded from equality.
    """

    kind: Literal["E", "D"]
    groups: tuple[tuple[str, ...], ...]
    per_position: bool = False
    separator: str = field(default=", ", compare=False, hash=False)
    group_separator: str = field(default=" ", compare=False, hash=False)

    @property
    def enumerated(self) -> bool:
        return self.kind == "E"

    def allowed(self, index: int) -> tuple[str, ...] | None:
        """Values allowed at 0-based value ``index``; None when unconstrained."""
        if not self.per_position:
            return self.groups[0]
        return self.groups[index] if index < len(self.groups) else None

    def __str__(self) -> str:
        if self.per_position:
            body = self.group_separator.join(
                "(" + self.separator.join(g) + ")" for g in self.groups
            )
        else:
            body = self.separator.join(self.groups[0])
        return f"{self.kind}<{body}>"


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
