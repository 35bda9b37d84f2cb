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

from . import __version__
from .check import check_dictionary, check_info, check_services
from .errors import Diagnostic, InputFileError, ProfileError
from .fileio import read_bytes
from .model import (
    DictEntry,
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
from .write import sorted_entries, sorted_lines, sorted_sections

MAGIC = b"MDICTDB\x1a"
FORMAT = "mdict-message-database"
SCHEMA_VERSION = 1
PREFIX = struct.Struct(">II")
"""Header length and the CRC-32 of the header, after the magic."""

Kind = Literal["dictionary", "messages"]
Role = Literal["dictionary", "services", "info", "conditions"]
ROLES: tuple[Role, ...] = ("dictionary", "services", "info", "conditions")
DEFAULT_NAMES: dict[Role, str] = {
    "dictionary": "diction.pfl",
    "services": "mergecom.srv",
    "info": "info.pfl",
    "conditions": "conditions.pfl",
}
PROGRESS_STEP = 100


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


def encode_entry(entry: DictEntry) -> list[Any]:
    return [entry.name, encode_tag(entry.tag), entry.vr, str(entry.vm)]


def encode_values(values: ValueList) -> list[Any]:
    """``[kind, groups]``, plus the layout when it is not the default one."""
    out: list[Any] = [values.kind, [list(g) for g in values.groups]]
    if values.per_position or values.separator != ", " or values.group_separator != " ":
        out += [values.per_position, values.separator, values.group_separator]
    return out


def encode_line(line: InfoLine) -> list[Any]:
    """``[tag, VR, type, condition, values]`` plus field 4 when it is not empty."""
    values = encode_values(line.values) if line.values is not None else None
    out = [encode_tag(line.tag), line.vr, line.vt.type, line.vt.condition, values]
    if line.field4:
        out.append(line.field4)
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


def _array(packed: Sequence[bytes]) -> bytes:
    """A msgpack array of already packed elements."""
    count = len(packed)
    if count < 16:
        head = bytes([0x90 | count])
    elif count < 0x10000:
        head = b"\xdc" + count.to_bytes(2, "big")
    else:
        head = b"\xdd" + count.to_bytes(4, "big")
    return head + b"".join(packed)


PRESET_SIZE = 32 * 1024


def preset_dictionary(sections: Sequence[Sequence[bytes]]) -> bytes:
    """A zlib preset dictionary of the packed lines that repeat most (the
    most frequent last, nearest to the data): small sections compress well."""
    counts = Counter(line for lines in sections for line in lines)
    chosen: list[bytes] = []
    size = 0
    for line, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if count < 2 or size + len(line) > PRESET_SIZE:
            break
        chosen.append(line)
        size += len(line)
    return b"".join(reversed(chosen))


RAW_DEFLATE = -15
"""zlib window bits for raw deflate (no zlib header: the body has its SHA-256)."""
SECTION_LEVEL = 3
"""Deflate level of sections: half the time of level 9 for 7% more bytes."""


def primed_compressor(preset: bytes) -> Any:
    """A compressor with the preset dictionary loaded, copied for each
    section (loading the preset once instead of per section)."""
    if not preset:
        return zlib.compressobj(SECTION_LEVEL, zlib.DEFLATED, RAW_DEFLATE)
    return zlib.compressobj(SECTION_LEVEL, zlib.DEFLATED, RAW_DEFLATE, zdict=preset)


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
) -> bytes:
    """The database file for these models, without checking them."""
    body = _Body()
    index: dict[str, Any] = {}
    if dictionary is not None:
        rows = [encode_entry(e) for e in sorted_entries(dictionary.entries)]
        index["dictionary"] = body.add(zlib.compress(_pack(rows), 9))
    if services is not None:
        table = [
            [encode_service(s) for s in sorted(services.services, key=lambda s: s.number)],
            [[i.name, i.number] for i in sorted(services.items, key=lambda i: i.name)],
        ]
        index["services"] = body.add(zlib.compress(_pack(table), 9))
        index["service_keys"] = [[s[0], s[1], s[3]] for s in table[0]]
        index["item_table"] = table[1]
    if conditions:
        rows = [[k, conditions[k]] for k in sorted(conditions)]
        index["conditions"] = body.add(zlib.compress(_pack(rows), 9))
    if info is not None:
        messages: list[list[Any]] = []
        items: list[list[Any]] = []
        ordered = sorted_sections(info.sections, services)
        pack = msgpack.Packer(use_bin_type=True).pack
        rows = [[pack(encode_line(ln)) for ln in sorted_lines(s.lines)] for s in ordered]
        preset = preset_dictionary(rows)
        index["preset"] = body.add(preset)
        primed = primed_compressor(preset)
        for section, packed in zip(ordered, rows, strict=True):
            packer = primed.copy()
            where = body.add(packer.compress(_array(packed)) + packer.flush())
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
        "counts": counts_of(dictionary, services, info, conditions),
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
    return Counter(
        line.vt.condition
        for section in info.sections
        for line in section.lines
        if line.vt.condition is not None
    )


def name_reader() -> Callable[[str], object] | None:
    """mdict.condnames' reader of Merge-style names, when it is installed."""
    try:
        module: Any = importlib.import_module(".condnames", __package__)
    except ModuleNotFoundError:
        return None
    reader = getattr(module, "parse_name", None)
    return reader if callable(reader) else None


def unknown_conditions(info: InfoProfile, conditions: Mapping[str, str] | None) -> list[Diagnostic]:
    """One warning per condition name that neither the conditions profile
    defines nor mdict.condnames reads, with its use count."""
    defined = conditions or {}
    read = name_reader()
    first: dict[str, InfoLine] = {}
    for section in info.sections:
        for line in section.lines:
            if line.vt.condition is not None:
                first.setdefault(line.vt.condition, line)
    out: list[Diagnostic] = []
    for name, count in sorted(condition_uses(info).items()):
        if name in defined or (read is not None and _reads(read, name)):
            continue
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
) -> Compiled:
    """A message database (``mrgcom3.msg``) holding all four profiles."""
    warnings = _split(check_messages(dictionary, services, info, conditions))
    data = encode_database("messages", dictionary, services, info, conditions, sources)
    return Compiled(data, warnings, counts_of(dictionary, services, info, conditions))


# ---------------------------------------------------------------------------
# Conditions profiles
# ---------------------------------------------------------------------------


def condition_texts(profile: Any) -> dict[str, str]:
    """Name -> canonical expression text from what mdict.conditions reads
    (a mapping, or definitions carrying a name and a printable expression)."""
    if isinstance(profile, Mapping):
        return {str(name): str(text) for name, text in profile.items()}
    items: Iterable[Any] = getattr(profile, "definitions", profile)
    return {str(d.name): str(d.expression) for d in items}


def read_condition_texts(path: str | os.PathLike[str]) -> dict[str, str]:
    """A conditions profile read with mdict.conditions.read_conditions."""
    try:
        module: Any = importlib.import_module(".conditions", __package__)
    except ModuleNotFoundError:
        raise InputFileError(
            os.fspath(path), "conditions profiles need mdict.conditions, not in this build"
        ) from None
    return condition_texts(module.read_conditions(path))


# ---------------------------------------------------------------------------
# From files
# ---------------------------------------------------------------------------


def compile_dictionary_file(path: str | os.PathLike[str]) -> Compiled:
    """Read, check and compile a dictionary profile."""
    from .parse import read_dictionary

    return compile_dictionary(read_dictionary(path), [source_of(path, "dictionary")])


def compile_message_files(
    info: str | os.PathLike[str],
    services: str | os.PathLike[str],
    dictionary: str | os.PathLike[str],
    conditions: str | os.PathLike[str] | None = None,
) -> Compiled:
    """Read, check and compile the profiles of a message database."""
    from .parse import read_dictionary, read_info, read_services

    read_first = source_of(info, "info")  # a missing info profile is the error to report
    sources = [source_of(dictionary, "dictionary"), source_of(services, "services"), read_first]
    texts = None
    if conditions is not None:
        texts = read_condition_texts(conditions)
        sources.append(source_of(conditions, "conditions"))
    return compile_messages(
        read_dictionary(dictionary), read_services(services), read_info(info), texts, sources
    )
