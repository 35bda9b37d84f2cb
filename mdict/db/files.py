"""Reading a database file: the checks of the file (magic, header CRC-32,
body SHA-256), of the header and index, and of each section against its
schema (:mod:`mdict.db.decode`), each section decoded once; and the guard
that keeps the compilers from replacing a file that is not an mdict
database (docs/database.md). :mod:`mdict.db.database` builds its
:class:`~mdict.db.database.Database` from what :func:`load` returns.
"""

from __future__ import annotations

import hashlib
import os
import struct
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mdict.db import decode
from mdict.db.dictionary_table import ColumnsTable, DictionaryTable
from mdict.db.format import (
    FORMAT,
    MAGIC,
    MAX_HEADER,
    MAX_INFLATED,
    PREFIX,
    ROLES,
    SCHEMA_VERSION,
    ZLIB_SECTIONS,
    BorrowedConditions,
    Header,
    Kind,
    Source,
)
from mdict.errors import DatabaseError, OutputRefused
from mdict.model import InfoSection, ItemRef, Service
from mdict.model.modules import ModulesProfile
from mdict.positions import PositionsProfile

Slot = InfoSection | tuple[int, int]
"""A section decoded, or where its bytes are (offset, length) until first use."""
Decode = Callable[[int, str, tuple[int, int]], InfoSection]
_DECODERS: dict[str, decode.Decoder] = {**decode.DECODERS, "dictionary": ColumnsTable}
PathKey = tuple[int, str, int]


@dataclass
class Parts:
    """What a :class:`Database` holds: loaders (each called once, on first
    use) and the sections by key."""

    messages: dict[tuple[int, str], Slot] = field(default_factory=dict)
    items: dict[int, Slot] = field(default_factory=dict)
    keys: tuple[Mapping[str, int], Mapping[str, int]] = ({}, {})
    dictionary: Callable[[], DictionaryTable] | None = None
    services: Callable[[], tuple[Sequence[Service], Sequence[ItemRef]]] | None = None
    conditions: Callable[[], Mapping[str, str]] | None = None
    modules: Callable[[], ModulesProfile] | None = None
    borrowed: Callable[[], BorrowedConditions] | None = None
    positions: Callable[[], PositionsProfile] | None = None
    decode: Decode | None = None
    verify: Callable[[], None] | None = None


def service_keys(
    services: Sequence[tuple[int, str, str | None]], items: Iterable[tuple[str, int]]
) -> tuple[dict[str, int], dict[str, int]]:
    """Service name or UID -> number (names win) from (number, name, UID)
    rows; item name -> number from (name, number) rows."""
    numbers: dict[str, int] = {}
    for number, name, _ in services:
        numbers.setdefault(name, number)
    for number, _, uid in services:
        if uid is not None:
            numbers.setdefault(uid, number)
    return numbers, dict(items)


def fail(name: str, reason: str) -> DatabaseError:
    return DatabaseError(f"{name}: {reason}")


MERGE_HINT = (
    "it looks like a Merge DICOM Toolkit binary, which mdict does not read: compile"
    " the text profiles it was made from (mdict info info.pfl, or mc3info, for a"
    " message database; mdict dict diction.pfl, or mc3dict, for a dictionary)"
)


def not_a_database(data: bytes) -> str:
    """Why bytes without the magic are not a database, with advice."""
    reason = f"not an mdict database: no {MAGIC[:7].decode()} magic"
    if not data:
        return f"{reason} (the file is empty)"
    if data[:64].isascii() and not data.startswith(MAGIC[:4]):
        text = b"\0" not in data[:64]
        if text:
            return (
                f"{reason} (it looks like text: compile profiles with `mdict info` or `mdict dict`)"
            )
    return f"{reason} ({MERGE_HINT})"


MERGE_NAMES = ("mrgcom3.msg", "mrgcom3.dct")
"""The file names Merge's compilers write (and mdict's, by default)."""


def what_file_is(path: str | os.PathLike[str]) -> str | None:
    """What an existing file that is not an mdict database is, in a few
    words; None when there is no such file or it is an mdict database."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            start = handle.read(4096)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        return "a folder"
    except OSError as exc:
        return f"a file mdict cannot read ({exc.strerror or exc})"
    if start.startswith(MAGIC):
        return None
    if not start:
        return "an empty file"
    if not any(b < 9 or 13 < b < 32 for b in start):  # no control bytes: text
        return "a text file"
    if os.path.basename(name).lower() in MERGE_NAMES:
        return "a Merge DICOM Toolkit binary, which a Merge application reads"
    return "binary data (a Merge DICOM Toolkit binary?)"


def refuse_to_replace(path: str | os.PathLike[str], force: bool = False) -> None:
    """An existing file that is not an mdict database is never replaced by
    a compiled database unless ``force``: an InputFileError saying what it
    is (so a Merge folder's own ``mrgcom3.msg`` survives ``mc3info``)."""
    found = None if force else what_file_is(path)
    if found is not None:
        raise OutputRefused(
            os.fspath(path),
            f"exists and is not an mdict database but {found}; not replaced"
            " (--force replaces it, -o writes elsewhere)",
        )


def _header(data: bytes, name: str) -> tuple[Header, dict[str, Any], int]:
    """The header, its raw map and where the body starts; every check that
    does not need the body."""
    if not data.startswith(MAGIC):
        raise fail(name, not_a_database(data))
    start = len(MAGIC) + PREFIX.size
    if len(data) < start:
        raise fail(name, "truncated database: the header is cut off")
    length, crc = PREFIX.unpack_from(data, len(MAGIC))
    if length > MAX_HEADER:
        raise fail(name, f"corrupt database: a header of {length} bytes (at most {MAX_HEADER})")
    header_blob = data[start : start + length]
    if len(header_blob) != length:
        raise fail(name, "truncated database: the header is cut off")
    if zlib.crc32(header_blob) != crc:
        raise fail(name, "corrupt database: the header checksum does not match")
    try:
        raw = decode.unpack(header_blob)
        decode.need(type(raw) is dict, "the header: a map", raw)
        if raw.get("format") != FORMAT:
            raise fail(name, f"not an mdict message database (format {raw.get('format')!r})")
        schema = raw.get("schema")
        if schema != SCHEMA_VERSION:
            raise fail(
                name,
                f"database schema version {schema}, this mdict reads schema version"
                f" {SCHEMA_VERSION}: compile the profiles again with this mdict",
            )
        header = _header_fields(raw)
    except DatabaseError:
        raise
    except Exception as exc:  # any malformed header, whatever msgpack made of it
        raise fail(name, f"corrupt database header ({exc})") from None
    return header, raw, start + length


def _header_fields(raw: dict[str, Any]) -> Header:
    need = decode.need
    kind: Kind = raw.get("kind")  # type: ignore[assignment]  # checked next
    need(kind in ("dictionary", "messages"), "a kind: dictionary or messages", kind)
    need(type(raw.get("mdict_version")) is str, "an mdict version text", raw.get("mdict_version"))
    sources = []
    for role, file, digest in decode.rows(raw.get("sources"), 3, "sources"):
        need(type(file) is str and type(digest) is str, "[role, file, digest] texts", file)
        if role in ROLES:
            sources.append(Source(role, file, digest))
    counts: dict[str, int] = raw.get("counts")  # type: ignore[assignment]  # checked next
    need(type(counts) is dict, "counts: a map", counts)
    for key, value in counts.items():
        need(type(key) is str and type(value) is int, "counts: text -> number", value)
    for key in ("index_length", "body_length"):
        need(type(raw.get(key)) is int and raw[key] >= 0, f"{key}: a number", raw.get(key))
    need(type(raw.get("body_sha256")) is str, "a body SHA-256 text", raw.get("body_sha256"))
    return Header(FORMAT, SCHEMA_VERSION, raw["mdict_version"], kind, tuple(sources), counts)


def load(data: bytes, name: str, verify: bool = True) -> tuple[Header, Parts]:
    """The header and the parts of a database file's bytes, every check
    that needs no section done (with ``verify``, every section but the
    dictionary checked too)."""
    header, raw, body_start = _header(data, name)
    body = memoryview(data)[body_start:]
    body_length, index_length = raw["body_length"], raw["index_length"]
    if len(body) != body_length:
        what = "truncated" if len(body) < body_length else "corrupt (bytes after the end)"
        raise fail(name, f"{what} database: body of {len(body)} bytes, expected {body_length}")
    if hashlib.sha256(body).hexdigest() != raw["body_sha256"]:
        raise fail(name, "corrupt database: the body checksum (SHA-256) does not match")
    try:
        decode.need(index_length <= body_length, "an index inside the body", index_length)
        blobs = body[index_length:]
        index = decode.check_index(decode.unpack(body[:index_length]), len(blobs))
        total = sum(index[k][2] for k in ZLIB_SECTIONS if k in index)
        decode.need(total <= MAX_INFLATED, f"at most {MAX_INFLATED} bytes inflated", total)
    except Exception as exc:  # a checksummed body that still does not decode
        raise fail(name, f"corrupt database index ({exc})") from None
    return header, _parts(index, blobs, name, verify)


class _Sections:
    """The zlib sections of an opened file: each inflated, checked and
    decoded once; a failure is kept and raised again, never retried."""

    def __init__(self, index: Mapping[str, Any], blobs: memoryview, name: str) -> None:
        self.index = index
        self.blobs = blobs
        self.name = name
        self.done: dict[str, Any] = {}

    def get(self, key: str) -> Any:
        if key not in self.done:
            offset, length, size = self.index[key]
            try:
                raw = decode.inflate_section(self.blobs[offset : offset + length], size)
                self.done[key] = _DECODERS[key](raw)
            except Exception as exc:  # the file passed its checksum but not its schema
                what = "the line table" if key == "lines" else f"the {key}"
                self.done[key] = fail(self.name, f"corrupt database: {what}: {exc}")
        found = self.done[key]
        if isinstance(found, DatabaseError):
            raise found
        return found

    def verify(self) -> None:
        """Every section decoded (and so checked) now."""
        for key in ZLIB_SECTIONS:
            if key in self.index:
                self.complete(key)

    def complete(self, key: str) -> None:
        """A section decoded and, for the line table, every line built."""
        found = self.get(key)
        if isinstance(found, decode.LineTable):
            try:
                found.check_all()
            except Exception as exc:  # the file passed its checksum but not its schema
                raise fail(self.name, f"corrupt database: the line table: {exc}") from None

    def loader(self, key: str, then: Callable[[Any], Any] | None = None) -> Callable[[], Any]:
        """A section's value, made into something else by ``then`` (once)."""
        made: list[Any] = []

        def load() -> Any:
            found = self.get(key)
            if then is None:
                return found
            if not made:
                try:
                    made.append(then(found))
                except Exception as exc:  # checked data that still does not build
                    made.append(fail(self.name, f"corrupt database: the {key}: {exc}"))
            if isinstance(made[0], DatabaseError):
                raise made[0]
            return made[0]

        return load


def _parts(index: Mapping[str, Any], blobs: memoryview, name: str, verify: bool) -> Parts:
    sections = _Sections(index, blobs, name)
    if verify:
        for key in ("services", "conditions", "modules", "borrowed", "positions", "lines"):
            if key in index:
                sections.complete(key)  # checked now: a bad section fails the open
    width = index.get("line_width", 2)
    code = "H" if width == 2 else "I"

    def section(number: int, command: str, where: tuple[int, int]) -> InfoSection:
        offset, length = where
        table: Sequence[Any] = sections.get("lines") if "lines" in index else ()
        try:
            count, rest = divmod(length, width)
            decode.need(not rest, f"whole {width}-byte line numbers", length)
            numbers = struct.unpack(f"<{count}{code}", blobs[offset : offset + length])
            decode.need(
                not numbers or max(numbers) < len(table), "known lines", max(numbers or (0,))
            )
            lines = tuple([table[n] for n in numbers])
        except Exception as exc:  # the file passed its checksum but not its schema
            raise fail(name, f"corrupt database: [ {number:04d}, {command} ]: {exc}") from None
        return InfoSection(number, command, lines)

    parts = Parts(
        messages={(n, c): (o, ln) for n, c, o, ln in index.get("messages", ())},
        items={n: (o, ln) for n, o, ln in index.get("items", ())},
        keys=service_keys(index.get("service_keys", ()), index.get("item_table", ())),
        decode=section,
    )
    for key, attribute in (("dictionary", "dictionary"), ("services", "services")):
        if key in index:
            setattr(parts, attribute, sections.loader(key))
    if "conditions" in index:
        parts.conditions = sections.loader("conditions")
    if "modules" in index:
        parts.modules = sections.loader("modules", decode.decode_modules)
    if "borrowed" in index:
        parts.borrowed = sections.loader("borrowed")
    if "positions" in index:
        parts.positions = sections.loader("positions")
    parts.verify = sections.verify
    return parts


def read_header(path: str | os.PathLike[str]) -> Header:
    """Only the header of a database file (checked, body not read)."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            start = handle.read(len(MAGIC) + PREFIX.size)
            if start.startswith(MAGIC) and len(start) == len(MAGIC) + PREFIX.size:
                length = PREFIX.unpack_from(start, len(MAGIC))[0]
                start += handle.read(min(length, MAX_HEADER + 1))
    except OSError as exc:
        raise fail(name, f"cannot read: {exc.strerror or exc}") from None
    return _header(start, name)[0]
