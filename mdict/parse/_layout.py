"""Trivia: where a file's comment lines and group-separating blank lines are,
so that the model can carry them (``Location.trivia``, the profiles'
``header`` and ``trailer``) and the writers put them back (docs/formats.md,
"Comments and blank lines")."""

from __future__ import annotations

from dataclasses import dataclass

from mdict.parse._driver import source_lines


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a file's comment lines and group-separating blank lines are:
    ``header`` (the comment block at the top, up to its last blank line),
    ``before`` (meaningful line number -> the trivia right above it) and
    ``trailer`` (after the last meaningful line). Trivia is the lines as
    written, a run of blank lines being one ""."""

    header: tuple[str, ...]
    before: dict[int, tuple[str, ...]]
    trailer: tuple[str, ...]

    def at(self, number: int) -> tuple[str, ...]:
        """The trivia above meaningful line ``number``."""
        return self.before.get(number, ())


def collapse(lines: list[str]) -> tuple[str, ...]:
    """Comment lines as written; each run of blank lines one ""."""
    out: list[str] = []
    for line in lines:
        if line.strip(" \t\f\v"):
            out.append(line)
        elif not out or out[-1] != "":
            out.append("")
    return tuple(out)


def layout(text: str, lines: list[tuple[int, str]]) -> Layout:
    """The Layout of ``text`` whose meaningful lines are ``lines``."""
    raw: list[str] | None = None
    before: dict[int, tuple[str, ...]] = {}
    previous = 0
    for number, _ in lines:
        if number != previous + 1:
            if raw is None:
                raw = source_lines(text)
            before[number] = collapse(raw[previous : number - 1])
        previous = number
    if raw is None:
        raw = source_lines(text) if text.count("\n") > previous else []
    trailer = collapse(raw[previous:])
    while trailer and trailer[-1] == "":
        trailer = trailer[:-1]
    header: tuple[str, ...] = ()
    if lines:
        first = lines[0][0]
        leading = before.pop(first, ())
        while leading and leading[0] == "":
            leading = leading[1:]
        if "" in leading:
            cut = len(leading) - 1 - leading[::-1].index("")
            header, leading = leading[:cut], leading[cut + 1 :]
        if leading:
            before[first] = leading
    else:
        header, trailer = trailer, ()
    return Layout(header, before, trailer)
