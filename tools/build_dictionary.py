"""dicom3tools ``elmdict/*.tpl`` -> mdict ``Dictionary`` (diction.pfl).

``dicom3.tpl`` gives the standard elements; the other standard-group entries
(DICONDE, DICOS) follow it; every ``Owner="..."`` line in an odd group is a
private element. Decisions where the source does not fit the format are
listed in ``VR_CHOICES`` and in ``docs/standard-profiles.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mdict.model import VM, VRS, DictEntry, Dictionary, Tag

from .d3t import read_template

STANDARD_FILE = "dicom3.tpl"

VR_CHOICES: dict[str, str] = {
    "US or SS": "US",
    "US\\US or SS\\US": "US",
    "US or OW": "US",
    "OW/OB": "OW",
    "OB/OW": "OW",
    "XS": "US",
    "NONE": "UNKNOWN_VR",
}
"""Source VRs that are not one VR: the first alternative (what Merge uses)."""

_TAG = re.compile(r"^\(([0-9A-Fa-fx]{4}),([0-9A-Fa-fx]{4})\)")
REPEATING_GROUP_COUNT = 16
"""``50xx``/``60xx``/``70xx``/``7Fxx``: the even groups xx = 00..1E."""


@dataclass
class DictionaryReport:
    """What the dictionary build could not convert, and what it chose."""

    skipped: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    vr_choices: dict[str, int] = field(default_factory=dict)
    renamed: int = 0
    masked_overlaps: int = 0


@dataclass(frozen=True, slots=True)
class _RawEntry:
    where: str
    group: str
    element: str
    vr: str
    vm: str
    name: str
    keyword: str
    retired: bool
    owner: str | None


def _raw_entries(path: Path) -> Iterator[_RawEntry]:
    for line in read_template(path):
        m = _TAG.match(line.rest)
        if not m:
            continue
        yield _RawEntry(
            where=f"{path.name}:{line.line}",
            group=m.group(1),
            element=m.group(2),
            vr=line.get("VR") or "",
            vm=line.get("VM") or "",
            name=(line.get("Name") or "").strip(),
            keyword=(line.get("Keyword") or "").strip(),
            retired=line.get("VERS") == "RET",
            owner=line.get("Owner"),
        )


def expand_mask(text: str, *, is_group: bool) -> list[int] | None:
    """All values of a tag part with ``x`` nibbles; None when too wide.

    Groups like ``60xx`` give the even groups 6000-601E; an element with one
    or two ``x`` gives every value of those nibbles; ``xxxx`` is refused.
    """
    text = text.upper()
    count = text.count("X")
    if count == 0:
        return [int(text, 16)]
    if is_group:
        if text.endswith("XX") and count == 2:
            base = int(text[:2], 16) << 8
            return [base + 2 * i for i in range(REPEATING_GROUP_COUNT)]
        return None
    if count > 2:
        return None
    values = []
    for n in range(16**count):
        digits = iter(f"{n:0{count}X}")
        values.append(int("".join(next(digits) if c == "X" else c for c in text), 16))
    return values


def clean_name(name: str, keyword: str, fallback: str) -> tuple[str, bool]:
    """A name the format can hold: no commas, no empty/``?`` names."""
    original = name
    if not name or name == "?":
        name = keyword if keyword and keyword != "?" else fallback
    name = re.sub(r"\s*,\s*", " ", name).strip()
    return name, name != original


def _vr(raw: _RawEntry, report: DictionaryReport) -> str | None:
    if raw.vr in VRS:
        return raw.vr
    chosen = VR_CHOICES.get(raw.vr)
    if chosen is not None:
        report.vr_choices[f"{raw.vr} -> {chosen}"] = (
            report.vr_choices.get(f"{raw.vr} -> {chosen}", 0) + 1
        )
    return chosen


def _convert(raw: _RawEntry, report: DictionaryReport) -> list[DictEntry]:
    groups = expand_mask(raw.group, is_group=True)
    vr = _vr(raw, report)
    try:
        vm = VM.from_text(raw.vm)
    except ValueError:
        vm = None
    if groups is None or vr is None or vm is None:
        report.skipped.append(f"{raw.where}: ({raw.group},{raw.element}) {raw.name}: ")
        report.skipped[-1] += (
            "group mask not expandable"
            if groups is None
            else f"VR {raw.vr!r} unknown"
            if vr is None
            else f"VM {raw.vm!r} invalid"
        )
        return []
    if raw.owner is not None:
        if any(g % 2 == 0 for g in groups):
            report.skipped.append(
                f"{raw.where}: ({raw.group},{raw.element}) {raw.name}: "
                f"private creator {raw.owner!r} in an even group"
            )
            return []
        if "," in raw.owner:
            report.skipped.append(
                f"{raw.where}: ({raw.group},{raw.element}) {raw.name}: "
                f"private creator {raw.owner!r} holds a comma"
            )
            return []
        if "X" in raw.element.upper():
            report.skipped.append(f"{raw.where}: private element mask {raw.element}")
            return []
        element_byte = int(raw.element, 16) & 0xFF
        fallback = f"Unnamed {raw.owner} {int(raw.group, 16):04X}xx{element_byte:02X}"
        name, renamed = clean_name(raw.name, raw.keyword, fallback)
        report.renamed += renamed
        return [DictEntry(name, Tag(groups[0], element_byte, raw.owner), vr, vm)]
    elements = expand_mask(raw.element, is_group=False)
    if elements is None:
        report.skipped.append(
            f"{raw.where}: ({raw.group},{raw.element}) {raw.name}: element mask too wide"
        )
        return []
    if any(g % 2 == 1 for g in groups):
        report.skipped.append(
            f"{raw.where}: ({raw.group},{raw.element}) {raw.name}: odd group without creator"
        )
        return []
    name, renamed = clean_name(raw.name, raw.keyword, f"Unnamed {raw.group},{raw.element}")
    report.renamed += renamed
    if raw.retired and not name.endswith(" RETIRED"):
        name += " RETIRED"
    return [DictEntry(name, Tag(g, e), vr, vm) for g in groups for e in elements]


def source_files(elmdict: Path) -> list[Path]:
    """``dicom3.tpl`` first, then the other templates by name."""
    files = sorted(elmdict.glob("*.tpl"))
    return sorted(files, key=lambda p: (p.name != STANDARD_FILE, p.name))


def build_dictionary(elmdict: Path, report: DictionaryReport) -> Dictionary:
    """Read every template of ``elmdict``; first definition of a key wins."""
    return Dictionary(tuple(_unique(source_files(elmdict), report)))


def standard_keywords(elmdict: Path, dictionary: Dictionary) -> dict[str, tuple[Tag, str]]:
    """Keyword -> (tag, VR in ``dictionary``) of every standard element.

    A repeating group keyword (``OverlayData``) names its first group (6000).
    """
    vrs = {e.tag: e.vr for e in dictionary.entries if e.tag.creator is None}
    found: dict[str, tuple[Tag, str]] = {}
    for path in source_files(elmdict):
        for raw in _raw_entries(path):
            if raw.owner is not None or not raw.keyword or raw.keyword in found:
                continue
            groups = expand_mask(raw.group, is_group=True)
            elements = expand_mask(raw.element, is_group=False)
            if not groups or not elements or len(elements) != 1:
                continue
            tag = Tag(groups[0], elements[0])
            if tag in vrs:
                found[raw.keyword] = (tag, vrs[tag])
    return found


def _is_masked(raw: _RawEntry) -> bool:
    return "X" in (raw.group + raw.element).upper()


def _unique(files: Iterable[Path], report: DictionaryReport) -> Iterator[DictEntry]:
    """Explicit tags first, then masked ones (``0028,04x0``) where no explicit
    tag already stands; among explicit tags the first definition wins."""
    raws = [raw for path in files for raw in _raw_entries(path)]
    ordered = [r for r in raws if not _is_masked(r)] + [r for r in raws if _is_masked(r)]
    seen: dict[Tag, tuple[DictEntry, str]] = {}
    for raw in ordered:
        for entry in _convert(raw, report):
            kept = seen.get(entry.tag)
            if kept is not None and _is_masked(raw):
                report.masked_overlaps += 1
            elif kept is None:
                seen[entry.tag] = (entry, raw.where)
                yield entry
            elif kept[0] != entry:
                report.conflicts.append(
                    f"{raw.where}: {entry.tag} {entry.name!r} {entry.vr} {entry.vm} "
                    f"dropped; kept {kept[0].name!r} {kept[0].vr} {kept[0].vm} "
                    f"from {kept[1]}"
                )
