"""Faults a device (or the network) makes: the SCP never dies, loses no
finding of a message it received, and says what happened."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import pytest
from net_helpers import (
    CT_STORAGE,
    DEFLATED,
    TIMEOUT,
    VERIFICATION,
    associated,
    ct,
    defective_ct,
    encoded,
    send_raw_store,
    send_undecodable,
)
from pynetdicom.dimse_messages import C_STORE_RQ
from pynetdicom.dimse_primitives import C_STORE
from pynetdicom.pdu import P_DATA_TF

from mdict.net.fixture import ScpUnderTest


def still_serving(port: int) -> None:
    with associated(port, VERIFICATION) as assoc:
        assert assoc.send_c_echo().Status == 0


def notes_of(mdict_scp: ScpUnderTest) -> list[str]:
    notes: list[str] = []
    mdict_scp.scp.on_note = notes.append
    return notes


def first_fragments(assoc: Any, count: int) -> list[bytes]:
    """The first ``count`` P-DATA-TF PDUs of a C-STORE of CT_small, 4 KiB each."""
    context = assoc.accepted_contexts[0]
    request = C_STORE()
    request.MessageID = 2
    request.AffectedSOPClassUID = CT_STORAGE
    request.AffectedSOPInstanceUID = "1.2.3.4"
    request.Priority = 2
    request.DataSet = __import__("io").BytesIO(encoded(ct("1.2.3.4")))
    message = C_STORE_RQ()
    message.primitive_to_message(request)
    pdus = []
    for primitive in message.encode_msg(context.context_id, 4096):
        pdu = P_DATA_TF()
        pdu.from_primitive(primitive)
        pdus.append(pdu.encode())
        if len(pdus) == count:
            break
    return pdus


def test_an_association_aborted_mid_transfer(mdict_scp: ScpUnderTest) -> None:
    with associated(mdict_scp.port, CT_STORAGE) as assoc:
        assert assoc.send_c_store(defective_ct()).Status == 0
        for pdu in first_fragments(assoc, 3):  # command and part of the data set
            assoc.dul.socket.send(pdu)
        assoc.abort()
    mdict_scp.wait(messages=1, associations=1)
    [kept] = mdict_scp.received
    assert [f.code for f in kept.findings if f.severity == "error"] == [
        "REQUIRED_ATTRIBUTE_MISSING"
    ]
    [association] = mdict_scp.associations
    assert (association.ended, association.messages, association.counts["error"]) == (
        "aborted",
        1,
        1,
    )
    still_serving(mdict_scp.port)


@pytest.mark.parametrize(
    ("data", "finding"),
    [
        (
            b"\x08\x00\x16\x00\xff\x00\x00\x001.2.840",
            "error TRUNCATED_VALUE (0008,0016) the data set ends inside the value of "
            "(0008,0016): 7 of 255 bytes",
        ),
        (
            b"\x08\x00\x16\x00\x02\x00\x00\x001.\x10\x00\x10",
            "error TRUNCATED_VALUE 3 bytes after the last element are no data element",
        ),
    ],
    ids=["value-cut-short", "bytes-left-over"],
)
def test_a_malformed_data_set(mdict_scp: ScpUnderTest, data: bytes, finding: str) -> None:
    with associated(mdict_scp.port, CT_STORAGE) as assoc:
        assert send_raw_store(assoc, data, CT_STORAGE, "1.2.3.5").Status == 0  # observed
        assert assoc.send_c_store(ct()).Status == 0  # the association goes on
    mdict_scp.wait(messages=2)
    broken, fine = mdict_scp.received
    assert finding in [str(f) for f in broken.findings]
    assert (broken.status, broken.sop_instance_uid, fine.status) == (0, "1.2.3.5", 0)


@pytest.mark.mdict_scp(strict=True)
def test_strict_refuses_a_malformed_data_set(mdict_scp: ScpUnderTest) -> None:
    with associated(mdict_scp.port, CT_STORAGE) as assoc:
        data = b"\x08\x00\x16\x00\xff\x00\x00\x001.2.840"
        assert send_raw_store(assoc, data, CT_STORAGE, "1.2.3.5").Status == 0xA900


@pytest.mark.parametrize(
    "garbage",
    [
        b"\x55" + b"\x00" * 5 + b"garbage",
        b"\x01\x00\x00\x00\x00\x05abcde",
        b"GET / HTTP/1.0\r\n\r\n",
    ],
    ids=["unknown-pdu-type", "truncated-associate-rq", "http"],
)
def test_a_pdu_of_garbage(mdict_scp: ScpUnderTest, garbage: bytes) -> None:
    notes = notes_of(mdict_scp)
    with socket.create_connection(("127.0.0.1", mdict_scp.port), timeout=TIMEOUT) as sock:
        sock.sendall(garbage)
        sock.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and sock.recv(4096):
            pass  # an A-ABORT or A-ASSOCIATE-RJ, then the SCP closes
    deadline = time.monotonic() + TIMEOUT
    while not notes and time.monotonic() < deadline:
        time.sleep(0.01)
    assert notes and "connection closed before an association was established" in notes[0]
    still_serving(mdict_scp.port)
    assert [m.command for m in mdict_scp.received] == ["C_ECHO_RQ"]


def test_garbage_inside_an_association(mdict_scp: ScpUnderTest) -> None:
    with associated(mdict_scp.port, CT_STORAGE) as assoc:
        assert assoc.send_c_store(ct()).Status == 0
        assoc.dul.socket.send(b"\x55\x00\x00\x00\x00\x02xx")
        deadline = time.monotonic() + TIMEOUT
        while assoc.is_established and time.monotonic() < deadline:
            time.sleep(0.01)
    mdict_scp.wait(messages=1, associations=1)
    [association] = mdict_scp.associations
    # "aborted (A-P-ABORT: ...)" when pynetdicom's queue still says which abort
    assert association.ended.startswith("aborted")
    assert association.messages == 1
    still_serving(mdict_scp.port)


def test_twenty_associations_at_once(mdict_scp: ScpUnderTest) -> None:
    failures: list[str] = []
    start = threading.Barrier(20, timeout=TIMEOUT)

    def device(number: int) -> None:
        try:
            start.wait()
            with associated(mdict_scp.port, CT_STORAGE) as assoc:
                for image in (ct(), defective_ct(), ct()):
                    if assoc.send_c_store(image).Status != 0:
                        failures.append(f"{number}: status")
        except Exception as exc:
            failures.append(f"{number}: {exc!r}")

    threads = [threading.Thread(target=device, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(3 * TIMEOUT)
    assert failures == []
    mdict_scp.wait(messages=60, associations=20, timeout=3 * TIMEOUT)
    assert sorted(a.number for a in mdict_scp.associations) == list(range(1, 21))
    for association in mdict_scp.associations:
        assert (association.ended, association.messages, association.counts["error"]) == (
            "released",
            3,
            1,
        )
    by_association: dict[int, list[int]] = {}
    for message in mdict_scp.received:
        errors = sum(f.severity == "error" for f in message.findings)
        by_association.setdefault(message.association, []).append(errors)
    assert all(errors == [0, 1, 0] for errors in by_association.values())


def test_a_data_set_that_cannot_be_decoded_is_refused(mdict_scp: ScpUnderTest) -> None:
    assert send_undecodable(mdict_scp.port) == 0xC210
    mdict_scp.wait(messages=1)
    [message] = mdict_scp.received
    [finding] = message.findings
    assert (finding.code, message.status, message.transfer_syntax) == (
        "READ_ERROR",
        0xC210,
        DEFLATED,
    )
    assert finding.message.startswith("the data set cannot be decoded: ")


def test_a_connection_open_at_the_stop_that_never_associated_is_no_association() -> None:
    """Garbage, then the connection left open: when the SCP stops, a line
    says the connection was closed; it is no association of the summary."""
    from mdict.db.database import default_database
    from mdict.net.scp import ValidatingSCP

    notes: list[str] = []
    scp = ValidatingSCP(default_database(), port=0, on_note=notes.append)
    scp.start()
    with socket.create_connection(("127.0.0.1", scp.port), timeout=TIMEOUT) as sock:
        sock.sendall(b"\x55" + b"\x00" * 5 + b"garbage")  # and the socket stays open
        deadline = time.monotonic() + TIMEOUT
        while not scp._server.active_associations and time.monotonic() < deadline:
            time.sleep(0.01)
        scp.stop(grace=0.2)
    assert scp.checker.associations == []
    assert any("connection closed: the SCP is stopping" in note for note in notes), notes


def test_the_scp_stops_while_a_peer_stalls_in_the_middle_of_a_pdu() -> None:
    """A peer that sent half a PDU and waits: stopping the SCP still ends
    (the connection is shut down after a short wait) and keeps the tally."""
    from mdict.db.database import default_database
    from mdict.net.scp import ValidatingSCP

    scp = ValidatingSCP(default_database(), port=0)
    scp.start()
    with associated(scp.port, CT_STORAGE) as assoc:
        assert assoc.send_c_store(ct()).Status == 0
        assoc.dul.socket.send(b"\x04\x00\x00\x00\x10\x00" + b"\x00" * 10)  # P-DATA, cut short
        time.sleep(0.2)
        started = time.monotonic()
        scp.stop(grace=0.2)
        assert time.monotonic() - started < 15
    [association] = scp.checker.associations
    assert association.messages == 1 and association.ended.startswith(("aborted", "ended"))
