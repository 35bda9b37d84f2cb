"""Service profiles (services and items by name), info profiles (messages
and items, their lines by tag) and mc3icomb configurations (blocks and
their lines) compared by meaning."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from mdict.model.config import CombineConfig, ConfigBlock
from mdict.model.core import ITEM, Tag
from mdict.model.info import InfoLine, InfoProfile, InfoSection, ValueList
from mdict.model.services import ItemRef, Service, ServiceProfile
from mdict.private.diff.changes import Change
from mdict.write import format_info_line

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
