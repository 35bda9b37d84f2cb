"""The attribute table of a message, the way conformance statements list them.

One row per attribute line of the message: name, tag, VR, VM, type, the
condition of a 1C/2C and the enumerated values or defined terms. The items a
sequence names follow it with their attributes prefixed by ``>`` per level.

Merge profiles do not record which module an attribute belongs to; when the
database holds mdict's modules profile for the message (the standard ones do,
generated from dicom3tools), the rows are grouped module by module in IOD
order, each heading giving the module's usage and condition, and the
attributes no module claims come last under "Other attributes". Otherwise
the table is one list in tag order (modules are not invented).
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from mdict.db.protocol import MessageDatabase
from mdict.errors import LookupFailed
from mdict.model import InfoLine, InfoSection, Service
from mdict.model.modules import ModuleUse
from mdict.write import sorted_lines

Format = Literal["markdown", "csv", "html"]
FORMATS: tuple[Format, ...] = ("markdown", "csv", "html")
HEADERS = ("Attribute", "Tag", "VR", "VM", "Type", "Condition", "Values")
MODULE_HEADERS = ("Module", "Module usage", "Module condition")
OTHER = "Other attributes"
MAX_DEPTH = 16


@runtime_checkable
class ModuleSource(Protocol):
    """A database that may know the modules of its messages (mdict.load's)."""

    def modules(self, service: str | int, command: str) -> tuple[ModuleUse, ...] | None:
        """The message's modules in IOD order, or None when unknown."""


@dataclass(frozen=True, slots=True)
class Row:
    depth: int
    name: str
    tag: str
    vr: str
    vm: str
    type: str
    condition: str
    values: str

    def cells(self) -> tuple[str, ...]:
        name = ">" * self.depth + self.name
        return (name, self.tag, self.vr, self.vm, self.type, self.condition, self.values)


@dataclass(frozen=True, slots=True)
class Group:
    """The rows of one module (or of the attributes no module claims)."""

    name: str
    usage: str
    condition: str
    rows: tuple[Row, ...]

    @property
    def heading(self) -> str:
        """``Patient (M)``, ``Clinical Trial Subject (U, NEED_...)``."""
        if not self.usage:
            return self.name
        usage = f"{self.usage}, {self.condition}" if self.condition else self.usage
        return f"{self.name} ({usage})"

    def prefix(self) -> tuple[str, str, str]:
        return (self.name, self.usage, self.condition)


def message_rows(db: MessageDatabase, service: str, command: str) -> tuple[str, list[Row]]:
    """(title, rows) of one message; LookupFailed names what is missing."""
    title, _, section = _message(db, service, command)
    return title, list(_rows(db, section, 0, ()))


def message_groups(
    db: MessageDatabase, service: str, command: str
) -> tuple[str, list[Group] | None]:
    """(title, the rows module by module) of one message, or (title, None)
    when the database does not know the message's modules."""
    title, found, section = _message(db, service, command)
    modules = db.modules(found.number, command) if isinstance(db, ModuleSource) else None
    if modules is None:
        return title, None
    return title, group_rows(db, section, modules)


def group_rows(
    db: MessageDatabase, section: InfoSection, modules: Sequence[ModuleUse]
) -> list[Group]:
    """Each top-level line (with its nested item rows) under the first module
    that lists its tag, modules in IOD order; modules with no line of the
    message are left out; the rest go to a last "Other attributes" group."""
    owner: dict[int, int] = {}
    for index, module in enumerate(modules):
        for tag in module.tags:
            owner.setdefault(tag, index)
    buckets: dict[int, list[Row]] = {}
    other: list[Row] = []
    for line in sorted_lines(section.lines):
        key = line.tag.group << 16 | line.tag.element if line.tag.creator is None else -1
        claimed = owner.get(key)
        target = other if claimed is None else buckets.setdefault(claimed, [])
        target.extend(_line_rows(db, line, 0, ()))
    groups = [
        Group(module.name, module.usage, module.condition or "", tuple(buckets[index]))
        for index, module in enumerate(modules)
        if index in buckets
    ]
    if other:
        groups.append(Group(OTHER, "", "", tuple(other)))
    return groups


def _message(db: MessageDatabase, service: str, command: str) -> tuple[str, Service, InfoSection]:
    found = db.service(int(service) if service.isdigit() else service)
    if found is None:
        raise LookupFailed(f"no service {service!r} in the database")
    command = command.upper()
    section = db.message(found.number, command)
    if section is None:
        known = ", ".join(found.commands) or "none"
        raise LookupFailed(f"service {found.name} has no {command} message (it has: {known})")
    title = f"{found.name} {command}" + (f" ({found.description})" if found.description else "")
    return title, found, section


def _rows(
    db: MessageDatabase, section: InfoSection, depth: int, path: tuple[str, ...]
) -> Iterator[Row]:
    for line in sorted_lines(section.lines):
        yield from _line_rows(db, line, depth, path)


def _line_rows(
    db: MessageDatabase, line: InfoLine, depth: int, path: tuple[str, ...]
) -> Iterator[Row]:
    """One line's row and the rows of the items it names."""
    entry = db.entry(line.tag)
    name = entry.name if entry is not None else "?"
    if line.tag.creator is not None:
        name += f" [{line.tag.creator}]"
    values = ""
    if line.values is not None and line.vr != "SQ":
        values = str(line.values)
    yield Row(
        depth,
        name,
        line.tag.display.split(" ")[0],
        line.vr,
        str(entry.vm) if entry is not None else "",
        line.vt.type,
        line.vt.condition or "",
        values,
    )
    for item_name in line.item_names:
        if item_name in path or depth + 1 > MAX_DEPTH:
            continue
        item = db.item(item_name)
        if item is not None:
            yield from _rows(db, item, depth + 1, (*path, item_name))


def format_markdown(title: str, rows: list[Row]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    out = [f"## {title}", "", "| " + " | ".join(HEADERS) + " |"]
    out.append("|" + "---|" * len(HEADERS))
    out += ["| " + " | ".join(cell(c) for c in row.cells()) + " |" for row in rows]
    return "\n".join(out) + "\n"


def format_csv(title: str, rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADERS)
    writer.writerows(row.cells() for row in rows)
    return buffer.getvalue()


def format_html(title: str, rows: list[Row]) -> str:
    esc = html.escape
    out = [
        "<table>",
        f"<caption>{esc(title)}</caption>",
        "<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in HEADERS) + "</tr></thead>",
        "<tbody>",
    ]
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row.cells()) + "</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out) + "\n"


def format_table(title: str, rows: list[Row], fmt: Format) -> str:
    writer = {"markdown": format_markdown, "csv": format_csv, "html": format_html}[fmt]
    return writer(title, rows)


# ---------------------------------------------------------------------------
# Module by module
# ---------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def format_markdown_groups(title: str, groups: Sequence[Group]) -> str:
    """A ``### Module (usage, condition)`` heading and a table per module."""
    out = [f"## {title}"]
    for group in groups:
        out += ["", f"### {group.heading}", "", "| " + " | ".join(HEADERS) + " |"]
        out.append("|" + "---|" * len(HEADERS))
        out += ["| " + " | ".join(_md_cell(c) for c in r.cells()) + " |" for r in group.rows]
    return "\n".join(out) + "\n"


def format_csv_groups(title: str, groups: Sequence[Group]) -> str:
    """The module's name, usage and condition as the first three columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow((*MODULE_HEADERS, *HEADERS))
    for group in groups:
        writer.writerows((*group.prefix(), *row.cells()) for row in group.rows)
    return buffer.getvalue()


def format_html_groups(title: str, groups: Sequence[Group]) -> str:
    """One table; a heading row (``<th colspan scope="rowgroup">``) per module."""
    esc = html.escape
    out = [
        "<table>",
        f"<caption>{esc(title)}</caption>",
        "<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in HEADERS) + "</tr></thead>",
    ]
    for group in groups:
        out.append("<tbody>")
        out.append(
            f'<tr class="module"><th colspan="{len(HEADERS)}" scope="rowgroup">'
            f"{esc(group.heading)}</th></tr>"
        )
        for row in group.rows:
            out.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row.cells()) + "</tr>")
        out.append("</tbody>")
    out.append("</table>")
    return "\n".join(out) + "\n"


def format_groups(title: str, groups: Sequence[Group], fmt: Format) -> str:
    writer = {
        "markdown": format_markdown_groups,
        "csv": format_csv_groups,
        "html": format_html_groups,
    }[fmt]
    return writer(title, groups)
