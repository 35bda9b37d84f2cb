"""mdict's conditions language: the expression tree, the reader and the
canonical writer (spec section 5, docs/conditions.md).

A conditions profile maps a name to an expression, one definition per line::

    # CT images that need a pixel spacing
    NEEDS_SPACING = present((0028,0030) PixelSpacing) and value((0008,0060) Modality) == "CT"

Lines starting with a space or tab continue the definition above them. Every
node of the tree is a frozen dataclass whose ``str()`` is its canonical text,
so ``parse_expression(str(expr)) == expr``.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, TypeAlias

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)

from mdict.errors import Diagnostic, ProfileError
from mdict.fileio import read_text, write_text_atomic

__all__ = [
    "And",
    "AttributeTag",
    "Compare",
    "ConditionDef",
    "ConditionsProfile",
    "Constant",
    "CountOf",
    "Expression",
    "GroupPresent",
    "HasCode",
    "HasValue",
    "ItemsOf",
    "Not",
    "OneOf",
    "Or",
    "Path",
    "Present",
    "Ref",
    "Step",
    "Truth",
    "ValueOf",
    "format_expression",
    "keyword_of",
    "parse_conditions",
    "parse_expression",
    "read_conditions",
    "save_conditions",
    "tag_of_keyword",
    "write_conditions",
]

# ---------------------------------------------------------------------------
# Elements and paths
# ---------------------------------------------------------------------------


def keyword_of(tag: int) -> str | None:
    """pydicom's keyword for a standard tag (None for unknown or private tags)."""
    tables = None if "pydicom.datadict" in sys.modules else _pydicom_tables()
    if tables is None or not 0 <= tag <= 0xFFFFFFFF:
        from pydicom.datadict import keyword_for_tag

        return keyword_for_tag(tag) or None
    return tables.keyword(tag)


def tag_of_keyword(keyword: str) -> int | None:
    """The tag pydicom knows for a keyword (None when it knows none)."""
    tables = None if "pydicom.datadict" in sys.modules else _pydicom_tables()
    if tables is None:
        from pydicom.datadict import tag_for_keyword

        return tag_for_keyword(keyword)
    return tables.by_keyword.get(keyword)


@dataclass(frozen=True, slots=True)
class _PydicomTables:
    """pydicom's data dictionary (``pydicom/_dicom_dict.py``, plain data) read
    without importing the pydicom package, whose import (numpy and more,
    0.2 s) was a fifth of a fresh ``mdict info``. The lookups are those of
    pydicom.datadict's keyword_for_tag and tag_for_keyword (tests compare them
    over the whole dictionary); once pydicom is imported, pydicom itself is
    asked, so entries added to it at run time count."""

    by_tag: Mapping[int, tuple[str, ...]]
    repeaters: Mapping[str, tuple[str, ...]]
    masks: tuple[tuple[str, int, int], ...]
    by_keyword: Mapping[str, int]

    def keyword(self, tag: int) -> str | None:
        entry = self.by_tag.get(tag)
        if entry is None:
            if (tag >> 16) % 2 == 1:
                return None  # private: not in the standard dictionary
            for mask_x, mask1, mask2 in self.masks:
                if (tag ^ mask1) & mask2 == 0:
                    entry = self.repeaters[mask_x]
                    break
            else:
                return None
        return entry[4] or None


@lru_cache(maxsize=1)
def _pydicom_tables() -> _PydicomTables | None:
    """The tables, or None (then pydicom is imported) when they cannot be read."""
    try:
        import importlib.util

        package = importlib.util.find_spec("pydicom")
        if package is None or not package.submodule_search_locations:
            return None
        folder = next(iter(package.submodule_search_locations))
        source = os.path.join(folder, "_dicom_dict.py")
        spec = importlib.util.spec_from_file_location("mdict._pydicom_dicom_dict", source)
        if spec is None or spec.loader is None:
            return None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        by_tag: dict[int, tuple[str, ...]] = module.DicomDictionary
        repeaters: dict[str, tuple[str, ...]] = module.RepeatersDictionary
        masks = tuple(
            (
                mask_x,
                int(mask_x.replace("x", "0"), 16),
                int("".join("F0"[c == "x"] for c in mask_x), 16),
            )
            for mask_x in repeaters
        )
        by_keyword = {entry[4]: tag for tag, entry in by_tag.items()}
        return _PydicomTables(by_tag, repeaters, masks, by_keyword)
    except Exception:  # another pydicom layout: ask pydicom itself
        return None


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
class Present:
    """The element is present (possibly empty)."""

    path: Path

    def __str__(self) -> str:
        return f"present({self.path})"


@dataclass(frozen=True, slots=True)
class HasValue:
    """The element is present with a value (not empty; a sequence with items)."""

    path: Path

    def __str__(self) -> str:
        return f"has_value({self.path})"


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
class CountOf:
    """The number of values of the element (0 when absent or empty)."""

    path: Path

    def __str__(self) -> str:
        return f"count({self.path})"


@dataclass(frozen=True, slots=True)
class ItemsOf:
    """The number of items of a sequence (0 when absent or empty)."""

    path: Path

    def __str__(self) -> str:
        return f"items({self.path})"


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
        return " and ".join(_child_text(op) for op in self.operands)


@dataclass(frozen=True, slots=True)
class Or:
    """Some operand holds (Kleene logic: true wins over unknown)."""

    operands: tuple[Expression, ...]

    def __str__(self) -> str:
        return " or ".join(_child_text(op) for op in self.operands)


Expression: TypeAlias = (
    "Truth | Ref | Present | HasValue | GroupPresent | HasCode | Compare | OneOf | Not | And | Or"
)


def _child_text(expr: Expression) -> str:
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
class Location:
    """Where a definition starts."""

    file: str
    line: int
    column: int = 1


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
    ``header`` is the opening comment block (without the ``#``)."""

    definitions: tuple[ConditionDef, ...]
    header: tuple[str, ...] = field(default=(), compare=False)

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


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


class _BadValue(Exception):
    """A token that the grammar accepts but whose value is wrong."""

    def __init__(self, token: Token, message: str) -> None:
        super().__init__(message)
        self.token = token
        self.message = message


def _unquote(token: Token) -> str:
    return re.sub(r"\\(.)", r"\1", str(token)[1:-1])


def _tag(token: Token) -> int:
    text = str(token)
    return int(text[1:5], 16) << 16 | int(text[6:10], 16)


def _number(token: Token) -> int | float:
    text = str(token)
    if re.fullmatch(r"[+-]?[0-9]+", text):
        return int(text)
    return float(text)


def _positive(token: Token, what: str) -> int:
    value = _number(token)
    if not isinstance(value, int) or value < 1:
        raise _BadValue(token, f"expected {what} (a whole number from 1), found {token}")
    return value


@v_args(inline=True)
class _ToTree(Transformer[Token, object]):
    """Parse tree -> expression nodes, one method per grammar rule."""

    def definition(self, name: str, expr: Expression) -> tuple[str, Expression]:
        return name, expr

    def name(self, token: Token) -> str:
        return _unquote(token) if token.type == "STRING" else str(token)

    def or_test(self, *operands: Expression) -> Or:
        return Or(operands)

    def and_test(self, *operands: Expression) -> And:
        return And(operands)

    def negation(self, operand: Expression) -> Not:
        return Not(operand)

    def true(self) -> Truth:
        return Truth(True)

    def false(self) -> Truth:
        return Truth(False)

    def unknown(self) -> Truth:
        return Truth(None)

    def reference(self, token: Token) -> Ref:
        return Ref(_unquote(token) if token.type == "STRING" else str(token))

    def present(self, path: Path) -> Present:
        return Present(path)

    def has_value(self, path: Path) -> HasValue:
        return HasValue(path)

    def group_present(self, token: Token) -> GroupPresent:
        return GroupPresent(int(str(token)[2:], 16))

    def has_code(self, path: Path, value: Token, scheme: Token) -> HasCode:
        return HasCode(path, _unquote(value), _unquote(scheme))

    def compare(self, operand: Operand, op: Token, value: Constant) -> Compare:
        return Compare(operand, str(op), value)  # type: ignore[arg-type]

    def one_of(self, operand: Operand, *values: Constant) -> OneOf:
        return OneOf(operand, values)

    def value_of(self, path: Path, index: Token | None = None) -> ValueOf:
        return ValueOf(path, None if index is None else _positive(index, "a value number"))

    def count_of(self, path: Path) -> CountOf:
        return CountOf(path)

    def items_of(self, path: Path) -> ItemsOf:
        return ItemsOf(path)

    def path(self, anchor: tuple[bool, int], *steps: tuple[Step, Token | None]) -> Path:
        _, last_selector = steps[-1]
        if last_selector is not None:
            raise _BadValue(last_selector, "expected '/' and an element after an item number")
        root, up = anchor
        return Path(tuple(step for step, _ in steps), root, up)

    def here(self) -> tuple[bool, int]:
        return False, 0

    def at_root(self) -> tuple[bool, int]:
        return True, 0

    def at_parent(self, *levels: Token) -> tuple[bool, int]:
        return False, len(levels)

    def step(self, tag: int, selector: Token | None = None) -> tuple[Step, Token | None]:
        if selector is None or selector.type == "STAR":
            return Step(tag), selector
        return Step(tag, _positive(selector, "an item number")), selector

    def tagged_element(self, tag: Token, keyword: Token | None = None) -> int:
        value = _tag(tag)
        known = keyword_of(value)
        if keyword is not None and str(keyword) != known:
            expected = f"the keyword of {tag} ({known})" if known else f"no keyword after {tag}"
            raise _BadValue(keyword, f"expected {expected}, found {keyword}")
        return value

    def keyword_element(self, keyword: Token) -> int:
        value = tag_of_keyword(str(keyword))
        if value is None:
            raise _BadValue(
                keyword, f"expected a tag (GGGG,EEEE) or a DICOM keyword, found {keyword}"
            )
        return value

    def string_constant(self, token: Token) -> str:
        return _unquote(token)

    def number_constant(self, token: Token) -> int | float:
        return _number(token)

    def tag_constant(self, token: Token) -> AttributeTag:
        return AttributeTag(_tag(token))


@lru_cache(maxsize=1)
def _parser() -> Lark:
    """The grammar's LALR parser (trees, no inline transformer: a bad value is
    then reported only for text that is otherwise well formed), built once
    and kept between processes by the parser cache (``parse/_cache.py``)."""
    from mdict.parse._cache import build_parser

    return build_parser("conditions.lark", None, start=("definition", "expr"))


_TRANSFORMER = _ToTree()

_TERMS = {
    "IDENT": "a name",
    "STRING": 'a "string"',
    "NUMBER": "a number",
    "TAG": "a tag (GGGG,EEEE)",
    "GROUP": "a group 0xGGGG",
    "COMPARATOR": "a comparison (==, !=, <, <=, >, >=)",
    "PARENT": "'../'",
    "STAR": "'*'",
    "$END": "end of definition",
    "EQUAL": "'='",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COMMA": "','",
    "SLASH": "'/'",
}


def _describe(names: set[str] | frozenset[str]) -> str:
    if {"PRESENT", "HAS_VALUE", "NOT"} <= set(names):
        return "an expression"
    words = sorted({_TERMS.get(n, repr(n.lower())) for n in names})
    if len(words) > 6:
        words = [*words[:6], "..."]
    return " or ".join(words) if words else "something else"


def _found(text: str, pos: int) -> str:
    if pos >= len(text):
        return "end of definition"
    match = re.match(r"[A-Za-z0-9_]+|\S", text[pos:])
    return repr(match.group(0) if match else text[pos])


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    return sum(len(x) + 1 for x in lines[: line - 1]) + column - 1


def _parse(text: str, start: str) -> tuple[object, None] | tuple[None, tuple[int, int, str]]:
    """(result, None), or (None, (line, column, message)) within ``text``."""
    try:
        tree = _parser().parse(text, start=start)
        return _TRANSFORMER.transform(tree), None
    except VisitError as exc:
        inner = exc.orig_exc
        if not isinstance(inner, _BadValue):
            raise
        token = inner.token
        return None, (token.line or 1, token.column or 1, inner.message)
    except UnexpectedCharacters as exc:
        found = _found(text, exc.pos_in_stream or 0)
        return None, (exc.line, exc.column, f"expected {_describe(exc.allowed)}, found {found}")
    except UnexpectedEOF as exc:
        lines = text.split("\n")
        return None, (
            len(lines),
            len(lines[-1]) + 1,
            f"expected {_describe(set(exc.expected))}, found end of definition",
        )
    except UnexpectedToken as exc:
        token = exc.token
        expected = _describe(exc.accepts or exc.expected)
        if token.type == "$END":
            lines = text.rstrip().split("\n")
            return None, (
                len(lines),
                len(lines[-1]) + 1,
                f"expected {expected}, found end of definition",
            )
        found = _found(text, _offset(text, token.line or 1, token.column or 1))
        return None, (token.line or 1, token.column or 1, f"expected {expected}, found {found}")
    except UnexpectedInput as exc:  # pragma: no cover - Lark has no other kinds
        return None, (exc.line, exc.column, str(exc))


# ---------------------------------------------------------------------------
# The fast path
# ---------------------------------------------------------------------------
#
# A definition or expression of the usual kind is read by a small recursive
# descent over the grammar's own terminals (copied below;
# tests/test_conditions_fast.py compares them with the built Lark grammar)
# and turned into nodes with the transformer's own checks. It gives up
# (returns None) at anything it is not certain of: an unexpected token or
# character, a reserved word where a name is expected, a bad value. Such text
# goes to the Lark parser, so every error still comes from the grammar with
# its exact line, column and wording; tests check that whatever the fast path
# accepts, the grammar accepts with an equal result.

FAST_TERMINALS: dict[str, str] = {
    "TAG": r"\([0-9A-Fa-f]{4},[0-9A-Fa-f]{4}\)",
    "GROUP": r"0x[0-9A-Fa-f]{4}",
    "IDENT": r"[A-Za-z_][A-Za-z0-9_]*",
    "STRING": '"(?:[^"\\\\\r\n]|\\\\["\\\\])*"',
    "NUMBER": r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?",
    "COMPARATOR": r"==|!=|<=|>=|<|>",
    "COMMENT": "#[^\r\n]*",
    "WHITESPACE": "[ \t\r\n]+",
    "PARENT": r"\.\./",
}
"""Terminal name -> its regular expression, as Lark compiles conditions.lark."""

_F = FAST_TERMINALS
_TOKEN = re.compile(
    f"(?:{_F['WHITESPACE']}|{_F['COMMENT']})*"
    f"(?:(?P<TAG>{_F['TAG']})|(?P<STRING>{_F['STRING']})|(?P<PARENT>{_F['PARENT']})"
    f"|(?P<GROUP>{_F['GROUP']})|(?P<NUMBER>{_F['NUMBER']})"
    f"|(?P<COMPARATOR>{_F['COMPARATOR']})|(?P<IDENT>{_F['IDENT']})"
    r"|(?P<PUNCT>[()\[\],/*=])|(?P<END>\Z)|(?P<BAD>.))",
    re.S,
)
_INT = re.compile(r"[+-]?[0-9]+")
_KEYWORD_ATOMS = RESERVED - {"and", "or", "in", "not"}


class _GiveUp(Exception):
    """The fast path is not certain: let the grammar read the text."""


class _Fast:
    """One pass over a text's tokens; every method raises _GiveUp when unsure."""

    __slots__ = ("index", "keywords", "kinds", "values")

    def __init__(self, text: str, keywords: dict[int, str | None] | None = None) -> None:
        self.keywords = {} if keywords is None else keywords
        kinds: list[str] = []
        values: list[str] = []
        for match in _TOKEN.finditer(text):
            kind = match.lastgroup
            if kind is None or kind == "BAD":
                raise _GiveUp
            kinds.append(kind)
            values.append(match.group(kind))
            if kind == "END":
                break
        self.kinds = kinds
        self.values = values
        self.index = 0

    def _next(self) -> tuple[str, str]:
        index = self.index
        self.index = index + 1
        return self.kinds[index], self.values[index]

    def _peek(self) -> tuple[str, str]:
        return self.kinds[self.index], self.values[self.index]

    def _punct(self, char: str) -> None:
        kind, value = self._next()
        if kind != "PUNCT" or value != char:
            raise _GiveUp

    def _accept(self, char: str) -> bool:
        if self.kinds[self.index] == "PUNCT" and self.values[self.index] == char:
            self.index += 1
            return True
        return False

    def _word(self) -> str | None:
        if self.kinds[self.index] == "IDENT":
            return self.values[self.index]
        return None

    def _kind(self, kind: str) -> str:
        got, value = self._next()
        if got != kind:
            raise _GiveUp
        return value

    def end(self) -> None:
        if self.kinds[self.index] != "END":
            raise _GiveUp

    def definition(self) -> tuple[str, Expression]:
        kind, value = self._next()
        if kind == "STRING":
            name = _unquote_text(value)
        elif kind == "IDENT" and value not in RESERVED:
            name = value
        else:
            raise _GiveUp
        self._punct("=")
        expr = self.expr()
        self.end()
        return name, expr

    def expr(self) -> Expression:
        first = self._and()
        if self._word() != "or":
            return first
        operands = [first]
        while self._word() == "or":
            self.index += 1
            operands.append(self._and())
        return Or(tuple(operands))

    def _and(self) -> Expression:
        first = self._not()
        if self._word() != "and":
            return first
        operands = [first]
        while self._word() == "and":
            self.index += 1
            operands.append(self._not())
        return And(tuple(operands))

    def _not(self) -> Expression:
        if self._word() == "not":
            self.index += 1
            return Not(self._not())
        return self._atom()

    def _atom(self) -> Expression:
        kind, value = self._next()
        if kind == "PUNCT" and value == "(":
            inner = self.expr()
            self._punct(")")
            return inner
        if kind != "IDENT":
            raise _GiveUp
        if value not in RESERVED:
            return Ref(value)
        if value not in _KEYWORD_ATOMS:
            raise _GiveUp
        if value == "true":
            return Truth(True)
        if value == "false":
            return Truth(False)
        if value == "unknown":
            return Truth(None)
        self._punct("(")
        if value == "present":
            result: Expression = Present(self._path())
        elif value == "has_value":
            result = HasValue(self._path())
        elif value == "holds":
            result = Ref(_unquote_text(self._kind("STRING")))
        elif value == "group_present":
            result = GroupPresent(int(self._kind("GROUP")[2:], 16))
        elif value == "has_code":
            path = self._path()
            self._punct(",")
            code = _unquote_text(self._kind("STRING"))
            self._punct(",")
            scheme = _unquote_text(self._kind("STRING"))
            result = HasCode(path, code, scheme)
        else:
            return self._comparison(value)
        self._punct(")")
        return result

    def _comparison(self, word: str) -> Expression:
        path = self._path()
        operand: Operand
        if word == "value":
            index = None
            if self._accept(","):
                index = _fast_positive(self._kind("NUMBER"))
            operand = ValueOf(path, index)
        elif word == "count":
            operand = CountOf(path)
        else:
            operand = ItemsOf(path)
        self._punct(")")
        kind, value = self._next()
        if kind == "COMPARATOR":
            return Compare(operand, value, self._constant())  # type: ignore[arg-type]
        if kind != "IDENT" or value != "in":
            raise _GiveUp
        self._punct("(")
        values = [self._constant()]
        while self._accept(","):
            values.append(self._constant())
        self._punct(")")
        return OneOf(operand, tuple(values))

    def _constant(self) -> Constant:
        kind, value = self._next()
        if kind == "STRING":
            return _unquote_text(value)
        if kind == "NUMBER":
            return int(value) if _INT.fullmatch(value) else float(value)
        if kind == "TAG":
            return AttributeTag(_tag_text(value))
        raise _GiveUp

    def _path(self) -> Path:
        root, up = False, 0
        if self._accept("/"):
            root = True
        else:
            while self.kinds[self.index] == "PARENT":
                self.index += 1
                up += 1
        steps = [self._step()]
        while self._accept("/"):
            steps.append(self._step())
        return Path(tuple(steps), root, up)

    def _step(self) -> Step:
        kind, value = self._next()
        if kind == "TAG":
            tag = _tag_text(value)
            if self.kinds[self.index] == "IDENT":
                keywords = self.keywords
                known = (
                    keywords[tag] if tag in keywords else keywords.setdefault(tag, keyword_of(tag))
                )
                if self.values[self.index] != known:
                    raise _GiveUp
                self.index += 1
        elif kind == "IDENT":
            found = tag_of_keyword(value)
            if found is None:
                raise _GiveUp
            tag = found
        else:
            raise _GiveUp
        if not self._accept("["):
            return Step(tag)
        kind, value = self._next()
        if kind == "NUMBER":
            step = Step(tag, _fast_positive(value))
        elif kind == "PUNCT" and value == "*":
            step = Step(tag)
        else:
            raise _GiveUp
        self._punct("]")
        if not self._accept("/"):
            raise _GiveUp  # an item number on the last step: the grammar reports it
        self.index -= 1
        return step


def _unquote_text(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1]) if "\\" in text else text[1:-1]


def _tag_text(text: str) -> int:
    return int(text[1:5], 16) << 16 | int(text[6:10], 16)


def _fast_positive(text: str) -> int:
    if not _INT.fullmatch(text):
        raise _GiveUp
    value = int(text)
    if value < 1:
        raise _GiveUp
    return value


def fast_definition(
    text: str, keywords: dict[int, str | None] | None = None
) -> tuple[str, Expression] | None:
    """``(name, expression)`` of a definition's text by the fast path, or
    None when the grammar must read it; ``keywords`` keeps pydicom's keyword
    of each tag seen (one dictionary for the definitions of one file)."""
    try:
        parser = _Fast(text, keywords)
        return parser.definition()
    except (_GiveUp, IndexError):
        return None


def fast_expression(text: str) -> Expression | None:
    """An expression by the fast path, or None when the grammar must read it."""
    try:
        parser = _Fast(text)
        expr = parser.expr()
        parser.end()
        return expr
    except (_GiveUp, IndexError):
        return None


def parse_expression(text: str, filename: str = "<expression>") -> Expression:
    """One expression (no name). Raises ProfileError on bad text."""
    fast = fast_expression(text)
    if fast is not None:
        return fast
    result, error = _parse(text, "expr")
    if error is not None:
        line, column, message = error
        source = text.split("\n")[line - 1] if text else ""
        raise ProfileError([Diagnostic(filename, line, column, message, source_line=source)])
    return result  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class _Chunk:
    line: int  # 1-based line of the definition's first line
    text: str
    comment: tuple[str, ...]


def _chunks(text: str) -> tuple[tuple[str, ...], list[_Chunk]]:
    """Split a profile into its header comment and its definitions."""
    lines = [line.rstrip("\r") for line in text.split("\n")]
    header: list[str] = []
    index = 0
    if lines and lines[0].startswith("#"):
        while index < len(lines) and lines[index].startswith("#"):
            header.append(lines[index][1:].removeprefix(" "))
            index += 1
        if index < len(lines) and lines[index].strip():
            # the comment block touches the first definition: it is that one's comment
            index, header = 0, []
    chunks: list[_Chunk] = []
    comment: list[str] = []
    current: list[str] = []
    start = 0
    for number in range(index, len(lines)):
        line = lines[number]
        if line[:1] in (" ", "\t") and current:
            current.append(line)
        elif line.startswith("#"):
            if current:
                chunks.append(_Chunk(start, "\n".join(current), tuple(comment)))
                current, comment = [], []
            comment.append(line[1:].removeprefix(" "))
        elif not line.strip():
            if current:
                chunks.append(_Chunk(start, "\n".join(current), tuple(comment)))
                current = []
            comment = []
        else:
            if current:
                chunks.append(_Chunk(start, "\n".join(current), tuple(comment)))
                comment = []
            current, start = [line], number + 1
    if current:
        chunks.append(_Chunk(start, "\n".join(current), tuple(comment)))
    return tuple(header), chunks


MAX_ERRORS = 20


def parse_conditions(text: str, filename: str = "<string>") -> ConditionsProfile:
    """A conditions profile from its text. Every bad definition is reported
    (up to MAX_ERRORS) in one ProfileError; duplicate names are errors."""
    header, chunks = _chunks(text)
    source = text.split("\n")
    errors: list[Diagnostic] = []
    definitions: list[ConditionDef] = []
    first_line: dict[str, int] = {}
    keywords: dict[int, str | None] = {}
    for chunk in chunks:
        name: str
        expression: Expression
        fast = fast_definition(chunk.text, keywords)
        if fast is not None:
            name, expression = fast
        else:
            result, error = _parse(chunk.text, "definition")
            if error is not None:
                line, column, message = error
                number = chunk.line + line - 1
                errors.append(
                    Diagnostic(filename, number, column, message, source_line=source[number - 1])
                )
                if len(errors) >= MAX_ERRORS:
                    break
                continue
            name, expression = result  # type: ignore[misc]
        if name in first_line:
            errors.append(
                Diagnostic(
                    filename,
                    chunk.line,
                    1,
                    f"condition {name} is defined twice (first on line {first_line[name]})",
                    source_line=source[chunk.line - 1],
                )
            )
            continue
        first_line[name] = chunk.line
        definitions.append(
            ConditionDef(name, expression, Location(filename, chunk.line), chunk.comment)
        )
    if errors:
        raise ProfileError(errors)
    return ConditionsProfile(tuple(definitions), header)


def read_conditions(path: str | os.PathLike[str]) -> ConditionsProfile:
    """Read a conditions profile file (UTF-8 with latin-1 fallback)."""
    return parse_conditions(read_text(path), os.fspath(path))


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

LINE_WIDTH = 100
"""Definitions longer than this put each top-level and/or operand on its own line."""


def format_definition(name: str, expr: Expression) -> str:
    """``NAME = expression``; a long top-level and/or chain is written one
    operand per continuation line, the operator first."""
    head = name if _IDENT.fullmatch(name) else format_constant(name)
    line = f"{head} = {expr}"
    if len(line) <= LINE_WIDTH or not isinstance(expr, (And, Or)):
        return line
    word = "and" if isinstance(expr, And) else "or"
    parts = [f"{head} = {_child_text(expr.operands[0])}"]
    parts.extend(f"    {word} {_child_text(op)}" for op in expr.operands[1:])
    return "\n".join(parts)


def write_conditions(profile: ConditionsProfile | Mapping[str, Expression]) -> str:
    """The canonical text of a conditions profile: the header comment, a
    blank line, then each definition (with its comment lines) in order."""
    if isinstance(profile, ConditionsProfile):
        definitions = list(profile.definitions)
        header = profile.header
    else:
        definitions = [ConditionDef(n, e) for n, e in profile.items()]
        header = ()
    out: list[str] = [_comment_line(line) for line in header]
    if header:
        out.append("")
    for definition in definitions:
        if definition.comment:
            if out and out[-1] != "":
                out.append("")
            out.extend(_comment_line(line) for line in definition.comment)
        out.append(format_definition(definition.name, definition.expression))
    return "\n".join(out) + "\n" if out else ""


def _comment_line(text: str) -> str:
    return f"# {text}" if text else "#"


def save_conditions(
    profile: ConditionsProfile | Mapping[str, Expression], path: str | os.PathLike[str]
) -> None:
    """Write a conditions profile atomically."""
    write_text_atomic(path, write_conditions(profile))
