"""``tools/data/ps34.txt`` (PS3.4 transcribed by hand) -> info.pfl sections.

The data sets of the non-storage services: Modality Worklist, the
Query/Retrieve identifiers, MPPS, Storage Commitment, Instance
Availability, Basic Print. The layout of the data file is described at its
top; how the types of PS3.4 become value types is in
docs/standard-profiles.md ("PS3.4 messages").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mdict.model import InfoLine, Tag, ValueList, ValueType
from mdict.write import format_info_line, sorted_lines

from .build_services import upper_snake_words

DATA_FILE = Path(__file__).resolve().parent / "data" / "ps34.txt"

PAIRED = ("C_FIND", "C_MOVE", "C_GET", "N_CREATE", "N_SET", "N_ACTION", "N_EVENT_REPORT", "N_GET")
TYPES = frozenset(("1", "1C", "2", "2C", "3"))
MATCHING = frozenset(("R", "U", "O", "-"))
QUERY_LEVEL = Tag(0x0008, 0x0052)
CHARSET = Tag(0x0008, 0x0005)
FAILED_LIST = Tag(0x0008, 0x0058)
_HEADER = re.compile(r"^\[([A-Z_+]+)((?:\s+[A-Z0-9_]+)+)\]\s+(\S+)\s*$")
_ROW = re.compile(
    r"^(>*)([0-9A-F]{4}),([0-9A-F]{4})\s+(\w+)\s+([^|{]*?)\s*"
    r"(?:\{([ED])<([^>]*)>\})?\s*(?:\|\s*(.*))?$"
)


class TranscriptionError(ValueError):
    """A line of the data file that does not follow its layout."""


@dataclass(frozen=True, slots=True)
class Row:
    depth: int
    tag: Tag
    keyword: str
    types: tuple[str, ...]
    condition: str | None
    level: str | None
    line: int
    values: ValueList | None = None
    """``{E<A, B>}`` or ``{D<A, B>}`` after the types: the value list."""


@dataclass
class Block:
    commands: tuple[str, ...]
    services: tuple[str, ...]
    table: str
    line: int
    rows: list[Row] = field(default_factory=list)
    levels: list[tuple[str, str]] = field(default_factory=list)
    """(level, PS3.4 table) in file order."""


@dataclass
class Ps34:
    """What the data file gives the profiles."""

    messages: dict[tuple[str, str], tuple[InfoLine, ...]] = field(default_factory=dict)
    items: dict[str, tuple[InfoLine, ...]] = field(default_factory=dict)
    conditions: dict[str, str] = field(default_factory=dict)
    """Condition name -> comment (PS3.4 table, tag, the text)."""
    tables: dict[tuple[str, str], str] = field(default_factory=dict)
    """(service, command) -> the PS3.4 table it was transcribed from."""
    query_keys: list[tuple[str, str, str, Tag]] = field(default_factory=list)
    """(service, level, matching key type, top-level tag) of the Q/R models."""
    skipped: list[str] = field(default_factory=list)
    """Blocks naming a service the profile does not have, rows whose tag the
    dictionary does not have."""


def read_blocks(path: Path = DATA_FILE) -> list[Block]:
    """The blocks of the data file; a line out of layout raises with its place."""
    blocks: list[Block] = []
    level: str | None = None
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        where = f"{path.name}:{number}"
        header = _HEADER.match(text)
        if header:
            commands = tuple(header.group(1).split("+"))
            bad = [c for c in commands if c not in PAIRED and c.rsplit("_", 1)[0] not in PAIRED]
            if bad:
                raise TranscriptionError(f"{where}: unknown command {bad[0]}")
            blocks.append(Block(commands, tuple(header.group(2).split()), header.group(3), number))
            level = None
            continue
        if not blocks:
            raise TranscriptionError(f"{where}: a row before the first [COMMAND SERVICE] header")
        if text.startswith("@level "):
            parts = text.split()
            if len(parts) != 3:
                raise TranscriptionError(f"{where}: expected @level NAME TABLE")
            level = parts[1]
            blocks[-1].levels.append((parts[1], parts[2]))
            continue
        blocks[-1].rows.append(_row(text, where, number, blocks[-1], level))
    return blocks


def _row(text: str, where: str, number: int, block: Block, level: str | None) -> Row:
    found = _ROW.match(text)
    if not found:
        raise TranscriptionError(f"{where}: expected [>...]GGGG,EEEE KEYWORD TYPES [| TEXT]")
    types = tuple(found.group(5).split())
    paired = [c for c in block.commands if c in PAIRED]
    if len(types) != len(block.commands):
        raise TranscriptionError(
            f"{where}: {len(block.commands)} type column(s) expected, found {len(types)}"
        )
    for command, value in zip(block.commands, types, strict=True):
        allowed = _allowed(command) if command in paired else (TYPES | {"-"},)
        parts = value.split("/") if command in paired else [value]
        if value != "-" and (len(parts) != len(allowed) or not all(
            p in a for p, a in zip(parts, allowed, strict=False)
        )):  # fmt: skip
            raise TranscriptionError(f"{where}: type {value!r} does not fit {command}")
    tag = Tag(int(found.group(2), 16), int(found.group(3), 16))
    values = None
    if found.group(6):
        listed = (tuple(v.strip() for v in found.group(7).split(",")),)
        values = ValueList("E", listed) if found.group(6) == "E" else ValueList("D", listed)
    return Row(
        len(found.group(1)), tag, found.group(4), types, found.group(8), level, number, values
    )


def _allowed(command: str) -> tuple[frozenset[str], ...]:
    if command in ("C_FIND", "C_MOVE", "C_GET"):
        return (MATCHING, TYPES | {"-"})
    return (TYPES | {"-"}, TYPES | {"-"})


def check_keywords(blocks: Sequence[Block], keyword_of: Mapping[Tag, str]) -> list[str]:
    """Rows whose keyword is not the dictionary's keyword for the tag (a
    transcription slip in the tag or the name)."""
    return [
        f"{DATA_FILE.name}:{r.line}: {r.tag} is {keyword_of.get(r.tag, 'not in the dictionary')}"
        f", not {r.keyword}"
        for b in blocks
        for r in b.rows
        if keyword_of.get(r.tag) != r.keyword
    ]


# ---------------------------------------------------------------------------
# Value types per message
# ---------------------------------------------------------------------------


def message_type(block_command: str, message: str, types: str, tag: Tag) -> str | None:
    """The value type of one row in one message, None when it is not sent."""
    if block_command not in PAIRED:  # a one-message block: the type as written
        return None if types == "-" else types
    requester, _, provider = types.partition("/")
    if block_command == "C_FIND":
        if tag == QUERY_LEVEL:
            return "1"
        return "1C" if tag == CHARSET else "3"
    if block_command in ("C_MOVE", "C_GET"):
        return "1" if tag == QUERY_LEVEL else "3"
    if message.endswith("_RQ"):
        chosen = provider if block_command == "N_EVENT_REPORT" else requester
        return None if chosen == "-" else chosen
    if block_command in ("N_CREATE", "N_SET"):  # the optional attribute list
        return None if provider == "-" else "3"
    if block_command == "N_GET":
        return None if provider == "-" else provider
    return None


def block_messages(block: Block) -> list[tuple[str, str, int]]:
    """(message, block command, type column) of every message a block makes."""
    out: list[tuple[str, str, int]] = []
    for column, command in enumerate(block.commands):
        if command not in PAIRED:
            out.append((command, command, column))
        elif command == "N_GET":
            out.append(("N_GET_RSP", command, column))
        elif command in ("N_ACTION", "N_EVENT_REPORT"):
            out.append((f"{command}_RQ", command, column))
        else:
            out += [(f"{command}_RQ", command, column), (f"{command}_RSP", command, column)]
    return out


# ---------------------------------------------------------------------------
# Building sections and items
# ---------------------------------------------------------------------------


class Ps34Builder:
    """Turns blocks into message lines, naming the items of their sequences
    (identical contents share one item; names never clash with ``taken``)."""

    def __init__(self, vrs: Mapping[Tag, str], taken: set[str]) -> None:
        self.vrs = vrs
        self.taken = set(taken)
        self.result = Ps34()
        self._by_content: dict[tuple[str, ...], str] = {}

    def add(self, block: Block) -> None:
        for message, command, column in block_messages(block):
            lines = self._lines(block, block.rows, 0, message, command, column)
            if command in ("C_MOVE", "C_GET") and message.endswith("_RSP"):
                lines = (InfoLine(FAILED_LIST, "UI", ValueType("3")),)
            for service in block.services:
                self.result.messages[(service, message)] = lines
                self.result.tables[(service, message)] = block.table
        if block.commands[0] in ("C_FIND", "C_MOVE", "C_GET"):
            for service in block.services:
                self.result.query_keys += [
                    (service, r.level, r.types[0].split("/")[0], r.tag)
                    for r in block.rows
                    if r.depth == 0 and r.level not in (None, "ANY")
                ]

    def _lines(
        self,
        block: Block,
        rows: Sequence[Row],
        depth: int,
        message: str,
        command: str,
        column: int,
    ) -> tuple[InfoLine, ...]:
        lines: list[InfoLine] = []
        index = 0
        while index < len(rows):
            row = rows[index]
            end = index + 1
            while end < len(rows) and rows[end].depth > depth:
                end += 1
            vt = message_type(command, message, row.types[column], row.tag)
            line = None
            if vt is not None:
                line = self._line(block, row, vt, rows[index + 1 : end], message, command, column)
            if line is not None:
                lines.append(line)
            index = end
        return tuple(sorted_lines(lines))

    def _line(
        self,
        block: Block,
        row: Row,
        vt: str,
        children: Sequence[Row],
        message: str,
        command: str,
        column: int,
    ) -> InfoLine | None:
        vr = self.vrs.get(row.tag)
        if vr is None:
            note = f"{DATA_FILE.name}:{row.line}: {row.tag} not in the dictionary"
            if note not in self.result.skipped:
                self.result.skipped.append(note)
            return None
        condition = self._condition(block, row) if vt in ("1C", "2C") else None
        values: ValueList | None = row.values
        if row.tag == QUERY_LEVEL and block.levels:
            values = ValueList("E", (tuple(lv for lv, _ in block.levels if lv != "ANY"),))
        if vr == "SQ":
            inner = self._lines(block, children, row.depth + 1, message, command, column)
            values = ValueList("E", ((self._item(row.keyword, inner),),))
        return InfoLine(row.tag, vr, ValueType(vt, condition), values)

    def _item(self, keyword: str, lines: tuple[InfoLine, ...]) -> str:
        key = tuple(format_info_line(ln) for ln in lines)
        name = self._by_content.get(key)
        if name is None:
            base = upper_snake_words(keyword.removesuffix("Sequence")) or "ITEM"
            name, count = base, 1
            while name in self.taken:
                count += 1
                name = f"{base}_{count}"
            self.taken.add(name)
            self._by_content[key] = name
            self.result.items[name] = lines
        return name

    def _condition(self, block: Block, row: Row) -> str:
        table = re.sub(r"[^0-9A-Z]+", "_", block.table.upper()).strip("_")
        name = f"PS34_{table}_{upper_snake_words(row.keyword)}"
        text = row.condition or "condition not transcribed"
        self.result.conditions.setdefault(
            name, f"PS3.4 Table {block.table}, {row.keyword} {row.tag}: {text}"
        )
        return name


def build_ps34(
    vrs: Mapping[Tag, str],
    keyword_of: Mapping[Tag, str],
    services: Mapping[str, tuple[str, ...]],
    taken: set[str],
    path: Path = DATA_FILE,
) -> Ps34:
    """Every block of the data file. A service the profile lacks is skipped
    (listed in ``skipped``); a command the service does not list, a tag not in
    the dictionary or a keyword that is not the tag's raises, naming the line."""
    blocks = read_blocks(path)
    slips = check_keywords(blocks, keyword_of)
    if slips:
        raise TranscriptionError("; ".join(slips))
    builder = Ps34Builder(vrs, taken)
    for block in blocks:
        absent = [s for s in block.services if s not in services]
        if absent:
            builder.result.skipped += [f"{path.name}:{block.line}: no service {s}" for s in absent]
            block.services = tuple(s for s in block.services if s in services)
        for service in block.services:
            commands = services[service]
            for message, _, _ in block_messages(block):
                if message not in commands:
                    raise TranscriptionError(
                        f"{path.name}:{block.line}: {service} has no {message} ({commands})"
                    )
        builder.add(block)
    return builder.result


def format_query_keys(ps34: Ps34, uids: Mapping[str, str]) -> str:
    """``query-keys.tsv``: the keys of each Q/R level, for identifier checks."""
    lines = ["# SOP Class UID\tservice\tlevel\tmatching key type (U, R, O)\ttag"]
    for service, level, matching, tag in ps34.query_keys:
        lines.append(f"{uids[service]}\t{service}\t{level}\t{matching}\t{tag}")
    return "\n".join(lines) + "\n"


def format_conditions(ps34: Ps34) -> str:
    """The conditions the transcription names, each ``unknown`` (PS3.4 states
    them in words) with the words as its comment."""
    out = [
        "",
        "# Conditions of the PS3.4 transcription (tools/data/ps34.txt): PS3.4 states",
        "# them in words; validation reports them as not evaluated.",
    ]
    for name, comment in sorted(ps34.conditions.items()):
        out += [f"# {comment}", f"{name} = unknown"]
    return "\n".join(out) + "\n"
