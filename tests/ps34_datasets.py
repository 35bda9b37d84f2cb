"""Data sets of the PS3.4 services as applications send them, shared by the
validator's tests (test_ps34_messages) and the SCP's (tests/net)."""

from __future__ import annotations

from collections.abc import Mapping

from pydicom.dataset import Dataset

# Type 2 attributes of an MPPS N-CREATE (PS3.4 F.7.2-1): "" for a value,
# () for a sequence; present, empty unless a test gives them a value.
MPPS_CREATE_TYPE2: Mapping[str, object] = {
    "PatientName": "",
    "PatientID": "",
    "PatientBirthDate": "",
    "PatientSex": "",
    "ReferencedPatientSequence": (),
    "PerformedProcedureStepID": "",
    "PerformedStationAETitle": "",
    "PerformedStationName": "",
    "PerformedLocation": "",
    "PerformedProcedureStepStartDate": "",
    "PerformedProcedureStepStartTime": "",
    "PerformedProcedureStepStatus": "",
    "PerformedProcedureStepDescription": "",
    "PerformedProcedureTypeDescription": "",
    "ProcedureCodeSequence": (),
    "PerformedProcedureStepEndDate": "",
    "PerformedProcedureStepEndTime": "",
    "Modality": "",
    "StudyID": "",
    "PerformedProtocolCodeSequence": (),
    "PerformedSeriesSequence": (),
}
SCHEDULED_STEP_TYPE2: Mapping[str, object] = {
    "StudyInstanceUID": "",
    "ReferencedStudySequence": (),
    "AccessionNumber": "",
    "RequestedProcedureID": "",
    "RequestedProcedureDescription": "",
    "ScheduledProcedureStepID": "",
    "ScheduledProcedureStepDescription": "",
    "ScheduledProtocolCodeSequence": (),
}


def dataset(**values: object) -> Dataset:
    """A data set (or sequence item) holding these keyword = value attributes."""
    ds = Dataset()
    for keyword, value in values.items():
        setattr(ds, keyword, value)
    return ds


def _with_type2(type2: Mapping[str, object], values: Mapping[str, object]) -> Dataset:
    empty = {k: [] if v == () else v for k, v in type2.items()}
    return dataset(**(empty | dict(values)))


def mpps_create(scheduled: Mapping[str, object] | None = None, **values: object) -> Dataset:
    """An MPPS N-CREATE attribute list as a modality sends it: every type 2
    attribute present, empty unless given in ``values``; one Scheduled Step
    Attributes item, likewise from ``scheduled``."""
    ds = _with_type2(MPPS_CREATE_TYPE2, values)
    ds.ScheduledStepAttributesSequence = [_with_type2(SCHEDULED_STEP_TYPE2, scheduled or {})]
    return ds


def sop_reference(class_uid: str, instance_uid: str) -> Dataset:
    """A Referenced SOP item: class and instance UIDs."""
    return dataset(ReferencedSOPClassUID=class_uid, ReferencedSOPInstanceUID=instance_uid)
