"""mc3icomb configuration file reader (spec section 4)."""

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

    def freeze(self, filename: str) -> ConfigBlock:
        return ConfigBlock(
            self.name,
            self.command,
            tuple(self.lines),
            tuple(self.properties),
            Location(filename, self.line),
        )


def parse_combine_config(text: str, filename: str = "<string>") -> CombineConfig:
    """Read an mc3icomb configuration into a CombineConfig."""
    c = Collector(filename, text)
    lines = numbered_lines(text)
    require_content(lines, c, "[ EXISTING_SERVICE_SECTION ]")
    sections: dict[str, list[_Block]] = {name: [] for name in CONFIG_SECTIONS}
    section: str | None = None
    block: _Block | None = None
    last_line = 1
    for number, result in results_or_errors(config_parser, lines, c):
        last_line = number
        if isinstance(result, Keyword):
            expected = (
                CONFIG_SECTIONS[CONFIG_SECTIONS.index(section) + 1 if section else 0]
                if section != CONFIG_SECTIONS[-1]
                else None
            )
            if result.name != expected:
                wanted = f"[ {expected} ]" if expected else "no more section keywords"
                c.error(number, result.column, f"expected {wanted}, found [ {result.name} ]")
            section, block = result.name, None
        elif isinstance(result, BlockHeader):
            if section is None:
                c.error(number, 1, "expected [ EXISTING_SERVICE_SECTION ], found a block header")
                continue
            allowed, wording = _SECTION_COMMANDS[section]
            if result.command not in allowed:
                c.error(
                    number,
                    result.command_column,
                    f"expected {wording} in {section}, found {result.command!r}",
                )
            block = _Block(result.name, result.command, number, [], [])
            sections[section].append(block)
        elif isinstance(result, Property):
            if block is None or block.command != MESSAGE:
                c.error(
                    number,
                    1,
                    f"expected an attribute line or a block header, found {result.key} = ...",
                )
            else:
                block.properties.append((result.key, result.value))
        else:
            assert isinstance(result, InfoLine)
            if block is None or block.command == MESSAGE:
                where = "a MESSAGE block" if block is not None else "outside any block"
                c.error(
                    number,
                    1,
                    f"expected KEY = value or a block header, found an attribute line in {where}"
                    if block
                    else f"expected a block header ([ NAME, COMMAND ]), found an attribute line {where}",
                )
            else:
                line = result
                block.lines.append(
                    InfoLine(
                        line.tag,
                        line.vr,
                        line.vt,
                        line.values,
                        line.field4,
                        Location(filename, number),
                    )
                )
    if section != CONFIG_SECTIONS[-1] and not c.errors:
        index = CONFIG_SECTIONS.index(section) + 1 if section else 0
        c.error(last_line, 1, f"expected [ {CONFIG_SECTIONS[index]} ], found end of file")
    c.raise_if_errors()
    frozen = [tuple(b.freeze(filename) for b in sections[name]) for name in CONFIG_SECTIONS]
    return CombineConfig(frozen[0], frozen[1], frozen[2], frozen[3], filename)


def read_combine_config(path: str | os.PathLike[str]) -> CombineConfig:
    """Read an mc3icomb configuration file."""
    return read_as(path, "config", parse_combine_config)
