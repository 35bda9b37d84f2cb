"""Merging profiles (spec sections 1-4 and 6), as pure functions over the model.

``merge_dictionaries`` is mc3dcomb: two dictionaries into one canonical one.
``apply_config`` / ``apply_configs`` are mc3icomb: configuration files applied
to a service profile and an info profile. Each returns the new model, a change
summary and warnings with their places; every problem found raises one
``ProfileError`` carrying all the errors, and nothing is returned half-done.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from mdict.combine.trivia import (
    comments_only,
    joined_trivia,
    trivia_of,
    with_block_comments,
    with_trivia,
)
from mdict.errors import Diagnostic, ProfileError, Severity
from mdict.model import (
    COMMANDS,
    ITEM,
    MESSAGE,
    CombineConfig,
    ConfigBlock,
    DictEntry,
    Dictionary,
    InfoLine,
    InfoProfile,
    InfoSection,
    ItemRef,
    Location,
    Service,
    ServiceProfile,
    ServiceType,
    Tag,
)
from mdict.write import format_info_line, sorted_entries, sorted_lines, sorted_sections

MAX_NUMBER = 9999
MAX_COMMANDS = 12
MAX_NAME_LENGTH = 64
MAX_UID_LENGTH = 64
_UID = re.compile(r"(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*")
SERVICE_KEYS = ("UID", "DESCRIPTION", "TYPE")


def _diagnostic(
    loc: Location | None, file: str, message: str, severity: Severity = "error"
) -> Diagnostic:
    if loc is None:
        return Diagnostic(file, 0, 0, message, severity)
    return Diagnostic(loc.file, loc.line, loc.column, message, severity)


def short_form(diagnostic: Diagnostic) -> str:
    """``FILE:LINE: message``: how merge warnings are printed."""
    return f"{diagnostic.file}:{diagnostic.line}: {diagnostic.message}"


def _where(loc: Location | None, fallback: str) -> str:
    return f"{loc.file}:{loc.line}" if loc is not None else fallback


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _did_you_mean(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.8)
    return f" (did you mean {close[0]}?)" if close else ""


# ---------------------------------------------------------------------------
# dcomb: merging two dictionaries
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DictionaryMerge:
    """The merged dictionary and what happened to each entry."""

    dictionary: Dictionary
    base_entries: int
    added: int
    identical: int
    replaced: int
    warnings: tuple[Diagnostic, ...] = ()

    def summary(self) -> str:
        return (
            f"{_plural(len(self.dictionary.entries), 'entry').replace('entrys', 'entries')}"
            f" written: {self.base_entries} from the base, {self.added} added,"
            f" {self.identical} identical, {self.replaced} replaced"
        )


def _describe_entry(entry: DictEntry) -> str:
    return f"{entry.name} ({entry.vr} {entry.vm})"


def _index_entries(
    dictionary: Dictionary, file: str, check_order: bool, errors: list[Diagnostic]
) -> tuple[dict[Tag, DictEntry], list[Diagnostic]]:
    """Entries by tag; order and duplicate problems go to ``errors``."""
    warnings: list[Diagnostic] = []
    index: dict[Tag, DictEntry] = {}
    previous: DictEntry | None = None
    for entry in dictionary.entries:
        if check_order and previous is not None and entry.tag.sort_key() < previous.tag.sort_key():
            errors.append(
                _diagnostic(
                    entry.loc,
                    file,
                    f"entry out of order: {entry.tag} ({entry.name}) comes after"
                    f" {previous.tag} at {_where(previous.loc, file)}; expected ascending"
                    " tag order (use --sort to accept an unsorted file)",
                )
            )
            check_order = False  # one order error per file is enough
        previous = entry
        first = index.get(entry.tag)
        if first is None:
            index[entry.tag] = entry
        elif first == entry:
            warnings.append(
                _diagnostic(
                    entry.loc,
                    file,
                    f"duplicate of {_where(first.loc, file)}, written once",
                    "warning",
                )
            )
        else:
            errors.append(
                _diagnostic(
                    entry.loc,
                    file,
                    f"{entry.tag} is defined twice in this file: {_describe_entry(entry)} here,"
                    f" {_describe_entry(first)} at {_where(first.loc, file)}",
                )
            )
    return index, warnings


def merge_dictionaries(
    base: Dictionary,
    additions: Dictionary,
    *,
    sort: bool = False,
    strict: bool = False,
) -> DictionaryMerge:
    """Merge ``additions`` into ``base`` (mc3dcomb).

    Each input must be in canonical order unless ``sort``. Identical entries
    are written once; an addition with the key of a base entry but another
    name, VR or VM replaces it with a warning (an error when ``strict``).
    """
    base_file = base.source or "<base>"
    add_file = additions.source or "<additions>"
    errors: list[Diagnostic] = []
    base_index, warnings = _index_entries(base, base_file, not sort, errors)
    add_index, add_warnings = _index_entries(additions, add_file, not sort, errors)
    warnings += add_warnings
    merged = dict(base_index)
    added = identical = replaced = 0
    for tag, entry in add_index.items():
        old = merged.get(tag)
        if old is None:
            added += 1
        elif old == entry:
            identical += 1
            if entry.loc is not None and entry.loc.trivia:
                trivia = joined_trivia(trivia_of(old.loc), entry.loc.trivia)
                merged[tag] = replace(old, loc=with_trivia(old.loc, trivia))
            continue
        else:
            replaced += 1
            message = f"replaces {_describe_entry(old)} from {_where(old.loc, base_file)}"
            if strict:
                errors.append(_diagnostic(entry.loc, add_file, message + " (--strict)"))
            else:
                warnings.append(_diagnostic(entry.loc, add_file, message, "warning"))
            trivia = joined_trivia(trivia_of(old.loc), trivia_of(entry.loc))
            entry = replace(entry, loc=with_trivia(entry.loc, trivia))
        merged[tag] = entry
    if errors:
        raise ProfileError(errors)
    return DictionaryMerge(
        Dictionary(
            tuple(sorted_entries(merged.values())),
            header=joined_trivia(base.header, additions.header),
            trailer=joined_trivia(base.trailer, additions.trailer),
        ),
        base_entries=len(base_index) - replaced,
        added=added,
        identical=identical,
        replaced=replaced,
        warnings=tuple(warnings),
    )


# ---------------------------------------------------------------------------
# icomb: applying configuration files
# ---------------------------------------------------------------------------

SectionKey = tuple[int, str]
"""(service or item number, command or ITEM)."""


@dataclass(frozen=True, slots=True)
class ChangeSummary:
    """What applying configurations changed."""

    services_added: tuple[tuple[str, int], ...] = ()
    items_added: tuple[tuple[str, int], ...] = ()
    unchanged: tuple[str, ...] = ()
    lines_added: int = 0
    lines_replaced: int = 0
    messages_extended: frozenset[SectionKey] = field(default_factory=frozenset)

    @property
    def changed(self) -> bool:
        return bool(
            self.services_added or self.items_added or self.lines_added or self.lines_replaced
        )

    def __add__(self, other: ChangeSummary) -> ChangeSummary:
        return ChangeSummary(
            self.services_added + other.services_added,
            self.items_added + other.items_added,
            self.unchanged + other.unchanged,
            self.lines_added + other.lines_added,
            self.lines_replaced + other.lines_replaced,
            self.messages_extended | other.messages_extended,
        )

    def describe(self) -> str:
        """One line, e.g. ``2 services added (X=0259, Y=0260), 3 lines added
        to 2 messages, 1 line replaced``."""
        parts: list[str] = []
        for pairs, word in ((self.services_added, "service"), (self.items_added, "item")):
            if pairs:
                names = ", ".join(f"{name}={number:04d}" for name, number in pairs)
                parts.append(f"{_plural(len(pairs), word)} added ({names})")
        if self.lines_added:
            messages = sum(1 for _, command in self.messages_extended if command != ITEM)
            items = len(self.messages_extended) - messages
            targets = [_plural(messages, "message")] if messages else []
            targets += [_plural(items, "item")] if items else []
            parts.append(f"{_plural(self.lines_added, 'line')} added to {' and '.join(targets)}")
        if self.lines_replaced:
            parts.append(f"{_plural(self.lines_replaced, 'line')} replaced")
        if self.unchanged:
            parts.append(f"already present and unchanged: {', '.join(self.unchanged)}")
        return ", ".join(parts) if parts else "no changes"


@dataclass(frozen=True, slots=True)
class CombineResult:
    """The new profiles, what changed and the warnings met on the way."""

    services: ServiceProfile
    info: InfoProfile
    summary: ChangeSummary
    warnings: tuple[Diagnostic, ...] = ()


class _Section:
    """An info section being edited: lines in order plus a tag index."""

    __slots__ = ("index", "lines", "loc")

    def __init__(self, lines: Sequence[InfoLine], loc: Location | None) -> None:
        self.lines = list(lines)
        self.loc = loc
        self.index: dict[Tag, int] = {}
        for position, line in enumerate(self.lines):
            self.index.setdefault(line.tag, position)


class _Combiner:
    """Applies one configuration to the working state, collecting problems."""

    def __init__(
        self,
        services: ServiceProfile,
        info: InfoProfile,
        dictionary: Mapping[Tag, DictEntry] | None,
        dictionary_name: str,
        strict: bool,
    ) -> None:
        self.original_services = services
        self.services: dict[int, Service] = {s.number: s for s in services.services}
        self.service_numbers = {s.name: s.number for s in services.services}
        self.items: dict[str, ItemRef] = {i.name: i for i in services.items}
        self.info = info
        self.sections: dict[SectionKey, InfoSection] = {}
        for section in info.sections:
            self.sections.setdefault((section.number, section.command), section)
        self.edited: dict[SectionKey, _Section] = {}
        self.dictionary = dictionary
        self.dictionary_name = dictionary_name
        self.strict = strict
        self.errors: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        self.summary = ChangeSummary()
        self.file = "<config>"
        self.new_lines: list[InfoLine] = []
        self.given: dict[tuple[SectionKey, Tag], InfoLine] = {}

    # -- reporting ---------------------------------------------------------
    def error(self, loc: Location | None, message: str) -> None:
        self.errors.append(_diagnostic(loc, self.file, message))

    def warn(self, loc: Location | None, message: str) -> None:
        self.warnings.append(_diagnostic(loc, self.file, message, "warning"))

    # -- lookups -----------------------------------------------------------
    def section_lines(self, key: SectionKey) -> list[InfoLine]:
        edited = self.edited.get(key)
        if edited is not None:
            return edited.lines
        section = self.sections.get(key)
        return list(section.lines) if section is not None else []

    def edit(self, key: SectionKey) -> _Section:
        edited = self.edited.get(key)
        if edited is None:
            section = self.sections.get(key)
            lines = section.lines if section is not None else ()
            edited = _Section(lines, section.loc if section is not None else None)
            self.edited[key] = edited
        return edited

    def next_service_number(self) -> int:
        return max(self.services, default=0) + 1

    def next_item_number(self) -> int:
        return max((i.number for i in self.items.values()), default=0) + 1

    # -- lines -------------------------------------------------------------
    def checked_lines(self, block: ConfigBlock) -> list[InfoLine]:
        """The block's lines after the per-line checks (duplicates, dictionary)."""
        seen: dict[Tag, InfoLine] = {}
        for line in block.lines:
            first = seen.get(line.tag)
            if first is not None:
                self.error(
                    line.loc,
                    f"{line.tag} is listed twice in [ {block.name}, {block.command} ]"
                    f" (first at line {first.loc.line if first.loc else '?'})",
                )
                continue
            seen[line.tag] = line
            self.check_tag(line)
        self.new_lines.extend(seen.values())
        return list(seen.values())

    def check_tag(self, line: InfoLine) -> None:
        if self.dictionary is None:
            return
        entry = self.dictionary.get(line.tag)
        private = line.tag.is_private
        if entry is None:
            message = f"{line.tag.display} is not in the dictionary {self.dictionary_name}"
            if private:
                self.error(line.loc, "private tag " + message)
            else:
                self.warn(line.loc, message)
        elif entry.vr != line.vr and "UNKNOWN_VR" not in (entry.vr, line.vr):
            message = (
                f"VR {line.vr} does not agree with the dictionary: {line.tag.display}"
                f" {entry.name} is {entry.vr}"
            )
            if private:
                self.error(line.loc, message)
            else:
                self.warn(line.loc, message)

    def merge_lines(self, key: SectionKey, lines: Iterable[InfoLine], target: str) -> None:
        """Add lines to an existing message or item; same tag replaces."""
        section = self.edit(key)
        for line in lines:
            given = self.given.setdefault((key, line.tag), line)
            if given != line:
                self.error(
                    line.loc,
                    f"{line.tag} of {target} is given twice in this file with different"
                    f" definitions (first at line {given.loc.line if given.loc else '?'})",
                )
                continue
            position = section.index.get(line.tag)
            if position is None:
                section.index[line.tag] = len(section.lines)
                section.lines.append(line)
                self.summary += ChangeSummary(lines_added=1, messages_extended=frozenset([key]))
                continue
            old = section.lines[position]
            if old == line:
                if trivia_of(line.loc):
                    trivia = joined_trivia(trivia_of(old.loc), trivia_of(line.loc))
                    section.lines[position] = replace(old, loc=with_trivia(old.loc, trivia))
                continue
            where = f" ({_where(old.loc, self.info.source or 'info')})" if old.loc else ""
            message = f"replaces {format_info_line(old)} in {target}{where}"
            if self.strict:
                self.error(line.loc, message + " (--strict)")
            else:
                self.warn(line.loc, message)
            trivia = joined_trivia(trivia_of(old.loc), trivia_of(line.loc))
            section.lines[position] = replace(line, loc=with_trivia(line.loc, trivia))
            self.summary += ChangeSummary(lines_replaced=1)

    # -- section 1: existing services ----------------------------------------
    def existing_service(self, block: ConfigBlock, existed: set[str], defined: set[str]) -> None:
        lines = self.checked_lines(block)
        if block.command == MESSAGE:
            self.error(
                block.loc,
                f"[ {block.name}, MESSAGE ] defines a service; it belongs in"
                " PRIVATE_SERVICE_SECTION",
            )
            return
        if block.command == ITEM:
            self.error(
                block.loc,
                f"[ {block.name}, ITEM ] is an item; items get lines in EXISTING_ITEM_SECTION",
            )
            return
        if block.command not in COMMANDS:
            self.error(block.loc, f"unknown command {block.command}, expected a DIMSE command")
            return
        number = self.service_numbers.get(block.name)
        if number is None or block.name not in existed:
            hint = (
                "; it is defined in PRIVATE_SERVICE_SECTION of this file, put its lines there"
                if block.name in defined
                else _did_you_mean(block.name, self.service_numbers)
            )
            self.error(block.loc, f"unknown service {block.name}{hint}")
            return
        service = self.services[number]
        if service.type == "META":
            self.error(block.loc, f"{block.name} is a META service and has no messages")
            return
        if block.command not in service.commands:
            self.error(
                block.loc,
                f"service {block.name} has no command {block.command}"
                f" (its commands: {', '.join(service.commands) or 'none'})",
            )
            return
        lines = with_block_comments(block, lines)
        self.merge_lines((number, block.command), lines, f"{block.name} {block.command}")

    # -- section 2: private services -----------------------------------------
    def private_services(self, blocks: Sequence[ConfigBlock]) -> None:
        definitions: list[tuple[ConfigBlock, list[ConfigBlock]]] = []
        by_name: dict[str, ConfigBlock] = {}
        for block in blocks:
            if block.command == MESSAGE:
                first = by_name.get(block.name)
                if first is not None:
                    self.error(
                        block.loc,
                        f"service {block.name} is defined twice in this file"
                        f" (first at line {first.loc.line if first.loc else '?'})",
                    )
                    continue
                by_name[block.name] = block
                definitions.append((block, []))
            elif block.command == ITEM:
                self.error(
                    block.loc,
                    f"[ {block.name}, ITEM ] is an item; it belongs in PRIVATE_ITEM_SECTION",
                )
            elif block.command not in COMMANDS:
                self.error(block.loc, f"unknown command {block.command}, expected a DIMSE command")
            elif not definitions or definitions[-1][0].name != block.name:
                hint = (
                    "; lines for existing services go in EXISTING_SERVICE_SECTION"
                    if block.name in self.service_numbers
                    else ""
                )
                self.error(
                    block.loc,
                    f"[ {block.name}, {block.command} ] must follow its"
                    f" [ {block.name}, MESSAGE ] block{hint}",
                )
            else:
                commands = definitions[-1][1]
                repeated = next((b for b in commands if b.command == block.command), None)
                if repeated is not None:
                    self.error(
                        block.loc,
                        f"command {block.command} of {block.name} is given twice"
                        f" (first at line {repeated.loc.line if repeated.loc else '?'})",
                    )
                else:
                    commands.append(block)
        for message, commands in definitions:
            self.private_service(message, commands)

    def service_properties(
        self, block: ConfigBlock, commands: Sequence[ConfigBlock]
    ) -> Service | None:
        """The Service a MESSAGE block describes (number 0), or None on error."""
        values: dict[str, str] = {}
        sop_classes: dict[int, str] = {}
        count: str | None = None
        ok = True
        for key, value in block.properties:
            upper = key.upper()
            if upper in values or (upper == "SOP_CLASSES_INCLUDED" and count is not None):
                self.error(block.loc, f"key {key} is given twice in [ {block.name}, MESSAGE ]")
                ok = False
            elif upper in SERVICE_KEYS:
                values[upper] = value
            elif upper == "SOP_CLASSES_INCLUDED":
                count = value
            elif upper.startswith("SOP_CLASS_") and upper[10:].isdigit():
                sop_classes[int(upper[10:])] = value
            else:
                self.error(
                    block.loc,
                    f"unknown key {key} in [ {block.name}, MESSAGE ], expected UID,"
                    " DESCRIPTION or TYPE (META: SOP_CLASS_k)",
                )
                ok = False
        kind = values.get("TYPE", "BASE").upper()
        if kind not in ("BASE", "META"):
            self.error(block.loc, f"TYPE of {block.name}: expected BASE or META, found {kind}")
            return None
        if "UID" not in values:
            self.error(block.loc, f"[ {block.name}, MESSAGE ] has no UID")
            ok = False
        elif not _UID.fullmatch(values["UID"]) or len(values["UID"]) > MAX_UID_LENGTH:
            self.error(
                block.loc,
                f"UID of {block.name}: expected digits and dots, at most {MAX_UID_LENGTH}"
                f" characters, found {values['UID']!r}",
            )
            ok = False
        ok = self.check_name(block, "service") and ok
        service_type: ServiceType = "META" if kind == "META" else "BASE"
        numbers: list[int] = []
        if service_type == "META":
            if commands:
                self.error(commands[0].loc, f"META service {block.name} cannot have messages")
                ok = False
            expected = list(range(1, len(sop_classes) + 1))
            if not sop_classes or sorted(sop_classes) != expected:
                self.error(
                    block.loc,
                    f"META service {block.name} needs SOP_CLASS_1..SOP_CLASS_k naming BASE services",
                )
                return None
            if count is not None and count.strip().lstrip("0") != str(len(sop_classes)):
                self.error(
                    block.loc,
                    f"SOP_CLASSES_INCLUDED = {count} but {len(sop_classes)} SOP_CLASS_k keys follow",
                )
                ok = False
            for k in expected:
                number = self.resolve_sop_class(block, sop_classes[k])
                ok = ok and number is not None
                numbers.append(number or 0)
        else:
            if sop_classes or count is not None:
                self.error(block.loc, f"SOP_CLASS keys need TYPE = META in {block.name}")
                ok = False
            if not commands:
                self.error(block.loc, f"BASE service {block.name} has no command blocks")
                ok = False
            if len(commands) > MAX_COMMANDS:
                self.error(
                    commands[MAX_COMMANDS].loc,
                    f"service {block.name} has {len(commands)} commands, at most {MAX_COMMANDS}",
                )
                ok = False
        if not ok:
            return None
        return Service(
            0,
            block.name,
            service_type,
            uid=values["UID"],
            description=values.get("DESCRIPTION"),
            commands=tuple(b.command for b in commands),
            sop_classes=tuple(numbers),
            loc=comments_only(block.loc),
        )

    def resolve_sop_class(self, block: ConfigBlock, value: str) -> int | None:
        text = value.strip()
        number = int(text) if text.isdigit() else self.service_numbers.get(text)
        service = self.services.get(number) if number is not None else None
        if service is None or service.type != "BASE":
            self.error(block.loc, f"SOP class {text} of {block.name} is not a BASE service")
            return None
        return service.number

    def private_service(self, block: ConfigBlock, commands: Sequence[ConfigBlock]) -> None:
        messages = {b.command: sorted_lines(self.checked_lines(b)) for b in commands}
        command_locs = {b.command: comments_only(b.loc) for b in commands}
        wanted = self.service_properties(block, commands)
        if wanted is None:
            return
        number = self.service_numbers.get(block.name)
        if number is not None:
            existing = self.services[number]
            difference = self.service_difference(existing, wanted, messages)
            if difference:
                self.error(
                    block.loc,
                    f"service {block.name} already exists as {number:04d} with a different"
                    f" definition ({difference})",
                )
            else:
                self.summary += ChangeSummary(unchanged=(block.name,))
            return
        for other in self.services.values():
            if other.uid == wanted.uid:
                self.warn(block.loc, f"UID {wanted.uid} is also the UID of {other.name}")
        number = self.next_service_number()
        if number > MAX_NUMBER:
            self.error(block.loc, f"no service number left for {block.name}")
            return
        self.services[number] = replace(wanted, number=number)
        self.service_numbers[block.name] = number
        for command, lines in messages.items():
            self.edited[(number, command)] = _Section(lines, command_locs[command])
        self.summary += ChangeSummary(services_added=((block.name, number),))

    def service_difference(
        self, existing: Service, wanted: Service, messages: Mapping[str, list[InfoLine]]
    ) -> str:
        for attribute in ("type", "uid", "description", "commands", "sop_classes"):
            old, new = getattr(existing, attribute), getattr(wanted, attribute)
            if old != new:
                return f"{attribute}: {old!r} there, {new!r} here"
        for command, lines in messages.items():
            if sorted_lines(self.section_lines((existing.number, command))) != lines:
                return f"the lines of {command} differ"
        return ""

    def check_name(self, block: ConfigBlock, kind: str) -> bool:
        if len(block.name) <= MAX_NAME_LENGTH:
            return True
        self.error(
            block.loc,
            f"{kind} name {block.name} has {len(block.name)} characters, at most {MAX_NAME_LENGTH}",
        )
        return False

    # -- section 3: private items --------------------------------------------
    def private_items(self, blocks: Sequence[ConfigBlock]) -> None:
        first_at: dict[str, ConfigBlock] = {}
        for block in blocks:
            lines = sorted_lines(self.checked_lines(block))
            if block.command != ITEM:
                self.error(
                    block.loc,
                    f"expected [ {block.name}, ITEM ] in PRIVATE_ITEM_SECTION,"
                    f" found [ {block.name}, {block.command} ]",
                )
                continue
            first = first_at.get(block.name)
            if not self.check_name(block, "item"):
                continue
            if first is not None:
                self.error(
                    block.loc,
                    f"item {block.name} is defined twice"
                    f" (first at line {first.loc.line if first.loc else '?'})",
                )
                continue
            first_at[block.name] = block
            existing = self.items.get(block.name)
            if existing is not None:
                if sorted_lines(self.section_lines((existing.number, ITEM))) != lines:
                    self.error(
                        block.loc,
                        f"item {block.name} already exists as {existing.number:04d}"
                        " with different lines",
                    )
                else:
                    self.summary += ChangeSummary(unchanged=(block.name,))
                continue
            number = self.next_item_number()
            if number > MAX_NUMBER:
                self.error(block.loc, f"no item number left for {block.name}")
                continue
            self.items[block.name] = ItemRef(block.name, number, with_trivia(block.loc, ()))
            self.edited[(number, ITEM)] = _Section(lines, comments_only(block.loc))
            self.summary += ChangeSummary(items_added=((block.name, number),))

    # -- section 4: existing items -------------------------------------------
    def existing_items(self, blocks: Sequence[ConfigBlock], existed: set[str]) -> None:
        previous: ConfigBlock | None = None
        for block in blocks:
            lines = self.checked_lines(block)
            if previous is not None and block.name < previous.name:
                self.error(
                    block.loc,
                    f"EXISTING_ITEM_SECTION blocks must be in alphabetical order of item name:"
                    f" {block.name} comes after {previous.name}",
                )
            previous = block
            if block.command != ITEM:
                self.error(
                    block.loc,
                    f"expected [ {block.name}, ITEM ] in EXISTING_ITEM_SECTION,"
                    f" found [ {block.name}, {block.command} ]",
                )
                continue
            item = self.items.get(block.name)
            if item is None or block.name not in existed:
                hint = (
                    "; it is defined in PRIVATE_ITEM_SECTION of this file, put its lines there"
                    if item is not None
                    else _did_you_mean(block.name, self.items)
                )
                self.error(block.loc, f"unknown item {block.name}{hint}")
                continue
            lines = with_block_comments(block, lines)
            self.merge_lines((item.number, ITEM), lines, f"item {block.name}")

    # -- whole configuration -------------------------------------------------
    def apply(self, config: CombineConfig) -> None:
        self.file = config.source or "<config>"
        existed_services = set(self.service_numbers)
        existed_items = set(self.items)
        defined = {b.name for b in config.private_services if b.command == MESSAGE}
        for block in config.existing_services:
            self.existing_service(block, existed_services, defined)
        self.private_services(config.private_services)
        self.private_items(config.private_items)
        self.existing_items(config.existing_items, existed_items)
        for line in self.new_lines:
            missing = [name for name in line.item_names if name not in self.items]
            if missing:
                self.error(
                    line.loc,
                    f"sequence {line.tag} names item {', '.join(missing)}, which neither the"
                    " ITEM_TABLE nor this file defines" + _did_you_mean(missing[0], self.items),
                )
        self.new_lines = []

    def result(self) -> tuple[ServiceProfile, InfoProfile]:
        services = replace(
            self.original_services,
            services=tuple(self.services[n] for n in sorted(self.services)),
            items=tuple(sorted(self.items.values(), key=lambda i: i.number)),
        )
        sections: list[InfoSection] = []
        for section in self.info.sections:
            key = (section.number, section.command)
            edited = self.edited.pop(key, None)
            if edited is None:
                sections.append(section)
            else:
                sections.append(replace(section, lines=tuple(sorted_lines(edited.lines))))
        for (number, command), edited in self.edited.items():
            lines = tuple(sorted_lines(edited.lines))
            sections.append(InfoSection(number, command, lines, edited.loc))
        info = replace(self.info, sections=tuple(sorted_sections(sections, services)))
        return services, info


def apply_configs(
    services: ServiceProfile,
    info: InfoProfile,
    configs: Iterable[CombineConfig],
    *,
    dictionary: Dictionary | None = None,
    strict: bool = False,
) -> CombineResult:
    """Apply configurations in order (mc3icomb run once per file, chained).

    With ``dictionary``, every private tag used must be in it with the same
    VR (a standard tag missing or with another VR is a warning). ``strict``
    turns replaced lines into errors. Raises ProfileError with every error of
    the first configuration that has any.
    """
    index = {e.tag: e for e in dictionary.entries} if dictionary is not None else None
    summary = ChangeSummary()
    warnings: list[Diagnostic] = []
    for config in configs:
        combiner = _Combiner(
            services, info, index, (dictionary.source if dictionary else None) or "given", strict
        )
        combiner.apply(config)
        if combiner.errors:
            raise ProfileError(sorted(combiner.errors, key=lambda d: (d.file, d.line)))
        services, info = combiner.result()
        summary += combiner.summary
        warnings += combiner.warnings
    return CombineResult(services, info, summary, tuple(warnings))


def apply_config(
    services: ServiceProfile,
    info: InfoProfile,
    config: CombineConfig,
    *,
    dictionary: Dictionary | None = None,
    strict: bool = False,
) -> CombineResult:
    """Apply one configuration (mc3icomb); see ``apply_configs``."""
    return apply_configs(services, info, [config], dictionary=dictionary, strict=strict)
