"""Worklist and query FIND, MPPS N-CREATE / N-SET and storage commitment
against the validating SCP, from pynetdicom SCUs as modalities use them."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from net_helpers import (
    COMMITMENT,
    CT_STORAGE,
    MPPS,
    STUDY_ROOT_FIND,
    TIMEOUT,
    WORKLIST,
    associated,
    ct,
    worklist_item,
    worklist_query,
)
from pydicom.dataset import Dataset
from pydicom.uid import generate_uid
from pynetdicom import evt

from mdict.db.database import default_database
from mdict.net.fixture import ScpUnderTest
from tests import ps34_datasets

WORKLIST_DIR = "worklist"
pytestmark = pytest.mark.filterwarnings("ignore:Invalid value for VR")


def spec_errors(message: Any) -> list[str]:
    """The error codes of a message, NO_MESSAGE_SPEC checked and left out:
    until the database has the message's section it must say so."""
    codes = [f.code for f in message.findings if f.severity == "error"]
    has_spec = default_database().message(message.sop_class_uid, message.command) is not None
    assert ("NO_MESSAGE_SPEC" in codes) is not has_spec
    return [code for code in codes if code != "NO_MESSAGE_SPEC"]


@pytest.fixture
def worklist(tmp_path: Path) -> Path:
    folder = tmp_path / WORKLIST_DIR
    folder.mkdir()
    for number, (patient, modality) in enumerate([("DOE^JANE", "CT"), ("ROE^RICH", "MR")]):
        worklist_item(patient, modality).save_as(
            folder / f"{number}.dcm", implicit_vr=False, little_endian=True
        )
    return folder


def test_worklist_query_answered_from_the_folder(mdict_scp: ScpUnderTest, worklist: Path) -> None:
    mdict_scp.scp.worklist.folder = worklist
    with associated(mdict_scp.port, WORKLIST) as assoc:
        answers = list(assoc.send_c_find(worklist_query("CT"), WORKLIST))
        bad = worklist_query("CT", date="01.01.2025")
        refused = list(assoc.send_c_find(bad, WORKLIST))
    statuses = [status.Status for status, _ in answers]
    assert statuses == [0xFF00, 0x0000]
    assert answers[0][1].PatientName == "DOE^JANE"
    assert [status.Status for status, _ in refused] == [0x0000]  # no match, not refused
    mdict_scp.wait(messages=2)
    good, defect = mdict_scp.received
    assert (good.note, spec_errors(good)) == ("1 match", [])
    assert (defect.note, spec_errors(defect)) == ("0 matches", ["INVALID_VALUE_FOR_VR"])


@pytest.mark.mdict_scp(strict=True)
def test_strict_refuses_a_defective_query(mdict_scp: ScpUnderTest) -> None:
    query = Dataset()
    query.QueryRetrieveLevel = "STUDY"
    query.StudyDate = "2025-01-01"
    query.StudyInstanceUID = ""
    with associated(mdict_scp.port, STUDY_ROOT_FIND) as assoc:
        [(status, _)] = list(assoc.send_c_find(query, STUDY_ROOT_FIND))
    assert status.Status == 0xA900
    mdict_scp.wait(messages=1)
    assert spec_errors(mdict_scp.received[0]) == ["INVALID_VALUE_FOR_VR"]


def mpps_create() -> Dataset:
    """An MPPS N-CREATE attribute list as a modality sends it (PS3.4 F.7.2-1:
    type 2 attributes present, empty where unknown)."""
    return ps34_datasets.mpps_create(
        {"StudyInstanceUID": generate_uid()},
        PatientName="DOE^JANE",
        PatientID="PID-DOE",
        PerformedProcedureStepID="PPS1",
        PerformedStationAETitle="CT01",
        PerformedProcedureStepStartDate="20250101",
        PerformedProcedureStepStartTime="101500",
        PerformedProcedureStepStatus="IN PROGRESS",
        Modality="CT",
    )


def test_mpps_create_then_set(mdict_scp: ScpUnderTest) -> None:
    uid = generate_uid()
    done = Dataset()
    done.PerformedProcedureStepStatus = "COMPLETED"
    done.PerformedProcedureStepEndDate = "20250101"
    bad = Dataset()
    bad.PerformedProcedureStepEndTime = "25:99"
    with associated(mdict_scp.port, MPPS) as assoc:
        status, created = assoc.send_n_create(mpps_create(), MPPS, uid)
        assert status.Status == 0 and created.PerformedProcedureStepID == "PPS1"
        status, updated = assoc.send_n_set(done, MPPS, uid)
        assert status.Status == 0 and updated.PerformedProcedureStepStatus == "COMPLETED"
        assert assoc.send_n_set(bad, MPPS, uid)[0].Status == 0
        assert assoc.send_n_set(done, MPPS, generate_uid())[0].Status == 0x0112
    mdict_scp.wait(messages=4)
    create, update, defect, unknown = mdict_scp.received
    assert [m.command for m in mdict_scp.received] == [
        "N_CREATE_RQ",
        "N_SET_RQ",
        "N_SET_RQ",
        "N_SET_RQ",
    ]
    assert (create.report.service, create.sop_instance_uid) == (
        "PERFORMED_PROCEDURE_STEP",
        uid,
    )
    assert spec_errors(create) == [] and spec_errors(update) == []
    assert spec_errors(defect) == ["INVALID_VALUE_FOR_VR"]
    assert unknown.note == "no such SOP instance: no N-CREATE of it reached this SCP"


def commitment_request(*instances: str) -> Dataset:
    ds = Dataset()
    ds.TransactionUID = generate_uid()
    ds.ReferencedSOPSequence = []
    for uid in instances:
        item = Dataset()
        item.ReferencedSOPClassUID = CT_STORAGE
        item.ReferencedSOPInstanceUID = uid
        ds.ReferencedSOPSequence.append(item)
    return ds


def test_storage_commitment_report_on_the_same_association(mdict_scp: ScpUnderTest) -> None:
    reports: list[tuple[int, Dataset]] = []
    arrived = threading.Event()

    def on_report(event: Any) -> tuple[int, None]:
        reports.append((event.event_type, event.event_information))
        arrived.set()
        return 0x0000, None

    image = ct()
    handlers = [(evt.EVT_N_EVENT_REPORT, on_report)]
    with associated(mdict_scp.port, CT_STORAGE, COMMITMENT, evt_handlers=handlers) as assoc:
        assert assoc.send_c_store(image).Status == 0
        request = commitment_request(image.SOPInstanceUID, "1.2.3.999")
        status, _ = assoc.send_n_action(request, 1, COMMITMENT, "1.2.840.10008.1.20.1.1")
        assert status.Status == 0
        assert arrived.wait(TIMEOUT)
    [(event_type, info)] = reports
    assert event_type == 2
    assert info.TransactionUID == request.TransactionUID
    assert [i.ReferencedSOPInstanceUID for i in info.ReferencedSOPSequence] == [
        image.SOPInstanceUID
    ]
    assert [(i.ReferencedSOPInstanceUID, i.FailureReason) for i in info.FailedSOPSequence] == [
        ("1.2.3.999", 0x0112)
    ]
    mdict_scp.wait(messages=2)
    action = mdict_scp.received[1]
    assert action.note == "commitment: 1 committed, 1 failed; N-EVENT-REPORT follows"


class _Gone:
    """An association the requester has already released."""

    is_established = False

    class requestor:  # pynetdicom names the attribute so
        address = "127.0.0.1"
        ae_title = "TESTSCU"


def test_storage_commitment_report_on_a_new_association() -> None:
    """When the N-ACTION's association is gone, the report goes to the
    requester's address at --commitment-port, with the SCP role negotiated."""
    from pynetdicom import AE

    from mdict.net.commitment import Commitments, commitment_result

    listener = AE(ae_title="TESTSCU")
    listener.add_supported_context(COMMITMENT, scu_role=True, scp_role=True)
    reports: list[tuple[int, str]] = []

    def on_report(event: Any) -> tuple[int, None]:
        reports.append((event.event_type, event.event_information.TransactionUID))
        return 0x0000, None

    handlers = [(evt.EVT_N_EVENT_REPORT, on_report)]
    server = listener.start_server(("127.0.0.1", 0), block=False, evt_handlers=handlers)
    notes: list[str] = []
    try:
        commitments = Commitments("MDICT", int(server.server_address[1]), notes.append)
        request = commitment_request("1.2.3.998")
        event_type, info = commitment_result(request, {})
        commitments._send(_Gone(), 4, event_type, info)
    finally:
        server.shutdown()
    assert reports == [(2, request.TransactionUID)]
    [note] = notes
    assert note.startswith(
        "[4] N-EVENT-REPORT (event type 2) sent on a new association to 127.0.0.1:"
    )
    assert note.endswith(": status 0x0000")


def test_without_a_commitment_port_the_lost_report_is_said() -> None:
    from mdict.net.commitment import Commitments

    notes: list[str] = []
    Commitments("MDICT", None, notes.append)._send(_Gone(), 2, 1, Dataset())
    assert notes == [
        "[2] N-EVENT-REPORT (event type 1) not sent: the association ended and no "
        "--commitment-port names where the requester listens"
    ]
