"""Merge-style condition names read mechanically (docs/conditions.md).

A name is a chain of clauses joined by ``_AND_``/``_OR_`` (binding left to
right); a clause is one or more tags ``A`` + 8 hex digits (several joined by
``_AND_``/``_OR_`` share the predicate that follows) and a predicate::

    PRESENT | NOT_PRESENT | PRESENT_AND_HAS_VALUE | HAS_VALUE
    MULTIVALUED | NOT_MULTIVALUED
    [VALk_]IS[_NOT]_V1[_OR_V2...]

``parse_name`` returns the expression, or None when the name does not read
completely: a name is never guessed at.
"""

from __future__ import annotations

import re
from functools import lru_cache

from mdict.conditions import (
    And,
    Compare,
    CountOf,
    Expression,
    HasValue,
    Not,
    OneOf,
    Or,
    Present,
    ValueOf,
    element,
)

__all__ = ["parse_name"]

_TAG = re.compile(r"A([0-9A-Fa-f]{8})")
_VALUE_INDEX = re.compile(r"VAL([1-9][0-9]*)")
_INTEGER = re.compile(r"[0-9]+")


class _NoParse(Exception):
    """The name does not read completely."""


@lru_cache(maxsize=4096)
def parse_name(name: str) -> Expression | None:
    """The expression a Merge-style name stands for, or None."""
    tokens = name.split("_")
    if not name or any(token == "" for token in tokens):
        return None
    try:
        expr, end = _chain(tokens, 0)
    except _NoParse:
        return None
    return expr if end == len(tokens) else None


def _is_tag(tokens: list[str], i: int) -> bool:
    return i < len(tokens) and _TAG.fullmatch(tokens[i]) is not None


def _join(op: str, left: Expression, right: Expression) -> Expression:
    """``left op right``, flattening chains of the same operator."""
    if op == "AND":
        if isinstance(left, And):
            return And((*left.operands, right))
        return And((left, right))
    if isinstance(left, Or):
        return Or((*left.operands, right))
    return Or((left, right))


def _chain(tokens: list[str], i: int) -> tuple[Expression, int]:
    expr, i = _clause(tokens, i)
    while i + 1 < len(tokens) and tokens[i] in ("AND", "OR") and _is_tag(tokens, i + 1):
        right, j = _clause(tokens, i + 1)
        expr, i = _join(tokens[i], expr, right), j
    return expr, i


def _clause(tokens: list[str], i: int) -> tuple[Expression, int]:
    """Tags sharing one predicate, then the predicate."""
    if not _is_tag(tokens, i):
        raise _NoParse
    tags = [int(tokens[i][1:], 16)]
    joins: list[str] = []
    i += 1
    while i + 1 < len(tokens) and tokens[i] in ("AND", "OR") and _is_tag(tokens, i + 1):
        joins.append(tokens[i])
        tags.append(int(tokens[i + 1][1:], 16))
        i += 2
    if len(set(joins)) > 1:
        raise _NoParse  # "A_AND_B_OR_C_PRESENT" has no single reading
    exprs: list[Expression] = []
    end = i
    for tag in tags:
        expr, end = _predicate(tag, tokens, i)
        exprs.append(expr)
    if len(exprs) == 1:
        return exprs[0], end
    return (And(tuple(exprs)) if joins[0] == "AND" else Or(tuple(exprs))), end


def _predicate(tag: int, tokens: list[str], i: int) -> tuple[Expression, int]:
    path = element(tag)
    rest = tokens[i:]
    if rest[:4] == ["PRESENT", "AND", "HAS", "VALUE"]:
        return HasValue(path), i + 4
    if rest[:2] == ["HAS", "VALUE"]:
        return HasValue(path), i + 2
    if rest[:2] == ["NOT", "PRESENT"]:
        return Not(Present(path)), i + 2
    if rest[:1] == ["PRESENT"]:
        return Present(path), i + 1
    if rest[:2] == ["NOT", "MULTIVALUED"]:
        return Not(Compare(CountOf(path), ">", 1)), i + 2
    if rest[:1] == ["MULTIVALUED"]:
        return Compare(CountOf(path), ">", 1), i + 1
    index: int | None = None
    match = _VALUE_INDEX.fullmatch(rest[0]) if rest else None
    if match:
        index = int(match.group(1))
        i += 1
    if i >= len(tokens) or tokens[i] != "IS":
        raise _NoParse
    i += 1
    negated = i < len(tokens) and tokens[i] == "NOT"
    if negated:
        i += 1
    values, i = _values(tokens, i)
    operand = ValueOf(path, index)
    test: Expression = (
        Compare(operand, "==", values[0]) if len(values) == 1 else OneOf(operand, tuple(values))
    )
    return (Not(test) if negated else test), i


def _values(tokens: list[str], i: int) -> tuple[list[str | int], int]:
    """``V1_OR_V2 ...`` up to the next clause (``_AND_``/``_OR_`` and a tag)
    or the end. A value written with ``_`` also matches with spaces
    (``WHOLE_BODY`` is DICOM's ``WHOLE BODY``); a whole number matches as a
    number (``1`` matches ``1.0`` in a DS)."""
    values: list[str | int] = []
    words: list[str] = []

    def finish() -> None:
        if not words:
            raise _NoParse
        text = "_".join(words)
        if _INTEGER.fullmatch(text):
            values.append(int(text))
        else:
            values.append(text)
            if "_" in text:
                values.append(text.replace("_", " "))
        words.clear()

    while i < len(tokens):
        token = tokens[i]
        if token in ("AND", "OR") and _is_tag(tokens, i + 1):
            break
        if token == "OR":
            finish()
        else:
            words.append(token)
        i += 1
    finish()
    return values, i
