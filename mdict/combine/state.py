"""icomb working state: the profiles being edited by one configuration, the
problems found so far, and the line-level edits every section makes (checks
against the dictionary, lines added to or replacing those of a message or an
item)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Literal

from mdict.combine.diagnostics import diagnostic_at, where
from mdict.combine.summary import ChangeSummary, SectionKey
from mdict.combine.trivia import joined_trivia, trivia_of, with_trivia
from mdict.errors import Diagnostic
from mdict.model import (
    ConfigBlock,
    DictEntry,
    InfoLine,
    InfoProfile,
    InfoSection,
    ItemRef,
    Location,
    Service,
    ServiceProfile,
    Tag,
)
from mdict.write import format_info_line, sorted_lines, sorted_sections

MAX_NUMBER = 9999
MAX_NAME_LENGTH = 64


class EditedSection:
    """An info section being edited: lines in order plus a tag index."""

    __slots__ = ("index", "lines", "loc")

    def __init__(self, lines: Sequence[InfoLine], loc: Location | None) -> None:
        self.lines = list(lines)
        self.loc = loc
        self.index: dict[Tag, int] = {}
        for position, line in enumerate(self.lines):
            self.index.setdefault(line.tag, position)


class CombineState:
    """The profiles as one configuration edits them, and what it met."""

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
        self.edited: dict[SectionKey, EditedSection] = {}
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
        self.errors.append(diagnostic_at(loc, self.file, message))

    def error_again(self, loc: Location | None, message: str, first: Location | None) -> None:
        """An error for a thing given a second time: ``message (first at line N)``."""
        self.error(loc, f"{message} (first at line {first.line if first else '?'})")

    def warn(self, loc: Location | None, message: str) -> None:
        self.warnings.append(diagnostic_at(loc, self.file, message, "warning"))

    def check_name(self, block: ConfigBlock, kind: str) -> bool:
        if len(block.name) <= MAX_NAME_LENGTH:
            return True
        self.error(
            block.loc,
            f"{kind} name {block.name} has {len(block.name)} characters, at most {MAX_NAME_LENGTH}",
        )
        return False

    def renamed(
        self, block: ConfigBlock, kind: Literal["service", "item"], known: Iterable[str]
    ) -> ConfigBlock:
        """``block`` under the standard profiles' name when it uses an old
        mdict name of a service or item this profile has (``CT_IMAGE`` ->
        ``STANDARD_CT``, :mod:`mdict.db.aliases`), with a warning; else as it is."""
        from mdict.db.aliases import current_name

        new = current_name(kind, block.name)
        if new is None or new not in known:
            return block
        self.warn(
            block.loc,
            f"{kind} {block.name} is now called {new}: read as [ {new}, {block.command} ]",
        )
        return replace(block, name=new)

    # -- lookups -----------------------------------------------------------
    def section_lines(self, key: SectionKey) -> list[InfoLine]:
        edited = self.edited.get(key)
        if edited is not None:
            return edited.lines
        section = self.sections.get(key)
        return list(section.lines) if section is not None else []

    def edit(self, key: SectionKey) -> EditedSection:
        edited = self.edited.get(key)
        if edited is None:
            section = self.sections.get(key)
            lines = section.lines if section is not None else ()
            edited = EditedSection(lines, section.loc if section is not None else None)
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
                self.error_again(
                    line.loc,
                    f"{line.tag} is listed twice in [ {block.name}, {block.command} ]",
                    first.loc,
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
                self.error_again(
                    line.loc,
                    f"{line.tag} of {target} is given twice in this file with different"
                    " definitions",
                    given.loc,
                )
                continue
            position = section.index.get(line.tag)
            if position is None:
                section.index[line.tag] = len(section.lines)
                section.lines.append(line)
                self.summary += ChangeSummary(lines_added=1, messages_extended=frozenset([key]))
            else:
                self.merge_line(section, position, line, target)

    def merge_line(
        self, section: EditedSection, position: int, line: InfoLine, target: str
    ) -> None:
        """``line`` over the line of the same tag at ``position``: identical
        lines pool their comments, another definition replaces (a warning, an
        error when strict)."""
        old = section.lines[position]
        if old == line:
            if trivia_of(line.loc):
                trivia = joined_trivia(trivia_of(old.loc), trivia_of(line.loc))
                section.lines[position] = replace(old, loc=with_trivia(old.loc, trivia))
            return
        place = f" ({where(old.loc, self.info.source or 'info')})" if old.loc else ""
        message = f"replaces {format_info_line(old)} in {target}{place}"
        if self.strict:
            self.error(line.loc, message + " (--strict)")
        else:
            self.warn(line.loc, message)
        trivia = joined_trivia(trivia_of(old.loc), trivia_of(line.loc))
        section.lines[position] = replace(line, loc=with_trivia(line.loc, trivia))
        self.summary += ChangeSummary(lines_replaced=1)

    # -- the new profiles ----------------------------------------------------
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
