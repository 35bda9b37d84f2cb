"""Hypothesis strategies that generate profile model objects.

Every object drawn here is valid for the writers and the readers: writing
it and reading the text back gives an equal object (models come out in the
writers' canonical order). Names carry the odd characters real files have:
double spaces, quotes, parentheses, lower case, dots, commas in condition
names. Other engineers reuse these for their own properties.
"""

from __future__ import annotations

import string

from hypothesis import strategies as st

from mdict.model import (
    COMMANDS,
    CONFIG_SECTIONS,
    ITEM,
    MESSAGE,
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
    ValueType,
)
from mdict.write import sorted_entries, sorted_lines, sorted_sections

_PRINTABLE = string.ascii_letters + string.digits + " '()/-.:%&+_[]*?!é"


def _free_text(alphabet: str, min_size: int = 1, max_size: int = 24) -> st.SearchStrategy[str]:
    """Text from ``alphabet`` without leading or trailing blanks."""
    return (
        st.text(alphabet, min_size=min_size, max_size=max_size)
        .map(lambda s: s.strip(" "))
        .filter(lambda s: len(s) >= min_size)
    )


# ---------------------------------------------------------------------------
# Pieces
# ---------------------------------------------------------------------------

vrs = st.sampled_from(sorted(VRS))
creators = _free_text(string.ascii_letters + string.digits + " .-_", max_size=64) | st.sampled_from(
    ["SIEMENS CM VA0  CMS", "SIEMENS CM VA0 CMS", "SPI RELEASE 1", "SPI"]
)


@st.composite
def tags(draw: st.DrawFn, private: bool | None = None) -> Tag:
    """A standard (even group) or private (odd group, creator, element byte) tag."""
    is_private = draw(st.booleans()) if private is None else private
    if is_private:
        group = draw(st.integers(0, 0x7FFF)) * 2 + 1
        return Tag(group, draw(st.integers(0, 0xFF)), draw(creators))
    return Tag(draw(st.integers(0, 0x7FFF)) * 2, draw(st.integers(0, 0xFFFF)))


@st.composite
def vms(draw: st.DrawFn) -> VM:
    """Every VM form: k, k-m, k-n, k-kn."""
    low = draw(st.integers(1, 4))
    form = draw(st.sampled_from(["fixed", "range", "open", "multiple"]))
    if form == "fixed":
        return VM(low, low)
    if form == "range":
        return VM(low, low + draw(st.integers(1, 8)))
    if form == "open":
        return VM(low, None)
    return VM(low, None, low) if low > 1 else VM(2, None, 2)


dict_names = _free_text(_PRINTABLE + "  ", max_size=40).filter(lambda s: not s.startswith("#"))


@st.composite
def dict_entries(draw: st.DrawFn) -> DictEntry:
    name = draw(dict_names)
    if draw(st.integers(0, 5)) == 0:
        name += draw(st.sampled_from([" RETIRED", " RET"]))
    return DictEntry(name, draw(tags()), draw(vrs), draw(vms()))


@st.composite
def dictionaries(draw: st.DrawFn) -> Dictionary:
    """A dictionary in canonical order (at least one entry)."""
    entries = draw(st.lists(dict_entries(), min_size=1, max_size=12))
    return Dictionary(tuple(sorted_entries(entries)))


# ---------------------------------------------------------------------------
# mergecom.srv
# ---------------------------------------------------------------------------

service_names = st.from_regex(
    r"[A-Z][A-Z0-9_]{0,20}(\.[a-z0-9]{1,4})?(-[A-Za-z0-9]{1,3})?", fullmatch=True
)
uids = st.from_regex(r"1\.2(\.[1-9][0-9]{0,5}){1,6}", fullmatch=True)
descriptions = _free_text(_PRINTABLE + "#=,;@", max_size=40)


@st.composite
def services(
    draw: st.DrawFn, number: int | None = None, base_numbers: tuple[int, ...] = ()
) -> Service:
    """One service; META services include some of ``base_numbers``."""
    kind = "META" if base_numbers and draw(st.booleans()) else "BASE"
    common = {
        "number": draw(st.integers(1, 9999)) if number is None else number,
        "name": draw(service_names),
        "uid": draw(st.none() | uids),
        "description": draw(st.none() | descriptions),
    }
    if kind == "META":
        classes = draw(st.lists(st.sampled_from(base_numbers), min_size=1, max_size=4))
        return Service(type="META", sop_classes=tuple(classes), **common)  # type: ignore[arg-type]
    commands = draw(st.lists(st.sampled_from(COMMANDS), min_size=1, max_size=12))
    return Service(type="BASE", commands=tuple(commands), **common)  # type: ignore[arg-type]


@st.composite
def service_profiles(draw: st.DrawFn) -> ServiceProfile:
    """Services and items with distinct names and numbers, in number order."""
    count = draw(st.integers(1, 6))
    numbers = sorted(
        draw(st.lists(st.integers(1, 9999), min_size=count, max_size=count, unique=True))
    )
    names = draw(st.lists(service_names, min_size=count, max_size=count, unique=True))
    drawn: list[Service] = []
    for number, name in zip(numbers, names, strict=True):
        bases = tuple(s.number for s in drawn if s.type == "BASE")
        service = draw(services(number=number, base_numbers=bases))
        drawn.append(
            Service(
                service.number,
                name,
                service.type,
                service.uid,
                service.description,
                service.commands,
                service.sop_classes,
            )
        )
    item_names = draw(st.lists(service_names, max_size=6, unique=True))
    item_numbers = sorted(
        draw(
            st.lists(
                st.integers(1, 9999),
                min_size=len(item_names),
                max_size=len(item_names),
                unique=True,
            )
        )
    )
    items = tuple(ItemRef(n, k) for n, k in zip(item_names, item_numbers, strict=True))
    return ServiceProfile(tuple(drawn), items)


# ---------------------------------------------------------------------------
# info.pfl
# ---------------------------------------------------------------------------

condition_names = _free_text(
    string.ascii_letters + string.digits + "_., ", max_size=40
) | st.sampled_from(
    ["A0070,1302_IS_ INCLUDE_SEG_OR_EXCLUDE_SEG", "IMAGE_NEEDS_ORIENTATION", "seg.lower case"]
)
values_text = _free_text(string.ascii_letters + string.digits + " _.-+/:*\\'&%é", max_size=16)


@st.composite
def value_types(draw: st.DrawFn) -> ValueType:
    kind = draw(st.sampled_from(["1", "2", "3", "1C", "2C"]))
    if kind.endswith("C"):
        return ValueType(kind, draw(st.none() | condition_names))
    return ValueType(kind)


VALUE_SEPARATORS = (",", ", ", ",  ", " , ", ",\t", "\t,\t")
"""Between values: every style Merge's files (and hand edits) have."""
GROUP_SEPARATORS = ("", " ", "  ", ",", ", ", " , ", "\t")
"""Between parenthesised groups: nothing, blanks, a comma, or both."""


@st.composite
def value_lists(draw: st.DrawFn) -> ValueList:
    """Flat or per-position (multi-valued) E<>/D<> lists, or an empty one,
    spelled with separator styles mixed as Merge's own files mix them (the
    spelling is what the reader keeps and the writer writes back)."""
    kind = draw(st.sampled_from(["E", "D"]))
    if draw(st.integers(0, 9)) == 0:
        return ValueList(kind, (), False, spelling="")  # type: ignore[arg-type]
    separators = st.sampled_from(VALUE_SEPARATORS)

    def spelled(values: tuple[str, ...]) -> str:
        return values[0] + "".join(draw(separators) + v for v in values[1:])

    if draw(st.booleans()):
        groups = draw(
            st.lists(
                st.lists(values_text, min_size=1, max_size=4).map(tuple), min_size=1, max_size=3
            )
        )
        parts = [f"({spelled(g)})" for g in groups]
        body = parts[0] + "".join(draw(st.sampled_from(GROUP_SEPARATORS)) + p for p in parts[1:])
        return ValueList(kind, tuple(groups), True, spelling=body)  # type: ignore[arg-type]
    group = tuple(draw(st.lists(values_text, min_size=1, max_size=6)))
    return ValueList(kind, (group,), False, spelling=spelled(group))  # type: ignore[arg-type]


@st.composite
def info_lines(draw: st.DrawFn) -> InfoLine:
    return InfoLine(
        draw(tags()),
        draw(vrs),
        draw(value_types()),
        draw(st.none() | value_lists()),
        draw(st.sampled_from(["", "", "", "x", "kept text"])),
    )


_section_commands = st.sampled_from((*COMMANDS, ITEM))


@st.composite
def info_sections(draw: st.DrawFn) -> InfoSection:
    lines = draw(st.lists(info_lines(), max_size=8))
    return InfoSection(
        draw(st.integers(0, 9999)), draw(_section_commands), tuple(sorted_lines(lines))
    )


@st.composite
def info_profiles(draw: st.DrawFn) -> InfoProfile:
    """Sections in canonical order (at least one section)."""
    sections = draw(st.lists(info_sections(), min_size=1, max_size=6))
    return InfoProfile(tuple(sorted_sections(sections)))


# ---------------------------------------------------------------------------
# mc3icomb configuration
# ---------------------------------------------------------------------------

property_keys = st.sampled_from(["UID", "DESCRIPTION", "TYPE"])


@st.composite
def config_blocks(draw: st.DrawFn, section: str = "EXISTING_SERVICE_SECTION") -> ConfigBlock:
    """A block that belongs in ``section``."""
    name = draw(service_names)
    if section in ("PRIVATE_ITEM_SECTION", "EXISTING_ITEM_SECTION"):
        command = ITEM
    elif section == "PRIVATE_SERVICE_SECTION" and draw(st.booleans()):
        keys = draw(st.lists(property_keys, min_size=1, max_size=3, unique=True))
        values = [draw(descriptions) for _ in keys]
        return ConfigBlock(name, MESSAGE, (), tuple(zip(keys, values, strict=True)))
    else:
        command = draw(st.sampled_from(COMMANDS))
    lines = draw(st.lists(info_lines(), max_size=5))
    return ConfigBlock(name, command, tuple(sorted_lines(lines)))


@st.composite
def combine_configs(draw: st.DrawFn) -> CombineConfig:
    parts = [tuple(draw(st.lists(config_blocks(s), max_size=3))) for s in CONFIG_SECTIONS]
    return CombineConfig(parts[0], parts[1], parts[2], parts[3])
