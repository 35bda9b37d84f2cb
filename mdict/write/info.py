"""info.pfl writer (docs/formats.md): sections by service number, lines in tag order."""

from __future__ import annotations

import os
from collections.abc import Iterable

from mdict.fileio import write_text_atomic
from mdict.model.core import ITEM
from mdict.model.info import InfoLine, InfoProfile, InfoSection
from mdict.model.services import ServiceProfile
from mdict.write._layout import emit, start, text, trivia_of


def format_info_line(line: InfoLine) -> str:
    """One attribute line, ``;`` included, without the line end."""
    values = str(line.values) if line.values is not None else ""
    return f"{line.tag}@{line.vr}@{line.vt}@{line.field4}@{values};"


def format_section_header(number: int, command: str) -> str:
    return f"[ {number:04d}, {command} ]"


def sorted_lines(lines: Iterable[InfoLine]) -> list[InfoLine]:
    """Lines in canonical tag order (stable)."""
    return sorted(lines, key=lambda ln: ln.tag.sort_key())


def sorted_sections(
    sections: Iterable[InfoSection], services: ServiceProfile | None = None
) -> list[InfoSection]:
    """Messages by service number (commands in COMMAND_k order when the
    service profile is given, else as read), then items by number."""
    order: dict[int, dict[str, int]] = {}
    if services is not None:
        order = {s.number: {c: i for i, c in enumerate(s.commands)} for s in services.services}
    indexed = list(enumerate(sections))

    def key(pair: tuple[int, InfoSection]) -> tuple[int, int, int, int]:
        position, section = pair
        rank = order.get(section.number, {}).get(
            section.command, len(order.get(section.number, {}))
        )
        return (1 if section.command == ITEM else 0, section.number, rank, position)

    return [s for _, s in sorted(indexed, key=key)]


def format_info(profile: InfoProfile, services: ServiceProfile | None = None) -> str:
    """The canonical text of an info profile (sections in the COMMAND_k order of
    ``services`` when given)."""
    out: list[str] = []
    start(out, profile.header)
    texts: dict[tuple[object, ...], str] = {}
    for section in sorted_sections(profile.sections, services):
        emit(out, trivia_of(section.loc))
        out.append(format_section_header(section.number, section.command))
        add_lines(out, section.lines, texts)
    return text(out, profile.trailer)


def add_lines(
    out: list[str], lines: Iterable[InfoLine], texts: dict[tuple[object, ...], str] | None = None
) -> None:
    """Attribute lines in tag order, each after its comments. ``texts``
    remembers the text of lines already written during one call: a reader
    gives every copy of a repeated line the same tag, type and value-list
    objects (all alive while the profile is written), so their identities
    and the two strings are the line."""
    if texts is None:
        texts = {}
    for line in sorted_lines(lines):
        loc = line.loc
        if loc is not None and loc.trivia:
            emit(out, loc.trivia)
        key = (id(line.tag), line.vr, id(line.vt), id(line.values), line.field4)
        written = texts.get(key)
        if written is None:
            written = texts[key] = format_info_line(line)
        out.append(written)


def write_info(
    profile: InfoProfile, path: str | os.PathLike[str], services: ServiceProfile | None = None
) -> None:
    """Write an info profile's canonical text to ``path`` atomically."""
    write_text_atomic(path, format_info(profile, services))
