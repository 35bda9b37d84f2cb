"""Canonical writers: one text form per profile kind (spec sections 1-4).

``format_*`` return the text; ``write_*`` write it atomically to a path.
Writers put things in canonical order; reading a canonical file and writing
it back gives the same bytes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from mdict.fileio import write_text_atomic
from mdict.model import (
    CONFIG_SECTIONS,
    ITEM,
    MESSAGE,
    CombineConfig,
    ConfigBlock,
    DictEntry,
    Dictionary,
    InfoLine,
    InfoProfile,
    InfoSection,
    Service,
    ServiceProfile,
)

SERVICES_BANNER = "#\n# mergecom.srv: DICOM service profile, written by mdict.\n#\n"
TABLE_INDENT = " " * 4
TABLE_KEY_WIDTH = 70
SERVICE_INDENT = " " * 8
SERVICE_KEY_WIDTH = 24


# ---------------------------------------------------------------------------
# diction.pfl
# ---------------------------------------------------------------------------


def format_dict_entry(entry: DictEntry) -> str:
    """One diction.pfl line, without the line end."""
    return f"{entry.name},{entry.tag},{entry.vr},{entry.vm}"


def sorted_entries(entries: Iterable[DictEntry]) -> list[DictEntry]:
    """Entries in canonical order (stable: duplicates keep file order)."""
    return sorted(entries, key=lambda e: e.tag.sort_key())


def format_dictionary(dictionary: Dictionary) -> str:
    return "".join(format_dict_entry(e) + "\n" for e in sorted_entries(dictionary.entries))


# ---------------------------------------------------------------------------
# mergecom.srv
# ---------------------------------------------------------------------------


def _key_value(indent: str, width: int, key: str, value: str) -> str:
    padded = key.ljust(width) if len(key) < width else key + " "
    return f"{indent}{padded}= {value}\n"


def _table_line(key: str, value: str) -> str:
    return _key_value(TABLE_INDENT, TABLE_KEY_WIDTH, key, value)


def _service_line(key: str, value: str) -> str:
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
    services = sorted(profile.services, key=lambda s: s.number)
    out = [SERVICES_BANNER, "\n", "[SERVICE_TABLE]\n"]
    out.append(_table_line("NUMBER_OF_SERVICES_SUPPORTED", str(len(services))))
    for s in sorted(services, key=lambda s: s.name):
        out.append(_table_line(s.name, f"{s.number:04d}"))
    out.append("\n\n")
    for s in services:
        out.append(f"[{s.number:04d}]\n")
        out.extend(_service_line(k, v) for k, v in service_keys(s))
        out.append("\n\n")
    out.append("[ITEM_TABLE]\n")
    out.append(_table_line("NUMBER_OF_ITEMS_SUPPORTED", str(len(profile.items))))
    for item in sorted(profile.items, key=lambda i: i.name):
        out.append(_table_line(item.name, f"{item.number:04d}"))
    return "".join(out)


# ---------------------------------------------------------------------------
# info.pfl
# ---------------------------------------------------------------------------


def format_info_line(line: InfoLine) -> str:
    """One attribute line, ``;`` included, without the line end."""
    values = str(line.values) if line.values is not None else ""
    return f"{line.tag}@{line.vr}@{line.vt}@{line.field4}@{values};"


def format_section_header(number: int, command: str) -> str:
    return f"[ {number:04d}, {command} ]"


def sorted_lines(lines: Iterable[InfoLine]) -> list[InfoLine]:
    """Lines in canonical tag order (stable)."""
    return sorted(lines, key=lambda ln: ln.tag.sort_key())


def sorted_sections(
    sections: Iterable[InfoSection], services: ServiceProfile | None = None
) -> list[InfoSection]:
    """Messages by service number (commands in COMMAND_k order when the
    service profile is given, else as read), then items by number."""
    order: dict[int, dict[str, int]] = {}
    if services is not None:
        order = {s.number: {c: i for i, c in enumerate(s.commands)} for s in services.services}
    indexed = list(enumerate(sections))

    def key(pair: tuple[int, InfoSection]) -> tuple[int, int, int, int]:
        position, section = pair
        rank = order.get(section.number, {}).get(
            section.command, len(order.get(section.number, {}))
        )
        return (1 if section.command == ITEM else 0, section.number, rank, position)

    return [s for _, s in sorted(indexed, key=key)]


def format_info(profile: InfoProfile, services: ServiceProfile | None = None) -> str:
    out: list[str] = []
    for section in sorted_sections(profile.sections, services):
        out.append(format_section_header(section.number, section.command) + "\n")
        out.extend(format_info_line(ln) + "\n" for ln in sorted_lines(section.lines))
    return "".join(out)


# ---------------------------------------------------------------------------
# mc3icomb configuration
# ---------------------------------------------------------------------------


def _format_block(block: ConfigBlock) -> list[str]:
    out = [f"[ {block.name}, {block.command} ]\n"]
    if block.command == MESSAGE:
        out.extend(_service_line(k, v) for k, v in block.properties)
    out.extend(format_info_line(ln) + "\n" for ln in sorted_lines(block.lines))
    out.append("\n")
    return out


def format_config(config: CombineConfig) -> str:
    sections = (
        config.existing_services,
        config.private_services,
        config.private_items,
        config.existing_items,
    )
    out: list[str] = []
    for keyword, blocks in zip(CONFIG_SECTIONS, sections, strict=True):
        out.append(f"[ {keyword} ]\n")
        out.append("\n")
        for block in blocks:
            out.extend(_format_block(block))
    text = "".join(out)
    return text.rstrip("\n") + "\n"


# ---------------------------------------------------------------------------
# To files
# ---------------------------------------------------------------------------


def write_dictionary(dictionary: Dictionary, path: str | os.PathLike[str]) -> None:
    write_text_atomic(path, format_dictionary(dictionary))


def write_services(profile: ServiceProfile, path: str | os.PathLike[str]) -> None:
    write_text_atomic(path, format_services(profile))


def write_info(
    profile: InfoProfile, path: str | os.PathLike[str], services: ServiceProfile | None = None
) -> None:
    write_text_atomic(path, format_info(profile, services))


def write_combine_config(config: CombineConfig, path: str | os.PathLike[str]) -> None:
    write_text_atomic(path, format_config(config))
