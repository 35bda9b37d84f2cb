"""mc3icomb configuration writer (docs/formats.md): the four sections in order."""

from __future__ import annotations

import os

from mdict.fileio import write_text_atomic
from mdict.model.config import CONFIG_SECTIONS, MESSAGE, CombineConfig, ConfigBlock
from mdict.write._layout import emit, start, text, trivia_of
from mdict.write.info import add_lines
from mdict.write.services import service_line

BLOCK_GAP = 1
"""Blank lines before each block and before each section keyword but the first."""


def _add_block(out: list[str], block: ConfigBlock) -> None:
    emit(out, trivia_of(block.loc), BLOCK_GAP)
    out.append(f"[ {block.name}, {block.command} ]")
    if block.command == MESSAGE:
        comments = dict(block.property_trivia)
        for key, value in block.properties:
            emit(out, comments.get(key, ()))
            out.append(service_line(key, value))
    add_lines(out, block.lines)


def format_combine_config(config: CombineConfig) -> str:
    """The canonical text of a configuration, its comments where they were."""
    sections = (
        config.existing_services,
        config.private_services,
        config.private_items,
        config.existing_items,
    )
    keyword_trivia = config.keyword_trivia or ((),) * len(CONFIG_SECTIONS)
    out: list[str] = []
    start(out, config.header)
    for index, (keyword, blocks) in enumerate(zip(CONFIG_SECTIONS, sections, strict=True)):
        emit(out, keyword_trivia[index], BLOCK_GAP if index else 0)
        out.append(f"[ {keyword} ]")
        for block in blocks:
            _add_block(out, block)
    return text(out, config.trailer)


def write_combine_config(config: CombineConfig, path: str | os.PathLike[str]) -> None:
    """Write a configuration's canonical text to ``path`` atomically."""
    write_text_atomic(path, format_combine_config(config))
