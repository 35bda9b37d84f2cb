"""Merge-style condition names read mechanically."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mdict.conditions import parse_expression
from mdict.conditions.names import parse_name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("A00100033_PRESENT", "present((0010,0033))"),
        ("A00189332_NOT_PRESENT", "not present((0018,9332))"),
        ("A00102297_PRESENT_AND_HAS_VALUE", "has_value((0010,2297))"),
        ("A00102297_HAS_VALUE", "has_value((0010,2297))"),
        ("A00281350_IS_YES", 'value((0028,1350)) == "YES"'),
        ("A00281350_IS_NOT_YES", 'not value((0028,1350)) == "YES"'),
        ("A00186044_IS_0_OR_1", "value((0018,6044)) in (0, 1)"),
        (
            "A00080008_VAL3_IS_WHOLE_BODY_OR_STATIC",
            'value((0008,0008), 3) in ("WHOLE_BODY", "WHOLE BODY", "STATIC")',
        ),
        ("A00286110_MULTIVALUED", "count((0028,6110)) > 1"),
        ("A00286110_NOT_MULTIVALUED", "not count((0028,6110)) > 1"),
        (
            "A00100033_PRESENT_OR_A00100034_PRESENT",
            "present((0010,0033)) or present((0010,0034))",
        ),
        (
            "A00120062_IS_YES_AND_A00120064_NOT_PRESENT",
            'value((0012,0062)) == "YES" and not present((0012,0064))',
        ),
        (
            "A0040E022_AND_A0040E023_AND_A0040E024_NOT_PRESENT",
            "not present((0040,E022)) and not present((0040,E023)) and not present((0040,E024))",
        ),
        ("A00100033_OR_A00100034_PRESENT", "present((0010,0033)) or present((0010,0034))"),
        (
            "A00100033_PRESENT_OR_A00100034_PRESENT_AND_A00100035_PRESENT",
            "(present((0010,0033)) or present((0010,0034))) and present((0010,0035))",
        ),
        ("A0040A040_IS_COMPOSITE_OR_IMAGE", 'value((0040,A040)) in ("COMPOSITE", "IMAGE")'),
        ("A00081140_IS_A_AND_B", 'value((0008,1140)) in ("A_AND_B", "A AND B")'),
    ],
)
def test_names_read(name: str, expected: str) -> None:
    assert parse_name(name) == parse_expression(expected)


@pytest.mark.parametrize(
    "name",
    [
        "",
        "IS_AXIAL",
        "A00100033",
        "A0010003_PRESENT",
        "A00100033_PRESENT_AND",
        "A00100033_PRESENT_EXTRA",
        "A00100033_IS",
        "A00100033_IS_YES_OR",
        "A00100033__PRESENT",
        "A0070,1302_IS_ INCLUDE_SEG_OR_EXCLUDE_SEG",
        "A00100033_AND_A00100034_OR_A00100035_PRESENT",
        "A00100033_VAL0_IS_X",
        "a00100033_PRESENT",
    ],
)
def test_names_that_do_not_read_completely_are_none(name: str) -> None:
    assert parse_name(name) is None


@given(st.text(alphabet="AE0123_PRESNOTIVLYDH", max_size=30))
def test_any_name_reads_or_is_none_and_never_raises(name: str) -> None:
    result = parse_name(name)
    if result is not None:
        assert parse_expression(str(result)) == result
