"""Dictionaries compared entry by entry (by tag), private creator blocks as
a whole with rename hints, and the fast path for two diction.pfl texts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from mdict.model import (
    VM,
    VRS,
    DictEntry,
    Dictionary,
    Tag,
)
from mdict.private.diff.changes import Change, Op
from mdict.write import format_dict_entry

RENAME_THRESHOLD = 0.5


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
