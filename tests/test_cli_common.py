"""What every command shares: the exit-status table, the error style, where
summaries go, `mdict --help`, and the rough edges a newcomer met."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from mdict.cli import COMMANDS, load_command, main
from mdict.cli._common import EXIT_STATUSES, exit_status_table

ROOT = Path(__file__).resolve().parent.parent
COMPILE = ROOT / "tests" / "data" / "compile"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("diction.pfl", "mergecom.srv", "info.pfl"):
        shutil.copy(COMPILE / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- the one exit-status table ----------------------------------------------------------------


def test_docs_show_the_one_exit_status_table() -> None:
    readme = (ROOT / "docs" / "README.md").read_text()
    assert exit_status_table() in readme
    assert [status for status, _ in EXIT_STATUSES] == [0, 1, 2, 130, 143]


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["check", "nosuch.pfl"], 2),  # a missing file
        (["dcomb", "nosuch.pfl", "diction.pfl", "-o", "x.pfl"], 2),
        (["dict", "nosuch.pfl", "-o", "x.dct"], 2),
        (["diff", "nosuch.pfl", "diction.pfl"], 2),
        (["lookup", "0010,0010", "--db", "nosuch.msg"], 2),
        (["table", "CT_IMAGE", "C_STORE_RQ", "--db", "nosuch.msg"], 2),
        (["check", "--kind", "services", "diction.pfl"], 1),  # errors in a profile
        (["check", str(ROOT / "tests/data/invalid/diction_bad_vr.pfl")], 1),
        (["lookup", "9999,9999"], 1),  # not in the dictionary
        (["check", "diction.pfl"], 0),
    ],
)
def test_one_exit_status_for_one_kind_of_problem(
    folder: Path, args: list[str], status: int
) -> None:
    code, _, err = run(*args)
    assert code == status, err
    assert "Traceback" not in err


def test_a_file_of_the_wrong_kind_is_input_that_cannot_be_used(folder: Path) -> None:
    # mdict info given a dictionary as its info profile: one error naming both kinds.
    code, out, err = run("info", "diction.pfl", "-o", "x.msg")
    assert (code, out) == (2, "")
    assert err.startswith(
        "diction.pfl:1:1: error: expected a message info profile (info.pfl), found a dictionary"
    )


def test_ctrl_c_is_130_and_one_line(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mdict.parse

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(mdict.parse, "read_dictionary", interrupted)
    code, out, err = run("dcomb", "diction.pfl", "diction.pfl", "-o", "x.pfl")
    assert (code, out, err) == (130, "", "error: interrupted\n")
    assert not (folder / "x.pfl").exists()


# --- mdict --help -----------------------------------------------------------------------------


def test_help_lists_every_command_with_a_whole_sentence() -> None:
    code, out, _ = run("--help")
    assert code == 0
    listed = out.split("Commands:\n")[1]
    for name, entry in COMMANDS.items():
        assert entry.summary.endswith(".") and "..." not in entry.summary
        line = f"  {name}"
        assert line in listed
        # the whole sentence, however the terminal width wraps it
        assert entry.summary.split()[-1] in listed
    assert " ".join(listed.split()).count(".") >= len(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_summary_is_the_first_paragraph_of_its_help(name: str) -> None:
    command = load_command(name)
    first = " ".join((command.help or "").split("\n\n")[0].split())
    assert first == COMMANDS[name].summary


def test_help_imports_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "from mdict.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit as done:\n"
        "    assert done.code == 0\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('pydicom', 'lark', 'msgpack'))\n"
        "print(heavy, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env(), check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "[]\n"
    assert "validate" in done.stdout


# --- rough edges a newcomer met ---------------------------------------------------------------


def test_info_names_the_missing_file_the_user_typed(tmp_path: Path) -> None:
    # `mdict info onlyinfo/nosuch.pfl` said `onlyinfo/diction.pfl: error: no such file`.
    (tmp_path / "onlyinfo").mkdir()
    missing = tmp_path / "onlyinfo" / "nosuch.pfl"
    code, _, err = run("info", str(missing), "-o", str(tmp_path / "x.msg"))
    assert (code, err) == (2, f"{missing}: error: no such file\n")


def test_validate_with_a_dictionary_database_is_one_usage_error(tmp_path: Path) -> None:
    # It gave an UNKNOWN_SOP_CLASS error per file.
    from pydicom.data import get_testdata_file

    dct = tmp_path / "d.dct"
    assert run("dict", str(COMPILE / "diction.pfl"), "-o", str(dct))[0] == 0
    ct = str(get_testdata_file("CT_small.dcm"))
    code, out, err = run("validate", ct, "--db", str(dct))
    assert (code, out) == (2, "")
    assert err == (
        f"{dct}: error: a dictionary database holds no services, messages or items"
        " (compile a message database with `mdict info`)\n"
    )


def test_table_of_an_unknown_service_says_error() -> None:
    code, out, err = run("table", "NOPE", "C_STORE_RQ")
    assert (code, out) == (2, "")
    assert err == "error: no service 'NOPE' in the database\n"


def test_learn_off_a_terminal_prints_no_progress_line(tmp_path: Path) -> None:
    from pydicom.data import get_testdata_file

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(str(get_testdata_file("CT_small.dcm")), corpus / "ct.dcm")
    code, out, err = run("learn", str(corpus), "-o", str(tmp_path / "learned.pfl"))
    assert (code, out) == (0, "")
    assert "reading" not in err
    assert err.startswith(f"{tmp_path / 'learned.pfl'}: ")


@pytest.mark.parametrize(
    "args",
    [
        ["dcomb", "diction.pfl", "diction.pfl", "-o", "out/d.pfl"],
        ["dict", "diction.pfl", "-o", "out/x.dct"],
        ["info", "info.pfl", "-o", "out/x.msg"],
        ["import", "dcmtk", "private.dic", "-o", "out/p.pfl"],
        ["fmt", "messy.pfl"],
    ],
)
def test_what_was_written_is_a_note_on_stderr_stdout_stays_empty(
    folder: Path, args: list[str]
) -> None:
    (folder / "private.dic").write_text('(0009,"ACME",10)\tLO\tAcmeName\t1\tPrivateTag\n')
    (folder / "messy.pfl").write_text("Patient's Name ,0010,0010,PN,1\n")
    code, out, err = run(*args)
    assert (code, out) == (0, ""), err
    assert err.strip()


@pytest.mark.parametrize("option", ["dict", "info", "dcomb", "import dcmtk", "table"])
def test_every_output_option_has_help(option: str) -> None:
    command: click.Command = main
    ctx = click.Context(main)
    for word in option.split():
        assert isinstance(command, click.Group)
        found = command.get_command(ctx, word)
        assert found is not None
        command = found
    output = next(p for p in command.params if "-o" in p.opts)
    assert isinstance(output, click.Option) and output.help


def test_decompile_output_is_a_folder_with_help() -> None:
    code, out, _ = run("decompile", "--help")
    assert code == 0 and "-o, --output DIR" in out and "The folder" in out


def test_the_console_script_freezes_what_imports_made() -> None:
    """run() (the console script) keeps the collector off while the
    command's modules are imported, then freezes them and turns it back on."""
    import subprocess
    import sys

    script = (
        "import atexit, gc, sys\n"
        "from mdict import cli\n"
        "atexit.register(lambda: print(gc.isenabled(), gc.get_freeze_count() > 10000))\n"
        "sys.argv = ['mdict', 'lookup', '0010,0010']\n"
        "cli.run()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "True True"
