"""The parts of a :class:`~mdict.db.database.Database` over profiles in
memory (``Database.from_profiles``): the same lookups as over a file, no
file, no checks; sections and entries in the canonical orders the writers
use."""

from __future__ import annotations

from collections.abc import Mapping

from mdict.db.dictionary_table import EntriesTable
from mdict.db.files import Parts, service_keys
from mdict.db.format import (
    FORMAT,
    SCHEMA_VERSION,
    BorrowedConditions,
    Header,
    Kind,
    condition_texts,
    counts_of,
)
from mdict.model import Dictionary, InfoProfile, InfoSection, ServiceProfile
from mdict.model.modules import ModulesProfile
from mdict.positions import PositionsProfile


def in_memory(
    dictionary: Dictionary | None,
    services: ServiceProfile | None,
    info: InfoProfile | None,
    conditions: Mapping[str, str] | None,
    modules: ModulesProfile | None,
    borrowed: BorrowedConditions | None,
    positions: PositionsProfile | None = None,
) -> tuple[Header, Parts]:
    """The header and the loaders of a database over the profiles given."""
    # the canonical orders live with the writers; a file opened needs none
    from mdict import __version__
    from mdict.write.dictionary import sorted_entries
    from mdict.write.info import sorted_lines, sorted_sections

    kind: Kind = "messages" if services is not None or info is not None else "dictionary"
    counts = counts_of(dictionary, services, info, conditions, modules, positions)
    header = Header(FORMAT, SCHEMA_VERSION, __version__, kind, (), counts)
    parts = Parts()
    if info is not None:
        for section in sorted_sections(info.sections, services):
            lines = tuple(sorted_lines(section.lines))
            if lines != section.lines:
                section = InfoSection(section.number, section.command, lines, section.loc)
            if section.is_item:
                parts.items.setdefault(section.number, section)
            else:
                parts.messages.setdefault((section.number, section.command), section)
    if dictionary is not None:
        held = dictionary
        parts.dictionary = lambda: EntriesTable(sorted_entries(held.entries))
    if services is not None:
        table = services
        parts.keys = service_keys(
            [(s.number, s.name, s.uid) for s in table.services],
            [(i.name, i.number) for i in table.items],
        )
        parts.services = lambda: (table.services, table.items)
    if conditions is not None:
        texts = condition_texts(conditions)
        parts.conditions = lambda: texts
    if modules is not None:
        profile = modules
        parts.modules = lambda: profile
    if borrowed is not None:
        lent = borrowed
        parts.borrowed = lambda: lent
    if positions is not None:
        places = positions
        parts.positions = lambda: places
    return header, parts
