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
from typing import Any, Protocol

from pydicom.dataset import Dataset

from .conditions import (
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
    ItemsOf,
    Not,
    OneOf,
    Operand,
    Or,
    Path,
    Present,
    Ref,
    Truth,
    ValueOf,
    parse_expression,
)

__all__ = ["Context", "Resolver", "Where", "evaluate", "resolver_for"]

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
        module: Any = importlib.import_module(".condnames", __package__)
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
    (directly or not) is None.
    """
    if isinstance(context, Dataset):
        context = Context(context)
    if resolver is None:
        resolver = getattr(context, "resolver", None) or _DEFAULT_RESOLVER
    if isinstance(context, Context):
        root, parents, current = context.root, context.parents, context.here
    else:
        root, parents, current = context.root, tuple(context.parents), context.current
    return _Evaluation(root, parents, current, resolver).run(expr)


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
    try:
        if tag in ds:
            return ds[tag]
        if tag >> 16 == 2:
            meta = getattr(ds, "file_meta", None)
            if meta is not None and tag in meta:
                return meta[tag]
    except Exception as exc:  # pydicom raises many kinds on bad values
        raise _Unreadable(str(exc)) from exc
    return None


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
# The evaluation
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Evaluation:
    root: Dataset
    parents: tuple[Dataset, ...]
    current: Dataset
    resolver: Resolver
    active: set[str] = field(default_factory=set)

    def run(self, expr: Expression) -> bool | None:
        try:
            return self.eval(expr)
        except _Unreadable:
            return None

    def eval(self, expr: Expression) -> bool | None:
        if isinstance(expr, Present):
            return any3(self._present(ds, expr.path.tag) for ds in self.reach(expr.path))
        if isinstance(expr, And):
            return all3(self.eval(op) for op in expr.operands)
        if isinstance(expr, Or):
            return any3(self.eval(op) for op in expr.operands)
        if isinstance(expr, Not):
            result = self.eval(expr.operand)
            return None if result is None else not result
        if isinstance(expr, Compare):
            return any3(_compare(v, expr.op, expr.value) for v in self.operand_values(expr.operand))
        if isinstance(expr, OneOf):
            return any3(
                any3(_compare(v, "==", c) for c in expr.values)
                for v in self.operand_values(expr.operand)
            )
        if isinstance(expr, HasValue):
            return any3(self._has_value(ds, expr.path.tag) for ds in self.reach(expr.path))
        if isinstance(expr, Ref):
            return self.reference(expr.name)
        if isinstance(expr, Truth):
            return expr.value
        if isinstance(expr, GroupPresent):
            return self._group_present(expr.group)
        if isinstance(expr, HasCode):
            return any3(self._has_code(ds, expr) for ds in self.reach(expr.path))
        raise TypeError(f"not a condition expression: {expr!r}")

    # -- names ---------------------------------------------------------------
    def reference(self, name: str) -> bool | None:
        if name in self.active:
            return None
        expr = self.resolver(name)
        if expr is None:
            return None
        self.active.add(name)
        try:
            return self.eval(expr)
        finally:
            self.active.discard(name)

    # -- paths ---------------------------------------------------------------
    def start(self, path: Path) -> Dataset | None:
        if path.root:
            return self.root
        if path.up == 0:
            return self.current
        chain = [self.root, *self.parents]
        if self.current is not self.root:
            chain.append(self.current)
        index = len(chain) - 1 - path.up
        return chain[index] if index >= 0 else None

    def reach(self, path: Path) -> list[Dataset]:
        """The datasets in which the path's last element is looked for;
        raises _Unreadable for a path that starts above the root."""
        start = self.start(path)
        if start is None:
            raise _Unreadable("no enclosing dataset")
        frontier = [start]
        for step in path.steps[:-1]:
            following: list[Dataset] = []
            for ds in frontier:
                elem = _element(ds, step.tag)
                if elem is None or elem.VR != "SQ":
                    continue
                items = [i for i in _values(elem) if isinstance(i, Dataset)]
                if step.item is None:
                    following.extend(items)
                elif step.item <= len(items):
                    following.append(items[step.item - 1])
            frontier = following
        return frontier

    # -- tests -----------------------------------------------------------------
    @staticmethod
    def _present(ds: Dataset, tag: int) -> bool:
        return _element(ds, tag) is not None

    @staticmethod
    def _has_value(ds: Dataset, tag: int) -> bool:
        elem = _element(ds, tag)
        if elem is None:
            return False
        return any(not _is_empty(v) for v in _values(elem))

    def _group_present(self, group: int) -> bool:
        ds = self.current
        if any(t >> 16 == group for t in ds.keys()):  # noqa: SIM118 (iterating yields elements)
            return True
        meta = getattr(ds, "file_meta", None)
        return group == 2 and meta is not None and len(meta) > 0

    @staticmethod
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

    def operand_values(self, operand: Operand) -> list[Any]:
        """Every value an operand selects, over every dataset its path reaches."""
        out: list[Any] = []
        for ds in self.reach(operand.path):
            elem = _element(ds, operand.path.tag)
            if isinstance(operand, ValueOf):
                if elem is None:
                    continue
                values = _values(elem)
                if operand.index is None:
                    out.extend(values)
                elif operand.index <= len(values):
                    out.append(values[operand.index - 1])
            elif isinstance(operand, CountOf):
                out.append(0 if elem is None else len(_values(elem)))
            elif isinstance(operand, ItemsOf):
                if elem is None:
                    out.append(0)
                elif elem.VR == "SQ":
                    out.append(len(_values(elem)))
        return out
