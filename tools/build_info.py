"""dicom3tools ``iodcomp/``, ``module/``, ``strval/``, ``binval.tpl`` -> info.pfl.

For every composite IOD: one C_STORE_RQ message holding every attribute of
every module (macros expanded). Each sequence's content becomes an item;
identical contents share one item. Module usage C/U (and conditional macro
invocations) turn type 1/2 into 1C/2C with the usage condition.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mdict.model import InfoLine, Tag, ValueList, ValueType
from mdict.write import format_info_line, sorted_lines

from .build_services import upper_snake_words
from .condition_supplements import supplement_for
from .d3t import TemplateLine, camel_to_upper_snake, read_template

TYPE_ORDER = ("1", "1C", "2", "2C", "3")
"""Stronger first: when one attribute is listed twice, the stronger type wins."""

_FORBIDDEN_IN_VALUE = re.compile(r"[,()<>;@\\]")
_ENTRY = re.compile(r"^\s*(.*?)\s*(?:=\s*.*?)?\s*,?\s*$")
EMPTY_MARKER = "***EMPTYVALUE***"
NUMERIC_VRS = frozenset(("US", "SS", "UL", "SL", "UV", "SV", "FL", "FD", "DS", "IS"))
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


@dataclass
class InfoReport:
    """What the info build could not convert."""

    unknown_keywords: Counter[str] = field(default_factory=Counter)
    unknown_lists: Counter[str] = field(default_factory=Counter)
    unknown_macros: Counter[str] = field(default_factory=Counter)
    recursive_macros: Counter[str] = field(default_factory=Counter)
    skipped_values: Counter[str] = field(default_factory=Counter)
    conditional_verifies: int = 0
    gapped_selectors: Counter[str] = field(default_factory=Counter)
    tag_lists: Counter[str] = field(default_factory=Counter)
    iods_without_service: list[str] = field(default_factory=list)
    sq_without_items: Counter[str] = field(default_factory=Counter)
    unknown_modules: Counter[str] = field(default_factory=Counter)
    odd_types: Counter[str] = field(default_factory=Counter)
    lists_not_fitting_vr: Counter[str] = field(default_factory=Counter)


# ---------------------------------------------------------------------------
# Value lists: strval/*.tpl, binval.tpl, tagval.tpl
# ---------------------------------------------------------------------------

ValueLists = dict[tuple[str, str], tuple[str, ...]]
"""(``String``|``Binary``|``Tag``, list name) -> values as written in E<>/D<>."""


def _value(kind: str, text: str) -> str:
    if kind == "Binary":
        return str(int(text, 0))
    return text


def read_value_lists(paths: Iterable[Path], report: InfoReport) -> ValueLists:
    lists: ValueLists = {}
    for path in paths:
        current: tuple[str, str] | None = None
        values: list[str] = []
        for line in read_template(path):
            first = line.first
            if first is not None and first[0] in ("StringValues", "BinaryValues", "TagValues"):
                current = (first[0].removesuffix("Values"), first[1])
                values = []
                continue
            if current is None:
                continue
            body = line.rest.rstrip("{").strip()
            if body == "}":
                lists[current] = tuple(values)
                current = None
                continue
            m = _ENTRY.match(body.rstrip("}"))
            text = m.group(1) if m else ""
            if not text or text == EMPTY_MARKER:
                pass
            elif current[0] == "Tag":
                values.append(text)
            elif _FORBIDDEN_IN_VALUE.search(text):
                report.skipped_values[f"{current[1]}: {text!r}"] += 1
            else:
                try:
                    values.append(_value(current[0], text))
                except ValueError:
                    report.skipped_values[f"{current[1]}: {text!r}"] += 1
            if body.endswith("}"):
                lists[current] = tuple(values)
                current = None
    return lists


# ---------------------------------------------------------------------------
# Modules and macros
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Constraint:
    """A value list on value ``selector`` (None: every value)."""

    selector: int | None
    kind: str
    """``E`` or ``D``."""
    source: str
    """``String``/``Binary``/``Tag``."""
    list_name: str


@dataclass(frozen=True, slots=True)
class AttrNode:
    keyword: str
    type: str | None
    condition: str | None
    constraints: tuple[Constraint, ...]
    verify_only: bool
    children: tuple[Node, ...] | None = None
    """Set for ``Sequence=`` nodes: the item's content."""


@dataclass(frozen=True, slots=True)
class InvokeNode:
    macro: str
    type: str | None
    condition: str | None


Node = AttrNode | InvokeNode

_CONSTRAINT_KEYS = {
    "StringEnumValues": ("E", "String"),
    "StringDefinedTerms": ("D", "String"),
    "BinaryEnumValues": ("E", "Binary"),
    "BinaryDefinedTerms": ("D", "Binary"),
    "TagEnumValues": ("E", "Tag"),
}


def _constraints(line: TemplateLine) -> tuple[Constraint, ...]:
    selector_text = line.get("ValueSelector")
    selector = None if selector_text in (None, "*") else int(selector_text or "0")
    return tuple(
        Constraint(selector, kind, source, value)
        for key, value in line.pairs
        if key in _CONSTRAINT_KEYS
        for kind, source in [_CONSTRAINT_KEYS[key]]
    )


def _condition(line: TemplateLine) -> str | None:
    cond = line.get("Condition")
    return camel_to_upper_snake(cond) if cond else None


def read_modules(paths: Iterable[Path], report: InfoReport) -> dict[str, tuple[Node, ...]]:
    """Every ``Module`` and ``DefineMacro`` body by name."""
    blocks: dict[str, tuple[Node, ...]] = {}
    for path in paths:
        stack: list[list[Node]] = []
        pending: list[TemplateLine] = []
        name = ""
        for line in read_template(path):
            first = line.first
            key = first[0] if first else line.rest
            if key in ("Module", "DefineMacro") and first is not None:
                name, stack, pending = first[1], [[]], []
            elif key in ("ModuleEnd", "MacroEnd"):
                if stack:
                    blocks[name] = tuple(stack[0])
                stack = []
            elif not stack:
                continue
            elif key == "Sequence":
                pending.append(line)
                stack.append([])
            elif key == "SequenceEnd":
                opener, children = pending.pop(), stack.pop()
                stack[-1].append(_attr(opener, tuple(children)))
            elif key == "Name":
                node = _attr(line, None)
                if node.type not in TYPE_ORDER:
                    report.odd_types[f"{path.name}:{line.line}: {node.keyword} {node.type}"] += 1
                    node = dataclasses.replace(node, type="3", condition=None)
                stack[-1].append(node)
            elif key == "Verify":
                if line.has("Condition"):
                    report.conditional_verifies += 1
                elif _constraints(line):
                    stack[-1].append(_attr(line, None, verify=True))
            elif key == "InvokeMacro" and first is not None:
                stack[-1].append(InvokeNode(first[1], line.get("Type"), _condition(line)))
    return blocks


def _attr(line: TemplateLine, children: tuple[Node, ...] | None, verify: bool = False) -> AttrNode:
    assert line.first is not None
    keyword = line.first[1].strip()
    type_ = None if verify else line.get("Type") or "3"
    return AttrNode(
        keyword=keyword,
        type=type_,
        condition=supplement_for(keyword, type_, _condition(line)),
        constraints=_constraints(line),
        verify_only=verify,
        children=children,
    )


# ---------------------------------------------------------------------------
# IODs
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModuleUse:
    module: str
    usage: str
    condition: str | None


@dataclass(frozen=True, slots=True)
class Iod:
    name: str
    condition: str | None
    modules: tuple[ModuleUse, ...]


def read_iods(paths: Iterable[Path]) -> list[Iod]:
    iods: list[Iod] = []
    for path in paths:
        current: tuple[str, str | None] | None = None
        modules: list[ModuleUse] = []
        for line in read_template(path):
            first = line.first
            if first and first[0] == "CompositeIOD":
                current, modules = (first[1], line.get("Condition")), []
            elif first and first[0] == "Module" and current is not None:
                modules.append(ModuleUse(first[1], line.get("Usage") or "M", _condition(line)))
            elif line.rest == "CompositeIODEnd" and current is not None:
                iods.append(Iod(current[0], current[1], tuple(modules)))
                current = None
    return iods


def read_sop_class_conditions(path: Path) -> dict[str, list[str]]:
    """condn.tpl condition name -> SOP class names its SOPClassUID tests name."""
    found: dict[str, list[str]] = {}
    name: str | None = None
    for line in read_template(path):
        first = line.first
        if first and first[0] == "Condition":
            name = first[1]
            found[name] = []
        elif line.rest == "ConditionEnd":
            name = None
        elif name is not None and line.get("Element") == "SOPClassUID":
            constant = line.get("StringConstantFromRootAttribute") or ""
            if constant.endswith("SOPClassUID"):
                found[name].append(constant.removesuffix("SOPClassUID"))
    return found


# ---------------------------------------------------------------------------
# Expansion into info lines and items
# ---------------------------------------------------------------------------


@dataclass
class _Attr:
    """An attribute being collected for one message or item."""

    tag: Tag
    vr: str
    type: str | None
    condition: str | None
    positions: dict[int | None, tuple[str, tuple[str, ...]]]
    items: list[str]


@dataclass
class _Collection:
    """The attributes of one message or item, and the recursive macro
    invocations (by macro stack depth) still to be filled in."""

    attrs: dict[Tag, _Attr] = field(default_factory=dict)
    recursions: list[tuple[int, InvokeNode]] = field(default_factory=list)


class Combinations:
    """Condition names made by combining two conditions, with their meaning.

    ``A__AND__B`` holds when both hold (an attribute's own condition inside a
    conditional module or macro); ``A__OR__B`` when either holds (the same
    attribute brought in by two conditional macros). A name longer than
    ``MAX_NAME`` characters is shortened to its first operand, the count of the
    others and a digest, so it stays readable and unique.
    """

    MAX_NAME = 96

    def __init__(self) -> None:
        self.definitions: dict[str, tuple[str, tuple[str, ...]]] = {}
        """Combined name -> (``and`` | ``or``, operand names)."""

    def combine(self, op: str, left: str | None, right: str | None) -> str | None:
        """The name for ``left op right``; None (cannot evaluate) when either
        side has no name."""
        if left is None or right is None:
            return None
        if left == right:
            return left
        operands: list[str] = []
        for name in (left, right):
            found = self.definitions.get(name)
            parts = found[1] if found is not None and found[0] == op else (name,)
            operands += [p for p in parts if p not in operands]
        name = f"__{op.upper()}__".join(operands)
        if len(name) > self.MAX_NAME:
            digest = hashlib.sha256(name.encode()).hexdigest()[:8].upper()
            name = f"{operands[0]}__{op.upper()}_{len(operands) - 1}_MORE_{digest}"
        self.definitions.setdefault(name, (op, tuple(operands)))
        return name

    def expressions(self) -> dict[str, str]:
        """Combined name -> its definition in the conditions language."""
        return {n: f" {op} ".join(parts) for n, (op, parts) in sorted(self.definitions.items())}


def weaken(
    type_: str | None,
    condition: str | None,
    usage_condition: str | None,
    combos: Combinations | None = None,
) -> tuple[str | None, str | None]:
    """Type 1/2 under a conditional module or macro becomes 1C/2C(usage
    condition); a 1C/2C keeps its own condition and needs the usage one too."""
    if type_ in ("1", "2"):
        return type_ + "C", usage_condition
    if type_ in ("1C", "2C") and combos is not None:
        return type_, combos.combine("and", usage_condition, condition)
    return type_, condition


def _weakened(
    attrs: Iterable[_Attr], usage_condition: str | None, combos: Combinations
) -> list[_Attr]:
    out = []
    for a in attrs:
        type_, condition = weaken(a.type, a.condition, usage_condition, combos)
        out.append(_Attr(a.tag, a.vr, type_, condition, dict(a.positions), list(a.items)))
    return out


def _merge(out: dict[Tag, _Attr], new: _Attr, combos: Combinations) -> None:
    """Add ``new``; a tag listed twice keeps the stronger type (the same
    conditional type under two conditions: either of them), the value lists
    of both (later positions win) and the items of both."""
    attr = out.get(new.tag)
    if attr is None:
        out[new.tag] = _Attr(
            new.tag, new.vr, new.type, new.condition, dict(new.positions), list(new.items)
        )
        return
    if new.type is not None and (
        attr.type is None or TYPE_ORDER.index(new.type) < TYPE_ORDER.index(attr.type)
    ):
        attr.type, attr.condition = new.type, new.condition
    elif new.type == attr.type and new.type in ("1C", "2C") and new.condition != attr.condition:
        # from two conditional macros (SR SCOORD and SCOORD3D): a value either allows
        attr.condition = combos.combine("or", attr.condition, new.condition)
        attr.positions = _either(attr.positions, new.positions)
        attr.items += [i for i in new.items if i not in attr.items]
        return
    attr.positions.update(new.positions)
    attr.items += [i for i in new.items if i not in attr.items]


Positions = dict[int | None, tuple[str, tuple[str, ...]]]


def _either(first: Positions, second: Positions) -> Positions:
    """The value lists that allow what either allows: per position the union
    (enumerated only if both are); a position only one constrains is free."""
    out: Positions = {}
    for selector in first.keys() & second.keys():
        (kind_a, values_a), (kind_b, values_b) = first[selector], second[selector]
        kind = "E" if kind_a == kind_b == "E" else "D"
        out[selector] = (kind, tuple(dict.fromkeys((*values_a, *values_b))))
    return out


def _usage(node: InvokeNode) -> tuple[bool, str | None]:
    """A macro invoked with a C type, or with a condition and no type (the
    directory record macros), contributes only when its condition holds."""
    conditional = (node.type is not None and node.type.endswith("C")) or (
        node.type is None and node.condition is not None
    )
    return conditional, node.condition


class InfoBuilder:
    """Expands modules into lines and keeps the shared item registry.

    A macro that invokes itself inside a sequence (SR content trees) becomes
    an item that names itself: the nested sequence follows the same item.
    """

    def __init__(
        self,
        blocks: dict[str, tuple[Node, ...]],
        keywords: dict[str, tuple[Tag, str]],
        lists: ValueLists,
        report: InfoReport,
    ) -> None:
        self.blocks = blocks
        self.keywords = keywords
        self.lists = lists
        self.report = report
        self.combos = Combinations()
        self.items: dict[tuple[str, ...], str] = {}
        self.item_lines: dict[str, tuple[InfoLine, ...]] = {}
        self._base_counts: Counter[str] = Counter()
        self._uses: dict[str, Counter[str]] = {}
        """Item name -> how often each sequence keyword used it."""
        self._open: dict[int, list[tuple[str, _Collection, InvokeNode]]] = {}
        """Macro stack depth -> recursive items waiting for that macro's output."""
        self.module_tags: dict[str, tuple[tuple[ModuleUse, tuple[Tag, ...]], ...]] = {}
        """IOD name -> each module it uses (known ones, in IOD order) with the
        top-level tags that module lists (filled by ``message_lines``)."""
        self.mixed: dict[tuple[Tag, tuple[tuple[str, ...], ...]], tuple[str, ...]] = {}
        """(tag, per-position groups) -> the kind of each position, for lists
        that mix enumerated values and defined terms (written D<...>)."""

    # -- items -------------------------------------------------------------

    def _new_name(self, keyword: str) -> str:
        base = upper_snake_words(keyword.removesuffix("Sequence")) or "ITEM"
        self._base_counts[base] += 1
        count = self._base_counts[base]
        return base if count == 1 else f"{base}_{count}"

    def item_name(self, keyword: str, lines: tuple[InfoLine, ...]) -> str:
        """The item holding ``lines``: an existing one when identical."""
        key = tuple(format_info_line(ln) for ln in lines)
        name = self.items.get(key)
        if name is None:
            name = self._new_name(keyword)
            self.items[key] = name
            self.item_lines[name] = lines
        self._uses.setdefault(name, Counter())[keyword] += 1
        return name

    # -- expansion ---------------------------------------------------------

    def finish(
        self, messages: dict[str, tuple[InfoLine, ...]]
    ) -> tuple[dict[str, tuple[InfoLine, ...]], dict[str, tuple[InfoLine, ...]]]:
        """Messages and items after merging equivalent items (``minimize_items``)."""
        names = minimize_items(self.item_lines, self._uses)
        items: dict[str, tuple[InfoLine, ...]] = {}
        for n, lines in self.item_lines.items():
            items.setdefault(names[n], _renamed(lines, names))
        return {k: _renamed(v, names) for k, v in messages.items()}, items

    def message_lines(self, iod: Iod) -> tuple[InfoLine, ...]:
        collected: dict[Tag, _Attr] = {}
        uses: list[tuple[ModuleUse, tuple[Tag, ...]]] = []
        for use in iod.modules:
            body = self.blocks.get(use.module)
            if body is None:
                self.report.unknown_modules[use.module] += 1
                continue
            module = self._expand_block(body, (use.module,))
            uses.append((use, tuple(attr.tag for attr in module)))
            if use.usage in ("C", "U"):
                module = _weakened(module, use.condition, self.combos)
            for attr in module:
                _merge(collected, attr, self.combos)
        self.module_tags[iod.name] = tuple(uses)
        return self._finish(collected)

    def _expand_block(self, nodes: Iterable[Node], stack: tuple[str, ...]) -> list[_Attr]:
        """A module or macro body on its own (unweakened)."""
        part = _Collection()
        self._expand(nodes, part, stack)
        if part.recursions:  # recursion outside any sequence: nothing to tie
            for _, node in part.recursions:
                self.report.recursive_macros[node.macro] += 1
        return list(part.attrs.values())

    def _expand(self, nodes: Iterable[Node], out: _Collection, stack: tuple[str, ...]) -> None:
        for node in nodes:
            if isinstance(node, AttrNode):
                self._add(node, out, stack)
                continue
            body = self.blocks.get(node.macro)
            if body is None:
                self.report.unknown_macros[node.macro] += 1
            elif node.macro in stack:
                out.recursions.append((stack.index(node.macro), node))
            else:
                depth = len(stack)
                part = self._expand_block(body, (*stack, node.macro))
                self._tie(depth, part)
                conditional, condition = _usage(node)
                for attr in _weakened(part, condition, self.combos) if conditional else part:
                    _merge(out.attrs, attr, self.combos)

    def _tie(self, depth: int, output: list[_Attr]) -> None:
        """Fill the recursive items waiting for the macro at ``depth``."""
        for name, collection, node in self._open.pop(depth, []):
            conditional, condition = _usage(node)
            for attr in _weakened(output, condition, self.combos) if conditional else output:
                _merge(collection.attrs, attr, self.combos)
            self.item_lines[name] = self._finish(collection.attrs)

    def _add(self, node: AttrNode, out: _Collection, stack: tuple[str, ...]) -> None:
        found = self.keywords.get(node.keyword)
        if found is None:
            self.report.unknown_keywords[node.keyword] += 1
            return
        tag, vr = found
        items: list[str] = []
        if node.children is not None:
            vr = "SQ"
            inner = _Collection()
            self._expand(node.children, inner, stack)
            items.append(self._item_for(node.keyword, inner, out))
        elif vr == "SQ" and not node.verify_only:
            self.report.sq_without_items[node.keyword] += 1
            return
        positions: dict[int | None, tuple[str, tuple[str, ...]]] = {}
        for c in node.constraints:
            values = self.lists.get((c.source, c.list_name))
            if c.source == "Tag":
                self.report.tag_lists[c.list_name] += 1
            elif values is None:
                self.report.unknown_lists[f"{c.source}:{c.list_name}"] += 1
            elif values:
                positions[c.selector] = (c.kind, values)
        _merge(out.attrs, _Attr(tag, vr, node.type, node.condition, positions, items), self.combos)

    def _item_for(self, keyword: str, inner: _Collection, parent: _Collection) -> str:
        """Name the item of a sequence; a recursive one gets its own name and
        is completed when the macro it re-enters has been expanded."""
        if not inner.recursions:
            return self.item_name(keyword, self._finish(inner.attrs))
        name = self._new_name(keyword)
        self._uses[name] = Counter({keyword: 1})
        self.item_lines[name] = self._finish(inner.attrs)
        for depth, node in inner.recursions:
            self._open.setdefault(depth, []).append((name, inner, node))
        return name

    def _finish(self, collected: dict[Tag, _Attr]) -> tuple[InfoLine, ...]:
        lines = []
        for attr in collected.values():
            if attr.type is None:  # only Verify lines named it
                continue
            vt = ValueType(attr.type, attr.condition if attr.type.endswith("C") else None)
            values: ValueList | None
            if attr.vr == "SQ":
                values = ValueList("E", (tuple(attr.items),)) if attr.items else None
            else:
                values = self._value_list(attr)
            if (
                values is not None
                and attr.vr in NUMERIC_VRS
                and not all(_NUMBER.match(v) for g in values.groups for v in g)
            ):
                self.report.lists_not_fitting_vr[f"{attr.tag} {attr.vr}: {values}"] += 1
                values = None
            lines.append(InfoLine(attr.tag, attr.vr, vt, values))
        return tuple(sorted_lines(lines))

    def _value_list(self, attr: _Attr) -> ValueList | None:
        numbered = sorted(k for k in attr.positions if k is not None)
        if not numbered:
            if None not in attr.positions:
                return None
            kind, values = attr.positions[None]
            return ValueList("E" if kind == "E" else "D", (values,))
        groups: list[tuple[str, ...]] = []
        kinds: set[str] = set()
        for index in range(numbered[-1] + 1):
            if index not in attr.positions:
                self.report.gapped_selectors[str(attr.tag)] += 1
                break
            kind, values = attr.positions[index]
            groups.append(values)
            kinds.add(kind)
        if not groups:
            return None
        if len(kinds) > 1:  # info.pfl cannot say it: positions.pfl does
            key = (attr.tag, tuple(groups))
            order = tuple(attr.positions[i][0] for i in range(len(groups)))
            known = self.mixed.setdefault(key, order)
            if known != order:  # the same list with other kinds elsewhere: the weaker
                self.mixed[key] = tuple(
                    "E" if a == b == "E" else "D" for a, b in zip(known, order, strict=True)
                )
        return ValueList("E" if kinds == {"E"} else "D", tuple(groups), per_position=True)


def _renamed(lines: Iterable[InfoLine], names: dict[str, str]) -> tuple[InfoLine, ...]:
    """``lines`` with the item names of SQ lines mapped through ``names``."""
    out = []
    for line in lines:
        if line.item_names:
            mapped = tuple(dict.fromkeys(names[n] for n in line.item_names))
            line = dataclasses.replace(line, values=ValueList("E", (mapped,)))
        out.append(line)
    return tuple(out)


def item_base_name(uses: Counter[str]) -> str:
    """The name of an item from the sequence keywords that use it.

    Keywords are grouped by their last word (without ``Sequence``); the group
    with the most distinct keywords (then the most uses) names the item: the
    words all its keywords end with (``ConceptNameCodeSequence`` and
    ``PurposeOfReferenceCodeSequence`` -> ``CODE``), or its only keyword.
    """
    groups: dict[str, list[list[str]]] = {}
    weight: Counter[str] = Counter()
    for keyword in sorted(uses):
        words = upper_snake_words(keyword.removesuffix("Sequence")).split("_")
        groups.setdefault(words[-1], []).append(words)
        weight[words[-1]] += uses[keyword]
    last = min(groups, key=lambda w: (-len(groups[w]), -weight[w], w))
    members = groups[last]
    common = [last]
    while all(len(w) > len(common) for w in members) and (
        len({w[-1 - len(common)] for w in members}) == 1
    ):
        common.insert(0, members[0][-1 - len(common)])
    return "_".join(common) or "ITEM"


def minimize_items(
    items: dict[str, tuple[InfoLine, ...]], uses: dict[str, Counter[str]]
) -> dict[str, str]:
    """Item name -> final name, merging items that describe the same content.

    Items are equivalent when their lines are equal once item references are
    read as equivalence classes (Moore's partition refinement), which also
    merges the self-naming items of recursive sequences. The survivors of a
    base name are numbered again in discovery order: ``CONTENT``,
    ``CONTENT_2``...
    """
    names = list(items)
    classes = {n: "" for n in names}
    count = 1
    while True:
        signature = {
            n: classes[n]
            + "\n"
            + "\n".join(format_info_line(ln) for ln in _renamed(items[n], classes))
            for n in names
        }
        ids: dict[str, str] = {}
        for n in names:
            ids.setdefault(signature[n], str(len(ids)))
        classes = {n: ids[signature[n]] for n in names}
        if len(ids) == count:
            break
        count = len(ids)
    first: dict[str, str] = {}
    for n in names:
        first.setdefault(classes[n], n)
    merged: dict[str, Counter[str]] = {}
    for n in names:
        merged.setdefault(first[classes[n]], Counter()).update(uses.get(n, Counter()))
    survivors = [n for n in names if first[classes[n]] == n]
    numbered: Counter[str] = Counter()
    final: dict[str, str] = {}
    for n in survivors:
        base = item_base_name(merged[n])
        numbered[base] += 1
        final[n] = base if numbered[base] == 1 else f"{base}_{numbered[base]}"
    return {n: final[first[classes[n]]] for n in names}


IOD_SOP_CLASSES: dict[str, str] = {"BasicDirectory": "MediaStorageDirectoryStorage"}
"""IODs whose condition does not test SOPClassUID (DICOMDIR tests the file meta)."""


def iod_sop_classes(iod: Iod, conditions: dict[str, list[str]], sop_names: set[str]) -> list[str]:
    """The sopcl.tpl names of the SOP classes an IOD is stored under."""
    names = [n for n in conditions.get(iod.condition or "", []) if n in sop_names]
    for guess in (IOD_SOP_CLASSES.get(iod.name), f"{iod.name}Storage"):
        if not names and guess in sop_names:
            names = [guess]
    return list(dict.fromkeys(names))


def template_files(folder: Path) -> Iterator[Path]:
    yield from sorted(folder.glob("*.tpl"))
