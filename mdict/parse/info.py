"""info.pfl reader (docs/formats.md)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from mdict.model import InfoLine, InfoProfile, InfoSection, Location
from mdict.parse._driver import (
    Collector,
    get_parser,
    numbered_lines,
    parse_lines,
    read_as,
    report_line_error,
    require_content,
)
from mdict.parse._fast import SECTION_COMMANDS, Header, info_line
from mdict.parse._layout import layout

if TYPE_CHECKING:
    from lark import Lark

__all__ = ["SECTION_COMMANDS", "Header", "info_parser", "parse_info", "read_info"]


def info_parser() -> Lark:
    """The grammar of info.pfl (built on first use: valid lines of the common
    shapes are read by ``_fast.info_line`` without it)."""
    from mdict.parse._common import InfoTransformer

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
    add = body.append
    parsed = parse_lines(info_parser, lines, info_line)
    trivia = layout(text, lines)
    at = trivia.before.get
    for number, text in lines:  # the hot loop: 55,000 lines in a full-size profile
        result = parsed[text]
        kind = type(result)
        if kind is InfoLine and header is not None:
            add(
                InfoLine(
                    result.tag,
                    result.vr,
                    result.vt,
                    result.values,
                    result.field4,
                    Location(filename, number, 1, at(number, ())),
                )
            )
        elif kind is Header:
            if header is not None:
                sections.append(InfoSection(header.number, header.command, tuple(body), header_loc))
            header, header_loc, body = result, Location(filename, number, 1, at(number, ())), []
            add = body.append
        elif kind is InfoLine:
            if not collector.full:
                collector.error(
                    number,
                    1,
                    "expected a section header ([ NNNN, COMMAND ]), found an attribute line",
                )
        else:
            report_line_error(collector, number, result)
    if header is not None:
        sections.append(InfoSection(header.number, header.command, tuple(body), header_loc))
    collector.raise_if_errors()
    return InfoProfile(tuple(sections), filename, trivia.header, trivia.trailer)


def read_info(path: str | os.PathLike[str]) -> InfoProfile:
    """Read an info.pfl file."""
    return read_as(path, "info", parse_info)
