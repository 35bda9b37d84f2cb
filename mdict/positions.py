"""mdict's positions profile (``positions.pfl``): per value position, whether
an attribute's listed values are enumerated values or defined terms, and
which positions must hold a value (docs/formats.md).

An info.pfl value list is ``E<...>`` or ``D<...>`` as a whole; the standard
mixes both in one attribute (Image Type: values 1 and 2 are enumerated
values, value 3 defined terms) and requires values at some positions (CT
Image Type value 3). mdict generates this profile for the standard messages
from dicom3tools (tools/build_positions.py)::

    # comment lines at the top are the profile's header
    [ CT_IMAGE, C_STORE_RQ ]
    0008,0008 = 1 E, 2 E, 3 D required, 4 D
    [ MR_IMAGE, C_STORE_RQ ]
    0008,0008 = 3 required

A section names a message (service name and command) or an item (item name
and ``ITEM``), as mergecom.srv names them. Each line gives a tag, then its
value positions (1-based, ascending), each with ``E`` or ``D`` (else the
kind of info.pfl's list), ``required``, or both. The values themselves stay in info.pfl's per-position list.
Every class is a frozen dataclass; ``format_positions`` is the canonical
writer and ``parse_positions(format_positions(p)) == p``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from mdict.fileio import write_text_atomic
from mdict.model.core import Location, comment_text, split_note

if TYPE_CHECKING:
    from mdict.parse._layout import Layout

__all__ = [
    "AttributePositions",
    "Position",
    "PositionsProfile",
    "SectionPositions",
    "format_positions",
    "parse_positions",
    "read_positions",
    "write_positions",
]

Kind = Literal["E", "D"]


@dataclass(frozen=True, slots=True)
class Position:
    """Value ``index`` (1-based): enumerated (E) or defined terms (D), or
    None (as info.pfl's list says); a ``required`` position must hold a
    non-empty value. At least one of the two is given."""

    index: int
    kind: Kind | None
    required: bool = False

    def __str__(self) -> str:
        parts = [str(self.index), self.kind or "", "required" if self.required else ""]
        return " ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class AttributePositions:
    """The positions of one attribute (``group << 16 | element``)."""

    tag: int
    positions: tuple[Position, ...]
    loc: Location | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        body = ", ".join(str(p) for p in self.positions)
        return f"{self.tag >> 16:04X},{self.tag & 0xFFFF:04X} = {body}"


@dataclass(frozen=True, slots=True)
class SectionPositions:
    """One message (service name, command) or item (item name, ``ITEM``)."""

    name: str
    command: str
    attributes: tuple[AttributePositions, ...]
    loc: Location | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        return "\n".join([f"[ {self.name}, {self.command} ]", *(str(a) for a in self.attributes)])


@dataclass(frozen=True, slots=True)
class PositionsProfile:
    """Every section in profile order, and the header comment (without ``#``);
    each section's and attribute's comments are in its ``loc``."""

    sections: tuple[SectionPositions, ...]
    header: tuple[str, ...] = ()
    leading: tuple[str, ...] = field(default=(), compare=False, repr=False)
    """The header as written (comment and blank lines), when it was read."""
    trailer: tuple[str, ...] = field(default=(), compare=False, repr=False)
    """Comment lines after the last section, as written."""

    def get(self, name: str, command: str) -> SectionPositions | None:
        for section in self.sections:
            if section.name == name and section.command == command:
                return section
        return None

    def __len__(self) -> int:
        return len(self.sections)


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------

_SECTION = re.compile(r"\[\s*([A-Za-z0-9_]+)\s*,\s*([A-Z_]+)\s*\]\s*")
_LINE = re.compile(r"([0-9A-Fa-f]{4}),([0-9A-Fa-f]{4})\s*=\s*")
_POSITION = re.compile(r"([1-9][0-9]{0,2})(?: +([ED]))?( +required)?")


class _Bad(Exception):
    def __init__(self, column: int, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def _positions(text: str, start: int) -> tuple[Position, ...]:
    """The ``1 E, 2 D required`` list of a line from column ``start`` (0-based)."""
    out: list[Position] = []
    at = start
    while True:
        match = _POSITION.match(text, at)
        if match is None or (match.group(2) is None and match.group(3) is None):
            found = repr(text[at : at + 12]) if at < len(text) else "the end of the line"
            raise _Bad(at + 1, f"expected a position like '1 E' or '3 D required', found {found}")
        index = int(match.group(1))
        if out and index <= out[-1].index:
            raise _Bad(
                at + 1,
                f"expected positions in ascending order, found {index} after {out[-1].index}",
            )
        kind: Kind | None = "E" if match.group(2) == "E" else "D" if match.group(2) else None
        out.append(Position(index, kind, match.group(3) is not None))
        at = match.end()
        rest = text[at:]
        if not rest.strip():
            return tuple(out)
        separator = re.match(r"\s*,\s*", rest)
        if separator is None:
            raise _Bad(at + 1, f"expected ',' or the end of the line, found {rest.strip()[:12]!r}")
        at += separator.end()


class _Reader:
    def __init__(self, filename: str, trivia: Layout) -> None:
        self.filename = filename
        self.trivia = trivia
        self.sections: list[SectionPositions] = []
        self.current: tuple[str, str, Location, list[AttributePositions]] | None = None
        self.seen_sections: dict[tuple[str, str], int] = {}
        self.seen_tags: dict[int, int] = {}

    def close(self) -> None:
        if self.current is not None:
            name, command, loc, attributes = self.current
            self.sections.append(SectionPositions(name, command, tuple(attributes), loc))
        self.current = None

    def _loc(self, number: int, note: str) -> Location:
        return Location(self.filename, number, 1, self.trivia.at(number), note)

    def line(self, number: int, raw: str) -> None:
        text, note = split_note(raw)
        section = _SECTION.fullmatch(text)
        if section is not None:
            self.close()
            key = (section.group(1), section.group(2))
            if key in self.seen_sections:
                first = self.seen_sections[key]
                raise _Bad(
                    1,
                    f"expected each section once, found [ {key[0]}, {key[1]} ] again (first on line {first})",
                )
            self.seen_sections[key] = number
            self.current = (key[0], key[1], self._loc(number, note), [])
            self.seen_tags = {}
            return
        if self.current is None:
            raise _Bad(
                1, f"expected a section header like '[ CT_IMAGE, C_STORE_RQ ]', found {text[:20]!r}"
            )
        head = _LINE.match(text)
        if head is None:
            raise _Bad(1, f"expected a tag like '0008,0008 = ...', found {text[:20]!r}")
        tag = int(head.group(1), 16) << 16 | int(head.group(2), 16)
        if tag in self.seen_tags:
            raise _Bad(
                1,
                f"expected each tag once per section, found {head.group(1)},{head.group(2)} again (first on line {self.seen_tags[tag]})",
            )
        self.seen_tags[tag] = number
        positions = _positions(text, head.end())
        self.current[3].append(AttributePositions(tag, positions, self._loc(number, note)))


def parse_positions(text: str, filename: str = "<string>") -> PositionsProfile:
    """A positions profile from its text; ProfileError names file:line:column
    (up to the readers' MAX_ERRORS errors, as every profile reader)."""
    # The driver is imported here: a database reader needs the model, not it.
    from mdict.parse._driver import MAX_ERRORS, Collector, numbered_lines
    from mdict.parse._layout import layout

    lines = numbered_lines(text)
    trivia = layout(text, lines)
    reader = _Reader(filename, trivia)
    collector = Collector(filename, text)
    for number, body in lines:
        if collector.errors > MAX_ERRORS:
            break
        try:
            reader.line(number, body.rstrip())
        except _Bad as bad:
            collector.error(number, bad.column, bad.message)
    collector.raise_if_errors()
    reader.close()
    header = comment_text(trivia.header)
    return PositionsProfile(tuple(reader.sections), header, trivia.header, trivia.trailer)


def read_positions(path: str | os.PathLike[str]) -> PositionsProfile:
    """Read a positions profile file (UTF-8 with latin-1 fallback); a file of
    another kind is one error saying so, as every profile reader."""
    from mdict.parse._driver import read_as

    return read_as(path, "positions", parse_positions)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def format_positions(profile: PositionsProfile) -> str:
    """The canonical text: the header comment, then each section after a
    blank line; comment lines where they were, a comment that ended a line
    ending it again."""
    from mdict.write._layout import sectioned

    sections = (
        (
            f"[ {section.name}, {section.command} ]",
            section.loc,
            ((str(attribute), attribute.loc) for attribute in section.attributes),
        )
        for section in profile.sections
    )
    return sectioned(profile.header, profile.leading, profile.trailer, sections)


def write_positions(profile: PositionsProfile, path: str | os.PathLike[str]) -> None:
    """Write a positions profile atomically."""
    write_text_atomic(path, format_positions(profile))
