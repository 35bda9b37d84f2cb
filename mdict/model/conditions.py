"""The model of a conditions profile (mdict's own format, docs/conditions.md):
the expression tree and the profile.

Every node is a frozen dataclass whose ``str()`` is its canonical text, so
``parse_expression(str(expr)) == expr``. Source locations and comments are
kept out of equality.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar, Literal, TypeAlias

from mdict.model.core import Location
from mdict.model.keywords import keyword_of


def format_tag(tag: int) -> str:
    """``0x00080016`` -> ``(0008,0016)``."""
    return f"({tag >> 16:04X},{tag & 0xFFFF:04X})"


def _element_text(tag: int) -> str:
    keyword = keyword_of(tag)
    return f"{format_tag(tag)} {keyword}" if keyword else format_tag(tag)


@dataclass(frozen=True, slots=True)
class Step:
    """One element of a path; on a sequence that the path goes through,
    ``item`` picks item k (1-based) or, when None, any item."""

    tag: int
    item: int | None = None

    def __str__(self) -> str:
        return _element_text(self.tag) + ("" if self.item is None else f"[{self.item}]")


@dataclass(frozen=True, slots=True)
class Path:
    """Where an element is looked for: from the current dataset (the item
    being checked, or the root), from the root (``root``), or from the
    dataset ``up`` levels above the current one; each step but the last is
    a sequence to go through."""

    steps: tuple[Step, ...]
    root: bool = False
    up: int = 0

    def __str__(self) -> str:
        anchor = "/" if self.root else "../" * self.up
        return anchor + "/".join(str(step) for step in self.steps)

    @property
    def tag(self) -> int:
        """The element the path ends at."""
        return self.steps[-1].tag


def element(tag: int) -> Path:
    """The path to ``tag`` in the current dataset."""
    return Path((Step(tag),))


# ---------------------------------------------------------------------------
# Expressions
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttributeTag:
    """A constant of VR AT (compared with an element's tag values)."""

    tag: int

    def __str__(self) -> str:
        return format_tag(self.tag)


Constant: TypeAlias = "str | int | float | AttributeTag"


def format_constant(value: Constant) -> str:
    """A constant as the language writes it."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, AttributeTag):
        return str(value)
    return repr(value)


@dataclass(frozen=True, slots=True)
class Truth:
    """A constant truth value: True, False or None (``unknown``: cannot be
    evaluated, e.g. a condition that depends on the real world)."""

    value: bool | None

    def __str__(self) -> str:
        return {True: "true", False: "false", None: "unknown"}[self.value]


@dataclass(frozen=True, slots=True)
class Ref:
    """Another condition, by name (the profile first, then the name convention)."""

    name: str

    def __str__(self) -> str:
        if _IDENT.fullmatch(self.name) and self.name not in RESERVED:
            return self.name
        return f"holds({format_constant(self.name)})"


@dataclass(frozen=True, slots=True)
class PathFunction:
    """A function of one element, written ``function(path)``; each subclass
    is its own node (they never compare equal) and names its ``function``."""

    path: Path
    function: ClassVar[str]

    def __str__(self) -> str:
        return f"{self.function}({self.path})"


@dataclass(frozen=True, slots=True)
class Present(PathFunction):
    """The element is present (possibly empty)."""

    function: ClassVar[str] = "present"


@dataclass(frozen=True, slots=True)
class HasValue(PathFunction):
    """The element is present with a value (not empty; a sequence with items)."""

    function: ClassVar[str] = "has_value"


@dataclass(frozen=True, slots=True)
class GroupPresent:
    """Some element of the group is present in the current dataset."""

    group: int

    def __str__(self) -> str:
        return f"group_present(0x{self.group:04X})"


@dataclass(frozen=True, slots=True)
class HasCode:
    """A code sequence holds an item with Code Value (or Long/URN Code Value)
    ``value`` and Coding Scheme Designator ``scheme``."""

    path: Path
    value: str
    scheme: str

    def __str__(self) -> str:
        value, scheme = format_constant(self.value), format_constant(self.scheme)
        return f"has_code({self.path}, {value}, {scheme})"


@dataclass(frozen=True, slots=True)
class ValueOf:
    """The element's values: value ``index`` (1-based) or, when None, any value."""

    path: Path
    index: int | None = None

    def __str__(self) -> str:
        index = "" if self.index is None else f", {self.index}"
        return f"value({self.path}{index})"


@dataclass(frozen=True, slots=True)
class CountOf(PathFunction):
    """The number of values of the element (0 when absent or empty)."""

    function: ClassVar[str] = "count"


@dataclass(frozen=True, slots=True)
class ItemsOf(PathFunction):
    """The number of items of a sequence (0 when absent or empty)."""

    function: ClassVar[str] = "items"


Operand: TypeAlias = "ValueOf | CountOf | ItemsOf"
Comparator = Literal["==", "!=", "<", "<=", ">", ">="]
COMPARATORS: tuple[Comparator, ...] = ("==", "!=", "<", "<=", ">", ">=")


@dataclass(frozen=True, slots=True)
class Compare:
    """``operand OP constant``: true when some selected value compares so."""

    operand: Operand
    op: Comparator
    value: Constant

    def __str__(self) -> str:
        return f"{self.operand} {self.op} {format_constant(self.value)}"


@dataclass(frozen=True, slots=True)
class OneOf:
    """``operand in (c1, c2, ...)``: some selected value equals one of them."""

    operand: Operand
    values: tuple[Constant, ...]

    def __str__(self) -> str:
        return f"{self.operand} in ({', '.join(format_constant(v) for v in self.values)})"


@dataclass(frozen=True, slots=True)
class Not:
    """Negation (unknown stays unknown)."""

    operand: Expression

    def __str__(self) -> str:
        inner = str(self.operand)
        return f"not ({inner})" if isinstance(self.operand, (And, Or)) else f"not {inner}"


@dataclass(frozen=True, slots=True)
class And:
    """All operands hold (Kleene logic: false wins over unknown)."""

    operands: tuple[Expression, ...]

    def __str__(self) -> str:
        return " and ".join(child_text(op) for op in self.operands)


@dataclass(frozen=True, slots=True)
class Or:
    """Some operand holds (Kleene logic: true wins over unknown)."""

    operands: tuple[Expression, ...]

    def __str__(self) -> str:
        return " or ".join(child_text(op) for op in self.operands)


Expression: TypeAlias = (
    "Truth | Ref | Present | HasValue | GroupPresent | HasCode | Compare | OneOf | Not | And | Or"
)


def child_text(expr: Expression) -> str:
    """An operand of and/or: nested and/or chains are parenthesised."""
    return f"({expr})" if isinstance(expr, (And, Or)) else str(expr)


def format_expression(expr: Expression) -> str:
    """The canonical text of an expression (the same as ``str(expr)``)."""
    return str(expr)


RESERVED = frozenset(
    "and or not in true false unknown holds present has_value group_present "
    "has_code value count items".split()
)
"""Words of the language; a condition with such a name is written ``holds("name")``."""

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# ---------------------------------------------------------------------------
# Profiles
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConditionDef:
    """One definition ``name = expression``; ``comment`` holds the ``#``
    lines written right above it (without the ``#``)."""

    name: str
    expression: Expression
    loc: Location | None = field(default=None, compare=False)
    comment: tuple[str, ...] = field(default=(), compare=False)

    @property
    def expr(self) -> Expression:
        return self.expression


@dataclass(frozen=True, slots=True)
class ConditionsProfile:
    """A conditions profile: definitions in file order, names unique;
    ``header`` is the opening comment block (without the ``#``); each
    definition's comments as written are in its ``loc.trivia``."""

    definitions: tuple[ConditionDef, ...]
    header: tuple[str, ...] = field(default=(), compare=False)
    leading: tuple[str, ...] = field(default=(), compare=False, repr=False)
    """The header as written (comment and blank lines), when it was read."""
    trailer: tuple[str, ...] = field(default=(), compare=False, repr=False)
    """Comment lines after the last definition, as written."""

    def as_dict(self) -> dict[str, Expression]:
        """Name -> expression."""
        return {d.name: d.expression for d in self.definitions}

    def texts(self) -> dict[str, str]:
        """Name -> canonical expression text (what a compiled database stores)."""
        return {d.name: str(d.expression) for d in self.definitions}

    def get(self, name: str) -> Expression | None:
        for definition in self.definitions:
            if definition.name == name:
                return definition.expression
        return None

    def __iter__(self) -> Iterator[ConditionDef]:
        return iter(self.definitions)

    def __len__(self) -> int:
        return len(self.definitions)
