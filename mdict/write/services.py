"""mergecom.srv writer (docs/formats.md): Merge's current layout."""

from __future__ import annotations

import os

from mdict.fileio import write_text_atomic
from mdict.model.services import Service, ServiceProfile

SERVICES_BANNER = "#\n# mergecom.srv: DICOM service profile, written by mdict.\n#\n"
TABLE_INDENT = " " * 4
TABLE_KEY_WIDTH = 70
SERVICE_INDENT = " " * 8
SERVICE_KEY_WIDTH = 24


def _key_value(indent: str, width: int, key: str, value: str) -> str:
    padded = key.ljust(width) if len(key) < width else key + " "
    return f"{indent}{padded}= {value}\n" if value else f"{indent}{padded}=\n"


def _table_line(key: str, value: str) -> str:
    return _key_value(TABLE_INDENT, TABLE_KEY_WIDTH, key, value)


def service_line(key: str, value: str) -> str:
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
    """The canonical text of a service profile."""
    services = sorted(profile.services, key=lambda s: s.number)
    out = [SERVICES_BANNER, "\n", "[SERVICE_TABLE]\n"]
    out.append(_table_line("NUMBER_OF_SERVICES_SUPPORTED", str(len(services))))
    for s in sorted(services, key=lambda s: s.name):
        out.append(_table_line(s.name, f"{s.number:04d}"))
    out.append("\n\n")
    for s in services:
        out.append(f"[{s.number:04d}]\n")
        out.extend(service_line(k, v) for k, v in service_keys(s))
        out.append("\n\n")
    out.append("[ITEM_TABLE]\n")
    out.append(_table_line("NUMBER_OF_ITEMS_SUPPORTED", str(len(profile.items))))
    for item in sorted(profile.items, key=lambda i: i.name):
        out.append(_table_line(item.name, f"{item.number:04d}"))
    return "".join(out)


def write_services(profile: ServiceProfile, path: str | os.PathLike[str]) -> None:
    """Write a service profile's canonical text to ``path`` atomically."""
    write_text_atomic(path, format_services(profile))
