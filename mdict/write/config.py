"""mc3icomb configuration writer (docs/formats.md): the four sections in order."""

from __future__ import annotations

import os

from mdict.fileio import write_text_atomic
from mdict.model.config import CONFIG_SECTIONS, MESSAGE, CombineConfig, ConfigBlock
from mdict.write.info import format_info_line, sorted_lines
from mdict.write.services import service_line


def _format_block(block: ConfigBlock) -> list[str]:
    out = [f"[ {block.name}, {block.command} ]\n"]
    if block.command == MESSAGE:
        out.extend(service_line(k, v) for k, v in block.properties)
    out.extend(format_info_line(ln) + "\n" for ln in sorted_lines(block.lines))
    out.append("\n")
    return out


def format_combine_config(config: CombineConfig) -> str:
    """The canonical text of a configuration."""
    sections = (
        config.existing_services,
        config.private_services,
        config.private_items,
        config.existing_items,
    )
    out: list[str] = []
    for keyword, blocks in zip(CONFIG_SECTIONS, sections, strict=True):
        out.append(f"[ {keyword} ]\n")
        out.append("\n")
        for block in blocks:
            out.extend(_format_block(block))
    text = "".join(out)
    return text.rstrip("\n") + "\n"


def write_combine_config(config: CombineConfig, path: str | os.PathLike[str]) -> None:
    """Write a configuration's canonical text to ``path`` atomically."""
    write_text_atomic(path, format_combine_config(config))
