"""mergecom.srv reader (docs/formats.md).

The grammar gives sections and ``KEY = value`` lines; this module gives them
meaning: the service table, one section per service, the item table. The
NUMBER_OF_* counts and the tables must agree with what follows (errors with
their line numbers)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from lark import Lark, Token, v_args
from lark import Transformer as _Transformer

from mdict.model import COMMANDS, ItemRef, Location, Service, ServiceProfile
from mdict.parse._driver import (
    Collector,
    get_parser,
    numbered_lines,
    read_as,
    require_content,
    results_or_errors,
)
from mdict.parse._layout import Layout, layout

_COMMAND_KEY = re.compile(r"COMMAND_([1-9][0-9]*)")
_SOP_CLASS_KEY = re.compile(r"SOP_CLASS_([1-9][0-9]*)")
_NUMBER = re.compile(r"[0-9]+")
_COMMANDS = frozenset(COMMANDS)


@dataclass(frozen=True, slots=True)
class Section:
    """A ``[NAME]`` line."""

    name: str


@dataclass(frozen=True, slots=True)
class Entry:
    """A ``KEY = value`` line; ``column`` is where the value starts."""

    key: str
    value: str
    column: int


@v_args(inline=True)
class ServicesTransformer(_Transformer[Token, object]):
    """services.lark rules -> Section and Entry."""

    def start(self, *lines: Section | Entry) -> list[Section | Entry]:
        return list(lines)

    def section(self, name: Token) -> Section:
        return Section(str(name))

    def entry(self, key: Token, value: Token | None) -> Entry:
        if value is None:
            return Entry(str(key), "", (key.end_column or 1) + 2)
        return Entry(str(key), str(value), value.column or 1)


def services_parser() -> Lark:
    return get_parser("services.lark", ServicesTransformer())


@dataclass
class _Table:
    """A ``[SERVICE_TABLE]`` or ``[ITEM_TABLE]`` while it is read."""

    count_key: str
    line: int
    count: int | None = None
    count_line: int = 0
    entries: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (number, line)


@dataclass
class _ServiceSection:
    number: int
    line: int
    keys: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # key -> (value, line, col)


def _number(value: str) -> int | None:
    return int(value) if _NUMBER.fullmatch(value) else None


def _numbered_keys(
    collector: Collector, keys: Mapping[str, tuple[str, int, int]]
) -> tuple[dict[int, str], dict[int, int], list[tuple[str, str]]]:
    """COMMAND_k and SOP_CLASS_k by k (each bad value an error), and the
    other keys in order."""
    commands: dict[int, str] = {}
    classes: dict[int, int] = {}
    extra: list[tuple[str, str]] = []
    for key, (value, line, column) in keys.items():
        if m := _COMMAND_KEY.fullmatch(key):
            if value not in _COMMANDS:
                collector.error(
                    line, column, f"expected a DIMSE command (C_STORE_RQ, ...), found {value!r}"
                )
            commands[int(m.group(1))] = value
        elif m := _SOP_CLASS_KEY.fullmatch(key):
            number = _number(value)
            if number is None:
                collector.error(line, column, f"expected a service number, found {value!r}")
            else:
                classes[int(m.group(1))] = number
        else:
            extra.append((key, value))
    return commands, classes, extra


def _check_base_keys(
    collector: Collector, section: _ServiceSection, classes: Mapping[int, int]
) -> None:
    if classes:
        collector.error(
            section.line,
            1,
            f"expected no SOP_CLASS_k in BASE service [{section.number:04d}], found {len(classes)}",
        )


def _check_meta_keys(
    collector: Collector,
    section: _ServiceSection,
    commands: Mapping[int, str],
    classes: Mapping[int, int],
    included: tuple[str, int, int] | None,
) -> None:
    if commands:
        collector.error(
            section.line,
            1,
            f"expected no COMMAND_k in META service [{section.number:04d}], found {len(commands)}",
        )
    if included is None:
        collector.error(
            section.line,
            1,
            f"expected SOP_CLASSES_INCLUDED in META service [{section.number:04d}], found none",
        )
    elif _number(included[0]) != len(classes):
        collector.error(
            included[1],
            included[2],
            f"expected SOP_CLASSES_INCLUDED = {len(classes)} (the SOP_CLASS_k lines that follow), found {included[0]!r}",
        )


class _Reader:
    """Gives meaning to the lines of one mergecom.srv."""

    def __init__(self, collector: Collector, trivia: Layout) -> None:
        self.c = collector
        self.at = trivia.at
        self.services_table: _Table | None = None
        self.items_table: _Table | None = None
        self.sections: list[_ServiceSection] = []
        self.current: _Table | _ServiceSection | None = None

    def read(self, lines: list[tuple[int, Section | Entry]]) -> None:
        for number, result in lines:
            if isinstance(result, Section):
                self.open(number, result.name)
            else:
                self.entry(number, result)

    def open(self, line: int, name: str) -> None:
        if name == "SERVICE_TABLE":
            if self.services_table is not None:
                self.c.error(line, 2, "expected one [SERVICE_TABLE], found a second one")
            self.current = self.services_table = _Table("NUMBER_OF_SERVICES_SUPPORTED", line)
        elif name == "ITEM_TABLE":
            if self.items_table is not None:
                self.c.error(line, 2, "expected one [ITEM_TABLE], found a second one")
            self.current = self.items_table = _Table("NUMBER_OF_ITEMS_SUPPORTED", line)
        elif _NUMBER.fullmatch(name):
            number = int(name)
            if any(s.number == number for s in self.sections):
                self.c.error(line, 2, f"expected each service number once, found [{name}] again")
            section = _ServiceSection(number, line)
            self.sections.append(section)
            self.current = section
        else:
            column = (self.c.line_text(line) or "").find(name) + 1
            self.c.error(
                line,
                column,
                f"expected SERVICE_TABLE, ITEM_TABLE or a service number, found {name!r}",
            )
            self.current = None

    def entry(self, line: int, entry: Entry) -> None:
        current = self.current
        if current is None:
            self.c.error(line, 1, f"expected a section header ([NAME]), found {entry.key!r}")
        elif isinstance(current, _Table):
            if entry.key == current.count_key:
                current.count = _number(entry.value)
                current.count_line = line
                if current.count is None:
                    self.c.error(line, entry.column, f"expected a number, found {entry.value!r}")
                return
            number = _number(entry.value)
            if number is None:
                self.c.error(
                    line, entry.column, f"expected a 4-digit number, found {entry.value!r}"
                )
            elif entry.key in current.entries:
                self.c.error(line, 1, f"expected each name once, found {entry.key!r} again")
            else:
                current.entries[entry.key] = (number, line)
        else:
            if entry.key in current.keys:
                self.c.error(line, 1, f"expected each key once, found {entry.key!r} again")
            current.keys[entry.key] = (entry.value, line, entry.column)

    # -- building the model ---------------------------------------------------

    def service(self, section: _ServiceSection) -> Service | None:
        keys = dict(section.keys)
        name = keys.pop("NAME", None)
        type_ = keys.pop("TYPE", None)
        if name is None or type_ is None:
            missing = " and ".join(k for k, v in (("NAME", name), ("TYPE", type_)) if v is None)
            self.c.error(
                section.line, 1, f"expected {missing} in service [{section.number:04d}], found none"
            )
            return None
        if type_[0] not in ("BASE", "META"):
            self.c.error(type_[1], type_[2], f"expected BASE or META, found {type_[0]!r}")
            return None
        uid = keys.pop("UID", None)
        description = keys.pop("DESCRIPTION", None)
        included = keys.pop("SOP_CLASSES_INCLUDED", None)
        commands, classes, extra = _numbered_keys(self.c, keys)
        self._check_numbering(section, "COMMAND", commands)
        self._check_numbering(section, "SOP_CLASS", classes)
        if type_[0] == "META":
            _check_meta_keys(self.c, section, commands, classes, included)
        else:
            _check_base_keys(self.c, section, classes)
            if included is not None:
                extra.insert(0, ("SOP_CLASSES_INCLUDED", included[0]))
        listed = self.services_table.entries.get(name[0]) if self.services_table else None
        return Service(
            number=section.number,
            name=name[0],
            type=type_[0],  # type: ignore[arg-type]
            uid=None if uid is None else uid[0],
            description=None if description is None else description[0],
            commands=tuple(commands[k] for k in sorted(commands)),
            sop_classes=tuple(classes[k] for k in sorted(classes)),
            extra=tuple(extra),
            loc=Location(self.c.filename, section.line, 1, self.at(section.line)),
            table_trivia=self.at(listed[1]) if listed is not None else (),
            key_trivia=tuple(
                (key, self.at(line)) for key, (_, line, _) in section.keys.items() if self.at(line)
            ),
        )

    def _check_numbering(
        self, section: _ServiceSection, prefix: str, found: Mapping[int, object]
    ) -> None:
        if found and sorted(found) != list(range(1, len(found) + 1)):
            missing = min(set(range(1, max(found) + 1)) - set(found))
            self.c.error(
                section.line,
                1,
                f"expected {prefix}_{missing} in service [{section.number:04d}], found none",
            )

    def _check_table(self, table: _Table | None, what: str) -> None:
        if table is None:
            return
        if table.count is None:
            if not table.count_line:
                self.c.error(table.line, 1, f"expected {table.count_key}, found none")
        elif table.count != len(table.entries):
            line_text = self.c.line_text(table.count_line) or ""
            column = line_text.rfind("=") + 2
            self.c.error(
                table.count_line,
                max(column, 1),
                f"expected {table.count_key} = {len(table.entries)} (the {what} listed), found {table.count}",
            )

    def profile(self) -> ServiceProfile:
        services = [s for s in map(self.service, self.sections) if s is not None]
        if self.services_table is None:
            self.c.error(1, 1, "expected a [SERVICE_TABLE] section, found none")
        else:
            self._check_table(self.services_table, "services")
            by_number = {s.number: s for s in services}
            for name, (number, line) in self.services_table.entries.items():
                service = by_number.get(number)
                if service is None:
                    self.c.error(
                        line, 1, f"expected a section [{number:04d}] for {name}, found none"
                    )
                elif service.name != name:
                    self.c.error(
                        line,
                        1,
                        f"expected {service.name} (the NAME of [{number:04d}]), found {name!r}",
                    )
            listed = {number for number, _ in self.services_table.entries.values()}
            for s in services:
                if s.number not in listed:
                    self.c.error(
                        s.loc.line if s.loc else 1,
                        1,
                        f"expected service [{s.number:04d}] {s.name} in [SERVICE_TABLE], found it missing",
                    )
        items: list[ItemRef] = []
        if self.items_table is None:
            self.c.error(
                len(self.c.text.splitlines()) or 1,
                1,
                "expected an [ITEM_TABLE] section, found none",
            )
        else:
            self._check_table(self.items_table, "items")
            items = [
                ItemRef(n, num, Location(self.c.filename, ln, 1, self.at(ln)))
                for n, (num, ln) in self.items_table.entries.items()
            ]
            items.sort(key=lambda i: i.number)
        services.sort(key=lambda s: s.number)
        return ServiceProfile(
            tuple(services), tuple(items), self.c.filename, table_trivia=self.table_trivia()
        )

    def table_trivia(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Comments above the table headers and the NUMBER_OF_* lines."""
        anchors: list[tuple[str, tuple[str, ...]]] = []
        for header, table in (
            ("[SERVICE_TABLE]", self.services_table),
            ("[ITEM_TABLE]", self.items_table),
        ):
            if table is None:
                continue
            anchors.append((header, self.at(table.line)))
            if table.count_line:
                anchors.append((table.count_key, self.at(table.count_line)))
        return tuple((anchor, lines) for anchor, lines in anchors if lines)


def parse_services(text: str, filename: str = "<string>") -> ServiceProfile:
    """Read mergecom.srv text into a ServiceProfile (services and items by number)."""
    collector = Collector(filename, text)
    lines = numbered_lines(text)
    require_content(lines, collector, "a [SERVICE_TABLE] section")
    good = results_or_errors(services_parser, lines, collector)
    collector.raise_if_errors()  # bad lines first: counts and tables mean nothing without them
    trivia = layout(text, lines)
    reader = _Reader(collector, trivia)
    reader.read(good)
    profile = reader.profile()
    collector.raise_if_errors()
    return replace(profile, header=trivia.header, trailer=trivia.trailer)


def read_services(path: str | os.PathLike[str]) -> ServiceProfile:
    """Read a mergecom.srv file."""
    return read_as(path, "services", parse_services)
