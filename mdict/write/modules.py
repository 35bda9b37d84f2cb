"""Modules profile writer (docs/formats.md): the header comment, then each
message's section after a blank line."""

from __future__ import annotations

import os

from mdict.fileio import write_text_atomic
from mdict.model.modules import ModulesProfile


def format_modules(profile: ModulesProfile) -> str:
    """The canonical text of a modules profile."""
    out = [f"# {line}" if line else "#" for line in profile.header]
    for message in profile.messages:
        if out:
            out.append("")
        out.append(str(message))
    return "\n".join(out) + "\n" if out else ""


def write_modules(profile: ModulesProfile, path: str | os.PathLike[str]) -> None:
    """Write a modules profile's canonical text to ``path`` atomically."""
    write_text_atomic(path, format_modules(profile))
