"""mdict dcomb / icomb and the mc3dcomb / mc3icomb console scripts, on the
ACME example profiles of tests/data/combine (golden outputs in expected/)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from mdict.cli import main
from mdict.cli.compat import mc3dcomb, mc3icomb
from mdict.cli.compat import run as run_compat

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data" / "combine"
EXPECTED = DATA / "expected"

ACME_SUMMARY = (
    "1 service added (ACME_PRINT_QUEUE_MANAGEMENT=0006), 3 items added (ACME_LAYER=0004,"
    " ACME_LAYER_DETAIL=0005, ACME_QUEUE_ENTRY=0006), 7 lines added to 3 messages and 2 items,"
    " 1 line replaced"
)
ACME_WARNING = (
    "acme.cfg:10: replaces 0010,0040@CS@2@@E<M,F,O>; in STANDARD_CT C_STORE_RQ (base/info.pfl:29)"
)


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the example data as the current folder (short, stable paths)."""
    folder = tmp_path / "combine"
    shutil.copytree(DATA, folder)
    monkeypatch.chdir(folder)
    return folder


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


# --- dcomb ------------------------------------------------------------------------------------


def test_dcomb_golden(work: Path) -> None:
    before = digest(work)
    code, out, err = run("dcomb", "base/diction.pfl", "acme_diction.pfl", "-o", "out.pfl")
    assert code == 0, err
    assert (work / "out.pfl").read_text() == (EXPECTED / "diction.pfl").read_text()
    assert out == ""  # what was written is a note on stderr, after the warnings
    assert err == (
        "acme_diction.pfl:12: replaces Requested Image Size (DS 1) from base/diction.pfl:38\n"
        "out.pfl: 53 entries written: 39 from the base, 13 added, 1 identical, 1 replaced\n"
    )
    del (after := digest(work))["out.pfl"]
    assert after == before


def test_dcomb_strict_refuses_replacement_and_writes_nothing(work: Path) -> None:
    args = ("dcomb", "base/diction.pfl", "acme_diction.pfl", "-o", "out.pfl", "--strict")
    code, _, err = run(*args)
    assert code == 1
    assert err.startswith(
        "acme_diction.pfl:12:1: error: replaces Requested Image Size (DS 1) from"
        " base/diction.pfl:38 (--strict)\n    Requested Image Size,2020,0030,DS,1-n\n"
    )
    assert not (work / "out.pfl").exists()


def test_dcomb_unsorted_input_is_an_error_unless_sort(work: Path) -> None:
    lines = (work / "acme_diction.pfl").read_text().splitlines(keepends=True)
    (work / "unsorted.pfl").write_text("".join(lines[4:] + lines[:4]))
    code, _, err = run("dcomb", "base/diction.pfl", "unsorted.pfl", "-o", "out.pfl")
    assert code == 1
    assert err.splitlines()[0] == (
        "unsorted.pfl:12:1: error: entry out of order: 0009,ACME Imaging Group,2A (Last Serviced"
        " By) comes after 2110,0030 at unsorted.pfl:11; expected ascending tag order (use --sort"
        " to accept an unsorted file)"
    )
    assert not (work / "out.pfl").exists()
    code, _, err = run("dcomb", "base/diction.pfl", "unsorted.pfl", "-o", "out.pfl", "--sort")
    assert code == 0, err
    assert (work / "out.pfl").read_text() == (EXPECTED / "diction.pfl").read_text()


def test_dcomb_never_overwrites_an_input(work: Path) -> None:
    before = digest(work)
    code, _, err = run("dcomb", "base/diction.pfl", "acme_diction.pfl", "-o", "base/diction.pfl")
    assert code == 2
    assert err == (
        "base/diction.pfl: error: is also an input (base/diction.pfl); inputs are never modified\n"
    )
    assert digest(work) == before


def test_dcomb_missing_input(work: Path) -> None:
    code, _, err = run("dcomb", "base/diction.pfl", "nothing.pfl", "-o", "out.pfl")
    assert (code, err) == (2, "nothing.pfl: error: no such file\n")
    assert not (work / "out.pfl").exists()


# --- icomb ------------------------------------------------------------------------------------

ICOMB = ("icomb", "--services", "base/mergecom.srv", "--info", "base/info.pfl")


def test_icomb_golden(work: Path) -> None:
    before = digest(work)
    code, out, err = run(*ICOMB, "--config", "acme.cfg", "-o", "out")
    assert code == 0, err
    assert (work / "out/mergecom.srv").read_text() == (EXPECTED / "mergecom.srv").read_text()
    assert (work / "out/info.pfl").read_text() == (EXPECTED / "info.pfl").read_text()
    assert out == ""
    assert err == f"{ACME_WARNING}\n{ACME_SUMMARY}\nwrote out/mergecom.srv and out/info.pfl\n"
    after = digest(work)
    assert {k: v for k, v in after.items() if not k.startswith("out/")} == before


def test_icomb_output_fed_back_changes_nothing(work: Path) -> None:
    assert run(*ICOMB, "--config", "acme.cfg", "-o", "once")[0] == 0
    code, out, err = run(
        "icomb",
        "--services",
        "once/mergecom.srv",
        "--info",
        "once/info.pfl",
        "--config",
        "acme.cfg",
        "--out-services",
        "twice.srv",
        "--out-info",
        "twice.pfl",
    )
    assert (code, out) == (0, "")
    assert err.splitlines()[0] == (
        "already present and unchanged: ACME_PRINT_QUEUE_MANAGEMENT, ACME_LAYER,"
        " ACME_LAYER_DETAIL, ACME_QUEUE_ENTRY"
    )
    assert (work / "twice.srv").read_bytes() == (work / "once/mergecom.srv").read_bytes()
    assert (work / "twice.pfl").read_bytes() == (work / "once/info.pfl").read_bytes()


def test_icomb_dry_run_writes_nothing(work: Path) -> None:
    before = digest(work)
    code, out, err = run(*ICOMB, "--config", "acme.cfg", "-o", "out", "--dry-run")
    assert code == 0
    assert out == f"dry run, nothing written: {ACME_SUMMARY}\n"
    assert err == ACME_WARNING + "\n"
    assert digest(work) == before and not (work / "out").exists()


def test_icomb_checks_tags_against_the_merged_dictionary(work: Path) -> None:
    assert run("dcomb", "base/diction.pfl", "acme_diction.pfl", "-o", "all.pfl")[0] == 0
    code, _, err = run(*ICOMB, "--config", "acme.cfg", "-o", "out", "--dictionary", "all.pfl")
    assert (code, err.splitlines()[0]) == (0, ACME_WARNING)


def test_icomb_strict_refuses_replacement(work: Path) -> None:
    code, _, err = run(*ICOMB, "--config", "acme.cfg", "-o", "out", "--strict")
    assert code == 1
    assert err.splitlines()[:3] == [
        "acme.cfg:10:1: error: replaces 0010,0040@CS@2@@E<M,F,O>; in STANDARD_CT C_STORE_RQ"
        " (base/info.pfl:29) (--strict)",
        "    0010,0040@CS@1@@E<M, F, O>;",
        "    ^",
    ]
    assert not (work / "out").exists()


def test_icomb_several_configs_in_order(work: Path) -> None:
    (work / "more.cfg").write_text(
        "[ EXISTING_SERVICE_SECTION ]\n[ PRIVATE_SERVICE_SECTION ]\n[ PRIVATE_ITEM_SECTION ]\n"
        "[ EXISTING_ITEM_SECTION ]\n[ ACME_LAYER, ITEM ]\n0008,0060@CS@3@@;\n"
    )
    code, _, err = run(*ICOMB, "--config", "acme.cfg", "--config", "more.cfg", "-o", "out")
    assert code == 0
    assert "8 lines added to 3 messages and 3 items" in err
    info = (work / "out/info.pfl").read_text()
    assert "[ 0004, ITEM ]\n0008,0060@CS@3@@;\n0019,ACME Imaging Group,21@LO@1@@;\n" in info


def test_icomb_needs_an_output(work: Path) -> None:
    code, _, err = run(*ICOMB, "--config", "acme.cfg")
    assert code == 2
    assert "give -o/--output-dir, or both --out-services and --out-info" in err


INVALID = [
    (
        "unknown_service.cfg",
        (),
        "invalid/unknown_service.cfg:3:1: error: unknown service STANDARD_PET"
        " (did you mean STANDARD_CT?)",
    ),
    (
        "unknown_command.cfg",
        (),
        "invalid/unknown_command.cfg:3:1: error: service STANDARD_CT has no command N_SET_RQ"
        " (its commands: C_STORE_RQ, C_STORE_RSP)",
    ),
    (
        "item_defined_twice.cfg",
        (),
        "invalid/item_defined_twice.cfg:8:1: error: item ACME_LAYER is defined twice"
        " (first at line 5)",
    ),
    (
        "private_tag_not_in_dictionary.cfg",
        ("--dictionary", "base/diction.pfl"),
        "invalid/private_tag_not_in_dictionary.cfg:4:1: error: private tag (0019,xx10) ACME"
        " Imaging Group is not in the dictionary base/diction.pfl",
    ),
    (
        "sequence_names_unknown_item.cfg",
        (),
        "invalid/sequence_names_unknown_item.cfg:4:1: error: sequence 0019,ACME Imaging Group,20"
        " names item ACME_LAYERS, which neither the ITEM_TABLE nor this file defines"
        " (did you mean ACME_LAYER?)",
    ),
    (
        "existing_items_out_of_order.cfg",
        (),
        "invalid/existing_items_out_of_order.cfg:9:1: error: EXISTING_ITEM_SECTION blocks must"
        " be in alphabetical order of item name: PREFORMATTED_COLOR_IMAGE comes after REF_SOP",
    ),
    (
        "private_service_redefined.cfg",
        (),
        "invalid/private_service_redefined.cfg:4:1: error: service STANDARD_CT already exists as"
        " 0003 with a different definition (uid: '1.2.840.10008.5.1.4.1.1.2' there,"
        " '1.2.840.10008.5.1.4.1.1.2.99' here)",
    ),
]


@pytest.mark.parametrize(("name", "extra", "message"), INVALID, ids=[c[0] for c in INVALID])
def test_icomb_invalid_configurations(
    work: Path, name: str, extra: tuple[str, ...], message: str
) -> None:
    before = digest(work)
    code, out, err = run(*ICOMB, "--config", f"invalid/{name}", "-o", "out", *extra)
    assert code == 1
    assert err.splitlines()[0] == message
    assert out == ""
    assert digest(work) == before and not (work / "out").exists()


PARSER_ERRORS = [
    (
        "not_a_command.cfg",
        [
            "invalid/not_a_command.cfg:3:16: error: expected a DIMSE command (C_STORE_RQ, ...)"
            " in EXISTING_SERVICE_SECTION, found 'C_STORE_RQQ'"
        ],
    ),
    (
        "missing_section_keyword.cfg",
        [
            "invalid/missing_section_keyword.cfg:4:15: error: expected MESSAGE or a DIMSE command"
            " in PRIVATE_SERVICE_SECTION, found 'ITEM'",
            "invalid/missing_section_keyword.cfg:7:3: error: expected [ PRIVATE_ITEM_SECTION ],"
            " found [ EXISTING_ITEM_SECTION ]",
        ],
    ),
    (
        "sections_out_of_order.cfg",
        [
            "invalid/sections_out_of_order.cfg:2:3: error: expected [ PRIVATE_SERVICE_SECTION ],"
            " found [ PRIVATE_ITEM_SECTION ]",
            "invalid/sections_out_of_order.cfg:3:3: error: expected [ EXISTING_ITEM_SECTION ],"
            " found [ PRIVATE_SERVICE_SECTION ]",
            "invalid/sections_out_of_order.cfg:4:3: error: expected [ PRIVATE_ITEM_SECTION ],"
            " found [ EXISTING_ITEM_SECTION ]",
        ],
    ),
]


@pytest.mark.parametrize(("name", "messages"), PARSER_ERRORS, ids=[c[0] for c in PARSER_ERRORS])
def test_icomb_configuration_syntax_errors(work: Path, name: str, messages: list[str]) -> None:
    """Keyword and command errors are the configuration parser's, passed through."""
    before = digest(work)
    code, out, err = run(*ICOMB, "--config", f"invalid/{name}", "-o", "out")
    assert (code, out) == (1, "")
    assert [line for line in err.splitlines() if not line.startswith("    ")] == messages
    assert digest(work) == before and not (work / "out").exists()


# --- mc3dcomb / mc3icomb ----------------------------------------------------------------------


def test_mc3dcomb_in_process(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_compat(mc3dcomb, ["base/diction.pfl", "acme_diction.pfl", "out.pfl"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "mc3dcomb: merging dictionary profiles (mdict)",
        "WARNING: acme_diction.pfl:12: replaces Requested Image Size (DS 1) from"
        " base/diction.pfl:38",
        "53 entries written: 39 from the base, 13 added, 1 identical, 1 replaced",
        "DONE",
    ]
    assert (work / "out.pfl").read_text() == (EXPECTED / "diction.pfl").read_text()


def test_mc3icomb_error_style(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["base/mergecom.srv", "base/info.pfl", "invalid/unknown_service.cfg", "o.srv", "o.pfl"]
    assert run_compat(mc3icomb, args) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[:2] == [
        "ERROR: Invalid Input File format in line number 3",
        "invalid/unknown_service.cfg:3:1: error: unknown service STANDARD_PET"
        " (did you mean STANDARD_CT?)",
    ]
    assert not (work / "o.srv").exists() and not (work / "o.pfl").exists()


def test_mc3_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_compat(mc3dcomb, ["a"]) == 2
    assert capsys.readouterr().err.splitlines()[0] == (
        "Usage: mc3dcomb [OPTIONS] DICTION.PFL INPUT_FILE OUTPUT_FILE"
    )
    assert run_compat(mc3icomb, []) == 2
    assert capsys.readouterr().err.splitlines()[:2] == [
        "Usage: mc3icomb [OPTIONS] MERGECOM.SRV INFO.PFL INPUT_FILE OUTPUT.SRV",
        "                OUTPUT.PFL",
    ]


@pytest.mark.parametrize("tool", [mc3dcomb, mc3icomb])
def test_mc3_help_exits_0(tool: click.Command, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_compat(tool, ["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Usage: {tool.name} [OPTIONS]") and "Merge's" in out


def _script(name: str) -> list[str]:
    """The installed console script, else the same entry point through this Python."""
    found = shutil.which(name)
    if found is not None:
        return [found]
    return [sys.executable, "-c", f"from mdict.cli.compat import {name}; {name}()"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def test_console_scripts_as_subprocesses(work: Path) -> None:
    dcomb = subprocess.run(
        [*_script("mc3dcomb"), "base/diction.pfl", "acme_diction.pfl", "d.pfl"],
        capture_output=True,
        text=True,
        check=False,
        env=_env(),
    )
    assert dcomb.returncode == 0, dcomb.stderr
    assert dcomb.stdout.endswith("DONE\n")
    icomb = subprocess.run(
        [*_script("mc3icomb"), "base/mergecom.srv", "base/info.pfl", "acme.cfg", "o.srv", "o.pfl"],
        capture_output=True,
        text=True,
        check=False,
        env=_env(),
    )
    assert icomb.returncode == 0, icomb.stderr
    assert icomb.stdout.splitlines()[-2:] == [ACME_SUMMARY, "DONE"]
    assert (work / "o.srv").read_text() == (EXPECTED / "mergecom.srv").read_text()
    bad = subprocess.run(
        [*_script("mc3icomb"), "base/mergecom.srv", "base/info.pfl", "nope.cfg", "x.srv", "x.pfl"],
        capture_output=True,
        text=True,
        check=False,
        env=_env(),
    )
    assert bad.returncode == 2  # input that cannot be read
    assert bad.stderr == "ERROR: Unable to open nope.cfg: no such file\n"
    assert not (work / "x.srv").exists()


# --- the standard profiles ----------------------------------------------------------------------

PROFILES = REPO / "profiles"
EMPTY = "[ EXISTING_SERVICE_SECTION ]\n[ PRIVATE_SERVICE_SECTION ]\n[ PRIVATE_ITEM_SECTION ]\n[ EXISTING_ITEM_SECTION ]\n"


@pytest.mark.skipif(not (PROFILES / "info.pfl").exists(), reason="standard profiles not built")
def test_icomb_on_the_standard_profiles(tmp_path: Path) -> None:
    """An empty configuration writes the canonical standard profiles back byte for byte;
    a vendor configuration takes the next numbers after the standard ones."""
    (tmp_path / "empty.cfg").write_text(EMPTY)
    common = ("icomb", "--services", str(PROFILES / "mergecom.srv"), "--info")
    code, _, err = run(*common, str(PROFILES / "info.pfl"), "--config", str(tmp_path / "empty.cfg"),
                       "-o", str(tmp_path / "same"))  # fmt: skip
    assert code == 0 and err.startswith("no changes\n")
    for name in ("mergecom.srv", "info.pfl"):
        assert (tmp_path / "same" / name).read_bytes() == (PROFILES / name).read_bytes()
    (tmp_path / "acme.cfg").write_text(
        "[ EXISTING_SERVICE_SECTION ]\n[ STANDARD_CT, C_STORE_RQ ]\n"
        "0019,ACME Imaging Group,20@SQ@3@@E<ACME_LAYER>;\n"
        "[ PRIVATE_SERVICE_SECTION ]\n[ PRIVATE_ITEM_SECTION ]\n[ ACME_LAYER, ITEM ]\n"
        "0019,ACME Imaging Group,21@LO@1@@;\n[ EXISTING_ITEM_SECTION ]\n"
    )
    code, out, _ = run(*common, str(PROFILES / "info.pfl"), "--config", str(tmp_path / "acme.cfg"),
                       "--dry-run")  # fmt: skip
    items = (PROFILES / "mergecom.srv").read_text().split("[ITEM_TABLE]")[1]
    last = max(int(line.split("=")[1]) for line in items.splitlines()[2:] if "=" in line)
    assert out == (
        f"dry run, nothing written: 1 item added (ACME_LAYER={last + 1:04d}),"
        " 1 line added to 1 message\n"
    )


def test_icomb_writes_both_outputs_or_neither(work: Path) -> None:
    # The second output's folder cannot be made (a file is in its place).
    blocked = "acme_diction.pfl/info.pfl"
    code, out, err = run(
        *ICOMB, "--config", "acme.cfg", "--out-services", "ok.srv", "--out-info", blocked
    )
    assert (code, out) == (2, "")
    assert err.endswith(f"\n{blocked}: error: cannot write: Not a directory\n")
    assert not (work / "ok.srv").exists()
    assert not [p for p in work.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("tool", ["mdict", "mc3icomb"])
def test_icomb_output_folder_in_a_target_place_writes_nothing(
    work: Path, tool: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The second output is a folder: the first one must not be written either.
    (work / "taken").mkdir()
    if tool == "mdict":
        code, _, err = run(
            *ICOMB, "--config", "acme.cfg", "--out-services", "ok.srv", "--out-info", "taken"
        )
    else:
        args = ["base/mergecom.srv", "base/info.pfl", "acme.cfg", "ok.srv", "taken"]
        code, err = run_compat(mc3icomb, args), capsys.readouterr().err
    assert code == 2
    assert "taken: cannot write: Is a directory" in err.replace("error: ", "")
    assert not (work / "ok.srv").exists()
    assert not [p for p in work.iterdir() if p.name.endswith(".tmp")]


def test_icomb_output_folder_that_is_a_file(work: Path) -> None:
    # -o naming a file said "cannot write: File exists".
    code, out, err = run(*ICOMB, "--config", "acme.cfg", "-o", "acme_diction.pfl")
    assert (code, out) == (2, "")
    assert err.endswith(
        "\nacme_diction.pfl: error: cannot write: not a folder (-o names a folder)\n"
    )
