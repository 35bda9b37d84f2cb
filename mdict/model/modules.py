"""The model of mdict's modules profile (``modules.pfl``, docs/formats.md):
which modules a message is made of, in IOD order, and the top-level
attributes each module contributes::

    [ CT_IMAGE, C_STORE_RQ ]
    Patient (M): 0010,0010 0010,0020
    Clinical Trial Subject (U, NEED_MODULE_CLINICAL_TRIAL_SUBJECT): 0012,0010

Each module line gives the module's name, its usage (M mandatory, C
conditional, U user option), the name of the usage condition if any, and the
tags the module contributes to the message (a tag belongs to the first module
that lists it). Merge profiles do not record modules; mdict generates this
profile for the standard messages from dicom3tools (tools/build_profiles.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from mdict.model.core import Location

Usage = Literal["M", "C", "U"]
USAGES: tuple[Usage, ...] = ("M", "C", "U")
MODULE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9'/&.+-]*( [A-Za-z0-9'/&.+-]+)*")
CONDITION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def format_tag(tag: int) -> str:
    """``0x00100010`` -> ``0010,0010``."""
    return f"{tag >> 16:04X},{tag & 0xFFFF:04X}"


@dataclass(frozen=True, slots=True)
class ModuleUse:
    """One module of a message: name ("Clinical Trial Subject"), usage, the
    usage condition's name (None for none) and the top-level tags
    (``group << 16 | element``) it contributes (written in tag order by
    the generator, kept in file order)."""

    name: str
    usage: Usage
    condition: str | None
    tags: tuple[int, ...]
    loc: Location | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        usage = self.usage if self.condition is None else f"{self.usage}, {self.condition}"
        tags = "".join(f" {format_tag(t)}" for t in self.tags)
        return f"{self.name} ({usage}):{tags}"


@dataclass(frozen=True, slots=True)
class MessageModules:
    """The modules of one message, in IOD order; the service by name."""

    service: str
    command: str
    modules: tuple[ModuleUse, ...]
    loc: Location | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        lines = [f"[ {self.service}, {self.command} ]", *(str(m) for m in self.modules)]
        return "\n".join(lines)

    def module_of(self) -> dict[int, ModuleUse]:
        """Tag -> the module it belongs to."""
        out: dict[int, ModuleUse] = {}
        for module in self.modules:
            for tag in module.tags:
                out.setdefault(tag, module)
        return out


@dataclass(frozen=True, slots=True)
class ModulesProfile:
    """Every message's modules, in profile order, and the header comment
    (the lines without ``#``)."""

    messages: tuple[MessageModules, ...]
    header: tuple[str, ...] = ()
    leading: tuple[str, ...] = field(default=(), compare=False, repr=False)
    """The header as written (comment and blank lines), when it was read."""
    trailer: tuple[str, ...] = field(default=(), compare=False, repr=False)
    """Comment lines after the last message, as written."""

    def get(self, service: str, command: str) -> MessageModules | None:
        for message in self.messages:
            if message.service == service and message.command == command:
                return message
        return None

    def __len__(self) -> int:
        return len(self.messages)
