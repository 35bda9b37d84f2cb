"""Small builders shared by the private-dictionaries tests."""

from __future__ import annotations

from pathlib import Path

from mdict.model import VM, DictEntry, Dictionary, Tag

PRIVATE_DATA = Path(__file__).parent / "data" / "private"


def entry(line: str) -> DictEntry:
    """One diction.pfl line (names without commas) as a DictEntry."""
    parts = line.split(",")
    group = int(parts[1], 16)
    if group % 2:
        name, _, creator, eb, vr, vm = parts
        return DictEntry(name, Tag(group, int(eb, 16), creator), vr, VM.from_text(vm))
    name, _, element, vr, vm = parts
    return DictEntry(name, Tag(group, int(element, 16)), vr, VM.from_text(vm))


def dictionary(text: str) -> Dictionary:
    return Dictionary(tuple(entry(ln) for ln in text.splitlines() if ln.strip()))
