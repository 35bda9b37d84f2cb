"""Three-valued evaluation of condition expressions over pydicom datasets.

``evaluate(expr, context)`` returns True, False or None (cannot evaluate:
an undefined or cyclic condition, ``unknown``, a value that cannot be read or
compared). ``and``/``or``/``not`` follow Kleene's logic. Element tests
quantify over what a path reaches: true when some dataset it reaches (and
some selected value) passes; false when none does, including when there is
nothing to test (an absent element or sequence).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from pydicom.dataset import Dataset

from mdict.conditions import (
    And,
    Compare,
    ConditionsProfile,
    Expression,
    GroupPresent,
    HasCode,
    HasValue,
    Not,
    OneOf,
    Or,
    Present,
    Ref,
    Truth,
)
from mdict.conditions.compiled import (
    UNKNOWN,
    Context,
    Frame,
    Resolver,
    Test,
    Where,
    all3,
    all_of,
    any3,
    any_of,
    compare_test,
    constant_test,
    group_present_test,
    has_code_test,
    has_value_test,
    not_test,
    one_of_test,
    operand_values,
    present_test,
    run,
)

__all__ = [
    "Compiler",
    "Context",
    "Frame",
    "Resolver",
    "Test",
    "Where",
    "all3",
    "any3",
    "evaluate",
    "resolver_for",
    "run",
]


def resolver_for(
    definitions: ConditionsProfile | Mapping[str, Expression | str] | None = None,
    *,
    names: bool = True,
) -> Resolver:
    """A resolver that looks a name up in ``definitions`` (expressions or
    expression texts) first and, with ``names``, reads it by the Merge name
    convention (mdict.condnames) next. Results are cached; a text that does
    not parse resolves to None."""
    if isinstance(definitions, ConditionsProfile):
        table: Mapping[str, Expression | str] = definitions.as_dict()
    else:
        table = definitions or {}
    cache: dict[str, Expression | None] = {}

    def resolve(name: str) -> Expression | None:
        if name in cache:
            return cache[name]
        found: Expression | None = None
        entry = table.get(name)
        if isinstance(entry, str):
            from mdict.conditions import parse_expression  # the reader: Lark only when needed

            try:
                found = parse_expression(entry)
            except Exception:  # an unreadable definition cannot be evaluated
                found = None
        elif entry is not None:
            found = entry
        elif names:
            found = _name_convention(name)
        cache[name] = found
        return found

    return resolve


def _name_convention(name: str) -> Expression | None:
    try:
        module: Any = importlib.import_module("mdict.conditions.names")
    except ModuleNotFoundError:  # pragma: no cover - shipped together
        return None
    result: Expression | None = module.parse_name(name)
    return result


def evaluate(
    expr: Expression, context: Where | Context | Dataset, resolver: Resolver | None = None
) -> bool | None:
    """True, False or None (cannot evaluate) for ``expr`` in ``context``.

    ``context`` is a :class:`Context`, any object with ``root``, ``parents``
    and ``current`` (such as mdict.validate's Scope) or a bare dataset (the
    root). Named conditions go through ``resolver``, else the context's
    resolver, else the name convention; a condition that refers to itself
    (directly or not) is None. To evaluate many times, compile once with
    :class:`Compiler` and :func:`run` the result in a :class:`Frame`.
    """
    if resolver is None:
        resolver = getattr(context, "resolver", None) or _DEFAULT_RESOLVER
    return run(Compiler(resolver).expression(expr), Frame.of(context))


_DEFAULT_RESOLVER: Resolver = resolver_for(None)


class Compiler:
    """Compiles expressions to closures, resolving names once through a
    resolver. A named condition compiles once and its result is kept per
    frame (``Frame.memo``; ``Frame.shared`` for conditions that only look
    at the root dataset), except inside a cycle, where a reference back to a
    name being compiled is unknown, as the evaluation order would make it."""

    def __init__(self, resolver: Resolver | None = None) -> None:
        self.resolver = resolver or _DEFAULT_RESOLVER
        self._names: dict[str, Test] = {}
        self._stack: list[str] = []
        self._cyclic: set[str] = set()
        self._rooted: dict[str, bool] = {}

    def name(self, name: str) -> Test:
        """The compiled named condition (unknown when undefined)."""
        done = self._names.get(name)
        if done is not None:
            return done
        if name in self._stack:  # a cycle: the names from there on depend on it
            self._cyclic.update(self._stack[self._stack.index(name) :])
            return UNKNOWN
        expr = self.resolver(name)
        if expr is None:
            self._names[name] = UNKNOWN
            return UNKNOWN
        self._stack.append(name)
        try:
            body = self.expression(expr)
        finally:
            self._stack.pop()
        if name in self._cyclic:  # its value depends on where it is used
            return body

        rooted = self.rooted(expr)

        def named(frame: Frame) -> bool | None:
            memo = frame.shared if rooted else frame.memo
            if name in memo:
                return memo[name]
            result = memo[name] = body(frame)
            return result

        self._names[name] = named
        return named

    def rooted(self, expr: Expression) -> bool:
        """Whether ``expr`` only looks at the root dataset (paths from ``/``),
        so its value is the same in every item of one dataset."""
        if isinstance(expr, Ref):
            name = expr.name
            if name not in self._rooted:
                self._rooted[name] = False  # while in progress (cycles): not rooted
                found = self.resolver(name)
                self._rooted[name] = found is None or self.rooted(found)
            return self._rooted[name]
        if isinstance(expr, (Present, HasValue, HasCode)):
            return expr.path.root
        if isinstance(expr, (Compare, OneOf)):
            return expr.operand.path.root
        if isinstance(expr, Truth):
            return True
        if isinstance(expr, Not):
            return self.rooted(expr.operand)
        if isinstance(expr, (And, Or)):
            return all(self.rooted(op) for op in expr.operands)
        return False  # group_present looks at the current dataset

    def expression(self, expr: Expression) -> Test:
        if isinstance(expr, Ref):
            return self.name(expr.name)
        if isinstance(expr, Present):
            return present_test(expr.path)
        if isinstance(expr, And):
            return all_of([self.expression(op) for op in expr.operands])
        if isinstance(expr, Or):
            return any_of([self.expression(op) for op in expr.operands])
        if isinstance(expr, Not):
            return not_test(self.expression(expr.operand))
        if isinstance(expr, Compare):
            return compare_test(operand_values(expr.operand), expr.op, expr.value)
        if isinstance(expr, OneOf):
            return one_of_test(operand_values(expr.operand), expr.values)
        if isinstance(expr, HasValue):
            return has_value_test(expr.path)
        if isinstance(expr, Truth):
            return constant_test(expr.value)
        if isinstance(expr, GroupPresent):
            return group_present_test(expr.group)
        if isinstance(expr, HasCode):
            return has_code_test(expr)
        raise TypeError(f"not a condition expression: {expr!r}")
