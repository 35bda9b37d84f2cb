"""Open a compiled database and look things up in it, lazily.

Opening checks the file (magic, header CRC-32, body SHA-256) and decodes only
the header and the index; the dictionary, the services and each message or
item are decoded the first time they are asked for and then kept. Any
problem with the file is one :class:`~mdict.errors.DatabaseError`.

:meth:`Database.from_profiles` gives the same lookups over models held in
memory, and :func:`default_database` the standard database shipped with
mdict (built from ``profiles/``).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import re
import struct
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import msgpack

from mdict.db.aliases import current_name
from mdict.db.build import (
    FORMAT,
    MAGIC,
    PREFIX,
    ROLES,
    SCHEMA_VERSION,
    ConditionTexts,
    Kind,
    Role,
    Source,
    condition_texts,
    counts_of,
)
from mdict.errors import DatabaseError, InputFileError
from mdict.fileio import read_bytes
from mdict.model import (
    ITEM,
    VM,
    DictEntry,
    Dictionary,
    InfoLine,
    InfoProfile,
    InfoSection,
    ItemRef,
    Service,
    ServiceProfile,
    Tag,
    ValueList,
    ValueType,
)
from mdict.model.modules import MessageModules, ModulesProfile, ModuleUse
from mdict.write import sorted_entries, sorted_lines, sorted_sections

if TYPE_CHECKING:
    from mdict.conditions import ConditionsProfile

DEFAULT_DATABASE = "mrgcom3.msg"
"""The standard database's file name inside the ``mdict.data`` package."""


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


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

_NOT_ALNUM = re.compile(r"[^0-9a-z]")


def name_key(name: str) -> str:
    """Case- and space-insensitive form of a name."""
    return "".join(name.split()).casefold()


def keyword_key(name: str) -> str:
    """A name or keyword with everything but letters and digits removed."""
    return _NOT_ALNUM.sub("", name.casefold())


# ---------------------------------------------------------------------------
# Decoding (the shapes mdict.compile encodes)
# ---------------------------------------------------------------------------


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


def _builder(cls: type, slots: tuple[str, ...]) -> type | None:
    """A plain class with the slot layout of the frozen dataclass ``cls``.

    Decoding fills an instance of it with ordinary attribute stores and then
    makes it a ``cls`` (``__class__`` assignment between classes of the same
    slots), three times faster than the dataclass constructor, whose every
    field goes through ``object.__setattr__``. The result is an ordinary
    ``cls`` object (frozen, equal and hashing as usual). None when ``cls``
    no longer has exactly these slots: the decoders then call ``cls``.
    """
    if getattr(cls, "__slots__", None) != slots:
        return None
    return type(f"_{cls.__name__}Builder", (), {"__slots__": slots})


_NEW = object.__new__
_TAG = _builder(Tag, ("group", "element", "creator"))
_TYPE = _builder(ValueType, ("type", "condition"))
_VALUES = _builder(ValueList, ("kind", "groups", "per_position", "separator", "group_separator"))
_LINE = _builder(InfoLine, ("tag", "vr", "vt", "values", "field4", "loc"))
_ENTRY = _builder(DictEntry, ("name", "tag", "vr", "vm", "loc"))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a table of acyclic objects is
    built (its passes over the new objects cost a fifth of the time)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def decode_tags(raws: Iterable[Any]) -> list[Tag]:
    """Each ``group << 16 | element`` or ``[group, creator, element byte]``."""
    out: list[Tag] = []
    append = out.append
    for raw in raws:
        if type(raw) is int:
            group, element, creator = raw >> 16, raw & 0xFFFF, None
        else:
            group, creator, element = raw
            if type(creator) is not str:
                raise TypeError(f"private creator {creator!r}")
        if _TAG is None:
            append(Tag(group, element, creator))
            continue
        tag: Any = _NEW(_TAG)
        tag.group = group
        tag.element = element
        tag.creator = creator
        tag.__class__ = Tag
        append(tag)
    return out


def decode_types(raws: Iterable[Sequence[Any]]) -> list[ValueType]:
    """Each ``[type, condition or nil]``."""
    if _TYPE is None:
        return [ValueType(kind, condition) for kind, condition in raws]
    out: list[ValueType] = []
    append = out.append
    for kind, condition in raws:
        vt: Any = _NEW(_TYPE)
        vt.type = kind
        vt.condition = condition
        vt.__class__ = ValueType
        append(vt)
    return out


def decode_values(raws: Iterable[Sequence[Any]]) -> list[ValueList]:
    """Each ``[kind, groups]``, plus ``[per_position, separator, group
    separator]`` when the layout is not the default one."""
    out: list[ValueList] = []
    append = out.append
    for raw in raws:
        if len(raw) == 2:
            kind, groups = raw
            per_position, separator, group_separator = False, ", ", " "
        else:
            kind, groups, per_position, separator, group_separator = raw
        if kind not in ("E", "D") or type(groups) is not tuple:
            raise TypeError(f"value list {raw!r}")
        if _VALUES is None:
            append(ValueList(kind, groups, per_position, separator, group_separator))
            continue
        values: Any = _NEW(_VALUES)
        values.kind = kind
        values.groups = groups
        values.per_position = per_position
        values.separator = separator
        values.group_separator = group_separator
        values.__class__ = ValueList
        append(values)
    return out


def decode_lines(table: Sequence[Any]) -> list[InfoLine]:
    """The line table: every distinct line, numbered (docs/database.md)."""
    (raw_tags, vrs, raw_types, raw_values, *columns, field4) = table
    with _collector_paused():
        tags = decode_tags(raw_tags)
        types = decode_types(raw_types)
        values: list[ValueList | None] = [None]
        values += decode_values(raw_values)
        rows = zip(*columns, strict=True)
        lines: list[InfoLine] = []
        append = lines.append
        if _LINE is None:
            for t, r, y, v in rows:
                append(InfoLine(tags[t], vrs[r], types[y], values[v]))
        else:
            new, builder = _NEW, _LINE
            for t, r, y, v in rows:
                line: Any = new(builder)
                line.tag = tags[t]
                line.vr = vrs[r]
                line.vt = types[y]
                line.values = values[v]
                line.field4 = ""
                line.loc = None
                line.__class__ = InfoLine
                append(line)
    for number, text in field4:
        old = lines[number]
        lines[number] = InfoLine(old.tag, old.vr, old.vt, old.values, text)
    return lines


def decode_dictionary(columns: Sequence[Any]) -> tuple[DictEntry, ...]:
    """``[names, tags, VRs, VR numbers, VMs, VM numbers]`` -> entries."""
    names, raw_tags, vrs, vr_numbers, vm_texts, vm_numbers = columns
    vms = [VM.from_text(t) for t in vm_texts]
    with _collector_paused():
        tags = decode_tags(raw_tags)
        rows = zip(names, tags, vr_numbers, vm_numbers, strict=True)
        if _ENTRY is None:
            return tuple(DictEntry(n, t, vrs[r], vms[m]) for n, t, r, m in rows)
        new, builder = _NEW, _ENTRY
        entries: list[DictEntry] = []
        append = entries.append
        for name, tag, r, m in rows:
            entry: Any = new(builder)
            entry.name = name
            entry.tag = tag
            entry.vr = vrs[r]
            entry.vm = vms[m]
            entry.loc = None
            entry.__class__ = DictEntry
            append(entry)
        return tuple(entries)


def decode_conditions(raw: Sequence[Any]) -> ConditionTexts:
    """``[header lines, [[name, expression text, comment lines], ...]]``."""
    header, rows = raw
    texts = ConditionTexts(
        ((name, text) for name, text, _ in rows), header, {name: c for name, _, c in rows}
    )
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in texts.items()):
        raise TypeError("condition names and expressions are texts")
    return texts


def decode_modules(raw: Sequence[Any]) -> ModulesProfile:
    """``[header lines, [[service, command, [[name, usage, condition, [tag,
    ...]], ...]], ...]]``."""
    header, rows = raw
    messages = tuple(
        MessageModules(
            str(service),
            str(command),
            tuple(
                ModuleUse(str(name), usage, condition, tuple(int(t) for t in tags))
                for name, usage, condition, tags in modules
            ),
        )
        for service, command, modules in rows
    )
    if not all(u.usage in ("M", "C", "U") for m in messages for u in m.modules):
        raise TypeError("module usages are M, C or U")
    return ModulesProfile(messages, tuple(str(line) for line in header))


def decode_service(row: Sequence[Any]) -> Service:
    number, name, kind, uid, description, commands, sop_classes, extra = row
    return Service(
        number,
        name,
        kind,
        uid,
        description,
        tuple(commands),
        tuple(sop_classes),
        tuple((k, v) for k, v in extra),
    )


def _unpack(blob: bytes | memoryview) -> Any:
    return msgpack.unpackb(blob, use_list=False, raw=False, strict_map_key=False)


# ---------------------------------------------------------------------------
# The database
# ---------------------------------------------------------------------------

Slot = InfoSection | tuple[int, int]
"""A section decoded, or where its bytes are (offset, length) until first use."""
Decode = Callable[[int, str, tuple[int, int]], InfoSection]


class Database:
    """Lookups over a compiled database or over profiles in memory
    (implements :class:`mdict.database.MessageDatabase`)."""

    def __init__(
        self,
        header: Header,
        entries: Callable[[], Sequence[DictEntry]] | None,
        services: Callable[[], tuple[Sequence[Service], Sequence[ItemRef]]] | None,
        messages: dict[tuple[int, str], Slot],
        items: dict[int, Slot],
        conditions: Callable[[], Mapping[str, str]] | None,
        keys: tuple[Mapping[str, int], Mapping[str, int]] = ({}, {}),
        name: str = "<memory>",
        decode: Decode | None = None,
        modules: Callable[[], ModulesProfile] | None = None,
    ) -> None:
        self.header = header
        self.name = name
        self._load_entries = entries
        self._load_services = services
        self._messages = messages
        self._items = items
        self._load_conditions = conditions
        self._service_numbers, self._item_numbers = keys
        self._decode = decode
        self._entries: Sequence[DictEntry] | None = None
        self._standard: dict[int, DictEntry] | None = None
        self._private: dict[tuple[int, str, int], DictEntry] = {}
        self._names: dict[str, DictEntry] | None = None
        self._keywords: dict[str, DictEntry] = {}
        self._services: Sequence[Service] | None = None
        self._by_number: dict[int, Service] = {}
        self._by_text: dict[str, Service] = {}
        self._item_refs: Sequence[ItemRef] = ()
        self._conditions: Mapping[str, str] | None = None
        self._load_modules = modules
        self._modules: dict[tuple[str, str], tuple[ModuleUse, ...]] | None = None
        self._modules_model: ModulesProfile | None = None

    def __repr__(self) -> str:
        return f"<mdict Database {self.name} ({self.header.kind})>"

    # -- construction -----------------------------------------------------
    @classmethod
    def from_bytes(cls, data: bytes, name: str = "<bytes>") -> Database:
        """A database from the bytes of a compiled file (checked first)."""
        return _open(data, name)

    @classmethod
    def from_profiles(
        cls,
        dictionary: Dictionary | None = None,
        services: ServiceProfile | None = None,
        info: InfoProfile | None = None,
        conditions: Mapping[str, str] | None = None,
        modules: ModulesProfile | None = None,
    ) -> Database:
        """The same lookups over models in memory (no checks, no file)."""
        kind: Kind = "messages" if services is not None or info is not None else "dictionary"
        header = Header(
            FORMAT,
            SCHEMA_VERSION,
            _version(),
            kind,
            (),
            counts_of(dictionary, services, info, conditions, modules),
        )
        messages: dict[tuple[int, str], Slot] = {}
        items: dict[int, Slot] = {}
        if info is not None:
            for section in sorted_sections(info.sections, services):
                lines = tuple(sorted_lines(section.lines))
                if lines != section.lines:
                    section = InfoSection(section.number, section.command, lines, section.loc)
                if section.is_item:
                    items.setdefault(section.number, section)
                else:
                    messages.setdefault((section.number, section.command), section)
        held = dictionary
        keys = (
            service_keys(
                [(s.number, s.name, s.uid) for s in services.services],
                [(i.name, i.number) for i in services.items],
            )
            if services is not None
            else ({}, {})
        )
        return cls(
            header,
            (lambda: sorted_entries(held.entries)) if held is not None else None,
            (lambda: (services.services, services.items)) if services is not None else None,
            messages,
            items,
            (lambda: condition_texts(conditions)) if conditions is not None else None,
            keys,
            modules=(lambda: modules) if modules is not None else None,
        )

    # -- dictionary -------------------------------------------------------
    def _dictionary(self) -> dict[int, DictEntry]:
        if self._standard is None:
            entries = self._load_entries() if self._load_entries is not None else ()
            standard: dict[int, DictEntry] = {}
            for entry in entries:
                tag = entry.tag
                if tag.creator is None:
                    standard.setdefault(tag.group << 16 | tag.element, entry)
                else:
                    self._private.setdefault((tag.group, tag.creator, tag.element), entry)
            self._entries = entries
            self._standard = standard
        return self._standard

    def entry(self, tag: Tag | int) -> DictEntry | None:
        """Standard by (group, element) or a packed ``group << 16 | element``
        int; private by (group, creator, element byte)."""
        standard = self._standard if self._standard is not None else self._dictionary()
        if isinstance(tag, int):
            return standard.get(tag)
        if tag.creator is None:
            return standard.get(tag.group << 16 | tag.element)
        return self._private.get((tag.group, tag.creator, tag.element))

    def entry_by_name(self, name: str) -> DictEntry | None:
        """By name (case- and space-insensitive), by the name with everything
        but letters and digits removed, or by a pydicom keyword."""
        if self._names is None:
            self._dictionary()
            self._names, self._keywords = {}, {}
            for entry in self._entries or ():
                tier = "p" if entry.tag.creator is not None else "s"
                self._names.setdefault(tier + name_key(entry.name), entry)
                self._keywords.setdefault(tier + keyword_key(entry.name), entry)
        for tier in ("s", "p"):
            found = self._names.get(tier + name_key(name))
            found = found or self._keywords.get(tier + keyword_key(name))
            if found is None and tier == "s":
                found = self._by_pydicom_keyword(name.strip())
            if found is not None:
                return found
        return None

    def _by_pydicom_keyword(self, keyword: str) -> DictEntry | None:
        if not keyword.isidentifier():
            return None
        from pydicom.datadict import tag_for_keyword

        number = tag_for_keyword(keyword)
        return self.entry(number) if number is not None else None

    def entries(self) -> Iterator[DictEntry]:
        """Every entry in canonical order."""
        self._dictionary()
        return iter(self._entries or ())

    # -- services ---------------------------------------------------------
    def _service_table(self) -> Sequence[Service]:
        if self._services is None:
            services: Sequence[Service] = ()
            refs: Sequence[ItemRef] = ()
            if self._load_services is not None:
                services, refs = self._load_services()
            services = tuple(sorted(services, key=lambda s: s.number))
            for service in services:
                self._by_number.setdefault(service.number, service)
                self._by_text.setdefault(service.name, service)
            for service in services:
                if service.uid is not None:
                    self._by_text.setdefault(service.uid, service)
            self._item_refs = tuple(sorted(refs, key=lambda i: i.name))
            self._services = services
        return self._services

    def services(self) -> Sequence[Service]:
        """Every service in number order."""
        return self._service_table()

    def service(self, key: str | int) -> Service | None:
        """By name, SOP Class UID or number (an int or a string of digits)."""
        self._service_table()
        if isinstance(key, int):
            return self._by_number.get(key)
        found = self._by_text.get(key.strip())
        if found is None and key.strip().isdigit():
            found = self._by_number.get(int(key))
        if found is None:
            renamed = current_name("service", key)
            found = self._by_text.get(renamed) if renamed is not None else None
        return found

    # -- messages and items -----------------------------------------------
    def message(self, service: str | int, command: str) -> InfoSection | None:
        """The spec of one message; the service by name, UID or number."""
        if isinstance(service, int):
            number = service
        else:
            key = service.strip()
            found = self._service_numbers.get(key)
            if found is None and key.isdigit():
                found = int(key)
            if found is None:
                found = self._service_numbers.get(current_name("service", key) or "")
            if found is None:
                return None
            number = found
        command = command.strip().upper()
        return self._fetch(self._messages, (number, command), number, command)

    def messages(self) -> list[tuple[int, str]]:
        """Every (service number, command) with a spec, in canonical order."""
        return list(self._messages)

    def item(self, key: str | int) -> InfoSection | None:
        """An item's spec by name or number."""
        if isinstance(key, str):
            number = self._item_numbers.get(key.strip())
            if number is None:
                number = self._item_numbers.get(current_name("item", key) or "")
            if number is None:
                return None
            key = number
        return self._fetch(self._items, key, key, ITEM)

    def item_numbers(self) -> list[int]:
        """Every item number with a spec, ascending."""
        return list(self._items)

    def item_refs(self) -> Sequence[ItemRef]:
        """The item table in name order."""
        self._service_table()
        return self._item_refs

    def _fetch(
        self, slots: dict[Any, Slot], key: Any, number: int, command: str
    ) -> InfoSection | None:
        slot = slots.get(key)
        if slot is None or isinstance(slot, InfoSection):
            return slot
        assert self._decode is not None
        section = slots[key] = self._decode(number, command, slot)
        return section

    # -- conditions -------------------------------------------------------
    def conditions(self) -> Mapping[str, str]:
        """Every condition definition: name -> expression text."""
        if self._conditions is None:
            loaded = self._load_conditions() if self._load_conditions is not None else {}
            self._conditions = loaded
        return self._conditions

    def condition_source(self, name: str) -> str | None:
        return self.conditions().get(name)

    def conditions_model(self) -> ConditionsProfile | None:
        """The conditions profile back (definitions in profile order, with
        their comments), each expression parsed from its stored text; None
        when the database holds no conditions."""
        texts = self.conditions()
        if not texts:
            return None
        from mdict.conditions import ConditionDef, ConditionsProfile, parse_expression

        comments: Mapping[str, tuple[str, ...]] = getattr(texts, "comments", {})
        definitions = tuple(
            ConditionDef(
                name, parse_expression(text, f"{self.name}: {name}"), comment=comments.get(name, ())
            )
            for name, text in texts.items()
        )
        return ConditionsProfile(definitions, tuple(getattr(texts, "header", ())))

    # -- modules ----------------------------------------------------------
    def modules_model(self) -> ModulesProfile | None:
        """The modules profile the database holds (decoded on first use), or None."""
        if self._modules_model is None and self._load_modules is not None:
            self._modules_model = self._load_modules()
        return self._modules_model

    def modules(self, service: str | int, command: str) -> tuple[ModuleUse, ...] | None:
        """The modules of one message in IOD order (service by name, UID or
        number), or None when the database does not know them."""
        if self._modules is None:
            profile = self.modules_model()
            found: dict[tuple[str, str], tuple[ModuleUse, ...]] = {}
            for message in profile.messages if profile is not None else ():
                found.setdefault((message.service, message.command), message.modules)
            self._modules = found
        if not self._modules:
            return None
        known = self.service(service)
        name = known.name if known is not None else str(service)
        return self._modules.get((name, command.upper()))

    # -- back to models ---------------------------------------------------
    def dictionary_model(self) -> Dictionary | None:
        if self._load_entries is None:
            return None
        return Dictionary(tuple(self.entries()))

    def services_model(self) -> ServiceProfile | None:
        if self._load_services is None:
            return None
        return ServiceProfile(tuple(self.services()), tuple(self.item_refs()))

    def info_model(self) -> InfoProfile | None:
        if not self._messages and not self._items:
            return None
        sections: list[InfoSection] = []
        for key in list(self._messages):
            section = self._fetch(self._messages, key, *key)
            assert section is not None
            sections.append(section)
        for number in list(self._items):
            section = self._fetch(self._items, number, number, ITEM)
            assert section is not None
            sections.append(section)
        return InfoProfile(tuple(sections))


def _version() -> str:
    from mdict import __version__

    return __version__


# ---------------------------------------------------------------------------
# Reading a file
# ---------------------------------------------------------------------------


def _fail(name: str, reason: str) -> DatabaseError:
    return DatabaseError(f"{name}: {reason}")


def _header(data: bytes, name: str) -> tuple[Header, dict[str, Any], int]:
    """The header, its raw map and where the body starts; every check that
    does not need the body."""
    if not data.startswith(MAGIC):
        hint = ""
        if data[:64].isascii() and not data.startswith(MAGIC[:4]):
            hint = " (it looks like text: compile profiles with `mdict info` or `mdict dict`)"
        raise _fail(name, f"not an mdict database: no {MAGIC[:7].decode()} magic{hint}")
    start = len(MAGIC) + PREFIX.size
    if len(data) < start:
        raise _fail(name, "truncated database: the header is cut off")
    length, crc = PREFIX.unpack_from(data, len(MAGIC))
    header_blob = data[start : start + length]
    if len(header_blob) != length:
        raise _fail(name, "truncated database: the header is cut off")
    if zlib.crc32(header_blob) != crc:
        raise _fail(name, "corrupt database: the header checksum does not match")
    try:
        raw = _unpack(header_blob)
        if not isinstance(raw, dict):
            raise TypeError("header is not a map")
        if raw.get("format") != FORMAT:
            raise _fail(name, f"not an mdict message database (format {raw.get('format')!r})")
        schema = raw.get("schema")
        if schema != SCHEMA_VERSION:
            raise _fail(
                name,
                f"database schema version {schema}, this mdict reads schema version"
                f" {SCHEMA_VERSION}: compile the profiles again with this mdict",
            )
        kind = raw["kind"]
        if kind not in ("dictionary", "messages"):
            raise TypeError(f"unknown kind {kind!r}")
        sources = tuple(
            Source(role, str(file), str(digest))
            for role, file, digest in raw["sources"]
            if role in ROLES
        )
        header = Header(
            FORMAT,
            SCHEMA_VERSION,
            str(raw["mdict_version"]),
            kind,
            sources,
            {str(k): int(v) for k, v in raw["counts"].items()},
        )
    except DatabaseError:
        raise
    except Exception as exc:  # any malformed header, whatever msgpack made of it
        raise _fail(name, f"corrupt database header ({exc})") from None
    return header, raw, start + length


def _open(data: bytes, name: str) -> Database:
    header, raw, body_start = _header(data, name)
    body = memoryview(data)[body_start:]
    try:
        body_length = int(raw["body_length"])
        index_length = int(raw["index_length"])
        digest = str(raw["body_sha256"])
    except Exception:
        raise _fail(name, "corrupt database header (missing body fields)") from None
    if len(body) != body_length:
        what = "truncated" if len(body) < body_length else "corrupt (bytes after the end)"
        raise _fail(name, f"{what} database: body of {len(body)} bytes, expected {body_length}")
    if hashlib.sha256(body).hexdigest() != digest:
        raise _fail(name, "corrupt database: the body checksum (SHA-256) does not match")
    try:
        index = _unpack(body[:index_length])
        return _database(header, index, body[index_length:], name)
    except DatabaseError:
        raise
    except Exception as exc:  # a checksummed body that still does not decode
        raise _fail(name, f"corrupt database index ({exc})") from None


def _database(header: Header, index: Mapping[str, Any], blobs: memoryview, name: str) -> Database:
    def blob(where: Sequence[int]) -> memoryview:
        offset, length = where
        if not 0 <= offset <= offset + length <= len(blobs):
            raise ValueError(f"blob [{offset}, {length}] outside the body")
        return blobs[offset : offset + length]

    def guarded(what: str, build: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            try:
                return build()
            except Exception as exc:  # the file passed its checksum but not its schema
                raise _fail(name, f"corrupt database: cannot decode {what} ({exc})") from None

        return run

    entries = services = conditions = modules = None
    if "dictionary" in index:
        where = index["dictionary"]
        entries = guarded(
            "the dictionary", lambda: decode_dictionary(_unpack(zlib.decompress(blob(where))))
        )
    if "services" in index:
        place = index["services"]

        def load_services() -> tuple[list[Service], list[ItemRef]]:
            rows, refs = _unpack(zlib.decompress(blob(place)))
            return [decode_service(r) for r in rows], [ItemRef(n, k) for n, k in refs]

        services = guarded("the services", load_services)
    if "conditions" in index:
        spot = index["conditions"]
        conditions = guarded(
            "the conditions", lambda: decode_conditions(_unpack(zlib.decompress(blob(spot))))
        )

    if "modules" in index:
        modules_at = index["modules"]
        modules = guarded(
            "the modules", lambda: decode_modules(_unpack(zlib.decompress(blob(modules_at))))
        )

    # Every distinct line is built now, once: a section is then only a run of
    # line numbers, and its first fetch costs microseconds.
    table: Sequence[InfoLine] = ()
    if "lines" in index:
        table_at = index["lines"]
        table = guarded(
            "the line table", lambda: decode_lines(_unpack(zlib.decompress(blob(table_at))))
        )()
    width = index.get("line_width", 2)
    code = {2: "H", 4: "I"}.get(width, "?")

    def section(number: int, command: str, where: tuple[int, int]) -> InfoSection:
        try:
            data = blob(where)
            count, rest = divmod(len(data), width)
            if rest:
                raise ValueError(f"{len(data)} bytes of {width}-byte line numbers")
            numbers = struct.unpack(f"<{count}{code}", data)
            lines = tuple([table[n] for n in numbers])
        except Exception as exc:  # the file passed its checksum but not its schema
            what = f"[ {number:04d}, {command} ]"
            raise _fail(name, f"corrupt database: cannot decode {what} ({exc})") from None
        return InfoSection(number, command, lines)

    messages: dict[tuple[int, str], Slot] = {
        (number, command): (offset, length)
        for number, command, offset, length in index.get("messages", ())
    }
    items: dict[int, Slot] = {
        number: (offset, length) for number, offset, length in index.get("items", ())
    }
    keys = service_keys(index.get("service_keys", ()), index.get("item_table", ()))
    return Database(
        header, entries, services, messages, items, conditions, keys, name, section, modules
    )


def open_database(path: str | os.PathLike[str]) -> Database:
    """Open a compiled database (``mrgcom3.msg`` or ``mrgcom3.dct``)."""
    name = os.fspath(path)
    try:
        data = read_bytes(path)
    except InputFileError as exc:
        raise _fail(name, exc.reason) from None
    return _open(data, name)


PROFILE_FILES = ("diction.pfl", "mergecom.srv", "info.pfl", "conditions.pfl", "modules.pfl")
"""The profiles :func:`open_profiles_folder` reads, where present."""


def open_profiles_folder(folder: str | os.PathLike[str]) -> Database:
    """The lookups over the profiles of a folder (``--profiles DIR``), without
    compiling: whichever of :data:`PROFILE_FILES` are there. A folder with
    none of diction.pfl, mergecom.srv and info.pfl is an InputFileError."""
    from pathlib import Path

    from mdict import parse
    from mdict.db.build import read_condition_texts
    from mdict.parse.modules import read_modules

    where = Path(os.fspath(folder))
    found = {name: where / name for name in PROFILE_FILES if (where / name).is_file()}
    if not found.keys() & set(PROFILE_FILES[:3]):
        raise InputFileError(os.fspath(folder), "holds no diction.pfl, mergecom.srv or info.pfl")
    conditions = found.get("conditions.pfl")
    modules = found.get("modules.pfl")
    return Database.from_profiles(
        dictionary=parse.read_dictionary(found["diction.pfl"]) if "diction.pfl" in found else None,
        services=parse.read_services(found["mergecom.srv"]) if "mergecom.srv" in found else None,
        info=parse.read_info(found["info.pfl"]) if "info.pfl" in found else None,
        conditions=read_condition_texts(conditions) if conditions else None,
        modules=read_modules(modules) if modules else None,
    )


def read_header(path: str | os.PathLike[str]) -> Header:
    """Only the header of a database file (checked, body not read)."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            start = handle.read(len(MAGIC) + PREFIX.size)
            if start.startswith(MAGIC) and len(start) == len(MAGIC) + PREFIX.size:
                length = PREFIX.unpack_from(start, len(MAGIC))[0]
                start += handle.read(length)
    except OSError as exc:
        raise _fail(name, f"cannot read: {exc.strerror or exc}") from None
    return _header(start, name)[0]


_DEFAULT: Database | None = None


def default_database() -> Database:
    """The standard database shipped with mdict (one per process)."""
    global _DEFAULT
    if _DEFAULT is None:
        resource = resources.files("mdict") / "data" / DEFAULT_DATABASE
        try:
            data = resource.read_bytes()
        except OSError:
            raise _fail(
                f"mdict/data/{DEFAULT_DATABASE}",
                "the standard database is missing (run tools/build_default_db.py)",
            ) from None
        _DEFAULT = _open(data, f"mdict/data/{DEFAULT_DATABASE}")
    return _DEFAULT
