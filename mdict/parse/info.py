"""info.pfl reader (spec section 3)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from lark import Lark, Token, v_args

from ..model import COMMANDS, ITEM, InfoLine, InfoProfile, InfoSection, Location
from ._common import CommonTransformer
from ._driver import (
    BadValue,
    Collector,
    get_parser,
    numbered_lines,
    read_profile_text,
    require_content,
    results_or_errors,
)

SECTION_COMMANDS = frozenset((*COMMANDS, ITEM))


@dataclass(frozen=True, slots=True)
class Header:
    """A ``[ NNNN, COMMAND ]`` line."""

    number: int
    command: str


@v_args(inline=True)
class InfoTransformer(CommonTransformer):
    """info.lark rules -> Header and InfoLine (without location)."""

    def start(self, *lines: Header | InfoLine) -> list[Header | InfoLine]:
        return list(lines)

    def header(self, number: Token, command: Token) -> Header:
        if command not in SECTION_COMMANDS:
            raise BadValue(command, "a DIMSE command (C_STORE_RQ, ...) or ITEM")
        return Header(int(number), str(command))


def info_parser() -> Lark:
    return get_parser("info.lark", InfoTransformer())


def parse_info(text: str, filename: str = "<string>") -> InfoProfile:
    """Read info.pfl text into an InfoProfile (sections in file order)."""
    collector = Collector(filename, text)
    lines = numbered_lines(text)
    require_content(lines, collector, "a section header ([ NNNN, COMMAND ])")
    sections: list[InfoSection] = []
    header: Header | None = None
    header_loc: Location | None = None
    body: list[InfoLine] = []
    for number, result in results_or_errors(info_parser(), lines, collector):
        if type(result) is InfoLine:
            if header is None:
                if not collector.full:
                    collector.error(
                        number,
                        1,
                        "expected a section header ([ NNNN, COMMAND ]), found an attribute line",
                    )
                continue
            body.append(
                InfoLine(
                    result.tag,
                    result.vr,
                    result.vt,
                    result.values,
                    result.field4,
                    Location(filename, number),
                )
            )
        else:
            if header is not None:
                sections.append(InfoSection(header.number, header.command, tuple(body), header_loc))
            header, header_loc, body = result, Location(filename, number), []
    if header is not None:
        sections.append(InfoSection(header.number, header.command, tuple(body), header_loc))
    collector.raise_if_errors()
    return InfoProfile(tuple(sections), filename)


def read_info(path: str | os.PathLike[str]) -> InfoProfile:
    """Read an info.pfl file."""
    return parse_info(read_profile_text(path), os.fspath(path))
