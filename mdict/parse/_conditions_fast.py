"""The fast path of the conditions reader: a definition or expression of the
usual kind read by a small recursive descent over the grammar's own
terminals, without Lark.

A definition or expression of the usual kind is read by a small recursive
descent over the grammar's own terminals (copied below;
tests/test_conditions_fast.py compares them with the built Lark grammar)
and turned into nodes with the transformer's own checks. It gives up
(returns None) at anything it is not certain of: an unexpected token or
character, a reserved word where a name is expected, a bad value. Such text
goes to the Lark parser, so every error still comes from the grammar with
its exact line, column and wording; tests check that whatever the fast path
accepts, the grammar accepts with an equal result.

ST_TERMINALS: dict[str, str] = {

Recursion is bounded: past MAX_DEPTH nested parentheses or ``not``s the fast
path gives up and the grammar path (which is iterative) reports the depth.
"""

from __future__ import annotations

import re

from mdict.model.conditions import (
    RESERVED,
    And,
    AttributeTag,
    Compare,
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
from mdict.model.keywords import keyword_of, tag_of_keyword

MAX_DEPTH = 100
"""Nested parentheses, ``not``s, ``and``/``or`` inside each other: at most this
many levels (no real condition comes close; deeper text is an error)."""

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

    __slots__ = ("depth", "index", "keywords", "kinds", "values")

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
        self.depth = 0

    def _next(self) -> tuple[str, str]:
        index = self.index
        self.index = index + 1
        return self.kinds[index], self.values[index]

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

    def _deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _GiveUp  # the grammar path reports the depth with its place

    def _not(self) -> Expression:
        nots = 0
        while self._word() == "not":
            self.index += 1
            nots += 1
            self._deeper()
        result = self._atom()
        for _ in range(nots):
            result = Not(result)
        self.depth -= nots
        return result

    def _atom(self) -> Expression:
        kind, value = self._next()
        if kind == "PUNCT" and value == "(":
            self._deeper()
            inner = self.expr()
            self._punct(")")
            self.depth -= 1
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
