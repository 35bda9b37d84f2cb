"""Conditions profile reader (mdict's own format, docs/conditions.md).

A profile maps a name to an expression, one definition per line::

    # CT images that need a pixel spacing
    NEEDS_SPACING = present((0028,0030) PixelSpacing) and value((0008,0060) Modality) == "CT"

Lines starting with a space or tab continue the definition above them. Each
definition is read by the fast path (``_conditions_fast.py``) when it is
sure, else by the grammar (``conditions.lark``); errors go through the one
driver (``_driver.py``): same wording, same limit of errors per file, same
file checks as every other profile.

Nesting is bounded (MAX_DEPTH levels of ``not``, ``and``/``or`` and
parentheses): deeper text is one located error, never a RecursionError.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from lark import Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedInput, VisitError

from mdict.errors import Diagnostic, ProfileError
from mdict.model.conditions import And as And
from mdict.model.conditions import (
    AttributeTag,
    Compare,
    ConditionDef,
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
    Step,
    Truth,
    ValueOf,
)
from mdict.model.core import Location, comment_text, split_note
from mdict.model.keywords import keyword_of, tag_of_keyword
from mdict.parse._conditions_fast import MAX_DEPTH, fast_definition, fast_expression
from mdict.parse._driver import (
    MAX_ERRORS,
    BadValue,
    Collector,
    lark_error,
    read_as,
    require_content,
)
from mdict.parse._layout import Layout, layout

if TYPE_CHECKING:
    from lark import Lark

__all__ = ["MAX_DEPTH", "parse_conditions", "parse_expression", "read_conditions"]


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
        raise BadValue(token, f"{what} (a whole number from 1)", str(token))
    return value


@v_args(inline=True)
class ConditionsTransformer(Transformer[Token, object]):
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
            raise BadValue(
                last_selector, "'/' and an element after an item number", "the end of the path"
            )
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
            raise BadValue(keyword, expected, str(keyword))
        return value

    def keyword_element(self, keyword: Token) -> int:
        value = tag_of_keyword(str(keyword))
        if value is None:
            raise BadValue(keyword, "a tag (GGGG,EEEE) or a DICOM keyword", str(keyword))
        return value

    def string_constant(self, token: Token) -> str:
        return _unquote(token)

    def number_constant(self, token: Token) -> int | float:
        return _number(token)

    def tag_constant(self, token: Token) -> AttributeTag:
        return AttributeTag(_tag(token))


@lru_cache(maxsize=1)
def conditions_parser() -> Lark:
    """The grammar's LALR parser (trees, no inline transformer: a bad value is
    then reported only for text that is otherwise well formed, and the tree's
    depth is checked before it is transformed), built once and kept between
    processes by the parser cache (``_cache.py``)."""
    from mdict.parse._cache import build_parser

    return build_parser("conditions.lark", None, start=("definition", "expr"))


_TRANSFORMER = ConditionsTransformer()
_END = "end of definition"


def _too_deep(tree: Tree[Token]) -> tuple[int, int] | None:
    """(line, column) of the first token below MAX_DEPTH levels of nodes, or
    None (iterative: a deep tree must not exhaust Python's stack while it is
    measured)."""
    stack: list[tuple[Tree[Token] | Token, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, Token):
            continue
        if depth > MAX_DEPTH:
            token = _first_token(node)
            return (1, 1) if token is None else (token.line or 1, token.column or 1)
        stack.extend((child, depth + 1) for child in reversed(node.children))
    return None


def _first_token(tree: Tree[Token]) -> Token | None:
    """The leftmost token under ``tree`` (iteratively)."""
    stack: list[Tree[Token] | Token] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Token):
            return node
        stack.extend(reversed(node.children))
    return None


def _grammar(text: str, start: str) -> tuple[object, None] | tuple[None, tuple[int, int, str]]:
    """(result, None), or (None, (line, column, message)) within ``text``."""
    try:
        tree = conditions_parser().parse(text, start=start)
    except UnexpectedInput as exc:
        return None, lark_error(exc, text, _END)
    deep = _too_deep(tree)
    if deep is not None:
        message = (
            f"expected at most {MAX_DEPTH} nested levels of not, and and or, found deeper nesting"
        )
        return None, (*deep, message)
    try:
        return _TRANSFORMER.transform(tree), None
    except VisitError as exc:
        inner = exc.orig_exc
        if not isinstance(inner, BadValue):
            raise
        token = inner.token
        line = [*text.split("\n"), ""][(token.line or 1) - 1]
        return None, (token.line or 1, token.column or 1, inner.message(line))


def parse_expression(text: str, filename: str = "<expression>") -> Expression:
    """One expression (no name). Raises ProfileError on bad text."""
    fast = fast_expression(text)
    if fast is not None:
        return fast
    result, error = _grammar(text, "expr")
    if error is not None:
        line, column, message = error
        source = text.split("\n")[line - 1] if text else ""
        raise ProfileError([Diagnostic(filename, line, column, message, source_line=source)])
    return result  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Chunk:
    """One definition's text (its continuation lines included)."""

    line: int  # 1-based line of the definition's first line
    text: str
    comment: tuple[str, ...]  # the comment lines above it, without "#"
    trivia: tuple[str, ...] = ()  # the comment and blank lines above it, as written
    note: str = ""  # the comments at the ends of its lines, as written, joined


def split_definitions(text: str) -> tuple[tuple[str, ...], list[Chunk], Layout]:
    """Split a profile into its definitions (a line starting in column 1
    opens one, indented lines continue it), with the comment lines and
    blank lines around them (the header: the comment block on top)."""
    lines = [line.rstrip("\r") for line in text.split("\n")]
    spans: list[list[int]] = []  # the line numbers of each definition
    current: list[int] | None = None
    for number, line in enumerate(lines, 1):
        if line[:1] in (" ", "\t") and current is not None:
            current.append(number)
        elif line.startswith("#") or not line.strip():
            current = None
        else:
            current = [number]
            spans.append(current)
    trivia = layout(text, [(n, "") for span in spans for n in span])
    chunks = []
    for span in spans:
        split = [split_note(lines[n - 1]) for n in span]
        chunks.append(
            Chunk(
                span[0],
                "\n".join(body for body, _ in split),
                comment_text(trivia.at(span[0])),
                trivia.at(span[0]),
                " ".join(note for _, note in split if note),
            )
        )
    return comment_text(trivia.header), chunks, trivia


def _definition(
    chunk: Chunk, keywords: dict[int, str | None], collector: Collector
) -> tuple[str, Expression] | None:
    """A chunk's (name, expression), or None after reporting its error."""
    fast = fast_definition(chunk.text, keywords)
    if fast is not None:
        return fast
    result, error = _grammar(chunk.text, "definition")
    if error is not None:
        line, column, message = error
        collector.error(chunk.line + line - 1, column, message)
        return None
    return result  # type: ignore[return-value]


def parse_conditions(text: str, filename: str = "<string>") -> ConditionsProfile:
    """A conditions profile from its text. Every bad definition is reported
    (up to the driver's MAX_ERRORS) in one ProfileError; duplicate names are
    errors."""
    collector = Collector(filename, text)
    header, chunks, trivia = split_definitions(text)
    lines = [(chunk.line, chunk.text) for chunk in chunks]
    require_content(lines, collector, "a definition (NAME = expression)")
    definitions: list[ConditionDef] = []
    first_line: dict[str, int] = {}
    keywords: dict[int, str | None] = {}
    for chunk in chunks:
        if collector.errors > MAX_ERRORS:
            break  # enough to show; raise_if_errors says there were more
        read = _definition(chunk, keywords, collector)
        if read is None:
            continue
        name, expression = read
        if name in first_line:
            collector.error(
                chunk.line,
                1,
                f"condition {name} is defined twice (first on line {first_line[name]})",
            )
            continue
        first_line[name] = chunk.line
        loc = Location(filename, chunk.line, 1, chunk.trivia, chunk.note)
        definitions.append(ConditionDef(name, expression, loc, chunk.comment))
    collector.raise_if_errors()
    return ConditionsProfile(tuple(definitions), header, trivia.header, trivia.trailer)


def read_conditions(path: str | os.PathLike[str]) -> ConditionsProfile:
    """Read a conditions profile file."""
    return read_as(path, "conditions", parse_conditions)
