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
    keys mdict does not know, in file order.
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


@dataclass(frozen=True, slots=True)
class ItemRef:
    """One ``NAME = NNNN`` line of ``[ITEM_TABLE]``."""

    name: str
    number: int
    loc: Location | None = field(default=None, compare=False, hash=False, repr=False)


@dataclass(frozen=True, slots=True)
class ServiceProfile:
    """A mergecom.srv: services in number order and the item table."""

    services: tuple[Service, ...]
    items: tuple[ItemRef, ...]
    source: str | None = field(default=None, compare=False, hash=False, repr=False)
