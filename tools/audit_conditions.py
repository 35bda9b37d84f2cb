"""Audit the conditions info.pfl uses, message by message (a build-time check).

    python tools/audit_conditions.py [--profiles profiles/] [--strict]

For every 1C/2C attribute line it flags:

- SELF_TEST: the condition tests the attribute it governs (present, has_value,
  value, count or items of that same element in the same dataset) and that
  test decides it: when the attribute is absent such a test has a known
  answer, so the condition cannot mean what it says
  (``RELATIONSHIP_BY_VALUE = present(ValueType) and ...`` governing Value
  Type never required it). A module condition that lists the attribute among
  others (``present(A) or present(B)``) is not flagged;
- NEVER_HOLDS / NEVER_FAILS: with the attribute absent and, at the top level
  of a message, SOP Class UID equal to the message's, the condition folds to
  false (the attribute is never required: a 1C that is really 3) or to true
  (always required: a 1C that is really 1).

Prints one line per flag; ``--strict`` exits 1 when a SELF_TEST remains
(tests run it over profiles/). Names resolve as the validator resolves them:
the conditions profile first, then the Merge-style name convention.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``tools`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mdict.conditions import (
    And,
    Compare,
    CountOf,
    Expression,
    HasValue,
    ItemsOf,
    Not,
    OneOf,
    Or,
    Present,
    Ref,
    Truth,
    ValueOf,
    read_conditions,
)
from mdict.conditions.names import parse_name
from mdict.model import InfoProfile, InfoSection
from mdict.parse import read_info, read_services

SOP_CLASS_UID = 0x00080016
MAX_DEPTH = 64
_NO_TAG = -1  # no element: fold with only the SOP Class UID known
PRESENCE = re.compile(r"NEED_(TO_CHECK_)?MODULE_|_PRESENT(_|$)")
"""Names of conditions that detect a module or macro by its attributes: the
attribute testing itself there is by design (absent, the module is absent)."""
ACCEPTED: dict[str, str] = {
    "RELATIONSHIP_BY_REFERENCE": "Referenced Content Item Identifier is what makes an item "
    "by-reference; an item with neither it nor Value Type is reported through Value Type",
}
"""Other SELF_TEST conditions that are right as they are, with the reason."""


@dataclass(frozen=True)
class Flag:
    """One finding of the audit."""

    kind: str  # SELF_TEST, NEVER_HOLDS, NEVER_FAILS
    where: str  # message or item spec
    tag: str
    condition: str

    def __str__(self) -> str:
        return f"{self.kind} {self.where} {self.tag} {self.condition}"


Resolve = Callable[[str], "Expression | None"]


def _local(expr: ValueOf | CountOf | ItemsOf | Present | HasValue, tag: int) -> bool:
    path = expr.path
    return not path.root and path.up == 0 and len(path.steps) == 1 and path.tag == tag


def fold(
    expr: Expression, tag: int, sop: str | None, resolve: Resolve, depth: int = 0
) -> Expression:
    """``expr`` simplified knowing ``tag`` is absent (and the SOP Class UID
    is ``sop`` at the top level): a Truth when that settles it."""
    if depth > MAX_DEPTH:
        return Truth(None)
    if isinstance(expr, Ref):
        inner = resolve(expr.name)
        return Truth(None) if inner is None else fold(inner, tag, sop, resolve, depth + 1)
    if isinstance(expr, (Present, HasValue)) and _local(expr, tag):
        return Truth(False)
    if isinstance(expr, (Compare, OneOf)):
        return _fold_test(expr, tag, sop)
    if isinstance(expr, Not):
        inner = fold(expr.operand, tag, sop, resolve, depth + 1)
        if isinstance(inner, Truth):
            return Truth(None if inner.value is None else not inner.value)
        return Not(inner)
    if isinstance(expr, (And, Or)):
        return _fold_chain(expr, tag, sop, resolve, depth)
    return expr


def _fold_test(expr: Compare | OneOf, tag: int, sop: str | None) -> Expression:
    operand = expr.operand
    if _local(operand, tag):  # an absent element: no value passes any test
        if isinstance(operand, ValueOf) or not isinstance(expr, Compare):
            return Truth(False)
        return Truth(_compare_zero(expr))
    if sop is not None and isinstance(operand, ValueOf) and operand.path.tag == SOP_CLASS_UID:
        if isinstance(expr, Compare) and expr.op in ("==", "!=") and isinstance(expr.value, str):
            return Truth((expr.value == sop) == (expr.op == "=="))
        if isinstance(expr, OneOf):
            return Truth(sop in expr.values)
    return expr


def _compare_zero(expr: Compare) -> bool:
    """count()/items() of an absent element is 0."""
    value = expr.value
    if not isinstance(value, (int, float)):
        return False
    return {
        "==": value == 0,
        "!=": value != 0,
        "<": value > 0,
        "<=": value >= 0,
        ">": value < 0,
        ">=": value <= 0,
    }[expr.op]


def _fold_chain(
    expr: And | Or, tag: int, sop: str | None, resolve: Resolve, depth: int
) -> Expression:
    wins = isinstance(expr, Or)  # the operand value that settles the chain
    kept: list[Expression] = []
    unknown = False
    for operand in expr.operands:
        folded = fold(operand, tag, sop, resolve, depth + 1)
        if isinstance(folded, Truth):
            if folded.value is wins:
                return Truth(wins)
            unknown = unknown or folded.value is None
            continue
        kept.append(folded)
    if not kept:
        return Truth(None if unknown else not wins)
    if unknown:
        kept.append(Truth(None))
    return kept[0] if len(kept) == 1 else type(expr)(tuple(kept))


def tests_itself(
    expr: Expression, tag: int, resolve: Resolve, seen: frozenset[str] = frozenset()
) -> bool:
    """Whether ``expr`` (names expanded) tests element ``tag`` of the dataset it governs."""
    if isinstance(expr, Ref):
        if expr.name in seen or len(seen) > MAX_DEPTH:
            return False
        inner = resolve(expr.name)
        return inner is not None and tests_itself(inner, tag, resolve, seen | {expr.name})
    if isinstance(expr, (Present, HasValue)):
        return _local(expr, tag)
    if isinstance(expr, (Compare, OneOf)):
        return _local(expr.operand, tag)
    if isinstance(expr, Not):
        return tests_itself(expr.operand, tag, resolve, seen)
    if isinstance(expr, (And, Or)):
        return any(tests_itself(op, tag, resolve, seen) for op in expr.operands)
    return False


def audit_section(
    section: InfoSection, where: str, sop: str | None, resolve: Resolve
) -> list[Flag]:
    flags: list[Flag] = []
    for line in section.lines:
        name = line.vt.condition
        if not line.vt.conditional or name is None or line.tag.creator is not None:
            continue
        tag = (line.tag.group << 16) | line.tag.element
        shown = f"({line.tag.group:04X},{line.tag.element:04X})"
        expr = Ref(name)
        folded = fold(expr, tag, sop, resolve)
        if not isinstance(folded, Truth) or folded.value is None:
            continue
        kind = "NEVER_FAILS" if folded.value else "NEVER_HOLDS"
        flags.append(Flag(kind, where, shown, name))
        settled = fold(expr, _NO_TAG, sop, resolve)
        if (
            not isinstance(settled, Truth)
            and not PRESENCE.search(name)
            and name not in ACCEPTED
            and tests_itself(expr, tag, resolve)
        ):
            flags.append(Flag("SELF_TEST", where, shown, name))
    return flags


def audit(profiles: Path) -> list[Flag]:
    """Every flag of the standard profiles in ``profiles``."""
    info: InfoProfile = read_info(profiles / "info.pfl")
    services = read_services(profiles / "mergecom.srv")
    definitions = {
        d.name: d.expression for d in read_conditions(profiles / "conditions.pfl").definitions
    }

    def resolve(name: str) -> Expression | None:
        found = definitions.get(name)
        return found if found is not None else parse_name(name)

    uids = {s.number: s.uid for s in services.services}
    flags: list[Flag] = []
    for section in info.sections:
        if section.is_item:
            flags += audit_section(section, f"item {section.number}", None, resolve)
        else:
            where = f"message {section.number} {section.command}"
            flags += audit_section(section, where, uids.get(section.number), resolve)
    return sorted(set(flags), key=str)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=Path, default=Path("profiles"))
    parser.add_argument("--strict", action="store_true", help="exit 1 when a SELF_TEST remains")
    args = parser.parse_args(argv)
    flags = audit(args.profiles)
    for flag in flags:
        print(flag)
    kinds = {
        k: sum(f.kind == k for f in flags) for k in ("SELF_TEST", "NEVER_HOLDS", "NEVER_FAILS")
    }
    print(", ".join(f"{n} {k}" for k, n in kinds.items()), file=sys.stderr)
    return 1 if args.strict and kinds["SELF_TEST"] else 0


if __name__ == "__main__":
    sys.exit(main())
