"""Value format checks per VR (mdict.vr)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mdict.validation.vr import (
    INVALID_LENGTH,
    INVALID_VALUE,
    UNKNOWN_UID_ROOT,
    check_binary_length,
    check_number,
    check_text,
    strip_padding,
)

VALID = [
    ("AE", "STORESCP"),
    ("AE", " LEADING OK"),
    ("AS", "045Y"),
    ("AS", "003W"),
    ("CS", "ORIGINAL"),
    ("CS", "ISO_IR 100"),
    ("DA", "20240229"),
    ("DA", "19991231"),
    ("DS", "1.5"),
    ("DS", "-0.25e-3"),
    ("DS", " 12 "),
    ("DS", ".5"),
    ("DS", "+3."),
    ("DT", "2024"),
    ("DT", "20240102030405.123456+0100"),
    ("DT", "202401020304-0500"),
    ("IS", "-2147483648"),
    ("IS", " 42"),
    ("LO", "A long string with é" * 1),
    ("LT", "line one\r\nline two\twith tab\\and backslash"),
    ("PN", "Doe^John^^Dr.^Jr.=ヤマダ^タロウ=やまだ^たろう"),
    ("SH", "short"),
    ("ST", "x" * 1024),
    ("TM", "23"),
    ("TM", "2359"),
    ("TM", "235960.123456"),
    ("UC", "unlimited " * 100),
    ("UI", "1.2.840.10008.5.1.4.1.1.2"),
    ("UI", "0.0.1"),
    ("UR", "http://example.com/a%20b?q=1#frag"),
    ("UT", "anything\ngoes\\here"),
]

INVALID = [
    ("AE", "BAD\\AE", INVALID_VALUE, "backslash"),
    ("AE", "   ", INVALID_VALUE, "only spaces"),
    ("AE", "A" * 17, INVALID_LENGTH, "at most 16"),
    ("AS", "45Y", INVALID_VALUE, "age"),
    ("AS", "045y", INVALID_VALUE, "age"),
    ("CS", "lower", INVALID_VALUE, "A-Z"),
    ("CS", "DASH-ED", INVALID_VALUE, "A-Z"),
    ("CS", "A" * 17, INVALID_LENGTH, "at most 16"),
    ("DA", "2023.01.01", INVALID_VALUE, "YYYYMMDD"),
    ("DA", "20230230", INVALID_VALUE, "day 30 out of range 01-28"),
    ("DA", "20231301", INVALID_VALUE, "month 13"),
    ("DA", "2023010", INVALID_VALUE, "YYYYMMDD"),
    ("DA", " 20230101", INVALID_VALUE, "starts with a space"),
    ("DS", "1,5", INVALID_VALUE, "decimal"),
    ("DS", "NaN", INVALID_VALUE, "decimal"),
    ("DS", "1.23456789012345678", INVALID_LENGTH, "at most 16"),
    ("DT", "2024010203040", INVALID_VALUE, "date-time"),
    ("DT", "20240102250000", INVALID_VALUE, "hour 25"),
    ("DT", "20240102+1500", INVALID_VALUE, "UTC offset"),
    ("IS", "1.0", INVALID_VALUE, "integer"),
    ("IS", "2147483648", INVALID_VALUE, "out of range"),
    ("IS", "1234567890123", INVALID_LENGTH, "at most 12"),
    ("LO", "x" * 65, INVALID_LENGTH, "at most 64"),
    ("LO", "tab\there", INVALID_VALUE, "control character"),
    ("LO", "é", INVALID_VALUE, "default repertoire"),
    ("PN", "A=B=C=D", INVALID_VALUE, "component groups"),
    ("PN", "a^b^c^d^e^f", INVALID_VALUE, "components"),
    ("PN", "x" * 65, INVALID_LENGTH, "at most 64"),
    ("SH", "x" * 17, INVALID_LENGTH, "at most 16"),
    ("ST", "x" * 1025, INVALID_LENGTH, "at most 1024"),
    ("LT", "x\x00y", INVALID_VALUE, "control character"),
    ("TM", "12:30:00", INVALID_VALUE, "HH[MM"),
    ("TM", "2400", INVALID_VALUE, "hour 24"),
    ("TM", "1260", INVALID_VALUE, "minute 60"),
    ("TM", "125961", INVALID_VALUE, "second 61"),
    ("TM", "120000.1234567", INVALID_VALUE, "HH[MM"),
    ("UI", "1.02.3", INVALID_VALUE, "leading zero"),
    ("UI", "1..3", INVALID_VALUE, "empty component"),
    ("UI", "1.2.a", INVALID_VALUE, "digits"),
    ("UI", "1." + "2" * 63, INVALID_LENGTH, "at most 64"),
    ("UI", "0", INVALID_VALUE, "nothing but zero"),
    ("UI", "0.0.0", INVALID_VALUE, "nothing but zero"),
    ("UI", "3.1.4", INVALID_VALUE, "roots are 0, 1 and 2"),
    ("UI", "1.22.333.4", UNKNOWN_UID_ROOT, "does not exist"),
    ("UR", " http://x", INVALID_VALUE, "starts with a space"),
    ("UR", "http://x/a b", INVALID_VALUE, "URI"),
    ("UC", "a\\b", INVALID_VALUE, "backslash"),
]


@pytest.mark.parametrize(("vr", "value"), VALID)
def test_valid_values(vr: str, value: str) -> None:
    assert check_text(vr, value, extended=True) is None


@pytest.mark.parametrize(("vr", "value", "code", "words"), INVALID)
def test_invalid_values(vr: str, value: str, code: str, words: str) -> None:
    problem = check_text(vr, value)
    assert problem is not None
    assert problem.code == code
    assert words in problem.message


def test_empty_value_is_not_a_format_problem() -> None:
    assert check_text("DA", "") is None


def test_non_ascii_needs_a_character_set_only_for_charset_vrs() -> None:
    assert check_text("LO", "Müller") is not None
    assert check_text("LO", "Müller", extended=True) is None
    problem = check_text("CS", "MÜLLER", extended=True)
    assert problem is not None and "default repertoire only" in problem.message


def test_query_syntax_only_in_query_messages() -> None:
    assert check_text("DA", "20200101-20201231") is not None
    assert check_text("DA", "20200101-20201231", query=True) is None
    assert check_text("DA", "-20201231", query=True) is None
    assert check_text("TM", "0800-", query=True) is None
    assert check_text("DA", "20201301-", query=True) is not None
    assert check_text("DA", "-", query=True) is not None
    assert check_text("PN", "Doe*", query=True) is None
    assert check_text("CS", "ORIG*") is not None
    assert check_text("CS", "ORIG*", query=True) is None


def test_strip_padding() -> None:
    assert strip_padding("UI", "1.2.3\x00") == "1.2.3"
    assert strip_padding("CS", "ABC ") == "ABC"
    assert strip_padding("LO", " lead ") == " lead"
    assert strip_padding("DA", "20200101 ") == "20200101"


@pytest.mark.parametrize(
    ("vr", "value", "ok"),
    [
        ("US", 0, True),
        ("US", 65535, True),
        ("US", 65536, False),
        ("US", -1, False),
        ("SS", -32768, True),
        ("SS", 32768, False),
        ("UL", 2**32, False),
        ("SL", -(2**31) - 1, False),
        ("UV", 2**64 - 1, True),
        ("SV", 2**63, False),
        ("US", 1.5, False),
        ("FL", 3.5e38, False),
        ("FL", 1.0e38, True),
        ("FL", float("inf"), True),
        ("FD", 1e300, True),
    ],
)
def test_number_ranges(vr: str, value: float, ok: bool) -> None:
    assert (check_number(vr, value) is None) is ok


@pytest.mark.parametrize(
    ("vr", "length", "ok"),
    [("US", 4, True), ("US", 3, False), ("FD", 12, False), ("OW", 7, False), ("OB", 7, True)],
)
def test_binary_lengths(vr: str, length: int, ok: bool) -> None:
    problem = check_binary_length(vr, length)
    assert (problem is None) is ok
    if problem:
        assert problem.code == INVALID_LENGTH


@given(
    st.integers(1, 9999),
    st.integers(1, 12),
    st.integers(1, 28),
    st.integers(0, 23),
    st.integers(0, 59),
    st.integers(0, 59),
)
def test_generated_dates_and_times_are_valid(
    year: int, month: int, day: int, hour: int, minute: int, second: int
) -> None:
    assert check_text("DA", f"{year:04d}{month:02d}{day:02d}") is None
    assert check_text("TM", f"{hour:02d}{minute:02d}{second:02d}") is None
    assert check_text("DT", f"{year:04d}{month:02d}{day:02d}{hour:02d}{minute:02d}") is None


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_python_repr_of_floats_fitting_16_chars_is_valid_ds(number: float) -> None:
    text = repr(number)
    if len(text) <= 16 and "inf" not in text:
        assert check_text("DS", text) is None


@given(st.lists(st.integers(0, 2**40), min_size=1, max_size=8))
def test_generated_uids(parts: list[int]) -> None:
    uid = "2.25." + ".".join(str(p) for p in parts)
    assert (check_text("UI", uid) is None) is (len(uid) <= 64)


@given(st.text(max_size=80))
def test_checks_never_raise(text: str) -> None:
    for vr in ("AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "PN", "SH", "TM", "UI", "UR"):
        check_text(vr, text)
        check_text(vr, text, query=True)


def test_unknown_uid_arcs_are_only_a_warning() -> None:
    problem = check_text("UI", "1.9.999.1")
    assert problem is not None and problem.severity == "warning"
    assert check_text("UI", "1.2.840.10008.1.2") is None
    assert check_text("UI", "2.25.1234") is None
