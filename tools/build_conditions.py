"""Translate dicom3tools' condn.tpl into mdict's conditions profile.

    python tools/build_conditions.py --source DIR --out profiles/

(``DIR``: dicom3tools' ``libsrc/standard`` templates.)

Every ``Condition="X" ... ConditionEnd`` becomes ``X_IN_UPPER_SNAKE = expression``
(names through ``tools.d3t.camel_to_upper_snake``, as info.pfl uses them).
The source's lines join left to right with their ``Operator`` (``Or`` when
absent; the first line of a group has no left operand, so its operator is
ignored), ``( ... ) Operator= Modifier=`` groups become parentheses, and
``Modifier="Not"`` negates the line or group. A condition with no lines (the
source's "too difficult to check") becomes ``unknown``.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``tools`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mdict.conditions import (
    And,
    AttributeTag,
    Compare,
    ConditionDef,
    ConditionsProfile,
    Constant,
    Expression,
    GroupPresent,
    HasValue,
    ItemsOf,
    Not,
    Or,
    Present,
    Step,
    Truth,
    ValueOf,
    format_conditions,
    parse_expression,
    tag_of_keyword,
)
from mdict.conditions import (
    Path as ElementPath,
)
from tools.condition_supplements import SUPPLEMENTS
from tools.d3t import camel_to_upper_snake, strip_comment

_PAIR = re.compile(r'([A-Za-z][A-Za-z0-9_]*)="([^"]*)"')
_TYPO = re.compile(r'(StringValue\w*)="\1="([^"]*)"')
_BINARY = re.compile(r"\s*(==|!=|<=|>=|<|>)\s*(\S+)\s*")
_TAG_VALUE = re.compile(r"0x([0-9A-Fa-f]{4}),0x([0-9A-Fa-f]{4})")


class Untranslatable(Exception):
    """A source line the translator cannot express exactly."""


@dataclass
class Report:
    """What the translation did."""

    total: int = 0
    translated: int = 0
    empty: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    repaired: list[str] = field(default_factory=list)
    corrected: list[str] = field(default_factory=list)
    supplemented: list[str] = field(default_factory=list)
    ignored_lines: list[str] = field(default_factory=list)
    first_operator_ignored: list[str] = field(default_factory=list)
    keywords_from_dicom3tools: Counter[str] = field(default_factory=Counter)
    tests: Counter[str] = field(default_factory=Counter)
    renamed_clash: list[str] = field(default_factory=list)
    builtins: list[str] = field(default_factory=list)
    combined: int = 0


@dataclass
class Source:
    """Lookups the translation needs from the template folder."""

    constants: dict[str, str]
    d3t_keywords: dict[str, int]

    @classmethod
    def read(cls, folder: Path) -> Source:
        constants: dict[str, str] = {}
        for raw in (folder / "sopcl.tpl").read_text(encoding="latin-1").splitlines():
            pairs = dict(_PAIR.findall(strip_comment(raw)))
            if "Name" in pairs and "Uid" in pairs:
                kind = "SOPInstanceUID" if pairs.get("Type") == "Instance" else "SOPClassUID"
                constants.setdefault(pairs["Name"] + kind, pairs["Uid"])
        keywords: dict[str, int] = {}
        # repeating groups (50xx, 60xx) are taken at their first group, as dicom3tools does
        entry = re.compile(
            r"^\(([0-9A-Fa-f]{2}(?:[0-9A-Fa-f]{2}|xx)),([0-9A-Fa-f]{4})\).*?Keyword=\"([^\"]+)\""
        )
        dictionary = folder / "elmdict" / "dicom3.tpl"
        for raw in dictionary.read_text(encoding="latin-1").splitlines():
            match = entry.match(raw)
            if match:
                group = int(match.group(1).replace("xx", "00"), 16)
                tag = group << 16 | int(match.group(2), 16)
                keywords.setdefault(match.group(3), tag)
        return cls(constants, keywords)


def _join(op: str, left: Expression | None, right: Expression) -> Expression:
    if left is None:
        return right
    if op == "And":
        return And((*left.operands, right)) if isinstance(left, And) else And((left, right))
    return Or((*left.operands, right)) if isinstance(left, Or) else Or((left, right))


class Translator:
    """condn.tpl lines -> expressions."""

    def __init__(self, source: Source, report: Report) -> None:
        self.source = source
        self.report = report

    def tag(self, keyword: str) -> int:
        tag = tag_of_keyword(keyword)
        if tag is not None:
            return tag
        known = self.source.d3t_keywords.get(keyword)
        if known is None:
            raise Untranslatable(f"keyword {keyword} is in neither pydicom nor dicom3.tpl")
        self.report.keywords_from_dicom3tools[keyword] += 1
        return known

    def constant(self, name: str) -> str:
        uid = self.source.constants.get(name)
        if uid is None:
            raise Untranslatable(f"constant {name} is not in sopcl.tpl")
        return uid

    def line(self, pairs: dict[str, str]) -> Expression:
        """One ``Element="K" Test="..."`` line (without its operator/modifier)."""
        tag = self.tag(pairs["Element"])
        here = ElementPath((Step(tag),))
        root = ElementPath((Step(tag),), root=True)
        index: int | None = None
        selector = pairs.get("ValueSelector")
        if selector is not None and selector != "*":
            index = int(selector) + 1
        at = here
        if "ElementPresentWithin" in pairs:
            at = ElementPath((Step(self.tag(pairs["ElementPresentWithin"])), Step(tag)))
        tests = [k for k in pairs if k not in ("Element", "ValueSelector", "Operator", "Modifier")]
        value_tests = [k for k in tests if k != "ElementPresentWithin"]
        if not value_tests:
            value_tests = tests
        if len(value_tests) != 1:
            raise Untranslatable(f"expected one test on the line, found {', '.join(tests)}")
        (test,) = value_tests
        argument = pairs[test]
        self.report.tests[test] += 1
        if test in ("ElementPresent", "ElementPresentWithin"):
            return Present(at)
        if test == "ElementPresentInRoot":
            return Present(root)
        if test == "ElementPresentAbove":
            return Present(ElementPath((Step(tag),), up=1))
        if test in ("ElementPresentInPathFromRoot", "ElementPresentInPathFromRootFirstItem"):
            item = 1 if test.endswith("FirstItem") else None
            return Present(self._from_root(argument, item, tag))
        if test in (
            "SequencePresentInPathFromRootHasItems",
            "SequencePresentInPathFromRootFirstItemHasItems",
        ):
            item = 1 if "FirstItem" in test else None
            return Compare(ItemsOf(self._from_root(argument, item, tag)), ">", 0)
        if test == "SequenceHasItems":
            return Compare(ItemsOf(at), ">", 0)
        if test == "SequenceHasOneItem":
            return Compare(ItemsOf(at), "==", 1)
        if test == "SequenceHasTwoItems":
            return Compare(ItemsOf(at), "==", 2)
        if test == "SequenceHasMultipleItems":
            return Compare(ItemsOf(at), ">", 1)
        if test == "GroupPresent":
            return GroupPresent(tag >> 16)
        if test == "ValuePresent":
            if index is None:
                return HasValue(at)
            return Compare(ValueOf(at, index), "!=", "")
        if test in ("StringValue", "StringValueFromRootAttribute", "StringValueFromRoot"):
            path = root if test != "StringValue" else at
            return Compare(ValueOf(path, index), "==", argument)
        if test == "StringValueAbove":
            return Compare(ValueOf(ElementPath((Step(tag),), up=1), index), "==", argument)
        if test in ("StringConstant", "StringConstantFromRootAttribute"):
            path = root if test.endswith("FromRootAttribute") else at
            return Compare(ValueOf(path, index), "==", self.constant(argument))
        if test in ("BinaryValue", "BinaryValueFromRootAttribute"):
            path = root if test.endswith("FromRootAttribute") else at
            match = _BINARY.fullmatch(argument)
            if not match:
                raise Untranslatable(f"expected a comparison, found {argument!r}")
            op, number = match.groups()
            return Compare(ValueOf(path, index), op, _number(number))  # type: ignore[arg-type]
        if test == "TagValue":
            match = _TAG_VALUE.fullmatch(argument)
            if not match:
                raise Untranslatable(f"expected 0xGGGG,0xEEEE, found {argument!r}")
            value = AttributeTag(int(match.group(1), 16) << 16 | int(match.group(2), 16))
            return Compare(ValueOf(at, index), "==", value)
        raise Untranslatable(f"unknown test {test}")

    def _from_root(self, sequence: str, item: int | None, tag: int) -> ElementPath:
        return ElementPath((Step(self.tag(sequence), item), Step(tag)), root=True)


def _number(text: str) -> Constant:
    try:
        return int(text, 0)
    except ValueError:
        return float(text)


@dataclass
class _Group:
    operator: str | None = None
    negated: bool = False
    expr: Expression | None = None
    count: int = 0


def _apply(group: _Group, operator: str | None, negated: bool, term: Expression) -> None:
    if negated:
        term = Not(term)
    op = "Or" if group.count == 0 or operator is None else operator
    group.expr = _join(op, group.expr, term)
    group.count += 1


def translate(path: Path, source: Source, report: Report) -> list[ConditionDef]:
    """Every condition of condn.tpl, translated; failures go to the report."""
    translator = Translator(source, report)
    definitions: list[ConditionDef] = []
    name: str | None = None
    stack: list[_Group] = []
    error: str | None = None
    for number, raw in enumerate(path.read_text(encoding="latin-1").splitlines(), 1):
        body = strip_comment(raw).strip()
        if not body:
            continue
        typo = _TYPO.search(body)
        if typo:
            body = _TYPO.sub(lambda m: f'{m.group(1)}="{m.group(2)}"', body)
            report.repaired.append(f"line {number}: {raw.strip()}")
        pairs = dict(_PAIR.findall(body))
        if "Condition" in pairs:
            name, stack, error = pairs["Condition"], [_Group()], None
            report.total += 1
            continue
        if name is None:
            report.ignored_lines.append(f"line {number}: {body}")
            continue
        if body == "ConditionEnd":
            snake = camel_to_upper_snake(name)
            if error is not None:
                report.failed[name] = error
            elif len(stack) != 1:
                report.failed[name] = "unbalanced parentheses"
            else:
                expr = stack[0].expr
                if expr is None:
                    report.empty.append(name)
                    expr = Truth(None)
                definitions.append(ConditionDef(snake, expr))
                report.translated += 1
            name = None
            continue
        if error is not None:
            continue
        try:
            if body == "(":
                stack.append(_Group())
            elif body.startswith(")"):
                if len(stack) < 2:
                    raise Untranslatable(f"line {number}: ')' without '('")
                inner = stack.pop()
                if inner.expr is None:
                    raise Untranslatable(f"line {number}: empty group")
                first = stack[-1].count == 0 and "Operator" in pairs
                if first:
                    report.first_operator_ignored.append(f"{name} (line {number})")
                _apply(stack[-1], pairs.get("Operator"), pairs.get("Modifier") == "Not", inner.expr)
            elif "Element" in pairs:
                if stack[-1].count == 0 and "Operator" in pairs:
                    report.first_operator_ignored.append(f"{name} (line {number})")
                term = translator.line(pairs)
                _apply(stack[-1], pairs.get("Operator"), pairs.get("Modifier") == "Not", term)
            elif body == "}":
                report.ignored_lines.append(f"line {number}: stray '}}' in {name}")
            else:
                raise Untranslatable(f"line {number}: unexpected {body!r}")
        except Untranslatable as exc:
            error = str(exc)
    return definitions


HEADER = """\
Conditions of the DICOM standard in mdict's conditions language (docs/conditions.md).
Generated by tools/build_conditions.py from dicom3tools' libsrc/standard/condn.tpl
({provenance}); do not edit by hand.
Names are the CamelCase names of condn.tpl in UPPER_SNAKE (tools.d3t.camel_to_upper_snake).
Derived from dicom3tools by David A. Clunie (PixelMed Publishing): BSD-style
licence, see COPYRIGHT next to this file, which must accompany it.
{count} conditions."""


def provenance(source: Path) -> str:
    readme = source / "README.md"
    if readme.is_file():
        match = re.search(r"commit\s+([0-9a-f]{40})\s*(\([^)]*\))?", readme.read_text())
        if match:
            return f"commit {match.group(1)} {match.group(2) or ''}".strip()
    return "source folder without a README"


CORRECTIONS: dict[str, tuple[str, str]] = {
    "RELATIONSHIP_BY_VALUE": (
        "not present((0040,DB73) ReferencedContentItemIdentifier)",
        "PS3.3 C.17.3: a content item is by value unless it references another item; "
        "condn.tpl also tests present(ValueType), the attribute this condition "
        "governs, so an item without ValueType was never required to have it",
    ),
    "NEEDS_NON_SEGMENTED_LOOKUP_TABLE_DATA": (
        "(not present((0028,1221) SegmentedRedPaletteColorLookupTableData)"
        " and not present((0028,1222) SegmentedGreenPaletteColorLookupTableData)"
        " and not present((0028,1223) SegmentedBluePaletteColorLookupTableData))"
        ' or value((0008,0016) SOPClassUID) == "1.2.840.10008.5.1.4.1.1.11.3"'
        ' or value((0008,0016) SOPClassUID) == "1.2.840.10008.5.1.4.1.1.11.4"',
        "PS3.3 C.7.9: the Color Palette IOD may carry its tables in either form "
        "(condn.tpl requires the non-segmented tables there)",
    ),
    "SERIES_NEED_REFERENCED_PERFORMED_PROCEDURE_STEP_SEQUENCE": (
        "unknown",
        "PS3.3 C.7.3.1: required if the Modality Performed Procedure Step SOP Class "
        "is supported, which a data set does not say (condn.tpl tests the "
        "sequence's own presence, which can never require it)",
    ),
    "NEEDS_SEGMENTED_LOOKUP_TABLE_DATA": (
        "not present((0028,1201) RedPaletteColorLookupTableData)"
        " and not present((0028,1202) GreenPaletteColorLookupTableData)"
        " and not present((0028,1203) BluePaletteColorLookupTableData)"
        ' and not value((0008,0016) SOPClassUID) == "1.2.840.10008.5.1.4.1.1.11.3"'
        ' and not value((0008,0016) SOPClassUID) == "1.2.840.10008.5.1.4.1.1.11.4"',
        "PS3.3 C.7.9: the Color Palette IOD may carry its tables in either form, so "
        "without the non-segmented tables it needs the segmented ones",
    ),
}
"""Conditions condn.tpl gets wrong, replaced: name -> (expression, reason from
the standard). The reason becomes the definition's comment and the report's."""


def correct(definitions: list[ConditionDef], report: Report) -> list[ConditionDef]:
    """``definitions`` with CORRECTIONS applied (each listed in the report)."""
    fixed: list[ConditionDef] = []
    for definition in definitions:
        correction = CORRECTIONS.get(definition.name)
        if correction is not None:
            text, reason = correction
            comment = ("Corrected (tools/build_conditions.py CORRECTIONS): " + reason,)
            definition = ConditionDef(definition.name, parse_expression(text), comment=comment)
            report.corrected.append(f"{definition.name}: {reason}")
        fixed.append(definition)
    return fixed


BUILTINS = {"ALWAYS": True, "NEVER": False}
"""Conditions dicom3tools knows without condn.tpl."""


COMBINED_COMMENT = (
    "Combinations info.pfl uses (tools/build_info.py Combinations): A__AND__B is an",
    "attribute's own condition inside a conditional module or macro; A__OR__B the",
    "same attribute brought in by two conditional macros.",
)


def build(source: Path, combined: Mapping[str, str] | None = None) -> tuple[str, Report]:
    """The conditions profile text and the translation report; ``combined``
    (name -> expression text) is appended after the translated conditions."""
    report = Report()
    definitions = correct(translate(source / "condn.tpl", Source.read(source), report), report)
    seen: dict[str, int] = {}
    unique: list[ConditionDef] = []
    for definition in definitions:
        if definition.name in seen:
            report.renamed_clash.append(definition.name)
            continue
        seen[definition.name] = len(unique)
        unique.append(definition)
    for builtin, value in BUILTINS.items():
        if builtin not in seen:
            comment = ('built into dicom3tools (module templates use Condition="Always"/"Never")',)
            unique.append(ConditionDef(builtin, Truth(value), comment=comment))
            report.builtins.append(builtin)
    for name, supplement in SUPPLEMENTS.items():
        if name not in seen:
            comment = ("Supplemented (tools/condition_supplements.py): " + supplement.reason,)
            unique.append(
                ConditionDef(name, parse_expression(supplement.expression), comment=comment)
            )
            seen[name] = len(unique) - 1
            report.supplemented.append(f"{name}: {supplement.reason}")
    for index, (name, text) in enumerate(sorted((combined or {}).items())):
        if name not in seen:
            notes: tuple[str, ...] = COMBINED_COMMENT if index == 0 else ()
            unique.append(ConditionDef(name, parse_expression(text), comment=notes))
            seen[name] = len(unique) - 1
            report.combined += 1
    header = HEADER.format(provenance=provenance(source), count=len(unique)).splitlines()
    return format_conditions(ConditionsProfile(tuple(unique), tuple(header))), report


def format_report(report: Report) -> str:
    """The report as Markdown."""
    lines = [
        "# conditions.pfl build report",
        "",
        f"- condn.tpl conditions: {report.total}",
        f"- translated completely: {report.translated}"
        f" ({100.0 * report.translated / max(report.total, 1):.1f}%)",
        f"- of which without any test in the source (written `unknown`): {len(report.empty)}",
        f"- not translated: {len(report.failed)}",
        f"- duplicate names after UPPER_SNAKE conversion (first kept): {len(report.renamed_clash)}",
        f"- dicom3tools built-ins added: {', '.join(report.builtins) or 'none'}",
        f"- combinations info.pfl uses (A__AND__B, A__OR__B) added: {report.combined}",
        "",
        "## Tests translated",
        "",
        *(f"- {test}: {count}" for test, count in sorted(report.tests.items())),
    ]

    def section(title: str, items: list[str]) -> None:
        if items:
            lines.extend(["", f"## {title}", "", *(f"- {x}" for x in items)])

    section("Not translated", [f"{n}: {why}" for n, why in sorted(report.failed.items())])
    section("Without tests in the source (unknown)", sorted(report.empty))
    section(
        "Keywords pydicom does not know (tag taken from dicom3.tpl)",
        [f"{k} ({n} uses)" for k, n in sorted(report.keywords_from_dicom3tools.items())],
    )
    section("Corrected against the standard (CORRECTIONS)", report.corrected)
    section("Stated by the standard, missing in the templates (supplements)", report.supplemented)
    section('Source typos repaired (StringValue="StringValue="X" read as X)', report.repaired)
    section(
        "First line of a group with an Operator (no left operand: operator ignored)",
        report.first_operator_ignored,
    )
    section("Lines outside the language, ignored", report.ignored_lines)
    section("Duplicate names", report.renamed_clash)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="dicom3tools template folder")
    parser.add_argument("--out", type=Path, required=True, help="output folder (profiles/)")
    args = parser.parse_args(argv)
    if not (args.source / "condn.tpl").is_file():
        print(f"error: {args.source} has no condn.tpl", file=sys.stderr)
        return 2
    from mdict.fileio import write_text_atomic

    text, report = build(args.source)
    args.out.mkdir(parents=True, exist_ok=True)
    write_text_atomic(args.out / "conditions.pfl", text)
    write_text_atomic(args.out / "CONDITIONS_REPORT.md", format_report(report))
    print(
        f"conditions: {report.translated} of {report.total} translated completely"
        f" ({len(report.empty)} without tests, written unknown); {len(report.failed)} not"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
