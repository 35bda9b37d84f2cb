"""Comments at the end of a line (``# why``) in mdict's own formats, and
comment lines anywhere in a positions profile: read, kept, written back.
``mdict fmt`` never drops a comment (docs/formats.md)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from mdict.model.core import split_note
from mdict.parse.conditions import parse_conditions
from mdict.parse.modules import parse_modules
from mdict.positions import format_positions, parse_positions
from mdict.write.conditions import format_conditions
from mdict.write.modules import format_modules


def test_split_note_respects_quoted_strings() -> None:
    assert split_note("A = present(X)  # why") == ("A = present(X)", "# why")
    assert split_note('A = value(X) == "a#b"  # c') == ('A = value(X) == "a#b"', "# c")
    assert split_note('A = value(X) == "a\\"#"  #d ') == ('A = value(X) == "a\\"#"', "#d")
    assert split_note("no comment") == ("no comment", "")
    assert split_note('unclosed "a # b') == ('unclosed "a # b', "")


CONDITIONS = """\
# the header

# above A
A = present(PatientName)  # why A
B = not present(PatientID)  # first
    or present(PatientSex)  # second
    # an indented comment line
C = value(Modality) == "C#T"  # after a string with #
# the trailer
"""


def test_conditions_keep_every_comment() -> None:
    out = format_conditions(parse_conditions(CONDITIONS))
    assert out == (
        "# the header\n"
        "\n"
        "# above A\n"
        "A = present((0010,0010) PatientName)  # why A\n"
        "B = not present((0010,0020) PatientID) or present((0010,0040) PatientSex)"
        "  # first # second # an indented comment line\n"
        'C = value((0008,0060) Modality) == "C#T"  # after a string with #\n'
        "# the trailer\n"
    )
    assert format_conditions(parse_conditions(out)) == out  # canonical now


MODULES = """\
# header

[ CT_IMAGE, C_STORE_RQ ]  # the CT
# the patient
Patient (M): 0010,0010 0010,0020  # why
Clinical Trial Subject (U, NEED_MODULE_CLINICAL_TRIAL_SUBJECT): 0012,0010
"""


def test_modules_keep_every_comment() -> None:
    out = format_modules(parse_modules(MODULES))
    assert out == MODULES
    message = parse_modules(MODULES).messages[0]
    assert message.loc is not None and message.loc.note == "# the CT"
    assert message.modules[0].loc is not None and message.modules[0].loc.note == "# why"


POSITIONS = """\
# positions header

# about CT
[ STANDARD_CT, C_STORE_RQ ]  # the CT
# image type
0008,0008 = 1 E, 2 E, 3 D required

0008,0060 = 1 D  # modality
# trailer
"""


def test_positions_keep_every_comment_and_separator() -> None:
    profile = parse_positions(POSITIONS)
    assert format_positions(profile) == POSITIONS
    assert profile.header == ("positions header",)
    [section] = profile.sections
    assert [str(a) for a in section.attributes] == [
        "0008,0008 = 1 E, 2 E, 3 D required",
        "0008,0060 = 1 D",
    ]


NOTE = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E, blacklist_characters="#"), max_size=20
).map(lambda text: "# " + text.strip())


@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C", "D"]), NOTE), min_size=1, max_size=4))
def test_every_end_of_line_comment_survives_fmt(notes: list[tuple[str, str]]) -> None:
    """Whatever ends a definition's lines is in the written text, once."""
    bodies = {"A": "present(PatientName)", "B": "not present(PatientID)", "C": "true", "D": "false"}
    names = list(dict.fromkeys(name for name, _ in notes))
    lines = []
    for name in names:
        mine = " ".join(note for other, note in notes if other == name)
        lines.append(f"{name} = {bodies[name]}  {mine}")
    out = format_conditions(parse_conditions("\n".join(lines) + "\n"))
    for _, note in notes:
        assert note.strip() in out
    assert format_conditions(parse_conditions(out)) == out
    assert len(re.findall(r"^[A-D] = ", out, re.M)) == len(names)


def test_fmt_rewrites_a_positions_profile_and_keeps_its_comments(tmp_path: object) -> None:
    from pathlib import Path

    from click.testing import CliRunner

    from mdict.cli import main

    assert isinstance(tmp_path, Path)
    path = tmp_path / "positions.pfl"
    path.write_text(POSITIONS.replace("1 E, 2 E, 3 D required", "1 E,2 E ,  3 D required"))
    result = CliRunner().invoke(main, ["fmt", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_text() == POSITIONS


def test_a_database_keeps_the_comments_of_modules_and_positions() -> None:
    """Compiled and decompiled, a commented modules or positions profile
    comes back as ``fmt`` writes it: every comment where it was."""
    from mdict.db.database import Database
    from mdict.db.encode import encode_database

    modules, positions = parse_modules(MODULES), parse_positions(POSITIONS)
    data = encode_database("messages", modules=modules, positions=positions)
    db = Database.from_bytes(data, "x.msg")
    db.verify()
    modules_back, positions_back = db.modules_model(), db.positions_model()
    assert modules_back is not None and positions_back is not None
    assert format_modules(modules_back) == format_modules(modules)
    assert format_positions(positions_back) == POSITIONS
    from mdict.db.encode import encode_modules

    bare = encode_modules(parse_modules("[ A, C_STORE_RQ ]\nX (M): 0010,0010\n"))
    assert bare == [[], [["A", "C_STORE_RQ", [["X", "M", None, [0x00100010]]]]]]  # short rows


def test_an_error_on_a_line_with_a_comment_is_located_in_the_line() -> None:
    """The comment is cut off before the line is read: errors keep their
    columns, and a comment never hides one."""
    import pytest

    from mdict.errors import ProfileError

    cases = [
        (parse_positions, "[ A, C_STORE_RQ ]\n0008,0008 = 1 X  # note\n", "p.pfl:2:13: error:"),
        (parse_modules, "[ A, C_STORE_RQ ]\nX (Q): 0010,0010  # note\n", "m.pfl:2:4: error:"),
        (parse_conditions, "A = present(  # note\n", "c.pfl:1:"),
    ]
    for parse, text, where in cases:
        with pytest.raises(ProfileError) as caught:
            parse(text, where.split(":")[0])
        assert str(caught.value).startswith(where), str(caught.value)


DICTIONARY = """\
# ACME private dictionary
# kept in git

# the service fields
Last Serviced By,0009,ACME 1.1,10,LO,1
Patient's Name,0010,0010,PN,1
# a trailer
"""


def test_a_dictionary_database_keeps_the_dictionarys_comments() -> None:
    """mdict dict, then decompile: the header, the lines above each entry
    and the trailer come back, in canonical order."""
    from mdict.db.database import Database
    from mdict.db.encode import encode_database, encode_dictionary
    from mdict.parse.dictionary import parse_dictionary
    from mdict.write.dictionary import format_dictionary

    dictionary = parse_dictionary(DICTIONARY, "d.pfl")
    db = Database.from_bytes(encode_database("dictionary", dictionary=dictionary), "d.msg")
    db.verify()
    back = db.dictionary_model()
    assert back is not None
    assert format_dictionary(back) == format_dictionary(dictionary)
    assert "# the service fields" in format_dictionary(back)
    bare = encode_dictionary(parse_dictionary("Patient's Name,0010,0010,PN,1\n"))
    assert len(bare) == 6  # no comments: the six columns as before
