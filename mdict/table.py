"""The attribute table of a message, the way conformance statements list them.

One row per attribute line of the message: name, tag, VR, VM, type, the
condition of a 1C/2C and the enumerated values or defined terms. The items a
sequence names follow it with their attributes prefixed by ``>`` per level.
Merge profiles do not record which module an attribute belongs to, so the
table is one list in tag order (modules are not invented).
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from .database import MessageDatabase
from .errors import LookupFailed
from .model import InfoSection
from .write import sorted_lines

Format = Literal["markdown", "csv", "html"]
FORMATS: tuple[Format, ...] = ("markdown", "csv", "html")
HEADERS = ("Attribute", "Tag", "VR", "VM", "Type", "Condition", "Values")
MAX_DEPTH = 16


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


def message_rows(db: MessageDatabase, service: str, command: str) -> tuple[str, list[Row]]:
    """(title, rows) of one message; LookupFailed names what is missing."""
    found = db.service(int(service) if service.isdigit() else service)
    if found is None:
        raise LookupFailed(f"no service {service!r} in the database")
    command = command.upper()
    section = db.message(found.number, command)
    if section is None:
        known = ", ".join(found.commands) or "none"
        raise LookupFailed(f"service {found.name} has no {command} message (it has: {known})")
    title = f"{found.name} {command}" + (f" ({found.description})" if found.description else "")
    return title, list(_rows(db, section, 0, ()))


def _rows(
    db: MessageDatabase, section: InfoSection, depth: int, path: tuple[str, ...]
) -> Iterator[Row]:
    for line in sorted_lines(section.lines):
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
