"""Build mdict's standard profiles from the dicom3tools templates.

    python tools/build_profiles.py --source DIR --out profiles/

Writes ``diction.pfl``, ``mergecom.srv``, ``info.pfl``, ``conditions.pfl``
(through ``tools/build_conditions.py``, with the combined conditions info.pfl
uses) and ``CONDITIONS_REPORT.md``, ``modules.pfl`` (through
``tools/build_modules.py``: each message's modules in IOD order), plus ``BUILD_REPORT.md``: counts and everything that could not be converted. The
same source always gives byte-identical output.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``tools`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mdict.model import ITEM, Dictionary, InfoLine, InfoProfile, InfoSection, ServiceProfile, Tag
from mdict.write import format_dictionary, format_info, format_services
from tools.build_conditions import build as build_conditions
from tools.build_conditions import format_report as format_conditions_report
from tools.build_conditions import provenance
from tools.build_dictionary import DictionaryReport, build_dictionary, standard_keywords
from tools.build_highdicom import (
    NOT_KNOWN_DEFINITION,
    HighdicomMessages,
    HighdicomReport,
    Tables,
    copyright_notice,
    cross_check,
    read_tables,
)
from tools.build_highdicom import format_report as format_highdicom_report
from tools.build_info import (
    InfoBuilder,
    InfoReport,
    iod_sop_classes,
    read_iods,
    read_modules,
    read_sop_class_conditions,
    read_value_lists,
    template_files,
)
from tools.build_modules import ModuleTags, build_modules
from tools.build_positions import PositionsReport, build_positions, read_required
from tools.build_ps34 import DATA_FILE as PS34_FILE
from tools.build_ps34 import Ps34, build_ps34, format_conditions, format_query_keys
from tools.build_services import (
    STORAGE,
    ServicesReport,
    SopClass,
    build_services,
    commands_for,
    extra_sop_classes,
    read_sop_classes,
    service_name,
)
from tools.merge_names import (
    DATA as MERGE_NAMES,
)
from tools.merge_names import (
    format_aliases,
    merge_item_names,
    read_merge_names,
    renamed_items,
    sequence_uses,
)

REPORT_NAME = "BUILD_REPORT.md"
ALIASES_NAME = "aliases.tsv"
QUERY_KEYS_NAME = "query-keys.tsv"
CONDITIONS_REPORT_NAME = "CONDITIONS_REPORT.md"
README_NAME = "README.md"
_COMMIT = re.compile(r"commit\s+([0-9a-f]{40})(?:\s+\(([0-9-]+)\))?")

README = """\
# Standard profiles

mdict's standard message database, in Merge's text formats. Generated from
public data; do not edit by hand.

| File | What it holds |
| --- | --- |
| `diction.pfl` | {dictionary} |
| `mergecom.srv` | {services} |
| `info.pfl` | {info} |
| `conditions.pfl` | {conditions} |
| `modules.pfl` | {modules} |
| `positions.pfl` | {positions} |
| `aliases.tsv` | the earlier mdict names of services and items that now carry Merge's names |
| `query-keys.tsv` | the keys of each Query/Retrieve level (identifier checks) |
| `BUILD_REPORT.md` | every source entry that could not be converted, and why |
| `COPYRIGHT` | the dicom3tools licence, and highdicom's for what comes from its tables |

## Sources

The `libsrc/standard/` templates of dicom3tools by David A. Clunie (PixelMed
Publishing), {commit}, BSD-style licence (see `COPYRIGHT`). Source digest
(sha256 over the paths and bytes of every template):
`{digest}`.

The storage IODs dicom3tools lacks come from the standard's tables in
{highdicom} (MIT licence, see `COPYRIGHT`), read at build time only; the
messages of the non-storage services from PS3.4, transcribed by hand in
`tools/data/ps34.txt`; the SOP classes sopcl.tpl lacks from pydicom's UID
dictionary; service and item names from Merge's public 2020 release
(`tools/data/merge-*.tsv`).

## Regenerate

From the repository root, with dicom3tools' `libsrc/standard` templates in a folder `DIR`
and the `build` extra installed (`pip install -e ".[build]"`, highdicom):

    python tools/build_profiles.py --source DIR --out profiles/

The same source gives byte-identical files. How the templates are mapped
(names, VR choices, items, conditions) is described in
`docs/standard-profiles.md`.
"""


@dataclass(frozen=True, slots=True)
class Built:
    """The generated profiles as text, by file name, and the report."""

    source: Path
    files: dict[str, str]
    report: str
    summary: tuple[str, ...]
    dictionary: Dictionary
    services: ServiceProfile
    info: InfoProfile


def _section(title: str, lines: Sequence[str]) -> list[str]:
    out = [f"## {title} ({len(lines)})", ""]
    out += [f"- {line}" for line in lines] or ["(none)"]
    return [*out, ""]


def build(
    source: Path,
    merge_names: Path = MERGE_NAMES,
    ps34_file: Path | None = PS34_FILE,
    use_highdicom: bool = True,
) -> Built:
    """Convert the templates under ``source``, naming services and items as
    Merge does (the tables in ``merge_names``), with the messages of the PS3.4
    transcription ``ps34_file`` (None: none); nothing is written."""
    dict_report = DictionaryReport()
    dictionary = build_dictionary(source / "elmdict", dict_report)
    srv_report = ServicesReport()
    sop_classes = read_sop_classes(source / "sopcl.tpl", srv_report)
    sop_classes += extra_sop_classes(sop_classes, srv_report)
    info_report = InfoReport()
    builder = InfoBuilder(
        read_modules(template_files(source / "module"), info_report),
        standard_keywords(source / "elmdict", dictionary),
        read_value_lists(
            [*template_files(source / "strval"), source / "binval.tpl", source / "tagval.tpl"],
            info_report,
        ),
        info_report,
    )
    module_tags: dict[str, ModuleTags] = {}
    made = _messages(source, builder, sop_classes, info_report, module_tags)
    tables = read_tables() if use_highdicom else None
    hd_report = HighdicomReport()
    if tables is not None:
        _from_highdicom(source, builder, sop_classes, made, tables, hd_report)
    messages, items = builder.finish(made)
    merge = read_merge_names(merge_names)
    first, service_names = build_services(sop_classes, items, ServicesReport(), merge.services)
    messages = {service_names.get(k, k): v for k, v in messages.items()}
    module_tags = {service_names.get(k, k): v for k, v in module_tags.items()}
    ps34 = _transcription(first, dictionary, set(items), ps34_file)
    other = dict(ps34.messages)
    items.update(ps34.items)
    uses = sequence_uses([*messages.values(), *other.values(), *items.values()])
    item_names = merge_item_names(uses, merge)
    messages = {k: renamed_items(v, item_names) for k, v in messages.items()}
    other = {k: renamed_items(v, item_names) for k, v in other.items()}
    items = {item_names.get(k, k): renamed_items(v, item_names) for k, v in items.items()}
    items = _reachable(items, [*messages.values(), *other.values()])
    services, _ = build_services(sop_classes, items, srv_report, merge.services)
    info = _info_profile(services, messages, items, other)
    modules_text, modules = build_modules(services, info, module_tags, provenance(source))
    positions_report = PositionsReport()
    required = read_required(template_files(source / "module"), positions_report)
    module_names = {name: [use.module for use, _ in uses] for name, uses in module_tags.items()}
    positions_text, positions, _ = build_positions(
        info, services, builder.mixed, module_names, required, provenance(source), positions_report
    )
    files = {
        "diction.pfl": format_dictionary(dictionary),
        "mergecom.srv": format_services(services),
        "info.pfl": format_info(info, services),
        "modules.pfl": modules_text,
        "positions.pfl": positions_text,
        ALIASES_NAME: format_aliases(service_names, item_names),
        QUERY_KEYS_NAME: format_query_keys(ps34, {s.name: s.uid or "" for s in services.services}),
    }
    conditions_counts: list[str] = []
    if (source / "condn.tpl").is_file():
        used = used_combinations(builder.combos.expressions(), condition_names(info))
        files["conditions.pfl"], cond_report = build_conditions(source, used)
        files["conditions.pfl"] += format_conditions(ps34)
        if tables is not None:
            files["conditions.pfl"] += NOT_KNOWN_DEFINITION
        files["conditions.pfl"] = canonical_conditions(files["conditions.pfl"])
    if tables is not None and (source / "COPYRIGHT").is_file():
        files["COPYRIGHT"] = (source / "COPYRIGHT").read_text() + copyright_notice(tables)
        files[CONDITIONS_REPORT_NAME] = format_conditions_report(cond_report)
        conditions_counts.append(
            f"conditions.pfl: {cond_report.translated} of {cond_report.total} condn.tpl "
            f"conditions translated ({len(cond_report.empty)} without tests, written unknown), "
            f"{len(cond_report.builtins)} built-ins, {cond_report.combined} combinations"
        )
    standard = sum(1 for e in dictionary.entries if e.tag.creator is None)
    base = sum(1 for s in services.services if s.type == "BASE")
    counts = [
        f"diction.pfl: {len(dictionary.entries)} lines "
        f"({standard} standard, {len(dictionary.entries) - standard} private, "
        f"{sum(e.retired for e in dictionary.entries)} retired)",
        f"mergecom.srv: {len(services.services)} services ({base} BASE, "
        f"{len(services.services) - base} META), {len(services.items)} items",
        f"info.pfl: {sum(not x.is_item for x in info.sections)} messages, "
        f"{sum(x.is_item for x in info.sections)} items, "
        f"{sum(len(x.lines) for x in info.sections)} attribute lines, "
        f"{len(condition_names(info))} distinct condition names",
        *conditions_counts,
        f"modules.pfl: {len(modules.messages)} messages, "
        f"{sum(len(m.modules) for m in modules.messages)} module uses",
        f"positions.pfl: {len(positions.sections)} sections, {positions_report.attributes} "
        f"attributes, {positions_report.required} required positions",
    ]
    lines = ["# Build report", "", *(f"- {c}" for c in counts), ""]
    lines += [
        "Source digest (sha256 over the paths and bytes of every template): "
        f"`{source_digest(source)}`",
        "",
    ]
    lines += _section(
        "Dictionary: VR choices for multi-VR source entries",
        [f"{k}: {v}" for k, v in sorted(dict_report.vr_choices.items())],
    )
    lines += [
        f"Names changed to fit the format (commas removed, `?` names replaced): "
        f"{dict_report.renamed}; masked tags hidden by an explicit entry: "
        f"{dict_report.masked_overlaps}.",
        "",
    ]
    lines += _section("Dictionary: entries not converted", dict_report.skipped)
    lines += _section("Dictionary: conflicting definitions dropped", dict_report.conflicts)
    lines += _info_sections(info_report, services, info)
    lines += _section(
        "Positions: Verify rules under other conditions (not carried)",
        positions_report.other_verifies,
    )
    lines += _section("Services: source corrections", srv_report.fixed)
    lines += _section("Services: SOP classes not converted", srv_report.skipped)
    lines += format_highdicom_report(hd_report, tables)
    lines += _section("PS3.4 transcription: rows and blocks not used", ps34.skipped)
    lines += _section(
        "PS3.4 transcription: messages and the PS3.4 table each comes from",
        [f"{s} {c}: Table {t}" for (s, c), t in sorted(ps34.tables.items())],
    )
    lines += [
        f"## Condition names used by info.pfl ({len(condition_names(info))})",
        "",
        "Each must be defined in conditions.pfl (or follow Merge's name convention):",
        "",
        ", ".join(f"`{c}`" for c in sorted(condition_names(info))),
        "",
    ]
    files[README_NAME] = _readme(source, counts, tables)
    summary = (*counts, *(ln[3:] for ln in lines if ln.startswith("## ")))
    return Built(source, files, "\n".join(lines), summary, dictionary, services, info)


def canonical_conditions(text: str) -> str:
    """``text`` as mdict's writer lays it out (what decompiling gives back)."""
    from mdict import format_conditions, parse_conditions

    return str(format_conditions(parse_conditions(text)))


def condition_names(info: InfoProfile) -> set[str]:
    """Every condition name info.pfl uses (conditions.pfl must define them)."""
    return {ln.vt.condition for x in info.sections for ln in x.lines if ln.vt.condition}


def used_combinations(combined: dict[str, str], used: set[str]) -> dict[str, str]:
    """The combined conditions ``used`` names, with the combinations they
    are made of (a name's operands may be combinations too)."""
    wanted: dict[str, str] = {}
    pending = [n for n in sorted(used) if n in combined]
    while pending:
        name = pending.pop()
        if name in wanted:
            continue
        wanted[name] = combined[name]
        pending += [p for p in re.split(r" (?:and|or) ", combined[name]) if p in combined]
    return wanted


def _readme(source: Path, counts: Sequence[str], tables: Tables | None = None) -> str:
    readme = source / "README.md"
    found = _COMMIT.search(readme.read_text()) if readme.is_file() else None
    commit = "an unrecorded commit"
    if found:
        commit = f"commit {found.group(1)}" + (f" ({found.group(2)})" if found.group(2) else "")
    described = {c.split(": ", 1)[0]: c.split(": ", 1)[1] for c in counts}
    return README.format(
        dictionary=f"data dictionary: {described['diction.pfl']}",
        services=f"services and item table: {described['mergecom.srv']}",
        info=f"message and item specifications: {described['info.pfl']}",
        conditions="condition definitions"
        + (f": {described['conditions.pfl']}" if "conditions.pfl" in described else ""),
        modules="the modules of each message in IOD order (mdict's own format): "
        + described["modules.pfl"],
        positions="enumerated values or defined terms per value position, and required "
        "positions (mdict's own format): " + described["positions.pfl"],
        commit=commit,
        digest=source_digest(source),
        highdicom=f"highdicom {tables.version}" if tables is not None else "highdicom (not used)",
    )


def _messages(
    source: Path,
    builder: InfoBuilder,
    sop_classes: list[SopClass],
    report: InfoReport,
    module_tags: dict[str, ModuleTags] | None = None,
) -> dict[str, tuple[InfoLine, ...]]:
    """Service name -> the C_STORE_RQ lines of the IOD stored under it (and,
    into ``module_tags``, service name -> the IOD's modules with their tags)."""
    conditions = read_sop_class_conditions(source / "condn.tpl")
    names = {s.name for s in sop_classes}
    messages: dict[str, tuple[InfoLine, ...]] = {}
    for iod in read_iods(template_files(source / "iodcomp")):
        targets = iod_sop_classes(iod, conditions, names)
        if not targets:
            report.iods_without_service.append(f"{iod.name}: no SOP class in sopcl.tpl")
            continue
        free = [service_name(sop) for sop in targets if service_name(sop) not in messages]
        for name in sorted({service_name(sop) for sop in targets} - set(free)):
            report.iods_without_service.append(f"{iod.name}: {name} already has an IOD")
        if free:
            lines = builder.message_lines(iod)
            messages.update(dict.fromkeys(free, lines))
            if module_tags is not None:
                module_tags.update(dict.fromkeys(free, builder.module_tags[iod.name]))
    return messages


def _from_highdicom(
    source: Path,
    builder: InfoBuilder,
    sop_classes: list[SopClass],
    messages: dict[str, tuple[InfoLine, ...]],
    tables: Tables,
    report: HighdicomReport,
) -> None:
    """Add the C_STORE_RQ of every storage SOP class dicom3tools has no IOD
    for, from highdicom's tables (dicom3tools' modules where it has them)."""
    from tools.d3t import camel_to_upper_snake

    cross_check(tables, builder.blocks, report)
    defined = [camel_to_upper_snake(n) for n in read_sop_class_conditions(source / "condn.tpl")]
    maker = HighdicomMessages(
        tables, builder.blocks, builder.keywords, defined, builder.message_lines,
        builder.item_name, report,
    )  # fmt: skip
    for sop in sop_classes:
        name = service_name(sop.name)
        if name in messages or commands_for(sop) != STORAGE:
            continue
        lines = maker.message(sop.uid, name)
        if lines is not None:
            messages[name] = lines


EMPTY_DATA_SET = frozenset(
    ("C_STORE_RSP", "C_ECHO_RQ", "C_ECHO_RSP", "C_CANCEL_RQ", "N_DELETE_RQ", "N_DELETE_RSP")
)
"""Commands whose message carries no data set (PS3.7): an empty section."""

EMPTY_WITH_PS34 = frozenset(("N_GET_RQ", "N_ACTION_RSP", "N_EVENT_REPORT_RSP"))
"""Commands whose data set PS3.4 leaves empty unless the transcription gives
one (N-GET's attribute list is in the command set; most actions and events
have no reply)."""


def _reachable(
    items: dict[str, tuple[InfoLine, ...]], sections: Sequence[tuple[InfoLine, ...]]
) -> dict[str, tuple[InfoLine, ...]]:
    """The items some message uses, directly or through other items (an item
    of an attribute one source listed and the other replaced is dropped)."""
    pending = [n for lines in sections for ln in lines for n in ln.item_names]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen or name not in items:
            continue
        seen.add(name)
        pending += [n for ln in items[name] for n in ln.item_names]
    return {k: v for k, v in items.items() if k in seen}


def _transcription(
    services: ServiceProfile, dictionary: Dictionary, taken: set[str], path: Path | None
) -> Ps34:
    """The PS3.4 messages for the services of the profile (blocks for other
    services are left out: a source without them, like a test tree)."""
    if path is None:
        return Ps34()
    from pydicom._dicom_dict import DicomDictionary

    vrs = {e.tag: e.vr for e in dictionary.entries if e.tag.creator is None}
    keywords = {Tag(t >> 16, t & 0xFFFF): entry[4] for t, entry in DicomDictionary.items()}
    present = {s.name: s.commands for s in services.services if s.type == "BASE"}
    return build_ps34(vrs, keywords, present, taken, path)


def _info_profile(
    services: ServiceProfile,
    messages: dict[str, tuple[InfoLine, ...]],
    items: dict[str, tuple[InfoLine, ...]],
    other: dict[tuple[str, str], tuple[InfoLine, ...]] | None = None,
) -> InfoProfile:
    """Every command of every BASE service gets a section where its content
    is known: the IOD for C_STORE_RQ, nothing for commands without a data
    set; the rest is listed in the report as missing."""
    sections = []
    for service in services.services:
        for command in service.commands:
            if command == "C_STORE_RQ" and service.name in messages:
                sections.append(InfoSection(service.number, command, messages[service.name]))
            elif other and (service.name, command) in other:
                lines = other[(service.name, command)]
                sections.append(InfoSection(service.number, command, lines))
            elif command in EMPTY_DATA_SET or (other and command in EMPTY_WITH_PS34):
                sections.append(InfoSection(service.number, command, ()))
    sections += [InfoSection(i.number, ITEM, items[i.name]) for i in services.items]
    return InfoProfile(tuple(sections))


def _counted(counter: Counter[str]) -> list[str]:
    return [f"{name}: {count}" for name, count in sorted(counter.items())]


def _info_sections(report: InfoReport, services: ServiceProfile, info: InfoProfile) -> list[str]:
    with_section = {(s.number, s.command) for s in info.sections if not s.is_item}
    no_iod = [
        f"{s.name} ({s.description})"
        for s in services.services
        if "C_STORE_RQ" in s.commands and (s.number, "C_STORE_RQ") not in with_section
    ]
    missing = sorted(
        f"{s.name}: {c}"
        for s in services.services
        for c in s.commands
        if (s.number, c) not in with_section
    )
    out = _section("Info: IODs not converted", report.iods_without_service)
    out += _section("Info: storage services without an IOD", no_iod)
    out += [
        f"## Info: messages without a section ({len(missing)})",
        "",
        "Commands a service lists whose data set no source describes (a storage "
        "service without an IOD in any source, a normalized or query service not "
        "yet transcribed from PS3.4). Commands without a data set (C_STORE_RSP, "
        "C_ECHO, C_CANCEL_RQ, N_DELETE) have an empty section. By command:",
        "",
        *(f"- {c}: {n}" for c, n in sorted(Counter(m.split(": ")[1] for m in missing).items())),
        "",
        *(f"- {m}" for m in missing),
        "",
    ]
    out += _section("Info: keywords not in the dictionary", _counted(report.unknown_keywords))
    out += _section("Info: value lists not found", _counted(report.unknown_lists))
    out += _section("Info: macros not found", _counted(report.unknown_macros))
    out += _section("Info: modules not found", _counted(report.unknown_modules))
    out += _section(
        "Info: recursive macro invocations outside a sequence (not expandable)",
        _counted(report.recursive_macros),
    )
    out += _section(
        "Info: per-value lists not expressible (a value position before them has no list)",
        _counted(report.gapped_selectors),
    )
    out += _section(
        "Info: tag value lists not written (AT values cannot be listed in E<>)",
        _counted(report.tag_lists),
    )
    out += _section("Info: values not expressible in E<>/D<>", _counted(report.skipped_values))
    out += _section(
        "Info: types that are not 1, 1C, 2, 2C or 3 (written as 3)", _counted(report.odd_types)
    )
    out += _section(
        "Info: value lists that do not fit the VR (not written)",
        _counted(report.lists_not_fitting_vr),
    )
    out += _section("Info: SQ attributes without item content", _counted(report.sq_without_items))
    out += [
        f"Conditional value checks (`Verify` with a `Condition`) not written: "
        f"{report.conditional_verifies}.",
        "",
    ]
    return out


def source_digest(source: Path) -> str:
    """One sha256 over the relative paths and bytes of every template."""
    digest = hashlib.sha256()
    for path in sorted(p for p in source.rglob("*.tpl") if p.is_file()):
        digest.update(path.relative_to(source).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def write_outputs(built: Built, out: Path) -> None:
    """Write every generated file atomically."""
    from mdict.fileio import write_text_atomic

    out.mkdir(parents=True, exist_ok=True)
    for name, text in built.files.items():
        write_text_atomic(out / name, text)
    write_text_atomic(out / REPORT_NAME, built.report + "\n")
    if "COPYRIGHT" not in built.files and (built.source / "COPYRIGHT").is_file():
        write_text_atomic(out / "COPYRIGHT", (built.source / "COPYRIGHT").read_text())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="dicom3tools template folder")
    parser.add_argument("--out", type=Path, required=True, help="output folder (profiles/)")
    args = parser.parse_args(argv)
    source: Path = args.source
    if not (source / "elmdict" / "dicom3.tpl").is_file() or not (source / "sopcl.tpl").is_file():
        print(f"error: {source} is not a dicom3tools template folder", file=sys.stderr)
        return 2
    start = time.perf_counter()
    built = build(source)
    write_outputs(built, args.out)
    elapsed = time.perf_counter() - start
    print("\n".join(built.summary))
    print(
        f"wrote {', '.join(sorted(built.files))} and {REPORT_NAME} to {args.out} in {elapsed:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
