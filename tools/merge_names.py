"""Merge's service and item names (``tools/data/merge-*.tsv``) for the
standard profiles.

The names of Merge's public 2020 release: services by SOP Class UID, items
by the sequence attributes whose items they describe. The standard profiles
use them wherever Merge has the service or item, mdict's own names
elsewhere; every mdict name that changed is kept as an alias so that old
configurations and commands keep working (``profiles/aliases.tsv``).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from mdict.model import InfoLine, Tag, ValueList

DATA = Path(__file__).resolve().parent / "data"
SERVICES_FILE = DATA / "merge-services.tsv"
ITEMS_FILE = DATA / "merge-items.tsv"


@dataclass(frozen=True, slots=True)
class MergeService:
    name: str
    uid: str
    type: str
    commands: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MergeNames:
    """Merge's services by UID and its items with their sequence tags."""

    services: Mapping[str, MergeService]
    items: Mapping[str, Mapping[Tag, int]]

    @property
    def item_names(self) -> frozenset[str]:
        return frozenset(self.items)


def _tag(text: str) -> Tag:
    group, element = text.split(",")
    return Tag(int(group, 16), int(element, 16))


def read_merge_names(folder: Path = DATA) -> MergeNames:
    """Both tables; an absent folder gives no names (mdict's own names)."""
    services: dict[str, MergeService] = {}
    items: dict[str, dict[Tag, int]] = {}
    srv, itm = folder / SERVICES_FILE.name, folder / ITEMS_FILE.name
    if srv.is_file():
        for line in srv.read_text().splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            fields = [*line.split("\t"), "", "", ""]
            services.setdefault(
                fields[1], MergeService(fields[0], fields[1], fields[2], tuple(fields[3].split()))
            )
    if itm.is_file():
        for line in itm.read_text().splitlines()[1:]:
            name, _, uses = line.partition("\t")
            if not name or name.startswith("#") or name == "NUMBER_OF_ITEMS_SUPPORTED":
                continue
            counts: dict[Tag, int] = {}
            for use in uses.split():
                tag, _, count = use.partition(":")
                if "," in tag and count.isdigit():
                    counts[_tag(tag)] = int(count)
            items[name] = counts
    return MergeNames(services, items)


def sequence_uses(sections: Iterable[tuple[InfoLine, ...]]) -> dict[str, Counter[Tag]]:
    """Item name -> how often each sequence tag names it."""
    uses: dict[str, Counter[Tag]] = {}
    for lines in sections:
        for line in lines:
            for name in line.item_names:
                uses.setdefault(name, Counter())[line.tag] += 1
    return uses


def merge_item_names(uses: Mapping[str, Counter[Tag]], merge: MergeNames) -> dict[str, str]:
    """mdict item name -> the Merge name it takes (one-to-one).

    A pair scores by the sequence tags both use (how many, then how often
    Merge uses them there, then how often mdict does); the best pairs are
    taken first. Items without a Merge counterpart keep their own name,
    unless Merge uses it for another item: then ``_MDICT`` is appended.
    """
    by_tag: dict[Tag, list[str]] = {}
    for name, tags in merge.items.items():
        for tag in tags:
            by_tag.setdefault(tag, []).append(name)
    scored: list[tuple[tuple[int, int, int], str, str]] = []
    for ours, tags in uses.items():
        candidates = {m for tag in tags for m in by_tag.get(tag, ())}
        for theirs in candidates:
            shared = [t for t in tags if t in merge.items[theirs]]
            score = (
                len(shared),
                sum(merge.items[theirs][t] for t in shared),
                sum(tags[t] for t in shared),
            )
            scored.append((score, ours, theirs))
    scored.sort(key=lambda s: (-s[0][0], -s[0][1], -s[0][2], s[1], s[2]))
    names: dict[str, str] = {}
    taken: set[str] = set()
    for _, ours, theirs in scored:
        if ours not in names and theirs not in taken:
            names[ours] = theirs
            taken.add(theirs)
    for ours in sorted(uses):
        if ours not in names:
            names[ours] = ours if ours not in merge.items else f"{ours}_MDICT"
    return names


def renamed_items(lines: tuple[InfoLine, ...], names: Mapping[str, str]) -> tuple[InfoLine, ...]:
    """``lines`` with the item names of their SQ lines mapped through ``names``."""
    out = []
    for line in lines:
        if line.item_names:
            mapped = tuple(dict.fromkeys(names.get(n, n) for n in line.item_names))
            line = dataclasses.replace(line, values=ValueList("E", (mapped,)))
        out.append(line)
    return tuple(out)


def format_aliases(services: Mapping[str, str], items: Mapping[str, str]) -> str:
    """``profiles/aliases.tsv``: kind, old mdict name, name in the profiles."""
    lines = ["# kind\told mdict name\tname in the standard profiles (Merge's where it has one)"]
    lines += [f"service\t{old}\t{new}" for old, new in sorted(services.items()) if old != new]
    lines += [f"item\t{old}\t{new}" for old, new in sorted(items.items()) if old != new]
    return "\n".join(lines) + "\n"
