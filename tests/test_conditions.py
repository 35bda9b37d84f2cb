"""The conditions language: one test per grammar rule, errors, the writer."""

from __future__ import annotations

import re
from pathlib import Path as FilePath

import pytest

from mdict import conditions as c
from mdict.conditions import (
    And,
    AttributeTag,
    Compare,
    CountOf,
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
    read_conditions,
)
from mdict.errors import ProfileError
from mdict.model.conditions import ConditionsProfile
from mdict.parse.conditions import ConditionsTransformer

DATA = FilePath(__file__).parent / "data" / "conditions"
MODALITY = Path((Step(0x00080060),))
ROWS = Path((Step(0x00280010),))


def test_every_grammar_rule_has_a_handler() -> None:
    grammar = (FilePath(c.__file__).parent.parent / "grammars" / "conditions.lark").read_text()
    names = set(re.findall(r"^\??([a-z_]+):", grammar, re.M))
    names |= set(re.findall(r"->\s*([a-z_]+)", grammar))
    inlined = {"expr", "not_test", "atom", "selector", "constant", "operand", "element", "anchor"}
    missing = {n for n in names - inlined if not hasattr(ConditionsTransformer, n)}
    assert not missing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", Truth(True)),
        ("false", Truth(False)),
        ("unknown", Truth(None)),
        ("IS_AXIAL", Ref("IS_AXIAL")),
        ('holds("weird, name")', Ref("weird, name")),
        ("present(Modality)", Present(MODALITY)),
        ("present((0008,0060))", Present(MODALITY)),
        ("present((0008,0060) Modality)", Present(MODALITY)),
        ("present((0009,10aB))", Present(Path((Step(0x000910AB),)))),
        ("has_value(Modality)", HasValue(MODALITY)),
        ("group_present(0x0002)", GroupPresent(2)),
        (
            'has_code(AnatomicRegionSequence, "T-1", "SRT")',
            HasCode(Path((Step(0x00082218),)), "T-1", "SRT"),
        ),
        ('value(Modality) == "CT"', Compare(ValueOf(MODALITY), "==", "CT")),
        ("value(Rows, 2) != 5", Compare(ValueOf(ROWS, 2), "!=", 5)),
        ("value(Rows) < 1.5", Compare(ValueOf(ROWS), "<", 1.5)),
        ("value(Rows) <= -2", Compare(ValueOf(ROWS), "<=", -2)),
        ("value(Rows) > 1e3", Compare(ValueOf(ROWS), ">", 1000.0)),
        ("value(Rows) >= +7", Compare(ValueOf(ROWS), ">=", 7)),
        (
            "value(Rows) == (0018,9304)",
            Compare(ValueOf(ROWS), "==", AttributeTag(0x00189304)),
        ),
        ('value(Modality) == "a \\"q\\" \\\\"', Compare(ValueOf(MODALITY), "==", 'a "q" \\')),
        ("count(Rows) > 1", Compare(CountOf(ROWS), ">", 1)),
        ("items(Rows) == 1", Compare(ItemsOf(ROWS), "==", 1)),
        ('value(Modality) in ("CT", 1)', OneOf(ValueOf(MODALITY), ("CT", 1))),
        ("not true", Not(Truth(True))),
        ("not not false", Not(Not(Truth(False)))),
        ("A and B and C", And((Ref("A"), Ref("B"), Ref("C")))),
        ("A or B or C", Or((Ref("A"), Ref("B"), Ref("C")))),
        ("A or B and C", Or((Ref("A"), And((Ref("B"), Ref("C")))))),
        ("not A and B", And((Not(Ref("A")), Ref("B")))),
        ("(A or B) and C", And((Or((Ref("A"), Ref("B"))), Ref("C")))),
        ("(A and B) and C", And((And((Ref("A"), Ref("B"))), Ref("C")))),
        ("A # a comment\n  or B", Or((Ref("A"), Ref("B")))),
    ],
)
def test_expressions(text: str, expected: c.Expression) -> None:
    assert parse_expression(text) == expected
    assert parse_expression(str(expected)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("present(/Modality)", Path((Step(0x00080060),), root=True)),
        ("present(../Modality)", Path((Step(0x00080060),), up=1)),
        ("present(../../Modality)", Path((Step(0x00080060),), up=2)),
        (
            "present(/(5200,9230)[1]/(0028,9110)/PixelSpacing)",
            Path((Step(0x52009230, 1), Step(0x00289110), Step(0x00280030)), root=True),
        ),
        (
            "present(ReferencedImageSequence[*]/ReferencedSOPClassUID)",
            Path((Step(0x00081140), Step(0x00081150))),
        ),
    ],
)
def test_paths(text: str, expected: Path) -> None:
    assert parse_expression(text) == Present(expected)
    assert parse_expression(str(Present(expected))) == Present(expected)


def test_writer_names_elements_by_tag_and_keyword() -> None:
    expr = parse_expression("present(/SharedFunctionalGroupsSequence[1]/(0028,9110))")
    assert str(expr) == (
        "present(/(5200,9229) SharedFunctionalGroupsSequence[1]/(0028,9110) PixelMeasuresSequence)"
    )
    assert str(parse_expression("present((0009,1010))")) == "present((0009,1010))"
    assert str(Ref("and")) == 'holds("and")'
    assert str(Not(And((Ref("A"), Ref("B"))))) == "not (A and B)"
    assert str(Or((And((Ref("A"), Ref("B"))), Ref("C")))) == "(A and B) or C"


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("present(", 9, "expected a name, '../', '/' or a tag (GGGG,EEEE), found end"),
        ("present(Nope)", 9, "expected a tag (GGGG,EEEE) or a DICOM keyword, found Nope"),
        ("present((0008,0016) Modality)", 21, "expected the keyword of (0008,0016)"),
        ("present((0009,0010) Modality)", 21, "expected no keyword after (0009,0010)"),
        ("value(Rows, 0) == 1", 13, "expected a value number (a whole number from 1)"),
        ("value(Rows, 1.5) == 1", 13, "expected a value number"),
        ("present(ReferencedImageSequence[0]/Rows)", 33, "expected an item number"),
        ("present(Rows[1])", 14, "expected '/' and an element after an item number"),
        ("value(Rows) >> 1", 14, "found '>'"),
        ("A and", 6, "expected an expression, found end of definition"),
        ('value(Rows) == "x', 16, "found '\"x'"),
        ("present(Rows) present(Rows)", 15, "found 'present'"),
    ],
)
def test_expression_errors(text: str, column: int, message: str) -> None:
    with pytest.raises(ProfileError) as info:
        parse_expression(text)
    (diagnostic,) = info.value.diagnostics
    assert (diagnostic.line, diagnostic.column) == (1, column)
    assert message in diagnostic.message


def test_valid_profile_reads_and_round_trips() -> None:
    profile = read_conditions(DATA / "valid.pfl")
    assert len(profile) == 14
    assert profile.header[0].startswith("A conditions profile")
    first = profile.definitions[0]
    assert first.name == "HAS_PIXEL_MEASURES"
    assert first.loc is not None and (first.loc.line, first.loc.file) == (
        5,
        str(DATA / "valid.pfl"),
    )
    assert first.comment == ("sequence items and paths from the root",)
    assert isinstance(first.expression, Or)
    assert profile.get("a name, with spaces") == Truth(True)
    assert profile.get("MISSING") is None
    text = format_conditions(profile)
    again = parse_conditions(text)
    assert again == profile
    assert [d.comment for d in again] == [d.comment for d in profile]
    assert again.header == profile.header
    assert format_conditions(again) == text
    assert profile.texts()["CT_IMAGE"] == (
        'value(/(0008,0016) SOPClassUID) == "1.2.840.10008.5.1.4.1.1.2"'
    )


def test_long_definitions_are_written_one_operand_per_line() -> None:
    text = format_conditions({"LONG": parse_expression(" or ".join(["present(Rows)"] * 8))})
    lines = text.splitlines()
    assert lines[0] == "LONG = present((0028,0010) Rows)"
    assert lines[1:] == ["    or present((0028,0010) Rows)"] * 7
    short = format_conditions({"SHORT": parse_expression("A and B")})
    assert short == "SHORT = A and B\n"


def test_every_bad_definition_is_reported() -> None:
    with pytest.raises(ProfileError) as info:
        read_conditions(DATA / "invalid_syntax.pfl")
    found = [(d.line, d.column) for d in info.value.diagnostics]
    assert found == [(1, 29), (2, 18)]
    assert info.value.diagnostics[1].source_line == "B = value(Rows) >> 3"


def test_unknown_keyword_is_one_error_with_its_place() -> None:
    with pytest.raises(ProfileError) as info:
        read_conditions(DATA / "invalid_keyword.pfl")
    (d,) = info.value.diagnostics
    assert (d.line, d.column) == (2, 15)
    assert d.file.endswith("invalid_keyword.pfl")
    assert "found PatientNam" in d.message


def test_duplicate_names_are_errors() -> None:
    with pytest.raises(ProfileError, match=r"A is defined twice \(first on line 1\)"):
        read_conditions(DATA / "invalid_duplicate.pfl")


def test_continuation_lines_and_comments_inside_a_definition() -> None:
    profile = parse_conditions("A = present(Rows)\n  # why\n\tand present(Columns)\nB = A\n")
    assert [d.name for d in profile] == ["A", "B"]
    assert isinstance(profile.get("A"), And)
    assert profile.definitions[1].loc is not None and profile.definitions[1].loc.line == 4


def test_errors_in_continuation_lines_point_at_the_right_line() -> None:
    with pytest.raises(ProfileError) as info:
        parse_conditions("# h\n\nA = present(Rows)\n    and present(Nope)\n", "f.pfl")
    d = info.value.first
    assert (d.file, d.line, d.column) == ("f.pfl", 4, 17)


def test_a_profile_without_definitions_is_an_error_like_every_empty_profile() -> None:
    for text in ("", "# only a header\n"):
        with pytest.raises(ProfileError) as info:
            parse_conditions(text, "c.pfl")
        d = info.value.first
        assert (d.file, d.line, d.column) == ("c.pfl", 1, 1)
        assert d.message == "expected a definition (NAME = expression), found an empty file"
    assert format_conditions(ConditionsProfile((), ("only a header",))) == "# only a header\n\n"


def test_write_conditions_writes_atomically(tmp_path: FilePath) -> None:
    target = tmp_path / "out.pfl"
    profile = read_conditions(DATA / "valid.pfl")
    c.write_conditions(profile, target)
    assert read_conditions(target) == profile
