"""Putting comments and blank lines back (the trivia readers keep in
``Location.trivia`` and in the profiles' ``header``/``trailer``).

Every writer builds its text as a list of lines: before each entry, the
blank lines of the canonical layout (its *gap*), then the entry's trivia.
Trivia that starts with a blank line asks for at least one blank line there
(a group separator the canonical layout does not have)."""

from __future__ import annotations

from collections.abc import Iterable

from mdict.model.core import Location, comment_text


def trivia_of(loc: Location | None) -> tuple[str, ...]:
    """The trivia read with a thing (none for a thing made by a program)."""
    return () if loc is None else loc.trivia


def noted(line: str, loc: Location | None) -> str:
    """``line`` with the comment that ended it when it was read."""
    return f"{line}  {loc.note}" if loc is not None and loc.note else line


def emit(out: list[str], trivia: tuple[str, ...], gap: int = 0) -> None:
    """The lines before an entry: ``gap`` blank lines (at least one when its
    trivia starts with one; none at the top of the file; blank lines already
    there count), then its comments."""
    if trivia and trivia[0] == "":
        gap = max(gap, 1)
        trivia = trivia[1:]
    if out:
        have = 0
        while have < len(out) and out[-1 - have] == "":
            have += 1
        out.extend([""] * (gap - have))
    out.extend(trivia)


def start(out: list[str], header: tuple[str, ...]) -> None:
    """The file header (its comment block), then one blank line."""
    if header:
        out.extend(header)
        out.append("")


def text(out: list[str], trailer: tuple[str, ...] = ()) -> str:
    """The lines (and the comments after the last entry) as file text."""
    out.extend(trailer)
    return "\n".join(out) + "\n" if out else ""


def sectioned(
    header: tuple[str, ...],
    leading: tuple[str, ...],
    trailer: tuple[str, ...],
    sections: Iterable[tuple[str, Location | None, Iterable[tuple[str, Location | None]]]],
) -> str:
    """The text of a profile of ``[ ... ]`` sections of lines (modules,
    positions): the header as read (``leading``) or made from ``header``,
    each section after a blank line, comment lines where they were and each
    line's end-of-line comment."""
    out: list[str] = []
    if leading and comment_text(leading) == header:
        start(out, leading)
    else:
        start(out, tuple(f"# {line}" if line else "#" for line in header))
    for head, loc, lines in sections:
        emit(out, trivia_of(loc), 1 if out and out[-1] != "" else 0)
        out.append(noted(head, loc))
        for line, line_loc in lines:
            emit(out, trivia_of(line_loc))
            out.append(noted(line, line_loc))
    return text(out, trailer)
