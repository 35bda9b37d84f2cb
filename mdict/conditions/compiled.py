"""What compiled condition expressions are made of: the :class:`Frame`
they run in (root, enclosing items, current dataset, memo) and the closures
for logic and for each element test, built once per expression."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

from pydicom.dataset import Dataset

from mdict.conditions import (
    Constant,
    CountOf,
    Expression,
    HasCode,
    Operand,
    Path,
    ValueOf,
)
from mdict.conditions.dataset_reading import (
    Unreadable,
    compare_value,
    element_of,
    is_empty,
    text_of,
    values_of,
)

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


Test = Callable[["Frame"], "bool | None"]
"""A compiled expression: evaluates in a :class:`Frame`; may raise
Unreadable (caught by :func:`run`)."""


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
        Unreadable above the root."""
        chain = [self.root, *self.parents]
        if self.current is not self.root:
            chain.append(self.current)
        index = len(chain) - 1 - up
        if index < 0:
            raise Unreadable("no enclosing dataset")
        return chain[index]


def run(test: Test, frame: Frame) -> bool | None:
    """A compiled expression's value; None when a value cannot be read."""
    try:
        return test(frame)
    except Unreadable:
        return None


def constant_test(value: bool | None) -> Test:
    def constant(frame: Frame) -> bool | None:
        return value

    return constant


UNKNOWN: Final = constant_test(None)


# -- logic -------------------------------------------------------------------


def all_of(tests: list[Test]) -> Test:
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


def any_of(tests: list[Test]) -> Test:
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


def not_test(test: Test) -> Test:
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
                elem = element_of(ds, tag)
                if elem is None or elem.VR != "SQ":
                    continue
                items = [i for i in values_of(elem) if isinstance(i, Dataset)]
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


def present_test(path: Path) -> Test:
    tag = path.tag
    if len(path.steps) == 1 and not path.root and path.up == 0:
        return lambda frame: _has(frame.current, tag)
    if len(path.steps) == 1 and path.root:
        return lambda frame: _has(frame.root, tag)
    reach = _reach(path)
    return lambda frame: any(_has(ds, tag) for ds in reach(frame))


def _has_value(ds: Dataset, tag: int) -> bool:
    elem = element_of(ds, tag)
    if elem is None:
        return False
    return any(not is_empty(v) for v in values_of(elem))


def has_value_test(path: Path) -> Test:
    tag, reach = path.tag, _reach(path)
    return lambda frame: any(_has_value(ds, tag) for ds in reach(frame))


def group_present_test(group: int) -> Test:
    def test(frame: Frame) -> bool:
        ds = frame.current
        if any(t >> 16 == group for t in ds._dict):
            return True
        meta = getattr(ds, "file_meta", None)
        return group == 2 and meta is not None and len(meta) > 0

    return test


def _has_code(ds: Dataset, expr: HasCode) -> bool | None:
    elem = element_of(ds, expr.path.tag)
    if elem is None or elem.VR != "SQ":
        return False
    results: list[bool | None] = []
    for item in values_of(elem):
        if not isinstance(item, Dataset):
            continue
        codes = [element_of(item, t) for t in (0x00080100, 0x00080119, 0x00080120)]
        scheme = element_of(item, 0x00080102)
        value_ok = any(
            c is not None and any(text_of(v) == expr.value for v in values_of(c)) for c in codes
        )
        scheme_ok = scheme is not None and any(text_of(v) == expr.scheme for v in values_of(scheme))
        results.append(value_ok and scheme_ok)
    return any3(results)


def has_code_test(expr: HasCode) -> Test:
    reach = _reach(expr.path)
    return lambda frame: any3(_has_code(ds, expr) for ds in reach(frame))


# -- values --------------------------------------------------------------------

Values = Callable[[Frame], "list[Any]"]


def operand_values(operand: Operand) -> Values:
    """Every value an operand selects, over every dataset its path reaches."""
    tag, reach = operand.path.tag, _reach(operand.path)
    if isinstance(operand, ValueOf):
        index = operand.index

        def values(frame: Frame) -> list[Any]:
            out: list[Any] = []
            for ds in reach(frame):
                elem = element_of(ds, tag)
                if elem is None:
                    continue
                found = values_of(elem)
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
                elem = element_of(ds, tag)
                out.append(0 if elem is None else len(values_of(elem)))
            return out

        return counts

    def items(frame: Frame) -> list[Any]:
        out: list[Any] = []
        for ds in reach(frame):
            elem = element_of(ds, tag)
            if elem is None:
                out.append(0)
            elif elem.VR == "SQ":
                out.append(len(values_of(elem)))
        return out

    return items


def compare_test(values: Values, op: str, constant: Constant) -> Test:
    if isinstance(constant, str) and op in ("==", "!="):
        equal = op == "=="
        return lambda frame: any((text_of(v) == constant) is equal for v in values(frame))
    return lambda frame: any3(compare_value(v, op, constant) for v in values(frame))


def one_of_test(values: Values, constants: tuple[Constant, ...]) -> Test:
    if all(isinstance(c, str) for c in constants):
        texts = frozenset(constants)
        return lambda frame: any(text_of(v) in texts for v in values(frame))
    return lambda frame: any3(
        any3(compare_value(v, "==", c) for c in constants) for v in values(frame)
    )
