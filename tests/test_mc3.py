"""mc3dict and mc3info: Merge's command lines and console output."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import click
import pytest

from mdict.cli.compat import element_counts, mc3dict, mc3info
from mdict.cli.compat import run as run_compat
from mdict.db.database import open_database

DATA = Path(__file__).parent / "data" / "compile"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder holding a copy of the test profiles."""
    for name in ("diction.pfl", "mergecom.srv", "info.pfl"):
        shutil.copy(DATA / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_element_counts() -> None:
    assert element_counts(230) == [100, 200, 230]
    assert element_counts(200) == [100, 200]
    assert element_counts(7) == [7]
    assert element_counts(0) == [0]


def test_mc3dict_golden(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_compat(mc3dict, ["diction.pfl"]) == 0
    size = (here / "mrgcom3.dct").stat().st_size
    assert capsys.readouterr().out == (
        "mc3dict: compiling a dictionary profile (mdict)\n"
        "Number of Data Elements processed:\n"
        "100\n200\n230\n"
        f"mrgcom3.dct: {size} bytes\n"
        "DONE\n"
    )
    assert len(list(open_database(here / "mrgcom3.dct").entries())) == 230


def test_mc3info_golden(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_compat(mc3info, ["info.pfl"]) == 0
    size = (here / "mrgcom3.msg").stat().st_size
    assert capsys.readouterr().out == (
        "mc3info: compiling a message info profile (mdict)\n"
        "Service 0001, Command C_STORE_RQ\n"
        "Service 0001, Command C_STORE_RSP\n"
        "Service 0002, Command C_STORE_RQ\n"
        "Item 0001\n"
        "Item 0002\n"
        "WARNING: 1 condition name is not defined and will not be evaluated"
        " (mdict info --show-warnings lists them)\n"
        f"mrgcom3.msg: {size} bytes\n"
        "DONE\n"
    )


def test_mc3dict_error_line(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (here / "diction.pfl").read_text().splitlines()
    text[11] = "Patient's Name,0010,0010,PN"
    (here / "bad.pfl").write_text("\n".join(text) + "\n")
    assert run_compat(mc3dict, ["bad.pfl"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "mc3dict: compiling a dictionary profile (mdict)\n"
    first, second = captured.err.splitlines()[:2]
    assert first == "ERROR: Invalid Input File format in line number 12"
    assert second.startswith("bad.pfl:12:")
    assert not (here / "mrgcom3.dct").exists()


def test_mc3info_semantic_error_writes_nothing(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    info = here / "info.pfl"
    info.write_text(info.read_text().replace("E<CALIBRATION>", "E<NOWHERE>"))
    assert run_compat(mc3info, ["info.pfl"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ERROR: Invalid Input File format in line number 8\n")
    assert "info.pfl:8:1: error: expected an item of the [ITEM_TABLE]" in err
    assert not (here / "mrgcom3.msg").exists()


def test_mc3info_options(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = here / "other"
    other.mkdir()
    shutil.move(here / "mergecom.srv", other / "services.txt")
    assert run_compat(mc3info, ["info.pfl"]) == 2  # input that cannot be read
    assert "mergecom.srv: no such file" in capsys.readouterr().err
    assert (
        run_compat(mc3info, ["info.pfl", "--services", str(other / "services.txt"), "-o", "x.msg"])
        == 0
    )
    assert (here / "x.msg").exists() and not (here / "mrgcom3.msg").exists()


def test_mc3info_embeds_modules_like_mdict_info(here: Path) -> None:
    # modules.pfl beside the info profile is embedded, as `mdict info` does;
    # --modules names another one.
    modules = "[ STANDARD_CT, C_STORE_RQ ]\nSOP Common (M): 0008,0016 0008,0018\n"
    (here / "modules.pfl").write_text(modules)
    assert run_compat(mc3info, ["info.pfl"]) == 0
    found = open_database(here / "mrgcom3.msg").modules("STANDARD_CT", "C_STORE_RQ")
    assert found is not None and [m.name for m in found] == ["SOP Common"]
    (here / "other.pfl").write_text(modules.replace("SOP Common", "Common"))
    assert run_compat(mc3info, ["info.pfl", "--modules", "other.pfl", "-o", "x.msg"]) == 0
    sources = open_database(here / "x.msg").header.sources
    assert [s.file for s in sources if s.role == "modules"] == ["other.pfl"]


@pytest.mark.parametrize("argv", [[], ["a", "b"], ["--bogus"]])
def test_usage(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run_compat(mc3dict, argv) == 2  # a usage error, as every command
    assert capsys.readouterr().err.startswith("Usage: mc3dict [OPTIONS] DICTIONARY_PROFILE\n")
    assert run_compat(mc3info, argv) == 2
    assert capsys.readouterr().err.startswith("Usage: mc3info [OPTIONS] MESSAGE_INFO_PROFILE\n")


@pytest.mark.parametrize("tool", [mc3dict, mc3info])
def test_help_exits_0(tool: click.Command, capsys: pytest.CaptureFixture[str]) -> None:
    # `mc3info --help` printed a usage line and exited 1.
    assert run_compat(tool, ["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Usage: {tool.name} [OPTIONS]") and "-o, --output FILE" in out


@pytest.mark.parametrize(
    ("script", "profile", "output"),
    [("mc3dict", "diction.pfl", "mrgcom3.dct"), ("mc3info", "info.pfl", "mrgcom3.msg")],
)
def test_console_scripts_run(here: Path, script: str, profile: str, output: str) -> None:
    path = shutil.which(script)
    assert path is not None, f"{script} is not installed (pip install -e .)"
    done = subprocess.run([path, profile], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("DONE\n")
    assert (here / output).is_file()
    bad = subprocess.run([path, "missing.pfl"], capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
