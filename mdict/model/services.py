"""The model of mergecom.srv (docs/formats.md, section 2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from mdict.model.core import Location

ServiceType = Literal["BASE", "META"]


@dataclass(frozen=True, slots=True)
class Service:
    """One ``[NNNN]`` section of mergecom.srv.

    BASE services list ``commands`` (COMMAND_1..k in order); META services list
    ``sop_classes`` (SOP_CLASS_1..m: numbers of BASE services). ``extra`` keeps
    keys mdict does not know, in file order. Comments: ``loc.trivia`` above
    the ``[NNNN]`` line, ``table_trivia`` above its line in
    ``[SERVICE_TABLE]``, ``key_trivia`` (key -> lines) above its key lines.
    """

    number: int
    name: str
    type: ServiceType
    uid: str | None = None
    description: str | None = None
    commands: tuple[str, ...] = ()
    sop_classes: tuple[int, ...] = ()
    extra: tuple[tuple[str, str], ...] = ()
    loc: Location | None = field(default=None, compare=False, hash=False, repr=False)
    table_trivia: tuple[str, ...] = field(default=(), compare=False, hash=False, repr=False)
    key_trivia: tuple[tuple[str, tuple[str, ...]], ...] = field(
        default=(), compare=False, hash=False, repr=False
    )


@dataclass(frozen=True, slots=True)
class ItemRef:
    """One ``NAME = NNNN`` line of ``[ITEM_TABLE]``."""

    name: str
    number: int
    loc: Location | None = field(default=None, compare=False, hash=False, repr=False)


@dataclass(frozen=True, slots=True)
class ServiceProfile:
    """A mergecom.srv: services in number order and the item table.

    Comments: ``header`` (the banner on top), ``trailer`` (after the last
    line), ``table_trivia`` (anchor -> lines) above the lines that belong to
    no service or item: ``[SERVICE_TABLE]``, ``[ITEM_TABLE]`` and the two
    ``NUMBER_OF_*`` lines (anchored by those names)."""

    services: tuple[Service, ...]
    items: tuple[ItemRef, ...]
    source: str | None = field(default=None, compare=False, hash=False, repr=False)
    header: tuple[str, ...] = field(default=(), compare=False, hash=False, repr=False)
    trailer: tuple[str, ...] = field(default=(), compare=False, hash=False, repr=False)
    table_trivia: tuple[tuple[str, tuple[str, ...]], ...] = field(
        default=(), compare=False, hash=False, repr=False
    )
