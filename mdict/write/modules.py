"""Modules profile writer (docs/formats.md): the header comment, then each
message's section after a blank line; a comment that ended a line ends it
again."""

from __future__ import annotations

import os

from mdict.fileio import write_text_atomic
from mdict.model.modules import ModulesProfile
from mdict.write._layout import sectioned


def format_modules(profile: ModulesProfile) -> str:
    """The canonical text of a modules profile: the header, then each
    message's section after a blank line, comment lines where they were."""
    sections = (
        (
            f"[ {message.service}, {message.command} ]",
            message.loc,
            ((str(module), module.loc) for module in message.modules),
        )
        for message in profile.messages
    )
    return sectioned(profile.header, profile.leading, profile.trailer, sections)


def write_modules(profile: ModulesProfile, path: str | os.PathLike[str]) -> None:
    """Write a modules profile's canonical text to ``path`` atomically."""
    write_text_atomic(path, format_modules(profile))
