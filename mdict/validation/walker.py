"""The walk over one dataset: every attribute a spec lists, recursively for
every item of every sequence against its named item spec, and every
attribute the dataset holds outside the spec."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Final, Protocol

from pydicom.dataset import Dataset

from mdict.model import VM, InfoSection
from mdict.validation.blocks import BAD_PRIVATE_GROUPS, creators_of, orphan
from mdict.validation.elements import (
    Value,
    encodings_of,
    from_bytes,
    is_extended,
    raw_bytes,
    raw_little_endian,
    read_value,
)
from mdict.validation.findings import (
    INVALID_VR,
    ITEM_SPEC_MISSING,
    LEVELS,
    NESTING_TOO_DEEP,
    NON_SERVICE_ATTRIBUTE,
    NON_SERVICE_PRIVATE_ATTRIBUTE,
    PRIVATE,
    REQUIRED_ATTRIBUTE_MISSING,
    UN_VR,
    UNABLE_TO_CHECK_CONDITION,
    VALUE_MAY_NOT_BE_NULL,
    Coverage,
    Finding,
    Severity,
    tag_text,
)
from mdict.validation.plan import (
    MAX_DEPTH,
    ConditionCheck,
    Plan,
    Rule,
    Scope,
    Where,
    ambiguous_vrs,
    repeating_base,
)
from mdict.validation.values import check_enumeration, check_required, check_values

_ALWAYS_SKIPPED: Final = frozenset((0xFFFCFFFC, 0xFFFEE000, 0xFFFEE00D, 0xFFFEE0DD))


class Specs(Protocol):
    """What the walk asks of the validator: specs and the dictionary."""

    conditions: ConditionCheck

    def plan(self, section: InfoSection) -> Plan: ...

    def item_spec(self, name: str) -> InfoSection | None: ...

    def retired(self, tag: int) -> bool: ...

    def entry_info(
        self, tag: int, creator: str | None
    ) -> tuple[str | None, VM | None, str | None]: ...


class _State:
    """Findings and condition bookkeeping of one run; absent attributes."""

    def __init__(self, specs: Specs, root: Dataset, query: bool, coverage: bool, rank: int) -> None:
        self.v = specs
        self.rank = rank
        self.notes = rank >= LEVELS["info"]  # make info findings at all
        self.root = root
        self.query = query
        self.want_coverage = coverage
        self.findings: list[Finding] = []
        self.uses = 0
        self.evaluated = 0
        self.unevaluated: set[str] = set()
        self.sources: Counter[str] = Counter()  # evaluated uses by source
        self.shared: dict[str, bool | None] = {}  # root-only condition results
        self.extended = is_extended(root)
        self.too_deep_said = False

    def coverage(self) -> Coverage:
        by = self.sources
        names = tuple(sorted(self.unevaluated))
        return Coverage(
            self.uses, self.evaluated, names, by["convention"], by["profile"], by["borrowed"]
        )

    def kept(self) -> tuple[Finding, ...]:
        """The findings at the requested level."""
        if self.notes:
            return tuple(self.findings)
        return tuple(f for f in self.findings if LEVELS[f.severity] <= self.rank)

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
            source = getattr(self.v.conditions, "source", None)  # Conditions.source
            if callable(source):
                self.sources[source(name)] += 1
        return result

    def check_absent(self, rule: Rule, prefix: str, scope: Scope) -> None:
        vt = rule.line.vt
        if vt.type == "3":
            return
        display = rule.line.tag.display if rule.line.tag.creator else tag_text(rule.tag)
        where = Where(rule.tag, prefix, rule.line.tag.creator, rule.name, display)
        kind = f"type {vt.type}"
        if vt.conditional:
            holds = self.condition(vt.condition, scope)
            if holds is False:
                return
            if holds is None:
                if self.notes:
                    message = (
                        f"absent; required (type {vt.type}) only if condition "
                        f"{vt.condition} holds, which cannot be evaluated"
                        if vt.condition
                        else f"absent; required (type {vt.type}) under a condition "
                        "the spec does not name, so it cannot be checked"
                    )
                    self.findings.append(where.finding(UNABLE_TO_CHECK_CONDITION, "info", message))
                return
            kind += f", condition {vt.condition} holds"
        message = f"required attribute missing ({kind})"
        self.findings.append(where.finding(REQUIRED_ATTRIBUTE_MISSING, "error", message))

    def too_deep(self, where: Where, depth: int) -> bool:
        """Items below MAX_DEPTH levels are not walked: one error a run says so."""
        if depth <= MAX_DEPTH:
            return False
        if not self.too_deep_said:  # once a run: the first sequence found that deep
            self.too_deep_said = True
            message = f"items nested more than {MAX_DEPTH} levels deep; not checked below"
            self.findings.append(where.finding(NESTING_TOO_DEEP, "error", message))
        return True

    def _as_expected(
        self, ds: Dataset, vr: str, where: Where, encodings: Sequence[str]
    ) -> Value | None:
        """A UN element read as the VR the spec expects (an info says so);
        None when nothing more can be checked (reported)."""
        data = raw_bytes(ds, where.tag) if vr != "SQ" else None
        items = _un_items(ds, where.tag) if vr == "SQ" else None
        readable = data is not None or items is not None
        checked = "value checked as " + vr if readable else "value not checked"
        message = f"VR is UN, the message expects {vr}; {checked}"
        self.findings.append(where.finding(UN_VR, "info", message))
        if items is not None:
            return Value("SQ", items=items)
        if data is None:
            return None
        value = from_bytes(vr, data, encodings, raw_little_endian(ds, where.tag))
        if value.error:
            self.findings.append(where.finding(value.code, "error", value.error))
            return None
        return value


class Run(_State):
    """The state of validating one dataset, and the walk."""

    def check_level(
        self,
        ds: Dataset,
        plan: Plan,
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
            creators = creators_of(self.findings, source, tags, prefix)
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
                self.check_absent(rule, prefix, scope)
            elif self.want_coverage and rule.line.vt.conditional:
                self.condition(rule.line.vt.condition, scope)
        if len(self.findings) - start > 1:  # tag order at this level, nested after their sequence
            cut = len(prefix)
            self.findings[start:] = sorted(
                self.findings[start:], key=lambda f: f.path[cut : cut + 11]
            )

    def _locate(
        self, tag: int, prefix: str, creators: dict[tuple[int, int], str], plan: Plan | None
    ) -> tuple[Rule | None, Where | None]:
        """The rule for a dataset tag and where it is; no place for
        creators, delimiters and private elements outside a block."""
        if tag in _ALWAYS_SKIPPED:
            return None, None
        group, element = tag >> 16, tag & 0xFFFF
        if not group % 2:
            rule = plan.standard.get(tag) if plan else None
            if rule is None and plan:
                base = repeating_base(tag)
                rule = plan.standard.get(base) if base is not None else None
            name = rule.name if rule else self.v.entry_info(tag, None)[0]
            return rule, Where(tag, prefix, None, name)
        if element == 0 and group not in BAD_PRIVATE_GROUPS:  # retired, as in even groups
            return None, Where(tag, prefix, None, "Private Group Length")
        if 0x0010 <= element <= 0x00FF:
            return None, None  # a creator: checked in creators_of
        creator = creators.get((group, element >> 8)) if element >= 0x1000 else None
        if creator is None:
            orphan(self.findings, tag, prefix)
            return None, None
        rule = plan.private.get((group, creator, element & 0xFF)) if plan else None
        name = rule.name if rule else self.v.entry_info(tag, creator)[0]
        return rule, Where(tag, prefix, creator, name)

    def _check_present(
        self, ds: Dataset, rule: Rule, where: Where, scope: Scope, encodings: Sequence[str]
    ) -> None:
        line = rule.line
        value: Value | None = read_value(ds, where.tag, line.vr, encodings)
        assert value is not None
        add = self.findings.append
        if value.error:
            add(where.finding(value.code, "error", value.error))
            return
        if value.vr != line.vr and line.vr != "UNKNOWN_VR":
            if value.vr == "UN":
                value = self._as_expected(ds, line.vr, where, encodings)
                if value is None:
                    return
            elif not (value.vr in rule.ambiguous and line.vr in rule.ambiguous):
                message = f"VR {value.vr}, the message expects {line.vr}"
                add(where.finding(INVALID_VR, "error", message))
        if value.empty:
            if line.vt.type in ("1", "1C"):
                what = "sequence has no item" if value.items is not None else "value is empty"
                add(where.finding(VALUE_MAY_NOT_BE_NULL, "error", f"{what} (type {line.vt.type})"))
            return
        if value.items is not None:
            self._check_items(value.items, rule, where, scope, encodings)
            return
        check_values(self.findings, value, rule.vm, where, extended=self.extended, query=self.query)
        if line.values is not None or rule.positions:
            check_enumeration(self.findings, value, line.values, where, rule.positions)
        if rule.required:
            check_required(self.findings, value, rule.required, where)

    # -- sequences -----------------------------------------------------------

    def _check_items(
        self,
        items: Sequence[Dataset],
        rule: Rule,
        where: Where,
        scope: Scope,
        encodings: Sequence[str],
    ) -> None:
        specs = [(n, self.v.item_spec(n)) for n in rule.items]
        known = [s for _, s in specs if s is not None]
        missing = [n for n, s in specs if s is None]
        if missing or not specs:
            names = ", ".join(missing) if missing else "none"
            checked = "other items checked" if known else "items checked for format only"
            message = f"item spec(s) not in the database: {names}; {checked}"
            self.findings.append(
                where.finding(ITEM_SPEC_MISSING, "warning" if known else "info", message)
            )
        parents = (*scope.parents, scope.current)
        if self.too_deep(where, len(parents)):
            return
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
        where: Where,
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
            message = "private attribute not in the message spec"
            add(where.finding(NON_SERVICE_PRIVATE_ATTRIBUTE, "info", message))
        value = read_value(ds, tag, dict_vr, encodings)
        if value.error:
            add(where.finding(value.code, "error", value.error))
            return
        if dict_vr is not None and value.vr not in (dict_vr, "UN", "UNKNOWN_VR"):
            allowed = ambiguous_vrs(tag)
            if dict_vr != "UNKNOWN_VR" and not (value.vr in allowed and dict_vr in allowed):
                message = f"VR {value.vr}, the dictionary says {dict_vr}"
                category = PRIVATE if creator is not None else None
                add(where.finding(INVALID_VR, private_severity, message, None, category))
                return
        if value.vr == "UN" or value.empty:
            return
        if value.items is not None:
            inner = (*parents, ds)
            if self.too_deep(where, len(inner)):
                return
            for number, item in enumerate(value.items, 1):
                if isinstance(item, Dataset):
                    prefix = f"{where.path}[{number}]/"
                    self.check_generic(item, prefix, inner, encodings_of(item, encodings))
            return
        check_values(
            self.findings,
            value,
            vm,
            where,
            private_severity,
            extended=self.extended,
            query=self.query,
        )

    def check_generic(
        self, ds: Dataset, prefix: str, parents: tuple[Dataset, ...], encodings: Sequence[str]
    ) -> None:
        """An item without a spec: format checks only, no presence rules."""
        tags = sorted(ds.keys(), key=int)
        creators = creators_of(self.findings, ds, tags, prefix)
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
