"""Generate full-size synthetic profiles shaped like real Merge files.

Real vendor profiles are copyrighted; the spec gives their shape (section 3):
1,716 info sections (666 messages over 244 services, 1,050 items), 55,319
attribute lines of which about 8,600 distinct, 1,050 condition names, 21,884
value lists of which 129 multi-valued, about 2 MB; a 260-service
mergecom.srv; a dictionary of about 5,000 lines. This script draws a
deterministic profile set with those numbers (seeded), consistent with
itself (every info tag is in the dictionary with the same VR, every SQ names
an existing item), so that parsers, compilers and combiners can be measured
at full size.

    python benchmarks/synth.py OUTDIR [--seed N] [--dictionary-lines N]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mdict.model import (
    VM,
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
from mdict.write import format_dictionary, format_info, format_services

MESSAGES = 666
BASE_SERVICES = 244
META_SERVICES = 16
ITEMS = 1050
ATTRIBUTE_LINES = 55_319
DISTINCT_LINES = 8_600
CONDITIONS = 1050
VALUE_LIST_SHARE = 21_884 / 55_319
MULTI_VALUED = 20  # distinct multi-valued lines; about 129 uses

WORDS = (
    "Patient Study Series Image Frame Acquisition Reference Sequence Code Value Meaning "
    "Scheme Designator Position Orientation Pixel Spacing Window Center Width Rescale "
    "Slope Intercept Contrast Bolus Agent Route Volume Start Stop Time Date Dose "
    "Protocol Name Description Number Identifier Instance Class Type Modality Body Part "
    "Examined Exposure Filter Focal Spot Detector Element Physical Table Height Gantry Tilt "
    "Private Vendor Calibration Mode Label Status Flag Offset Length Comment Source"
).split()
CREATORS = (
    "ACME Imaging Group",
    "SIEMENS CM VA0  CMS",
    "SIEMENS CM VA0  ACQU",
    "SIEMENS CSA HEADER",
    "SPI RELEASE 1",
    "SPI",
    "GEMS_IDEN_01",
    "Voxar 2.x",
)
STRING_VRS = ("CS", "LO", "SH", "DS", "IS", "DA", "TM", "UI", "PN", "ST", "LT", "AE", "DT")
BINARY_VRS = ("US", "UL", "SS", "SL", "FL", "FD", "OB", "OW", "AT")
VMS = ("1", "1", "1", "1", "1-n", "2", "3", "1-3", "2-2n", "6")
COMMANDS = (
    ("C_STORE_RQ", "C_STORE_RSP"),
    ("C_FIND_RQ", "C_FIND_RSP", "C_CANCEL_RQ"),
    ("N_CREATE_RQ", "N_CREATE_RSP", "N_SET_RQ", "N_SET_RSP"),
    ("N_GET_RQ", "N_GET_RSP"),
    ("C_MOVE_RQ", "C_MOVE_RSP", "C_GET_RQ", "C_GET_RSP"),
)
TERMS = (
    (
        "ORIGINAL DERIVED PRIMARY SECONDARY AXIAL LOCALIZER YES NO M F O HFS FFS "
        "ISO_IR 100|ISO 2022 IR 100|WHOLE BODY|STATIC DYNAMIC GATED MONOCHROME2 RGB"
    )
    .replace("|", " ")
    .split()
)


def _name(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(2, 4))
    name = " ".join(words)
    if rng.random() < 0.05:
        name += " RETIRED"
    if rng.random() < 0.05:
        name = name.replace(" ", "'s ", 1)
    return name


def make_dictionary(rng: random.Random, lines: int) -> Dictionary:
    """Standard entries in even groups and private blocks in odd groups."""
    entries: dict[Tag, DictEntry] = {}
    even_groups = (0x0008, 0x0010, 0x0018, 0x0020, 0x0028, 0x0040, 0x0054, 0x2010, 0x2020, 0x3006)
    private_target = lines // 5
    while len(entries) < lines - private_target:
        tag = Tag(rng.choice(even_groups), rng.randrange(0x0001, 0xFFFF))
        vr = "SQ" if rng.random() < 0.08 else rng.choice(STRING_VRS + BINARY_VRS)
        vm = "1" if vr == "SQ" else rng.choice(VMS)
        entries[tag] = DictEntry(_name(rng), tag, vr, VM.from_text(vm))
    while len(entries) < lines:
        tag = Tag(
            rng.choice((0x0009, 0x0019, 0x0029, 0x0043)), rng.randrange(0x100), rng.choice(CREATORS)
        )
        vr = "SQ" if rng.random() < 0.03 else rng.choice(STRING_VRS + BINARY_VRS)
        vm = "1" if vr == "SQ" else rng.choice(VMS)
        entries[tag] = DictEntry(_name(rng), tag, vr, VM.from_text(vm))
    return Dictionary(tuple(sorted(entries.values(), key=lambda e: e.tag.sort_key())))


def _condition_names(rng: random.Random, tags: list[Tag]) -> list[str]:
    names: set[str] = set()
    forms = ("A{t}_PRESENT", "A{t}_NOT_PRESENT", "A{t}_IS_YES", "A{t}_PRESENT_OR_A{u}_PRESENT")
    standard = [t for t in tags if t.creator is None]
    while len(names) < CONDITIONS:
        if rng.random() < 0.3:
            names.add("NEED_MODULE_" + "_".join(rng.sample(WORDS, 3)).upper())
            continue
        t, u = rng.sample(standard, 2)
        form = rng.choice(forms)
        names.add(form.format(t=f"{t.group:04X}{t.element:04X}", u=f"{u.group:04X}{u.element:04X}"))
    return sorted(names)


def _value_list(rng: random.Random, multi: bool) -> ValueList:
    """A value list spelled as Merge's own files spell them: ``,`` or ``, ``
    between values; between groups a space, nothing, a comma or a comma and
    a space, mixed within one list; now and then an empty list ``E<>`` or a
    value with a backslash (format reference, section 3)."""
    kind = "E" if rng.random() < 0.6 else "D"
    if rng.random() < 0.001:
        return ValueList(kind, (), False, spelling="")  # type: ignore[arg-type]
    separator = rng.choice((",", ", "))
    if multi:
        groups = tuple(
            tuple(rng.sample(TERMS, rng.randint(1, 4))) for _ in range(rng.randint(2, 3))
        )
        parts = [f"({separator.join(g)})" for g in groups]
        body = parts[0] + "".join(rng.choice((" ", "", ",", ", ")) + p for p in parts[1:])
        return ValueList(kind, groups, True, separator, " ", body)  # type: ignore[arg-type]
    values = rng.sample(TERMS, rng.randint(1, 6))
    if rng.random() < 0.01:
        values[0] = "F\\R GERMINAL MATRIX"
    return ValueList(kind, (tuple(values),), False, separator, " ", separator.join(values))  # type: ignore[arg-type]


def make_profiles(
    seed: int = 0, dictionary_lines: int = 5000
) -> tuple[Dictionary, ServiceProfile, InfoProfile]:
    rng = random.Random(seed)
    dictionary = make_dictionary(rng, dictionary_lines)
    by_tag = {e.tag: e for e in dictionary.entries}
    tags = list(by_tag)
    items = [
        ItemRef(f"ITEM_{'_'.join(rng.sample(WORDS, 2)).upper()}_{i:04d}", i)
        for i in range(1, ITEMS + 1)
    ]
    conditions = _condition_names(rng, tags)

    # The pool of distinct attribute lines: a few variants per tag.
    multi_left = MULTI_VALUED
    variants: dict[Tag, list[InfoLine]] = {}
    pool_size = 0
    used_tags = rng.sample(tags, 3200)
    for tag in used_tags:
        entry = by_tag[tag]
        count = rng.choice((1, 2, 3, 3, 4, 5, 6))
        lines: list[InfoLine] = []
        for _ in range(count):
            kind = rng.choice(("1", "2", "3", "3", "1C", "2C"))
            vt = ValueType(kind, rng.choice(conditions) if kind.endswith("C") else None)
            values: ValueList | None = None
            if entry.vr == "SQ":
                names = tuple(rng.choice(items).name for _ in range(rng.choice((1, 1, 1, 2))))
                values = ValueList("E", (tuple(dict.fromkeys(names)),), False, ", ")
            elif entry.vr in STRING_VRS and rng.random() < VALUE_LIST_SHARE * 1.45:
                multi = multi_left > 0 and rng.random() < 0.01
                multi_left -= multi
                values = _value_list(rng, multi)
            lines.append(InfoLine(tag, entry.vr, vt, values))
        variants[tag] = list(dict.fromkeys(lines))
        pool_size += len(variants[tag])
        if pool_size >= DISTINCT_LINES:
            break
    pool = list(variants)
    weights = [1.0 / (1 + i) ** 0.2 for i in range(len(pool))]

    sections_total = MESSAGES + ITEMS
    sizes = [
        max(3, int(rng.gauss(ATTRIBUTE_LINES / sections_total, 12))) for _ in range(sections_total)
    ]
    scale = ATTRIBUTE_LINES / sum(sizes)
    sizes = [max(2, round(s * scale)) for s in sizes]
    sizes[-1] += ATTRIBUTE_LINES - sum(sizes)

    def section_lines(size: int) -> tuple[InfoLine, ...]:
        chosen: dict[Tag, InfoLine] = {}
        while len(chosen) < size:
            for tag in rng.choices(pool, weights, k=size - len(chosen)):
                if tag not in chosen:
                    options = variants[tag]
                    chosen[tag] = options[0] if rng.random() < 0.45 else rng.choice(options)
        return tuple(sorted(chosen.values(), key=lambda ln: ln.tag.sort_key()))

    # Services: BASE first then META, numbered in name order.
    names = sorted({f"{'_'.join(rng.sample(WORDS, 2)).upper()}_{i}" for i in range(BASE_SERVICES)})
    commands_left = MESSAGES
    base: list[Service] = []
    for index, name in enumerate(names):
        remaining = len(names) - index
        group = COMMANDS[0] if commands_left <= remaining * 2 else rng.choice(COMMANDS)
        group = group[: max(2, min(len(group), commands_left - 2 * (remaining - 1)))]
        commands_left -= len(group)
        base.append(
            Service(
                index + 1,
                name,
                "BASE",
                f"1.2.840.10008.5.1.4.1.1.{index + 1}",
                f"{name.replace('_', ' ').title()} Storage",
                group,
            )
        )
    meta = [
        Service(
            BASE_SERVICES + i + 1,
            f"META_{i:02d}_SERVICE_CLASS",
            "META",
            f"1.2.840.10008.4.{i + 1}",
            f"Meta Service {i}",
            sop_classes=tuple(sorted(rng.sample(range(1, BASE_SERVICES + 1), 4))),
        )
        for i in range(META_SERVICES)
    ]
    services = ServiceProfile(tuple(base + meta), tuple(items))

    sections: list[InfoSection] = []
    size_iter = iter(sizes)
    for service in base:
        for command in service.commands:
            sections.append(InfoSection(service.number, command, section_lines(next(size_iter))))
    for item in items:
        sections.append(InfoSection(item.number, "ITEM", section_lines(next(size_iter, 10))))
    return dictionary, services, InfoProfile(tuple(sections))


def write_profiles(out: Path, seed: int = 0, dictionary_lines: int = 5000) -> dict[str, Path]:
    """Write diction.pfl, mergecom.srv and info.pfl into ``out``."""
    dictionary, services, info = make_profiles(seed, dictionary_lines)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "dictionary": out / "diction.pfl",
        "services": out / "mergecom.srv",
        "info": out / "info.pfl",
    }
    paths["dictionary"].write_text(format_dictionary(dictionary), encoding="utf-8")
    paths["services"].write_text(format_services(services), encoding="utf-8")
    paths["info"].write_text(format_info(info, services), encoding="utf-8")
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dictionary-lines", type=int, default=5000)
    args = parser.parse_args()
    paths = write_profiles(args.out, args.seed, args.dictionary_lines)
    for kind, path in paths.items():
        text = path.read_text(encoding="utf-8")
        print(f"{kind:<10} {path}: {len(text.splitlines())} lines, {len(text.encode())} bytes")


if __name__ == "__main__":
    main()
