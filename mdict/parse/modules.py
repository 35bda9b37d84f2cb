"""Modules profile reader (``modules.pfl``, mdict's own format; docs/formats.md).

Like every profile, a sequence of lines read through the one driver
(``_driver.py``): each distinct line once, the common shapes by one regular
expression built from the grammar's terminals, the rest (and every error) by
``modules.lark``. This module gives the lines their meaning: a module line
belongs to the section above it, each message appears once, and each tag
once per message."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, cast

from lark import Token, Transformer, v_args

from mdict.model.core import Location, comment_text, split_note
from mdict.model.modules import MessageModules, ModulesProfile, ModuleUse, Usage
from mdict.parse._driver import (
    Collector,
    get_parser,
    numbered_lines,
    parse_lines,
    read_as,
    report_line_error,
    require_content,
)
from mdict.parse._layout import Layout, layout

if TYPE_CHECKING:
    from lark import Lark

__all__ = ["modules_parser", "parse_modules", "read_modules"]


@dataclass(frozen=True, slots=True)
class SectionLine:
    """A ``[ SERVICE, COMMAND ]`` line."""

    service: str
    command: str


@dataclass(frozen=True, slots=True)
class ModuleLine:
    """A module line; ``tags_column`` is where its tag list starts (1-based)."""

    use: ModuleUse
    tags_column: int


_TAG_TEXT = re.compile(r"([0-9A-Fa-f]{4}),([0-9A-Fa-f]{4})")


def _tags(run: str | None) -> tuple[int, ...]:
    """The tags of a TAGS token (a module's whole tag list)."""
    if not run:
        return ()
    return tuple(int(g, 16) << 16 | int(e, 16) for g, e in _TAG_TEXT.findall(run))


@v_args(inline=True)
class ModulesTransformer(Transformer[Token, object]):
    """modules.lark rules -> SectionLine and ModuleLine."""

    def start(self, *lines: object) -> list[object]:
        return list(lines)

    def header(self, service: Token, command: Token) -> SectionLine:
        return SectionLine(str(service), str(command))

    def module(self, name: Token, usage: Token, *rest: Token) -> ModuleLine:
        parts = list(rest)
        condition = str(parts.pop(0)) if parts and parts[0].type == "NAME" else None
        run = parts[0] if parts else None
        use = ModuleUse(str(name), cast(Usage, str(usage)), condition, _tags(run))
        return ModuleLine(use, (run.column or 1) if run is not None else 0)


def modules_parser() -> Lark:
    """The grammar of modules.pfl (built on first use)."""
    return get_parser("modules.lark", ModulesTransformer())


# The fast path: the grammar's terminals (modules.lark), concatenated in the
# order of its rules; ignored blanks and comments where the grammar allows them.
TERMINALS: dict[str, str] = {
    "WORDS": r"[A-Za-z][A-Za-z0-9'\/&.+-]*( [A-Za-z0-9'\/&.+-]+)*",
    "NAME": r"[A-Za-z_][A-Za-z0-9_]*",
    "TAGS": r"[0-9A-Fa-f]{4},[0-9A-Fa-f]{4}([ \t]+[0-9A-Fa-f]{4},[0-9A-Fa-f]{4}(?![0-9A-Fa-f,]))*",
}
_B = r"[ \t]*"
_MODULE = re.compile(
    f"{_B}(?P<name>{TERMINALS['WORDS']}){_B}\\({_B}(?P<usage>[MCU]){_B}"
    f"(?:,{_B}(?P<condition>{TERMINALS['NAME']}){_B})?\\){_B}:{_B}"
    f"(?P<tags>{TERMINALS['TAGS']})?{_B}"
)
_HEADER = re.compile(
    f"{_B}\\[{_B}(?P<service>{TERMINALS['NAME']}){_B},{_B}(?P<command>{TERMINALS['NAME']}){_B}\\]{_B}"
)


def modules_line(text: str) -> SectionLine | ModuleLine | None:
    """One line by the fast path, or None (ask the grammar)."""
    m = _HEADER.fullmatch(text)
    if m is not None:
        return SectionLine(m["service"], m["command"])
    m = _MODULE.fullmatch(text)
    if m is None:
        return None
    use = ModuleUse(m["name"], cast(Usage, m["usage"]), m["condition"], _tags(m["tags"]))
    return ModuleLine(use, m.start("tags") + 1 if m["tags"] else 0)


class _Message:
    """A section while it is read."""

    def __init__(self, line: SectionLine, number: int, trivia: Layout, note: str) -> None:
        self.line = line
        self.number = number
        self.note = note
        self.modules: list[ModuleUse] = []
        self.owner: dict[int, str] = {}
        self.trivia = trivia.at


def _add_module(
    message: _Message, result: ModuleLine, number: int, text: str, collector: Collector
) -> None:
    loc = Location(collector.filename, number, 1, message.trivia(number), split_note(text)[1])
    use = replace(result.use, loc=loc)
    for index, tag in enumerate(use.tags):
        if tag in message.owner:
            match = list(_TAG_TEXT.finditer(text, result.tags_column - 1))[index]
            collector.error(
                number,
                match.start() + 1,
                f"expected each tag once per message, found {match.group()} again"
                f" (already in module {message.owner[tag]})",
            )
            return
        message.owner[tag] = use.name
    message.modules.append(use)


def parse_modules(text: str, filename: str = "<string>") -> ModulesProfile:
    """A modules profile from its text; ProfileError names file:line:column."""
    collector = Collector(filename, text)
    lines = numbered_lines(text)
    require_content(lines, collector, "a section header ([ SERVICE, COMMAND ])")
    parsed = parse_lines(modules_parser, lines, modules_line)
    trivia = layout(text, lines)
    messages: list[_Message] = []
    first: dict[tuple[str, str], int] = {}
    for number, line_text in lines:
        result = parsed[line_text]
        if type(result) is SectionLine:
            key = (result.service, result.command)
            if key in first:
                collector.error(
                    number,
                    1,
                    f"expected each message once, found [ {key[0]}, {key[1]} ] again"
                    f" (first on line {first[key]})",
                )
            first.setdefault(key, number)
            messages.append(_Message(result, number, trivia, split_note(line_text)[1]))
        elif type(result) is ModuleLine:
            if not messages:
                collector.error(
                    number,
                    1,
                    "expected a section header ([ SERVICE, COMMAND ]), found a module line",
                )
            else:
                _add_module(messages[-1], result, number, line_text, collector)
        else:
            report_line_error(collector, number, result)
    collector.raise_if_errors()
    return ModulesProfile(
        tuple(
            MessageModules(
                m.line.service,
                m.line.command,
                tuple(m.modules),
                Location(filename, m.number, 1, trivia.at(m.number), m.note),
            )
            for m in messages
        ),
        comment_text(trivia.header),
        trivia.header,
        trivia.trailer,
    )


def read_modules(path: str | os.PathLike[str]) -> ModulesProfile:
    """Read a modules profile file."""
    return read_as(path, "modules", parse_modules)
