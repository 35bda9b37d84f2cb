"""mergecom.srv writer (docs/formats.md): Merge's current layout."""

from __future__ import annotations

import os

from mdict.fileio import write_text_atomic
from mdict.model.services import Service, ServiceProfile
from mdict.write._layout import emit, start, text, trivia_of

SERVICES_BANNER = ("#", "# mergecom.srv: DICOM service profile, written by mdict.", "#")
"""The header of a service profile mdict makes (one read from a file keeps its own)."""
SECTION_GAP = 2
"""Blank lines before each service section and before [ITEM_TABLE]."""
SERVICES_COUNT = "NUMBER_OF_SERVICES_SUPPORTED"
ITEMS_COUNT = "NUMBER_OF_ITEMS_SUPPORTED"
TABLE_INDENT = " " * 4
TABLE_KEY_WIDTH = 70
SERVICE_INDENT = " " * 8
SERVICE_KEY_WIDTH = 24


def _key_value(indent: str, width: int, key: str, value: str) -> str:
    padded = key.ljust(width) if len(key) < width else key + " "
    return f"{indent}{padded}= {value}" if value else f"{indent}{padded}="


def table_line(key: str, value: str) -> str:
    """A line of [SERVICE_TABLE] or [ITEM_TABLE], without the line end."""
    return _key_value(TABLE_INDENT, TABLE_KEY_WIDTH, key, value)


def service_line(key: str, value: str) -> str:
    """A line of a service section (or a MESSAGE block), without the line end."""
    return _key_value(SERVICE_INDENT, SERVICE_KEY_WIDTH, key, value)


def service_keys(service: Service) -> list[tuple[str, str]]:
    """The key/value lines of a service section in canonical order.

    BASE: NAME, UID, DESCRIPTION, TYPE, COMMAND_1..k.
    META: NAME, DESCRIPTION, UID, TYPE, SOP_CLASSES_INCLUDED, SOP_CLASS_1..m.
    Unknown keys follow in the order they were read.
    """
    pairs: list[tuple[str, str]] = [("NAME", service.name)]
    uid = [("UID", service.uid)] if service.uid is not None else []
    desc = [("DESCRIPTION", service.description)] if service.description is not None else []
    if service.type == "META":
        pairs += desc + uid + [("TYPE", "META")]
        pairs.append(("SOP_CLASSES_INCLUDED", str(len(service.sop_classes))))
        pairs += [(f"SOP_CLASS_{i}", f"{n:04d}") for i, n in enumerate(service.sop_classes, 1)]
    else:
        pairs += uid + desc + [("TYPE", service.type)]
        pairs += [(f"COMMAND_{i}", c) for i, c in enumerate(service.commands, 1)]
    pairs += list(service.extra)
    return pairs


def format_services(profile: ServiceProfile) -> str:
    """The canonical text of a service profile, its comments where they were."""
    services = sorted(profile.services, key=lambda s: s.number)
    anchors = dict(profile.table_trivia)
    out: list[str] = []
    start(out, profile.header or SERVICES_BANNER)
    emit(out, anchors.get("[SERVICE_TABLE]", ()))
    out.append("[SERVICE_TABLE]")
    emit(out, anchors.get(SERVICES_COUNT, ()))
    out.append(table_line(SERVICES_COUNT, str(len(services))))
    for s in sorted(services, key=lambda s: s.name):
        emit(out, s.table_trivia)
        out.append(table_line(s.name, f"{s.number:04d}"))
    for s in services:
        emit(out, trivia_of(s.loc), SECTION_GAP)
        out.append(f"[{s.number:04d}]")
        comments = dict(s.key_trivia)
        for key, value in service_keys(s):
            emit(out, comments.get(key, ()))
            out.append(service_line(key, value))
    emit(out, anchors.get("[ITEM_TABLE]", ()), SECTION_GAP)
    out.append("[ITEM_TABLE]")
    emit(out, anchors.get(ITEMS_COUNT, ()))
    out.append(table_line(ITEMS_COUNT, str(len(profile.items))))
    for item in sorted(profile.items, key=lambda i: i.name):
        emit(out, trivia_of(item.loc))
        out.append(table_line(item.name, f"{item.number:04d}"))
    return text(out, profile.trailer)


def write_services(profile: ServiceProfile, path: str | os.PathLike[str]) -> None:
    """Write a service profile's canonical text to ``path`` atomically."""
    write_text_atomic(path, format_services(profile))
