"""The database file format's constants and the records both sides share:
magic, schema version, header, source digests, size limits, the condition
texts a database stores (docs/database.md).

This module is all the writer (:mod:`mdict.db.build`, :mod:`mdict.db.encode`)
and the reader (:mod:`mdict.db.decode`, :mod:`mdict.db.database`) have in
common; the reader imports nothing else of the writer.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mdict import formats
from mdict.fileio import read_bytes

if TYPE_CHECKING:
    from mdict.model import Dictionary, InfoProfile, ServiceProfile
    from mdict.model.modules import ModulesProfile
    from mdict.positions import PositionsProfile

MAGIC = b"MDICTDB\x1a"
FORMAT = "mdict-message-database"
SCHEMA_VERSION = 3
"""3: every zlib section records its inflated size; optional ``borrowed``."""
PREFIX = struct.Struct(">II")
"""Header length and the CRC-32 of the header, after the magic."""

MAX_HEADER = 1 << 20
"""The largest header a reader accepts (a real one is a few hundred bytes)."""
MAX_SECTION = 64 << 20
"""The largest inflated size of one zlib section (the standard dictionary,
the biggest, is 0.8 MB); checked before inflating."""
MAX_INFLATED = 256 << 20
"""The largest inflated size of all zlib sections together."""
MAX_RATIO = 1100
"""zlib cannot inflate more than about 1,032 bytes per compressed byte: a
section claiming more is corrupt."""

Kind = Literal["dictionary", "messages"]
Role = Literal["dictionary", "services", "info", "conditions", "modules", "positions"]
ROLES: tuple[Role, ...] = ("dictionary", "services", "info", "conditions", "modules", "positions")
"""The profile kinds a message database holds (every kind of
:mod:`mdict.formats` but the mc3icomb configuration), in registry order."""
REQUIRED_ROLES: tuple[Role, ...] = ("dictionary", "services", "info")
"""The roles a message database is compiled from; the others are optional."""
OPTIONAL_ROLES: tuple[Role, ...] = tuple(r for r in ROLES if r not in REQUIRED_ROLES)
DEFAULT_NAMES: dict[Role, str] = {role: formats.get(role).default_name for role in ROLES}
"""Each role's file name in a profiles folder (the registry's)."""
DEFAULT_DATABASE = "mrgcom3.msg"
"""The standard database's file name inside the ``mdict.data`` package."""
ZLIB_SECTIONS = (
    "dictionary",
    "services",
    "conditions",
    "modules",
    "lines",
    "borrowed",
    "positions",
)
"""Index keys whose blob is zlib-compressed msgpack: ``[offset, length, size]``."""


@dataclass(frozen=True, slots=True)
class Source:
    """A profile a database was compiled from: its role, file name (no folder)
    and the SHA-256 of its bytes (of its canonical text when it had no file)."""

    role: Role
    file: str
    sha256: str


def source_of(path: str | os.PathLike[str], role: Role) -> Source:
    """The digest record of a profile file."""
    data = read_bytes(path)
    return Source(role, Path(os.fspath(path)).name, hashlib.sha256(data).hexdigest())


@dataclass(frozen=True, slots=True)
class Header:
    """What a database file says about itself."""

    format: str
    schema: int
    mdict_version: str
    kind: Kind
    sources: tuple[Source, ...]
    counts: Mapping[str, int]

    def source(self, role: Role) -> Source | None:
        return next((s for s in self.sources if s.role == role), None)


def counts_of(
    dictionary: Dictionary | None,
    services: ServiceProfile | None,
    info: InfoProfile | None,
    conditions: Mapping[str, str] | None,
    modules: ModulesProfile | None = None,
    positions: PositionsProfile | None = None,
) -> dict[str, int]:
    """What a database holds, for its header and the tools' summaries."""
    counts: dict[str, int] = {}
    if dictionary is not None:
        counts["entries"] = len(dictionary.entries)
    if services is not None:
        counts["services"] = len(services.services)
        counts["item_table"] = len(services.items)
    if info is not None:
        counts["messages"] = sum(1 for s in info.sections if not s.is_item)
        counts["items"] = sum(1 for s in info.sections if s.is_item)
        counts["lines"] = sum(len(s.lines) for s in info.sections)
    if conditions is not None:
        counts["conditions"] = len(conditions)
    if modules is not None:
        counts["modules"] = len(modules.messages)
    if positions is not None:
        counts["positions"] = len(positions.sections)
    return counts


class ConditionTexts(dict[str, str]):
    """Name -> canonical expression text in profile order, with the profile's
    comments: ``header`` (the opening block) and ``comments`` (the lines
    written above a definition), without the ``#``. A database stores all of
    it, so that decompiling writes the conditions profile back."""

    def __init__(
        self,
        texts: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        header: Iterable[str] = (),
        comments: Mapping[str, Sequence[str]] | None = None,
        notes: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(texts)
        self.header: tuple[str, ...] = tuple(header)
        self.comments: dict[str, tuple[str, ...]] = {
            name: tuple(lines) for name, lines in (comments or {}).items() if lines
        }
        self.notes: dict[str, str] = {name: note for name, note in (notes or {}).items() if note}
        """The comment that ended a definition's lines (``# why``), as written."""


def condition_texts(profile: Any) -> ConditionTexts:
    """Name -> canonical expression text from what mdict.conditions reads
    (a mapping, or definitions carrying a name and a printable expression),
    with the comments when the profile has them."""
    if isinstance(profile, Mapping):
        texts = ((str(name), str(text)) for name, text in profile.items())
        return ConditionTexts(
            texts,
            getattr(profile, "header", ()),
            getattr(profile, "comments", None),
            getattr(profile, "notes", None),
        )
    items: list[Any] = list(getattr(profile, "definitions", profile))
    return ConditionTexts(
        [(str(d.name), str(d.expression)) for d in items],
        getattr(profile, "header", ()),
        {str(d.name): tuple(getattr(d, "comment", ())) for d in items},
        {str(d.name): getattr(getattr(d, "loc", None), "note", "") for d in items},
    )


@dataclass(frozen=True, slots=True)
class Borrowed:
    """One attribute line whose condition name neither the naming convention
    nor the database's conditions profile defines, with the condition the
    standard database has for the same attribute (same SOP Class UID,
    command and tag path, on every path that reaches the line): the line's
    section (``number`` and ``command``: a service number and command, or
    an item number and ``ITEM``) and ``tag`` (packed ``group << 16 |
    element``), ``name`` the condition name used there and ``standard`` the
    standard database's name for it (defined in
    :attr:`BorrowedConditions.definitions` or read by the naming
    convention)."""

    number: int
    command: str
    tag: int
    name: str
    standard: str


@dataclass(frozen=True, slots=True)
class BorrowedConditions:
    """Every borrowed use, and the standard's definitions they need (the
    conditions they name and the ones those name in turn), name -> text."""

    uses: tuple[Borrowed, ...] = ()
    definitions: Mapping[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.uses)

    def by_name(self) -> dict[str, str | None]:
        """Condition name -> the standard's name when every borrowed use of
        the name agrees on it, else None."""
        out: dict[str, str | None] = {}
        for use in self.uses:
            if out.setdefault(use.name, use.standard) != use.standard:
                out[use.name] = None
        return out
