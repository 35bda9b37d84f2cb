"""Decode the sections of a database file (docs/database.md), checking each
against its schema as it goes: every type, size and reference is verified
before it is used, so a file that passed its checksums but holds the wrong
shapes is a :class:`SchemaError` (the reader turns it into one
DatabaseError), never an AttributeError later.

The reader's half of the format; it imports neither the writer nor Lark.
"""

from __future__ import annotations

import contextlib
import gc
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal

import msgpack

from mdict.db.format import (
    MAX_RATIO,
    MAX_SECTION,
    ZLIB_SECTIONS,
    Borrowed,
    BorrowedConditions,
    ConditionTexts,
)
from mdict.model import (
    VALUE_TYPES,
    DictEntry,
    InfoLine,
    ItemRef,
    Location,
    Service,
    Tag,
    ValueList,
    ValueType,
)
from mdict.model.modules import MessageModules, ModulesProfile, ModuleUse
from mdict.positions import AttributePositions, Position, PositionsProfile, SectionPositions

_STR = frozenset((str,))
_INT = frozenset((int,))


class SchemaError(ValueError):
    """A section does not have the shape its schema gives."""


def describe(value: object) -> str:
    """What a decoded value is, in a few words."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, tuple):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return f"a map of {len(value)}"
    return f"{type(value).__name__} data"


def need(ok: bool, expected: str, found: object) -> None:
    """Raise ``expected ..., found ...`` unless ``ok``."""
    if not ok:
        raise SchemaError(f"expected {expected}, found {describe(found)}")


def rows(value: object, width: int, what: str) -> tuple[tuple[Any, ...], ...]:
    """A list of rows of ``width`` fields each."""
    need(type(value) is tuple, f"{what}: a list", value)
    assert isinstance(value, tuple)
    for row in value:
        need(type(row) is tuple and len(row) == width, f"{what}: rows of {width} fields", row)
    return value


def texts(value: object, what: str) -> tuple[str, ...]:
    need(type(value) is tuple, f"{what}: a list of texts", value)
    assert isinstance(value, tuple)
    if not set(map(type, value)) <= _STR:
        need(False, f"{what}: texts", next(v for v in value if type(v) is not str))
    return value


def numbers(value: object, what: str, below: int) -> tuple[int, ...]:
    """A list of integers from 0 to ``below - 1``."""
    need(type(value) is tuple, f"{what}: a list of numbers", value)
    assert isinstance(value, tuple)
    if value:
        if not set(map(type, value)) <= _INT:
            need(False, f"{what}: numbers", next(v for v in value if type(v) is not int))
        need(min(value) >= 0 and max(value) < below, f"{what}: numbers below {below}", max(value))
    return value


def optional_text(value: object) -> bool:
    return value is None or type(value) is str


# ---------------------------------------------------------------------------
# Blobs
# ---------------------------------------------------------------------------


def unpack(blob: bytes | memoryview) -> Any:
    """msgpack, lists as tuples, texts as str (bounded by the blob's size)."""
    return msgpack.unpackb(blob, use_list=False, raw=False, strict_map_key=False)


def inflate(blob: bytes | memoryview, size: int) -> bytes:
    """The zlib ``blob`` inflated to exactly ``size`` bytes, the size
    checked against the limits before anything is inflated."""
    need(0 <= size <= MAX_SECTION, f"an inflated size of at most {MAX_SECTION} bytes", size)
    need(size <= MAX_RATIO * len(blob) + 64, "an inflated size zlib can reach", size)
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(blob, size + 1)
    except zlib.error as exc:
        raise SchemaError(f"expected zlib data, found damaged data ({exc})") from None
    need(len(data) == size and inflater.eof, f"{size} bytes when inflated", len(data))
    need(not inflater.unused_data, "nothing after the zlib data", inflater.unused_data)
    return data


def inflate_section(blob: bytes | memoryview, size: int) -> Any:
    return unpack(inflate(blob, size))


# ---------------------------------------------------------------------------
# Index and header pieces
# ---------------------------------------------------------------------------


def check_index(index: object, body: int) -> Mapping[str, Any]:
    """The index map: every blob inside the ``body`` bytes after the index,
    every row of the inline tables well typed (keys of a later version of
    this schema are ignored, docs/database.md)."""
    need(type(index) is dict, "the index: a map", index)
    assert isinstance(index, dict)

    def place(where: object, width: int, what: str) -> None:
        need(type(where) is tuple and len(where) == width, f"{what}: {width} numbers", where)
        assert isinstance(where, tuple)
        need(all(type(n) is int for n in where), f"{what}: numbers", where)
        offset, length = where[0], where[1]
        need(offset >= 0 and length >= 0 and offset + length <= body, f"{what} inside", where)

    for key in ZLIB_SECTIONS:
        if key in index:
            place(index[key], 3, f"the {key} section [offset, length, size]")
    for number, name, uid in rows(index.get("service_keys", ()), 3, "service keys"):
        need(type(number) is int and type(name) is str and optional_text(uid), "a key", name)
    for name, number in rows(index.get("item_table", ()), 2, "item table"):
        need(type(name) is str and type(number) is int, "[item name, number]", name)
    need(index.get("line_width", 2) in (2, 4), "a line width of 2 or 4", index.get("line_width"))
    for number, command, *where in rows(index.get("messages", ()), 4, "messages"):
        need(type(number) is int and type(command) is str, "[service, command]", command)
        place(tuple(where), 2, f"message [ {number}, {command} ]")
    for number, *where in rows(index.get("items", ()), 3, "items"):
        need(type(number) is int, "an item number", number)
        place(tuple(where), 2, f"item {number}")
    return index


# ---------------------------------------------------------------------------
# Model objects, built fast
# ---------------------------------------------------------------------------


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
_VALUES = _builder(
    ValueList, ("kind", "groups", "per_position", "separator", "group_separator", "spelling")
)
_LINE = _builder(InfoLine, ("tag", "vr", "vt", "values", "field4", "loc"))
_ENTRY = _builder(DictEntry, ("name", "tag", "vr", "vm", "loc"))


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
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


def _private_tag(raw: object) -> tuple[int, str, int]:
    need(type(raw) is tuple and len(raw) == 3, "a tag: a number or [group, creator, byte]", raw)
    assert isinstance(raw, tuple)
    group, creator, element = raw
    need(type(creator) is str, "a private creator text", creator)
    need(type(group) is int and 0 <= group <= 0xFFFF, "a group number", group)
    need(type(element) is int and 0 <= element <= 0xFF, "a private element byte", element)
    return group, creator, element


def decode_tags(raws: Iterable[Any]) -> list[Tag]:
    """Each ``group << 16 | element`` or ``[group, creator, element byte]``."""
    out: list[Tag] = []
    append = out.append
    for raw in raws:
        if type(raw) is int and 0 <= raw <= 0xFFFFFFFF:
            group, element, creator = raw >> 16, raw & 0xFFFF, None
        else:
            group, creator, element = _private_tag(raw)
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


def decode_types(raws: Iterable[Any]) -> list[ValueType]:
    """Each ``[type, condition or nil]``."""
    out: list[ValueType] = []
    append = out.append
    for raw in raws:
        need(type(raw) is tuple and len(raw) == 2, "a value type [type, condition]", raw)
        kind, condition = raw
        need(kind in VALUE_TYPES and optional_text(condition), "a value type", kind)
        if _TYPE is None:
            append(ValueType(kind, condition))
            continue
        vt: Any = _NEW(_TYPE)
        vt.type = kind
        vt.condition = condition
        vt.__class__ = ValueType
        append(vt)
    return out


def _value_fields(
    raw: object,
) -> tuple[Literal["E", "D"], tuple[tuple[str, ...], ...], bool, str, str, str | None]:
    need(type(raw) is tuple and len(raw) in (2, 5, 6), "a value list of 2, 5 or 6 fields", raw)
    assert isinstance(raw, tuple)
    spelling = None
    if len(raw) == 2:
        kind, groups = raw
        per_position, separator, group_separator = False, ", ", " "
    elif len(raw) == 5:
        kind, groups, per_position, separator, group_separator = raw
    else:
        kind, groups, per_position, separator, group_separator, spelling = raw
        need(type(spelling) is str, "a value list spelling", spelling)
    need(kind in ("E", "D"), "a value list kind E or D", kind)
    need(type(groups) is tuple, "value groups", groups)
    for group in groups:
        texts(group, "a value group")
    need(type(per_position) is bool, "a per-position flag", per_position)
    need(type(separator) is str and type(group_separator) is str, "separators", separator)
    return kind, groups, per_position, separator, group_separator, spelling


def decode_values(raws: Iterable[Any]) -> list[ValueList]:
    """Each ``[kind, groups]``, plus ``[per_position, separator, group
    separator]`` when the layout is not the default one."""
    out: list[ValueList] = []
    append = out.append
    for raw in raws:
        kind, groups, per_position, separator, group_separator, spelling = _value_fields(raw)
        if _VALUES is None:
            append(ValueList(kind, groups, per_position, separator, group_separator, spelling))
            continue
        values: Any = _NEW(_VALUES)
        values.kind = kind
        values.groups = groups
        values.per_position = per_position
        values.separator = separator
        values.group_separator = group_separator
        values.spelling = spelling
        values.__class__ = ValueList
        append(values)
    return out


class LineTable:
    """The line table: every distinct line, numbered (docs/database.md).

    Its shape and every reference between its columns are checked when it
    is read; a line is built on first use (a message uses a few hundred of
    thousands), its tag, type and values checked then, and every line by
    :meth:`check_all`."""

    def __init__(self, table: object) -> None:
        need(type(table) is tuple and len(table) == 9, "the line table: a list of 9", table)
        assert isinstance(table, tuple)
        (raw_tags, raw_vrs, raw_types, raw_values, *columns, raw_field4) = table
        self._tags: tuple[Any, ...] = rows_or_tags(raw_tags)
        self._vrs = texts(raw_vrs, "VRs")
        self._types: tuple[Any, ...] = rows_or_tags(raw_types)
        self._values: tuple[Any, ...] = rows_or_tags(raw_values)
        limits = (len(self._tags), len(self._vrs), len(self._types), len(self._values) + 1)
        for column, below in zip(columns, limits, strict=True):
            numbers(column, "a line column", below)
            need(len(column) == len(columns[0]), "line columns of one length", len(column))
        self._columns: list[tuple[int, ...]] = columns
        self._field4: dict[int, str] = {}
        for number, text in rows(raw_field4, 2, "field 4"):
            need(type(number) is int and 0 <= number < len(self), "a line number", number)
            need(type(text) is str, "a field 4 text", text)
            self._field4[number] = text
        self._built: dict[int, InfoLine] = {}

    def __len__(self) -> int:
        return len(self._columns[0])

    def __getitem__(self, number: int) -> InfoLine:
        found = self._built.get(number)
        if found is None:
            t, r, y, v = (column[number] for column in self._columns)
            values = decode_values((self._values[v - 1],))[0] if v else None
            found = InfoLine(
                decode_tags((self._tags[t],))[0],
                self._vrs[r],
                decode_types((self._types[y],))[0],
                values,
                self._field4.get(number, ""),
            )
            self._built[number] = found
        return found

    def check_all(self) -> None:
        """Every line built now (and so checked), in one pass."""
        if len(self._built) == len(self):
            return
        with collector_paused():
            tags = decode_tags(self._tags)
            types = decode_types(self._types)
            values: list[ValueList | None] = [None]
            values += decode_values(self._values)
            lines = _lines(self._columns, tags, self._vrs, types, values)
        for number, text in self._field4.items():
            old = lines[number]
            lines[number] = InfoLine(old.tag, old.vr, old.vt, old.values, text)
        for number, line in enumerate(lines):
            self._built.setdefault(number, line)


def rows_or_tags(value: object) -> tuple[Any, ...]:
    need(type(value) is tuple, "a list", value)
    assert isinstance(value, tuple)
    return value


def _lines(
    columns: Sequence[Sequence[int]],
    tags: Sequence[Tag],
    vrs: Sequence[str],
    types: Sequence[ValueType],
    values: Sequence[ValueList | None],
) -> list[InfoLine]:
    rows_ = zip(*columns, strict=True)
    lines: list[InfoLine] = []
    append = lines.append
    if _LINE is None:
        for t, r, y, v in rows_:
            append(InfoLine(tags[t], vrs[r], types[y], values[v]))
        return lines
    new, builder = _NEW, _LINE
    for t, r, y, v in rows_:
        line: Any = new(builder)
        line.tag = tags[t]
        line.vr = vrs[r]
        line.vt = types[y]
        line.values = values[v]
        line.field4 = ""
        line.loc = None
        line.__class__ = InfoLine
        append(line)
    return lines


def decode_conditions(raw: object) -> ConditionTexts:
    """``[header lines, [[name, expression text, comment lines(, note)], ...]]``."""
    need(type(raw) is tuple and len(raw) == 2, "the conditions: [header, definitions]", raw)
    assert isinstance(raw, tuple)
    header, definitions = raw
    texts(header, "condition header lines")
    need(type(definitions) is tuple, "condition definitions: a list", definitions)
    for row in definitions:
        need(type(row) is tuple and len(row) in (3, 4), "condition definitions: 3 or 4 fields", row)
        name, text, comment, *note = row
        need(type(name) is str and type(text) is str, "[name, expression text]", name)
        texts(comment, "condition comment lines")
        need(all(type(n) is str for n in note), "a condition's end-of-line comment", note)
    return ConditionTexts(
        ((row[0], row[1]) for row in definitions),
        header,
        {row[0]: row[2] for row in definitions},
        {row[0]: row[3] for row in definitions if len(row) == 4},
    )


def commented_rows(value: object, width: int, what: str) -> tuple[tuple[Any, ...], ...]:
    """Rows of ``width`` fields, each perhaps with its comments after them
    (``[trivia lines, note]``, checked here)."""
    need(type(value) is tuple, f"{what}: a list", value)
    assert isinstance(value, tuple)
    for row in value:
        need(type(row) is tuple and len(row) in (width, width + 1), f"{what}: rows", row)
        if len(row) > width:
            comments = row[width]
            need(type(comments) is tuple and len(comments) == 2, "[trivia, note]", comments)
            texts(comments[0], "comment lines")
            need(type(comments[1]) is str, "an end-of-line comment", comments[1])
    return value


def comments_of(row: Sequence[Any], width: int) -> Location | None:
    """The location a row's comments give (None without any)."""
    if len(row) <= width:
        return None
    trivia, note = row[width]
    return Location("<database>", 0, 1, trivia, note)


def _profile_parts(raw: object, what: str) -> tuple[Any, Any, tuple[str, ...]]:
    """``[header lines, rows(, trailer lines)]``, the header and trailer checked."""
    need(type(raw) is tuple and len(raw) in (2, 3), f"the {what}: [header, rows]", raw)
    assert isinstance(raw, tuple)
    trailer = texts(raw[2], f"{what} trailer lines") if len(raw) == 3 else ()
    return texts(raw[0], f"{what} header lines"), raw[1], trailer


def check_modules(raw: object) -> tuple[tuple[str, ...], tuple[tuple[Any, ...], ...]]:
    """``[header lines, [[service, command, [[name, usage, condition,
    [tag, ...](, comments)], ...](, comments)], ...](, trailer lines)]``, checked."""
    header, messages, _ = _profile_parts(raw, "modules")
    for service, command, modules, *_ in commented_rows(messages, 3, "module messages"):
        need(type(service) is str and type(command) is str, "[service, command]", service)
        for name, usage, condition, tags, *_ in commented_rows(modules, 4, "modules"):
            need(type(name) is str and usage in ("M", "C", "U"), "a module, usage M/C/U", usage)
            need(optional_text(condition), "a module condition", condition)
            numbers(tags, "module tags", 1 << 32)
    assert isinstance(raw, tuple)
    return header, raw


def decode_modules(checked: tuple[tuple[str, ...], tuple[Any, ...]]) -> ModulesProfile:
    """The checked modules section as a modules profile (comments too)."""
    header, raw = checked
    _, rows_, trailer = _profile_parts(raw, "modules")
    messages = tuple(
        MessageModules(
            row[0],
            row[1],
            tuple(ModuleUse(m[0], m[1], m[2], m[3], comments_of(m, 4)) for m in row[2]),
            comments_of(row, 3),
        )
        for row in rows_
    )
    return ModulesProfile(messages, header, trailer=trailer)


def decode_services(raw: object) -> tuple[tuple[Service, ...], tuple[ItemRef, ...]]:
    """``[[service rows], [[item name, number], ...]]``."""
    need(type(raw) is tuple and len(raw) == 2, "the services: [services, items]", raw)
    assert isinstance(raw, tuple)
    services = tuple(decode_service(row) for row in rows(raw[0], 8, "services"))
    refs = []
    for name, number in rows(raw[1], 2, "the item table"):
        need(type(name) is str and type(number) is int, "[item name, number]", name)
        refs.append(ItemRef(name, number))
    return services, tuple(refs)


def decode_service(row: Sequence[Any]) -> Service:
    number, name, kind, uid, description, commands, sop_classes, extra = row
    need(type(number) is int and type(name) is str, "[number, name, ...]", name)
    need(kind in ("BASE", "META"), "a service type BASE or META", kind)
    need(optional_text(uid) and optional_text(description), "a UID and description", uid)
    numbers(sop_classes, "SOP class numbers", 1 << 32)
    for key, value in rows(extra, 2, "service fields"):
        need(type(key) is str and type(value) is str, "[key, value] texts", key)
    return Service(
        number, name, kind, uid, description, texts(commands, "commands"), sop_classes, extra
    )


def decode_borrowed(raw: object) -> BorrowedConditions:
    """``[[[section number, command, tag, name, standard name], ...],
    [[standard name, expression text], ...]]``."""
    need(type(raw) is tuple and len(raw) == 2, "borrowed: [uses, definitions]", raw)
    assert isinstance(raw, tuple)
    uses = []
    for number, command, tag, name, standard in rows(raw[0], 5, "borrowed uses"):
        need(type(number) is int and type(command) is str, "[number, command]", command)
        need(type(tag) is int and 0 <= tag <= 0xFFFFFFFF, "a tag number", tag)
        need(type(name) is str and type(standard) is str, "condition names", name)
        uses.append(Borrowed(number, command, tag, name, standard))
    definitions = {}
    for name, text in rows(raw[1], 2, "borrowed definitions"):
        need(type(name) is str and type(text) is str, "[name, expression text]", name)
        definitions[name] = text
    return BorrowedConditions(tuple(uses), definitions)


def decode_positions(raw: object) -> PositionsProfile:
    """``[header lines, [[name, command, [[tag, [[index, kind or nil,
    required], ...](, comments)], ...](, comments)], ...](, trailer lines)]``,
    checked."""
    header, sections, trailer = _profile_parts(raw, "positions")
    out = []
    for section in commented_rows(sections, 3, "position sections"):
        name, command, attributes = section[:3]
        need(type(name) is str and type(command) is str, "[name, command]", name)
        decoded = []
        for attribute in commented_rows(attributes, 2, "position attributes"):
            tag, places = attribute[:2]
            need(type(tag) is int and 0 <= tag < 1 << 32, "a tag", tag)
            found = []
            for index, kind, required in rows(places, 3, "positions"):
                need(type(index) is int and 0 < index < 1000, "a position 1-999", index)
                need(kind in ("E", "D", None) and type(required) is bool, "E, D or nil", kind)
                found.append(Position(index, kind, required))
            decoded.append(AttributePositions(tag, tuple(found), comments_of(attribute, 2)))
        out.append(SectionPositions(name, command, tuple(decoded), comments_of(section, 3)))
    return PositionsProfile(tuple(out), header, trailer=trailer)


Decoder = Callable[[Any], Any]
DECODERS: dict[str, Decoder] = {
    "services": decode_services,
    "conditions": decode_conditions,
    "modules": check_modules,
    "lines": LineTable,
    "borrowed": decode_borrowed,
    "positions": decode_positions,
}
"""Each zlib section's decoder (for ``modules``, its checker); the dictionary's
is :class:`mdict.db.dictionary_table.ColumnsTable`."""
