"""Messages of the non-storage services (PS3.4 transcription): what real
applications send validates clean, and one injected defect is caught."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydicom.dataset import Dataset
from pydicom.filewriter import dcmwrite
from pydicom.uid import ImplicitVRLittleEndian

from mdict.db.database import default_database
from mdict.validation.findings import Report
from mdict.validation.identifiers import levels_of
from mdict.validation.validator import Validator
from tests import ps34_datasets
from tests.ps34_datasets import dataset, sop_reference

CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator(default_database())


def _codes(report: Report, severities: tuple[str, ...] = ("error", "warning")) -> list[str]:
    return [f"{f.code} {f.tag_display}" for f in report.findings if f.severity in severities]


def worklist_query() -> Dataset:
    """A modality's worklist query: its AE title, today, its modality."""
    query = Dataset()
    query.SpecificCharacterSet = "ISO_IR 100"
    query.PatientName = ""
    query.PatientID = ""
    query.PatientBirthDate = ""
    query.PatientSex = ""
    query.AccessionNumber = ""
    query.ReferringPhysicianName = ""
    query.StudyInstanceUID = ""
    query.RequestedProcedureID = ""
    query.RequestedProcedureDescription = ""
    query.RequestedProcedureCodeSequence = []
    step = dataset(
        ScheduledStationAETitle="CT01",
        ScheduledProcedureStepStartDate="20250101-20250102",
        ScheduledProcedureStepStartTime="",
        Modality="CT",
        ScheduledPerformingPhysicianName="",
        ScheduledProcedureStepDescription="",
        ScheduledProcedureStepID="",
    )
    step.ScheduledProtocolCodeSequence = []
    query.ScheduledProcedureStepSequence = [step]
    return query


def mpps_create() -> Dataset:
    """N-CREATE of a modality starting a procedure step (IN PROGRESS)."""
    scheduled = {
        "StudyInstanceUID": "1.2.826.0.1.3680043.8.498.1",
        "AccessionNumber": "A1234",
        "RequestedProcedureID": "RP1",
        "RequestedProcedureDescription": "CT CHEST",
        "ScheduledProcedureStepID": "SPS1",
        "ScheduledProcedureStepDescription": "CT CHEST W/O",
    }
    return ps34_datasets.mpps_create(
        scheduled,
        SpecificCharacterSet="ISO_IR 100",
        PatientName="DOE^JANE",
        PatientID="P123",
        PatientBirthDate="19700101",
        PatientSex="F",
        PerformedProcedureStepID="PPS1",
        PerformedStationAETitle="CT01",
        PerformedStationName="CT ROOM 1",
        PerformedProcedureStepStartDate="20250101",
        PerformedProcedureStepStartTime="101500",
        PerformedProcedureStepStatus="IN PROGRESS",
        PerformedProcedureStepDescription="CT CHEST",
        Modality="CT",
        StudyID="S1",
    )


def mpps_set() -> Dataset:
    """N-SET of the same step, COMPLETED, with its series."""
    ds = Dataset()
    ds.PerformedProcedureStepStatus = "COMPLETED"
    ds.PerformedProcedureStepEndDate = "20250101"
    ds.PerformedProcedureStepEndTime = "103000"
    series = dataset(
        PerformingPhysicianName="",
        ProtocolName="CHEST ROUTINE",
        OperatorsName="TECH^A",
        SeriesInstanceUID="1.2.826.0.1.3680043.8.498.2",
        SeriesDescription="AXIAL 5MM",
        RetrieveAETitle="PACS",
    )
    series.ReferencedImageSequence = [
        sop_reference(CT_IMAGE_STORAGE, "1.2.826.0.1.3680043.8.498.3")
    ]
    series.ReferencedNonImageCompositeSOPInstanceSequence = []
    ds.PerformedSeriesSequence = [series]
    return ds


def commitment_request() -> Dataset:
    ds = Dataset()
    ds.TransactionUID = "1.2.826.0.1.3680043.8.498.10"
    ds.ReferencedSOPSequence = [
        sop_reference(CT_IMAGE_STORAGE, f"1.2.826.0.1.3680043.8.498.{n}") for n in (3, 4)
    ]
    return ds


def study_query() -> Dataset:
    """A PACS client's study-level C-FIND (wild card, range, UID list)."""
    ds = Dataset()
    ds.QueryRetrieveLevel = "STUDY"
    ds.PatientName = "DOE^J*"
    ds.PatientID = ""
    ds.PatientBirthDate = ""
    ds.StudyDate = "20240101-"
    ds.StudyTime = ""
    ds.AccessionNumber = ""
    ds.StudyID = ""
    ds.StudyInstanceUID = "1.2.826.0.1.3680043.8.498.1\\1.2.826.0.1.3680043.8.498.9"
    ds.StudyDescription = "*CHEST?"
    ds.ModalitiesInStudy = ""
    ds.NumberOfStudyRelatedInstances = ""
    return ds


CASES = [
    ("MODALITY_WORKLIST_FIND", "C_FIND_RQ", worklist_query),
    ("PERFORMED_PROCEDURE_STEP", "N_CREATE_RQ", mpps_create),
    ("PERFORMED_PROCEDURE_STEP", "N_SET_RQ", mpps_set),
    ("STORAGE_COMMITMENT_PUSH", "N_ACTION_RQ", commitment_request),
    ("STUDY_ROOT_QR_FIND", "C_FIND_RQ", study_query),
]


@pytest.mark.parametrize(("service", "command", "make"), CASES)
def test_real_messages_validate_clean(
    validator: Validator, service: str, command: str, make: object
) -> None:
    assert callable(make)
    report = validator.validate(make(), service, command)
    assert _codes(report) == [], [str(f) for f in report.findings]


def _without(ds: Dataset, keyword: str) -> Dataset:
    delattr(ds, keyword)
    return ds


DEFECTS = [
    ("MODALITY_WORKLIST_FIND", "C_FIND_RQ", worklist_query, "StudyInstanceUID", "1.2.3.abc",
     "INVALID_VALUE_FOR_VR (0020,000D)"),
    ("PERFORMED_PROCEDURE_STEP", "N_CREATE_RQ", mpps_create, "PerformedStationAETitle", None,
     "REQUIRED_ATTRIBUTE_MISSING (0040,0241)"),
    ("PERFORMED_PROCEDURE_STEP", "N_SET_RQ", mpps_set, "PerformedProcedureStepStatus",
     "FINISHED", "NOT_ONE_OF_ENUMERATED_VALUES (0040,0252)"),
    ("STORAGE_COMMITMENT_PUSH", "N_ACTION_RQ", commitment_request, "TransactionUID", None,
     "REQUIRED_ATTRIBUTE_MISSING (0008,1195)"),
    ("STUDY_ROOT_QR_FIND", "C_FIND_RQ", study_query, "StudyDate", "2024-13-01",
     "INVALID_VALUE_FOR_VR (0008,0020)"),
]  # fmt: skip


@pytest.mark.parametrize(("service", "command", "make", "keyword", "value", "expected"), DEFECTS)
def test_one_injected_defect_is_caught(
    validator: Validator,
    service: str,
    command: str,
    make: object,
    keyword: str,
    value: str | None,
    expected: str,
) -> None:
    assert callable(make)
    ds = make()
    if value is None:
        ds = _without(ds, keyword)
    else:
        setattr(ds, keyword, value)
    codes = _codes(validator.validate(ds, service, command))
    assert any(code.startswith(expected) for code in codes), codes


def test_mpps_set_may_not_change_what_n_create_fixed(validator: Validator) -> None:
    ds = mpps_set()
    ds.PatientID = "OTHER"  # N-SET of Patient ID: not allowed (PS3.4 F.7.2-1 "-")
    assert "NON_SERVICE_ATTRIBUTE (0010,0020)" in _codes(
        validator.validate(ds, "PERFORMED_PROCEDURE_STEP", "N_SET_RQ")
    )


def test_a_key_of_a_lower_level_is_a_warning_not_an_error(validator: Validator) -> None:
    ds = study_query()
    ds.SeriesInstanceUID = ""
    report = validator.validate(ds, "STUDY_ROOT_QR_FIND", "C_FIND_RQ")
    assert _codes(report, ("error",)) == []
    assert _codes(report, ("warning",)) == ["NON_SERVICE_ATTRIBUTE (0020,000E)"]
    ds.QueryRetrieveLevel = "SERIES"  # at the series level it belongs
    assert _codes(validator.validate(ds, "STUDY_ROOT_QR_FIND", "C_FIND_RQ")) == []


def test_query_level_is_required_and_enumerated(validator: Validator) -> None:
    ds = study_query()
    ds.QueryRetrieveLevel = "FOLDER"
    codes = _codes(validator.validate(ds, "STUDY_ROOT_QR_FIND", "C_FIND_RQ"))
    assert "NOT_ONE_OF_ENUMERATED_VALUES (0008,0052)" in codes
    del ds.QueryRetrieveLevel
    codes = _codes(validator.validate(ds, "STUDY_ROOT_QR_FIND", "C_FIND_RQ"))
    assert "REQUIRED_ATTRIBUTE_MISSING (0008,0052)" in codes


def test_matching_syntax_is_valid_in_a_query_only(validator: Validator) -> None:
    ds = study_query()
    ds.StudyTime = "080000-120000"
    ds.PatientBirthDate = "-19800101"
    assert _codes(validator.validate(ds, "STUDY_ROOT_QR_FIND", "C_FIND_RQ")) == []
    ds.StudyTime = "25-"  # a range's ends are times
    assert "INVALID_VALUE_FOR_VR (0008,0030)" in _codes(
        validator.validate(ds, "STUDY_ROOT_QR_FIND", "C_FIND_RQ")
    )


def test_move_and_get_hold_the_unique_keys(validator: Validator) -> None:
    ds = Dataset()
    ds.QueryRetrieveLevel = "SERIES"
    ds.StudyInstanceUID = "1.2.826.0.1.3680043.8.498.1"
    ds.SeriesInstanceUID = "1.2.826.0.1.3680043.8.498.2"
    for service in ("STUDY_ROOT_QR_MOVE", "STUDY_ROOT_QR_GET"):
        command = f"C_{service.rsplit('_', 1)[1]}_RQ"
        assert _codes(validator.validate(ds, service, command)) == []
    ds.SOPInstanceUID = "1.2.826.0.1.3680043.8.498.3"  # an IMAGE key in a SERIES retrieve
    codes = _codes(validator.validate(ds, "STUDY_ROOT_QR_MOVE", "C_MOVE_RQ"))
    assert codes == ["NON_SERVICE_ATTRIBUTE (0008,0018)"]


def test_levels_per_information_model() -> None:
    assert levels_of("1.2.840.10008.5.1.4.1.2.1.1") == ("PATIENT", "STUDY", "SERIES", "IMAGE")
    assert levels_of("1.2.840.10008.5.1.4.1.2.2.1") == ("STUDY", "SERIES", "IMAGE")
    assert levels_of("1.2.840.10008.5.1.4.1.2.3.1") == ("PATIENT", "STUDY")
    assert levels_of("1.2.840.10008.5.1.4.31") == ()  # worklist: no levels


def test_cli_validates_an_identifier_file(tmp_path: Path) -> None:
    path = tmp_path / "query.dcm"
    ds = worklist_query()
    ds.is_little_endian, ds.is_implicit_VR = True, True
    dcmwrite(path, ds, implicit_vr=True, little_endian=True, enforce_file_format=False)
    assert ImplicitVRLittleEndian  # written as a network identifier is encoded
    args = ["--command", "C_FIND_RQ", "--service", "MODALITY_WORKLIST_FIND", str(path)]
    done = subprocess.run(
        [sys.executable, "-m", "mdict", "validate", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    del ds.ScheduledProcedureStepSequence[0].Modality
    ds.PatientBirthDate = "1970"
    dcmwrite(path, ds, implicit_vr=True, little_endian=True, enforce_file_format=False)
    done = subprocess.run(
        [sys.executable, "-m", "mdict", "validate", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "INVALID_VALUE_FOR_VR (0010,0030)" in done.stdout
