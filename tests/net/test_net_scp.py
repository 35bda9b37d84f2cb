"""mdict's validating SCP against pynetdicom SCUs on 127.0.0.1 (through the
mdict_scp fixture): storage and verification."""

from __future__ import annotations

from pathlib import Path

import pytest
from net_helpers import (
    CT_STORAGE,
    VERIFICATION,
    associated,
    ct,
    defective_ct,
    encoded,
    send_raw_store,
)
from pydicom import dcmread

from mdict.net.fixture import ScpUnderTest


def test_echo_and_a_valid_store_pass(mdict_scp: ScpUnderTest) -> None:
    with associated(mdict_scp.port, VERIFICATION, CT_STORAGE) as assoc:
        assert assoc.send_c_echo().Status == 0
        assert assoc.send_c_store(ct(), msg_id=7).Status == 0
    mdict_scp.wait(messages=2, associations=1)
    echo, store = mdict_scp.received
    assert (echo.command, echo.report.service, echo.status) == ("C_ECHO_RQ", "STANDARD_ECHO", 0)
    assert (store.command, store.report.service, store.message_id) == (
        "C_STORE_RQ",
        "STANDARD_CT",
        7,
    )
    assert store.peer is not None and store.peer.ae_title == "TESTSCU"
    assert store.transfer_syntax is not None
    mdict_scp.assert_valid()
    [association] = mdict_scp.associations
    assert (association.ended, association.messages) == ("released", 2)


def test_a_defect_is_caught_and_still_answered_success(mdict_scp: ScpUnderTest) -> None:
    with associated(mdict_scp.port, CT_STORAGE) as assoc:
        assert assoc.send_c_store(defective_ct()).Status == 0x0000
    mdict_scp.wait(messages=1, associations=1)
    [message] = mdict_scp.received
    errors = [(f.code, f.tag) for f in message.findings if f.severity == "error"]
    assert errors == [("REQUIRED_ATTRIBUTE_MISSING", 0x00100010)]
    with pytest.raises(AssertionError) as failure:
        mdict_scp.assert_valid()
    text = str(failure.value)
    assert text.startswith("1 of 1 message received not valid:")
    assert "error REQUIRED_ATTRIBUTE_MISSING (0010,0010) Patient's Name" in text
    assert mdict_scp.associations[0].counts["error"] == 1


@pytest.mark.mdict_scp(strict=True)
def test_strict_answers_an_error_status(mdict_scp: ScpUnderTest) -> None:
    with associated(mdict_scp.port, CT_STORAGE) as assoc:
        assert assoc.send_c_store(ct()).Status == 0x0000
        assert assoc.send_c_store(defective_ct()).Status == 0xA900
    mdict_scp.wait(messages=2)
    assert [m.status for m in mdict_scp.received] == [0x0000, 0xA900]


def test_command_and_data_set_disagree(mdict_scp: ScpUnderTest) -> None:
    ds = ct("1.2.3.4.5")
    with associated(mdict_scp.port, CT_STORAGE) as assoc:
        response = send_raw_store(assoc, encoded(ds), CT_STORAGE, "1.2.3.4.6")
        assert response.Status == 0
    mdict_scp.wait(messages=1)
    [message] = mdict_scp.received
    assert message.sop_instance_uid == "1.2.3.4.6"
    [mismatch] = [f for f in message.findings if f.code == "COMMAND_MISMATCH"]
    assert (mismatch.tag, mismatch.severity) == (0x00080018, "error")
    assert mismatch.message == (
        "the command's Affected SOP Instance UID 1.2.3.4.6 differs from the data set's 1.2.3.4.5"
    )


def test_received_instances_are_stored(mdict_scp: ScpUnderTest, tmp_path: Path) -> None:
    mdict_scp.scp.store = tmp_path / "received"
    ds = ct()
    with associated(mdict_scp.port, CT_STORAGE) as assoc:
        assert assoc.send_c_store(ds).Status == 0
    mdict_scp.wait(messages=1)
    [message] = mdict_scp.received
    assert message.stored == str(tmp_path / "received" / f"{ds.SOPInstanceUID}.dcm")
    back = dcmread(message.stored)
    assert back.SOPInstanceUID == ds.SOPInstanceUID
    assert back.PatientName == ds.PatientName
    assert back.file_meta.MediaStorageSOPClassUID == CT_STORAGE


def test_an_unknown_sop_class_is_rejected_and_said(mdict_scp: ScpUnderTest) -> None:
    notes: list[str] = []
    mdict_scp.scp.on_note = notes.append
    with associated(mdict_scp.port, VERIFICATION, "1.2.3.4.5.6.7") as assoc:
        assert [str(c.abstract_syntax) for c in assoc.rejected_contexts] == ["1.2.3.4.5.6.7"]
        assert assoc.send_c_echo().Status == 0
    mdict_scp.wait(messages=1, associations=1)
    assert any("presentation context rejected: 1.2.3.4.5.6.7" in note for note in notes)
    assert mdict_scp.associations[0].rejected_contexts == ("1.2.3.4.5.6.7",)
