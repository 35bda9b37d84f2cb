"""Semantic diff of two profiles of the same kind (or a profile and a database).

Profiles are compared by meaning, never line by line: entries are matched by
tag, services and items by name, messages by (service, command), lines of a
message by tag. Reordering, whitespace, value-list separators and the order of
values inside a value list are no difference. A private creator block that
exists on one side only is one ``private block`` change; a removed block and
an added block that look alike carry a rename hint.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

from mdict.db.protocol import MessageDatabase
from mdict.model import (
    ITEM,
    VM,
    VRS,
    CombineConfig,
    ConfigBlock,
    DictEntry,
    Dictionary,
    InfoLine,
    InfoProfile,
    InfoSection,
    ItemRef,
    Service,
    ServiceProfile,
    Tag,
    ValueList,
)
from mdict.write import format_dict_entry, format_info_line

Kind = Literal["dictionary", "services", "info", "config"]
Op = Literal["added", "removed", "changed"]
OP_SIGN: dict[str, str] = {"added": "+", "removed": "-", "changed": "~"}
RENAME_THRESHOLD = 0.5


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: ``subject`` at ``where`` was added, removed or changed.

    For a change, ``field`` names what changed and ``old``/``new`` hold the two
    values; for an addition or removal, ``new``/``old`` hold the profile text.
    ``details`` lists the contents of an added or removed block or section.
    """

    op: Op
    subject: str
    where: str
    field: str = ""
    old: str = ""
    new: str = ""
    hint: str = ""
    details: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Diff:
    """All differences between two profiles of one kind, in canonical order."""

    kind: Kind
    old_label: str
    new_label: str
    changes: tuple[Change, ...]

    @property
    def same(self) -> bool:
        return not self.changes

    def counts(self) -> dict[str, int]:
        out = {"added": 0, "removed": 0, "changed": 0}
        for change in self.changes:
            out[change.op] += 1
        return out


# ---------------------------------------------------------------------------
# Dictionaries
# ---------------------------------------------------------------------------


def _entry_text(entry: DictEntry) -> str:
    return format_dict_entry(entry)


def _entry_where(tag: Tag, name: str) -> str:
    return f"{tag.display} {name}" if tag.creator is None else f"{tag.display}: {name}"


def _entry_changes(old: DictEntry, new: DictEntry) -> list[Change]:
    where = _entry_where(new.tag, new.name)
    out: list[Change] = []
    if old.name != new.name:
        out.append(Change("changed", "attribute", where, "name", old.name, new.name))
    if old.vr != new.vr:
        out.append(Change("changed", "attribute", where, "VR", old.vr, new.vr))
    if old.vm != new.vm:
        out.append(Change("changed", "attribute", where, "VM", str(old.vm), str(new.vm)))
    return out


def _by_tag(entries: Iterable[DictEntry]) -> dict[Tag, DictEntry]:
    return {e.tag: e for e in entries}


BlockKey = tuple[int, str]


def _blocks(entries: Mapping[Tag, DictEntry]) -> dict[BlockKey, dict[int, DictEntry]]:
    blocks: dict[BlockKey, dict[int, DictEntry]] = {}
    for tag, entry in entries.items():
        if tag.creator is not None:
            blocks.setdefault((tag.group, tag.creator), {})[tag.element] = entry
    return blocks


def _block_where(key: BlockKey) -> str:
    return f"({key[0]:04X},xxxx) {key[1]}"


def _shape(block: Mapping[int, DictEntry]) -> set[tuple[int, str, str]]:
    return {(eb, e.vr, str(e.vm)) for eb, e in block.items()}


def _rename_hints(
    removed: Mapping[BlockKey, dict[int, DictEntry]],
    added: Mapping[BlockKey, dict[int, DictEntry]],
) -> dict[BlockKey, str]:
    """For each removed block, a hint naming the added block it resembles."""
    hints: dict[BlockKey, str] = {}
    for old_key, old_block in removed.items():
        old_shape = _shape(old_block)
        best: tuple[float, BlockKey] | None = None
        for new_key, new_block in added.items():
            if new_key[0] != old_key[0]:
                continue
            new_shape = _shape(new_block)
            score = len(old_shape & new_shape) / max(len(old_shape), len(new_shape))
            if score >= RENAME_THRESHOLD and (best is None or score > best[0]):
                best = (score, new_key)
        if best is None:
            continue
        new_key = best[1]
        matching = len(old_shape & _shape(added[new_key]))
        hint = (
            f"private creator renamed {old_key[1]!r} -> {new_key[1]!r}? "
            f"{matching} of {len(old_block)} attributes keep element byte, VR and VM"
        )
        if " ".join(old_key[1].split()) == " ".join(new_key[1].split()):
            hint += " (the creators differ only in spaces; creators are byte-exact)"
        hints[old_key] = hint
        hints[new_key] = hint
    return hints


def diff_dictionaries(
    old: Dictionary, new: Dictionary, shared_blocks: Iterable[BlockKey] = ()
) -> list[Change]:
    """Added, removed and changed attributes; whole private blocks as one change.

    ``shared_blocks`` names private blocks known to exist on both sides even
    when ``old`` and ``new`` hold only part of their entries (see
    ``diff_dictionary_texts``)."""
    old_map, new_map = _by_tag(old.entries), _by_tag(new.entries)
    old_blocks, new_blocks = _blocks(old_map), _blocks(new_map)
    shared = set(shared_blocks)
    gone = {k: v for k, v in old_blocks.items() if k not in new_blocks and k not in shared}
    fresh = {k: v for k, v in new_blocks.items() if k not in old_blocks and k not in shared}
    hints = _rename_hints(gone, fresh)
    keyed: list[tuple[tuple[int, str, int], Change]] = []

    def block_change(op: Op, key: BlockKey, block: Mapping[int, DictEntry]) -> None:
        count = len(block)
        text = f"{count} attribute{'' if count == 1 else 's'}"
        details = tuple(_entry_text(block[eb]) for eb in sorted(block))
        change = Change(
            op,
            "private block",
            _block_where(key),
            old=text if op == "removed" else "",
            new=text if op == "added" else "",
            hint=hints.get(key, ""),
            details=details,
        )
        keyed.append(((key[0], key[1] + ",", -1), change))

    for key in gone:
        block_change("removed", key, gone[key])
    for key in fresh:
        block_change("added", key, fresh[key])
    for tag in old_map.keys() | new_map.keys():
        if tag.creator is not None and (
            (tag.group, tag.creator) in gone or (tag.group, tag.creator) in fresh
        ):
            continue
        before, after = old_map.get(tag), new_map.get(tag)
        if before is None and after is not None:
            change = Change("added", "attribute", tag.display, new=_entry_text(after))
            keyed.append((tag.sort_key(), change))
        elif after is None and before is not None:
            change = Change("removed", "attribute", tag.display, old=_entry_text(before))
            keyed.append((tag.sort_key(), change))
        elif before is not None and after is not None and before != after:
            keyed.extend((tag.sort_key(), c) for c in _entry_changes(before, after))
    keyed.sort(key=lambda pair: pair[0])
    return [c for _, c in keyed]


_CANONICAL_VR = "|".join(sorted(VRS, key=len, reverse=True))
_CANONICAL_ENTRY = re.compile(
    r"[^,\x00-\x1f]*[^, \x00-\x1f],([0-9A-F]{4}),"
    r"(?:([0-9A-F]{4})|([^,\x00-\x1f]{1,64}),[0-9A-F]{2}),"
    rf"(?:{_CANONICAL_VR}),(\d+(?:-(?:\d+|\d*n))?)"
)


def _canonical_tag(line: str, vms: dict[str, bool]) -> Tag | None:
    """The tag of a diction.pfl line in canonical form; None for any other
    line (which the parser must read)."""
    m = _CANONICAL_ENTRY.fullmatch(line)
    if m is None:
        return None
    group = int(m.group(1), 16)
    if (group % 2 == 1) != (m.group(3) is not None):
        return None
    vm = m.group(4)
    if vm not in vms:
        try:
            VM.from_text(vm)
            vms[vm] = True
        except ValueError:
            vms[vm] = False
    if not vms[vm]:
        return None
    if m.group(3) is None:
        return Tag(group, int(m.group(2), 16))
    return Tag(group, int(line[m.end(3) + 1 : m.end(3) + 3], 16), m.group(3))


def diff_dictionary_texts(
    old_text: str, new_text: str, old_name: str = "old", new_name: str = "new"
) -> list[Change]:
    """``diff_dictionaries`` of two diction.pfl texts, fast for large files.

    A line found byte for byte in both files that is in canonical form means
    the same entry on both sides, so it is not parsed (it is blanked, keeping
    line numbers for errors); every other line goes through the parser, which
    raises ProfileError for a bad one exactly as reading the file would. When
    a shared line's tag also appears on another line (a duplicate tag), both
    files are parsed whole, so the result is always that of
    ``diff_dictionaries`` on the two parsed files.
    """
    from mdict.parse import parse_dictionary

    old_lines, new_lines = old_text.splitlines(), new_text.splitlines()
    vms: dict[str, bool] = {}
    common: set[str] = set()
    common_tags: set[Tag] = set()
    duplicated = False
    for line in set(old_lines) & set(new_lines):
        tag = _canonical_tag(line, vms)
        if tag is None:
            continue
        common.add(line)
        duplicated = duplicated or tag in common_tags
        common_tags.add(tag)

    def partial(lines: list[str], name: str) -> Dictionary:
        rest = [ln for ln in lines if ln not in common and ln.strip()]
        shares = any(ln in common for ln in lines)
        if shares and all(ln.lstrip().startswith("#") for ln in rest):
            return Dictionary((), name)  # only shared entries (and comments or blanks)
        return parse_dictionary("".join("\n" if ln in common else ln + "\n" for ln in lines), name)

    old, new = partial(old_lines, old_name), partial(new_lines, new_name)
    if duplicated or any(e.tag in common_tags for e in (*old.entries, *new.entries)):
        old, new = parse_dictionary(old_text, old_name), parse_dictionary(new_text, new_name)
        return diff_dictionaries(old, new)
    shared = {(t.group, t.creator) for t in common_tags if t.creator is not None}
    return diff_dictionaries(old, new, shared)


# ---------------------------------------------------------------------------
# Service profiles
# ---------------------------------------------------------------------------


def _service_summary(service: Service, names: Mapping[int, str]) -> tuple[str, ...]:
    out = [f"number {service.number:04d}", f"type {service.type}"]
    if service.uid is not None:
        out.append(f"UID {service.uid}")
    if service.description is not None:
        out.append(f"description {service.description}")
    out += [f"command {c}" for c in service.commands]
    out += [f"SOP class {names.get(n, f'{n:04d}')}" for n in service.sop_classes]
    out += [f"{k} = {v}" for k, v in service.extra]
    return tuple(out)


def _set_changes(subject: str, where: str, old: Iterable[str], new: Iterable[str]) -> list[Change]:
    before, after = set(old), set(new)
    out = [Change("removed", subject, where, old=v) for v in sorted(before - after)]
    out += [Change("added", subject, where, new=v) for v in sorted(after - before)]
    return out


def _optional(value: str | None) -> str:
    return "(none)" if value is None else value


def _service_changes(
    old: Service,
    new: Service,
    old_names: Mapping[int, str],
    new_names: Mapping[int, str],
) -> list[Change]:
    where = new.name
    out: list[Change] = []
    if old.number != new.number:
        out.append(
            Change("changed", "service", where, "number", f"{old.number:04d}", f"{new.number:04d}")
        )
    for label, before, after in (
        ("type", old.type, new.type),
        ("UID", old.uid, new.uid),
        ("description", old.description, new.description),
    ):
        if before != after:
            out.append(
                Change("changed", "service", where, label, _optional(before), _optional(after))
            )
    out += _set_changes("command", where, old.commands, new.commands)
    out += _set_changes(
        "SOP class",
        where,
        (old_names.get(n, f"{n:04d}") for n in old.sop_classes),
        (new_names.get(n, f"{n:04d}") for n in new.sop_classes),
    )
    old_extra, new_extra = dict(old.extra), dict(new.extra)
    for key in sorted(old_extra.keys() | new_extra.keys()):
        if old_extra.get(key) != new_extra.get(key):
            out.append(
                Change(
                    "changed",
                    "service",
                    where,
                    key,
                    _optional(old_extra.get(key)),
                    _optional(new_extra.get(key)),
                )
            )
    return out


def _item_changes(old: Sequence[ItemRef], new: Sequence[ItemRef]) -> list[Change]:
    before = {i.name: i.number for i in old}
    after = {i.name: i.number for i in new}
    out: list[Change] = []
    for name in sorted(before.keys() | after.keys()):
        b, a = before.get(name), after.get(name)
        if b is None and a is not None:
            out.append(Change("added", "item", name, new=f"{a:04d}"))
        elif a is None and b is not None:
            out.append(Change("removed", "item", name, old=f"{b:04d}"))
        elif a != b and a is not None and b is not None:
            out.append(Change("changed", "item", name, "number", f"{b:04d}", f"{a:04d}"))
    return out


def _service_names(profile: ServiceProfile) -> dict[int, str]:
    return {s.number: s.name for s in profile.services}


def diff_services(old: ServiceProfile, new: ServiceProfile) -> list[Change]:
    """Services by name (number, UID, type, commands, SOP classes), then items."""
    old_names, new_names = _service_names(old), _service_names(new)
    before = {s.name: s for s in old.services}
    after = {s.name: s for s in new.services}
    uid_of_removed = {s.uid: s.name for s in old.services if s.name not in after and s.uid}
    out: list[Change] = []
    for name in sorted(before.keys() | after.keys()):
        b, a = before.get(name), after.get(name)
        if b is None and a is not None:
            hint = ""
            if a.uid and a.uid in uid_of_removed:
                hint = f"service renamed {uid_of_removed[a.uid]!r} -> {name!r}? same UID"
            summary = _service_summary(a, new_names)
            out.append(Change("added", "service", name, hint=hint, details=summary))
        elif a is None and b is not None:
            summary = _service_summary(b, old_names)
            out.append(Change("removed", "service", name, details=summary))
        elif a is not None and b is not None:
            out += _service_changes(b, a, old_names, new_names)
    return out + _item_changes(old.items, new.items)


# ---------------------------------------------------------------------------
# Info profiles
# ---------------------------------------------------------------------------


def _normal_values(values: ValueList | None) -> object:
    """A value list as its meaning: kind, form and each group as a set."""
    if values is None:
        return None
    return (values.kind, values.per_position, tuple(frozenset(g) for g in values.groups))


def _line_changes(where: str, old: InfoLine, new: InfoLine) -> list[Change]:
    at = f"{where} {new.tag.display}"
    out: list[Change] = []
    if old.vr != new.vr:
        out.append(Change("changed", "line", at, "VR", old.vr, new.vr))
    if old.vt != new.vt:
        out.append(Change("changed", "line", at, "type", str(old.vt), str(new.vt)))
    if _normal_values(old.values) != _normal_values(new.values):
        before = str(old.values) if old.values is not None else "(none)"
        after = str(new.values) if new.values is not None else "(none)"
        out.append(
            Change("changed", "line", at, "values", before, after, hint=_values_hint(old, new))
        )
    if old.field4 != new.field4:
        out.append(Change("changed", "line", at, "field 4", old.field4, new.field4))
    return out


def _values_hint(old: InfoLine, new: InfoLine) -> str:
    if (
        old.values is None
        or new.values is None
        or old.values.per_position
        or new.values.per_position
    ):
        return ""
    before = set(old.values.groups[0]) if old.values.groups else set()  # E<>: no values
    after = set(new.values.groups[0]) if new.values.groups else set()
    parts = []
    if after - before:
        parts.append("added " + ", ".join(sorted(after - before)))
    if before - after:
        parts.append("removed " + ", ".join(sorted(before - after)))
    if old.values.kind != new.values.kind:
        parts.append(f"{old.values.kind}<> -> {new.values.kind}<>")
    return "; ".join(parts)


SectionKey = tuple[int, str, str]


def _section_key(
    section: InfoSection, names: Mapping[int, str], items: Mapping[int, str]
) -> SectionKey:
    """(0 message | 1 item, name or number, command)."""
    if section.is_item:
        return (1, items.get(section.number, f"{section.number:04d}"), ITEM)
    return (0, names.get(section.number, f"{section.number:04d}"), section.command)


def _section_where(key: SectionKey) -> str:
    if key[0] == 1:
        return f"item {key[1]}"
    return f"message {key[1]} {key[2]}"


def diff_info(
    old: InfoProfile,
    new: InfoProfile,
    old_services: ServiceProfile | None = None,
    new_services: ServiceProfile | None = None,
) -> list[Change]:
    """Messages and items (by name when the service profiles are given, else by
    number) and their lines by tag."""
    old_names = _service_names(old_services) if old_services else {}
    new_names = _service_names(new_services) if new_services else {}
    old_items = {i.number: i.name for i in old_services.items} if old_services else {}
    new_items = {i.number: i.name for i in new_services.items} if new_services else {}
    before = {_section_key(s, old_names, old_items): s for s in old.sections}
    after = {_section_key(s, new_names, new_items): s for s in new.sections}
    out: list[Change] = []
    for key in sorted(before.keys() | after.keys()):
        where = _section_where(key)
        subject = "item" if key[0] == 1 else "message"
        name = where.split(" ", 1)[1]
        b, a = before.get(key), after.get(key)
        if b is None and a is not None:
            text = f"{len(a.lines)} lines"
            details = tuple(format_info_line(ln) for ln in _sorted_lines(a.lines))
            out.append(Change("added", subject, name, new=text, details=details))
        elif a is None and b is not None:
            text = f"{len(b.lines)} lines"
            details = tuple(format_info_line(ln) for ln in _sorted_lines(b.lines))
            out.append(Change("removed", subject, name, old=text, details=details))
        elif a is not None and b is not None:
            out += _line_set_changes(where, b.lines, a.lines)
    return out


def _sorted_lines(lines: Iterable[InfoLine]) -> list[InfoLine]:
    return sorted(lines, key=lambda ln: ln.tag.sort_key())


def _line_set_changes(where: str, old: Iterable[InfoLine], new: Iterable[InfoLine]) -> list[Change]:
    before = {ln.tag: ln for ln in old}
    after = {ln.tag: ln for ln in new}
    out: list[Change] = []
    for tag in sorted(before.keys() | after.keys(), key=Tag.sort_key):
        b, a = before.get(tag), after.get(tag)
        if b is None and a is not None:
            out.append(Change("added", "line", f"{where} {tag.display}", new=format_info_line(a)))
        elif a is None and b is not None:
            out.append(Change("removed", "line", f"{where} {tag.display}", old=format_info_line(b)))
        elif a is not None and b is not None and a != b:
            out += _line_changes(where, b, a)
    return out


# ---------------------------------------------------------------------------
# mc3icomb configurations
# ---------------------------------------------------------------------------

_CONFIG_LABELS = ("existing service", "private service", "private item", "existing item")


def _block_details(block: ConfigBlock) -> tuple[str, ...]:
    props = [f"{k} = {v}" for k, v in block.properties]
    return (*props, *(format_info_line(ln) for ln in _sorted_lines(block.lines)))


def diff_configs(old: CombineConfig, new: CombineConfig) -> list[Change]:
    """Blocks by (section, name, command); their properties and lines by tag."""
    pairs = (
        (old.existing_services, new.existing_services),
        (old.private_services, new.private_services),
        (old.private_items, new.private_items),
        (old.existing_items, new.existing_items),
    )
    out: list[Change] = []
    for label, (old_blocks, new_blocks) in zip(_CONFIG_LABELS, pairs, strict=True):
        before = {(b.name, b.command): b for b in old_blocks}
        after = {(b.name, b.command): b for b in new_blocks}
        for key in sorted(before.keys() | after.keys()):
            where = f"{label} {key[0]} {key[1]}"
            b, a = before.get(key), after.get(key)
            if b is None and a is not None:
                out.append(Change("added", "block", where, details=_block_details(a)))
            elif a is None and b is not None:
                out.append(Change("removed", "block", where, details=_block_details(b)))
            elif a is not None and b is not None:
                old_props, new_props = dict(b.properties), dict(a.properties)
                for prop in sorted(old_props.keys() | new_props.keys()):
                    if old_props.get(prop) != new_props.get(prop):
                        before_value = _optional(old_props.get(prop))
                        after_value = _optional(new_props.get(prop))
                        out.append(
                            Change("changed", "block", where, prop, before_value, after_value)
                        )
                out += _line_set_changes(where, b.lines, a.lines)
    return out


# ---------------------------------------------------------------------------
# Databases as profiles
# ---------------------------------------------------------------------------


def dictionary_of(db: MessageDatabase) -> Dictionary:
    """The dictionary a database holds (empty when it holds none)."""
    return db.dictionary_model() or Dictionary(())


def services_of(db: MessageDatabase) -> ServiceProfile:
    """The service profile a database holds (empty when it holds none)."""
    return db.services_model() or ServiceProfile((), ())


def info_of(db: MessageDatabase) -> InfoProfile:
    """Every message and item a database holds."""
    return db.info_model() or InfoProfile(())


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def format_change(change: Change) -> list[str]:
    sign = OP_SIGN[change.op]
    head = f"{sign} {change.subject} {change.where}"
    if change.op == "changed":
        head += f": {change.field} {change.old} -> {change.new}"
    else:
        text = change.new if change.op == "added" else change.old
        if text:
            head += f": {text}"
    lines = [head]
    lines += [f"    {sign} {d}" for d in change.details]
    if change.hint:
        lines.append(f"    hint: {change.hint}")
    return lines


def format_text(diff: Diff) -> str:
    """The report a person reads: a header, a summary, one line per change."""
    counts = diff.counts()
    out = [f"--- {diff.old_label}", f"+++ {diff.new_label}"]
    if diff.same:
        out.append(f"{diff.kind}: no semantic difference")
    else:
        summary = ", ".join(f"{n} {op}" for op, n in counts.items())
        out.append(f"{diff.kind}: {summary}")
        for change in diff.changes:
            out += format_change(change)
    return "\n".join(out) + "\n"


def format_json(diff: Diff) -> str:
    """The report a program reads: kind, labels, counts and every change."""
    doc = {
        "kind": diff.kind,
        "old": diff.old_label,
        "new": diff.new_label,
        "same": diff.same,
        "counts": diff.counts(),
        "changes": [{**asdict(c), "details": list(c.details)} for c in diff.changes],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def diff_profiles(
    old: Dictionary | ServiceProfile | InfoProfile | CombineConfig,
    new: Dictionary | ServiceProfile | InfoProfile | CombineConfig,
    old_label: str = "old",
    new_label: str = "new",
) -> Diff:
    """Diff two models of the same kind; a TypeError for two kinds."""
    if isinstance(old, Dictionary) and isinstance(new, Dictionary):
        return Diff("dictionary", old_label, new_label, tuple(diff_dictionaries(old, new)))
    if isinstance(old, ServiceProfile) and isinstance(new, ServiceProfile):
        return Diff("services", old_label, new_label, tuple(diff_services(old, new)))
    if isinstance(old, InfoProfile) and isinstance(new, InfoProfile):
        return Diff("info", old_label, new_label, tuple(diff_info(old, new)))
    if isinstance(old, CombineConfig) and isinstance(new, CombineConfig):
        return Diff("config", old_label, new_label, tuple(diff_configs(old, new)))
    raise TypeError(f"cannot diff a {type(old).__name__} with a {type(new).__name__}")
