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
from mdict.model import VM, InfoLine, InfoSection
from mdict.validation.findings import Finding, Severity, tag_text

__all__ = [
    "ConditionCheck",
    "Plan",
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


def make_plan(db: MessageDatabase, section: InfoSection) -> Plan:
    """The plan of one info section."""
    rules: list[Rule] = []
    standard: dict[int, Rule] = {}
    private: dict[tuple[int, str, int], Rule] = {}
    for line in section.lines:
        entry = db.entry(line.tag)
        tag = (line.tag.group << 16) | line.tag.element
        rule = Rule(
            line,
            tag,
            entry.name if entry else None,
            entry.vm if entry else None,
            line.item_names,
            ambiguous_vrs(tag) if line.tag.creator is None else frozenset(),
        )
        rules.append(rule)
        if line.tag.creator is None:
            standard[tag] = rule
        else:
            private[(line.tag.group, line.tag.creator, line.tag.element)] = rule
    required = tuple(r for r in rules if r.line.vt.type != "3")
    return Plan(tuple(rules), standard, private, required)


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
        self, code: str, severity: Severity, message: str, index: int | None = None
    ) -> Finding:
        return Finding(code, severity, message, self.tag, self.path, self.creator, index, self.name)
