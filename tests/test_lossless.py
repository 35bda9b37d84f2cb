"""Merge fidelity: every value-list form of the format reference reads, and
Merge-style files (banners, comment blocks, every value-list form) come back
from fmt, dcomb and icomb with every comment line in place."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from strategies import GROUP_SEPARATORS, VALUE_SEPARATORS, values_text

from mdict import formats
from mdict.cli import main
from mdict.parse import parse_info, read_info
from mdict.write import format_info

DATA = Path(__file__).parent / "data"
VALUES = DATA / "values"
MERGE = DATA / "merge"

# ---------------------------------------------------------------------------
# Value lists: a fixture per form
# ---------------------------------------------------------------------------

ORIG = ("ORIGINAL", "DERIVED", "MIXED")
FORMS: dict[str, list[tuple[tuple[str, ...], ...]]] = {
    "comma_between_groups": [(ORIG, ("PRIMARY",), ("ANGIO", "CARDIAC"))],
    "comma_space_between_groups": [(ORIG, ("PRIMARY",), ("ANGIO", "CARDIAC"))],
    "nothing_between_groups": [(("A", "P", "R", "L", "H", "F"),) * 2],
    "space_between_groups": [(("ORIGINAL", "DERIVED"), ("PRIMARY", "SECONDARY"))],
    "mixed_in_one_list": [
        (("ORIGINAL", "DERIVED"), ("PRIMARY",), ("CORNEAL_TOPO",), ("A", "B")),
    ],
    "empty_list": [(), ()],
    "backslash": [(("F\\R GERMINAL MATRIX", "HEAD"),)],
    "printable": [(("a/b's & c+d. 50%-x", "[brackets]*?!", "é"),)],
    "value_separators": [(("M", "F", "O", "X", "Y"),)],
    "lower_hex": [],
    "crlf": [(("M", "F", "O"),)],
    "tabs": [(("A",), ("B",)), (("M", "F", "O"),)],
    "trailing_blanks": [(("M", "F", "O"),)],
    "latin1": [(("M\xe4DCHEN", "JUNGE"),)],
}
CHANGED = {
    # what the writer changes: hex case, line ends, trailing blanks, the encoding
    "lower_hex": "[ 0001, C_STORE_RQ ]\n0019,siemens mr header,0A@CS@3@@;\n7FE0,0010@OW@1@@;\n",
    "crlf": "[ 0001, C_STORE_RQ ]\n0010,0040@CS@2@@E<M,F,O>;\n",
    "trailing_blanks": "[ 0001, C_STORE_RQ ]\n0010,0040@CS@2@@E<M,F,O>;\n",
    "latin1": "[ 0001, C_STORE_RQ ]\n0010,0040@CS@2@@E<M\xe4DCHEN,JUNGE>;\n",
}


def test_every_form_has_a_fixture() -> None:
    assert {p.stem for p in VALUES.iterdir()} == set(FORMS)


@pytest.mark.parametrize("form", sorted(FORMS))
def test_every_value_list_form_reads_and_is_written_back_as_read(form: str) -> None:
    path = VALUES / f"{form}.pfl"
    profile = read_info(path)
    lists = [ln.values for s in profile.sections for ln in s.lines if ln.values is not None]
    assert [v.groups for v in lists] == FORMS[form]
    written = format_info(profile)
    original = path.read_bytes().decode("utf-8", errors="strict") if form != "latin1" else ""
    assert written == CHANGED.get(form, original)


def test_an_empty_list_constrains_nothing() -> None:
    (line, sq) = read_info(VALUES / "empty_list.pfl").sections[0].lines
    assert line.values is not None and line.values.empty
    assert line.values.allowed(0) is None
    assert sq.item_names == ()


def test_two_spellings_of_one_list_are_equal() -> None:
    a = parse_info("[ 1, ITEM ]\n0008,0008@CS@1@@D<(A,B),(C)>;\n").sections[0].lines[0]
    b = parse_info("[ 1, ITEM ]\n0008,0008@CS@1@@D<(A, B) (C)>;\n").sections[0].lines[0]
    assert a == b
    assert str(a.values) != str(b.values)


@st.composite
def spelled_lists(draw: st.DrawFn) -> tuple[str, tuple[tuple[str, ...], ...], bool]:
    """A value list body mixing every separator style, and what it means."""
    separators = st.sampled_from(VALUE_SEPARATORS)
    groups = draw(
        st.lists(st.lists(values_text, min_size=1, max_size=4).map(tuple), min_size=1, max_size=4)
    )
    spelled = [g[0] + "".join(draw(separators) + v for v in g[1:]) for g in groups]
    if draw(st.booleans()):
        return spelled[0], (groups[0],), False
    parts = [f"({p})" for p in spelled]
    body = parts[0] + "".join(draw(st.sampled_from(GROUP_SEPARATORS)) + p for p in parts[1:])
    return body, tuple(groups), True


@given(spelled_lists(), st.sampled_from(["E", "D"]))
def test_any_mix_of_separators_reads_and_comes_back_exactly(
    case: tuple[str, tuple[tuple[str, ...], ...], bool], kind: str
) -> None:
    body, groups, per_position = case
    line = f"0008,0008@CS@1@@{kind}<{body}>;"
    read = parse_info(f"[ 0001, C_STORE_RQ ]\n{line}\n").sections[0].lines[0]
    assert read.values is not None
    assert (read.values.groups, read.values.per_position) == (groups, per_position)
    assert format_info(parse_info(f"[ 0001, C_STORE_RQ ]\n{line}\n")).split("\n")[1] == line


# ---------------------------------------------------------------------------
# Merge-style files: fmt changes nothing, comments survive dcomb and icomb
# ---------------------------------------------------------------------------

MERGE_FILES = {
    "mergecom.srv": "services",
    "info.pfl": "info",
    "mc3icomb.cfg": "config",
    "mc3dcomb.pfl": "dictionary",
}


def _comments(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.lstrip().startswith("#")]


@pytest.mark.parametrize("name", sorted(MERGE_FILES))
def test_a_merge_style_file_is_written_back_byte_for_byte(name: str) -> None:
    f = formats.get(MERGE_FILES[name])
    text = (MERGE / name).read_text(encoding="utf-8")
    assert f.format(f.parse(text, name)) == text


def test_fmt_check_accepts_merge_style_files_as_they_are(tmp_path: Path) -> None:
    for name in MERGE_FILES:
        shutil.copy(MERGE / name, tmp_path / name)
    paths = [str(tmp_path / name) for name in MERGE_FILES]
    result = CliRunner().invoke(main, ["fmt", "--check", *paths])
    assert (result.exit_code, result.output) == (0, "")


def test_a_merge_generated_info_changes_only_in_hex_case_and_line_ends() -> None:
    text = (MERGE / "info.pfl").read_text(encoding="utf-8")
    lowered = text.replace("7FE0", "7fe0").replace("0008,1199", "0008,1199").replace("\n", "\r\n")
    assert format_info(parse_info(lowered)) == text


def test_fmt_keeps_every_comment_of_a_reordered_dictionary(tmp_path: Path) -> None:
    text = (MERGE / "mc3dcomb.pfl").read_text(encoding="utf-8")
    lines = text.split("\n")
    acme = lines.index("# ACME Imaging Group private block (group 0009)")
    siemens = lines.index(
        "# Siemens block kept for old images (two spaces in the creator are real)"
    )
    block = lines[siemens:-3]  # the 0019 block with its comment, moved before the 0009 block
    moved = "\n".join([*lines[: acme - 1], "", *block, *lines[acme - 1 : siemens - 1], *lines[-3:]])
    path = tmp_path / "diction.pfl"
    path.write_text(moved)
    result = CliRunner().invoke(main, ["fmt", str(path)])
    assert result.exit_code == 0
    assert path.read_text() == text


def test_dcomb_keeps_the_comments_of_both_inputs(tmp_path: Path) -> None:
    addition = tmp_path / "private.pfl"
    addition.write_text(
        "# our own block\n"
        "\n"
        "# the reconstruction kernel\n"
        "Kernel,0009,ACME Imaging Group,30,LO,1\n"
        "# also in the base, with this comment\n"
        "Patient's Name,0010,0010,PN,1\n"
    )
    out = tmp_path / "diction.pfl"
    result = CliRunner().invoke(
        main, ["dcomb", str(MERGE / "mc3dcomb.pfl"), str(addition), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    written = out.read_text()
    base = (MERGE / "mc3dcomb.pfl").read_text()
    assert sorted(_comments(written)) == sorted(_comments(base) + _comments(addition.read_text()))
    assert written.startswith(base.split("\n\n")[0] + "\n\n# our own block\n")
    assert "# the reconstruction kernel\nKernel,0009,ACME Imaging Group,30,LO,1\n" in written
    assert "# also in the base, with this comment\nPatient's Name,0010,0010,PN,1\n" in written


def test_icomb_keeps_every_comment_and_adds_the_configurations(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "icomb",
            "--services",
            str(MERGE / "mergecom.srv"),
            "--info",
            str(MERGE / "info.pfl"),
            "--config",
            str(MERGE / "mc3icomb.cfg"),
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    services = (out / "mergecom.srv").read_text()
    info = (out / "info.pfl").read_text()
    srv_text = (MERGE / "mergecom.srv").read_text()
    assert services.startswith(srv_text.split("\n\n")[0])  # the banner stays on top
    for comment in _comments(srv_text):
        assert comment in services.split("\n"), comment
    assert "# A service of our own: the dummy management service.\n[0005]\n" in services
    assert (
        "# Our scanners add a private reconstruction name to every CT image.\n"
        "0009,ACME Imaging Group,2A@PN@3@@;\n"
        "# the private sequence holds our own item (see below)\n"
        "0009,ACME Imaging Group,2C@SQ@3@@E<MY_PRIVATE_ITEM>;\n"
    ) in info
    # value lists of every form come back as they were read
    for line in (MERGE / "info.pfl").read_text().split("\n"):
        if "<" in line and "1C(A00081160_PRESENT)" not in line:
            assert line in info.split("\n"), line


def test_fmt_subprocess_keeps_a_banner(tmp_path: Path) -> None:
    path = tmp_path / "mergecom.srv"
    text = (MERGE / "mergecom.srv").read_text()
    path.write_text(text.replace("    STANDARD_CT    ", "  STANDARD_CT      ", 1))
    done = subprocess.run(
        [sys.executable, "-m", "mdict", "fmt", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert path.read_text() == text


def test_diff_of_an_empty_list_and_values_names_the_values() -> None:
    from mdict.private.diff import diff_info

    old = parse_info("[ 0001, C_STORE_RQ ]\n0008,0008@CS@1@@D<>;\n")
    new = parse_info("[ 0001, C_STORE_RQ ]\n0008,0008@CS@1@@D<A, B>;\n")
    (change,) = diff_info(old, new)
    assert (change.old, change.new, change.hint) == ("D<>", "D<A, B>", "added A, B")
    assert diff_info(new, parse_info("[ 0001, C_STORE_RQ ]\n0008,0008@CS@1@@D<B,A>;\n")) == []
