"""Condition borrowing (docs/conditions.md, "Borrowed from the standard").

A Merge user's info.pfl names most conditions by their meaning
(``PATIENT_IS_ANIMAL``); neither mdict's naming convention nor a conditions
profile defines those. The standard database usually has a defined
condition on the same attribute of the same message: same SOP Class UID,
same command, same path of tags through sequences (item names differ
between the two files; tags do not). The compiler records each such use
with the standard's condition name, and the standard's definitions that
name needs, in the database's ``borrowed`` section.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from mdict.check import reads_by_convention, undefined_conditions
from mdict.db.database import Database
from mdict.db.format import Borrowed, BorrowedConditions
from mdict.model import InfoLine, InfoProfile, InfoSection, ServiceProfile

MAX_DEPTH = 12
"""Sequences nested deeper than this are not followed (real messages nest
far less; recursive item definitions would otherwise never end)."""

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


LineKey = tuple[int, str, int]
"""A line of the profiles being compiled: section number, command, tag."""


class _Walk:
    """The walk of one database's messages next to the standard's."""

    def __init__(
        self,
        info: InfoProfile,
        services: ServiceProfile,
        undefined: set[str],
        standard: Database,
    ) -> None:
        self.standard = standard
        self.undefined = undefined
        numbers = {ref.name: ref.number for ref in services.items}
        sections = {s.number: s for s in info.sections if s.is_item}
        self.items: dict[str, InfoSection] = {
            name: sections[number] for name, number in numbers.items() if number in sections
        }
        self.carrying = self._carrying()
        self.found: dict[LineKey, tuple[str, str] | None] = {}  # None: paths disagree
        self.known: dict[str, bool] = {}
        self.done: set[tuple[int, str, tuple[int, ...]]] = set()

    def _carrying(self) -> set[str]:
        """Items that hold, at any depth, a use of an undefined condition."""
        direct = {
            name
            for name, item in self.items.items()
            if any(line.vt.condition in self.undefined for line in item.lines)
        }
        changed = True
        while changed:
            changed = False
            for name, item in self.items.items():
                if name not in direct and any(
                    n in direct for line in item.lines for n in line.item_names
                ):
                    direct.add(name)
                    changed = True
        return direct

    def defined(self, name: str) -> bool:
        """Whether the standard can evaluate its condition ``name``."""
        found = self.known.get(name)
        if found is None:
            found = self.standard.condition_source(name) is not None or reads_by_convention(name)
            self.known[name] = found
        return found

    def message(self, section: InfoSection, uid: str) -> None:
        number = self.standard.service_number(uid)
        spec = self.standard.message(number, section.command) if number is not None else None
        if spec is not None:
            self.walk(section, [spec], 0, frozenset())

    def record(self, section: InfoSection, tag: int, name: str, standard: str) -> None:
        """One pairing; a line reached with two different standard names
        (through different paths) borrows neither."""
        key = (section.number, section.command, tag)
        if key not in self.found:
            self.found[key] = (name, standard)
        elif self.found[key] != (name, standard):
            self.found[key] = None

    def walk(
        self,
        section: InfoSection,
        specs: Iterable[InfoSection],
        depth: int,
        seen: frozenset[str],
    ) -> None:
        """Pair ``section``'s lines with the standard's ``specs`` (the items
        the standard allows at this place) by tag, then go into sequences.
        A section already walked next to the same standard sections is not
        walked again (its pairings would be the same)."""
        specs = list(specs)
        visit = (section.number, section.command, tuple(sorted(s.number for s in specs)))
        if visit in self.done:
            return
        self.done.add(visit)
        theirs: dict[int, InfoLine] = {}
        for spec in specs:
            for line in spec.lines:
                if line.tag.creator is None:
                    theirs.setdefault(line.tag.group << 16 | line.tag.element, line)
        for line in section.lines:
            if line.tag.creator is not None:
                continue
            tag = line.tag.group << 16 | line.tag.element
            other = theirs.get(tag)
            if other is None:
                continue
            name, standard = line.vt.condition, other.vt.condition
            if name in self.undefined and standard is not None and self.defined(standard):
                self.record(section, tag, name, standard)
            inner = [n for n in line.item_names if n in self.carrying and n not in seen]
            if inner and depth < MAX_DEPTH:
                specs_inside = [s for n in other.item_names if (s := self.standard.item(n))]
                for name_inside in inner:
                    item = self.items[name_inside]
                    self.walk(item, specs_inside, depth + 1, seen | {name_inside})


def borrow_conditions(
    services: ServiceProfile,
    info: InfoProfile,
    conditions: Mapping[str, str] | None,
    standard: Database,
) -> BorrowedConditions:
    """Every line using an undefined condition for which the standard
    database has a defined condition on the same attribute, with the
    definitions those need."""
    undefined = set(undefined_conditions(info, conditions))
    if not undefined:
        return BorrowedConditions()
    walk = _Walk(info, services, undefined, standard)
    uids = {s.number: s.uid for s in services.services if s.uid}
    for section in info.sections:
        uid = uids.get(section.number)
        if not section.is_item and uid is not None:
            walk.message(section, uid)
    uses = tuple(
        Borrowed(*key, *pair) for key, pair in sorted(walk.found.items()) if pair is not None
    )
    return BorrowedConditions(uses, definitions_needed((u.standard for u in uses), standard))


def definitions_needed(names: Iterable[str], standard: Database) -> dict[str, str]:
    """The standard's definitions of ``names`` and of every name they use,
    in name order (a name the convention reads needs none)."""
    texts = standard.conditions()
    found: dict[str, str] = {}
    todo = [n for n in names if n in texts]
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found[name] = texts[name]
        todo += [n for n in _NAME.findall(found[name]) if n in texts and n not in found]
    return dict(sorted(found.items()))
