"""mc3icomb configuration file reader (docs/formats.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from lark import Lark, Token, v_args

from mdict.model import (
    COMMANDS,
    CONFIG_SECTIONS,
    ITEM,
    MESSAGE,
    CombineConfig,
    ConfigBlock,
    InfoLine,
    Location,
)
from mdict.parse._common import CommonTransformer
from mdict.parse._driver import (
    BadValue,
    Collector,
    get_parser,
    numbered_lines,
    read_as,
    require_content,
    results_or_errors,
)
from mdict.parse._layout import Layout, layout

_COMMANDS = frozenset(COMMANDS)
# Which block commands each section accepts, and how to say so.
_SECTION_COMMANDS: dict[str, tuple[frozenset[str], str]] = {
    "EXISTING_SERVICE_SECTION": (_COMMANDS, "a DIMSE command (C_STORE_RQ, ...)"),
    "PRIVATE_SERVICE_SECTION": (_COMMANDS | {MESSAGE}, "MESSAGE or a DIMSE command"),
    "PRIVATE_ITEM_SECTION": (frozenset({ITEM}), "ITEM"),
    "EXISTING_ITEM_SECTION": (frozenset({ITEM}), "ITEM"),
}


@dataclass(frozen=True, slots=True)
class Keyword:
    """A ``[ EXISTING_SERVICE_SECTION ]`` line."""

    name: str
    column: int


@dataclass(frozen=True, slots=True)
class BlockHeader:
    """A ``[ NAME, COMMAND ]`` line."""

    name: str
    command: str
    command_column: int


@dataclass(frozen=True, slots=True)
class Property:
    """A ``KEY = value`` line of a MESSAGE block."""

    key: str
    value: str


@v_args(inline=True)
class ConfigTransformer(CommonTransformer):
    """config.lark rules -> Keyword, BlockHeader, Property and InfoLine."""

    def start(self, *lines: object) -> list[object]:
        return list(lines)

    def keyword(self, name: Token) -> Keyword:
        if name not in CONFIG_SECTIONS:
            raise BadValue(name, "a section keyword (" + ", ".join(CONFIG_SECTIONS) + ")")
        return Keyword(str(name), name.column or 1)

    def block_header(self, name: Token, command: Token) -> BlockHeader:
        return BlockHeader(str(name), str(command), command.column or 1)

    def property(self, key: Token, value: Token | None) -> Property:
        return Property(str(key), "" if value is None else str(value))


def config_parser() -> Lark:
    return get_parser("config.lark", ConfigTransformer())


@dataclass
class _Block:
    name: str
    command: str
    line: int
    lines: list[InfoLine]
    properties: list[tuple[str, str]]
    property_lines: list[int]

    def freeze(self, filename: str, trivia: Layout) -> ConfigBlock:
        comments = (
            (k, trivia.at(n))
            for (k, _), n in zip(self.properties, self.property_lines, strict=True)
        )
        return ConfigBlock(
            self.name,
            self.command,
            tuple(self.lines),
            tuple(self.properties),
            Location(filename, self.line, 1, trivia.at(self.line)),
            tuple((k, lines) for k, lines in comments if lines),
        )


class _Reader:
    """Gives meaning to the lines of one configuration."""

    def __init__(self, collector: Collector, trivia: Layout) -> None:
        self.c = collector
        self.trivia = trivia
        self.sections: dict[str, list[_Block]] = {name: [] for name in CONFIG_SECTIONS}
        self.keyword_lines: dict[str, int] = {}
        self.section: str | None = None
        self.block: _Block | None = None

    def keyword(self, number: int, result: Keyword) -> None:
        section = self.section
        expected = (
            CONFIG_SECTIONS[CONFIG_SECTIONS.index(section) + 1 if section else 0]
            if section != CONFIG_SECTIONS[-1]
            else None
        )
        if result.name != expected:
            wanted = f"[ {expected} ]" if expected else "no more section keywords"
            self.c.error(number, result.column, f"expected {wanted}, found [ {result.name} ]")
        self.keyword_lines.setdefault(result.name, number)
        self.section, self.block = result.name, None

    def block_header(self, number: int, result: BlockHeader) -> None:
        if self.section is None:
            self.c.error(number, 1, "expected [ EXISTING_SERVICE_SECTION ], found a block header")
            return
        allowed, wording = _SECTION_COMMANDS[self.section]
        if result.command not in allowed:
            self.c.error(
                number,
                result.command_column,
                f"expected {wording} in {self.section}, found {result.command!r}",
            )
        self.block = _Block(result.name, result.command, number, [], [], [])
        self.sections[self.section].append(self.block)

    def property(self, number: int, result: Property) -> None:
        block = self.block
        if block is None or block.command != MESSAGE:
            self.c.error(
                number, 1, f"expected an attribute line or a block header, found {result.key} = ..."
            )
        else:
            block.properties.append((result.key, result.value))
            block.property_lines.append(number)

    def attribute(self, number: int, line: InfoLine) -> None:
        block = self.block
        if block is None:
            self.c.error(
                number,
                1,
                "expected a block header ([ NAME, COMMAND ]), found an attribute line outside any block",
            )
        elif block.command == MESSAGE:
            self.c.error(
                number,
                1,
                "expected KEY = value or a block header, found an attribute line in a MESSAGE block",
            )
        else:
            loc = Location(self.c.filename, number, 1, self.trivia.at(number))
            block.lines.append(InfoLine(line.tag, line.vr, line.vt, line.values, line.field4, loc))

    def read(self, lines: list[tuple[int, object]]) -> None:
        for number, result in lines:
            if isinstance(result, Keyword):
                self.keyword(number, result)
            elif isinstance(result, BlockHeader):
                self.block_header(number, result)
            elif isinstance(result, Property):
                self.property(number, result)
            else:
                assert isinstance(result, InfoLine)
                self.attribute(number, result)
        if self.section != CONFIG_SECTIONS[-1] and not self.c.errors:
            index = CONFIG_SECTIONS.index(self.section) + 1 if self.section else 0
            last = lines[-1][0] if lines else 1
            self.c.error(last, 1, f"expected [ {CONFIG_SECTIONS[index]} ], found end of file")

    def config(self) -> CombineConfig:
        name = self.c.filename
        frozen = [
            tuple(b.freeze(name, self.trivia) for b in self.sections[s]) for s in CONFIG_SECTIONS
        ]
        keywords = tuple(self.trivia.at(self.keyword_lines.get(s, 0)) for s in CONFIG_SECTIONS)
        return CombineConfig(
            frozen[0],
            frozen[1],
            frozen[2],
            frozen[3],
            source=name,
            header=self.trivia.header,
            trailer=self.trivia.trailer,
            keyword_trivia=keywords if any(keywords) else (),
        )


def parse_combine_config(text: str, filename: str = "<string>") -> CombineConfig:
    """Read an mc3icomb configuration into a CombineConfig."""
    collector = Collector(filename, text)
    lines = numbered_lines(text)
    require_content(lines, collector, "[ EXISTING_SERVICE_SECTION ]")
    reader = _Reader(collector, layout(text, lines))
    reader.read(results_or_errors(config_parser, lines, collector))
    collector.raise_if_errors()
    return reader.config()


def read_combine_config(path: str | os.PathLike[str]) -> CombineConfig:
    """Read an mc3icomb configuration file."""
    return read_as(path, "config", parse_combine_config)
