"""Conditions profile writer (docs/conditions.md): the header comment, then
each definition with its comment lines, long and/or chains one operand per
continuation line; the comments that ended a definition's lines end its
first line."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from mdict.fileio import write_text_atomic
from mdict.model.conditions import (
    And,
    ConditionDef,
    ConditionsProfile,
    Expression,
    Or,
    child_text,
    format_constant,
)
from mdict.model.core import comment_text
from mdict.write._layout import emit, noted, start, text, trivia_of

LINE_WIDTH = 100
"""Definitions longer than this put each top-level and/or operand on its own line."""

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def format_definition(name: str, expr: Expression) -> str:
    """``NAME = expression``; a long top-level and/or chain is written one
    operand per continuation line, the operator first."""
    head = name if _IDENT.fullmatch(name) else format_constant(name)
    line = f"{head} = {expr}"
    if len(line) <= LINE_WIDTH or not isinstance(expr, (And, Or)):
        return line
    word = "and" if isinstance(expr, And) else "or"
    parts = [f"{head} = {child_text(expr.operands[0])}"]
    parts.extend(f"    {word} {child_text(op)}" for op in expr.operands[1:])
    return "\n".join(parts)


def format_conditions(profile: ConditionsProfile | Mapping[str, Expression]) -> str:
    """The canonical text of a conditions profile: the header comment, a
    blank line, then each definition, the comment and blank lines above it
    as they were read (or, for a profile made by a program, its comment
    after a blank line)."""
    if isinstance(profile, ConditionsProfile):
        definitions = list(profile.definitions)
        header, leading, trailer = profile.header, profile.leading, profile.trailer
    else:
        definitions = [ConditionDef(n, e) for n, e in profile.items()]
        header, leading, trailer = (), (), ()
    out: list[str] = []
    if leading and comment_text(leading) == header:
        start(out, leading)
    else:
        start(out, tuple(_comment_line(line) for line in header))
    for definition in definitions:
        trivia = trivia_of(definition.loc)
        if trivia and comment_text(trivia) == definition.comment:
            gap = 1 if definition.comment and out and out[-1] != "" else 0
            emit(out, trivia, gap)
        elif definition.comment:
            if out and out[-1] != "":
                out.append("")
            out.extend(_comment_line(line) for line in definition.comment)
        first, *rest = format_definition(definition.name, definition.expression).split("\n")
        out.append(noted(first, definition.loc))  # comments that ended its lines
        out.extend(rest)
    return text(out, trailer)


def _comment_line(text: str) -> str:
    return f"# {text}" if text else "#"


def write_conditions(
    profile: ConditionsProfile | Mapping[str, Expression], path: str | os.PathLike[str]
) -> None:
    """Write a conditions profile's canonical text to ``path`` atomically."""
    write_text_atomic(path, format_conditions(profile))
