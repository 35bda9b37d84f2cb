"""C-FIND matching of the validating SCP (universal, wild card, range, UID
list, sequence matching) and storage commitment results."""

from __future__ import annotations

from pathlib import Path

import pytest
from net_helpers import worklist_item, worklist_query
from pydicom.dataset import Dataset

from mdict.net.answers import Answers, answer_for, matches
from mdict.net.commitment import commitment_result
from tests.ps34_datasets import dataset

CANDIDATE = dataset(
    PatientName="Doe^Jane",
    PatientID="P1",
    StudyDate="20250115",
    StudyTime="101500",
    StudyInstanceUID="1.2.3",
    Modality="CT",
)


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ({"PatientName": ""}, True),  # universal
        ({"PatientName": "DOE^*"}, True),  # wild card, names without regard to case
        ({"PatientID": "P?"}, True),
        ({"PatientID": "P"}, False),
        ({"StudyDate": "20250101-20250131"}, True),  # range
        ({"StudyDate": "20250116-"}, False),
        ({"StudyDate": "-20250115"}, True),
        ({"StudyInstanceUID": "1.2.4\\1.2.3"}, True),  # UID list
        ({"StudyInstanceUID": "1.2.4"}, False),
        ({"AccessionNumber": "A1"}, False),  # the candidate has none
        ({"AccessionNumber": ""}, True),
    ],
)
def test_matching(keys: dict[str, str], expected: bool) -> None:
    assert matches(dataset(**keys), CANDIDATE) is expected


def test_sequence_matching_and_the_answer() -> None:
    item = worklist_item("DOE^JANE", "CT")
    assert matches(worklist_query("CT"), item)
    assert not matches(worklist_query("MR"), item)
    answer = answer_for(worklist_query("CT"), item)
    assert answer.PatientName == "DOE^JANE"
    assert answer.ScheduledProcedureStepSequence[0].ScheduledStationAETitle == "CT01"
    assert "ScheduledProcedureStepID" in answer.ScheduledProcedureStepSequence[0]
    assert "ReferencedStudySequence" not in answer


def test_a_folder_of_answers(tmp_path: Path) -> None:
    notes: list[str] = []
    for number, modality in enumerate(["CT", "MR", "CT"]):
        item = worklist_item(f"P{number}^X", modality)
        item.save_as(tmp_path / f"{number}.dcm", implicit_vr=False, little_endian=True)
    (tmp_path / "junk.txt").write_text("not DICOM")
    answers = Answers(tmp_path, notes.append)
    found = [str(a.PatientName) for a in answers.matches(worklist_query("CT"))]
    assert found == ["P0^X", "P2^X"]
    assert len(notes) == 1 and "junk.txt: skipped" in notes[0]
    assert list(Answers(None, notes.append).matches(worklist_query())) == []


def reference(class_uid: str, instance_uid: str) -> Dataset:
    ds = Dataset()
    ds.ReferencedSOPClassUID = class_uid
    ds.ReferencedSOPInstanceUID = instance_uid
    return ds


def test_commitment_result() -> None:
    action = Dataset()
    action.TransactionUID = "1.2.9"
    action.ReferencedSOPSequence = [reference("1.2.840.10008.5.1.4.1.1.2", "1.1")]
    received = {"1.1": "1.2.840.10008.5.1.4.1.1.2", "1.2": "1.2.840.10008.5.1.4.1.1.4"}
    assert commitment_result(action, received)[0] == 1
    action.ReferencedSOPSequence.append(reference("1.2.840.10008.5.1.4.1.1.2", "1.2"))
    action.ReferencedSOPSequence.append(reference("1.2.840.10008.5.1.4.1.1.2", "1.3"))
    event_type, info = commitment_result(action, received)
    assert (event_type, info.TransactionUID) == (2, "1.2.9")
    assert [i.ReferencedSOPInstanceUID for i in info.ReferencedSOPSequence] == ["1.1"]
    assert [(i.ReferencedSOPInstanceUID, i.FailureReason) for i in info.FailedSOPSequence] == [
        ("1.2", 0x0119),
        ("1.3", 0x0112),
    ]
