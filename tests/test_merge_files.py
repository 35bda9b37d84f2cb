"""Nothing Merge wrote is overwritten by accident: the compilers refuse to
replace a file that is not an mdict database, and opening a Merge binary
says what it is and what to do instead."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from mdict.cli import main
from mdict.db.database import open_database, what_file_is

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "compile"
MERGE_BINARY = b"\x02\x00\x00\x00MC3 message database\x00" + bytes(range(256)) * 8
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def merge_folder(tmp_path: Path) -> Path:
    """A Merge mc3msg folder: the text profiles and Merge's compiled binaries."""
    for name in ("diction.pfl", "mergecom.srv", "info.pfl"):
        (tmp_path / name).write_bytes((DATA / name).read_bytes())
    (tmp_path / "mrgcom3.msg").write_bytes(MERGE_BINARY)
    (tmp_path / "mrgcom3.dct").write_bytes(MERGE_BINARY)
    return tmp_path


def refusal(path: Path) -> str:
    return (
        f"{path}: error: exists and is not an mdict database but a Merge DICOM Toolkit"
        " binary, which a Merge application reads; not replaced (--force replaces it,"
        " -o writes elsewhere)\n"
    )


@pytest.mark.parametrize(
    ("command", "profile", "output"),
    [("info", "info.pfl", "mrgcom3.msg"), ("dict", "diction.pfl", "mrgcom3.dct")],
)
def test_mdict_refuses_to_replace_a_merge_binary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, profile: str, output: str
) -> None:
    folder = merge_folder(tmp_path)
    monkeypatch.chdir(folder)
    runner = CliRunner()
    result = runner.invoke(main, [command, profile])
    assert result.exit_code == 2
    assert result.stderr == refusal(Path(output))
    assert (folder / output).read_bytes() == MERGE_BINARY
    result = runner.invoke(main, [command, profile, "-o", "mdict.db"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, [command, profile, "--force"])
    assert result.exit_code == 0, result.output
    assert open_database(folder / output).header.format == "mdict-message-database"
    result = runner.invoke(main, [command, profile])  # an mdict database is replaced
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("script", "profile", "output", "what"),
    [
        ("mc3info", "info.pfl", "mrgcom3.msg", "message info profile"),
        ("mc3dict", "diction.pfl", "mrgcom3.dct", "dictionary profile"),
    ],
)
def test_merge_style_compilers_refuse_too(
    tmp_path: Path, script: str, profile: str, output: str, what: str
) -> None:
    folder = merge_folder(tmp_path)
    done = subprocess.run(
        [script, profile], cwd=folder, env=ENV, capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert done.stderr == f"ERROR: {refusal(Path(output))}"
    assert done.stdout.splitlines() == [f"{script}: compiling a {what} (mdict)"]
    assert (folder / output).read_bytes() == MERGE_BINARY
    done = subprocess.run(
        [script, profile, "--force"], cwd=folder, env=ENV, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "DONE"


def test_what_a_file_is(tmp_path: Path) -> None:
    assert what_file_is(tmp_path / "missing") is None
    assert what_file_is(tmp_path) == "a folder"
    (tmp_path / "empty").write_bytes(b"")
    assert what_file_is(tmp_path / "empty") == "an empty file"
    (tmp_path / "notes.txt").write_text("[ 0001, C_STORE_RQ ]\r\n\tcafé\n", encoding="latin-1")
    assert what_file_is(tmp_path / "notes.txt") == "a text file"
    (tmp_path / "data.bin").write_bytes(MERGE_BINARY)
    assert what_file_is(tmp_path / "data.bin") == "binary data (a Merge DICOM Toolkit binary?)"


def test_opening_a_merge_binary_says_how_to_compile_the_profiles(tmp_path: Path) -> None:
    folder = merge_folder(tmp_path)
    result = CliRunner().invoke(main, ["lookup", "--db", str(folder / "mrgcom3.msg"), "0010,0010"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {folder / 'mrgcom3.msg'}: not an mdict database: no MDICTDB magic (it looks"
        " like a Merge DICOM Toolkit binary, which mdict does not read: compile the text"
        " profiles it was made from (mdict info info.pfl, or mc3info, for a message database;"
        " mdict dict diction.pfl, or mc3dict, for a dictionary))\n"
    )
