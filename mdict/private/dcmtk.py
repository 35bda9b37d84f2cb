"""DCMTK's dictionary format (``private.dic``, ``dicom.dic``) to and from diction.pfl.

One entry per line, fields separated by tabs: tag, VR, name, VM and an
optional version (``PrivateTag`` in private.dic)::

    (0029,"SIEMENS CSA HEADER",08)<TAB>CS<TAB>CSAImageHeaderType<TAB>1<TAB>PrivateTag
    (6001-o-60ff,"ACME 1.0",10)<TAB>LO<TAB>Overlay Label<TAB>1<TAB>PrivateTag
    (0010,0010)<TAB>PN<TAB>PatientName<TAB>1<TAB>DICOM

Read with DCMTK's quirks: ``#`` comments and blank lines, quoted creators kept
byte-exact, hex in either case, group and element ranges ``lo-hi`` and
``lo-o-hi`` / ``lo-e-hi`` / ``lo-u-hi`` (expanded into one entry per group,
odd groups for private tags, even ones for standard tags), private elements
written as ``ee``, ``xxee`` or ``10ee`` (the element byte is kept), DCMTK's
own VR codes (``up``, ``xs``, ``ox``, ``lt``, ``na``, ``px``) mapped with a
warning, a line without tabs split on spaces. Later lines override earlier ones
with the same tag, as in DCMTK, with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mdict.errors import Diagnostic, ProfileError, expected_found
from mdict.fileio import read_text
from mdict.model import VM, VRS, DictEntry, Dictionary, Location, Tag
from mdict.write import sorted_entries

LINE_BREAK = re.compile(r"\r\n|\r|\n")
"""What ends a line (str.splitlines also splits at \\v, \\f, U+2028 ...)."""

MAX_EXPANSION = 4096
"""A range line expanding to more tags than this is skipped with a warning
(DCMTK's ``(0000-u-ffff,0000)`` group-length wildcard, for example)."""

DCMTK_VRS: dict[str, tuple[str, str]] = {
    "up": ("UL", "an unsigned 32-bit offset"),
    "xs": ("US", "US or SS"),
    "ox": ("OB", "OB or OW"),
    "lt": ("OW", "US, SS or OW"),
    "px": ("OB", "pixel data, OB or OW"),
    "na": ("UNKNOWN_VR", "no VR"),
}
"""DCMTK-only VR codes -> (Merge VR, what DCMTK means)."""

EXPORT_VR = {"UNKNOWN_VR": "UN"}

_TAG_RE = re.compile(
    r"""\(\s*(?P<group>[^,"()]+?)\s*,\s*(?:"(?P<creator>[^"]*)"\s*,\s*)?(?P<element>[^,"()]+?)\s*\)"""
)
_RANGE_RE = re.compile(
    r"^(?P<lo>[0-9A-Fa-f]{1,4})(?:-(?:(?P<r>[oOeEuU])-)?(?P<hi>[0-9A-Fa-f]{1,4}))?$"
)
_PRIVATE_ELEMENT_RE = re.compile(r"^(?:[xX]{2}|[0-9A-Fa-f]{2})?(?P<eb>[0-9A-Fa-f]{2})$")


@dataclass(frozen=True, slots=True)
class DcmtkImport:
    """The entries read (in canonical order) and the warnings raised."""

    dictionary: Dictionary
    warnings: tuple[Diagnostic, ...]


class _LineError(Exception):
    def __init__(self, column: int, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def _range(text: str, column: int, what: str) -> tuple[int, int, str]:
    """``lo``, ``lo-hi`` or ``lo-X-hi`` -> (lo, hi, restriction e/o/u/"")."""
    m = _RANGE_RE.match(text)
    if m is None:
        raise _LineError(
            column, expected_found(f"a hex {what} or range such as 6000-60ff", repr(text))
        )
    lo = int(m.group("lo"), 16)
    hi = int(m.group("hi"), 16) if m.group("hi") else lo
    if hi < lo:
        raise _LineError(column, f"{what} range {text!r} ends below its start")
    return lo, hi, (m.group("r") or "").lower()


def _groups(lo: int, hi: int, restriction: str, private: bool) -> list[int]:
    """Groups of a range: odd ones for a private tag, even ones for a standard
    tag (DCMTK's default restriction for a range is even)."""
    if restriction == "o" and not private:
        return []
    parity = 1 if private else 0
    return [g for g in range(lo, hi + 1) if g % 2 == parity]


def _elements(lo: int, hi: int, restriction: str) -> list[int]:
    if lo == hi:
        return [lo]
    if restriction in ("", "e"):
        return [e for e in range(lo, hi + 1) if e % 2 == 0]
    if restriction == "o":
        return [e for e in range(lo, hi + 1) if e % 2 == 1]
    return list(range(lo, hi + 1))


def _split_fields(rest: str) -> list[str]:
    """VR, name, VM[, version]: tab-separated, or space-separated as a fallback."""
    if "\t" in rest:
        return [f.strip() for f in rest.split("\t") if f.strip()]
    tokens = rest.split()
    if len(tokens) < 3:
        return tokens
    version: list[str] = []
    if len(tokens) >= 4:
        try:
            VM.from_text(tokens[-1])
        except ValueError:
            version = [tokens.pop()]
    return [tokens[0], " ".join(tokens[1:-1]), tokens[-1], *version]


def _vr(text: str, column: int, warn: list[tuple[int, str]]) -> str:
    if text.upper() in VRS and text not in DCMTK_VRS:
        return text.upper()
    if text in DCMTK_VRS:
        vr, meaning = DCMTK_VRS[text]
        warn.append((column, f"DCMTK VR {text!r} ({meaning}) imported as {vr}"))
        return vr
    raise _LineError(column, expected_found("a VR", repr(text)))


def _parse_line(line: str, warn: list[tuple[int, str]], private_only: bool) -> list[DictEntry]:
    body = line.lstrip()
    offset = len(line) - len(body) + 1
    m = _TAG_RE.match(body)
    if m is None:
        raise _LineError(
            offset, expected_found('a tag (gggg,eeee) or (gggg,"CREATOR",ee)', repr(body[:30]))
        )
    groups = _range(m.group("group"), offset + m.start("group"), "group")
    vr, name, vm = _entry_fields(body[m.end() :], offset + m.end() + 1, warn)
    if m.group("creator") is not None:
        tags = _private_tags(m, offset, groups, warn)
    elif private_only:
        return []
    else:
        tags = _standard_tags(m, offset, groups, warn)
    if len(tags) > MAX_EXPANSION:
        column = offset + m.start("group")
        warn.append((column, f"range expands to {len(tags)} tags (limit {MAX_EXPANSION}); skipped"))
        return []
    return [DictEntry((name or "Unnamed").rstrip(), tag, vr, vm) for tag in tags]


def _entry_fields(rest: str, column: int, warn: list[tuple[int, str]]) -> tuple[str, str, VM]:
    """The VR, name and VM after a line's tag (``column``: where they start)."""
    fields = _split_fields(rest)
    if len(fields) < 3:
        raise _LineError(
            column, expected_found("VR, name and VM after the tag", f"{len(fields)} fields")
        )
    if len(fields) > 4:
        raise _LineError(
            column, expected_found("at most VR, name, VM and version", f"{len(fields)} fields")
        )
    vr = _vr(fields[0], column, warn)
    try:
        vm = VM.from_text(fields[2])
    except ValueError:
        raise _LineError(
            column, expected_found("a VM such as 1, 1-n or 2-2n", repr(fields[2]))
        ) from None
    name = fields[1]
    if "," in name:
        warn.append((column, f"name {name!r} holds commas, written with ';' in diction.pfl"))
        name = name.replace(",", ";")
    return vr, name, vm


GroupRange = tuple[int, int, str]
"""A tag's group range: (lo, hi, restriction), as ``_range`` reads it."""


def _private_tags(
    m: re.Match[str], offset: int, group_range: GroupRange, warn: list[tuple[int, str]]
) -> list[Tag]:
    """The tags of a ``(gggg,"CREATOR",ee)`` line ([] when skipped)."""
    creator = m.group("creator")
    if "," in creator:
        column = offset + m.start("creator")
        warn.append((column, f"private creator {creator!r} holds a comma; skipped"))
        return []
    g_col, e_col = offset + m.start("group"), offset + m.start("element")
    em = _PRIVATE_ELEMENT_RE.match(m.group("element").strip())
    if em is None:
        elo, ehi, erestr = _range(m.group("element"), e_col, "element byte")
        if ehi > 0xFF:
            raise _LineError(
                e_col, expected_found("an element byte 00-ff", repr(m.group("element")))
            )
        bytes_ = _elements(elo, ehi, erestr)
    else:
        bytes_ = [int(em.group("eb"), 16)]
    groups = _groups(*group_range, private=True)
    if not groups:
        raise _LineError(
            g_col, expected_found("an odd group for a private tag", repr(m.group("group")))
        )
    return [Tag(g, eb, creator) for g in groups for eb in bytes_]


def _standard_tags(
    m: re.Match[str], offset: int, group_range: GroupRange, warn: list[tuple[int, str]]
) -> list[Tag]:
    """The tags of a ``(gggg,eeee)`` line ([] when skipped)."""
    g_col, e_col = offset + m.start("group"), offset + m.start("element")
    elo, ehi, erestr = _range(m.group("element"), e_col, "element")
    groups = _groups(*group_range, private=False)
    if not groups:
        warn.append((g_col, "a standard-form tag in an odd group has no creator; skipped"))
        return []
    return [Tag(g, e) for g in groups for e in _elements(elo, ehi, erestr)]


def parse_dcmtk(text: str, filename: str = "<string>", private_only: bool = False) -> DcmtkImport:
    """Read DCMTK dictionary text; every bad line is an error in one ProfileError."""
    entries: dict[Tag, DictEntry] = {}
    errors: list[Diagnostic] = []
    warnings: list[Diagnostic] = []
    lines = LINE_BREAK.split(text)
    if lines and not lines[-1]:
        lines.pop()  # the line break ending the last line
    for number, raw in enumerate(lines, 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        warn: list[tuple[int, str]] = []
        shown = raw.replace("\t", " ")  # one column per tab, so the caret lines up
        try:
            read = _parse_line(raw.rstrip("\r\n"), warn, private_only)
        except _LineError as exc:
            errors.append(Diagnostic(filename, number, exc.column, exc.message, source_line=shown))
            continue
        warnings += [Diagnostic(filename, number, c, msg, "warning", shown) for c, msg in warn]
        for entry in read:
            if entry.tag in entries:
                warnings.append(
                    Diagnostic(
                        filename,
                        number,
                        1,
                        f"{entry.tag.display} defined again; this line overrides the earlier one",
                        "warning",
                        shown,
                    )
                )
            entries[entry.tag] = DictEntry(
                entry.name, entry.tag, entry.vr, entry.vm, Location(filename, number)
            )
    if errors:
        raise ProfileError(errors)
    return DcmtkImport(
        Dictionary(tuple(sorted_entries(entries.values())), filename), tuple(warnings)
    )


def read_dcmtk(path: str, private_only: bool = False) -> DcmtkImport:
    return parse_dcmtk(read_text(path), path, private_only)


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------

HEADER = """\
#
# DCMTK data dictionary, written by mdict from {source}.
# Fields (tab-separated): Tag, VR, Name, VM, Version.
# Private tags: (gggg,"CREATOR",ee) with ee the element byte in the block;
# (lo-o-hi,...) is the same entry in every odd group from lo to hi.
#
"""


def _keyword(name: str) -> str:
    """``Patient's Name`` -> ``PatientsName`` (letters and digits only)."""
    words = re.split(r"[^0-9A-Za-z]+", name.replace("'", ""))
    return "".join(w[:1].upper() + w[1:] for w in words if w) or "Unnamed"


def _runs(groups: list[int]) -> list[tuple[int, int]]:
    """Consecutive same-parity groups (step 2) as (first, last) runs."""
    runs: list[tuple[int, int]] = []
    for g in sorted(groups):
        if runs and g == runs[-1][1] + 2:
            runs[-1] = (runs[-1][0], g)
        else:
            runs.append((g, g))
    return runs


def _tag_text(first: int, last: int, tag: Tag) -> str:
    if first == last:
        group = f"{first:04x}"
    else:
        group = f"{first:04x}-{'o' if first % 2 else 'e'}-{last:04x}"
    if tag.creator is None:
        return f"({group},{tag.element:04x})"
    return f'({group},"{tag.creator}",{tag.element:02x})'


def format_dcmtk(
    dictionary: Dictionary,
    include_standard: bool = False,
    keywords: bool = False,
    source: str = "a dictionary profile",
) -> tuple[str, list[str]]:
    """The DCMTK text of a dictionary's private entries (and standard ones on
    request), repeating groups folded into ranges; returns (text, warnings)."""
    warnings: list[str] = []
    folded: dict[tuple[int, str, int, str, str, str], list[int]] = {}
    for entry in dictionary.entries:
        tag = entry.tag
        if tag.creator is None and not include_standard:
            continue
        if tag.creator is not None and '"' in tag.creator:
            warnings.append(f"{tag.display}: a creator holding '\"' cannot be quoted; skipped")
            continue
        name = _keyword(entry.name) if keywords else " ".join(entry.name.split("\t")).strip()
        vr = EXPORT_VR.get(entry.vr, entry.vr)
        if vr != entry.vr:
            warnings.append(f"{tag.display}: VR {entry.vr} written as {vr}")
        key = (tag.group % 2, tag.creator or "", tag.element, name, vr, str(entry.vm))
        folded.setdefault(key, []).append(tag.group)
    lines: list[tuple[tuple[int, str, int], str]] = []
    for (parity, creator, element, name, vr, vm), groups in folded.items():
        for first, last in _runs(groups):
            tag = Tag(first, element, creator if parity else None)
            version = "PrivateTag" if parity else "DICOM"
            text = f"{_tag_text(first, last, tag)}\t{vr}\t{name}\t{vm}\t{version}"
            lines.append((tag.sort_key(), text))
    lines.sort(key=lambda pair: pair[0])
    body = "".join(text + "\n" for _, text in lines)
    return HEADER.format(source=source) + body, warnings
