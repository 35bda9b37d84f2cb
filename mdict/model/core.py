"""The profile model: frozen, slotted dataclasses, one per thing a profile holds.

Source locations are kept on every object but excluded from equality and
hashing, so two models read from differently formatted files compare equal
when they mean the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# ---------------------------------------------------------------------------
# Vocabulary (docs/formats.md)
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


@dataclass(frozen=True, slots=True)
class Location:
    """Where something was read: 1-based line and column, and its trivia.

    ``trivia`` holds the comment lines (as written) and group-separating
    blank lines ("" for a run of blank lines) right above the thing in its
    file, so that writers put them back where they were (like tomlkit). It
    travels with the thing through sorting and merging, and like the location
    itself it is outside the model's equality. ``note`` is the comment at
    the end of the thing's line (``# why``, as written), in the formats
    that allow one (conditions, modules, positions)."""

    file: str
    line: int
    column: int = 1
    trivia: tuple[str, ...] = ()
    note: str = ""

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


def split_note(line: str) -> tuple[str, str]:
    """(the line without its end-of-line comment, the comment as written):
    a ``#`` outside a double-quoted string starts the comment."""
    if "#" not in line:
        return line, ""
    quoted = escaped = False
    for index, char in enumerate(line):
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "#" and not quoted:
            return line[:index].rstrip(" \t"), line[index:].rstrip()
    return line, ""


def comment_text(trivia: tuple[str, ...]) -> tuple[str, ...]:
    """The text of the comment lines of ``trivia`` (``# a`` -> ``a``): how
    mdict's own formats (conditions, modules) keep comments in their models."""
    return tuple(line[1:].removeprefix(" ") for line in trivia if line.startswith("#"))
