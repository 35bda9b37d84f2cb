"""The model of the mc3icomb configuration file (docs/formats.md, section 4)."""

from __future__ import annotations

from dataclasses import dataclass, field

from mdict.model.core import Location
from mdict.model.info import InfoLine

CONFIG_SECTIONS: tuple[str, ...] = (
    "EXISTING_SERVICE_SECTION",
    "PRIVATE_SERVICE_SECTION",
    "PRIVATE_ITEM_SECTION",
    "EXISTING_ITEM_SECTION",
)
MESSAGE = "MESSAGE"
"""The pseudo-command of a private service's definition block."""


@dataclass(frozen=True, slots=True)
class ConfigBlock:
    """``[ NAME, COMMAND ]`` with attribute lines, or ``[ NAME, MESSAGE ]``
    with ``KEY = value`` properties (UID, DESCRIPTION, TYPE, ...). Comments:
    ``loc.trivia`` above the block's header, each line's ``loc.trivia``,
    ``property_trivia`` (key -> lines) above its property lines."""

    name: str
    command: str
    lines: tuple[InfoLine, ...] = ()
    properties: tuple[tuple[str, str], ...] = ()
    loc: Location | None = field(default=None, compare=False, hash=False, repr=False)
    property_trivia: tuple[tuple[str, tuple[str, ...]], ...] = field(
        default=(), compare=False, hash=False, repr=False
    )


@dataclass(frozen=True, slots=True)
class CombineConfig:
    """An mc3icomb configuration: its four sections in order. Comments:
    ``header`` (on top), ``trailer`` (after the last line) and
    ``keyword_trivia`` (one tuple of lines per section keyword, above it)."""

    existing_services: tuple[ConfigBlock, ...] = ()
    private_services: tuple[ConfigBlock, ...] = ()
    private_items: tuple[ConfigBlock, ...] = ()
    existing_items: tuple[ConfigBlock, ...] = ()
    source: str | None = field(default=None, compare=False, hash=False, repr=False)
    header: tuple[str, ...] = field(default=(), compare=False, hash=False, repr=False)
    trailer: tuple[str, ...] = field(default=(), compare=False, hash=False, repr=False)
    keyword_trivia: tuple[tuple[str, ...], ...] = field(
        default=(), compare=False, hash=False, repr=False
    )
