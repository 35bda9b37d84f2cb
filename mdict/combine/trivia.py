"""Comments through merges: what becomes of the comment lines of entries that
are merged, replaced or moved from a configuration into the profiles it
edits (docs/formats.md, "Comments and blank lines")."""

from __future__ import annotations

from dataclasses import replace

from mdict.model import ConfigBlock, InfoLine, Location
from mdict.write import sorted_lines


def trivia_of(loc: Location | None) -> tuple[str, ...]:
    """The comment and blank lines read with a thing (none for a made one)."""
    return () if loc is None else loc.trivia


def joined_trivia(*trivia: tuple[str, ...]) -> tuple[str, ...]:
    """The comment lines of several things that became one, each kept once
    in the order given (blank lines between the groups)."""
    out: list[str] = []
    for lines in trivia:
        new = [line for line in lines if line and line not in out]
        if new:
            if out:
                out.append("")
            out.extend(new)
    return tuple(out)


def with_trivia(loc: Location | None, trivia: tuple[str, ...]) -> Location | None:
    """``loc`` carrying ``trivia`` (none when there is nothing to carry)."""
    if loc is None:
        return Location("<merged>", 1, 1, trivia) if trivia else None
    return replace(loc, trivia=trivia)


def comments_only(loc: Location | None) -> Location | None:
    """``loc`` with the comment lines of its trivia only: the blank lines that
    separate a configuration's blocks mean nothing in the profiles it edits."""
    if loc is None or not loc.trivia:
        return loc
    return replace(loc, trivia=joined_trivia(loc.trivia))


def with_block_comments(block: ConfigBlock, lines: list[InfoLine]) -> list[InfoLine]:
    """A block that adds lines to what exists has no place of its own in the
    output: its comments go with its first line (in tag order)."""
    comments = joined_trivia(trivia_of(block.loc))
    if not comments or not lines:
        return lines
    ordered = sorted_lines(lines)
    first = ordered[0]
    trivia = joined_trivia(comments, trivia_of(first.loc))
    return [replace(first, loc=with_trivia(first.loc, trivia)), *ordered[1:]]
