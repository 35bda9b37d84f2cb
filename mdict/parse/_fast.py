"""The fast path: the common shapes of diction.pfl and info.pfl lines, read
with one regular expression each instead of a Lark run.

The grammars stay the definition of the formats. Each expression here is a
concatenation of the grammar's own terminal patterns (copied verbatim below;
``tests/test_parse_fast.py`` compares every one with the terminal of the
built Lark grammar) in the order of one grammar rule, and turns the matched
text into model objects with the same functions the transformers use. A
reader returns None whenever it is not certain (a line of another shape, a
grouped value list, a VM or command the transformer would refuse, a line the
expression does not match at all): such lines go to the Lark parser, so every
error still comes from the grammar, with its exact column and wording. The
tests check that whatever the fast path accepts, the grammar accepts with an
equal result (separators included).

This module must not import lark: reading a valid dictionary never builds or
even imports the parser (``mdict dcomb`` start-up).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mdict.model import COMMANDS, ITEM, VALUE_TYPES, VM, VRS, DictEntry, InfoLine, Tag, ValueList
from mdict.model import ValueType as _ValueType

# ---------------------------------------------------------------------------
# Terminals, verbatim from mdict/grammars/*.lark (as Lark compiles them)
# ---------------------------------------------------------------------------

_VR = r"(?:UNKNOWN_VR|A[EST]|CS|D[AST]|F[DL]|IS|L[OT]|O[BDFLVW]|PN|S[HLQSTV]|TM|U[CILNRSTV])"

TERMINALS: dict[str, str] = {
    # common.lark
    "STD_TAG": r"[0-9A-Fa-f]{3}[02468AaCcEe],[0-9A-Fa-f]{4}",
    "PRIV_GROUP": r"[0-9A-Fa-f]{3}[13579BbDdFf],",
    "CREATOR": "[^,\r\n]+,",
    "HEX2": r"[0-9A-Fa-f]{2}",
    "INFO_VR_FIELD": "@" + _VR + "@",
    "PLAIN_VT": r"[123]@",
    "CONDITIONAL_VT": "[12]C(\\([^()@;\r\n]*\\))?@",
    "FIELD4": "[^@;\r\n]*@",
    "LIST_OPEN": r"[ED]<",
    "VALUE": "[^ \t,<>()@;\r\n]([^,<>()@;\r\n]*[^ \t,<>()@;\r\n])?",
    "SEPARATOR": "[ \t]*,[ \t]*",
    "GROUP_SEPARATOR": "[ \t]+",
    "_WS": "[ \t]+",
    # diction.lark
    "NAME": "[^#,\\s][^,\r\n]*,",
    "DICT_VR_FIELD": ", ?" + _VR + ",",
    "VM_FIELD": r"(?:[0-9]+(?:-[0-9]*[nN]|-[0-9]+)?|[nN])(?:,)?",
    # info.lark
    "NUMBER": r"[0-9]+",
    "SECTION_NAME": r"[A-Za-z0-9_]+",
}
"""Terminal name (as in the grammar; the two VR fields are both called
VR_FIELD there) -> its regular expression."""

_T = TERMINALS
_TAG = (
    f"(?:(?P<std>{_T['STD_TAG']})"
    f"|(?P<group>{_T['PRIV_GROUP']})(?P<creator>{_T['CREATOR']})(?P<eb>{_T['HEX2']}))"
)
_OPT_WS = f"(?:{_T['_WS']})?"

# diction.lark:  entry _WS? _NL
#   entry: NAME STD_TAG VR_FIELD VM_FIELD | NAME PRIV_GROUP CREATOR HEX2 VR_FIELD VM_FIELD
_DICTION_LINE = re.compile(
    f"(?P<name>{_T['NAME']}){_TAG}(?P<vr>{_T['DICT_VR_FIELD']})(?P<vm>{_T['VM_FIELD']}){_OPT_WS}"
)

# info.lark:  attribute _WS? _NL
#   attribute: tag VR_FIELD vt FIELD4 [values] ";"
#   values: LIST_OPEN [value_body] ">"
#   value_body: VALUE (SEPARATOR VALUE)*                         (flat)
#             | group ((SEPARATOR | GROUP_SEPARATOR)? group)*     (grouped)
#   group: "(" VALUE (SEPARATOR VALUE)* ")"
_FLAT = f"{_T['VALUE']}(?:{_T['SEPARATOR']}{_T['VALUE']})*"
_GROUP = rf"\({_FLAT}\)"
_GROUPED = f"{_GROUP}(?:(?:{_T['SEPARATOR']}|{_T['GROUP_SEPARATOR']})?{_GROUP})*"
_INFO_LINE = re.compile(
    f"{_TAG}(?P<vr>{_T['INFO_VR_FIELD']})"
    f"(?:(?P<pvt>{_T['PLAIN_VT']})|(?P<cvt>{_T['CONDITIONAL_VT']}))"
    f"(?P<f4>{_T['FIELD4']})"
    f"(?:(?P<open>{_T['LIST_OPEN']})"
    f"(?:(?P<flat>{_FLAT})|(?P<grouped>{_GROUPED}))?>)?"
    f";{_OPT_WS}"
)

# info.lark:  header _WS? _NL
#   header: "[" _WS? NUMBER _WS? "," _WS? SECTION_NAME _WS? "]"
_INFO_HEADER = re.compile(
    rf"\[{_OPT_WS}(?P<number>{_T['NUMBER']}){_OPT_WS},{_OPT_WS}"
    rf"(?P<command>{_T['SECTION_NAME']}){_OPT_WS}\]{_OPT_WS}"
)

# ---------------------------------------------------------------------------
# Token text -> model (shared with the transformers of _common.py)
# ---------------------------------------------------------------------------

_VRS = {vr: vr for vr in VRS}
_PLAIN_VT = {t: _ValueType(t) for t in VALUE_TYPES}
SECTION_COMMANDS = frozenset((*COMMANDS, ITEM))


def vr_of(field: str) -> str:
    """The interned VR of a VR field: ``@CS@`` (info) or ``,CS,``/``, CS,`` (dictionary)."""
    return _VRS[field[1:-1].lstrip(" ")]


def standard_tag(text: str) -> Tag:
    """``GGGG,EEEE`` -> Tag."""
    return Tag(int(text[:4], 16), int(text[5:9], 16))


def private_tag(group: str, creator: str, element: str) -> Tag:
    """``GGGG,`` ``Creator,`` ``EB`` -> Tag (the creator byte-exact)."""
    return Tag(int(group[:4], 16), int(element, 16), str(creator[:-1]))


def plain_vt(text: str) -> _ValueType:
    """``1@`` -> ValueType("1") (shared instances)."""
    return _PLAIN_VT[text[0]]


def conditional_vt(text: str) -> _ValueType:
    """``1C@``, ``2C(Name)@`` -> ValueType; ``1C()@`` means condition unknown."""
    condition = text[3:-2]
    return _ValueType(str(text[:2]), str(condition) if condition else None)


_VMS: dict[str, VM] = {}
_VMS_KEPT = 1024


@dataclass(frozen=True, slots=True)
class Header:
    """An info.pfl ``[ NNNN, COMMAND ]`` line."""

    number: int
    command: str


def vm_of(field: str) -> VM:
    """A dictionary VM field (``1-n`` or ``1-n,``) -> VM; ValueError when the
    grammar's shape is not a multiplicity (``2-3n``, ``3-1``)."""
    vm = _VMS.get(field)
    if vm is None:
        vm = VM.from_text(field.rstrip(","))
        if len(_VMS) < _VMS_KEPT:
            _VMS[field] = vm
    return vm


def entry_name(field: str) -> str:
    """A dictionary NAME field (with its comma) -> the name, trailing blanks trimmed."""
    return field[:-1].rstrip(" \t")


# ---------------------------------------------------------------------------
# The readers: one line -> model object, or None (ask the grammar)
# ---------------------------------------------------------------------------


def dictionary_line(text: str) -> DictEntry | None:
    """One diction.pfl line -> DictEntry (without location), or None."""
    m = _DICTION_LINE.fullmatch(text)
    if m is None:
        return None
    std = m["std"]
    tag = standard_tag(std) if std is not None else private_tag(m["group"], m["creator"], m["eb"])
    try:
        vm = vm_of(m["vm"])
    except ValueError:
        return None
    return DictEntry(entry_name(m["name"]), tag, vr_of(m["vr"]), vm)


def info_attribute(text: str) -> InfoLine | None:
    """One attribute line (``tag@VR@VT@field4@values;``) -> InfoLine (without
    location), or None."""
    m = _INFO_LINE.fullmatch(text)
    if m is None:
        return None
    std = m["std"]
    tag = standard_tag(std) if std is not None else private_tag(m["group"], m["creator"], m["eb"])
    pvt = m["pvt"]
    vt = plain_vt(pvt) if pvt is not None else conditional_vt(m["cvt"])
    opening = m["open"]
    values = None
    if opening is not None:
        grouped = m["grouped"]
        if grouped is None:
            values = flat_values(opening[0], m["flat"] or "")
        else:
            values = grouped_values(opening[0], grouped)
    return InfoLine(tag, vr_of(m["vr"]), vt, values, m["f4"][:-1])


_SEPARATOR = re.compile(TERMINALS["SEPARATOR"])


def flat_values(kind: str, body: str) -> ValueList:
    """A flat value list from its text between ``<`` and ``>`` (as matched by
    the grammar's terminals; empty for ``E<>``)."""
    if not body:
        return ValueList(kind, (), False, spelling="")  # type: ignore[arg-type]
    found = _SEPARATOR.search(body)
    if found is None:
        return ValueList(kind, ((body,),), False, ", ", " ", body)  # type: ignore[arg-type]
    values = tuple(v.strip(" \t") for v in body.split(","))
    return ValueList(kind, (values,), False, found.group(), " ", body)  # type: ignore[arg-type]


_GROUP_BODY = re.compile(r"\(([^()]*)\)")
_BETWEEN = re.compile(r"\)([^()]*)\(")


def grouped_values(kind: str, body: str) -> ValueList:
    """A multi-valued list (``(A, B) (C)``) from its text between ``<`` and
    ``>``, as matched by the grammar's terminals; the first separator in a
    group and the first between groups are its style, as the grammar's
    transformer records them."""
    texts = _GROUP_BODY.findall(body)
    groups = tuple(tuple(v.strip(" \t") for v in t.split(",")) for t in texts)
    found = next((f for t in texts if (f := _SEPARATOR.search(t)) is not None), None)
    between = _BETWEEN.search(body)
    return ValueList(
        kind,  # type: ignore[arg-type]
        groups,
        True,
        ", " if found is None else found.group(),
        " " if between is None else between.group(1),
        body,
    )


def info_header(text: str) -> Header | None:
    """A ``[ NNNN, COMMAND ]`` line -> Header, or None."""
    m = _INFO_HEADER.fullmatch(text)
    if m is None or m["command"] not in SECTION_COMMANDS:
        return None
    return Header(int(m["number"]), m["command"])


def info_line(text: str) -> Header | InfoLine | None:
    """One meaningful info.pfl line -> Header or InfoLine, or None."""
    if text[:1] == "[":
        return info_header(text)
    return info_attribute(text)
