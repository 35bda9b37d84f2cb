"""positions.pfl: reader, canonical writer, errors with their place, the
database section and decompile, and what the validator does with it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from mdict.cli import main
from mdict.db.build import open_profiles_folder
from mdict.db.database import Database, open_database
from mdict.errors import ProfileError
from mdict.positions import (
    AttributePositions,
    Position,
    PositionsProfile,
    SectionPositions,
    format_positions,
    parse_positions,
    read_positions,
)
from mdict.validation.validator import Validator
from tools.defects import ct_image

DB_FOLDER = Path(__file__).resolve().parent / "data" / "private" / "db"

SAMPLE = """\
# Positions of a test database.

[ STANDARD_CT, C_STORE_RQ ]
0008,0008 = 1 E, 2 E, 3 D required

[ CODE, ITEM ]
0008,0100 = 1 required
"""


def test_sample_reads_and_writes_back_byte_for_byte() -> None:
    profile = parse_positions(SAMPLE)
    assert profile.header == ("Positions of a test database.",)
    [ct, item] = profile.sections
    assert (ct.name, ct.command, item.command) == ("STANDARD_CT", "C_STORE_RQ", "ITEM")
    assert ct.attributes == (
        AttributePositions(
            0x00080008, (Position(1, "E"), Position(2, "E"), Position(3, "D", True))
        ),
    )
    assert item.attributes[0].positions == (Position(1, None, True),)
    assert format_positions(profile) == SAMPLE


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("0008,0008 = 1 E\n", 1, 1, "expected a section header"),
        ("[ A, C_STORE_RQ ]\n0008,008 = 1 E\n", 2, 1, "expected a tag like '0008,0008 = ...'"),
        ("[ A, C_STORE_RQ ]\n0008,0008 = 1 X\n", 2, 13, "expected a position like '1 E'"),
        ("[ A, C_STORE_RQ ]\n0008,0008 = 1\n", 2, 13, "expected a position like '1 E'"),
        ("[ A, C_STORE_RQ ]\n0008,0008 = 2 E, 1 E\n", 2, 18, "ascending order, found 1 after 2"),
        ("[ A, C_STORE_RQ ]\n0008,0008 = 1 E 2 E\n", 2, 16, "expected ',' or the end"),
        (
            "[ A, C_STORE_RQ ]\n0008,0008 = 1 E\n0008,0008 = 2 D\n",
            3,
            1,
            "found 0008,0008 again (first on line 2)",
        ),
        ("[ A, ITEM ]\n\n[ A, ITEM ]\n", 3, 1, "found [ A, ITEM ] again (first on line 1)"),
    ],
)
def test_errors_name_their_place(text: str, line: int, column: int, message: str) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_positions(text, "p.pfl")
    first = caught.value.first
    assert (first.file, first.line, first.column) == ("p.pfl", line, column)
    assert message in first.message


def test_every_bad_line_is_reported() -> None:
    text = "[ A, ITEM ]\n" + "0008,0008 = 0 E\n" * 3
    with pytest.raises(ProfileError) as caught:
        parse_positions(text)
    assert [d.line for d in caught.value.diagnostics] == [2, 3, 4]


_positions = st.lists(
    st.tuples(st.sampled_from(["E", "D", None]), st.booleans()).filter(
        lambda p: p[0] is not None or p[1]
    ),
    min_size=1,
    max_size=5,
)
_attributes = st.dictionaries(st.integers(0, 0xFFFFFFFF), _positions, max_size=3)
_sections = st.dictionaries(
    st.tuples(
        st.from_regex(r"[A-Z][A-Z0-9_]{0,8}", fullmatch=True),
        st.sampled_from(["C_STORE_RQ", "ITEM"]),
    ),
    _attributes,
    max_size=3,
)


@given(_sections, st.lists(st.from_regex(r"[a-z ]{0,10}", fullmatch=True), max_size=2))
def test_write_then_parse_is_the_identity(
    sections: dict[tuple[str, str], dict[int, list[tuple[str | None, bool]]]], header: list[str]
) -> None:
    profile = PositionsProfile(
        tuple(
            SectionPositions(
                name,
                command,
                tuple(
                    AttributePositions(
                        tag,
                        tuple(
                            Position(i, kind, required)  # type: ignore[arg-type]
                            for i, (kind, required) in enumerate(places, 1)
                        ),
                    )
                    for tag, places in attributes.items()
                ),
            )
            for (name, command), attributes in sections.items()
        ),
        tuple(h.strip() for h in header),
    )
    assert parse_positions(format_positions(profile)) == profile


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "profiles"
    shutil.copytree(DB_FOLDER, folder)
    (folder / "positions.pfl").write_text(SAMPLE)
    return folder


def test_mdict_info_embeds_positions_and_decompile_writes_them_back(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    out = tmp_path / "x.msg"
    result = CliRunner().invoke(main, ["info", str(folder / "info.pfl"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 sections with value positions" in result.output
    db = open_database(out)
    assert [s.file for s in db.header.sources if s.role == "positions"] == ["positions.pfl"]
    found = db.positions("STANDARD_CT", "C_STORE_RQ")
    assert found is not None and found == parse_positions(SAMPLE).sections[0]
    assert db.positions(1, "C_STORE_RQ") == found
    back = tmp_path / "back"
    result = CliRunner().invoke(main, ["decompile", str(out), "-o", str(back)])
    assert result.exit_code == 0, result.output
    assert (back / "positions.pfl").read_text() == SAMPLE
    bad = tmp_path / "bad.pfl"
    bad.write_text("[ STANDARD_CT, C_STORE_RQ ]\n0008,0008 = 1 Q\n")
    result = CliRunner().invoke(
        main, ["info", str(folder / "info.pfl"), "--positions", str(bad), "-o", str(out)]
    )
    assert result.exit_code != 0 and f"{bad}:2:13: error" in result.output


@pytest.mark.parametrize("how", ["compiled", "folder"])
def test_the_validator_reports_each_position_at_its_own_severity(how: str, tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    db: Database
    if how == "folder":
        db = open_profiles_folder(folder)
    else:
        out = tmp_path / "x.msg"
        CliRunner().invoke(main, ["info", str(folder / "info.pfl"), "-o", str(out)])
        db = open_database(out)
    validator = Validator(db)
    ds = ct_image()

    def found(image_type: list[str]) -> set[tuple[str, str, int | None]]:
        ds.ImageType = image_type
        report = validator.validate(ds, level="warnings")
        return {(f.code, f.severity, f.value_index) for f in report if f.tag == 0x00080008}

    assert found(["ORIGINAL", "PRIMARY", "AXIAL"]) == set()
    assert found(["ORIGINAL", "OTHER", "AXIAL"]) == {("NOT_ONE_OF_ENUMERATED_VALUES", "error", 2)}
    assert found(["ORIGINAL", "PRIMARY"]) == {("VALUE_REQUIRED_AT_POSITION", "error", 3)}
    assert found(["ORIGINAL", "PRIMARY", ""]) == {("VALUE_REQUIRED_AT_POSITION", "error", 3)}


def test_the_standard_profiles_positions_read_and_cover_ct_image_type() -> None:
    profile = read_positions(Path(__file__).resolve().parent.parent / "profiles" / "positions.pfl")
    ct = profile.get("STANDARD_CT", "C_STORE_RQ")
    assert ct is not None
    [image_type] = [a for a in ct.attributes if a.tag == 0x00080008]
    assert [str(p) for p in image_type.positions][:3] == ["1 E", "2 E", "3 D required"]
