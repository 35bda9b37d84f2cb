"""The validator walker against a small in-memory database."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

import pytest
from pydicom import dcmread
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence as DicomSequence
from pydicom.tag import BaseTag
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian
from validate_support import CT_UID, ct_database, make_ct

from mdict.errors import LookupFailed
from mdict.validation.validator import (
    Finding,
    Report,
    Scope,
    Validator,
    default_conditions,
    never_evaluated,
)

pytestmark = pytest.mark.filterwarnings("ignore:Invalid value for VR")


def codes(report: Report) -> list[tuple[str, str]]:
    return [(f.code, f.path) for f in report]


def set_raw(ds: Dataset, tag: int, vr: str | None, value: bytes) -> None:
    """Put bytes into a dataset as if read from a file (no pydicom checks)."""
    ds[tag] = RawDataElement(BaseTag(tag), vr, len(value), value, 0, vr is None, True)


def conditions(values: dict[str, bool | None]):  # type: ignore[no-untyped-def]
    def check(name: str, scope: Scope) -> bool | None:
        return values.get(name)

    return check


@pytest.fixture
def validator() -> Validator:
    return Validator(ct_database(), conditions({"NEEDS_SPACING": True, "A00081140_PRESENT": False}))


def roundtrip(ds: Dataset, implicit: bool = False) -> Dataset:
    """Write and read back: the walker then sees raw (unconverted) elements."""
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ImplicitVRLittleEndian if implicit else ExplicitVRLittleEndian
    buffer = BytesIO()
    ds.save_as(buffer, enforce_file_format=False)
    buffer.seek(0)
    return dcmread(buffer, force=True)


def test_a_conforming_dataset_has_only_condition_notes(validator: Validator) -> None:
    report = validator.validate(make_ct())
    assert report.ok
    assert report.service == "CT_IMAGE"
    assert codes(report) == [("UNABLE_TO_CHECK_CONDITION", "(0008,0005)")]
    assert report.infos and not report.warnings and not report.errors


@pytest.mark.parametrize("implicit", [False, True])
def test_raw_datasets_read_from_files_give_the_same_result(
    validator: Validator, implicit: bool
) -> None:
    ds = make_ct()
    ds.PatientSex = "X"
    ds.StudyDate = "2024.01.31"
    in_memory = validator.validate(ds)
    from_file = validator.validate(roundtrip(ds, implicit))
    assert codes(in_memory) == codes(from_file)
    assert ("NOT_ONE_OF_ENUMERATED_VALUES", "(0010,0040)") in codes(from_file)
    assert ("INVALID_VALUE_FOR_VR", "(0008,0020)") in codes(from_file)


def test_type_1_missing_and_empty(validator: Validator) -> None:
    ds = make_ct()
    del ds.Rows
    ds.Modality = ""
    report = validator.validate(ds)
    found = {(f.code, f.path, f.severity) for f in report}
    assert ("REQUIRED_ATTRIBUTE_MISSING", "(0028,0010)", "error") in found
    assert ("VALUE_MAY_NOT_BE_NULL", "(0008,0060)", "error") in found
    assert not report.ok


def test_type_2_may_be_empty_but_not_missing(validator: Validator) -> None:
    ds = make_ct()
    ds.PatientName = ""
    del ds.PatientID
    assert codes(validator.validate(ds))[-1:] == [("REQUIRED_ATTRIBUTE_MISSING", "(0010,0020)")]
    assert ("VALUE_MAY_NOT_BE_NULL", "(0010,0010)") not in codes(validator.validate(ds))


def test_conditions_true_false_and_unknown() -> None:
    ds = make_ct()
    del ds.PixelSpacing
    for value, expected in (
        (True, [("REQUIRED_ATTRIBUTE_MISSING", "error")]),
        (False, []),
        (None, [("UNABLE_TO_CHECK_CONDITION", "info")]),
    ):
        v = Validator(ct_database(), conditions({"NEEDS_SPACING": value}))
        report = v.validate(ds, coverage=True)
        got = [(f.code, f.severity) for f in report if f.tag == 0x00280030]
        assert got == expected
        assert report.coverage.uses >= 1


def test_condition_false_still_checks_a_present_attribute() -> None:
    ds = make_ct()
    set_raw(ds, 0x00280030, "DS", b"0.5\\abc ")
    v = Validator(ct_database(), conditions({"NEEDS_SPACING": False}))
    [finding] = [f for f in v.validate(ds) if f.tag == 0x00280030]
    assert finding.code == "INVALID_VALUE_FOR_VR"
    assert finding.value_index == 2


def test_coverage_counts_every_conditional_use(validator: Validator) -> None:
    report = validator.validate(make_ct(), coverage=True)
    # 0008,0005 (absent, unnamed-free condition not defined), 0008,1140 (absent),
    # 0028,0030 (present, evaluated for coverage)
    assert report.coverage.uses == 3
    assert report.coverage.evaluated == 2
    assert report.coverage.unevaluated_names == ("HAS_EXTENDED_CHARS",)


def test_coverage_is_empty_unless_asked_for(validator: Validator) -> None:
    """Without coverage=True the report held a partial count (absent uses only)."""
    report = validator.validate(make_ct())
    assert report.coverage.uses == 0
    assert report.coverage.evaluated == 0
    assert report.coverage.unevaluated_names == ()


def test_default_conditions_resolve_names_inside_definitions() -> None:
    """``OUTER = INNER and ...``: INNER comes from the database's profile too."""
    from validate_support import CT_MESSAGE, DICTIONARY, ITEMS, FakeDatabase

    db = FakeDatabase(
        DICTIONARY,
        [("CT_IMAGE", CT_UID, {"C_STORE_RQ": CT_MESSAGE})],
        ITEMS,
        {"INNER": "present((0028,0030))", "OUTER": "INNER and not present((0010,0010))"},
    )
    check = default_conditions(db)
    ds = Dataset()
    ds.PixelSpacing = [1, 1]
    assert check("OUTER", Scope(ds, (), ds)) is True
    ds.PatientName = "X"
    assert check("OUTER", Scope(ds, (), ds)) is False


def test_vm_against_the_dictionary(validator: Validator) -> None:
    ds = make_ct()
    ds.ImageType = ["ORIGINAL"]
    ds.PixelSpacing = ["1", "1", "1"]
    found = {(f.code, f.path) for f in validator.validate(ds)}
    assert ("TOO_FEW_VALUES", "(0008,0008)") in found
    assert ("TOO_MANY_VALUES", "(0028,0030)") in found


def test_enumerated_values_per_position_and_defined_terms(validator: Validator) -> None:
    ds = make_ct()
    ds.ImageType = ["DERIVED", "OTHER", "ANYTHING"]
    ds.WindowCenter = ["40", "55"]
    report = validator.validate(ds)
    image_type = [f for f in report if f.tag == 0x00080008]
    assert [(f.code, f.value_index) for f in image_type] == [("NOT_ONE_OF_ENUMERATED_VALUES", 2)]
    window = [f for f in report if f.tag == 0x00281050]
    assert [(f.code, f.severity, f.value_index) for f in window] == [
        ("NOT_ONE_OF_DEFINED_TERMS", "warning", 2)
    ]


def test_wrong_vr_is_an_error(validator: Validator) -> None:
    ds = make_ct()
    ds.add_new(0x00100040, "LO", "M")
    [finding] = [f for f in validator.validate(ds) if f.tag == 0x00100040]
    assert finding.code == "INVALID_VR"
    assert "LO" in finding.message and "CS" in finding.message


@pytest.mark.filterwarnings("ignore:Invalid value:UserWarning")
def test_numeric_range_of_in_memory_values(validator: Validator) -> None:
    ds = make_ct()
    ds.add_new(0x00280010, "US", 70000)
    [finding] = [f for f in validator.validate(ds) if f.tag == 0x00280010]
    assert finding.code == "INVALID_VALUE_FOR_VR"


def test_non_service_attribute(validator: Validator) -> None:
    ds = make_ct()
    ds.PatientAge = "045Y"
    ds.add_new(0x00180050 + 0x10, "DS", "1")  # (0018,0060) KVP, not in the spec
    found = [(f.code, f.severity, f.path) for f in validator.validate(ds)]
    assert ("NON_SERVICE_ATTRIBUTE", "warning", "(0018,0060)") in found
    assert not any(p == "(0010,1010)" for _, _, p in found)


def test_sequence_items_follow_their_item_spec(validator: Validator) -> None:
    ds = make_ct()
    code = Dataset()
    code.CodeValue = "X1"
    code.CodeMeaning = "thing"
    request = Dataset()
    request.ScheduledProtocolCodeSequence = DicomSequence([code])
    ds.RequestAttributesSequence = DicomSequence([request])
    report = validator.validate(ds)
    [finding] = report.errors
    assert finding.code == "REQUIRED_ATTRIBUTE_MISSING"
    assert finding.path == "(0040,0275)[1]/(0040,0008)[1]/(0008,0102)"
    assert finding.name == "Coding Scheme Designator"
    assert "[(0040,0275)[1]/(0040,0008)[1]/(0008,0102)]" in str(finding)


def test_type_1_sequence_without_items() -> None:
    v = Validator(ct_database(), conditions({"A00081140_PRESENT": True}))
    ds = make_ct()
    ds.ReferencedImageSequence = DicomSequence([])
    [finding] = [f for f in v.validate(ds) if f.tag == 0x00081140]
    assert finding.code == "VALUE_MAY_NOT_BE_NULL"


def test_several_item_specs_pick_the_best_fit() -> None:
    from validate_support import CT_MESSAGE, DICTIONARY, ITEMS, FakeDatabase

    message = [
        line.replace("E<CODE>", "E<CODE, CODE_ALT>") if line.startswith("0040") else line
        for line in CT_MESSAGE
    ]
    items = {**ITEMS, "REQUEST_ATTRIBUTES": ["0040,0008@SQ@2@@E<CODE, CODE_ALT>;"]}
    db = FakeDatabase(DICTIONARY, [("CT_IMAGE", CT_UID, {"C_STORE_RQ": message})], items)
    ds = make_ct()
    code = Dataset()
    code.CodeValue = "X1"
    code.CodeMeaning = "thing"
    request = Dataset()
    request.ScheduledProtocolCodeSequence = DicomSequence([code])
    ds.RequestAttributesSequence = DicomSequence([request])
    assert Validator(db, never_evaluated).validate(ds).ok


def test_private_attributes_match_through_their_creator_block(validator: Validator) -> None:
    ds = make_ct()
    block = ds.private_block(0x0009, "ACME Imaging Group", create=True)
    assert block.block_start == 0x1000
    # reserve a different block number first so the creator lands elsewhere
    ds2 = make_ct()
    ds2.add_new(0x00090010, "LO", "SOMEONE ELSE")
    ds2.add_new(0x00091001, "LO", "x")
    ds2.add_new(0x00090011, "LO", "ACME Imaging Group")
    ds2.add_new(0x0009112B, "CS", "MEDIUM")
    ds2.add_new(0x0009112A, "PN", "Tech^Tom")
    report = validator.validate(ds2)
    acme = [f for f in report if f.creator == "ACME Imaging Group"]
    assert [(f.code, f.tag, f.value_index) for f in acme] == [
        ("NOT_ONE_OF_DEFINED_TERMS", 0x0009112B, 1)
    ] or [(f.code, f.tag) for f in acme] == [("NOT_ONE_OF_ENUMERATED_VALUES", 0x0009112B)]
    other = [f for f in report if f.creator == "SOMEONE ELSE"]
    assert [(f.code, f.severity) for f in other] == [("NON_SERVICE_PRIVATE_ATTRIBUTE", "info")]


def test_private_block_checks(validator: Validator) -> None:
    ds = make_ct()
    ds.add_new(0x00091001, "LO", "orphan")  # no creator for block 10
    ds.add_new(0x00110010, "LO", "")  # empty creator
    ds.add_new(0x00130010, "LO", "DUP")
    ds.add_new(0x00130011, "LO", "DUP")
    ds.add_new(0x00150005, "LO", "outside")
    found = {(f.code, f.path) for f in validator.validate(ds)}
    assert ("PRIVATE_CREATOR_MISSING", "(0009,1001)") in found
    assert ("INVALID_PRIVATE_CREATOR", "(0011,0010)") in found
    assert ("DUPLICATE_PRIVATE_CREATOR", "(0013,0011)") in found
    assert ("PRIVATE_CREATOR_MISSING", "(0015,0005)") in found


def test_character_repertoire_depends_on_the_character_set(validator: Validator) -> None:
    ds = make_ct()
    ds.PatientName = "Müller^Hans"
    assert any(f.code == "INVALID_VALUE_FOR_VR" for f in validator.validate(ds))
    ds.SpecificCharacterSet = "ISO_IR 100"
    report = validator.validate(roundtrip(ds))
    assert not any(f.tag == 0x00100010 for f in report)


def test_undecodable_value_is_a_finding(validator: Validator) -> None:
    ds = make_ct()
    ds.SpecificCharacterSet = "ISO_IR 192"
    set_raw(ds, 0x00100010, "PN", b"\xff\xfe^bad")
    report = validator.validate(ds)
    assert any(f.tag == 0x00100010 for f in report)  # never a traceback


def test_service_lookup(validator: Validator) -> None:
    ds = make_ct()
    del ds.SOPClassUID
    assert codes(validator.validate(ds)) == [("NO_SOP_CLASS_UID", "(0008,0016)")]
    ds.SOPClassUID = "1.2.3"
    [finding] = validator.validate(ds)
    assert finding.code == "UNKNOWN_SOP_CLASS" and not validator.validate(ds).ok
    assert validator.validate(ds, service="CT_IMAGE").service == "CT_IMAGE"
    [missing] = validator.validate(ds, service=1, command="C_FIND_RQ")
    assert missing.code == "NO_MESSAGE_SPEC"
    with pytest.raises(LookupFailed):
        validator.validate(ds, service="NOPE")


def test_report_json_and_levels(validator: Validator) -> None:
    ds = make_ct()
    ds.PatientSex = "Q"
    ds.WindowCenter = "7"
    report = validator.validate(ds)
    data = json.loads(report.to_json())
    assert data["ok"] is False
    assert data["counts"] == {"error": 1, "warning": 1, "info": 1}
    assert data["findings"][0]["tag"].startswith("(")
    assert [f.severity for f in report.at_level("errors")] == ["error"]
    assert len(report.at_level("warning")) == 2
    assert len(report.at_level("info")) == len(report) == 3
    assert isinstance(next(iter(report)), Finding)


def test_public_api_is_callable_before_and_after_importing_the_module() -> None:
    import mdict

    db = ct_database()
    first = mdict.validate(make_ct(), db=db)
    import mdict.validation.validator as module

    assert module.validate(make_ct(), db=db).ok
    assert mdict.validate(make_ct(), db=db).findings == first.findings


def test_un_values_are_checked_as_the_expected_vr(validator: Validator) -> None:
    ds = make_ct()
    set_raw(ds, 0x00100040, "UN", b"X ")
    set_raw(ds, 0x00080020, "UN", b"2024.1.1")
    found = {(f.code, f.severity, f.tag) for f in validator.validate(ds)}
    assert ("UN_VR", "info", 0x00100040) in found
    assert ("NOT_ONE_OF_ENUMERATED_VALUES", "error", 0x00100040) in found
    assert ("INVALID_VALUE_FOR_VR", "error", 0x00080020) in found


def test_group_length_outside_the_spec_is_a_warning(validator: Validator) -> None:
    ds = make_ct()
    ds.add_new(0x00100000, "UL", 20)
    [finding] = [f for f in validator.validate(ds) if f.tag == 0x00100000]
    assert (finding.code, finding.severity) == ("NON_SERVICE_ATTRIBUTE", "warning")
    assert "group length" in finding.message


def test_private_dictionary_disagreement_is_a_warning(validator: Validator) -> None:
    ds = make_ct()
    ds.add_new(0x00110010, "LO", "OTHER")
    ds.add_new(0x00111010, "LO", ["a", "b"])  # dictionary: VM 1
    [vm] = [f for f in validator.validate(ds) if f.code == "TOO_MANY_VALUES"]
    assert (vm.severity, vm.creator) == ("warning", "OTHER")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("ExplVR_BigEndNoMeta.dcm", "NO_FILE_META"),
        ("ExplVR_LitEndNoMeta.dcm", "NO_FILE_META"),
        ("README.txt", "NOT_DICOM"),
        ("MR_truncated.dcm", "TRUNCATED_VALUE"),
        ("rtplan_truncated.dcm", "TRUNCATED_VALUE"),
    ],
)
def test_bad_files_give_findings_not_tracebacks(validator: Validator, name: str, code: str) -> None:
    import pydicom.data

    path = Path(pydicom.data.__file__).parent / "test_files" / name
    report = validator.validate_file(path, service="CT_IMAGE")
    assert code in {f.code for f in report}
    assert report.source == str(path)


def test_every_kind_of_bad_file_gives_its_finding(validator: Validator, tmp_path: Path) -> None:
    """Not DICOM, empty, truncated (in a value, in pixel data or a sequence
    of undefined length), undecodable or malformed values, a wrong VR, no
    SOP Class UID, an unknown SOP class: a finding each, never an exception."""
    from validate_support import write_bad_files

    for name, code in write_bad_files(tmp_path).items():
        report = validator.validate_file(tmp_path / name)
        assert code in {f.code for f in report}, (name, list(report))
        assert not report.ok and report.source == str(tmp_path / name)


def test_a_file_ending_inside_pixel_data_keeps_its_elements(
    validator: Validator, tmp_path: Path
) -> None:
    """pydicom drops every element when the file ends inside Pixel Data of
    undefined length; the elements before it are validated all the same."""
    from validate_support import write_truncated_pixels

    report = validator.validate_file(write_truncated_pixels(tmp_path / "cut.dcm"))
    assert report.service == "CT_IMAGE"
    errors = [(f.code, f.path) for f in report if f.severity == "error"]
    assert errors == [("TRUNCATED_VALUE", "(7FE0,0010)")]
    assert "ends inside Pixel Data" in report.findings[0].message


def test_a_file_ending_inside_a_sequence_keeps_the_elements_before(
    validator: Validator, tmp_path: Path
) -> None:
    from validate_support import write_truncated_sequence

    report = validator.validate_file(write_truncated_sequence(tmp_path / "cut.dcm"))
    first = report.findings[0]
    assert (first.code, first.path) == ("TRUNCATED_VALUE", "(0008,1140)")
    assert "elements before it were read" in first.message
    assert report.service == "CT_IMAGE"  # the SOP Class UID came before the cut


def test_a_sequence_written_as_un_is_checked_against_its_item_spec(
    validator: Validator,
) -> None:
    """UN sequences are implicit VR little endian (PS3.5 6.2.2): their items
    are read and checked like any other."""
    uid = b"1.2.03\x00"
    element = b"\x08\x00\x55\x11" + len(uid).to_bytes(4, "little") + uid
    item = b"\xfe\xff\x00\xe0" + len(element).to_bytes(4, "little") + element
    ds = make_ct()
    set_raw(ds, 0x00081140, "UN", item)
    found = [(f.code, f.path) for f in validator.validate(ds)]
    assert ("UN_VR", "(0008,1140)") in found
    assert ("INVALID_VALUE_FOR_VR", "(0008,1140)[1]/(0008,1155)") in found
    assert ("REQUIRED_ATTRIBUTE_MISSING", "(0008,1140)[1]/(0008,1150)") in found


def test_implicit_vr_in_an_explicit_vr_file_is_a_mismatch(validator: Validator) -> None:
    import pydicom.data

    path = Path(pydicom.data.__file__).parent / "test_files" / "SC_rgb_jpeg.dcm"
    report = validator.validate_file(path, service="CT_IMAGE")
    [mismatch] = [f for f in report if f.code == "FILE_META_MISMATCH"]
    assert mismatch.path == "(0002,0010)" and "encoded with implicit VR" in mismatch.message
    # Pixel Data read in implicit VR has the dictionary's "OB or OW": not a wrong VR
    assert not [f for f in report if f.tag == 0x7FE00010]
    # a file without meta header is read in whichever encoding fits: no mismatch
    bare = validator.validate_file(path.parent / "rtstruct.dcm", service="CT_IMAGE")
    assert "NO_FILE_META" in {f.code for f in bare}
    assert "FILE_META_MISMATCH" not in {f.code for f in bare}


def test_unreadable_path_is_a_read_error(validator: Validator, tmp_path: Path) -> None:
    [finding] = validator.validate_file(tmp_path)  # a directory
    assert finding.code == "READ_ERROR"


def test_codes_are_documented() -> None:
    from mdict.validation.validator import CODES

    text = (Path(__file__).parent.parent / "docs" / "codes.md").read_text(encoding="utf-8")
    for code, (severity, _) in CODES.items():
        assert f"## {code}" in text, code
        assert severity in text


def test_without_a_spec_values_are_still_checked(validator: Validator) -> None:
    ds = make_ct()
    ds.SOPClassUID = "1.2.3"
    ds.StudyDate = "2024.01.31"
    ds.KVP = "120"  # no non-service warnings without a spec
    assert codes(validator.validate(ds)) == [
        ("UNKNOWN_SOP_CLASS", "(0008,0016)"),
        ("INVALID_VALUE_FOR_VR", "(0008,0020)"),
    ]


def test_creators_written_as_un_still_reserve_their_block(validator: Validator) -> None:
    ds = make_ct()
    set_raw(ds, 0x00090010, "UN", b"ACME Imaging Group")
    set_raw(ds, 0x0009102B, "UN", b"FAST")
    found = [(f.code, f.creator) for f in validator.validate(ds) if f.tag >> 16 == 9]
    assert found == [("UN_VR", "ACME Imaging Group")]


def test_default_conditions_use_the_profile_then_the_name() -> None:
    """The database's conditions profile first, then the Merge name convention."""
    from validate_support import CT_MESSAGE, DICTIONARY, ITEMS, FakeDatabase

    db = FakeDatabase(
        DICTIONARY,
        [("CT_IMAGE", CT_UID, {"C_STORE_RQ": CT_MESSAGE})],
        ITEMS,
        {"NEEDS_SPACING": "true", "HAS_EXTENDED_CHARS": "unknown", "BROKEN": "present("},
    )
    check = default_conditions(db)
    scope = Scope(Dataset(), (), Dataset())
    assert check("NEEDS_SPACING", scope) is True
    assert check("HAS_EXTENDED_CHARS", scope) is None
    assert check("A00081140_PRESENT", scope) is False
    assert check("UNDEFINED", scope) is None
    assert check("BROKEN", scope) is None
    ds = make_ct()
    del ds.PixelSpacing
    report = Validator(db).validate(ds, coverage=True)
    assert ("REQUIRED_ATTRIBUTE_MISSING", "(0028,0030)") in codes(report)
    assert report.coverage.unevaluated_names == ("HAS_EXTENDED_CHARS",)


def test_condition_results_kept_per_scope_and_root_results_per_run() -> None:
    """Compiled conditions remember results per scope (and, for conditions
    that only look at the root, per run): a changed dataset validated again
    gives fresh results."""
    from validate_support import CT_MESSAGE, DICTIONARY, ITEMS, FakeDatabase

    db = FakeDatabase(
        DICTIONARY,
        [("CT_IMAGE", CT_UID, {"C_STORE_RQ": CT_MESSAGE})],
        ITEMS,
        {
            "HERE": "present((0010,0010))",
            "AT_ROOT": "present(/(0010,0010))",
            "NEEDS_SPACING": "AT_ROOT and HERE",
        },
    )
    check = default_conditions(db)
    ds = Dataset()
    first = Scope(ds, (), ds)
    assert check("HERE", first) is False
    assert check("AT_ROOT", first) is False
    ds.PatientName = "X"
    assert check("HERE", first) is False  # same scope: the dataset may not change
    second = Scope(ds, (), ds)
    assert check("HERE", second) is True
    assert check("AT_ROOT", second) is True
    validator = Validator(db)
    image = make_ct()
    del image.PixelSpacing
    del image.PatientName
    assert ("REQUIRED_ATTRIBUTE_MISSING", "(0028,0030)") not in codes(validator.validate(image))
    image.PatientName = "Y"
    assert ("REQUIRED_ATTRIBUTE_MISSING", "(0028,0030)") in codes(validator.validate(image))


def test_query_messages_accept_matching_syntax() -> None:
    from validate_support import DICTIONARY, FakeDatabase

    find = ["0008,0020@DA@2@@;", "0010,0010@PN@2@@;", "0008,0060@CS@2@@;"]
    db = FakeDatabase(DICTIONARY, [("CT_IMAGE", CT_UID, {"C_FIND_RQ": find})], {})
    ds = Dataset()
    ds.StudyDate = "20240101-20240131"
    ds.PatientName = "Do*"
    ds.Modality = "C?"
    assert not Validator(db, never_evaluated).validate(ds, "CT_IMAGE", "C_FIND_RQ").findings
    ds.StudyDate = "20241301-"
    [finding] = Validator(db, never_evaluated).validate(ds, "CT_IMAGE", "C_FIND_RQ")
    assert finding.code == "INVALID_VALUE_FOR_VR"


def test_per_frame_items_and_conditions_see_the_root() -> None:
    """Functional-group style nesting: each frame item is checked, and the
    condition evaluator gets the root, the enclosing items and the item."""
    from validate_support import DICTIONARY, FakeDatabase

    dictionary = [
        *DICTIONARY,
        "Per-frame Functional Groups Sequence,5200,9230,SQ,1",
        "Frame Content Sequence,0020,9111,SQ,1",
        "Frame Acquisition Number,0020,9156,US,1",
        "Stack ID,0020,9056,SH,1",
    ]
    message = ["0008,0016@UI@1@@;", "5200,9230@SQ@1@@E<PER_FRAME>;"]
    items = {
        "PER_FRAME": ["0020,9111@SQ@1@@E<FRAME_CONTENT>;"],
        "FRAME_CONTENT": ["0020,9056@SH@1C(IN_STACK)@@;", "0020,9156@US@1@@;"],
    }
    db = FakeDatabase(dictionary, [("MF", "1.2.3.4", {"C_STORE_RQ": message})], items)
    scopes: list[Scope] = []

    def in_stack(name: str, scope: Scope) -> bool | None:
        scopes.append(scope)
        return True

    ds = Dataset()
    ds.SOPClassUID = "1.2.3.4"
    frames = []
    for number in range(1, 4):
        content = Dataset()
        if number != 2:
            content.FrameAcquisitionNumber = number
        frame = Dataset()
        frame.FrameContentSequence = DicomSequence([content])
        frames.append(frame)
    ds.PerFrameFunctionalGroupsSequence = DicomSequence(frames)
    report = Validator(db, in_stack).validate(ds)
    assert codes(report) == [
        ("REQUIRED_ATTRIBUTE_MISSING", "(5200,9230)[1]/(0020,9111)[1]/(0020,9056)"),
        ("REQUIRED_ATTRIBUTE_MISSING", "(5200,9230)[2]/(0020,9111)[1]/(0020,9056)"),
        ("REQUIRED_ATTRIBUTE_MISSING", "(5200,9230)[2]/(0020,9111)[1]/(0020,9156)"),
        ("REQUIRED_ATTRIBUTE_MISSING", "(5200,9230)[3]/(0020,9111)[1]/(0020,9056)"),
    ]
    assert scopes[1].root is ds
    assert scopes[1].parents[0] is ds and scopes[1].parents[1] is frames[1]
    assert scopes[1].current is frames[1].FrameContentSequence[0]


def test_level_leaves_out_less_severe_findings(validator: Validator) -> None:
    ds = make_ct()
    ds.add_new(0x00110010, "LO", "OTHER")
    ds.add_new(0x00111011, "LO", "x")
    ds.WindowCenter = "7"
    ds.PatientSex = "Q"
    full = validator.validate(ds)
    assert {f.severity for f in full} == {"error", "warning", "info"}
    for level in ("errors", "warnings", "info"):
        assert validator.validate(ds, level=level).findings == full.at_level(level)


def test_file_meta_and_frame_count_consistency(validator: Validator) -> None:
    ds = make_ct()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = CT_UID
    ds.file_meta.MediaStorageSOPInstanceUID = "1.2.3.5"
    ds.NumberOfFrames = 2
    ds.PerFrameFunctionalGroupsSequence = DicomSequence([Dataset()])
    found = [(f.code, f.tag) for f in validator.validate(ds, level="errors")]
    assert ("FILE_META_MISMATCH", 0x00020003) in found
    assert ("FRAME_COUNT_MISMATCH", 0x52009230) in found
    assert not any(tag == 0x00020002 for _, tag in found)


def test_a_finding_as_a_dict_has_every_field_in_order() -> None:
    """Finding.to_dict is written by hand (for speed): a field added to
    Finding must be added there too."""
    import dataclasses

    from mdict.validation.findings import Finding

    finding = Finding("X", "error", "m", 0x00100010, "(0010,0010)", "C", 2, "n", "private")
    expected = {f.name: getattr(finding, f.name) for f in dataclasses.fields(Finding)}
    expected["tag"] = "(0010,0010)"
    assert finding.to_dict() == expected
    assert list(finding.to_dict()) == list(expected)
    assert Finding("X", "info", "m").to_dict()["tag"] is None
