"""The grammar side of the readers: transformer callbacks for the rules of
common.lark (tags, VRs, the info.pfl attribute line, shared by the info and
configuration grammars), diction.lark and info.lark.

Imported only when a Lark parser is built (see ``_fast.py``: valid lines of
the common shapes never need one). Token texts become model objects through
the same functions the fast path uses."""

from __future__ import annotations

from typing import Any

from lark import Token, Transformer, v_args

from mdict.model import VM, DictEntry, InfoLine, Tag, ValueList, ValueType
from mdict.parse import _fast
from mdict.parse._driver import BadValue
from mdict.parse._fast import Header, vr_of


@v_args(inline=True)
class CommonTransformer(Transformer[Token, Any]):
    """Handlers for common.lark. Grammars that import these rules see them
    under the ``common__`` prefix; the handlers are reachable by both names."""

    def standard_tag(self, token: Token) -> Tag:
        return _fast.standard_tag(token)

    def private_tag(self, group: Token, creator: Token, element: Token) -> Tag:
        return _fast.private_tag(group, creator, element)

    def attribute(
        self, tag: Tag, vr: Token, vt: ValueType, field4: Token, values: ValueList | None
    ) -> InfoLine:
        return InfoLine(tag, vr_of(vr), vt, values, str(field4[:-1]))

    def plain_vt(self, token: Token) -> ValueType:
        return _fast.plain_vt(token)

    def conditional_vt(self, token: Token) -> ValueType:
        return _fast.conditional_vt(token)

    def values(self, opening: Token, body: tuple[Any, ...] | None) -> ValueList:
        if body is None:  # E<>: no list, written back as read
            return ValueList(opening[0], (), False, spelling="")  # type: ignore[arg-type]
        groups, per_position, separator, group_separator, spelling = body
        return ValueList(opening[0], groups, per_position, separator, group_separator, spelling)  # type: ignore[arg-type]

    def flat_values(self, *children: Token) -> tuple[Any, ...]:
        values = tuple(str(v) for v in children[0::2])
        separator = str(children[1]) if len(children) > 1 else ", "
        return ((values,), False, separator, " ", "".join(children))

    def group(self, *children: Token) -> tuple[tuple[str, ...], str | None, str]:
        values = tuple(str(v) for v in children[0::2])
        separator = str(children[1]) if len(children) > 1 else None
        return values, separator, "(" + "".join(children) + ")"

    def grouped_values(self, *children: Any) -> tuple[Any, ...]:
        groups: list[tuple[str, ...]] = []
        separator: str | None = None
        group_separator: str | None = None
        previous_was_group = False
        spelling: list[str] = []
        for child in children:
            if isinstance(child, Token):
                if group_separator is None:
                    group_separator = str(child)
                previous_was_group = False
                spelling.append(str(child))
                continue
            values, sep, text = child
            if previous_was_group and group_separator is None:
                group_separator = ""
            groups.append(values)
            spelling.append(text)
            if separator is None:
                separator = sep
            previous_was_group = True
        return (
            tuple(groups),
            True,
            ", " if separator is None else separator,
            " " if group_separator is None else group_separator,
            "".join(spelling),
        )


def _alias_common() -> None:
    """Make the handlers reachable under the ``common__`` names Lark gives
    the dependencies of imported rules."""
    for name in (
        "standard_tag",
        "private_tag",
        "plain_vt",
        "conditional_vt",
        "values",
        "flat_values",
        "group",
        "grouped_values",
    ):
        setattr(CommonTransformer, f"common__{name}", getattr(CommonTransformer, name))


_alias_common()


@v_args(inline=True)
class DictionTransformer(CommonTransformer):
    """diction.lark rules -> DictEntry (without location)."""

    def start(self, *entries: DictEntry) -> list[DictEntry]:
        return list(entries)

    def standard_entry(self, name: Token, tag: Token, vr: Token, vm: Token) -> DictEntry:
        return DictEntry(_fast.entry_name(name), self.standard_tag(tag), vr_of(vr), _vm(vm))

    def private_entry(
        self, name: Token, group: Token, creator: Token, element: Token, vr: Token, vm: Token
    ) -> DictEntry:
        tag = self.private_tag(group, creator, element)
        return DictEntry(_fast.entry_name(name), tag, vr_of(vr), _vm(vm))


def _vm(token: Token) -> VM:
    try:
        return _fast.vm_of(token)
    except ValueError:
        raise BadValue(token, "a VM (1, 1-3, 1-n, 2-2n, N)") from None


@v_args(inline=True)
class InfoTransformer(CommonTransformer):
    """info.lark rules -> Header and InfoLine (without location)."""

    def start(self, *lines: Header | InfoLine) -> list[Header | InfoLine]:
        return list(lines)

    def header(self, number: Token, command: Token) -> Header:
        if command not in _fast.SECTION_COMMANDS:
            raise BadValue(command, "a DIMSE command (C_STORE_RQ, ...) or ITEM")
        return Header(int(number), str(command))
