"""Semantic checks on parsed profiles: what the grammar cannot see.

Each check returns Diagnostics (errors and warnings) with the place of the
offending line. Syntax and file-local table consistency (NUMBER_OF_* counts,
table versus sections, SOP_CLASSES_INCLUDED) are reported by the readers.
"""

from __future__ import annotations

from collections.abc import Iterable

from mdict.errors import Diagnostic, Severity
from mdict.model import (
    CombineConfig,
    DictEntry,
    Dictionary,
    InfoLine,
    InfoProfile,
    Location,
    ServiceProfile,
    Tag,
)

MAX_CREATOR = 64


def _diag(loc: Location | None, message: str, severity: Severity = "error") -> Diagnostic:
    if loc is None:
        return Diagnostic("<model>", 1, 1, message, severity)
    return Diagnostic(loc.file, loc.line, loc.column, message, severity)


def _order_and_duplicates(
    items: Iterable[tuple[Tag, Location | None]], where: str
) -> list[Diagnostic]:
    """Duplicate tags (errors) and lines out of canonical order (warnings)."""
    out: list[Diagnostic] = []
    # Keyed by the canonical sort key, a tuple of plain values (hashing and
    # comparing those is native; a Tag's hash is a Python call).
    seen: dict[tuple[int, str, int], Location | None] = {}
    previous: Tag | None = None
    previous_key: tuple[int, str, int] | None = None
    for tag, loc in items:
        creator = tag.creator
        key = (tag.group, "" if creator is None else creator + ",", tag.element)
        if key in seen:
            first = seen[key]
            line = f" (first at line {first.line})" if first is not None else ""
            out.append(
                _diag(loc, f"expected each tag once {where}, found {tag.display} again{line}")
            )
        else:
            seen[key] = loc
        if previous_key is not None and key < previous_key:
            assert previous is not None
            out.append(
                _diag(
                    loc,
                    f"expected tags in ascending order, found {tag.display} after"
                    f" {previous.display} (mdict fmt sorts them)",
                    "warning",
                )
            )
        previous, previous_key = tag, key
    return out


def check_dictionary(dictionary: Dictionary) -> list[Diagnostic]:
    """Duplicate tags, entries out of order, private creators over 64 characters."""
    out = _order_and_duplicates(((e.tag, e.loc) for e in dictionary.entries), "in a dictionary")
    for entry in dictionary.entries:
        if entry.tag.creator is not None and len(entry.tag.creator) > MAX_CREATOR:
            out.append(
                _diag(
                    entry.loc,
                    f"expected a private creator of at most {MAX_CREATOR} characters,"
                    f" found {len(entry.tag.creator)}",
                )
            )
    return out


def check_services(profile: ServiceProfile) -> list[Diagnostic]:
    """SOP_CLASS_k naming a service number that does not exist or is not BASE."""
    out: list[Diagnostic] = []
    by_number = {s.number: s for s in profile.services}
    for service in profile.services:
        for k, number in enumerate(service.sop_classes, 1):
            target = by_number.get(number)
            if target is None:
                out.append(
                    _diag(
                        service.loc,
                        f"expected SOP_CLASS_{k} of {service.name} to name a service,"
                        f" found {number:04d}, which does not exist",
                    )
                )
            elif target.type != "BASE":
                out.append(
                    _diag(
                        service.loc,
                        f"expected SOP_CLASS_{k} of {service.name} to name a BASE service,"
                        f" found {number:04d} ({target.name}, {target.type})",
                    )
                )
    return out


_TagKey = tuple[int, int, str | None]


def _entry_index(dictionary: Dictionary | None) -> dict[_TagKey, DictEntry] | None:
    """Entries by (group, element, creator): plain tuples hash natively."""
    if dictionary is None:
        return None
    return {(e.tag.group, e.tag.element, e.tag.creator): e for e in dictionary.entries}


def _lines_against(
    lines: Iterable[InfoLine],
    entries: dict[_TagKey, DictEntry] | None,
    item_names: frozenset[str] | None,
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for line in lines:
        tag = line.tag
        if entries is not None:
            entry = entries.get((tag.group, tag.element, tag.creator))
            if entry is None:
                out.append(
                    _diag(line.loc, f"expected a tag of the dictionary, found {line.tag.display}")
                )
            elif entry.vr != line.vr and "UNKNOWN_VR" not in (entry.vr, line.vr):
                out.append(
                    _diag(
                        line.loc,
                        f"expected VR {entry.vr} for {line.tag.display} (the dictionary's),"
                        f" found {line.vr}",
                    )
                )
        if item_names is not None and line.vr == "SQ":
            for name in line.item_names:
                if name not in item_names:
                    out.append(
                        _diag(
                            line.loc,
                            f"expected an item of the [ITEM_TABLE] in the SQ line of"
                            f" {line.tag.display}, found {name!r}",
                        )
                    )
    return out


def check_info(
    info: InfoProfile,
    dictionary: Dictionary | None = None,
    services: ServiceProfile | None = None,
) -> list[Diagnostic]:
    """Duplicate tags and order inside sections; with a service profile,
    sections for unknown services, commands or items and SQ lines naming
    unknown items; with a dictionary, unknown tags and VR disagreements."""
    out: list[Diagnostic] = []
    entries = _entry_index(dictionary)
    item_names: frozenset[str] | None = None
    if services is not None:
        item_names = frozenset(i.name for i in services.items)
        item_numbers = {i.number for i in services.items}
        by_number = {s.number: s for s in services.services}
    for section in info.sections:
        header = f"[ {section.number:04d}, {section.command} ]"
        out += _order_and_duplicates(((ln.tag, ln.loc) for ln in section.lines), f"in {header}")
        if services is not None:
            if section.is_item:
                if section.number not in item_numbers:
                    out.append(
                        _diag(
                            section.loc,
                            f"expected an item number of the [ITEM_TABLE], found {header}",
                        )
                    )
            else:
                service = by_number.get(section.number)
                if service is None:
                    out.append(
                        _diag(
                            section.loc,
                            f"expected a service number of mergecom.srv, found {header}",
                        )
                    )
                elif service.type == "BASE" and section.command not in service.commands:
                    commands = ", ".join(service.commands) or "none"
                    out.append(
                        _diag(
                            section.loc,
                            f"expected a command of {service.name} ({commands}), found {header}",
                        )
                    )
        out += _lines_against(section.lines, entries, item_names)
    return out


def check_config(config: CombineConfig, dictionary: Dictionary | None = None) -> list[Diagnostic]:
    """Duplicate tags and order inside blocks; EXISTING_ITEM_SECTION blocks in
    name order; with a dictionary, unknown tags and VR disagreements."""
    out: list[Diagnostic] = []
    blocks = (
        *config.existing_services,
        *config.private_services,
        *config.private_items,
        *config.existing_items,
    )
    entries = _entry_index(dictionary)
    for block in blocks:
        where = f"in [ {block.name}, {block.command} ]"
        out += _order_and_duplicates(((ln.tag, ln.loc) for ln in block.lines), where)
        out += _lines_against(block.lines, entries, None)
    for previous, block in zip(config.existing_items, config.existing_items[1:], strict=False):
        if block.name < previous.name:
            out.append(
                _diag(
                    block.loc,
                    f"expected EXISTING_ITEM_SECTION blocks in name order, found {block.name}"
                    f" after {previous.name}",
                )
            )
    return out


def check_profile(
    model: object,
    *,
    dictionary: Dictionary | None = None,
    services: ServiceProfile | None = None,
) -> list[Diagnostic]:
    """The checks of any profile model (what its kind's reader cannot see),
    capped like the readers' errors (``cap``). Conditions and modules
    profiles have none beyond their reader's (names, messages and tags
    unique)."""
    if isinstance(model, Dictionary):
        found = check_dictionary(model)
    elif isinstance(model, ServiceProfile):
        found = check_services(model)
    elif isinstance(model, InfoProfile):
        found = check_info(model, dictionary, services)
    elif isinstance(model, CombineConfig):
        found = check_config(model, dictionary)
    else:
        found = []
    return cap(found)


MAX_SHOWN = 20
"""Errors (and, separately, warnings) shown per file, as the readers do."""


def cap(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The first MAX_SHOWN errors and MAX_SHOWN warnings by place, then one
    line per severity saying how many more there are: half a million
    duplicate tags are not half a million lines."""
    ordered = sorted(diagnostics, key=lambda d: (d.line, d.column))
    out: list[Diagnostic] = []
    hidden: dict[str, list[Diagnostic]] = {"error": [], "warning": []}
    shown = {"error": 0, "warning": 0}
    for d in ordered:
        if shown[d.severity] < MAX_SHOWN:
            shown[d.severity] += 1
            out.append(d)
        else:
            hidden[d.severity].append(d)
    for severity, rest in hidden.items():
        if rest:
            first = rest[0]
            word = "errors" if severity == "error" else "warnings"
            out.append(
                Diagnostic(
                    first.file,
                    first.line,
                    first.column,
                    f"{len(rest)} more {word} not shown (the first {MAX_SHOWN} are)",
                    first.severity,
                )
            )
    return out
