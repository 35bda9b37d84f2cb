"""Modules profile writer (docs/formats.md): the header comment, then each
message's section after a blank line; a comment that ended a line ends it
again."""

from __future__ import annotations

import os

from mdict.fileio import write_text_atomic
from mdict.model.core import comment_text
from mdict.model.modules import ModulesProfile
from mdict.write._layout import emit, noted, start, text, trivia_of


def format_modules(profile: ModulesProfile) -> str:
    """The canonical text of a modules profile: the header, then each
    message's section after a blank line, comment lines where they were."""
    out: list[str] = []
    leading = profile.leading
    if leading and comment_text(leading) == profile.header:
        start(out, leading)
    else:
        start(out, tuple(f"# {line}" if line else "#" for line in profile.header))
    for message in profile.messages:
        emit(out, trivia_of(message.loc), 1 if out and out[-1] != "" else 0)
        out.append(noted(f"[ {message.service}, {message.command} ]", message.loc))
        for module in message.modules:
            emit(out, trivia_of(module.loc))
            out.append(noted(str(module), module.loc))
    return text(out, profile.trailer)


def write_modules(profile: ModulesProfile, path: str | os.PathLike[str]) -> None:
    """Write a modules profile's canonical text to ``path`` atomically."""
    write_text_atomic(path, format_modules(profile))
