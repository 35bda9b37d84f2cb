"""The IODs dicom3tools lacks, from the standard's tables highdicom ships.

highdicom (MIT licence) carries PS3.3's IOD, module and attribute tables as
data: ``highdicom/_standard/sop_class_iod_map.json`` (SOP Class UID -> IOD),
``iod_module_map.json`` (IOD -> modules with usage M/C/U) and
``module_attribute_map.json`` (module -> attributes with type and sequence
path, macros expanded). They are read here at build time only; mdict never
imports highdicom at run time.

A storage SOP class without an IOD in dicom3tools gets its C_STORE_RQ from
these tables: every module dicom3tools also has is expanded from dicom3tools
(its conditions and value lists are the richer), the others from highdicom.
highdicom gives no conditions: a 1C/2C attribute of a highdicom-only module,
and the usage of a C/U module dicom3tools has no condition for, get
``CONDITION_NOT_KNOWN``, defined ``unknown`` (validation reports it as not
evaluated). Modules both describe are cross-checked (attribute presence and
type at the top level of the module), for the report.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mdict.model import InfoLine, Tag, ValueList, ValueType
from mdict.write import sorted_lines

from .build_info import AttrNode, InvokeNode, Iod, ModuleUse, Node

NOT_KNOWN = "CONDITION_NOT_KNOWN"
NOT_KNOWN_DEFINITION = (
    "\n# No source gives this condition (a 1C/2C attribute or a C/U module of an IOD\n"
    "# taken from highdicom's tables of the standard): never evaluated.\n"
    f"{NOT_KNOWN} = unknown\n"
)


@dataclass(frozen=True, slots=True)
class Attribute:
    keyword: str
    type: str
    path: tuple[str, ...]


@dataclass
class Tables:
    """highdicom's three tables, and where they came from."""

    version: str
    licence: str
    sop_iods: dict[str, str]
    iod_modules: dict[str, list[tuple[str, str]]]
    """IOD -> (module key, usage M/C/U) in IOD order."""
    module_attributes: dict[str, list[Attribute]]


@dataclass
class HighdicomReport:
    made: list[str] = field(default_factory=list)
    """Services whose C_STORE_RQ came from the tables."""
    not_in_tables: list[str] = field(default_factory=list)
    unknown_keywords: dict[str, int] = field(default_factory=dict)
    disagreements: dict[str, list[str]] = field(default_factory=dict)
    """Module -> each attribute the two sources disagree on."""
    compared: int = 0
    """Modules both sources describe."""


def read_tables() -> Tables | None:
    """highdicom's tables, or None when highdicom is not installed (the
    optional ``build`` extra)."""
    try:
        import highdicom
    except ImportError:
        return None
    folder = Path(highdicom.__file__).parent / "_standard"

    def load(name: str) -> Any:
        return json.loads((folder / name).read_text())

    modules: dict[str, list[Attribute]] = {
        key: [Attribute(a["keyword"], a["type"], tuple(a["path"])) for a in attributes]
        for key, attributes in load("module_attribute_map.json").items()
    }
    iods = {
        key: [(m["key"], m["usage"]) for m in entries]
        for key, entries in load("iod_module_map.json").items()
    }
    from importlib.metadata import distribution

    files = distribution("highdicom").files or []
    licence = next(
        (f.read_text() for f in files if f.name.upper().startswith("LICENSE")), "MIT licence"
    )
    return Tables(
        str(highdicom.__version__), licence, load("sop_class_iod_map.json"), iods, modules
    )


def copyright_notice(tables: Tables) -> str:
    """What profiles/COPYRIGHT adds for the sections derived from highdicom."""
    return (
        "\n\n----------------------------------------------------------------------\n\n"
        f"The C_STORE_RQ sections BUILD_REPORT.md lists as made from highdicom's tables\n"
        f"(highdicom {tables.version}, highdicom/_standard/*.json, generated from the DICOM\n"
        "standard) are derived from highdicom, which carries this licence:\n\n"
        + tables.licence.strip()
        + "\n"
    )


def module_key(name: str) -> str:
    """Letters and digits only, lower case: ``CTImage`` and ``ct-image`` meet."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def d3t_modules(blocks: Mapping[str, tuple[Node, ...]]) -> dict[str, str]:
    """module_key -> dicom3tools module name."""
    return {module_key(name): name for name in blocks}


def top_level_types(
    blocks: Mapping[str, tuple[Node, ...]], name: str, seen: tuple[str, ...] = ()
) -> dict[str, str]:
    """keyword -> type of a dicom3tools module's top-level attributes, macros
    expanded (the stronger type when listed twice)."""
    out: dict[str, str] = {}
    for node in blocks.get(name, ()):
        if isinstance(node, AttrNode):
            if node.type is not None and not node.verify_only:
                out.setdefault(node.keyword, node.type)
        elif isinstance(node, InvokeNode) and node.macro not in seen:
            for keyword, type_ in top_level_types(blocks, node.macro, (*seen, name)).items():
                out.setdefault(keyword, type_)
    return out


def cross_check(
    tables: Tables, blocks: Mapping[str, tuple[Node, ...]], report: HighdicomReport
) -> None:
    """For every module both describe: attributes present in one only, and
    types that differ (top level of the module)."""
    ours = d3t_modules(blocks)
    for key in sorted(tables.module_attributes):
        name = ours.get(module_key(key))
        if name is None:
            continue
        report.compared += 1
        theirs = {a.keyword: a.type for a in tables.module_attributes[key] if not a.path}
        mine = top_level_types(blocks, name)
        found = [f"{k}: only in highdicom ({theirs[k]})" for k in sorted(theirs.keys() - mine)]
        found += [f"{k}: only in dicom3tools ({mine[k]})" for k in sorted(mine.keys() - theirs)]
        found += [
            f"{k}: type {mine[k]} in dicom3tools, {theirs[k]} in highdicom"
            for k in sorted(mine.keys() & theirs.keys())
            if mine[k] != theirs[k]
        ]
        if found:
            report.disagreements[f"{name} ({key})"] = found


class HighdicomMessages:
    """C_STORE_RQ lines of the SOP classes dicom3tools has no IOD for."""

    def __init__(
        self,
        tables: Tables,
        blocks: Mapping[str, tuple[Node, ...]],
        keywords: Mapping[str, tuple[Tag, str]],
        conditions: Iterable[str],
        expand: Callable[[Iod], tuple[InfoLine, ...]],
        item_name: Callable[[str, tuple[InfoLine, ...]], str],
        report: HighdicomReport,
    ) -> None:
        self.tables = tables
        self.d3t = d3t_modules(blocks)
        self.keywords = keywords
        self.module_conditions = {
            module_key(n.removeprefix("NEED_MODULE_")): n
            for n in conditions
            if n.startswith("NEED_MODULE_")
        }
        self.expand = expand
        self.item_name = item_name
        self.report = report

    def message(self, uid: str, service: str) -> tuple[InfoLine, ...] | None:
        iod = self.tables.sop_iods.get(uid)
        if iod is None or iod not in self.tables.iod_modules:
            self.report.not_in_tables.append(f"{service} ({uid}): {why_missing(uid, service)}")
            return None
        uses: list[ModuleUse] = []
        collected: dict[Tag, InfoLine] = {}
        for key, usage in self.tables.iod_modules[iod]:
            name = self.d3t.get(module_key(key))
            condition = self._usage_condition(key) if usage in ("C", "U") else None
            if name is not None:
                uses.append(ModuleUse(name, usage, condition))
                continue
            for line in self._module_lines(key, usage in ("C", "U")):
                collected.setdefault(line.tag, line)
        for line in self.expand(Iod(f"highdicom:{iod}", None, tuple(uses))):
            collected[line.tag] = line  # dicom3tools first
        self.report.made.append(f"{service}: {iod}")
        return tuple(sorted_lines(collected.values()))

    def _usage_condition(self, key: str) -> str:
        """dicom3tools' ``NeedModule...`` condition for the module, if any."""
        return self.module_conditions.get(module_key(key), NOT_KNOWN)

    def _module_lines(self, key: str, conditional: bool) -> list[InfoLine]:
        attributes = self.tables.module_attributes.get(key, [])
        return self._level(attributes, (), conditional)

    def _level(
        self, attributes: list[Attribute], path: tuple[str, ...], conditional: bool
    ) -> list[InfoLine]:
        lines: dict[Tag, InfoLine] = {}
        for attribute in attributes:
            if attribute.path != path:
                continue
            found = self.keywords.get(attribute.keyword)
            if found is None:
                count = self.report.unknown_keywords.get(attribute.keyword, 0)
                self.report.unknown_keywords[attribute.keyword] = count + 1
                continue
            tag, vr = found
            type_ = attribute.type if attribute.type in ("1", "1C", "2", "2C", "3") else "3"
            if conditional and type_ in ("1", "2"):
                type_ += "C"
            vt = ValueType(type_, NOT_KNOWN if type_.endswith("C") else None)
            values: ValueList | None = None
            if vr == "SQ":
                inner = self._level(attributes, (*path, attribute.keyword), False)
                name = self.item_name(attribute.keyword, tuple(sorted_lines(inner)))
                values = ValueList("E", ((name,),))
            lines.setdefault(tag, InfoLine(tag, vr, vt, values))
        return list(lines.values())


def why_missing(uid: str, service: str) -> str:
    """Why neither source describes a storage SOP class."""
    if not uid.startswith("1.2.840.10008."):
        return "private SOP class (not in the standard)"
    if ".1.1.501." in uid:
        return "DICOS (NEMA security imaging, outside the DICOM standard's IODs)"
    if ".1.1.601." in uid:
        return "DICONDE (ASTM non-destructive evaluation, outside the DICOM standard's IODs)"
    if "TRIAL" in service or "DRAFT" in service:
        return "retired (trial or draft SOP class)"
    from pydicom.uid import UID

    if UID(uid).is_retired:
        return "retired"
    return "an IOD neither dicom3tools nor highdicom's tables describe"


def format_report(report: HighdicomReport, tables: Tables | None) -> list[str]:
    """BUILD_REPORT.md sections."""
    if tables is None:
        return [
            "## highdicom tables",
            "",
            'highdicom is not installed (`pip install -e ".[build]"`): the storage '
            "SOP classes dicom3tools lacks have no C_STORE_RQ section.",
            "",
        ]
    total = sum(len(v) for v in report.disagreements.values())
    out = [
        f"## highdicom {tables.version}: C_STORE_RQ made from its tables ({len(report.made)})",
        "",
        *(f"- {m}" for m in report.made),
        "",
        f"## highdicom: storage services in neither source ({len(report.not_in_tables)})",
        "",
        *(f"- {m}" for m in report.not_in_tables),
        "",
        f"## highdicom: keywords not in the dictionary ({len(report.unknown_keywords)})",
        "",
        *(f"- {k}: {n}" for k, n in sorted(report.unknown_keywords.items())),
        "",
        f"## Cross-check: modules both sources describe ({report.compared}), "
        f"{len(report.disagreements)} disagree on {total} attributes",
        "",
        "Top-level attributes of each module (macros expanded) compared between "
        "dicom3tools and highdicom: present in one only, or of another type. "
        "dicom3tools is used where it has the module.",
        "",
    ]
    for module, found in sorted(report.disagreements.items()):
        out.append(f"- {module} ({len(found)}): " + "; ".join(found))
    return [*out, ""]
