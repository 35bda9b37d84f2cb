"""Semantic checks on parsed profiles: what the grammar cannot see.

Each check returns Diagnostics (errors and warnings) with the place of the
offending line. Syntax and file-local table consistency (NUMBER_OF_* counts,
table versus sections, SOP_CLASSES_INCLUDED) are reported by the readers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from mdict.conditions.names import parse_name
from mdict.errors import Diagnostic, Severity
from mdict.model import (
    CombineConfig,
    DictEntry,
    Dictionary,
    InfoLine,
    InfoProfile,
    InfoSection,
    Location,
    ServiceProfile,
    Tag,
)
from mdict.model.modules import ModulesProfile

MAX_CREATOR = 64


def _diag(loc: Location | None, message: str, severity: Severity = "error") -> Diagnostic:
    if loc is None:
        return Diagnostic("<model>", 1, 1, message, severity)
    return Diagnostic(loc.file, loc.line, loc.column, message, severity)


def _order_and_duplicates(
    items: Iterable[tuple[Tag, Location | None]], where: str
) -> list[Diagnostic]:
    """Duplicate tags (errors) and lines out of canonical order (warnings)."""
    out: list[Diagnostic] = []
    # Keyed by the canonical sort key, a tuple of plain values (hashing and
    # comparing those is native; a Tag's hash is a Python call).
    seen: dict[tuple[int, str, int], Location | None] = {}
    previous: Tag | None = None
    previous_key: tuple[int, str, int] | None = None
    for tag, loc in items:
        creator = tag.creator
        key = (tag.group, "" if creator is None else creator + ",", tag.element)
        if key in seen:
            first = seen[key]
            line = f" (first at line {first.line})" if first is not None else ""
            out.append(
                _diag(loc, f"expected each tag once {where}, found {tag.display} again{line}")
            )
        else:
            seen[key] = loc
        if previous_key is not None and key < previous_key:
            assert previous is not None
            out.append(
                _diag(
                    loc,
                    f"expected tags in ascending order, found {tag.display} after"
                    f" {previous.display} (mdict fmt sorts them)",
                    "warning",
                )
            )
        previous, previous_key = tag, key
    return out


def check_dictionary(dictionary: Dictionary) -> list[Diagnostic]:
    """Duplicate tags, entries out of order, private creators over 64 characters."""
    out = _order_and_duplicates(((e.tag, e.loc) for e in dictionary.entries), "in a dictionary")
    for entry in dictionary.entries:
        if entry.tag.creator is not None and len(entry.tag.creator) > MAX_CREATOR:
            out.append(
                _diag(
                    entry.loc,
                    f"expected a private creator of at most {MAX_CREATOR} characters,"
                    f" found {len(entry.tag.creator)}",
                )
            )
    return out


def check_services(profile: ServiceProfile) -> list[Diagnostic]:
    """SOP_CLASS_k naming a service number that does not exist or is not BASE."""
    out: list[Diagnostic] = []
    by_number = {s.number: s for s in profile.services}
    for service in profile.services:
        for k, number in enumerate(service.sop_classes, 1):
            target = by_number.get(number)
            if target is None:
                out.append(
                    _diag(
                        service.loc,
                        f"expected SOP_CLASS_{k} of {service.name} to name a service,"
                        f" found {number:04d}, which does not exist",
                    )
                )
            elif target.type != "BASE":
                out.append(
                    _diag(
                        service.loc,
                        f"expected SOP_CLASS_{k} of {service.name} to name a BASE service,"
                        f" found {number:04d} ({target.name}, {target.type})",
                    )
                )
    return out


_TagKey = tuple[int, int, str | None]


def _entry_index(dictionary: Dictionary | None) -> dict[_TagKey, DictEntry] | None:
    """Entries by (group, element, creator): plain tuples hash natively."""
    if dictionary is None:
        return None
    return {(e.tag.group, e.tag.element, e.tag.creator): e for e in dictionary.entries}


def _lines_against(
    lines: Iterable[InfoLine],
    entries: dict[_TagKey, DictEntry] | None,
    item_names: frozenset[str] | None,
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for line in lines:
        tag = line.tag
        if entries is not None:
            entry = entries.get((tag.group, tag.element, tag.creator))
            if entry is None:
                out.append(
                    _diag(line.loc, f"expected a tag of the dictionary, found {line.tag.display}")
                )
            elif entry.vr != line.vr and "UNKNOWN_VR" not in (entry.vr, line.vr):
                out.append(
                    _diag(
                        line.loc,
                        f"expected VR {entry.vr} for {line.tag.display} (the dictionary's),"
                        f" found {line.vr}",
                    )
                )
        if item_names is not None and line.vr == "SQ":
            for name in line.item_names:
                if name not in item_names:
                    out.append(
                        _diag(
                            line.loc,
                            f"expected an item of the [ITEM_TABLE] in the SQ line of"
                            f" {line.tag.display}, found {name!r}",
                        )
                    )
    return out


def check_info(
    info: InfoProfile,
    dictionary: Dictionary | None = None,
    services: ServiceProfile | None = None,
) -> list[Diagnostic]:
    """Duplicate tags and order inside sections; with a service profile,
    sections for unknown services, commands or items and SQ lines naming
    unknown items; with a dictionary, unknown tags and VR disagreements."""
    out: list[Diagnostic] = []
    entries = _entry_index(dictionary)
    item_names: frozenset[str] | None = None
    if services is not None:
        item_names = frozenset(i.name for i in services.items)
        item_numbers = {i.number for i in services.items}
        by_number = {s.number: s for s in services.services}
    for section in info.sections:
        header = f"[ {section.number:04d}, {section.command} ]"
        out += _order_and_duplicates(((ln.tag, ln.loc) for ln in section.lines), f"in {header}")
        if services is not None:
            if section.is_item:
                if section.number not in item_numbers:
                    out.append(
                        _diag(
                            section.loc,
                            f"expected an item number of the [ITEM_TABLE], found {header}",
                        )
                    )
            else:
                service = by_number.get(section.number)
                if service is None:
                    out.append(
                        _diag(
                            section.loc,
                            f"expected a service number of mergecom.srv, found {header}",
                        )
                    )
                elif service.type == "BASE" and section.command not in service.commands:
                    commands = ", ".join(service.commands) or "none"
                    out.append(
                        _diag(
                            section.loc,
                            f"expected a command of {service.name} ({commands}), found {header}",
                        )
                    )
        out += _lines_against(section.lines, entries, item_names)
    return out


def check_config(config: CombineConfig, dictionary: Dictionary | None = None) -> list[Diagnostic]:
    """Duplicate tags and order inside blocks; EXISTING_ITEM_SECTION blocks in
    name order; with a dictionary, unknown tags and VR disagreements."""
    out: list[Diagnostic] = []
    blocks = (
        *config.existing_services,
        *config.private_services,
        *config.private_items,
        *config.existing_items,
    )
    entries = _entry_index(dictionary)
    for block in blocks:
        where = f"in [ {block.name}, {block.command} ]"
        out += _order_and_duplicates(((ln.tag, ln.loc) for ln in block.lines), where)
        out += _lines_against(block.lines, entries, None)
    for previous, block in zip(config.existing_items, config.existing_items[1:], strict=False):
        if block.name < previous.name:
            out.append(
                _diag(
                    block.loc,
                    f"expected EXISTING_ITEM_SECTION blocks in name order, found {block.name}"
                    f" after {previous.name}",
                )
            )
    return out


def check_profile(
    model: object,
    *,
    dictionary: Dictionary | None = None,
    services: ServiceProfile | None = None,
) -> list[Diagnostic]:
    """The checks of any profile model (what its kind's reader cannot see),
    capped like the readers' errors (``cap``). Conditions and modules
    profiles have none beyond their reader's (names, messages and tags
    unique)."""
    if isinstance(model, Dictionary):
        found = check_dictionary(model)
    elif isinstance(model, ServiceProfile):
        found = check_services(model)
    elif isinstance(model, InfoProfile):
        found = check_info(model, dictionary, services)
        found += check_sections(model, services) if services is not None else []
    elif isinstance(model, CombineConfig):
        found = check_config(model, dictionary)
    else:
        found = []
    return cap(found)


MAX_SHOWN = 20
"""Errors (and, separately, warnings) shown per file, as the readers do."""


def cap(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The first MAX_SHOWN errors and MAX_SHOWN warnings by place, then one
    line per severity saying how many more there are: half a million
    duplicate tags are not half a million lines."""
    ordered = sorted(diagnostics, key=lambda d: (d.line, d.column))
    out: list[Diagnostic] = []
    hidden: dict[str, list[Diagnostic]] = {"error": [], "warning": []}
    shown = {"error": 0, "warning": 0}
    for d in ordered:
        if shown[d.severity] < MAX_SHOWN:
            shown[d.severity] += 1
            out.append(d)
        else:
            hidden[d.severity].append(d)
    for severity, rest in hidden.items():
        if rest:
            first = rest[0]
            word = "errors" if severity == "error" else "warnings"
            out.append(
                Diagnostic(
                    first.file,
                    first.line,
                    first.column,
                    f"{len(rest)} more {word} not shown (the first {MAX_SHOWN} are)",
                    first.severity,
                )
            )
    return out


# ---------------------------------------------------------------------------
# Across the profiles of a message database (mdict info, mc3info)
# ---------------------------------------------------------------------------


def check_sections(info: InfoProfile, services: ServiceProfile) -> list[Diagnostic]:
    """Each section once, each SQ's item defined by a section, each
    ITEM_TABLE entry with its section (or at least unused: a warning)."""
    out: list[Diagnostic] = []
    seen: dict[tuple[int, str], InfoSection] = {}
    for section in info.sections:
        first = seen.setdefault((section.number, section.command), section)
        if first is not section:
            where = f" (first at line {first.loc.line})" if first.loc is not None else ""
            out.append(
                _diag(
                    section.loc,
                    f"expected each section once, found [ {section.number:04d},"
                    f" {section.command} ] again{where}",
                )
            )
    defined = {s.number for s in info.sections if s.is_item}
    by_name = {i.name: i for i in services.items}
    used: set[str] = set()
    for section in info.sections:
        for line in section.lines:
            if line.vr != "SQ" or line.values is None:
                continue
            for name in line.item_names:
                used.add(name)
                ref = by_name.get(name)
                if ref is not None and ref.number not in defined:
                    out.append(
                        _diag(
                            line.loc,
                            f"expected a [ {ref.number:04d}, ITEM ] section for item {name}"
                            f" (named by {line.tag.display}), found none",
                        )
                    )
    for ref in services.items:
        if ref.number not in defined and ref.name not in used:
            out.append(
                _diag(
                    ref.loc,
                    f"item {ref.name} ({ref.number:04d}) of the [ITEM_TABLE] has no"
                    " [ NNNN, ITEM ] section in the info profile",
                    "warning",
                )
            )
    return out


def condition_uses(info: InfoProfile) -> Counter[str]:
    """How many lines use each condition name."""
    uses: Counter[str] = Counter()
    for section in info.sections:
        uses.update(line.vt.condition for line in section.lines if line.vt.condition is not None)
    return uses


def reads_by_convention(name: str) -> bool:
    """Whether Merge's naming convention gives ``name`` a meaning
    (``A00100033_PRESENT``; docs/conditions.md)."""
    try:
        return parse_name(name) is not None
    except Exception:  # a name the convention does not cover is simply unknown
        return False


def undefined_conditions(info: InfoProfile, conditions: Mapping[str, str] | None) -> dict[str, int]:
    """Each condition name neither the conditions profile defines nor the
    naming convention reads, with the number of lines using it, by name."""
    defined = conditions or {}
    return {
        name: count
        for name, count in sorted(condition_uses(info).items())
        if name not in defined and not reads_by_convention(name)
    }


def unknown_conditions(
    info: InfoProfile,
    conditions: Mapping[str, str] | None,
    borrowed: Mapping[str, int] | None = None,
) -> list[Diagnostic]:
    """One warning per undefined condition name, with the number of lines
    using it (and how many of them borrow the standard database's condition
    for the same attribute: ``borrowed``, name -> lines)."""
    unknown = undefined_conditions(info, conditions)
    first: dict[str, InfoLine] = {}
    if unknown:
        for section in info.sections:
            for line in section.lines:
                name = line.vt.condition
                if name in unknown and name not in first:
                    first[name] = line
    out: list[Diagnostic] = []
    for name, count in unknown.items():
        uses = "1 line" if count == 1 else f"{count} lines"
        lent = (borrowed or {}).get(name, 0)
        outcome = "it will not be evaluated"
        if lent >= count:
            outcome = "the standard database's condition for the same attribute is borrowed"
        elif lent:
            outcome = (
                f"{lent} of them borrow the standard database's condition for the same"
                " attribute, the others will not be evaluated"
            )
        out.append(
            _diag(
                first[name].loc,
                f"condition {name} is not defined (used by {uses}); {outcome}",
                "warning",
            )
        )
    return out


def check_messages(
    dictionary: Dictionary,
    services: ServiceProfile,
    info: InfoProfile,
    conditions: Mapping[str, str] | None = None,
    borrowed: Mapping[str, int] | None = None,
) -> list[Diagnostic]:
    """Every compile-time check of a message database, errors and warnings,
    in file order per profile."""
    return [
        *check_dictionary(dictionary),
        *check_services(services),
        *check_info(info, dictionary, services),
        *check_sections(info, services),
        *unknown_conditions(info, conditions, borrowed),
    ]


def check_modules(
    modules: ModulesProfile, services: ServiceProfile, info: InfoProfile
) -> list[Diagnostic]:
    """Warnings: a modules-profile section whose service is unknown or whose
    message the info profile does not hold (it is kept but never used)."""
    by_name = {s.name: s.number for s in services.services}
    held = {(x.number, x.command) for x in info.sections if not x.is_item}
    out: list[Diagnostic] = []
    for message in modules.messages:
        loc = message.loc
        where = (loc.file, loc.line) if loc is not None else ("<modules>", 1)
        number = by_name.get(message.service)
        if number is None:
            problem = f"service {message.service} is not in the service profile"
        elif (number, message.command) not in held:
            problem = f"the info profile has no [ {number:04d}, {message.command} ] section"
        else:
            continue
        out.append(
            Diagnostic(
                where[0],
                where[1],
                1,
                f"modules of [ {message.service}, {message.command} ]: {problem}",
                "warning",
            )
        )
    return out
