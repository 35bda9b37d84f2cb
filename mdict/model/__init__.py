"""The profile model: frozen, slotted dataclasses, one per thing a profile holds.

Source locations are kept on every object but excluded from equality and
hashing, so two models read from differently formatted files compare equal
when they mean the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

# ---------------------------------------------------------------------------
# Vocabulary (spec section 7)
# ---------------------------------------------------------------------------

# fmt: off
VRS: frozenset[str] = frozenset((
    "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT", "OB", "OD",
    "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI",
    "UL", "UN", "UR", "US", "UT", "UV", "UNKNOWN_VR",
))
# fmt: on

COMMANDS: tuple[str, ...] = (
    "C_STORE_RQ",
    "C_STORE_RSP",
    "C_GET_RQ",
    "C_GET_RSP",
    "C_FIND_RQ",
    "C_FIND_RSP",
    "C_MOVE_RQ",
    "C_MOVE_RSP",
    "C_ECHO_RQ",
    "C_ECHO_RSP",
    "N_EVENT_REPORT_RQ",
    "N_EVENT_REPORT_RSP",
    "N_GET_RQ",
    "N_GET_RSP",
    "N_SET_RQ",
    "N_SET_RSP",
    "N_ACTION_RQ",
    "N_ACTION_RSP",
    "N_CREATE_RQ",
    "N_CREATE_RSP",
    "N_DELETE_RQ",
    "N_DELETE_RSP",
    "C_CANCEL_RQ",
)
ITEM = "ITEM"
"""The pseudo-command of an item section in info.pfl (`[ 0023, ITEM ]`)."""

VALUE_TYPES: tuple[str, ...] = ("1", "1C", "2", "2C", "3")

ServiceType = Literal["BASE", "META"]


@dataclass(frozen=True, slots=True)
class Location:
    """Where something was read: 1-based line and column."""

    file: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


# ---------------------------------------------------------------------------
# Tags and value multiplicity
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tag:
    """A data element tag.

    Standard (even group): ``element`` is the 16-bit element, ``creator`` is None.
    Private (odd group): ``element`` is the element byte inside the creator's
    block (0x00-0xFF) and ``creator`` the private creator, byte-exact.
    """

    group: int
    element: int
    creator: str | None = None

    @property
    def is_private(self) -> bool:
        return self.group % 2 == 1

    def sort_key(self) -> tuple[int, str, int]:
        """Canonical order: by group; inside an odd group one block per creator,
        ordered by the text ``creator + ','``, element bytes ascending."""
        if self.creator is None:
            return (self.group, "", self.element)
        return (self.group, self.creator + ",", self.element)

    def __str__(self) -> str:
        """The profile form: ``GGGG,EEEE`` or ``GGGG,Creator,EB``."""
        if self.creator is None:
            return f"{self.group:04X},{self.element:04X}"
        return f"{self.group:04X},{self.creator},{self.element:02X}"

    @property
    def display(self) -> str:
        """Human form: ``(GGGG,EEEE)`` or ``(GGGG,xxEB) Creator``."""
        if self.creator is None:
            return f"({self.group:04X},{self.element:04X})"
        return f"({self.group:04X},xx{self.element:02X}) {self.creator}"


_VM_RE = re.compile(r"^(\d+)(?:-(\d+)?(n|N)?)?$|^(n|N)$")


@dataclass(frozen=True, slots=True)
class VM:
    """Value multiplicity: ``minimum``..``maximum`` (None = unbounded) in steps.

    ``1`` -> VM(1, 1); ``1-3`` -> VM(1, 3); ``1-n``/``N`` -> VM(1, None);
    ``2-2n`` -> VM(2, None, 2): a multiple of 2, at least 2.
    """

    minimum: int
    maximum: int | None
    step: int = 1

    @classmethod
    def from_text(cls, text: str) -> VM:
        """Read any tolerated spelling; raises ValueError on anything else."""
        text = text.strip()
        m = _VM_RE.match(text)
        if not m:
            raise ValueError(f"not a value multiplicity: {text!r}")
        if m.group(4):
            return cls(1, None)
        low = int(m.group(1))
        high, n = m.group(2), m.group(3)
        if "-" not in text:
            return cls(low, low)
        if n:
            step = int(high) if high else 1
            if high and step != low:
                raise ValueError(f"not a value multiplicity: {text!r}")
            return cls(low, None, step)
        if high is None:
            raise ValueError(f"not a value multiplicity: {text!r}")
        if int(high) < low:
            raise ValueError(f"not a value multiplicity: {text!r} (maximum below minimum)")
        return cls(low, int(high))

    def allows(self, count: int) -> bool:
        if count < self.minimum:
            return False
        if self.maximum is not None and count > self.maximum:
            return False
        return count % self.step == 0 if self.step > 1 else True

    def __str__(self) -> str:
        if self.maximum is None:
            return f"{self.minimum}-{self.step if self.step > 1 else ''}n"
        if self.maximum == self.minimum:
            return str(self.minimum)
        return f"{self.minimum}-{self.maximum}"


# ---------------------------------------------------------------------------
# diction.pfl
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DictEntry:
    """One diction.pfl line."""

    name: str
    tag: Tag
    vr: str
    vm: VM
    loc: Location | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def retired(self) -> bool:
        return self.name.endswith(" RETIRED") or self.name.endswith(" RET")

    @property
    def key(self) -> Tag:
        return self.tag


@dataclass(frozen=True, slots=True)
class Dictionary:
    """A diction.pfl: entries in file order."""

    entries: tuple[DictEntry, ...]
    source: str | None = field(default=None, compare=False, hash=False, repr=False)


# ---------------------------------------------------------------------------
# mergecom.srv
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Service:
    """One ``[NNNN]`` section of mergecom.srv.

    BASE services list ``commands`` (COMMAND_1..k in order); META services list
    ``sop_classes`` (SOP_CLASS_1..m: numbers of BASE services). ``extra`` keeps
    keys mdict does not know, in file order.
    """

    number: int
    name: str
    type: ServiceType
    uid: str | None = None
    description: str | None = None
    commands: tuple[str, ...] = ()
    sop_classes: tuple[int, ...] = ()
    extra: tuple[tuple[str, str], ...] = ()
    loc: Location | None = field(default=None, compare=False, hash=False, repr=False)


@dataclass(frozen=True, slots=True)
class ItemRef:
    """One ``NAME = NNNN`` line of ``[ITEM_TABLE]``."""

    name: str
    number: int
    loc: Location | None = field(default=None, compare=False, hash=False, repr=False)


@dataclass(frozen=True, slots=True)
class ServiceProfile:
    """A mergecom.srv: services in number order and the item table."""

    services: tuple[Service, ...]
    items: tuple[ItemRef, ...]
    source: str | None = field(default=None, compare=False, hash=False, repr=False)


# ---------------------------------------------------------------------------
# info.pfl
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# mc3icomb configuration file
# ---------------------------------------------------------------------------

CONFIG_SECTIONS: tuple[str, ...] = (
    "EXISTING_SERVICE_SECTION",
    "PRIVATE_SERVICE_SECTION",
    "PRIVATE_ITEM_SECTION",
    "EXISTING_ITEM_SECTION",
)
MESSAGE = "MESSAGE"
"""The pseudo-command of a private service's definition block."""


@dataclass(frozen=True, slots=True)
class ConfigBlock:
    """``[ NAME, COMMAND ]`` with attribute lines, or ``[ NAME, MESSAGE ]``
    with ``KEY = value`` properties (UID, DESCRIPTION, TYPE, ...)."""

    name: str
    command: str
    lines: tuple[InfoLine, ...] = ()
    properties: tuple[tuple[str, str], ...] = ()
    loc: Location | None = field(default=None, compare=False, hash=False, repr=False)


@dataclass(frozen=True, slots=True)
class CombineConfig:
    """An mc3icomb configuration: its four sections in order."""

    existing_services: tuple[ConfigBlock, ...] = ()
    private_services: tuple[ConfigBlock, ...] = ()
    private_items: tuple[ConfigBlock, ...] = ()
    existing_items: tuple[ConfigBlock, ...] = ()
    source: str | None = field(default=None, compare=False, hash=False, repr=False)
