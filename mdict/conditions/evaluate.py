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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset

from mdict.conditions import (
    And,
    AttributeTag,
    Compare,
    ConditionsProfile,
    Constant,
    CountOf,
    Expression,
    GroupPresent,
    HasCode,
    HasValue,
    Not,
    OneOf,
    Operand,
    Or,
    Path,
    Present,
    Ref,
    Truth,
    ValueOf,
)

__all__ = [
    "Compiler",
    "Context",
    "Frame",
    "Resolver",
    "Test",
    "Where",
    "evaluate",
    "resolver_for",
    "run",
]

Resolver = Callable[[str], "Expression | None"]
"""Name -> expression, or None when the name is not defined."""


class Where(Protocol):
    """Where an expression is evaluated (mdict.validate's Scope fits)."""

    @property
    def root(self) -> Dataset: ...

    @property
    def parents(self) -> tuple[Dataset, ...]: ...

    @property
    def current(self) -> Dataset: ...


@dataclass(frozen=True, slots=True)
class Context:
    """The root dataset, the datasets of the enclosing items (outermost
    first), the current item (default: the root) and a resolver for named
    conditions (default: the Merge name convention only)."""

    root: Dataset
    current: Dataset | None = None
    parents: tuple[Dataset, ...] = ()
    resolver: Resolver | None = field(default=None, compare=False)

    @property
    def here(self) -> Dataset:
        return self.root if self.current is None else self.current


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

# ---------------------------------------------------------------------------
# Kleene logic
# ---------------------------------------------------------------------------


def any3(results: Iterable[bool | None]) -> bool | None:
    """Three-valued "some": True if any is True, else None if any is None."""
    unknown = False
    for result in results:
        if result:
            return True
        if result is None:
            unknown = True
    return None if unknown else False


def all3(results: Iterable[bool | None]) -> bool | None:
    """Three-valued "all": False if any is False, else None if any is None."""
    unknown = False
    for result in results:
        if result is False:
            return False
        if result is None:
            unknown = True
    return None if unknown else True


# ---------------------------------------------------------------------------
# Reading datasets
# ---------------------------------------------------------------------------


class _Unreadable(Exception):
    """An element pydicom cannot decode."""


def _element(ds: Dataset, tag: int) -> Any:
    """The data element ``tag`` of ``ds`` (group 0002 also from file_meta),
    None when absent; raises _Unreadable when it cannot be decoded."""
    elem = ds._dict.get(tag)  # type: ignore[call-overload]  # BaseTag is an int
    if elem is None:
        if tag >> 16 != 2:
            return None
        meta = getattr(ds, "file_meta", None)
        if meta is None or tag not in meta._dict:
            return None
        ds = meta
    elif isinstance(elem, DataElement):
        return elem
    try:
        return ds[tag]  # decodes a raw element (once: pydicom keeps the result)
    except Exception as exc:  # pydicom raises many kinds on bad values
        raise _Unreadable(str(exc)) from exc


def _values(elem: Any) -> list[Any]:
    """The values of an element (items for a sequence); [] when empty."""
    value = elem.value
    if value is None:
        return []
    if isinstance(value, (str, bytes)):
        return [value] if value not in ("", b"") else []
    if isinstance(value, Dataset):
        return [value]
    try:
        return list(value)
    except TypeError:
        return [value]


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1").strip(" \x00")
    return str(value).strip(" \x00")


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    return isinstance(value, (str, bytes)) and _text(value) == ""


def _number(value: Any) -> float | None:
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(_text(value))
    except (TypeError, ValueError):
        return None


_OPS: Mapping[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: bool(a == b),
    "!=": lambda a, b: bool(a != b),
    "<": lambda a, b: bool(a < b),
    "<=": lambda a, b: bool(a <= b),
    ">": lambda a, b: bool(a > b),
    ">=": lambda a, b: bool(a >= b),
}


def _compare(value: Any, op: str, constant: Constant) -> bool | None:
    """One value against a constant: as text for a string constant, as a
    number for a number, as a tag for an AT constant; None when the value
    cannot be read that way."""
    if isinstance(constant, str):
        return _OPS[op](_text(value), constant)
    if isinstance(constant, AttributeTag):
        if isinstance(value, int):
            return _OPS[op](int(value), constant.tag)
        return None
    number = _number(value)
    if number is None:
        return None
    return _OPS[op](number, float(constant))


# ---------------------------------------------------------------------------
# Compilation: an expression becomes a tree of closures, built once
# ---------------------------------------------------------------------------

Test = Callable[["Frame"], "bool | None"]
"""A compiled expression: evaluates in a :class:`Frame`; may raise
_Unreadable (caught by :func:`run`)."""


class Frame:
    """Where compiled expressions run: the root dataset, the enclosing items
    (outermost first), the current dataset and the results of named
    conditions already evaluated here (valid while the datasets do not
    change)."""

    __slots__ = ("current", "memo", "parents", "root", "shared")

    def __init__(
        self,
        root: Dataset,
        parents: tuple[Dataset, ...],
        current: Dataset,
        shared: dict[str, bool | None] | None = None,
    ) -> None:
        self.root = root
        self.parents = parents
        self.current = current
        self.memo: dict[str, bool | None] = {}
        # results of conditions that only look at the root: may be shared by
        # every frame of one root (the caller's promise that it does not change)
        self.shared: dict[str, bool | None] = self.memo if shared is None else shared

    @classmethod
    def of(cls, context: Where | Context | Dataset) -> Frame:
        if isinstance(context, Dataset):
            return cls(context, (), context)
        if isinstance(context, Context):
            return cls(context.root, context.parents, context.here)
        return cls(context.root, tuple(context.parents), context.current)

    def above(self, up: int) -> Dataset:
        """The dataset ``up`` levels above the current one; raises
        _Unreadable above the root."""
        chain = [self.root, *self.parents]
        if self.current is not self.root:
            chain.append(self.current)
        index = len(chain) - 1 - up
        if index < 0:
            raise _Unreadable("no enclosing dataset")
        return chain[index]


def run(test: Test, frame: Frame) -> bool | None:
    """A compiled expression's value; None when a value cannot be read."""
    try:
        return test(frame)
    except _Unreadable:
        return None


def _constant(value: bool | None) -> Test:
    def constant(frame: Frame) -> bool | None:
        return value

    return constant


_UNKNOWN: Final = _constant(None)


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
            return _UNKNOWN
        expr = self.resolver(name)
        if expr is None:
            self._names[name] = _UNKNOWN
            return _UNKNOWN
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
            return _present(expr.path)
        if isinstance(expr, And):
            return _all([self.expression(op) for op in expr.operands])
        if isinstance(expr, Or):
            return _any([self.expression(op) for op in expr.operands])
        if isinstance(expr, Not):
            return _not(self.expression(expr.operand))
        if isinstance(expr, Compare):
            return _compare_test(_operand(expr.operand), expr.op, expr.value)
        if isinstance(expr, OneOf):
            return _one_of(_operand(expr.operand), expr.values)
        if isinstance(expr, HasValue):
            return _has_value_test(expr.path)
        if isinstance(expr, Truth):
            return _constant(expr.value)
        if isinstance(expr, GroupPresent):
            return _group_present(expr.group)
        if isinstance(expr, HasCode):
            return _has_code_test(expr)
        raise TypeError(f"not a condition expression: {expr!r}")


# -- logic -------------------------------------------------------------------


def _all(tests: list[Test]) -> Test:
    if len(tests) == 2:
        first, second = tests

        def both(frame: Frame) -> bool | None:
            a = first(frame)
            if a is False:
                return False
            b = second(frame)
            if b is False:
                return False
            return None if a is None or b is None else True

        return both

    def every(frame: Frame) -> bool | None:
        unknown = False
        for test in tests:
            result = test(frame)
            if result is False:
                return False
            if result is None:
                unknown = True
        return None if unknown else True

    return every


def _any(tests: list[Test]) -> Test:
    def some(frame: Frame) -> bool | None:
        unknown = False
        for test in tests:
            result = test(frame)
            if result:
                return True
            if result is None:
                unknown = True
        return None if unknown else False

    return some


def _not(test: Test) -> Test:
    def negation(frame: Frame) -> bool | None:
        result = test(frame)
        return None if result is None else not result

    return negation


# -- paths -------------------------------------------------------------------

Reach = Callable[[Frame], "list[Dataset]"]


def _start(path: Path) -> Callable[[Frame], Dataset]:
    if path.root:
        return lambda frame: frame.root
    if path.up == 0:
        return lambda frame: frame.current
    up = path.up
    return lambda frame: frame.above(up)


def _reach(path: Path) -> Reach:
    """The datasets in which the path's last element is looked for."""
    start = _start(path)
    steps = [(step.tag, step.item) for step in path.steps[:-1]]
    if not steps:
        return lambda frame: [start(frame)]

    def reach(frame: Frame) -> list[Dataset]:
        frontier = [start(frame)]
        for tag, item in steps:
            following: list[Dataset] = []
            for ds in frontier:
                elem = _element(ds, tag)
                if elem is None or elem.VR != "SQ":
                    continue
                items = [i for i in _values(elem) if isinstance(i, Dataset)]
                if item is None:
                    following.extend(items)
                elif item <= len(items):
                    following.append(items[item - 1])
            frontier = following
        return frontier

    return reach


def _has(ds: Dataset, tag: int) -> bool:
    """Whether ``tag`` is in ``ds`` (group 0002 also in its file_meta),
    without decoding it."""
    if tag in ds._dict:
        return True
    if tag >> 16 == 2:
        meta = getattr(ds, "file_meta", None)
        return meta is not None and tag in meta._dict
    return False


def _present(path: Path) -> Test:
    tag = path.tag
    if len(path.steps) == 1 and not path.root and path.up == 0:
        return lambda frame: _has(frame.current, tag)
    if len(path.steps) == 1 and path.root:
        return lambda frame: _has(frame.root, tag)
    reach = _reach(path)
    return lambda frame: any(_has(ds, tag) for ds in reach(frame))


def _has_value(ds: Dataset, tag: int) -> bool:
    elem = _element(ds, tag)
    if elem is None:
        return False
    return any(not _is_empty(v) for v in _values(elem))


def _has_value_test(path: Path) -> Test:
    tag, reach = path.tag, _reach(path)
    return lambda frame: any(_has_value(ds, tag) for ds in reach(frame))


def _group_present(group: int) -> Test:
    def test(frame: Frame) -> bool:
        ds = frame.current
        if any(t >> 16 == group for t in ds._dict):
            return True
        meta = getattr(ds, "file_meta", None)
        return group == 2 and meta is not None and len(meta) > 0

    return test


def _has_code(ds: Dataset, expr: HasCode) -> bool | None:
    elem = _element(ds, expr.path.tag)
    if elem is None or elem.VR != "SQ":
        return False
    results: list[bool | None] = []
    for item in _values(elem):
        if not isinstance(item, Dataset):
            continue
        codes = [_element(item, t) for t in (0x00080100, 0x00080119, 0x00080120)]
        scheme = _element(item, 0x00080102)
        value_ok = any(
            c is not None and any(_text(v) == expr.value for v in _values(c)) for c in codes
        )
        scheme_ok = scheme is not None and any(_text(v) == expr.scheme for v in _values(scheme))
        results.append(value_ok and scheme_ok)
    return any3(results)


def _has_code_test(expr: HasCode) -> Test:
    reach = _reach(expr.path)
    return lambda frame: any3(_has_code(ds, expr) for ds in reach(frame))


# -- values --------------------------------------------------------------------

Values = Callable[[Frame], "list[Any]"]


def _operand(operand: Operand) -> Values:
    """Every value an operand selects, over every dataset its path reaches."""
    tag, reach = operand.path.tag, _reach(operand.path)
    if isinstance(operand, ValueOf):
        index = operand.index

        def values(frame: Frame) -> list[Any]:
            out: list[Any] = []
            for ds in reach(frame):
                elem = _element(ds, tag)
                if elem is None:
                    continue
                found = _values(elem)
                if index is None:
                    out.extend(found)
                elif index <= len(found):
                    out.append(found[index - 1])
            return out

        return values
    if isinstance(operand, CountOf):

        def counts(frame: Frame) -> list[Any]:
            out: list[Any] = []
            for ds in reach(frame):
                elem = _element(ds, tag)
                out.append(0 if elem is None else len(_values(elem)))
            return out

        return counts

    def items(frame: Frame) -> list[Any]:
        out: list[Any] = []
        for ds in reach(frame):
            elem = _element(ds, tag)
            if elem is None:
                out.append(0)
            elif elem.VR == "SQ":
                out.append(len(_values(elem)))
        return out

    return items


def _compare_test(values: Values, op: str, constant: Constant) -> Test:
    if isinstance(constant, str) and op in ("==", "!="):
        equal = op == "=="
        return lambda frame: any((_text(v) == constant) is equal for v in values(frame))
    return lambda frame: any3(_compare(v, op, constant) for v in values(frame))


def _one_of(values: Values, constants: tuple[Constant, ...]) -> Test:
    if all(isinstance(c, str) for c in constants):
        texts = frozenset(constants)
        return lambda frame: any(_text(v) in texts for v in values(frame))
    return lambda frame: any3(any3(_compare(v, "==", c) for c in constants) for v in values(frame))
