"""The validator with the standard profiles (profiles/) on pydicom's own test
files: well-known facts about real files, pinned."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pydicom.data
import pytest
from validate_support import standard_database

from mdict.validation.validator import Validator

FILES = Path(pydicom.data.__file__).parent / "test_files"


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator(standard_database())


def counts(validator: Validator, name: str) -> tuple[str | None, Counter[str]]:
    report = validator.validate_file(FILES / name, level="warnings")
    return report.service, Counter(f.code for f in report)


@pytest.mark.parametrize(
    "name", ["MR_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm"]
)
def test_clean_mr_in_every_encoding(validator: Validator, name: str) -> None:
    assert counts(validator, name) == ("STANDARD_MR", Counter())


def test_ct_small_only_disagrees_with_the_private_dictionary(validator: Validator) -> None:
    service, found = counts(validator, "CT_small.dcm")
    assert service == "STANDARD_CT"
    assert found == Counter({"TOO_FEW_VALUES": 17, "TOO_MANY_VALUES": 1})
    report = validator.validate_file(FILES / "CT_small.dcm")
    assert all(f.creator == "GEMS_PARM_01" for f in report.warnings)
    assert report.ok


def test_rt_plan_uid_roots(validator: Validator) -> None:
    service, found = counts(validator, "rtplan.dcm")
    assert service == "STANDARD_RT_PLAN"
    assert found["UNKNOWN_UID_ROOT"] == 2


def test_ecg_private_elements_without_creator(validator: Validator) -> None:
    report = validator.validate_file(FILES / "waveform_ecg.dcm", level="errors")
    assert report.service == "STANDARD_WAVEFORM_12_LEAD_ECG"
    assert [(f.code, f.tag) for f in report] == [
        ("PRIVATE_CREATOR_MISSING", 0x70011131),
        ("PRIVATE_CREATOR_MISSING", 0x70011132),
        ("PRIVATE_CREATOR_MISSING", 0x70011153),
    ]


def test_sr_content_items_are_walked(validator: Validator) -> None:
    report = validator.validate_file(FILES / "reportsi.dcm", level="errors")
    assert report.service == "STANDARD_BASIC_TEXT_SR"
    paths = {f.path for f in report if f.code == "INVALID_VALUE_FOR_VR"}
    assert paths and all("[" in p for p in paths)  # inside sequence items
    assert all("nothing but zero" in f.message for f in report)


@pytest.mark.parametrize(
    ("name", "service"),
    [
        ("CT_small.dcm", "STANDARD_CT"),
        ("MR_small.dcm", "STANDARD_MR"),
        ("dicomdirtests/DICOMDIR", "DICOMDIR"),
    ],
)
def test_clean_files_against_the_default_database_with_conditions(name: str, service: str) -> None:
    """Conditional modules (VOI LUT and Clinical Trial Subject in CT, the
    directory record macros) make their 1C attributes depend on the module's
    condition: no false REQUIRED_ATTRIBUTE_MISSING when the module is absent."""
    import pydicom

    import mdict

    report = mdict.validate(pydicom.dcmread(FILES / name), coverage=True)
    assert report.service == service
    assert report.errors == ()
    assert report.coverage.uses > 0 and report.coverage.evaluated > 0


def test_missing_window_center_when_the_voi_lut_module_is_used() -> None:
    """The module's condition holds (Window Width is there), so its 1C
    Window Center is required: the combined condition is not always false."""
    import pydicom

    import mdict

    ds = pydicom.dcmread(FILES / "CT_small.dcm")
    ds.WindowWidth = "400"
    found = {(f.code, f.tag) for f in mdict.validate(ds).errors}
    assert ("REQUIRED_ATTRIBUTE_MISSING", 0x00281050) in found
