"""Compile profiles into a binary message database (``mrgcom3.msg``) or a
binary dictionary (``mrgcom3.dct``), and write a database back as profiles.

File layout (docs/database.md)::

    MAGIC (8 bytes) | header length (u32 BE) | header CRC-32 (u32 BE)
    header (msgpack map) | body

The body is a run of msgpack blobs: first the index, then the dictionary
(zlib), the services, the conditions and one blob per message and item
section, each found through the index so that a loader decodes only what it
is asked for. The header records the SHA-256 of the body and of every source
profile. Nothing in the file depends on time or place: the same inputs give
the same bytes.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import struct
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import msgpack

from mdict import __version__
from mdict.check import check_dictionary, check_info, check_services
from mdict.errors import Diagnostic, InputFileError, ProfileError
from mdict.fileio import read_bytes
from mdict.model import (
    Dictionary,
    InfoLine,
    InfoProfile,
    InfoSection,
    Location,
    Service,
    ServiceProfile,
    Tag,
    ValueList,
)
from mdict.model.modules import ModulesProfile
from mdict.parse.modules import read_modules
from mdict.write import sorted_entries, sorted_sections

MAGIC = b"MDICTDB\x1a"
FORMAT = "mdict-message-database"
SCHEMA_VERSION = 2
PREFIX = struct.Struct(">II")
"""Header length and the CRC-32 of the header, after the magic."""

Kind = Literal["dictionary", "messages"]
Role = Literal["dictionary", "services", "info", "conditions", "modules"]
ROLES: tuple[Role, ...] = ("dictionary", "services", "info", "conditions", "modules")
DEFAULT_NAMES: dict[Role, str] = {
    "dictionary": "diction.pfl",
    "services": "mergecom.srv",
    "info": "info.pfl",
    "conditions": "conditions.pfl",
    "modules": "modules.pfl",
}
PROGRESS_STEP = 100
LEVEL = 6
"""zlib level of the compressed blobs (9 takes twice the time for 1% fewer bytes)."""


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


def source_of_text(text: str, role: Role, file: str | None = None) -> Source:
    """The digest record of a profile that exists only as text."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Source(role, file or DEFAULT_NAMES[role], digest)


@dataclass(frozen=True, slots=True)
class Compiled:
    """A compiled database: its bytes, the warnings found, and what it holds."""

    data: bytes
    warnings: tuple[Diagnostic, ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# Encoding the model (load.py decodes the same shapes)
# ---------------------------------------------------------------------------


def encode_tag(tag: Tag) -> int | list[Any]:
    """Standard: ``group << 16 | element``; private: ``[group, creator, byte]``."""
    if tag.creator is None:
        return tag.group << 16 | tag.element
    return [tag.group, tag.creator, tag.element]


def encode_values(values: ValueList) -> list[Any]:
    """``[kind, groups]``, plus the layout when it is not the default one."""
    return _encode_values(
        values.kind, values.groups, values.per_position, values.separator, values.group_separator
    )


def _encode_values(
    kind: str,
    groups: Sequence[Sequence[str]],
    per_position: bool,
    separator: str,
    group_separator: str,
) -> list[Any]:
    out: list[Any] = [kind, [list(g) for g in groups]]
    if per_position or separator != ", " or group_separator != " ":
        out += [per_position, separator, group_separator]
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
    numbers]``; each VR and VM text is listed once."""
    entries = sorted_entries(dictionary.entries)
    vrs: dict[str, int] = {}
    vms: dict[str, int] = {}
    vr_numbers = [_numbered(vrs, e.vr) for e in entries]
    vm_numbers = [_numbered(vms, str(e.vm)) for e in entries]
    return [
        [e.name for e in entries],
        [encode_tag(e.tag) for e in entries],
        list(vrs),
        vr_numbers,
        list(vms),
        vm_numbers,
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
    """Blobs appended one after another; each remembers its [offset, length]."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def add(self, blob: bytes) -> list[int]:
        where = [self.size, len(blob)]
        self.parts.append(blob)
        self.size += len(blob)
        return where


def encode_database(
    kind: Kind,
    dictionary: Dictionary | None = None,
    services: ServiceProfile | None = None,
    info: InfoProfile | None = None,
    conditions: Mapping[str, str] | None = None,
    sources: Iterable[Source] = (),
    modules: ModulesProfile | None = None,
) -> bytes:
    """The database file for these models, without checking them."""
    body = _Body()
    index: dict[str, Any] = {}
    if dictionary is not None:
        index["dictionary"] = body.add(zlib.compress(_pack(encode_dictionary(dictionary)), LEVEL))
    if services is not None:
        table = [
            [encode_service(s) for s in sorted(services.services, key=lambda s: s.number)],
            [[i.name, i.number] for i in sorted(services.items, key=lambda i: i.name)],
        ]
        index["services"] = body.add(zlib.compress(_pack(table), LEVEL))
        index["service_keys"] = [[s[0], s[1], s[3]] for s in table[0]]
        index["item_table"] = table[1]
    if conditions:
        index["conditions"] = body.add(zlib.compress(_pack(encode_conditions(conditions)), LEVEL))
    if modules is not None:
        index["modules"] = body.add(zlib.compress(_pack(encode_modules(modules)), LEVEL))
    if info is not None:
        ordered = sorted_sections(info.sections, services)
        lines = LineTable()
        numbers = [lines.section(s.lines) for s in ordered]
        blobs = [lines.pack(n) for n in numbers]
        index["lines"] = body.add(zlib.compress(_pack(lines.encode()), LEVEL))
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
    index_blob = _pack(index)
    payload = index_blob + b"".join(body.parts)
    header = {
        "format": FORMAT,
        "schema": SCHEMA_VERSION,
        "mdict_version": __version__,
        "kind": kind,
        "sources": [[s.role, s.file, s.sha256] for s in sources],
        "counts": counts_of(dictionary, services, info, conditions, modules),
        "index_length": len(index_blob),
        "body_length": len(payload),
        "body_sha256": hashlib.sha256(payload).hexdigest(),
    }
    header_blob = _pack(header)
    prefix = PREFIX.pack(len(header_blob), zlib.crc32(header_blob))
    return MAGIC + prefix + header_blob + payload


def counts_of(
    dictionary: Dictionary | None,
    services: ServiceProfile | None,
    info: InfoProfile | None,
    conditions: Mapping[str, str] | None,
    modules: ModulesProfile | None = None,
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
    return counts


# ---------------------------------------------------------------------------
# Compile-time checks
# ---------------------------------------------------------------------------


def _diag(loc: Location | None, message: str, severity: Literal["error", "warning"]) -> Diagnostic:
    if loc is None:
        return Diagnostic("<model>", 1, 1, message, severity)
    return Diagnostic(loc.file, loc.line, loc.column, message, severity)


def check_sections(info: InfoProfile, services: ServiceProfile) -> list[Diagnostic]:
    """What mdict.check leaves to the compiler: each section once, each SQ's
    item defined by a section, each ITEM_TABLE entry with its section."""
    out: list[Diagnostic] = []
    seen: dict[tuple[int, str], InfoSection] = {}
    for section in info.sections:
        key = (section.number, section.command)
        first = seen.setdefault(key, section)
        if first is not section:
            where = f" (first at line {first.loc.line})" if first.loc is not None else ""
            out.append(
                _diag(
                    section.loc,
                    f"expected each section once, found [ {section.number:04d},"
                    f" {section.command} ] again{where}",
                    "error",
                )
            )
    defined = {s.number for s in info.sections if s.is_item}
    by_name = {i.name: i for i in services.items}
    used: set[str] = set()
    for section in info.sections:
        for line in section.lines:
            if line.vr != "SQ" or line.values is None:
                continue
            for name in line.item_names:
                used.add(name)
                ref = by_name.get(name)
                if ref is not None and ref.number not in defined:
                    out.append(
                        _diag(
                            line.loc,
                            f"expected a [ {ref.number:04d}, ITEM ] section for item {name}"
                            f" (named by {line.tag.display}), found none",
                            "error",
                        )
                    )
    for ref in services.items:
        if ref.number not in defined and ref.name not in used:
            out.append(
                _diag(
                    ref.loc,
                    f"item {ref.name} ({ref.number:04d}) of the [ITEM_TABLE] has no"
                    " [ NNNN, ITEM ] section in the info profile",
                    "warning",
                )
            )
    return out


def condition_uses(info: InfoProfile) -> Counter[str]:
    """How many lines use each condition name."""
    uses = Counter(line.vt.condition for section in info.sections for line in section.lines)
    uses.pop(None, None)
    return uses  # type: ignore[return-value]


def name_reader() -> Callable[[str], object] | None:
    """mdict.conditions.names' reader of Merge-style names, when it is installed."""
    try:
        module: Any = importlib.import_module("mdict.conditions.names")
    except ModuleNotFoundError:
        return None
    reader = getattr(module, "parse_name", None)
    return reader if callable(reader) else None


def unknown_conditions(info: InfoProfile, conditions: Mapping[str, str] | None) -> list[Diagnostic]:
    """One warning per condition name that neither the conditions profile
    defines nor mdict.condnames reads, with its use count."""
    defined = conditions or {}
    read = name_reader()
    unknown = {
        name: count
        for name, count in sorted(condition_uses(info).items())
        if name not in defined and (read is None or not _reads(read, name))
    }
    first: dict[str, InfoLine] = {}
    if unknown:
        for section in info.sections:
            for line in section.lines:
                name = line.vt.condition
                if name in unknown and name not in first:
                    first[name] = line
    out: list[Diagnostic] = []
    for name, count in unknown.items():
        uses = "1 line" if count == 1 else f"{count} lines"
        out.append(
            _diag(
                first[name].loc,
                f"condition {name} is not defined (used by {uses}); it will not be evaluated",
                "warning",
            )
        )
    return out


def _reads(read: Callable[[str], object], name: str) -> bool:
    try:
        return read(name) is not None
    except Exception:  # a name the convention does not cover is simply unknown
        return False


def check_messages(
    dictionary: Dictionary,
    services: ServiceProfile,
    info: InfoProfile,
    conditions: Mapping[str, str] | None = None,
) -> list[Diagnostic]:
    """Every compile-time check, errors and warnings, in file order per profile."""
    return [
        *check_dictionary(dictionary),
        *check_services(services),
        *check_info(info, dictionary, services),
        *check_sections(info, services),
        *unknown_conditions(info, conditions),
    ]


def check_modules(
    modules: ModulesProfile, services: ServiceProfile, info: InfoProfile
) -> list[Diagnostic]:
    """Warnings: a modules-profile section whose service is unknown or whose
    message the info profile does not hold (it is kept but never used)."""
    by_name = {s.name: s.number for s in services.services}
    held = {(x.number, x.command) for x in info.sections if not x.is_item}
    out: list[Diagnostic] = []
    for message in modules.messages:
        loc = message.loc
        where = (loc.file, loc.line) if loc is not None else ("<modules>", 1)
        number = by_name.get(message.service)
        if number is None:
            problem = f"service {message.service} is not in the service profile"
        elif (number, message.command) not in held:
            problem = f"the info profile has no [ {number:04d}, {message.command} ] section"
        else:
            continue
        out.append(
            Diagnostic(
                where[0],
                where[1],
                1,
                f"modules of [ {message.service}, {message.command} ]: {problem}",
                "warning",
            )
        )
    return out


def _split(found: Sequence[Diagnostic]) -> tuple[Diagnostic, ...]:
    """Raise on errors; return the warnings."""
    errors = [d for d in found if d.severity == "error"]
    if errors:
        raise ProfileError(errors)
    return tuple(d for d in found if d.severity == "warning")


def compile_dictionary(dictionary: Dictionary, sources: Iterable[Source] = ()) -> Compiled:
    """A dictionary database (``mrgcom3.dct``); duplicate tags are errors."""
    warnings = _split(check_dictionary(dictionary))
    data = encode_database("dictionary", dictionary=dictionary, sources=sources)
    return Compiled(data, warnings, counts_of(dictionary, None, None, None))


def compile_messages(
    dictionary: Dictionary,
    services: ServiceProfile,
    info: InfoProfile,
    conditions: Mapping[str, str] | None = None,
    sources: Iterable[Source] = (),
    modules: ModulesProfile | None = None,
) -> Compiled:
    """A message database (``mrgcom3.msg``) holding the profiles (conditions
    and modules optional)."""
    found = check_messages(dictionary, services, info, conditions)
    if modules is not None:
        found += check_modules(modules, services, info)
    warnings = _split(found)
    data = encode_database("messages", dictionary, services, info, conditions, sources, modules)
    return Compiled(data, warnings, counts_of(dictionary, services, info, conditions, modules))


# ---------------------------------------------------------------------------
# Conditions profiles
# ---------------------------------------------------------------------------


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
    ) -> None:
        super().__init__(texts)
        self.header: tuple[str, ...] = tuple(header)
        self.comments: dict[str, tuple[str, ...]] = {
            name: tuple(lines) for name, lines in (comments or {}).items() if lines
        }


def condition_texts(profile: Any) -> ConditionTexts:
    """Name -> canonical expression text from what mdict.conditions reads
    (a mapping, or definitions carrying a name and a printable expression),
    with the comments when the profile has them."""
    if isinstance(profile, Mapping):
        texts = ((str(name), str(text)) for name, text in profile.items())
        return ConditionTexts(
            texts, getattr(profile, "header", ()), getattr(profile, "comments", None)
        )
    items: list[Any] = list(getattr(profile, "definitions", profile))
    return ConditionTexts(
        [(str(d.name), str(d.expression)) for d in items],
        getattr(profile, "header", ()),
        {str(d.name): tuple(getattr(d, "comment", ())) for d in items},
    )


def encode_conditions(conditions: Mapping[str, str]) -> list[Any]:
    """``[header lines, [[name, expression text, comment lines], ...]]`` in
    the mapping's (the profile's) order."""
    header: Sequence[str] = getattr(conditions, "header", ())
    comments: Mapping[str, Sequence[str]] = getattr(conditions, "comments", {})
    rows = [[name, text, list(comments.get(name, ()))] for name, text in conditions.items()]
    return [list(header), rows]


def read_condition_texts(path: str | os.PathLike[str]) -> ConditionTexts:
    """A conditions profile read with mdict.conditions.read_conditions."""
    try:
        module: Any = importlib.import_module("mdict.conditions")
    except ModuleNotFoundError:
        raise InputFileError(
            os.fspath(path), "conditions profiles need mdict.conditions, not in this build"
        ) from None
    return condition_texts(module.read_conditions(path))


def encode_modules(modules: ModulesProfile) -> list[Any]:
    """``[header lines, [[service, command, [[name, usage, condition or nil,
    [tag, ...]], ...]], ...]]`` in the profile's order."""
    rows = [
        [m.service, m.command, [[u.name, u.usage, u.condition, list(u.tags)] for u in m.modules]]
        for m in modules.messages
    ]
    return [list(modules.header), rows]


# ---------------------------------------------------------------------------
# From files
# ---------------------------------------------------------------------------


def compile_dictionary_file(path: str | os.PathLike[str]) -> Compiled:
    """Read, check and compile a dictionary profile."""
    from mdict.parse import read_dictionary

    return compile_dictionary(read_dictionary(path), [source_of(path, "dictionary")])


def compile_message_files(
    info: str | os.PathLike[str],
    services: str | os.PathLike[str],
    dictionary: str | os.PathLike[str],
    conditions: str | os.PathLike[str] | None = None,
    modules: str | os.PathLike[str] | None = None,
) -> Compiled:
    """Read, check and compile the profiles of a message database."""
    from mdict.parse import read_dictionary, read_info, read_services

    read_first = source_of(info, "info")  # a missing info profile is the error to report
    sources = [source_of(dictionary, "dictionary"), source_of(services, "services"), read_first]
    texts = None
    if conditions is not None:
        texts = read_condition_texts(conditions)
        sources.append(source_of(conditions, "conditions"))
    module_profile = None
    if modules is not None:
        module_profile = read_modules(modules)
        sources.append(source_of(modules, "modules"))
    return compile_messages(
        read_dictionary(dictionary),
        read_services(services),
        read_info(info),
        texts,
        sources,
        module_profile,
    )


def condition_names(count: int) -> str:
    """``1 condition name is not defined``, ``2 condition names are ...``."""
    if count == 1:
        return "1 condition name is not defined"
    return f"{count} condition names are not defined"
