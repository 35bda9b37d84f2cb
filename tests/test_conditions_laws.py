"""Round-trip laws of the conditions language: parse(write(x)) == x."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mdict.conditions import (
    COMPARATORS,
    And,
    AttributeTag,
    Compare,
    ConditionDef,
    ConditionsProfile,
    Constant,
    CountOf,
    Expression,
    GroupPresent,
    HasCode,
    HasValue,
    ItemsOf,
    Not,
    OneOf,
    Or,
    Path,
    Present,
    Ref,
    Step,
    Truth,
    ValueOf,
    format_conditions,
    parse_conditions,
    parse_expression,
)

KNOWN_TAGS = [0x00080016, 0x00080060, 0x00280010, 0x52009229, 0x00081140, 0x0040A730]
tags = st.one_of(st.sampled_from(KNOWN_TAGS), st.integers(0, 0xFFFFFFFF))
texts = st.text(st.characters(exclude_characters="\r\n", exclude_categories=["Cs"]), max_size=12)
names = st.one_of(st.from_regex(r"[A-Z][A-Z0-9_]{0,20}", fullmatch=True), texts)
constants: st.SearchStrategy[Constant] = st.one_of(
    texts,
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    tags.map(AttributeTag),
)


@st.composite
def paths(draw: st.DrawFn) -> Path:
    inner = draw(st.lists(st.tuples(tags, st.none() | st.integers(1, 99)), max_size=2))
    last = draw(tags)
    steps = (*(Step(t, i) for t, i in inner), Step(last))
    anchor = draw(st.sampled_from(["here", "root", "up"]))
    if anchor == "root":
        return Path(steps, root=True)
    if anchor == "up":
        return Path(steps, up=draw(st.integers(1, 3)))
    return Path(steps)


operands = st.one_of(
    st.builds(ValueOf, paths(), st.none() | st.integers(1, 9)),
    st.builds(CountOf, paths()),
    st.builds(ItemsOf, paths()),
)

leaves: st.SearchStrategy[Expression] = st.one_of(
    st.builds(Truth, st.sampled_from([True, False, None])),
    st.builds(Ref, names),
    st.builds(Present, paths()),
    st.builds(HasValue, paths()),
    st.builds(GroupPresent, st.integers(0, 0xFFFF)),
    st.builds(HasCode, paths(), texts, texts),
    st.builds(Compare, operands, st.sampled_from(COMPARATORS), constants),
    st.builds(OneOf, operands, st.lists(constants, min_size=1, max_size=3).map(tuple)),
)


def _tree(children: st.SearchStrategy[Expression]) -> st.SearchStrategy[Expression]:
    several = st.lists(children, min_size=2, max_size=3).map(tuple)
    return st.one_of(st.builds(Not, children), st.builds(And, several), st.builds(Or, several))


expressions = st.recursive(leaves, _tree, max_leaves=8)


@given(expressions)
def test_expression_round_trip(expr: Expression) -> None:
    text = str(expr)
    assert parse_expression(text) == expr
    assert str(parse_expression(text)) == text


@given(st.dictionaries(names, expressions, min_size=1, max_size=4))
def test_profile_round_trip(table: dict[str, Expression]) -> None:
    profile = ConditionsProfile(tuple(ConditionDef(n, e) for n, e in table.items()))
    text = format_conditions(profile)
    assert parse_conditions(text) == profile
    assert format_conditions(parse_conditions(text)) == text
