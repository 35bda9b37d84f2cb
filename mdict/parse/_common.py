"""Transformer callbacks for the rules of common.lark: tags, VRs and the
info.pfl attribute line (shared by the info and configuration grammars)."""

from __future__ import annotations

from typing import Any

from lark import Token, Transformer, v_args

from ..model import VALUE_TYPES, VRS, InfoLine, Tag, ValueList, ValueType

_VR = {vr: vr for vr in VRS}
_PLAIN_VT = {t: ValueType(t) for t in VALUE_TYPES}


def vr_of(field: str) -> str:
    """The interned VR of a VR field: ``@CS@`` (info) or ``,CS,``/``, CS,`` (dictionary)."""
    return _VR[field[1:-1].lstrip(" ")]


@v_args(inline=True)
class CommonTransformer(Transformer[Token, Any]):
    """Handlers for common.lark. Grammars that import these rules see them
    under the ``common__`` prefix; the handlers are reachable by both names."""

    def standard_tag(self, token: Token) -> Tag:
        return Tag(int(token[:4], 16), int(token[5:9], 16))

    def private_tag(self, group: Token, creator: Token, element: Token) -> Tag:
        return Tag(int(group[:4], 16), int(element, 16), str(creator[:-1]))

    def attribute(
        self, tag: Tag, vr: Token, vt: ValueType, field4: Token, values: ValueList | None
    ) -> InfoLine:
        return InfoLine(tag, vr_of(vr), vt, values, str(field4[:-1]))

    def plain_vt(self, token: Token) -> ValueType:
        return _PLAIN_VT[token[0]]

    def conditional_vt(self, token: Token) -> ValueType:
        condition = token[3:-2]
        return ValueType(str(token[:2]), str(condition) if condition else None)

    def values(self, opening: Token, body: tuple[Any, ...]) -> ValueList:
        groups, per_position, separator, group_separator = body
        return ValueList(opening[0], groups, per_position, separator, group_separator)  # type: ignore[arg-type]

    def flat_values(self, *children: Token) -> tuple[Any, ...]:
        values = tuple(str(v) for v in children[0::2])
        separator = str(children[1]) if len(children) > 1 else ", "
        return ((values,), False, separator, " ")

    def group(self, *children: Token) -> tuple[tuple[str, ...], str | None]:
        values = tuple(str(v) for v in children[0::2])
        return values, (str(children[1]) if len(children) > 1 else None)

    def grouped_values(self, *children: Any) -> tuple[Any, ...]:
        groups: list[tuple[str, ...]] = []
        separator: str | None = None
        group_separator: str | None = None
        previous_was_group = False
        for child in children:
            if isinstance(child, Token):
                if group_separator is None:
                    group_separator = str(child)
                previous_was_group = False
                continue
            values, sep = child
            if previous_was_group and group_separator is None:
                group_separator = ""
            groups.append(values)
            if separator is None:
                separator = sep
            previous_was_group = True
        return (
            tuple(groups),
            True,
            ", " if separator is None else separator,
            " " if group_separator is None else group_separator,
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
