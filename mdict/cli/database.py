"""``mdict dict``, ``mdict info``, ``mdict decompile``, ``mdict check-db`` (the
compiler) and ``mdict lookup``, ``mdict services``, ``mdict show`` (lookups in
a compiled database, by default the standard one shipped with mdict)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from mdict.cli.combine import fail, refuse_to_overwrite, with_source_lines, write_together
from mdict.db.aliases import did_you_mean
from mdict.db.build import STAGES, Compiled, undefined_summary
from mdict.db.database import Database, default_database, open_database
from mdict.db.format import DEFAULT_NAMES, Role, Source, source_of
from mdict.errors import InputFileError, MdictError
from mdict.fileio import read_text, write_bytes_atomic
from mdict.model import DictEntry, InfoLine, InfoSection, Service, Tag, ValueList
from mdict.write import format_dictionary, format_info, format_services

# ---------------------------------------------------------------------------
# Compiling
# ---------------------------------------------------------------------------


@contextlib.contextmanager
def stages(steps: Sequence[str]) -> Iterator[Callable[[str], None]]:
    """A progress bar over named steps on a terminal; silent otherwise."""
    if not sys.stderr.isatty():
        yield lambda step: None
        return
    shown: list[str] = [steps[0]]
    progress: Any = click.progressbar(
        length=len(steps), label="compiling", file=sys.stderr, item_show_func=lambda _: shown[0]
    )
    with progress as bar:

        def advance(step: str) -> None:
            shown[0] = step
            bar.update(1)

        yield advance


def beside(profile: str, given: str | None, role: Role) -> str:
    """An option's file, or the profile of that role in the same folder."""
    if given is not None:
        return given
    path = Path(profile).parent / DEFAULT_NAMES[role]
    if not path.exists() and Path(profile).exists():
        fail(
            InputFileError(
                str(path), f"no such file (looked beside {profile}; name it with --{role})"
            )
        )
    return str(path)


def report_warnings(compiled: Compiled, show_all: bool) -> None:
    """Warnings on stderr; undefined conditions condensed unless asked for."""
    warnings = compiled.warnings
    others = [w for w in warnings if not w.message.startswith("condition ")]
    listed = warnings if show_all else others
    for warning in with_source_lines(listed):
        click.echo(warning.render(), err=True)
    summary = undefined_summary(compiled)
    if summary is not None and not show_all:
        click.echo(f"warning: {summary} (--show-warnings lists them)", err=True)


def describe(compiled: Compiled, output: str) -> str:
    """The one-line summary of a compiled database."""
    counts = compiled.counts
    parts = []
    for key, label in (
        ("services", "services"),
        ("messages", "messages"),
        ("items", "items"),
        ("lines", "attribute lines"),
        ("entries", "dictionary entries"),
        ("conditions", "conditions"),
        ("modules", "messages with modules"),
        ("borrowed", "lines with a borrowed condition"),
    ):
        if key in counts:
            parts.append(f"{counts[key]} {label}")
    return f"{output}: {', '.join(parts)}; {len(compiled.data)} bytes"


_output_option = click.option("-o", "--output", type=click.Path(dir_okay=False), default=None)
_warnings_option = click.option(
    "--show-warnings", is_flag=True, help="List every warning (undefined conditions too)."
)


@click.command("dict")
@click.argument("dictionary", type=click.Path(dir_okay=False))
@_output_option
@_warnings_option
def dict_command(dictionary: str, output: str | None, show_warnings: bool) -> None:
    """Compile a dictionary profile (default output: mrgcom3.dct)."""
    from mdict.db.build import compile_dictionary
    from mdict.parse import read_dictionary

    output = output or "mrgcom3.dct"
    try:
        refuse_to_overwrite([output], [dictionary])
        with stages(["reading", "checking", "writing"]) as step:
            model = read_dictionary(dictionary)
            step("checking")
            compiled = compile_dictionary(model, [source_of(dictionary, "dictionary")])
            step("writing")
            write_bytes_atomic(output, compiled.data)
            step("done")
    except MdictError as error:
        fail(error)
    except OSError as error:
        fail(InputFileError(output, f"cannot write: {error.strerror or error}"))
    report_warnings(compiled, show_warnings)
    click.echo(describe(compiled, output))


@click.command("info")
@click.argument("info", type=click.Path(dir_okay=False))
@click.option("--services", "services", default=None, help="Default: mergecom.srv beside INFO.")
@click.option("--dictionary", "dictionary", default=None, help="Default: diction.pfl beside INFO.")
@click.option(
    "--conditions",
    "conditions",
    default=None,
    help="A conditions profile to embed (default: conditions.pfl beside INFO, if there).",
)
@click.option(
    "--modules",
    "modules",
    default=None,
    help="A modules profile to embed (default: modules.pfl beside INFO, if there).",
)
@click.option(
    "--no-borrow",
    is_flag=True,
    help="Do not borrow the standard database's conditions for undefined condition names.",
)
@_output_option
@_warnings_option
def info_command(
    info: str,
    services: str | None,
    dictionary: str | None,
    conditions: str | None,
    modules: str | None,
    no_borrow: bool,
    output: str | None,
    show_warnings: bool,
) -> None:
    """Compile a message info profile with its service profile and dictionary
    into a message database (default output: mrgcom3.msg)."""
    from mdict.db.build import compile_message_files

    output = output or "mrgcom3.msg"
    services = beside(info, services, "services")
    dictionary = beside(info, dictionary, "dictionary")
    if conditions is None and (Path(info).parent / DEFAULT_NAMES["conditions"]).is_file():
        conditions = beside(info, None, "conditions")
    if modules is None and (Path(info).parent / DEFAULT_NAMES["modules"]).is_file():
        modules = beside(info, None, "modules")
    inputs = [p for p in (info, services, dictionary, conditions, modules) if p is not None]
    try:
        refuse_to_overwrite([output], inputs)
        with stages([*STAGES, "writing", "done"]) as step:
            compiled = compile_message_files(
                info, services, dictionary, conditions, modules, step, not no_borrow
            )
            step("writing")
            write_bytes_atomic(output, compiled.data)
            step("done")
    except MdictError as error:
        fail(error)
    except OSError as error:
        fail(InputFileError(output, f"cannot write: {error.strerror or error}"))
    report_warnings(compiled, show_warnings)
    click.echo(describe(compiled, output))


# ---------------------------------------------------------------------------
# Back to profiles, staleness
# ---------------------------------------------------------------------------


def open_or_fail(path: str | None) -> Database:
    """The database named (default: the standard one), or exit 2 saying why."""
    try:
        return open_database(path) if path is not None else default_database()
    except MdictError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)


def require_messages(db: Database, path: str | None) -> None:
    """A dictionary database (mdict dict) holds no services, messages or
    items: say so (exit 2) instead of finding nothing."""
    if db.header.kind != "messages":
        click.echo(
            f"error: {path}: a dictionary database holds no services, messages or items"
            " (compile a message database with `mdict info`)",
            err=True,
        )
        sys.exit(2)


def profile_texts(db: Database) -> list[tuple[str, str]]:
    """(file name, canonical text) of each profile a database holds."""
    out: list[tuple[str, str]] = []
    dictionary = db.dictionary_model()
    services = db.services_model()
    info = db.info_model()
    if dictionary is not None:
        out.append((DEFAULT_NAMES["dictionary"], format_dictionary(dictionary)))
    if services is not None:
        out.append((DEFAULT_NAMES["services"], format_services(services)))
    if info is not None:
        out.append((DEFAULT_NAMES["info"], format_info(info, services)))
    conditions = db.conditions_model()
    if conditions is not None:
        from mdict.write.conditions import format_conditions

        out.append((DEFAULT_NAMES["conditions"], format_conditions(conditions)))
    modules = db.modules_model()
    if modules is not None:
        from mdict.write.modules import format_modules

        out.append((DEFAULT_NAMES["modules"], format_modules(modules)))
    return out


@click.command("decompile")
@click.argument("database", type=click.Path(dir_okay=False))
@click.option(
    "-o", "--output", "folder", required=True, type=click.Path(file_okay=False), help="Folder."
)
@click.option("--force", is_flag=True, help="Replace profiles already in the folder.")
def decompile_command(database: str, folder: str, force: bool) -> None:
    """Write a compiled database back as canonical profiles."""
    db = open_or_fail(database)
    try:
        texts = profile_texts(db)
    except MdictError as error:
        fail(error)
    targets = [(os.path.join(folder, name), text) for name, text in texts]
    existing = [path for path, _ in targets if os.path.exists(path)]
    if existing and not force:
        fail(InputFileError(existing[0], "exists already (--force replaces it)"))
    try:
        os.makedirs(folder, exist_ok=True)
        refuse_to_overwrite([p for p, _ in targets], [database])
        write_together(targets)
    except MdictError as error:
        fail(error)
    except OSError as error:
        fail(InputFileError(folder, f"cannot write: {error.strerror or error}"))
    for path, text in targets:
        click.echo(f"{path}: {text.count(chr(10))} lines")


@dataclass(frozen=True, slots=True)
class Staleness:
    """One recorded source compared with a file."""

    source: Source | None
    path: str | None
    current: bool

    def describe(self) -> str:
        if self.path is not None and not os.path.isfile(self.path):
            return f"{self.path}: MISSING (no such file)"
        if self.source is None:
            return f"{self.path}: not a source of this database"
        if self.path is None:
            return f"{self.source.file}: not given (not compared)"
        state = "up to date" if self.current else "STALE (changed since the database was compiled)"
        return f"{self.path}: {state}"


def role_of(path: str) -> Role | None:
    """The role of a profile from its content."""
    from mdict.parse import detect_kind

    kind = detect_kind(read_text(path))
    return kind if kind in ("dictionary", "services", "info", "conditions", "modules") else None


def compare_sources(db: Database, against: Sequence[str]) -> list[Staleness]:
    """Each given profile (files, or folders holding the recorded file names)
    against the digest the database recorded for it."""
    files: list[str] = []
    for name in against:
        if os.path.isdir(name):
            files += [os.path.join(name, s.file) for s in db.header.sources]
        else:
            files.append(name)
    out: list[Staleness] = []
    matched: set[Role] = set()
    for path in files:
        by_name = [s for s in db.header.sources if s.file == os.path.basename(path)]
        if not by_name and os.path.isfile(path):
            role = role_of(path)
            by_name = [s for s in db.header.sources if s.role == role]
        if not by_name:
            out.append(Staleness(None, path, False))
            continue
        source = by_name[0]
        matched.add(source.role)
        current = os.path.isfile(path) and source_of(path, source.role).sha256 == source.sha256
        out.append(Staleness(source, path, current))
    out += [Staleness(s, None, True) for s in db.header.sources if s.role not in matched]
    return out


@click.command("check-db")
@click.argument("database", type=click.Path(dir_okay=False))
@click.option(
    "--against",
    multiple=True,
    required=True,
    help="Profile files or folders (repeat the option, or name several after it).",
)
@click.argument("more", nargs=-1)
def check_db_command(database: str, against: Sequence[str], more: Sequence[str]) -> None:
    """Tell whether DATABASE is stale relative to its source profiles
    (exit 1 when any differs or is not one of its sources)."""
    db = open_or_fail(database)
    try:
        results = compare_sources(db, [*against, *more])
    except MdictError as error:
        fail(error)
    for result in results:
        click.echo(result.describe())
    if not db.header.sources:
        click.echo(f"{database}: records no source profiles", err=True)
        sys.exit(1)
    if any(not r.current for r in results):
        sys.exit(1)


# ---------------------------------------------------------------------------
# Lookups
# ---------------------------------------------------------------------------

_db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="A compiled database (default: the standard one shipped with mdict).",
)
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
@_db_option
@_json_option
def lookup_command(keys: Sequence[str], db_path: str | None, as_json: bool) -> None:
    """Look attributes up by tag (0010,0010), private tag (0029,CREATOR,10),
    name (Patient's Name) or keyword (PatientName)."""
    db = open_or_fail(db_path)
    missing = 0
    results: list[dict[str, Any]] = []
    for text in keys:
        key = parse_key(text)
        try:
            found = db.entry(key) if isinstance(key, Tag) else db.entry_by_name(key)
        except MdictError as error:
            fail(error)
        if found is not None:
            if as_json:
                results.append({"query": text, "found": True, **entry_json(found)})
            else:
                click.echo(entry_line(found))
            continue
        missing += 1
        hint = ""
        if isinstance(key, Tag) and key.is_private and key.creator is None:
            hint = " (a private attribute is looked up as GGGG,CREATOR,EB)"
        if as_json:
            results.append({"query": text, "found": False, "error": f"not in the dictionary{hint}"})
        else:
            click.echo(f"error: {text}: not in the dictionary{hint}", err=True)
    if as_json:
        echo_json({"results": results})
    if missing:
        sys.exit(1)


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
@_db_option
@_json_option
def services_command(pattern: str | None, items: bool, db_path: str | None, as_json: bool) -> None:
    """List services (number, type, name, UID, commands) or the item table;
    --match keeps those with every word of the text in their name or
    description (CT matches CT_IMAGE, not AUTOREFRACTION), or a UID prefix."""
    db = open_or_fail(db_path)
    require_messages(db, db_path)
    wanted = words(pattern) if pattern else set()
    try:
        if items:
            refs = [ref for ref in db.item_refs() if wanted <= words(ref.name)]
            if as_json:
                echo_json({"items": [{"number": r.number, "name": r.name} for r in refs]})
                return
            for ref in refs:
                click.echo(f"{ref.number:04d}  {ref.name}")
            return
        services = [s for s in db.services() if pattern is None or service_matches(s, pattern)]
        if as_json:
            echo_json({"services": [service_json(s) for s in services]})
            return
        for service in services:
            what = " ".join(service.commands) or " ".join(f"{n:04d}" for n in service.sop_classes)
            click.echo(
                f"{service.number:04d}  {service.type:<4}  {service.name}  {service.uid or '-'}"
                f"  {what}"
            )
    except MdictError as error:
        fail(error)


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
@_db_option
@_json_option
def show_command(
    service: str, command: str | None, depth: int | None, db_path: str | None, as_json: bool
) -> None:
    """Show a message spec (SERVICE COMMAND: service by name, UID or number)
    or an item (ITEM_NAME, or NAME ITEM) as a table, items expanded."""
    db = open_or_fail(db_path)
    require_messages(db, db_path)
    is_item = command is None or command.upper() == "ITEM"
    try:
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
            what = "item" if is_item else "message"
            text = f"error: no {what} {service} {command or ''}".rstrip()
            named = found if found is not None else db.service(service)
            if named is not None and named.commands:
                # Say what the service has (a bare service name is read as an item).
                known = ", ".join(named.commands)
                if is_item:
                    text += f" ({named.name} is a service; give a command: {known})"
                else:
                    text += f" ({named.name} has: {known})"
            elif named is None:
                known_names = [r.name for r in db.item_refs()] if is_item else []
                known_names += [s.name for s in db.services()]
                text += did_you_mean(service, known_names)
            click.echo(text, err=True)
            sys.exit(1)
        if as_json:
            echo_json(show_json(db, section, found, depth))
            return
        rows = show_rows(db, section, limit=depth)
    except MdictError as error:
        fail(error)
    click.echo(f"{title}: {len(section.lines)} attributes")
    header = ("Tag", "Name", "VR", "VM", "Type", "Condition", "Values")
    for line in render_table(rows, header):
        click.echo(line)
