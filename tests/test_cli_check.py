"""``mdict check`` and ``mdict fmt``; every grammar rule has a handler."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from mdict.cli import main
from mdict.parse._common import InfoTransformer
from mdict.parse._driver import get_parser
from mdict.parse.config import config_parser
from mdict.parse.dictionary import dictionary_parser
from mdict.parse.info import info_parser
from mdict.parse.services import services_parser

DATA = Path(__file__).parent / "data"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_check_prints_one_summary_per_file() -> None:
    code, out, _ = run(
        "check", str(DATA / "valid" / "info.pfl"), str(DATA / "valid" / "mergecom.srv")
    )
    assert code == 0
    assert out.splitlines() == [
        "info.pfl: 4 sections, 13 attributes, 5 condition names",
        "mergecom.srv: 3 services (2 BASE, 1 META), 2 items",
    ]


def test_check_reports_errors_with_caret_and_fails() -> None:
    code, out, err = run("check", str(DATA / "invalid" / "diction_bad_vr.pfl"))
    assert code == 1
    assert out == ""
    assert err.splitlines()[1:] == ["    Foo,0010,0010,XX,1", "                  ^"]
    assert err.splitlines()[0].endswith(
        "diction_bad_vr.pfl:1:15: error: expected a VR (AE, CS, ..., UNKNOWN_VR), found 'XX'"
    )


def test_check_kind_option_overrides_detection() -> None:
    code, _, err = run("check", "--kind", "services", str(DATA / "valid" / "diction.pfl"))
    assert code == 1
    assert "expected" in err


def test_check_against_dictionary_and_services(tmp_path: Path) -> None:
    info = tmp_path / "info.pfl"
    info.write_text("[ 0001, C_FIND_RQ ]\n0010,0010@LO@1@@;\n0010,0020@SQ@3@@E<NO_SUCH_ITEM>;\n")
    code, _, err = run(
        "check",
        "--dictionary",
        str(DATA / "valid" / "diction.pfl"),
        "--services",
        str(DATA / "valid" / "mergecom.srv"),
        str(info),
    )
    assert code == 1
    messages = [line.split(": error: ")[1] for line in err.splitlines() if ": error: " in line]
    assert messages == [
        "expected a command of STANDARD_CT (C_STORE_RQ, C_STORE_RSP), found [ 0001, C_FIND_RQ ]",
        "expected VR PN for (0010,0010) (the dictionary's), found LO",
        "expected a tag of the dictionary, found (0010,0020)",
        "expected an item of the [ITEM_TABLE] in the SQ line of (0010,0020), found 'NO_SUCH_ITEM'",
    ]


def test_check_warns_on_order_and_fails_on_duplicates(tmp_path: Path) -> None:
    info = tmp_path / "info.pfl"
    info.write_text("[ 0001, ITEM ]\n0010,0020@LO@1@@;\n0010,0010@PN@1@@;\n0010,0010@PN@1@@;\n")
    code, _, err = run("check", str(info))
    assert code == 1
    assert (
        ":3:1: warning: expected tags in ascending order, found (0010,0010) after (0010,0020)"
        in err
    )
    assert (
        ":4:1: error: expected each tag once in [ 0001, ITEM ], found (0010,0010) again (first at line 3)"
        in err
    )


def test_check_missing_file_is_one_clear_error() -> None:
    code, _, err = run("check", "/no/such/file.pfl")
    assert code == 2  # input that cannot be read
    assert err.strip() == "/no/such/file.pfl: error: no such file"


@pytest.mark.parametrize("command", ["check", "fmt"])
def test_missing_reference_profile_is_one_clear_error(tmp_path: Path, command: str) -> None:
    # --services / --dictionary naming no file: the same `FILE: error: ...`
    # line as a missing FILE argument (no click "Error: " prefix), exit 2.
    profile = tmp_path / "d.pfl"
    profile.write_text("Patient's Name,0010,0010,PN,1\n")
    code, _, err = run(command, str(profile), "--services", "/no/such/mergecom.srv")
    assert code == 2
    assert err.strip() == "/no/such/mergecom.srv: error: no such file"


def test_fmt_check_lists_non_canonical_files(tmp_path: Path) -> None:
    variant = tmp_path / "info_variants.pfl"
    shutil.copy(DATA / "valid" / "info_variants.pfl", variant)
    before = variant.read_bytes()
    code, out, _ = run("fmt", "--check", str(variant), str(DATA / "valid" / "info.pfl"))
    assert code == 1
    assert out.splitlines() == [f"would reformat {variant}"]
    assert variant.read_bytes() == before


def test_fmt_rewrites_then_is_a_fixed_point(tmp_path: Path) -> None:
    variant = tmp_path / "mergecom.srv"
    shutil.copy(DATA / "valid" / "mergecom_variants.srv", variant)
    code, out, err = run("fmt", str(variant))
    assert (code, out, err.strip()) == (0, "", f"reformatted {variant}")
    text = variant.read_text()
    assert text.startswith("#\n# mergecom.srv")
    code, out, _ = run("fmt", "--check", str(variant))
    assert (code, out) == (0, "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mergecom.srv"]


def test_fmt_leaves_bad_files_alone(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pfl"
    bad.write_text("Foo,0010,0010,XX,1\r\n")
    code, _, err = run("fmt", str(bad))
    assert code == 1
    assert "expected a VR" in err
    assert bad.read_bytes() == b"Foo,0010,0010,XX,1\r\n"


def test_fmt_orders_info_commands_by_services(tmp_path: Path) -> None:
    info = tmp_path / "info.pfl"
    info.write_text("[ 0001, C_STORE_RSP ]\n[ 0001, C_STORE_RQ ]\n")
    code, _, _ = run("fmt", "--services", str(DATA / "valid" / "mergecom.srv"), str(info))
    assert code == 0
    assert info.read_text() == "[ 0001, C_STORE_RQ ]\n[ 0001, C_STORE_RSP ]\n"


def test_console_script_runs_in_a_subprocess() -> None:
    exe = shutil.which("mdict")
    assert exe is not None
    done = subprocess.run(
        [exe, "check", str(DATA / "valid" / "diction.pfl")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout == "diction.pfl: 14 entries (5 private, 2 retired)\n"


@pytest.mark.parametrize(
    "factory", [dictionary_parser, services_parser, info_parser, config_parser]
)
def test_every_grammar_rule_has_a_handler(factory: object) -> None:
    parser = factory()  # type: ignore[operator]
    transformer = type(parser.options.transformer)
    for rule in parser.rules:
        name = rule.alias or rule.origin.name
        name = str(name)
        if name.startswith("_") or rule.options.expand1:
            continue
        assert hasattr(transformer, name), f"{transformer.__name__} has no handler for {name}"
    assert get_parser("info.lark", InfoTransformer()) is info_parser()


CONDITIONS = DATA / "conditions"


def test_check_detects_a_conditions_profile_and_summarises_it() -> None:
    from mdict.conditions import read_conditions

    standard = Path(__file__).parent.parent / "profiles" / "conditions.pfl"
    code, out, _ = run("check", str(standard))
    assert code == 0
    assert out == f"conditions.pfl: {len(read_conditions(standard))} conditions\n"
    code, out, _ = run("check", str(CONDITIONS / "valid.pfl"))
    assert (code, out) == (0, "valid.pfl: 14 conditions\n")


def test_check_reports_conditions_errors_with_place() -> None:
    code, out, err = run("check", str(CONDITIONS / "invalid_syntax.pfl"))
    assert code == 1
    assert out == ""
    assert "invalid_syntax.pfl:1:29: error: expected an expression" in err
    code, _, err = run("check", "--kind", "conditions", str(CONDITIONS / "invalid_duplicate.pfl"))
    assert code == 1
    assert "error:" in err


def test_a_services_profile_is_not_taken_for_conditions() -> None:
    from mdict.parse import detect_kind

    assert detect_kind("NUMBER_OF_ITEMS_SUPPORTED = 0\n[ITEM_TABLE]\n") == "services"
    assert detect_kind('# c\nCT_IMAGE = value(Modality) == "CT"\n') == "conditions"
    assert detect_kind('"odd name" = true\n') == "conditions"
    assert detect_kind("A == B\n") != "conditions"


def test_fmt_check_accepts_the_canonical_conditions_profile(tmp_path: Path) -> None:
    root = Path(__file__).parent.parent
    code, out, _ = run("fmt", "--check", str(root / "profiles" / "conditions.pfl"))
    assert (code, out) == (0, "")
    messy = tmp_path / "c.pfl"
    messy.write_text("A   =   true\nB = A and   false\n", encoding="utf-8")
    code, _, err = run("fmt", str(messy))
    assert code == 0
    assert "reformatted" in err
    code, out, _ = run("fmt", "--check", str(messy))
    assert (code, out) == (0, "")


POSITIONS = """\
# Value positions of a test database.

[ STANDARD_CT, C_STORE_RQ ]
0008,0008 = 1 E, 2 E, 3 D required

[ CODE, ITEM ]
0008,0100 = 1 required
"""


def test_check_detects_a_positions_profile_and_summarises_it(tmp_path: Path) -> None:
    path = tmp_path / "positions.pfl"
    path.write_text(POSITIONS)
    code, out, err = run("check", str(path))
    assert (code, err) == (0, "")
    assert out == "positions.pfl: 2 sections, 2 attributes with positions\n"


def test_check_reports_positions_errors_with_place(tmp_path: Path) -> None:
    path = tmp_path / "positions.pfl"
    path.write_text(POSITIONS.replace("2 E, 3 D", "3 D, 2 E"))
    code, out, err = run("check", str(path))
    assert (code, out) == (1, "")
    assert f"{path}:4:" in err and "ascending order, found 2 after 3" in err


def test_check_reads_the_shipped_positions_profile_as_one() -> None:
    shipped = Path(__file__).resolve().parents[1] / "profiles" / "positions.pfl"
    code, out, _ = run("check", str(shipped))
    assert code == 0
    assert out.startswith("positions.pfl: 40 sections, ")


def test_check_folder_reads_positions_pfl_as_a_positions_profile(tmp_path: Path) -> None:
    shutil.copy(DATA / "valid" / "diction.pfl", tmp_path / "diction.pfl")
    (tmp_path / "positions.pfl").write_text(POSITIONS)
    code, out, err = run("check", str(tmp_path))
    assert code == 0, err
    assert "positions.pfl: 2 sections, 2 attributes with positions" in out.splitlines()


def test_fmt_rewrites_a_positions_profile_canonically(tmp_path: Path) -> None:
    path = tmp_path / "positions.pfl"
    path.write_text(POSITIONS.replace("1 E, 2 E", "1  E ,  2 E").replace("\n\n[ CODE", "\n[ CODE"))
    code, out, _ = run("fmt", "--check", str(path))
    assert (code, out) == (1, f"would reformat {path}\n")
    code, _, err = run("fmt", str(path))
    assert code == 0
    assert f"reformatted {path}" in err
    assert path.read_text() == POSITIONS
    assert run("fmt", "--check", str(path))[0] == 0


def test_check_kind_positions_is_a_choice(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text(POSITIONS)
    assert run("check", "--kind", "positions", str(path))[0] == 0
    code, _, err = run("check", "--kind", "modules", str(path))
    assert code == 1
    assert f"{path}:4:1: error: expected" in err
