"""A message or item spec prepared for fast checking, and where a finding is.

A :class:`Plan` indexes the lines of one info section by tag (standard) and
by (group, creator, element byte) (private), with the dictionary's name and
VM of each; :class:`Scope` is what a condition sees; :class:`Where` is the
attribute a finding is about.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from pydicom.dataset import Dataset

from mdict.db.protocol import MessageDatabase
from mdict.model import VM, InfoLine, InfoSection, ValueList
from mdict.positions import AttributePositions, SectionPositions
from mdict.validation.findings import Finding, Severity, tag_text

__all__ = [
    "ConditionCheck",
    "Plan",
    "Positions",
    "Rule",
    "Scope",
    "Where",
    "ambiguous_vrs",
    "make_plan",
    "never_evaluated",
    "repeating_base",
]


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a condition is evaluated: the root dataset, the datasets of the
    enclosing items (outermost first) and the current item (or the root)."""

    root: Dataset
    parents: tuple[Dataset, ...]
    current: Dataset
    # results of conditions that only look at the root, kept for one
    # validation run (the validator passes one dict to every scope of a run)
    shared: dict[str, bool | None] = field(default_factory=dict, compare=False, repr=False)


ConditionCheck = Callable[[str, Scope], "bool | None"]
"""Evaluates a named condition: True, False, or None (cannot evaluate)."""


def never_evaluated(name: str, scope: Scope) -> bool | None:
    """A condition check that settles nothing (every use is reported)."""
    return None


@dataclass(frozen=True, slots=True)
class Rule:
    """One line of a spec with what the dictionary says of its tag."""

    line: InfoLine
    tag: int  # standard: the tag; private: (group << 16) | element byte
    name: str | None
    vm: VM | None
    items: tuple[str, ...]
    ambiguous: frozenset[str]  # VRs the standard allows for this tag
    positions: Positions | None = None  # per-position kinds (positions.pfl)
    required: tuple[int, ...] = ()  # 1-based positions that must hold a value


@dataclass(frozen=True, slots=True)
class Plan:
    """The rules of one spec, indexed."""

    rules: tuple[Rule, ...]
    standard: dict[int, Rule]
    private: dict[tuple[int, str, int], Rule]
    checked_when_absent: tuple[Rule, ...]  # types 1, 1C, 2, 2C


def ambiguous_vrs(tag: int) -> frozenset[str]:
    """The VRs the standard dictionary allows for ``tag`` when several."""
    from pydicom.datadict import dictionary_VR

    try:
        text = dictionary_VR(tag)
    except KeyError:
        return frozenset()
    return frozenset(text.split(" or ")) if " or " in text else frozenset()


def repeating_base(tag: int) -> int | None:
    """50xx/60xx repeating groups map to their 5000/6000 entry."""
    group = tag >> 16
    if 0x5000 <= group <= 0x501E or 0x6000 <= group <= 0x601E:
        return ((group & 0xFF00) << 16) | (tag & 0xFFFF)
    return None


Positions = dict[int, tuple[str, "tuple[str, ...] | None"]]
"""Per value position (0-based): "E" or "D" and the values allowed there
(None: any); overrides the kind of an info.pfl list position by position."""


def _positions(
    values: ValueList | None, found: AttributePositions | None
) -> tuple[Positions | None, tuple[int, ...]]:
    if found is None:
        return None, ()
    kinds: Positions = {}
    for place in found.positions:
        if place.kind is not None:
            allowed = values.allowed(place.index - 1) if values is not None else None
            kinds[place.index - 1] = (place.kind, allowed)
    required = tuple(p.index for p in found.positions if p.required)
    return kinds or None, required


def make_plan(
    db: MessageDatabase, section: InfoSection, positions: SectionPositions | None = None
) -> Plan:
    """The plan of one info section (with its value positions, if any)."""
    by_tag = {a.tag: a for a in positions.attributes} if positions is not None else {}
    rules: list[Rule] = []
    standard_rules: dict[int, Rule] = {}
    private: dict[tuple[int, str, int], Rule] = {}
    for line in section.lines:
        entry = db.entry(line.tag)
        tag = (line.tag.group << 16) | line.tag.element
        standard = line.tag.creator is None
        kinds, required = _positions(line.values, by_tag.get(tag) if standard else None)
        rule = Rule(
            line,
            tag,
            entry.name if entry else None,
            entry.vm if entry else None,
            line.item_names,
            ambiguous_vrs(tag) if standard else frozenset(),
            kinds,
            required,
        )
        rules.append(rule)
        creator = line.tag.creator
        if creator is None:
            standard_rules[tag] = rule
        else:
            private[(line.tag.group, creator, line.tag.element)] = rule
    must = tuple(r for r in rules if r.line.vt.type != "3")
    return Plan(tuple(rules), standard_rules, private, must)


MAX_DEPTH: Final = 100
"""Items nested deeper than this are not walked (NESTING_TOO_DEEP)."""


@dataclass(slots=True)  # not frozen: made for every element, a frozen init costs twice
class Where:
    """The attribute a finding is about."""

    tag: int
    prefix: str
    creator: str | None = None
    name: str | None = None
    display: str | None = None

    @property
    def path(self) -> str:
        return self.prefix + (self.display or tag_text(self.tag))

    def finding(
        self,
        code: str,
        severity: Severity,
        message: str,
        index: int | None = None,
        category: str | None = None,
    ) -> Finding:
        return Finding(
            code, severity, message, self.tag, self.path, self.creator, index, self.name, category
        )
