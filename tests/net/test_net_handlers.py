"""The Python API for teams with their own pynetdicom AEs: validating
handlers, wrapped handlers, and the check of outgoing data sets."""

from __future__ import annotations

from typing import Any

import pytest
from net_helpers import (
    CT_STORAGE,
    MPPS,
    VERIFICATION,
    WORKLIST,
    associated,
    ct,
    defective_ct,
    worklist_query,
)
from pydicom.dataset import Dataset
from pydicom.uid import generate_uid
from pynetdicom import AE, evt

from mdict.net import MessageValidator, check_outgoing

pytestmark = pytest.mark.filterwarnings("ignore:Invalid value for VR")


def serve(handlers: list[Any]) -> Any:
    ae = AE(ae_title="OWNSCP")
    for uid in (VERIFICATION, CT_STORAGE, WORKLIST, MPPS):
        ae.add_supported_context(uid)
    return ae.start_server(("127.0.0.1", 0), block=False, evt_handlers=handlers)


def test_ready_made_handlers_validate_and_answer_success() -> None:
    checker = MessageValidator(level="errors")
    server = serve(checker.handlers())
    try:
        with associated(
            server.server_address[1], VERIFICATION, CT_STORAGE, WORKLIST, MPPS
        ) as assoc:
            assert assoc.send_c_echo().Status == 0
            assert assoc.send_c_store(defective_ct()).Status == 0
            assert [s.Status for s, _ in assoc.send_c_find(worklist_query(), WORKLIST)] == [0]
            attributes = Dataset()
            attributes.PerformedProcedureStepStatus = "IN PROGRESS"
            assert assoc.send_n_create(attributes, MPPS, generate_uid())[0].Status == 0
    finally:
        server.shutdown()
    commands = [m.command for m in checker.received]
    assert commands == ["C_ECHO_RQ", "C_STORE_RQ", "C_FIND_RQ", "N_CREATE_RQ"]
    assert [f.code for f in checker.received[1].findings] == ["REQUIRED_ATTRIBUTE_MISSING"]
    assert [m.status for m in checker.received] == [0, 0, 0, 0]
    assert checker.received[1].report.service == "STANDARD_CT"
    assert [a.ended for a in checker.associations] == ["released"]
    assert checker.associations[0].messages == 4


def test_a_wrapped_handler_keeps_its_answer() -> None:
    checker = MessageValidator(level="errors")
    seen: list[str] = []

    def my_store(event: Any) -> int:
        seen.append(str(event.dataset.SOPInstanceUID))
        return 0xA700  # out of resources, as the team's SCP decides

    def my_find(event: Any) -> Any:
        yield 0xFF00, event.identifier
        yield 0x0000, None

    handlers = [(evt.EVT_C_STORE, checker.wrap(my_store)), (evt.EVT_C_FIND, checker.wrap(my_find))]
    server = serve([*handlers, *checker.notifications()])
    image = ct()
    try:
        with associated(server.server_address[1], CT_STORAGE, WORKLIST) as assoc:
            assert assoc.send_c_store(image).Status == 0xA700
            assert [s.Status for s, _ in assoc.send_c_find(worklist_query(), WORKLIST)] == [
                0xFF00,
                0,
            ]
    finally:
        server.shutdown()
    assert seen == [image.SOPInstanceUID]
    assert [(m.command, m.status) for m in checker.received] == [
        ("C_STORE_RQ", 0xA700),
        ("C_FIND_RQ", 0x0000),
    ]
    assert checker.received[0].ok


def test_check_outgoing_before_sending() -> None:
    query = worklist_query("CT", date="01.01.2025")
    report = check_outgoing(query, WORKLIST, "C_FIND_RQ", level="errors")
    assert "INVALID_VALUE_FOR_VR" in [f.code for f in report]
    assert report.service == "MODALITY_WORKLIST_FIND"
    assert check_outgoing(ct(), "STANDARD_CT", "C_STORE_RQ", level="errors").ok
    unknown = check_outgoing(Dataset(), "1.2.3.4", "N_CREATE_RQ")
    assert [f.code for f in unknown] == ["UNKNOWN_SOP_CLASS"]
