"""``mdict validate`` on the command line."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from validate_support import ct_database, write_ct

from mdict.cli import main
from mdict.cli import validate as cli_validate

pytestmark = pytest.mark.filterwarnings("ignore:Invalid value for VR")


@pytest.fixture(autouse=True)
def small_database(monkeypatch: pytest.MonkeyPatch) -> None:
    db = ct_database()
    monkeypatch.setattr(cli_validate, "open_database", lambda db_path, profiles: db)


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    write_ct(folder / "good.dcm")
    write_ct(folder / "bad_sex.dcm", PatientSex="X")
    write_ct(folder / "no_rows.dcm", Rows=None)
    (folder / "notes.txt").write_text("this is not DICOM at all, just some text\n" * 5)
    (folder / "empty.dcm").write_bytes(b"")
    return folder


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_text_output_one_line_per_finding_and_summaries(files: Path) -> None:
    code, out = run(str(files), "--jobs", "1")
    assert code == 1
    bad = str(files / "bad_sex.dcm")
    assert (
        f"{bad}: error NOT_ONE_OF_ENUMERATED_VALUES (0010,0040) Patient's Sex "
        "value 1 'X' is not one of the enumerated values: M, F, O"
    ) in out
    assert f"{files / 'no_rows.dcm'}: error REQUIRED_ATTRIBUTE_MISSING (0028,0010) Rows" in out
    assert f"{files / 'notes.txt'}: error NOT_DICOM" in out
    assert f"{files / 'empty.dcm'}: error" in out
    assert f"{files / 'good.dcm'}: 0 errors, 0 warnings (CT_IMAGE C_STORE_RQ)" in out
    assert out.rstrip().splitlines()[-1] == (
        "5 files: 1 without errors, 4 with errors; 4 errors, 0 warnings;"
        " 3 condition uses not evaluated (--coverage names the conditions)"
    )


def test_good_file_exits_zero_and_info_level_shows_notes(files: Path) -> None:
    code, out = run(str(files / "good.dcm"), "--level", "info")
    assert code == 0
    assert "info UNABLE_TO_CHECK_CONDITION (0008,0005)" in out


def test_parallel_run_gives_the_same_output(files: Path) -> None:
    for i in range(6):
        write_ct(files / f"more{i}.dcm", PatientSex="Y" if i % 2 else "M")
    _, serial = run(str(files), "--jobs", "1")
    _, parallel = run(str(files), "--jobs", "2")
    assert serial == parallel


def test_json_format(files: Path) -> None:
    code, out = run(str(files), "--format", "json", "--coverage")
    data = json.loads(out)
    assert code == 1
    assert data["summary"]["files"] == 5
    assert data["summary"]["coverage"]["condition_uses"] >= 3
    by_file = {Path(f["file"]).name: f for f in data["files"]}
    assert by_file["good.dcm"]["ok"] is True
    [finding] = by_file["bad_sex.dcm"]["findings"]
    assert finding["code"] == "NOT_ONE_OF_ENUMERATED_VALUES"
    assert finding["tag"] == "(0010,0040)" and finding["value_index"] == 1


def test_junit_format(files: Path) -> None:
    import xml.etree.ElementTree as ET

    _, out = run(str(files), "--format", "junit")
    suite = ET.fromstring(out)
    assert suite.get("tests") == "5" and suite.get("failures") == "4"
    failures = [c for c in suite if c.find("failure") is not None]
    assert len(failures) == 4


def test_baseline_makes_known_findings_pass(files: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    code, _ = run(str(files), "--write-baseline", str(baseline))
    assert code == 0 and baseline.is_file()
    code, out = run(str(files), "--baseline", str(baseline))
    assert code == 0
    assert "known (baseline)" in out
    write_ct(files / "new_problem.dcm", Modality="MR")
    code, out = run(str(files), "--baseline", str(baseline))
    assert code == 1
    assert "new_problem.dcm: error NOT_ONE_OF_ENUMERATED_VALUES (0008,0060)" in out


def test_bad_baseline_and_unknown_service_are_usage_errors(files: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    code, out = run(str(files), "--baseline", str(broken))
    assert code == 2 and "not an mdict baseline" in out
    code, out = run(str(files), "--service", "NOPE")
    assert code == 2 and "no service 'NOPE'" in out


def test_coverage_text(files: Path) -> None:
    _, out = run(str(files / "good.dcm"), "--coverage")
    assert "conditions: 2 of 3 uses evaluated (66.7%)" in out or "conditions:" in out
    assert "not evaluated: HAS_EXTENDED_CHARS" in out


def test_explicit_service_and_command(files: Path) -> None:
    code, out = run(str(files / "good.dcm"), "--service", "CT_IMAGE", "--command", "C_FIND_RQ")
    assert code == 1 and "NO_MESSAGE_SPEC" in out


def test_console_script_runs(tmp_path: Path) -> None:
    """One real subprocess: the installed entry point answers --help."""
    result = subprocess.run(
        [shutil.which("mdict") or "mdict", "validate", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "--write-baseline" in result.stdout


def test_database_that_cannot_load_is_one_clear_error(
    files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mdict.errors import DatabaseError

    def broken(db_path: str | None, profiles: str | None) -> None:
        raise DatabaseError("x.msg: schema version 9, expected 1")

    monkeypatch.setattr(cli_validate, "open_database", broken)
    result = CliRunner().invoke(main, ["validate", str(files)])
    assert result.exit_code == 2
    assert result.stderr == "error: x.msg: schema version 9, expected 1\n"
    assert "Traceback" not in result.output


def test_a_dying_worker_does_not_stop_the_batch(
    files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from mdict.validation.validator import Validator

    parent = os.getpid()
    real = Validator.validate_file

    def fragile(self: Validator, path: object, *args: object, **kwargs: object) -> object:
        if os.getpid() != parent and str(path).endswith("good.dcm"):
            os._exit(3)  # the worker process dies
        return real(self, path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Validator, "validate_file", fragile)
    validator = Validator(ct_database())
    paths = cli_validate.collect_files([str(files)])
    reports = list(cli_validate.run_all(validator, paths, None, "C_STORE_RQ", False, 2))
    assert [r.source for r in reports] == paths


def test_a_host_with_threads_validates_in_process(
    files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forking beside another thread could hang a worker on a lock that
    thread held: run_all then validates here, in file order."""

    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a process pool was started beside a thread")

    monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor", no_pool)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        from mdict.validation.validator import Validator

        validator = Validator(ct_database())
        paths = cli_validate.collect_files([str(files)])
        reports = list(cli_validate.run_all(validator, paths, None, "C_STORE_RQ", False, 2))
    finally:
        stop.set()
        other.join(timeout=10)
    assert [r.source for r in reports] == paths


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_bad_files_never_stop_a_batch(tmp_path: Path, jobs: str) -> None:
    from validate_support import write_bad_files

    expected = write_bad_files(tmp_path)
    write_ct(tmp_path / "zz_good.dcm")
    code, out = run(str(tmp_path), "--jobs", jobs, "--format", "json")
    assert code == 1 and "Traceback" not in out
    data = json.loads(out)
    by_name = {Path(f["file"]).name: f for f in data["files"]}
    assert set(by_name) == {*expected, "zz_good.dcm"}
    for name, finding_code in expected.items():
        assert finding_code in {f["code"] for f in by_name[name]["findings"]}, name
    assert by_name["zz_good.dcm"]["ok"]


def test_ignore_codes(files: Path) -> None:
    code, out = run(str(files / "bad_sex.dcm"), "--ignore", "NOT_ONE_OF_ENUMERATED_VALUES")
    assert code == 0 and "NOT_ONE_OF" not in out
    code, out = run(str(files / "bad_sex.dcm"), "--ignore", "NO_SUCH_CODE")
    assert code == 2 and "unknown code(s): NO_SUCH_CODE" in out


def test_hidden_folders_are_skipped(tmp_path: Path) -> None:
    """Hidden files were skipped but the files inside hidden folders (.git,
    .cache) were validated."""
    for name in ("a.dcm", ".b.dcm", ".hidden/c.dcm", "sub/d.dcm", "sub/.git/e.dcm"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    found = cli_validate.collect_files([str(tmp_path)])
    assert found == [str(tmp_path / "a.dcm"), str(tmp_path / "sub" / "d.dcm")]


def test_junit_is_well_formed_for_any_file_name() -> None:
    """A file name with bytes that are not UTF-8 (or control characters)
    made the JUnit output XML that no consumer could parse."""
    import xml.etree.ElementTree as ET

    from mdict.validation.findings import Finding, Report

    finding = Finding("NOT_DICOM", "error", "not a DICOM file")
    names = ["dir/bad\udcff.dcm", "dir/ctl\x01.dcm", "a&b <x>.dcm"]
    results = [(Report((finding,), source=n), [finding]) for n in names]
    text = cli_validate._junit(results)
    root = ET.fromstring(text.encode("utf-8", "surrogateescape"))  # as written to stdout
    assert [c.get("name") for c in root] == ["dir/bad\\xff.dcm", "dir/ctl\\x01.dcm", "a&b <x>.dcm"]


def test_unwritable_baseline_is_an_error_not_a_traceback(files: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    code, out = run(str(files / "good.dcm"), "--write-baseline", str(blocker / "baseline.json"))
    assert code == 2
    assert f"{blocker / 'baseline.json'}: error: cannot write: Not a directory" in out
