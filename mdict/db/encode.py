"""Encode models into the database file (docs/database.md): the writer's half
of the format. :mod:`mdict.db.decode` reads the same shapes back.

File layout::

    MAGIC (8 bytes) | header length (u32 BE) | header CRC-32 (u32 BE)
    header (msgpack map) | body

The body is a run of blobs: first the index, then the dictionary, the
services, the conditions, the modules, the line table (each zlib-compressed
msgpack, its inflated size recorded in the index) and one blob per message
and item section, each found through the index so that a reader decodes only
what it is asked for. The header records the SHA-256 of the body and of every
source profile. Nothing in the file depends on time or place: the same inputs
give the same bytes.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import msgpack

from mdict import __version__
from mdict.db.format import (
    FORMAT,
    MAGIC,
    PREFIX,
    SCHEMA_VERSION,
    BorrowedConditions,
    Kind,
    Source,
    counts_of,
)
from mdict.model import (
    Dictionary,
    InfoLine,
    InfoProfile,
    Location,
    Service,
    ServiceProfile,
    Tag,
    ValueList,
)
from mdict.model.modules import ModulesProfile
from mdict.positions import PositionsProfile
from mdict.write import sorted_entries, sorted_sections

LEVEL = 6
"""zlib level of the compressed blobs (9 takes twice the time for 1% fewer bytes)."""


def encode_tag(tag: Tag) -> int | list[Any]:
    """Standard: ``group << 16 | element``; private: ``[group, creator, byte]``."""
    if tag.creator is None:
        return tag.group << 16 | tag.element
    return [tag.group, tag.creator, tag.element]


def _encode_values(
    kind: str,
    groups: Sequence[Sequence[str]],
    per_position: bool,
    separator: str,
    group_separator: str,
    spelling: str | None = None,
) -> list[Any]:
    """``[kind, groups]``, plus ``[per_position, separator, group separator]``
    when the layout is not the default one, plus the list's spelling as read
    when its separators are not all the same (docs/formats.md)."""
    out: list[Any] = [kind, [list(g) for g in groups]]
    styled = ValueList(kind, tuple(map(tuple, groups)), per_position, separator, group_separator)  # type: ignore[arg-type]
    mixed = spelling is not None and f"{kind}<{spelling}>" != str(styled)
    if per_position or separator != ", " or group_separator != " " or mixed:
        out += [per_position, separator, group_separator]
    if mixed:
        out.append(spelling)
    return out


def encode_service(service: Service) -> list[Any]:
    return [
        service.number,
        service.name,
        service.type,
        service.uid,
        service.description,
        list(service.commands),
        list(service.sop_classes),
        [list(pair) for pair in service.extra],
    ]


def _pack(value: object) -> bytes:
    data: bytes = msgpack.packb(value, use_bin_type=True)
    return data


def _numbered(numbers: dict[Any, int], key: Any) -> int:
    """The number of ``key`` among distinct keys in order of first use."""
    return numbers.setdefault(key, len(numbers))


def encode_dictionary(dictionary: Dictionary) -> list[Any]:
    """Columns in canonical order: ``[names, tags, VRs, VR numbers, VMs, VM
    numbers(, comments)]``; each VR and VM text is listed once; comments
    ``[header lines, trailer lines, [[row, lines above it], ...]]`` only
    when the dictionary has some."""
    entries = sorted_entries(dictionary.entries)
    vrs: dict[str, int] = {}
    vms: dict[str, int] = {}
    vr_numbers = [_numbered(vrs, e.vr) for e in entries]
    vm_numbers = [_numbered(vms, str(e.vm)) for e in entries]
    above = [[row, list(e.loc.trivia)] for row, e in enumerate(entries) if e.loc and e.loc.trivia]
    comments = [list(dictionary.header), list(dictionary.trailer), above]
    return [
        [e.name for e in entries],
        [encode_tag(e.tag) for e in entries],
        list(vrs),
        vr_numbers,
        list(vms),
        vm_numbers,
        *([comments] if any(comments) else []),
    ]


_TagKey = tuple[int, int, str | None]
_ValuesKey = tuple[str, tuple[tuple[str, ...], ...], bool, str, str]


class LineTable:
    """Every distinct attribute line, numbered in order of first use, with
    the distinct tags, VRs, value types and value lists they are made of; a
    section is then a run of line numbers."""

    def __init__(self) -> None:
        self.lines: dict[tuple[Any, ...], int] = {}
        self.tags: dict[_TagKey, int] = {}
        self.vrs: dict[str, int] = {}
        self.types: dict[tuple[str, str | None], int] = {}
        self.values: dict[_ValuesKey | None, int] = {None: 0}
        self.columns: tuple[list[int], list[int], list[int], list[int]] = ([], [], [], [])
        self.field4: list[list[Any]] = []

    def section(self, lines: Iterable[InfoLine]) -> list[int]:
        """The numbers of a section's lines, in canonical (tag) order; new
        lines are numbered as they come. Keys are tuples of plain values:
        hashing the frozen model objects costs several Python calls each."""
        get = self.lines.get
        numbers: list[int] = []
        order: list[tuple[int, str, int]] = []
        for line in lines:
            tag, vt, values = line.tag, line.vt, line.values
            group, element, creator = tag.group, tag.element, tag.creator
            key = (
                group,
                element,
                creator,
                line.vr,
                vt.type,
                vt.condition,
                None
                if values is None
                else (
                    values.kind,
                    values.groups,
                    values.per_position,
                    values.separator,
                    values.group_separator,
                    values.spelling,
                ),
                line.field4,
            )
            found = get(key)
            if found is None:
                found = self._add(key)
            numbers.append(found)
            order.append((group, "" if creator is None else creator + ",", element))
        if order != sorted(order):  # not in canonical order: sort, stably
            ranked = sorted(range(len(order)), key=order.__getitem__)
            numbers = [numbers[i] for i in ranked]
        return numbers

    def _add(self, key: tuple[Any, ...]) -> int:
        group, element, creator, vr, kind, condition, values, field4 = key
        number = self.lines[key] = len(self.lines)
        tags, vrs, types, values_column = self.columns
        tags.append(_numbered(self.tags, (group, element, creator)))
        vrs.append(_numbered(self.vrs, vr))
        types.append(_numbered(self.types, (kind, condition)))
        values_column.append(_numbered(self.values, values))
        if field4:
            self.field4.append([number, field4])
        return number

    def pack(self, numbers: Sequence[int]) -> bytes:
        """A section's line numbers, unsigned little-endian, ``width`` bytes each."""
        code = "H" if self.width == 2 else "I"
        return struct.pack(f"<{len(numbers)}{code}", *numbers)

    @property
    def width(self) -> int:
        """Bytes per line number: 2, or 4 past 65,536 distinct lines."""
        return 2 if len(self.lines) <= 0x10000 else 4

    def encode(self) -> list[Any]:
        """``[tags, VRs, value types, value lists, tag column, VR column,
        type column, values column, field 4]`` (docs/database.md)."""
        return [
            [g << 16 | e if c is None else [g, c, e] for g, e, c in self.tags],
            list(self.vrs),
            [list(t) for t in self.types],
            [_encode_values(*key) for key in self.values if key is not None],
            *self.columns,
            self.field4,
        ]


class _Body:
    """Blobs appended one after another; each remembers where it is:
    ``[offset, length]``, plus the inflated size for a zlib blob."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def add(self, blob: bytes) -> list[int]:
        where = [self.size, len(blob)]
        self.parts.append(blob)
        self.size += len(blob)
        return where

    def add_packed(self, value: object) -> list[int]:
        """``value`` as zlib-compressed msgpack: ``[offset, length, size]``."""
        packed = _pack(value)
        return [*self.add(zlib.compress(packed, LEVEL)), len(packed)]


def encode_database(
    kind: Kind,
    dictionary: Dictionary | None = None,
    services: ServiceProfile | None = None,
    info: InfoProfile | None = None,
    conditions: Mapping[str, str] | None = None,
    sources: Iterable[Source] = (),
    modules: ModulesProfile | None = None,
    borrowed: BorrowedConditions | None = None,
    positions: PositionsProfile | None = None,
) -> bytes:
    """The database file for these models, without checking them."""
    body = _Body()
    index: dict[str, Any] = {}
    if dictionary is not None:
        index["dictionary"] = body.add_packed(encode_dictionary(dictionary))
    if services is not None:
        table = [
            [encode_service(s) for s in sorted(services.services, key=lambda s: s.number)],
            [[i.name, i.number] for i in sorted(services.items, key=lambda i: i.name)],
        ]
        index["services"] = body.add_packed(table)
        index["service_keys"] = [[s[0], s[1], s[3]] for s in table[0]]
        index["item_table"] = table[1]
    if conditions:
        index["conditions"] = body.add_packed(encode_conditions(conditions))
    if modules is not None:
        index["modules"] = body.add_packed(encode_modules(modules))
    if borrowed:
        index["borrowed"] = body.add_packed(encode_borrowed(borrowed))
    if positions is not None:
        index["positions"] = body.add_packed(encode_positions(positions))
    if info is not None:
        _encode_sections(body, index, info, services)
    counts = counts_of(dictionary, services, info, conditions, modules, positions)
    if borrowed:
        counts["borrowed"] = len(borrowed.uses)
    return _file(kind, index, body, sources, counts)


def _encode_sections(
    body: _Body, index: dict[str, Any], info: InfoProfile, services: ServiceProfile | None
) -> None:
    """The line table, then one blob of line numbers per section."""
    ordered = sorted_sections(info.sections, services)
    lines = LineTable()
    numbers = [lines.section(s.lines) for s in ordered]
    blobs = [lines.pack(n) for n in numbers]
    index["lines"] = body.add_packed(lines.encode())
    index["line_width"] = lines.width
    messages: list[list[Any]] = []
    items: list[list[Any]] = []
    for section, blob in zip(ordered, blobs, strict=True):
        where = body.add(blob)
        if section.is_item:
            items.append([section.number, *where])
        else:
            messages.append([section.number, section.command, *where])
    index["messages"] = messages
    index["items"] = items


def _file(
    kind: Kind, index: dict[str, Any], body: _Body, sources: Iterable[Source], counts: Any
) -> bytes:
    """Magic, prefix, header and body."""
    index_blob = _pack(index)
    payload = index_blob + b"".join(body.parts)
    header = {
        "format": FORMAT,
        "schema": SCHEMA_VERSION,
        "mdict_version": __version__,
        "kind": kind,
        "sources": [[s.role, s.file, s.sha256] for s in sources],
        "counts": counts,
        "index_length": len(index_blob),
        "body_length": len(payload),
        "body_sha256": hashlib.sha256(payload).hexdigest(),
    }
    header_blob = _pack(header)
    prefix = PREFIX.pack(len(header_blob), zlib.crc32(header_blob))
    return MAGIC + prefix + header_blob + payload


def encode_borrowed(borrowed: BorrowedConditions) -> list[Any]:
    """``[[[section number, command, tag, name, standard name], ...],
    [[standard name, expression text], ...]]``, uses in (number, command,
    tag) order, definitions by name."""
    rows = sorted(borrowed.uses, key=lambda b: (b.number, b.command, b.tag))
    uses = [[b.number, b.command, b.tag, b.name, b.standard] for b in rows]
    return [uses, [[name, text] for name, text in sorted(borrowed.definitions.items())]]


def encode_conditions(conditions: Mapping[str, str]) -> list[Any]:
    """``[header lines, [[name, expression text, comment lines(, note)], ...]]``
    in the mapping's (the profile's) order; the note (the comment that ended
    the definition's lines) only where there is one."""
    header: Sequence[str] = getattr(conditions, "header", ())
    comments: Mapping[str, Sequence[str]] = getattr(conditions, "comments", {})
    notes: Mapping[str, str] = getattr(conditions, "notes", {})
    rows = []
    for name, text in conditions.items():
        row: list[Any] = [name, text, list(comments.get(name, ()))]
        if notes.get(name):
            row.append(notes[name])
        rows.append(row)
    return [list(header), rows]


def _comments(loc: Location | None) -> list[Any]:
    """``[[trivia lines, note]]`` for a thing read with comments above it or
    at the end of its line, else nothing (the row keeps its short form)."""
    if loc is None or not (loc.trivia or loc.note):
        return []
    return [[list(loc.trivia), loc.note]]


def _trailer(profile: Any) -> list[Any]:
    trailer: tuple[str, ...] = getattr(profile, "trailer", ())
    return [list(trailer)] if trailer else []


def encode_modules(modules: ModulesProfile) -> list[Any]:
    """``[header lines, [[service, command, [[name, usage, condition or nil,
    [tag, ...](, comments)], ...](, comments)], ...](, trailer lines)]`` in
    the profile's order; comments ``[trivia lines, note]`` only where there
    are some."""
    rows = [
        [
            m.service,
            m.command,
            [[u.name, u.usage, u.condition, list(u.tags), *_comments(u.loc)] for u in m.modules],
            *_comments(m.loc),
        ]
        for m in modules.messages
    ]
    return [list(modules.header), rows, *_trailer(modules)]


def encode_positions(positions: PositionsProfile) -> list[Any]:
    """``[header lines, [[name, command, [[tag, [[index, kind or nil,
    required], ...](, comments)], ...](, comments)], ...](, trailer lines)]``
    in the profile's order (comments as in :func:`encode_modules`)."""
    rows = [
        [
            s.name,
            s.command,
            [
                [a.tag, [[p.index, p.kind, p.required] for p in a.positions], *_comments(a.loc)]
                for a in s.attributes
            ],
            *_comments(s.loc),
        ]
        for s in positions.sections
    ]
    return [list(positions.header), rows, *_trailer(positions)]
