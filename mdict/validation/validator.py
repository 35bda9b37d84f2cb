"""Validate a pydicom dataset against a message spec (MC_Validate_Message).

The walker checks, for every attribute the message lists and recursively for
every item of every sequence against its named item spec: presence by value
type, VR agreement, VM against the dictionary, value format per VR,
enumerated values and defined terms per value position. Attributes the spec
does not list are reported as non-service attributes; private attributes are
matched through the block their creator reserved in the dataset.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import sys
import threading
import types
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from pydicom.datadict import dictionary_VR
from pydicom.dataset import Dataset

from mdict.db.aliases import did_you_mean
from mdict.db.protocol import MessageDatabase
from mdict.errors import LookupFailed
from mdict.model import VM, InfoLine, InfoSection, Tag, ValueList
from mdict.validation.elements import (
    Value,
    encodings_of,
    from_bytes,
    is_extended,
    raw_bytes,
    raw_little_endian,
    read_file,
    read_value,
)
from mdict.validation.findings import (
    CODES,
    DUPLICATE_PRIVATE_CREATOR,
    FILE_META_MISMATCH,
    FRAME_COUNT_MISMATCH,
    INVALID_PRIVATE_CREATOR,
    INVALID_PRIVATE_GROUP,
    INVALID_VR,
    ITEM_SPEC_MISSING,
    LEVELS,
    NO_MESSAGE_SPEC,
    NO_SOP_CLASS_UID,
    NON_SERVICE_ATTRIBUTE,
    NON_SERVICE_PRIVATE_ATTRIBUTE,
    NOT_ONE_OF_DEFINED_TERMS,
    NOT_ONE_OF_ENUMERATED_VALUES,
    PRIVATE_CREATOR_MISSING,
    REQUIRED_ATTRIBUTE_MISSING,
    TOO_FEW_VALUES,
    TOO_MANY_VALUES,
    UN_VR,
    UNABLE_TO_CHECK_CONDITION,
    UNKNOWN_SOP_CLASS,
    VALIDATOR_FAILURE,
    VALUE_MAY_NOT_BE_NULL,
    Coverage,
    Finding,
    Report,
    Severity,
    tag_text,
)
from mdict.validation.vr import (
    VRProblem,
    check_binary_length,
    check_number,
    check_text,
)

__all__ = [
    "CODES",
    "LEVELS",
    "ConditionCheck",
    "Coverage",
    "Finding",
    "Report",
    "Scope",
    "Severity",
    "Validator",
    "default_conditions",
    "never_evaluated",
    "read_file",
    "tag_text",
    "validate",
    "validate_file",
    "validator_for",
]

QUERY_COMMANDS: Final = frozenset(("C_FIND_RQ", "C_GET_RQ", "C_MOVE_RQ"))

_SOP_CLASS_UID: Final = 0x00080016
_MEDIA_SOP_CLASS_UID: Final = 0x00020002
CHARSET_TAG: Final = 0x00080005
_ALWAYS_SKIPPED: Final = frozenset((0xFFFCFFFC, 0xFFFEE000, 0xFFFEE00D, 0xFFFEE0DD))
_BAD_PRIVATE_GROUPS: Final = frozenset((0x0001, 0x0003, 0x0005, 0x0007, 0xFFFF))
_NO_VALUE: Final = frozenset((0, 0xFFFFFFFF))
_LO_UN: Final = frozenset(("LO", "UN"))


# ---------------------------------------------------------------------------
# Conditions
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a condition is evaluated: the root dataset, the datasets of the
    enclosing items (outermost first) and the current item (or the root)."""

    root: Dataset
    parents: tuple[Dataset, ...]
    current: Dataset
    # results of conditions that only look at the root, kept for one
    # validation run (the validator passes one dict to every scope of a run)
    shared: dict[str, bool | None] = field(default_factory=dict, compare=False, repr=False)


ConditionCheck = Callable[[str, Scope], "bool | None"]
"""Evaluates a named condition: True, False, or None (cannot evaluate)."""


def never_evaluated(name: str, scope: Scope) -> bool | None:
    """A condition check that settles nothing (every use is reported)."""
    return None


# ---------------------------------------------------------------------------
# Plans: a message or item spec prepared for fast checking
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Rule:
    line: InfoLine
    tag: int  # standard: the tag; private: (group << 16) | element byte
    name: str | None
    vm: VM | None
    items: tuple[str, ...]
    ambiguous: frozenset[str]  # VRs the standard allows for this tag


@dataclass(frozen=True, slots=True)
class _Plan:
    rules: tuple[_Rule, ...]
    standard: dict[int, _Rule]
    private: dict[tuple[int, str, int], _Rule]
    checked_when_absent: tuple[_Rule, ...]  # types 1, 1C, 2, 2C


def _ambiguous_vrs(tag: int) -> frozenset[str]:
    try:
        text = dictionary_VR(tag)
    except KeyError:
        return frozenset()
    return frozenset(text.split(" or ")) if " or " in text else frozenset()


def _repeating_base(tag: int) -> int | None:
    """50xx/60xx repeating groups map to their 5000/6000 entry."""
    group = tag >> 16
    if 0x5000 <= group <= 0x501E or 0x6000 <= group <= 0x601E:
        return ((group & 0xFF00) << 16) | (tag & 0xFFFF)
    return None


# ---------------------------------------------------------------------------
# The walker
# ---------------------------------------------------------------------------


class Validator:
    """Validates datasets against the messages of one database; keeps the
    prepared specs between calls, so reuse one instance for many datasets."""

    def __init__(
        self,
        db: MessageDatabase,
        conditions: ConditionCheck | None = None,
    ) -> None:
        self.db = db
        self.conditions = conditions if conditions is not None else default_conditions(db)
        self._plans: dict[tuple[int, str], _Plan] = {}
        self._items: dict[str, InfoSection | None] = {}
        self._entries: dict[int, tuple[str | None, VM | None, str | None, bool]] = {}
        self._private_entries: dict[
            tuple[int, str, int], tuple[str | None, VM | None, str | None]
        ] = {}

    # -- public ------------------------------------------------------------

    def validate(
        self,
        dataset: Dataset,
        service: str | int | None = None,
        command: str = "C_STORE_RQ",
        *,
        coverage: bool = False,
        level: str = "info",
    ) -> Report:
        """Validate ``dataset`` as ``command`` of ``service`` (by name, UID or
        number; default: the dataset's SOP Class UID). ``level`` ("errors",
        "warnings" or "info") drops less severe findings (and skips making
        the notes, which is faster)."""
        with warnings.catch_warnings():  # pydicom's warnings on the values we report
            warnings.simplefilter("ignore")
            return self._validate(dataset, service, command, coverage, level)

    def _validate(
        self,
        dataset: Dataset,
        service: str | int | None,
        command: str,
        coverage: bool,
        level: str,
    ) -> Report:
        rank = LEVELS[level.rstrip("s")]
        sop_class = _Where(_SOP_CLASS_UID, "", None, "SOP Class UID")
        query = command in QUERY_COMMANDS
        if service is None:
            uid = _sop_class_uid(dataset)
            if uid is None:
                message = "no SOP Class UID (0008,0016) to find the service by; name a service"
                first = sop_class.finding(NO_SOP_CLASS_UID, "error", message)
                return self._without_spec(dataset, first, None, command, query, rank)
            found = self.db.service(uid)
            if found is None:
                message = f"SOP Class UID {uid} names no service of the database"
                first = sop_class.finding(UNKNOWN_SOP_CLASS, "error", message)
                return self._without_spec(dataset, first, None, command, query, rank)
        else:
            found = self.db.service(service)
            if found is None:
                hint = did_you_mean(str(service), [s.name for s in self.db.services()])
                raise LookupFailed(f"no service {service!r} in the database{hint}")
        section = self.db.message(found.number, command)
        if section is None:
            message = f"service {found.name} has no {command} message"
            first = Finding(NO_MESSAGE_SPEC, "error", message)
            return self._without_spec(dataset, first, found.name, command, query, rank)
        run = _Run(self, dataset, query, coverage, rank)
        run.check_level(dataset, self.plan(section), "", (), encodings_of(dataset, None))
        run.findings[:0] = consistency(dataset)
        return Report(run.kept(), found.name, command, run.coverage() if coverage else Coverage())

    def _without_spec(
        self,
        dataset: Dataset,
        first: Finding,
        service: str | None,
        command: str,
        query: bool,
        rank: int,
    ) -> Report:
        """No message spec: say why, then check formats against the dictionary."""
        run = _Run(self, dataset, query, False, rank)
        encodings = encodings_of(dataset, None)
        meta = getattr(dataset, "file_meta", None)
        if isinstance(meta, Dataset):
            run.check_generic(meta, "", (), encodings)
        run.check_generic(dataset, "", (), encodings)
        return Report((first, *run.kept()), service, command)

    def validate_file(
        self,
        path: str | os.PathLike[str],
        service: str | int | None = None,
        command: str = "C_STORE_RQ",
        *,
        coverage: bool = False,
        level: str = "info",
    ) -> Report:
        """Read a file with pydicom and validate it. A file that cannot be
        read gives a report with one error finding, never an exception."""
        source = os.fspath(path)
        dataset, notes = read_file(source)
        if dataset is None:
            return Report(tuple(notes), None, command, source=source)
        try:
            report = self.validate(dataset, service, command, coverage=coverage, level=level)
        except LookupFailed:
            raise
        except Exception as exc:  # a validator bug must not stop a batch
            failure = Finding(VALIDATOR_FAILURE, "error", f"validation failed: {exc!r}")
            return Report((*notes, failure), None, command, source=source)
        rank = LEVELS[level.rstrip("s")]
        notes = [n for n in notes if LEVELS[n.severity] <= rank]
        return dataclasses.replace(report, findings=(*notes, *report.findings), source=source)

    # -- caches ------------------------------------------------------------

    def plan(self, section: InfoSection) -> _Plan:
        key = (section.number, section.command)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._make_plan(section)
        return plan

    def _make_plan(self, section: InfoSection) -> _Plan:
        rules: list[_Rule] = []
        standard: dict[int, _Rule] = {}
        private: dict[tuple[int, str, int], _Rule] = {}
        for line in section.lines:
            entry = self.db.entry(line.tag)
            tag = (line.tag.group << 16) | line.tag.element
            rule = _Rule(
                line,
                tag,
                entry.name if entry else None,
                entry.vm if entry else None,
                line.item_names,
                _ambiguous_vrs(tag) if line.tag.creator is None else frozenset(),
            )
            rules.append(rule)
            if line.tag.creator is None:
                standard[tag] = rule
            else:
                private[(line.tag.group, line.tag.creator, line.tag.element)] = rule
        required = tuple(r for r in rules if r.line.vt.type != "3")
        return _Plan(tuple(rules), standard, private, required)

    def item_spec(self, name: str) -> InfoSection | None:
        if name not in self._items:
            self._items[name] = self.db.item(name)
        return self._items[name]

    def retired(self, tag: int) -> bool:
        """Whether the dictionary marks a standard tag retired."""
        self.entry_info(tag, None)
        return self._entries[tag][3]

    def entry_info(self, tag: int, creator: str | None) -> tuple[str | None, VM | None, str | None]:
        """Name, VM and VR of a tag from the dictionary (private: by creator)."""
        if creator is None:
            cached = self._entries.get(tag)
            if cached is None:
                entry = self.db.entry(Tag(tag >> 16, tag & 0xFFFF))
                if entry is None:
                    base = _repeating_base(tag)
                    if base is not None:
                        entry = self.db.entry(Tag(base >> 16, base & 0xFFFF))
                cached = (
                    (entry.name, entry.vm, entry.vr, entry.retired)
                    if entry
                    else (None, None, None, False)
                )
                self._entries[tag] = cached
            return cached[:3]
        key = (tag >> 16, creator, tag & 0xFF)
        found = self._private_entries.get(key)
        if found is None:
            entry = self.db.entry(Tag(tag >> 16, tag & 0xFF, creator))
            found = (entry.name, entry.vm, entry.vr) if entry else (None, None, None)
            self._private_entries[key] = found
        return found


def _text_value(ds: Dataset | None, tag: int) -> str | None:
    if ds is None or tag not in ds:
        return None
    try:
        return str(ds[tag].value or "").strip("\x00 ")
    except Exception:  # unreadable values are reported where they are checked
        return None


def consistency(ds: Dataset) -> list[Finding]:
    """Agreement between parts of a file: meta header and dataset UIDs, the
    number of frames and of per-frame functional group items."""
    found: list[Finding] = []
    meta = getattr(ds, "file_meta", None)
    for meta_tag, tag, what in (
        (_MEDIA_SOP_CLASS_UID, _SOP_CLASS_UID, "SOP Class UID"),
        (0x00020003, 0x00080018, "SOP Instance UID"),
    ):
        in_meta, in_dataset = _text_value(meta, meta_tag), _text_value(ds, tag)
        if in_meta and in_dataset and in_meta != in_dataset:
            message = f"file meta {what} {in_meta} differs from the dataset's {in_dataset}"
            where = _Where(meta_tag, "", None, f"Media Storage {what}")
            found.append(where.finding(FILE_META_MISMATCH, "error", message))
    frames, items = _text_value(ds, 0x00280008), None
    if 0x52009230 in ds:
        try:
            items = len(ds[0x52009230].value or ())
        except Exception:
            items = None
    if frames and frames.isdigit() and items is not None and int(frames) != items:
        message = f"{items} per-frame functional group items, Number of Frames is {frames}"
        where = _Where(0x52009230, "", None, "Per-frame Functional Groups Sequence")
        found.append(where.finding(FRAME_COUNT_MISMATCH, "error", message))
    return found


def _sop_class_uid(ds: Dataset) -> str | None:
    for source, tag in (
        (ds, _SOP_CLASS_UID),
        (getattr(ds, "file_meta", None), _MEDIA_SOP_CLASS_UID),
    ):
        if source is None or tag not in source:
            continue
        try:
            value = source[tag].value
        except Exception:
            continue
        text = str(value or "").strip("\x00 ")
        if text:
            return text
    return None


@dataclass(slots=True)  # not frozen: made for every element, a frozen init costs twice
class _Where:
    """The attribute a finding is about."""

    tag: int
    prefix: str
    creator: str | None = None
    name: str | None = None
    display: str | None = None

    @property
    def path(self) -> str:
        return self.prefix + (self.display or tag_text(self.tag))

    def finding(
        self, code: str, severity: Severity, message: str, index: int | None = None
    ) -> Finding:
        return Finding(code, severity, message, self.tag, self.path, self.creator, index, self.name)


class _Run:
    """The state of validating one dataset."""

    def __init__(
        self, validator: Validator, root: Dataset, query: bool, coverage: bool, rank: int = 2
    ) -> None:
        self.v = validator
        self.rank = rank
        self.notes = rank >= LEVELS["info"]  # make info findings at all
        self.root = root
        self.query = query
        self.want_coverage = coverage
        self.findings: list[Finding] = []
        self.uses = 0
        self.evaluated = 0
        self.unevaluated: set[str] = set()
        self.shared: dict[str, bool | None] = {}  # root-only condition results
        self.extended = is_extended(root)

    def coverage(self) -> Coverage:
        return Coverage(self.uses, self.evaluated, tuple(sorted(self.unevaluated)))

    def kept(self) -> tuple[Finding, ...]:
        """The findings at the requested level."""
        if self.notes:
            return tuple(self.findings)
        return tuple(f for f in self.findings if LEVELS[f.severity] <= self.rank)

    # -- conditions --------------------------------------------------------

    def condition(self, name: str | None, scope: Scope) -> bool | None:
        self.uses += 1
        if name is None:
            self.unevaluated.add("(no condition named)")
            return None
        try:
            result = self.v.conditions(name, scope)
        except Exception:  # an evaluator failure must not stop validation
            result = None
        if result is None:
            self.unevaluated.add(name)
        else:
            self.evaluated += 1
        return result

    # -- one dataset level --------------------------------------------------

    def check_level(
        self,
        ds: Dataset,
        plan: _Plan,
        prefix: str,
        parents: tuple[Dataset, ...],
        encodings: Sequence[str],
    ) -> None:
        """Check one dataset (the root or an item) against a spec."""
        scope = Scope(self.root, parents, ds, self.shared)
        start = len(self.findings)
        sources: list[Dataset] = [ds]
        meta = getattr(ds, "file_meta", None) if not parents else None
        if isinstance(meta, Dataset) and len(meta):
            sources.insert(0, meta)
        matched: set[int] = set()
        for source in sources:
            tags = sorted(source.keys(), key=int)
            creators = self._creators(source, tags, prefix)
            for tag in tags:
                rule, where = self._locate(tag, prefix, creators, plan)
                if where is None:
                    continue
                if rule is not None:
                    matched.add(id(rule))
                    self._check_present(source, rule, where, scope, encodings)
                elif tag >> 16 == 0x0002:
                    continue  # file meta information outside the spec: not message content
                elif tag & 0xFFFF:
                    self._non_service(source, where, parents, encodings, report=True)
                else:
                    message = "retired group length, not in the message spec"
                    self.findings.append(where.finding(NON_SERVICE_ATTRIBUTE, "warning", message))
        for rule in plan.checked_when_absent:
            if id(rule) not in matched:
                self._check_absent(rule, prefix, scope)
            elif self.want_coverage and rule.line.vt.conditional:
                self.condition(rule.line.vt.condition, scope)
        if len(self.findings) - start > 1:  # tag order at this level, nested after their sequence
            cut = len(prefix)
            self.findings[start:] = sorted(
                self.findings[start:], key=lambda f: f.path[cut : cut + 11]
            )

    def _locate(
        self, tag: int, prefix: str, creators: dict[tuple[int, int], str], plan: _Plan | None
    ) -> tuple[_Rule | None, _Where | None]:
        """The rule for a dataset tag and where it is; no place for
        creators, delimiters and private elements outside a block."""
        if tag in _ALWAYS_SKIPPED:
            return None, None
        group, element = tag >> 16, tag & 0xFFFF
        if not group % 2:
            rule = plan.standard.get(tag) if plan else None
            if rule is None and plan:
                base = _repeating_base(tag)
                rule = plan.standard.get(base) if base is not None else None
            name = rule.name if rule else self.v.entry_info(tag, None)[0]
            return rule, _Where(tag, prefix, None, name)
        if element == 0 and group not in _BAD_PRIVATE_GROUPS:  # retired, as in even groups
            return None, _Where(tag, prefix, None, "Private Group Length")
        if 0x0010 <= element <= 0x00FF:
            return None, None  # a creator: checked in _creators
        creator = creators.get((group, element >> 8)) if element >= 0x1000 else None
        if creator is None:
            self._orphan_private(tag, prefix, group)
            return None, None
        rule = plan.private.get((group, creator, element & 0xFF)) if plan else None
        name = rule.name if rule else self.v.entry_info(tag, creator)[0]
        return rule, _Where(tag, prefix, creator, name)

    def _creators(
        self, ds: Dataset, tags: Sequence[int], prefix: str
    ) -> dict[tuple[int, int], str]:
        """Private creators by (group, block); reports bad ones."""
        creators: dict[tuple[int, int], str] = {}
        seen: dict[tuple[int, str], int] = {}
        for tag in tags:
            group, element = tag >> 16, tag & 0xFFFF
            if not group % 2 or not 0x0010 <= element <= 0x00FF:
                continue
            where = _Where(tag, prefix, None, "Private Creator")
            if group in _BAD_PRIVATE_GROUPS:
                self.findings.append(
                    where.finding(
                        INVALID_PRIVATE_GROUP,
                        "error",
                        f"group {group:04X} may not hold private attributes",
                    )
                )
                continue
            value = read_value(ds, tag, "LO", ["iso8859"])
            if value.vr == "UN":  # a creator written as UN is still text
                data = raw_bytes(ds, tag)
                value = from_bytes("LO", data or b"", ["iso8859"])
                value.vr = "UN"
            texts = value.texts or []
            if value.error or len(texts) != 1 or not texts[0].strip() or value.vr not in _LO_UN:
                found = value.error or (
                    f"{value.vr} {texts!r}" if any(texts) else f"an empty {value.vr} value"
                )
                self.findings.append(
                    where.finding(
                        INVALID_PRIVATE_CREATOR,
                        "error",
                        f"a private creator is one non-empty LO value, found {found}",
                    )
                )
                continue
            creator = texts[0]
            if (group, creator) in seen:
                self.findings.append(
                    _Where(tag, prefix, creator, where.name).finding(
                        DUPLICATE_PRIVATE_CREATOR,
                        "warning",
                        f"creator {creator!r} already reserved block "
                        f"{seen[(group, creator)]:02X} of group {group:04X}",
                    )
                )
            else:
                seen[(group, creator)] = element
            creators[(group, element)] = creator
        return creators

    def _orphan_private(self, tag: int, prefix: str, group: int) -> None:
        element = tag & 0xFFFF
        where = _Where(tag, prefix)
        if group in _BAD_PRIVATE_GROUPS:
            code, message = (
                INVALID_PRIVATE_GROUP,
                f"group {group:04X} may not hold private attributes",
            )
        elif element < 0x1000:
            code = PRIVATE_CREATOR_MISSING
            message = f"element {element:04X} lies outside every private block (xx10-xxFF)"
        else:
            block = element >> 8
            code = PRIVATE_CREATOR_MISSING
            message = f"no private creator ({group:04X},00{block:02X}) reserves block {block:02X}"
        self.findings.append(where.finding(code, "error", message))

    # -- absent attributes --------------------------------------------------

    def _check_absent(self, rule: _Rule, prefix: str, scope: Scope) -> None:
        vt = rule.line.vt
        if vt.type == "3":
            return
        display = rule.line.tag.display if rule.line.tag.creator else tag_text(rule.tag)
        where = _Where(rule.tag, prefix, rule.line.tag.creator, rule.name, display)
        kind = f"type {vt.type}"
        if vt.conditional:
            holds = self.condition(vt.condition, scope)
            if holds is False:
                return
            if holds is None:
                if not self.notes:
                    return
                self.findings.append(
                    where.finding(
                        UNABLE_TO_CHECK_CONDITION,
                        "info",
                        f"absent; required (type {vt.type}) only if condition "
                        f"{vt.condition} holds, which cannot be evaluated"
                        if vt.condition
                        else f"absent; required (type {vt.type}) under a condition "
                        "the spec does not name, so it cannot be checked",
                    )
                )
                return
            kind += f", condition {vt.condition} holds"
        self.findings.append(
            where.finding(
                REQUIRED_ATTRIBUTE_MISSING, "error", f"required attribute missing ({kind})"
            )
        )

    # -- present attributes -------------------------------------------------

    def _check_present(
        self, ds: Dataset, rule: _Rule, where: _Where, scope: Scope, encodings: Sequence[str]
    ) -> None:
        line = rule.line
        value = read_value(ds, where.tag, line.vr, encodings)
        add = self.findings.append
        if value.error:
            add(where.finding(value.code, "error", value.error))
            return
        if value.vr != line.vr and line.vr != "UNKNOWN_VR":
            if value.vr == "UN":
                data = raw_bytes(ds, where.tag) if line.vr != "SQ" else None
                items = _un_items(ds, where.tag) if line.vr == "SQ" else None
                readable = data is not None or items is not None
                checked = "value checked as " + line.vr if readable else "value not checked"
                add(
                    where.finding(
                        UN_VR, "info", f"VR is UN, the message expects {line.vr}; {checked}"
                    )
                )
                if items is not None:
                    value = Value("SQ", items=items)
                elif data is None:
                    return
                else:
                    little = raw_little_endian(ds, where.tag)
                    value = from_bytes(line.vr, data, encodings, little)
                if value.error:
                    add(where.finding(value.code, "error", value.error))
                    return
            elif not (value.vr in rule.ambiguous and line.vr in rule.ambiguous):
                add(
                    where.finding(
                        INVALID_VR, "error", f"VR {value.vr}, the message expects {line.vr}"
                    )
                )
        if value.empty:
            if line.vt.type in ("1", "1C"):
                what = "sequence has no item" if value.items is not None else "value is empty"
                add(where.finding(VALUE_MAY_NOT_BE_NULL, "error", f"{what} (type {line.vt.type})"))
            return
        if value.items is not None:
            self._check_items(value.items, rule, where, scope, encodings)
            return
        self._check_values(value, rule.vm, where)
        if line.values is not None:
            self._check_enumeration(value, line.values, where)

    def _check_values(
        self, value: Value, vm: VM | None, where: _Where, vm_severity: Severity = "error"
    ) -> None:
        count = value.count
        add = self.findings.append
        if vm is not None and value.vr != "UN" and not vm.allows(count):
            code = (
                TOO_MANY_VALUES if vm.maximum is not None and count > vm.maximum else TOO_FEW_VALUES
            )
            plural = "s" if count != 1 else ""
            message = f"{count} value{plural}, the dictionary says VM {vm}"
            add(where.finding(code, vm_severity, message))
        vr = value.vr
        if value.texts is not None:
            for index, text in enumerate(value.texts, 1):
                problem = check_text(vr, text, extended=self.extended, query=self.query)
                if problem:
                    add(where.finding(problem.code, _severity(problem), problem.message, index))
        elif value.numbers is not None:
            for index, number in enumerate(value.numbers, 1):
                problem = check_number(vr, number)
                if problem:
                    add(where.finding(problem.code, _severity(problem), problem.message, index))
        elif value.nbytes is not None:
            problem = check_binary_length(vr, value.nbytes)
            if problem:
                add(where.finding(problem.code, _severity(problem), problem.message))

    def _check_enumeration(self, value: Value, values: ValueList, where: _Where) -> None:
        if value.texts is not None:
            actual = [t.strip(" ") for t in value.texts]
        elif value.numbers is not None:
            actual = [_number_text(n) for n in value.numbers]
        else:
            return
        numeric = value.texts is None or value.vr in ("IS", "DS")
        enumerated = values.enumerated
        for index, item in enumerate(actual):
            allowed = values.allowed(index)
            if allowed is None or not item:
                continue
            if item in allowed or (numeric and _number_in(item, allowed)):
                continue
            shown = ", ".join(allowed[:12]) + (", ..." if len(allowed) > 12 else "")
            kind = "enumerated values" if enumerated else "defined terms"
            self.findings.append(
                where.finding(
                    NOT_ONE_OF_ENUMERATED_VALUES if enumerated else NOT_ONE_OF_DEFINED_TERMS,
                    "error" if enumerated else "warning",
                    f"value {index + 1} {item!r} is not one of the {kind}: {shown}",
                    index + 1,
                )
            )

    # -- sequences -----------------------------------------------------------

    def _check_items(
        self,
        items: Sequence[Dataset],
        rule: _Rule,
        where: _Where,
        scope: Scope,
        encodings: Sequence[str],
    ) -> None:
        specs = [(n, self.v.item_spec(n)) for n in rule.items]
        known = [s for _, s in specs if s is not None]
        missing = [n for n, s in specs if s is None]
        if missing or not specs:
            names = ", ".join(missing) if missing else "none"
            checked = "other items checked" if known else "items checked for format only"
            self.findings.append(
                where.finding(
                    ITEM_SPEC_MISSING,
                    "warning" if known else "info",
                    f"item spec(s) not in the database: {names}; {checked}",
                )
            )
        parents = (*scope.parents, scope.current)
        for number, item in enumerate(items, 1):
            if not isinstance(item, Dataset):
                continue
            prefix = f"{where.path}[{number}]/"
            item_encodings = encodings_of(item, encodings)
            if not known:
                self.check_generic(item, prefix, parents, item_encodings)
            elif len(known) == 1:
                self.check_level(item, self.v.plan(known[0]), prefix, parents, item_encodings)
            else:
                self._best_item(item, known, prefix, parents, item_encodings)

    def _best_item(
        self,
        item: Dataset,
        candidates: list[InfoSection],
        prefix: str,
        parents: tuple[Dataset, ...],
        encodings: Sequence[str],
    ) -> None:
        """Several item specs allowed: keep the findings of the best fit
        (fewest errors, then fewest warnings; the first listed on a tie)."""
        best: tuple[tuple[int, int], list[Finding], int, int, set[str]] | None = None
        saved = (self.findings, self.uses, self.evaluated, self.unevaluated)
        for section in candidates:
            self.findings, self.uses, self.evaluated, self.unevaluated = [], 0, 0, set()
            self.check_level(item, self.v.plan(section), prefix, parents, encodings)
            score = (
                sum(f.severity == "error" for f in self.findings),
                sum(f.severity == "warning" for f in self.findings),
            )
            if best is None or score < best[0]:
                best = (score, self.findings, self.uses, self.evaluated, self.unevaluated)
        self.findings, self.uses, self.evaluated, self.unevaluated = saved
        assert best is not None
        self.findings.extend(best[1])
        self.uses += best[2]
        self.evaluated += best[3]
        self.unevaluated |= best[4]

    # -- attributes outside the spec ------------------------------------------

    def _non_service(
        self,
        ds: Dataset,
        where: _Where,
        parents: tuple[Dataset, ...],
        encodings: Sequence[str],
        report: bool,
    ) -> None:
        """An attribute the spec does not list: reported (unless inside an
        item without spec) and checked against the dictionary."""
        tag, creator = where.tag, where.creator
        _, vm, dict_vr = self.v.entry_info(tag, creator)
        # a vendor's private dictionary is knowledge, not a message requirement
        private_severity: Severity = "warning" if creator is not None else "error"
        add = self.findings.append
        if report and creator is None:
            retired = "retired " if self.v.retired(tag) else ""
            message = f"{retired}attribute not in the message spec"
            add(where.finding(NON_SERVICE_ATTRIBUTE, "warning", message))
        elif report and self.notes:
            add(
                where.finding(
                    NON_SERVICE_PRIVATE_ATTRIBUTE,
                    "info",
                    "private attribute not in the message spec",
                )
            )
        value = read_value(ds, tag, dict_vr, encodings)
        if value.error:
            add(where.finding(value.code, "error", value.error))
            return
        if dict_vr is not None and value.vr not in (dict_vr, "UN", "UNKNOWN_VR"):
            allowed = _ambiguous_vrs(tag)
            if dict_vr != "UNKNOWN_VR" and not (value.vr in allowed and dict_vr in allowed):
                message = f"VR {value.vr}, the dictionary says {dict_vr}"
                add(where.finding(INVALID_VR, private_severity, message))
                return
        if value.vr == "UN" or value.empty:
            return
        if value.items is not None:
            inner = (*parents, ds)
            for number, item in enumerate(value.items, 1):
                if isinstance(item, Dataset):
                    prefix = f"{where.path}[{number}]/"
                    self.check_generic(item, prefix, inner, encodings_of(item, encodings))
            return
        self._check_values(value, vm, where, private_severity)

    def check_generic(
        self, ds: Dataset, prefix: str, parents: tuple[Dataset, ...], encodings: Sequence[str]
    ) -> None:
        """An item without a spec: format checks only, no presence rules."""
        tags = sorted(ds.keys(), key=int)
        creators = self._creators(ds, tags, prefix)
        for tag in tags:
            _, where = self._locate(tag, prefix, creators, None)
            if where is not None and tag & 0xFFFF:
                self._non_service(ds, where, parents, encodings, report=False)


def _un_items(ds: Dataset, tag: int) -> list[Dataset] | None:
    """The items of a sequence written with VR UN (pydicom reads them as
    implicit VR little endian, as PS3.5 6.2.2 has UN sequences encoded);
    None when they cannot be read."""
    try:
        elem = ds[tag]
    except Exception:  # not a readable sequence: reported as not checked
        return None
    if elem.VR != "SQ":
        return None
    return [item for item in elem.value or () if isinstance(item, Dataset)]


def _severity(problem: VRProblem) -> Severity:
    return "warning" if problem.severity == "warning" else "error"


def _number_text(number: int | float) -> str:
    return str(int(number)) if float(number).is_integer() else repr(number)


def _number_in(text: str, allowed: Sequence[str]) -> bool:
    try:
        target = float(text)
    except ValueError:
        return False
    for candidate in allowed:
        try:
            if float(candidate) == target:
                return True
        except ValueError:
            continue
    return False


# ---------------------------------------------------------------------------
# Conditions from the database
# ---------------------------------------------------------------------------


def default_conditions(db: MessageDatabase) -> ConditionCheck:
    """Conditions as the database defines them (its conditions profile, via
    ``db.condition_source``) or as their Merge-style name reads
    (``A00100033_PRESENT``), evaluated three-valued by ``mdict.evaluate``.

    Each name is parsed and compiled to closures once (names inside a
    definition, like ``NEED_MODULE_X and Y``, resolve the same way); the
    results of named conditions are kept per :class:`Scope`, so a module
    condition shared by many attributes is evaluated once per dataset level.
    A name neither source defines or an expression that does not parse
    gives None: not evaluated.
    """
    from mdict.conditions import parse_expression  # the conditions language loads lark
    from mdict.conditions.evaluate import Compiler, Frame, Test, run
    from mdict.conditions.names import parse_name

    def expression(name: str) -> Any:
        try:
            source = db.condition_source(name)
            return parse_expression(source) if source is not None else parse_name(name)
        except Exception:  # an undefined or unreadable condition is not evaluated
            return None

    compiler = Compiler(expression)
    compiled: dict[str, Test] = {}  # as used at the top (cycles included)
    lock = threading.Lock()  # the compiler keeps state while compiling
    # the frame of the last scope (one tuple: threads each keep a matching pair)
    last: list[tuple[Scope, Frame]] = []

    def check(name: str, scope: Scope) -> bool | None:
        test = compiled.get(name)
        if test is None:
            with lock:
                test = compiled[name] = compiler.name(name)
        current = last[0] if last else None
        if current is None or current[0] is not scope:
            current = (scope, Frame(scope.root, scope.parents, scope.current, scope.shared))
            last[:] = [current]
        value = run(test, current[1])
        return value if isinstance(value, bool) else None

    return check


# ---------------------------------------------------------------------------
# Public entry point
# ---------------------------------------------------------------------------

_VALIDATORS: dict[int, tuple[MessageDatabase, Validator]] = {}


def validator_for(db: MessageDatabase | None = None) -> Validator:
    """A cached :class:`Validator` for ``db`` (default: the embedded database)."""
    if db is None:
        db = importlib.import_module("mdict.db.database").default_database()
        assert db is not None
    cached = _VALIDATORS.get(id(db))
    if cached is None or cached[0] is not db:
        if len(_VALIDATORS) > 8:
            _VALIDATORS.clear()
        cached = _VALIDATORS[id(db)] = (db, Validator(db))
    return cached[1]


def validate(
    dataset: Dataset,
    service: str | int | None = None,
    command: str = "C_STORE_RQ",
    db: MessageDatabase | None = None,
    *,
    coverage: bool = False,
    level: str = "info",
) -> Report:
    """Validate a pydicom dataset as one message of a database.

    ``service``: name, SOP Class UID or number (default: from the dataset's
    SOP Class UID); ``db``: any :class:`~mdict.database.MessageDatabase`
    (default: the embedded standard database). Raises LookupFailed only for
    a ``service`` the caller named that the database lacks.
    """
    return validator_for(db).validate(dataset, service, command, coverage=coverage, level=level)


def validate_file(
    path: str | os.PathLike[str],
    service: str | int | None = None,
    command: str = "C_STORE_RQ",
    db: MessageDatabase | None = None,
    *,
    coverage: bool = False,
    level: str = "info",
) -> Report:
    """Read a DICOM file and validate it (unreadable files give an error
    finding, not an exception)."""
    return validator_for(db).validate_file(path, service, command, coverage=coverage, level=level)


class _CallableModule(types.ModuleType):
    """``mdict.validate`` is both this module and the function: importing the
    submodule rebinds the package attribute, so the module forwards calls."""

    def __call__(
        self,
        dataset: Dataset,
        service: str | int | None = None,
        command: str = "C_STORE_RQ",
        db: MessageDatabase | None = None,
        *,
        coverage: bool = False,
        level: str = "info",
    ) -> Report:
        return validate(dataset, service, command, db, coverage=coverage, level=level)


sys.modules[__name__].__class__ = _CallableModule
