"""``mdict lookup``, ``mdict services`` and ``mdict show``: look things up in
a compiled database (by default the standard one shipped with mdict)."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from typing import Any

import click

from mdict.cli._common import FOUND_PROBLEMS, db_options, fail, open_database
from mdict.cli.specs import is_standard, specs_json, specs_of, specs_text
from mdict.db.aliases import did_you_mean
from mdict.db.database import Database
from mdict.model import DictEntry, InfoLine, InfoSection, Service, Tag, ValueList

_TAG = re.compile(r"^\(?\s*([0-9A-Fa-f]{4})\s*,?\s*([0-9A-Fa-f]{4})\s*\)?$")
_PRIVATE = re.compile(r"^\(?\s*([0-9A-Fa-f]{4})\s*,(.+),\s*([0-9A-Fa-f]{2})\s*\)?$")


def parse_key(text: str) -> Tag | str:
    """``0010,0010``, ``(0010,0010)``, ``00100010``, ``GGGG,Creator,EB`` or a name."""
    match = _TAG.match(text.strip())
    if match:
        return Tag(int(match.group(1), 16), int(match.group(2), 16))
    match = _PRIVATE.match(text.strip())
    if match and int(match.group(1), 16) % 2 == 1:
        return Tag(int(match.group(1), 16), int(match.group(3), 16), match.group(2))
    return text


def entry_line(entry: DictEntry) -> str:
    return f"{entry.tag.display}  {entry.vr}  VM {entry.vm}  {entry.name}"


# -- JSON (docs/lookup-api.md: keys are stable; new keys may be added) ---------

_json_option = click.option(
    "--json", "as_json", is_flag=True, help="Machine-readable JSON (docs/lookup-api.md)."
)


def echo_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def tag_json(tag: Tag) -> dict[str, Any]:
    """``tag`` in profile form, ``group``/``element`` as numbers (for a
    private tag the element byte), ``creator`` or null."""
    return {"tag": str(tag), "group": tag.group, "element": tag.element, "creator": tag.creator}


def entry_json(entry: DictEntry) -> dict[str, Any]:
    return {
        **tag_json(entry.tag),
        "name": entry.name,
        "vr": entry.vr,
        "vm": str(entry.vm),
        "retired": entry.retired,
    }


def service_json(service: Service) -> dict[str, Any]:
    return {
        "number": service.number,
        "name": service.name,
        "type": service.type,
        "uid": service.uid,
        "description": service.description,
        "commands": list(service.commands),
        "sop_classes": list(service.sop_classes),
    }


def values_json(values: ValueList | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {
        "kind": values.kind,
        "per_position": values.per_position,
        "groups": [list(g) for g in values.groups],
    }


def section_json(
    db: Database,
    section: InfoSection,
    depth: int = 0,
    path: tuple[str, ...] = (),
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """The lines of a section, each SQ's items nested under ``items`` (as
    far as ``limit``; an item already being expanded above is not expanded
    again)."""
    out: list[dict[str, Any]] = []
    for line in section.lines:
        entry = db.entry(line.tag)
        row: dict[str, Any] = {
            **tag_json(line.tag),
            "name": entry.name if entry is not None else None,
            "vr": line.vr,
            "vm": str(entry.vm) if entry is not None else None,
            "type": line.vt.type,
            "condition": line.vt.condition,
            "values": values_json(line.values) if line.vr != "SQ" else None,
            "field4": line.field4,
            "items": [item_json(db, name, depth, path, limit) for name in line.item_names],
        }
        out.append(row)
    return out


def item_json(
    db: Database, name: str, depth: int, path: tuple[str, ...], limit: int | None
) -> dict[str, Any]:
    """One item an SQ line names: ``expanded`` true with its ``lines``, or
    false with ``reason`` ``depth``, ``recursive`` or ``not defined``."""
    item = db.item(name)
    found: dict[str, Any] = {"name": name, "number": item.number if item else None}
    if name in path:
        return {**found, "expanded": False, "reason": "recursive"}
    if item is None:
        return {**found, "expanded": False, "reason": "not defined"}
    if limit is not None and depth >= limit:
        return {**found, "expanded": False, "reason": "depth"}
    lines = section_json(db, item, depth + 1, (*path, name), limit)
    return {**found, "expanded": True, "lines": lines}


@click.command("lookup")
@click.argument("keys", nargs=-1, required=True)
@db_options
@_json_option
def lookup_command(
    keys: Sequence[str], db_path: str | None, profiles: str | None, as_json: bool
) -> None:
    """Look attributes up by tag, private tag, name or keyword.

    KEYS: a tag (0010,0010), a private tag (0029,CREATOR,10), a name
    (Patient's Name) or a keyword (PatientName); every match is listed,
    standard attributes before private ones. Exit status 1 when a key is not
    in the dictionary (a name gets the closest names).
    """
    db = open_database(db_path, profiles, messages=False)
    missing = 0
    results: list[dict[str, Any]] = []
    for text in keys:
        key = parse_key(text)
        if isinstance(key, Tag):
            found = [e for e in (db.entry(key),) if e is not None]
        else:
            found = db.entries_by_name(key)
        if found:
            if as_json:
                matches = [entry_json(e) for e in found]
                results.append({"query": text, "found": True, **matches[0], "matches": matches})
            else:
                for entry in found:
                    click.echo(entry_line(entry))
            continue
        missing += 1
        hint = ""
        if isinstance(key, Tag) and key.is_private and key.creator is None:
            hint = " (a private attribute is looked up as GGGG,CREATOR,EB)"
        closest = [] if isinstance(key, Tag) else db.closest_names(key)
        if closest:
            hint = "; closest: " + ", ".join(closest)
        if as_json:
            said = f"not in the dictionary{hint}"
            results.append({"query": text, "found": False, "error": said, "closest": closest})
        else:
            click.echo(f"error: {text}: not in the dictionary{hint}", err=True)
    if as_json:
        echo_json({"results": results})
    if missing:
        sys.exit(FOUND_PROBLEMS)


def words(text: str) -> set[str]:
    """The words of a name or description, case-folded."""
    return set(re.split(r"[\s_,;:()/-]+", text.casefold())) - {""}


def service_matches(service: Service, pattern: str) -> bool:
    """Every word of the pattern is a word of the name or description, or the
    pattern starts the UID."""
    if service.uid is not None and service.uid.startswith(pattern.strip()):
        return True
    return words(pattern) <= words(service.name) | words(service.description or "")


@click.command("services")
@click.option("--match", "pattern", default=None, help="Words of the name or description.")
@click.option("--items", is_flag=True, help="List the item table instead.")
@click.option(
    "--specs",
    is_flag=True,
    help="Mark each command with the source of its spec (dicom3tools, highdicom, PS3.4, "
    "empty, profile) or none.",
)
@db_options
@_json_option
def services_command(
    pattern: str | None,
    items: bool,
    specs: bool,
    db_path: str | None,
    profiles: str | None,
    as_json: bool,
) -> None:
    """List the services of a database, or its item table.

    Each service: number, type, name, UID, commands. --match keeps those
    with every word of the text in their name or description (CT matches
    CT_IMAGE, not AUTOREFRACTION), or a UID prefix. --specs says which
    commands have a spec and where it came from.
    """
    db = open_database(db_path, profiles)
    wanted = words(pattern) if pattern else set()
    if items:
        refs = [ref for ref in db.item_refs() if wanted <= words(ref.name)]
        if as_json:
            echo_json({"items": [{"number": r.number, "name": r.name} for r in refs]})
            return
        for ref in refs:
            click.echo(f"{ref.number:04d}  {ref.name}")
        return
    services = [s for s in db.services() if pattern is None or service_matches(s, pattern)]
    standard = specs and is_standard(db)
    if as_json:
        listed = [service_json(s) for s in services]
        if specs:
            for entry, service in zip(listed, services, strict=True):
                entry["specs"] = specs_json(specs_of(db, service, standard))
        echo_json({"services": listed})
        return
    for service in services:
        what = " ".join(service.commands) or " ".join(f"{n:04d}" for n in service.sop_classes)
        if specs and service.commands:
            what = specs_text(specs_of(db, service, standard))
        click.echo(
            f"{service.number:04d}  {service.type:<4}  {service.name}  {service.uid or '-'}  {what}"
        )


def show_rows(
    db: Database,
    section: InfoSection,
    depth: int = 0,
    path: tuple[str, ...] = (),
    limit: int | None = None,
) -> list[tuple[str, ...]]:
    """Rows of the table `mdict show` prints, items expanded in place down to
    ``limit`` levels (an item already being expanded above is named, not
    expanded again)."""
    rows: list[tuple[str, ...]] = []
    for line in section.lines:
        rows.append(row_of(db, line, depth))
        for name in line.item_names:
            if limit is not None and depth >= limit:
                rows.append((f"{'  ' * (depth + 1)}item {name} (not expanded: --depth)",))
                continue
            if name in path:
                rows.append((f"{'  ' * (depth + 1)}item {name} (recursive, see above)",))
                continue
            item = db.item(name)
            if item is None:
                rows.append((f"{'  ' * (depth + 1)}item {name} (not defined)",))
                continue
            rows.append((f"{'  ' * (depth + 1)}item {name} ({item.number:04d})",))
            rows += show_rows(db, item, depth + 1, (*path, name), limit)
    return rows


def row_of(db: Database, line: InfoLine, depth: int) -> tuple[str, ...]:
    entry = db.entry(line.tag)
    name = entry.name if entry is not None else "(not in the dictionary)"
    vm = str(entry.vm) if entry is not None else ""
    values = str(line.values) if line.values is not None and line.vr != "SQ" else ""
    condition = line.vt.condition or ("(unknown)" if line.vt.conditional else "")
    indent = ">" * depth
    return (indent + line.tag.display, name, line.vr, vm, line.vt.type, condition, values)


def show_json(
    db: Database, section: InfoSection, service: Service | None, limit: int | None
) -> dict[str, Any]:
    """What `mdict show --json` prints (docs/lookup-api.md)."""
    name = None
    if section.is_item:
        name = next((r.name for r in db.item_refs() if r.number == section.number), None)
    path = (name,) if name is not None else ()
    return {
        "kind": "item" if section.is_item else "message",
        "number": section.number,
        "command": section.command,
        "name": name if section.is_item else (service.name if service else None),
        "uid": service.uid if service is not None and not section.is_item else None,
        "lines": section_json(db, section, 0, path, limit),
    }


MAX_COLUMN = 40


def render_table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> list[str]:
    """Columns padded to their widest cell (at most MAX_COLUMN, longer cells
    overflow); one-cell rows are headings."""
    table = [header, *(r for r in rows if len(r) == len(header))]
    widths = [min(MAX_COLUMN, max(len(r[i]) for r in table)) for i in range(len(header))]
    out = []
    for row in [header, *rows]:
        if len(row) != len(header):
            out.append(row[0])
            continue
        out.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return out


@click.command("show")
@click.argument("service")
@click.argument("command", required=False)
@click.option("--depth", type=click.IntRange(0), default=None, help="Expand items this deep.")
@db_options
@_json_option
def show_command(
    service: str,
    command: str | None,
    depth: int | None,
    db_path: str | None,
    profiles: str | None,
    as_json: bool,
) -> None:
    """Show the spec of a message or an item as a table.

    SERVICE COMMAND: a message (service by name, UID or number); ITEM_NAME
    or NAME ITEM: an item. Items named by SQ lines are expanded in place.
    """
    db = open_database(db_path, profiles)
    is_item = command is None or command.upper() == "ITEM"
    found = None
    if is_item:
        key: Any = int(service) if service.isdigit() else service
        section = db.item(key)
        title = f"item {service}"
    else:
        assert command is not None
        section = db.message(service, command)
        found = db.service(service)
        title = f"{found.name} ({found.number:04d})" if found else service
        title += f" {command.upper()}"
    if section is None:
        fail(not_found(db, service, command, found))
    if as_json:
        echo_json(show_json(db, section, found, depth))
        return
    rows = show_rows(db, section, limit=depth)
    click.echo(f"{title}: {len(section.lines)} attributes")
    header = ("Tag", "Name", "VR", "VM", "Type", "Condition", "Values")
    for line in render_table(rows, header):
        click.echo(line)


def not_found(db: Database, service: str, command: str | None, found: Service | None) -> str:
    """Why ``show`` has nothing to show, and what there is instead."""
    is_item = command is None or command.upper() == "ITEM"
    text = f"error: no {'item' if is_item else 'message'} {service} {command or ''}".rstrip()
    named = found if found is not None else db.service(service)
    if named is None:
        known_names = [r.name for r in db.item_refs()] if is_item else []
        known_names += [s.name for s in db.services()]
        return text + did_you_mean(service, known_names)
    if not named.commands:
        return text
    with_spec = [c for c in named.commands if db.message(named.number, c) is not None]
    if is_item:  # a bare service name is read as an item
        known = ", ".join(with_spec or named.commands)
        return f"{text} ({named.name} is a service; give a command: {known})"
    assert command is not None
    if command.upper() in named.commands:
        others = ", ".join(with_spec) or "none"
        return (
            f"error: {named.name} {command.upper()}: the service has this command, but the"
            f" info profile specifies no attributes for it (messages with a spec: {others})"
        )
    return f"{text} ({named.name} has the commands: {', '.join(named.commands)})"
