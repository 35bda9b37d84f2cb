"""No command destroys an input, blocks on a special file or reads outside
the folder it was given (each case failed before its fix)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydicom.data import get_testdata_file

from mdict.cli import main

ROOT = Path(__file__).resolve().parent.parent
COMPILE = ROOT / "tests" / "data" / "compile"
CT_SMALL = str(get_testdata_file("CT_small.dcm"))

pytest_plugins = ["pytester"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def mdict(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A real process with a time limit: a command that blocks fails the test."""
    return subprocess.run(
        [sys.executable, "-m", "mdict", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
        check=False,
    )


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("diction.pfl", "mergecom.srv", "info.pfl"):
        shutil.copy(COMPILE / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def digests(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


# --- an output that is an input ---------------------------------------------------------------


def test_table_refuses_to_write_over_its_profiles_or_database(folder: Path) -> None:
    assert run("info", "info.pfl", "-o", "m.msg")[0] == 0
    before = digests(folder)
    for args in (["--profiles", ".", "-o", "info.pfl"], ["--db", "m.msg", "-o", "m.msg"]):
        code, out, err = run("table", "STANDARD_CT", "C_STORE_RQ", *args)
        assert (code, out) == (2, ""), err
        assert "is also an input" in err and "inputs are never modified" in err
    assert digests(folder) == before


def test_validate_refuses_a_baseline_over_a_file_it_reads(folder: Path) -> None:
    ct = folder / "ct.dcm"
    shutil.copy(CT_SMALL, ct)
    assert run("info", "info.pfl", "-o", "m.msg")[0] == 0
    before = digests(folder)
    for target, db in (("ct.dcm", []), ("m.msg", ["--db", "m.msg"])):
        code, out, err = run("validate", "ct.dcm", *db, "--write-baseline", target)
        assert (code, out) == (2, "")
        assert err == (f"{target}: error: is also an input ({target}); inputs are never modified\n")
    assert digests(folder) == before


# --- links and special files ------------------------------------------------------------------


def test_fmt_on_a_symbolic_link_formats_its_target(folder: Path) -> None:
    (folder / "real.pfl").write_text("Patient's Name ,0010,0010,PN,1\n")
    (folder / "link.pfl").symlink_to("real.pfl")
    code, _, err = run("fmt", "link.pfl")
    assert (code, err) == (0, "reformatted link.pfl\n")
    assert (folder / "link.pfl").is_symlink()
    assert (folder / "real.pfl").read_text() == "Patient's Name,0010,0010,PN,1\n"


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["check", "pipe"], "pipe: error: is a FIFO (named pipe), expected a regular file"),
        (["fmt", "pipe"], "pipe: error: is a FIFO (named pipe), expected a regular file"),
        (["dump", "pipe"], "pipe: error: is a FIFO (named pipe), expected a regular file"),
        (["validate", "pipe"], "pipe: error: is a FIFO (named pipe), expected a regular file"),
    ],
)
def test_a_fifo_is_refused_never_read(tmp_path: Path, args: list[str], shown: str) -> None:
    os.mkfifo(tmp_path / "pipe")
    done = mdict(*args, cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", shown + "\n")


def test_validate_and_learn_skip_a_fifo_inside_a_folder(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CT_SMALL, corpus / "ct.dcm")
    os.mkfifo(corpus / "pipe")
    done = mdict("learn", "corpus", "-o", "learned.pfl", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "from 1 DICOM files" in done.stderr
    done = mdict("validate", "corpus", "--level", "errors", cwd=tmp_path)
    assert done.stdout.splitlines()[-1].startswith("1 file: ")


# --- check-db --against DIR -------------------------------------------------------------------


def test_check_db_reads_only_inside_the_folder(tmp_path: Path) -> None:
    # A header naming ../secret.pfl (or /etc/passwd) was followed outside DIR.
    from mdict.db.build import compile_dictionary
    from mdict.db.format import Source
    from mdict.fileio import write_bytes_atomic
    from mdict.parse import read_dictionary

    inside = tmp_path / "profiles"
    inside.mkdir()
    os.mkfifo(tmp_path / "secret.pfl")  # opening it would block: proves it is never read
    sources = [Source("dictionary", "../secret.pfl", "0" * 64)]
    compiled = compile_dictionary(read_dictionary(COMPILE / "diction.pfl"), sources)
    write_bytes_atomic(tmp_path / "crafted.dct", compiled.data)
    done = mdict("check-db", "crafted.dct", "--against", "profiles", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == (
        "profiles/../secret.pfl: NOT READ (the database records the source name"
        " '../secret.pfl', which leaves the folder)\n"
    )


# --- generated and imported text ---------------------------------------------------------------


def test_export_pydicom_writes_a_windows_path_as_valid_python(folder: Path) -> None:
    name = "C:\\users\\diction.pfl"
    shutil.copy(folder / "diction.pfl", folder / name)
    code, _, err = run("export", "pydicom", name, "-o", "private_dict.py")
    assert code == 0, err
    namespace: dict[str, object] = {}
    exec(compile((folder / "private_dict.py").read_text(), "private_dict.py", "exec"), namespace)
    assert f"written by mdict from {name}." in str(namespace["__doc__"])


def test_import_dcmtk_counts_only_real_line_breaks(tmp_path: Path) -> None:
    # U+2028, \v and \f inside a line are not line breaks: the bad VR is on line 3.
    text = (
        "# private.dic\r\n"
        '(0009,"ACME\u2028\v\x0c",10)\tLO\tAcmeName\t1\tPrivateTag\r'
        '(0009,"ACME",11)\tQQ\tBroken\t1\tPrivateTag\n'
    )
    source = tmp_path / "private.dic"
    source.write_bytes(text.encode("utf-8"))
    code, _, err = run("import", "dcmtk", str(source), "-o", str(tmp_path / "p.pfl"))
    assert code == 1
    assert err.startswith(f"{source}:3:")


# --- the pytest plugin's baseline ---------------------------------------------------------------

SUITE = """
from validate_support import ct_database, make_ct

DB = ct_database()


def test_bad(assert_valid_dicom):
    ds = make_ct()
    ds.PatientSex = "X"
    assert_valid_dicom(ds, db=DB)
"""


def test_plugin_keeps_the_baseline_until_the_end_and_reads_it_first(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    pytester.makepyfile(test_suite=SUITE)
    baseline = tmp_path / "b.json"
    first = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", f"--mdict-write-baseline={baseline}"
    )
    first.assert_outcomes(failed=1)
    recorded = baseline.read_text()
    assert "NOT_ONE_OF_ENUMERATED_VALUES" in recorded
    # the same file read and written: the known finding passes, the file is the same
    both = pytester.runpytest_inprocess(
        "-p",
        "no:cacheprovider",
        f"--mdict-baseline={baseline}",
        f"--mdict-write-baseline={baseline}",
    )
    both.assert_outcomes(passed=1)
    assert baseline.read_text() == recorded


def test_plugin_never_empties_the_baseline_at_start(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    baseline = tmp_path / "b.json"
    baseline.write_text('{"format": "mdict-validate-baseline", "version": 1, "findings": ["k"]}\n')
    before = baseline.read_text()
    pytester.makepyfile(
        test_suite="def test_sees_the_old_baseline():\n"
        f"    assert open({str(baseline)!r}).read() == {before!r}\n"
    )
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", f"--mdict-write-baseline={baseline}"
    )
    result.assert_outcomes(passed=1)


def test_plugin_refuses_to_write_a_baseline_over_a_python_file(
    pytester: pytest.Pytester,
) -> None:
    module = pytester.makepyfile(test_x="def test_ok():\n    pass\n")
    before = module.read_text()
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", f"--mdict-write-baseline={module}"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*refusing to write a baseline over a Python file*"])
    assert module.read_text() == before
