"""A DICOM dataset annotated with a message database.

Each element shows its tag, name, VR, VM and value; when the file's SOP Class
names a service in the database, each element also shows its value type in
that service's C_STORE_RQ message (``1``, ``1C(CONDITION)`` ...) and whether
its values are among the enumerated values or defined terms. Private elements
are named through their creator's block; sequences are indented item by item.
Attributes the message requires (type 1, 1C, 2, 2C) that the file lacks are
listed as ``<absent>``.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from mdict.db.protocol import MessageDatabase
from mdict.errors import LookupFailed
from mdict.model import InfoLine, InfoSection, Tag
from mdict.write import sorted_lines

VALUE_WIDTH = 64
STORE = "C_STORE_RQ"
UNKNOWN_NAME = "?"
ITEM_MARK = ">"
NOT_IN_MESSAGE = "not in the message"


@dataclass(frozen=True, slots=True)
class DumpLine:
    """One line of a dump."""

    depth: int
    tag: str
    vr: str
    vm: int
    name: str
    value: str
    spec: str = ""
    check: str = ""

    def __str__(self) -> str:
        indent = "  " * self.depth
        if self.tag == ITEM_MARK:
            return f"{indent}{ITEM_MARK} {self.name}"
        vm = "" if self.vm < 0 else str(self.vm)
        text = f"{indent}{self.tag} {self.vr:<2} {vm:>2}  {self.name:<40} {self.value}"
        notes = [n for n in (self.spec, self.check) if n]
        if notes:
            text += "  [" + "; ".join(notes) + "]"
        return text.rstrip()


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "<empty>"
    if isinstance(value, bytes):
        shown = value[:8].hex(" ") + (" ..." if len(value) > 8 else "")
        return f"<{len(value)} bytes: {shown}>"
    if isinstance(value, list | tuple) or type(value).__name__ == "MultiValue":
        text = "\\".join(str(v) for v in value)
    else:
        text = str(value)
    text = text.replace("\n", " ").replace("\r", " ")
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 3] + "..."


def _values(elem: Any) -> list[str]:
    value = elem.value
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple) or type(value).__name__ == "MultiValue":
        return [str(v) for v in value]
    return [str(value)]


def value_check(line: InfoLine, values: list[str]) -> str:
    """``E<M, F, O>: ok`` or ``NOT one of E<M, F, O>: X`` for a listed value."""
    allowed_list = line.values
    if allowed_list is None or line.vr == "SQ":
        return ""
    bad = []
    for index, value in enumerate(values):
        allowed = allowed_list.allowed(index)
        if allowed is not None and value.strip() not in allowed:
            bad.append(value)
    kind = "enumerated values" if allowed_list.enumerated else "defined terms"
    if bad:
        return f"NOT one of the {kind} {allowed_list}: {', '.join(bad)}"
    return f"{allowed_list}: ok" if values else f"{allowed_list}"


def _spec_index(section: InfoSection | None) -> dict[Tag, InfoLine]:
    return {ln.tag: ln for ln in section.lines} if section is not None else {}


def _pydicom_name(tag: int, creator: str) -> str:
    """pydicom's name for a private tag the database does not know, marked so."""
    from pydicom.datadict import private_dictionary_description

    try:
        return f"{private_dictionary_description(tag, creator)} (pydicom)"
    except KeyError:
        return UNKNOWN_NAME


class Dumper:
    """Walks a pydicom dataset and annotates it with ``db``."""

    def __init__(self, db: MessageDatabase) -> None:
        self.db = db

    def message_for(self, dataset: Any) -> tuple[str, InfoSection | None]:
        """The C_STORE_RQ message of the dataset's SOP Class, if the database has it."""
        uid = str(dataset.get("SOPClassUID", "") or "")
        meta = getattr(dataset, "file_meta", None)
        if not uid and meta is not None:  # as mdict validate does
            uid = str(meta.get("MediaStorageSOPClassUID", "") or "")
        if not uid:
            return "no SOP Class UID: dictionary only", None
        service = self.db.service(uid)
        if service is None:
            return f"SOP Class {uid} is not a service in the database: dictionary only", None
        message = self.db.message(service.number, STORE)
        if message is None:
            return f"service {service.name} has no {STORE} message: dictionary only", None
        return f"{service.name} {STORE} ({uid})", message

    def message_named(self, service: str, command: str) -> tuple[str, InfoSection]:
        """A message chosen by name (service by name, UID or number); LookupFailed
        when the database does not have it."""
        found = self.db.service(int(service) if service.isdigit() else service)
        if found is None:
            raise LookupFailed(f"no service {service!r} in the database")
        message = self.db.message(found.number, command.upper())
        if message is None:
            raise LookupFailed(f"service {found.name} has no {command.upper()} message")
        return f"{found.name} {command.upper()} (chosen with --message)", message

    def dump(self, dataset: Any, section: InfoSection | None) -> list[DumpLine]:
        meta = getattr(dataset, "file_meta", None)
        with warnings.catch_warnings():  # pydicom's warnings on values the dump shows
            warnings.simplefilter("ignore")
            return list(self._walk(dataset, section, 0, meta if meta else None))

    def _walk(
        self, dataset: Any, section: InfoSection | None, depth: int, meta: Any = None
    ) -> Iterator[DumpLine]:
        """The lines of one dataset level; at the root, the file meta
        information (group 0002) comes first, matched against the same spec."""
        from pydicom.dataelem import convert_raw_data_element

        spec = _spec_index(section)
        creators: dict[tuple[int, int], str] = {}
        seen: set[Tag] = set()
        sources = [meta, dataset] if meta is not None else [dataset]
        for raw, source in ((raw, src) for src in sources for raw in src.elements()):
            group, element = raw.tag >> 16, raw.tag & 0xFFFF
            key = self._key(group, element, creators)
            entry = self.db.entry(key) if key is not None else None
            if not hasattr(raw, "VM"):
                raw_vr = raw.VR
                if (
                    raw_vr in (None, "UN")
                    and entry is not None
                    and entry.vr not in ("UN", "UNKNOWN_VR")
                ):
                    implicit = raw.is_implicit_VR or raw_vr == "UN"
                    raw = raw._replace(VR=entry.vr, is_implicit_VR=implicit)
                try:
                    elem = convert_raw_data_element(raw, encoding=source._character_set, ds=source)
                except NotImplementedError:  # a VR pydicom does not know (ZZ): its bytes, as UN
                    unknown = raw._replace(VR="UN")
                    elem = convert_raw_data_element(
                        unknown, encoding=source._character_set, ds=source
                    )
            else:
                elem = raw
            if group % 2 and 0x10 <= element <= 0xFF:
                creators[(group, element)] = str(elem.value or "").rstrip(" \x00")
            if key is not None:
                seen.add(key)
            line = spec.get(key) if key is not None else None
            listed = (  # file meta outside the spec is not message content, as in validate
                section is None
                or line is not None
                or key is None
                or key.element == 0
                or key.group == 0x0002
            )
            yield self._line(elem, key, entry, line, depth, listed)
            if elem.VR == "SQ":
                yield from self._items(elem, line, depth)
        yield from self._absent(spec, seen, depth)

    @staticmethod
    def _key(group: int, element: int, creators: dict[tuple[int, int], str]) -> Tag | None:
        if not group % 2:
            return Tag(group, element)
        if element <= 0xFF:
            return None
        creator = creators.get((group, element >> 8))
        return Tag(group, element & 0xFF, creator) if creator is not None else None

    def _line(
        self,
        elem: Any,
        key: Tag | None,
        entry: Any,
        line: InfoLine | None,
        depth: int,
        listed: bool = True,
    ) -> DumpLine:
        tag = f"({elem.tag >> 16:04X},{elem.tag & 0xFFFF:04X})"
        if entry is not None:
            name = entry.name
        elif key is None and elem.tag >> 16 & 1 and elem.tag & 0xFFFF <= 0xFF:
            name = "Private Creator"
        elif key is not None and key.creator is not None:
            name = f"{_pydicom_name(elem.tag, key.creator)} [{key.creator}]"
        else:
            name = str(elem.name) if key is None or not key.is_private else UNKNOWN_NAME
        if key is not None and key.creator is not None and entry is not None:
            name += f" [{key.creator}]"
        vm = 0 if elem.VR == "SQ" else int(elem.VM)
        value = f"<{len(elem.value)} item(s)>" if elem.VR == "SQ" else _shown(elem.value)
        spec = "" if listed else NOT_IN_MESSAGE
        check = ""
        if line is not None:
            spec = f"type {line.vt}"
            check = value_check(line, _values(elem)) if elem.VR != "SQ" else ""
        return DumpLine(depth, tag, str(elem.VR), vm, name, value, spec, check)

    def _items(self, elem: Any, line: InfoLine | None, depth: int) -> Iterator[DumpLine]:
        names = line.item_names if line is not None else ()
        item_spec = self.db.item(names[0]) if len(names) == 1 else None
        for number, item in enumerate(elem.value, 1):
            label = f"item {number}" + (f" ({names[0]})" if item_spec is not None else "")
            yield DumpLine(depth + 1, ITEM_MARK, "", -1, label, "")
            yield from self._walk(item, item_spec, depth + 1)

    def _absent(self, spec: dict[Tag, InfoLine], seen: set[Tag], depth: int) -> Iterator[DumpLine]:
        for line in sorted_lines(ln for tag, ln in spec.items() if tag not in seen):
            if line.vt.type == "3":
                continue
            entry = self.db.entry(line.tag)
            name = entry.name if entry is not None else UNKNOWN_NAME
            tag = line.tag.display
            yield DumpLine(depth, tag, line.vr, -1, name, "<absent>", f"type {line.vt}")


def format_dump(header: str, lines: Iterable[DumpLine], pattern: str | None = None) -> str:
    """The dump text; with ``pattern`` only the lines it matches (re.search)."""
    regex = re.compile(pattern) if pattern else None
    out = [f"# {header}"]
    out += [str(ln) for ln in lines if regex is None or regex.search(str(ln))]
    return "\n".join(out) + "\n"
