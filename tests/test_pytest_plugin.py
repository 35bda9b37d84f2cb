"""The pytest plugin: assert_valid_dicom and --mdict-baseline, run with pytester."""

from __future__ import annotations

from pathlib import Path

import pytest
from validate_support import ct_database, make_ct

from mdict.validation.pytest_plugin import DicomValidationError, assert_valid_dicom

pytest_plugins = ["pytester"]

SUITE = """
import pytest
from validate_support import ct_database, make_ct

DB = ct_database()


def test_good(assert_valid_dicom):
    report = assert_valid_dicom(make_ct(), db=DB)
    assert report.ok


def test_bad(assert_valid_dicom):
    ds = make_ct()
    ds.PatientSex = "X"
    del ds.Rows
    assert_valid_dicom(ds, db=DB)
"""

WARNING_TEST = """

def test_warning_only_fails_at_warning_level(assert_valid_dicom):
    ds = make_ct()
    ds.WindowCenter = "7"
    assert_valid_dicom(ds, db=DB)
    with pytest.raises(AssertionError):
        assert_valid_dicom(ds, db=DB, level="warnings")
"""


def test_plugin_is_registered_through_the_entry_point(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--help")
    result.stdout.fnmatch_lines(["*--mdict-baseline=FILE*"])


def test_failure_message_lists_the_findings(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_suite=SUITE + WARNING_TEST)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*DICOM dataset is not a valid CT_IMAGE C_STORE_RQ: 2 errors",
            "*error NOT_ONE_OF_ENUMERATED_VALUES (0010,0040) Patient's Sex value 1 'X'*",
            "*error REQUIRED_ATTRIBUTE_MISSING (0028,0010) Rows required attribute missing*",
        ]
    )


def test_baseline_accepts_known_findings(pytester: pytest.Pytester, tmp_path: Path) -> None:
    pytester.makepyfile(test_suite=SUITE)
    baseline = tmp_path / "known.json"
    first = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", f"--mdict-write-baseline={baseline}"
    )
    first.assert_outcomes(passed=1, failed=1)
    assert baseline.is_file()
    second = pytester.runpytest_inprocess("-p", "no:cacheprovider", f"--mdict-baseline={baseline}")
    second.assert_outcomes(passed=2)


def test_bad_baseline_is_a_usage_error(pytester: pytest.Pytester, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("[]")
    pytester.makepyfile(test_suite=SUITE)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", f"--mdict-baseline={broken}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--mdict-baseline*not an mdict baseline*"])


def test_unwritable_write_baseline_is_a_usage_error(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    """It was a traceback at the end of the session, after every test ran."""
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    pytester.makepyfile(test_suite=SUITE)
    target = blocker / "baseline.json"
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", f"--mdict-write-baseline={target}"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--mdict-write-baseline*baseline.json*"])


def test_plain_function_and_ignore() -> None:
    ds = make_ct()
    ds.PatientSex = "X"
    with pytest.raises(DicomValidationError) as info:
        assert_valid_dicom(ds, db=ct_database())
    assert [f.code for f in info.value.failing] == ["NOT_ONE_OF_ENUMERATED_VALUES"]
    report = assert_valid_dicom(ds, db=ct_database(), ignore={"NOT_ONE_OF_ENUMERATED_VALUES"})
    assert not report.ok


def test_files_are_read(tmp_path: Path) -> None:
    from validate_support import write_ct

    path = write_ct(tmp_path / "x.dcm", Modality="MR")
    with pytest.raises(DicomValidationError, match=r"x\.dcm is not a valid CT_IMAGE"):
        assert_valid_dicom(path, db=ct_database())
