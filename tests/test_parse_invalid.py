"""Every file in tests/data/invalid gives one exact first error; bad input
never raises anything but ProfileError or InputFileError."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mdict.errors import InputFileError, ProfileError
from mdict.parse import (
    parse_combine_config,
    parse_dictionary,
    parse_info,
    parse_services,
    read_combine_config,
    read_dictionary,
    read_info,
    read_services,
)

INVALID = Path(__file__).parent / "data" / "invalid"
READERS = {
    "diction": read_dictionary,
    "info": read_info,
    "mergecom": read_services,
    "mc3icomb": read_combine_config,
}

CASES = [
    ("diction_bad_vr.pfl", 1, 15, "expected a VR (AE, CS, ..., UNKNOWN_VR), found 'XX'"),
    ("diction_bad_element.pfl", 1, 16, "expected an element byte (2 hex digits), found '1G'"),
    ("diction_bad_vm.pfl", 1, 18, "expected a VM (1, 1-3, 1-n, 2-2n, N), found '2-3n'"),
    (
        "info_no_header.pfl",
        1,
        1,
        "expected a section header ([ NNNN, COMMAND ]), found an attribute line",
    ),
    (
        "info_bad_command.pfl",
        1,
        9,
        "expected a DIMSE command (C_STORE_RQ, ...) or ITEM, found 'C_STORE_XX'",
    ),
    (
        "info_bad_vt.pfl",
        2,
        14,
        "expected a value type (1, 1C, 2, 2C, 3, 1C(Condition), 2C(Condition)), found '4'",
    ),
    ("info_empty_value.pfl", 2, 21, "expected a value, found ','"),
    ("info_truncated.pfl", 2, 16, "expected the fourth field and '@', found end of line"),
    (
        "mergecom_bad_count.srv",
        2,
        35,
        "expected NUMBER_OF_SERVICES_SUPPORTED = 1 (the services listed), found 2",
    ),
    (
        "mc3icomb_bad_order.cfg",
        2,
        3,
        "expected [ PRIVATE_SERVICE_SECTION ], found [ PRIVATE_ITEM_SECTION ]",
    ),
]


@pytest.mark.parametrize(("name", "line", "column", "message"), CASES, ids=[c[0] for c in CASES])
def test_invalid_file_gives_exact_error(name: str, line: int, column: int, message: str) -> None:
    path = INVALID / name
    with pytest.raises(ProfileError) as info:
        READERS[name.split("_")[0]](path)
    first = info.value.first
    assert (first.file, first.line, first.column, first.message) == (
        str(path),
        line,
        column,
        message,
    )
    assert "^" in first.render()


def test_every_invalid_file_has_a_case() -> None:
    named = {c[0] for c in CASES} | {"empty.pfl", "binary.pfl"}
    assert {p.name for p in INVALID.iterdir()} == named


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.pfl", "empty file, expected a profile"),
        ("binary.pfl", "binary data (NUL byte at offset 0), expected a text profile"),
    ],
)
def test_unreadable_files(name: str, reason: str) -> None:
    with pytest.raises(InputFileError) as info:
        read_dictionary(INVALID / name)
    assert info.value.reason == reason


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        read_info(tmp_path / "nope.pfl")
    with pytest.raises(InputFileError, match="is a directory"):
        read_info(tmp_path)


def test_utf16_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "utf16.pfl"
    path.write_bytes("Name,0010,0010,PN,1\n".encode("utf-16"))
    with pytest.raises(InputFileError, match="UTF-16 text, expected UTF-8 or latin-1"):
        read_dictionary(path)


def test_control_characters_are_binary(tmp_path: Path) -> None:
    path = tmp_path / "garbage.pfl"
    path.write_bytes(b"\x01\x02\x03garbage")
    with pytest.raises(InputFileError, match="binary data"):
        read_dictionary(path)


def test_huge_line_is_one_clear_error() -> None:
    text = "[ 0001, C_STORE_RQ ]\n" + "0008,0012@DA@3@@E<" + "A" * 1_000_000 + ">;\n"
    with pytest.raises(ProfileError) as info:
        parse_info(text, "huge.pfl")
    assert len(info.value.diagnostics) == 1
    assert info.value.first.line == 2
    assert info.value.first.message.startswith("line is too long (1000020 characters")


def test_several_errors_are_all_reported_up_to_a_limit() -> None:
    text = "".join(f"Bad,0010,{i:04X},XX,1\n" for i in range(30))
    with pytest.raises(ProfileError) as info:
        parse_dictionary(text, "many.pfl")
    lines = [d.line for d in info.value.diagnostics]
    assert lines[:20] == list(range(1, 21))
    assert info.value.diagnostics[-1].message == "too many errors, stopped after 20"


def test_same_bad_line_is_reported_where_it_occurs() -> None:
    text = "[ 0001, C_STORE_RQ ]\n0008,0012@DA@9@@;\n0008,0013@TM@3@@;\n0008,0012@DA@9@@;\n"
    with pytest.raises(ProfileError) as info:
        parse_info(text, "dup.pfl")
    assert [d.line for d in info.value.diagnostics] == [2, 4]


PARSERS = [parse_dictionary, parse_services, parse_info, parse_combine_config]


@given(st.sampled_from(PARSERS), st.text(alphabet=st.characters(codec="latin-1"), max_size=200))
def test_fuzzed_text_only_raises_profile_errors(parse: object, text: str) -> None:
    try:
        parse(text, "fuzz")  # type: ignore[operator]
    except ProfileError as exc:
        assert exc.diagnostics
        assert all(d.line >= 1 and d.column >= 1 for d in exc.diagnostics)


@given(
    st.sampled_from(PARSERS),
    st.lists(
        st.sampled_from(
            [
                "[ 0001, C_STORE_RQ ]",
                "[SERVICE_TABLE]",
                "[ EXISTING_SERVICE_SECTION ]",
                "0008,0012@DA@3@@;",
                "0009,ACME,10@PN@1C(X)@@E<(A)(B)>;",
                "Name,0010,0010,PN,1",
                "NAME = X",
                "NUMBER_OF_ITEMS_SUPPORTED = 1",
                "[0001]",
                "@@;<>()",
                "",
            ]
        ),
        max_size=12,
    ),
)
def test_fuzzed_line_mixes_only_raise_profile_errors(parse: object, lines: list[str]) -> None:
    try:
        parse("\n".join(lines), "fuzz")  # type: ignore[operator]
    except ProfileError as exc:
        assert exc.diagnostics


def test_a_tag_is_named_once_in_the_expected_list() -> None:
    # An info.pfl given as a dictionary: "expected a tag (GGGG,EEEE or
    # GGGG,Creator,EB)", not "... or a tag (GGGG,EEEE)" again.
    from mdict.parse import parse_dictionary

    with pytest.raises(ProfileError) as caught:
        parse_dictionary("[ 0001, C_STORE_RQ ]\n", "info.pfl")
    message = caught.value.diagnostics[0].message
    assert message == "expected a tag (GGGG,EEEE or GGGG,Creator,EB), found ' '"


@pytest.mark.parametrize(
    ("reader", "name", "text", "expected"),
    [
        (
            "read_dictionary",
            "info.pfl",
            "[ 0001, C_STORE_RQ ]\n0010,0010@PN@2@@;\n",
            "expected a dictionary profile (diction.pfl), found a message info profile (info.pfl)",
        ),
        (
            "read_info",
            "diction.pfl",
            "# a comment\nPatient's Name,0010,0010,PN,1\n",
            "expected a message info profile (info.pfl), found a dictionary profile (diction.pfl)",
        ),
        (
            "read_services",
            "x.cfg",
            "[ EXISTING_SERVICE_SECTION ]\n",
            "expected a service profile (mergecom.srv), found an mc3icomb configuration",
        ),
    ],
)
def test_a_profile_of_another_kind_is_one_error(
    tmp_path: Path, reader: str, name: str, text: str, expected: str
) -> None:
    # `mdict dict info.pfl` printed 20 grammar errors; now one line saying what it is.
    import mdict.parse

    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ProfileError) as caught:
        getattr(mdict.parse, reader)(path)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.message == expected
    assert (
        diagnostic.line
        == text.splitlines().index(next(s for s in text.splitlines() if not s.startswith("#"))) + 1
    )


def test_a_broken_profile_of_the_right_kind_keeps_its_errors(tmp_path: Path) -> None:
    from mdict.parse import read_dictionary

    path = tmp_path / "d.pfl"
    path.write_text("Patient's Name,0010,0010,XX,1\nbad\n")
    with pytest.raises(ProfileError) as caught:
        read_dictionary(path)
    assert [d.line for d in caught.value.diagnostics] == [1, 2]
