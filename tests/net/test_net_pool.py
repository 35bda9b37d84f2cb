"""C-STOREs validated by worker processes (``mdict scp --workers``): the same
findings as the SCP's own validation, nothing lost at an association's end
or the SCP's, a dead worker replaced."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from typing import Any

import pytest
from net_helpers import (
    CT_STORAGE,
    associated,
    ct,
    defective_ct,
    send_raw_store,
    send_undecodable,
)

from mdict.db.database import default_database
from mdict.net.fixture import ScpUnderTest
from mdict.net.pool import RETRIES, ValidationPool
from mdict.net.scp import ValidatingSCP
from mdict.scale.source import DatabaseSource
from mdict.validation.findings import VALIDATOR_FAILURE, Report

CUT_SHORT = b"\x08\x00\x16\x00\xff\x00\x00\x001.2.840"
LEFT_OVER = b"\x08\x00\x16\x00\x02\x00\x00\x001.\x10\x00\x10"


@pytest.fixture(scope="module")
def pool() -> Iterator[ValidationPool]:
    workers = ValidationPool(DatabaseSource.default(), "info", workers=1, window=4)
    yield workers
    workers.close()


def serve(pool: ValidationPool | None) -> ValidatingSCP:
    scp = ValidatingSCP(default_database(), port=0, pool=pool)
    scp.start()
    return scp


def send_everything(port: int) -> None:
    """Valid, defective, cut short, bytes left over: on two associations."""
    with associated(port, CT_STORAGE) as assoc:
        assert assoc.send_c_store(ct(), msg_id=1).Status == 0
        assert assoc.send_c_store(defective_ct(), msg_id=2).Status == 0
    with associated(port, CT_STORAGE) as assoc:
        assert send_raw_store(assoc, CUT_SHORT, CT_STORAGE, "1.2.3.5", 3).Status == 0
        assert send_raw_store(assoc, LEFT_OVER, CT_STORAGE, "1.2.3.6", 4).Status == 0


def outcome(scp: ValidatingSCP) -> tuple[list[Any], list[Any]]:
    messages = sorted(scp.received, key=lambda m: m.message_id)
    found = [
        (m.message_id, m.status, m.report.service, [str(f) for f in m.findings]) for m in messages
    ]
    tallies = [(a.number, a.messages, a.counts, a.ended) for a in scp.checker.associations]
    return found, tallies


def test_workers_find_what_the_scp_finds_itself(pool: ValidationPool) -> None:
    results = []
    for workers in (None, pool):
        scp = serve(workers)
        try:
            send_everything(scp.port)
        finally:
            scp.stop()
        results.append(outcome(scp))
    alone, pooled = results
    assert pooled == alone
    found, tallies = pooled
    with_errors = [any(f.startswith("error") for f in findings) for *_, findings in found]
    assert with_errors == [False, True, True, True]
    assert [t[1] for t in tallies] == [2, 2]  # each summary counts its messages


def test_an_association_summary_waits_for_its_reports(pool: ValidationPool) -> None:
    scp = ValidatingSCP(default_database(), port=0, pool=pool)
    ended = threading.Event()
    summaries: list[Any] = []

    def on_association(association: Any) -> None:
        summaries.append((association.messages, len(scp.received)))
        ended.set()

    scp.checker.on_association = on_association
    scp.start()
    try:
        with associated(scp.port, CT_STORAGE) as assoc:
            for number in range(1, 9):  # more than the window: the sender waits
                assert assoc.send_c_store(defective_ct(), msg_id=number).Status == 0
        assert ended.wait(60)
    finally:
        scp.stop()
    assert summaries == [(8, 8)]
    assert all(m.report.errors for m in scp.received)


def test_an_undecodable_data_set_is_still_refused(pool: ValidationPool) -> None:
    """The answer to a data set that cannot be decoded is an error status:
    it does not wait for a worker, it is never answered success."""
    scp = serve(pool)
    try:
        assert send_undecodable(scp.port) == 0xC210
    finally:
        scp.stop()
    [message] = scp.received
    assert [f.code for f in message.findings] == ["READ_ERROR"]


def test_a_dead_worker_is_replaced(pool: ValidationPool) -> None:
    executor = pool._executor
    for pid in list(executor._processes):  # type: ignore[attr-defined]
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while not executor._broken and time.monotonic() < deadline:  # type: ignore[attr-defined]
        time.sleep(0.05)
    scp = serve(pool)
    try:
        with associated(scp.port, CT_STORAGE) as assoc:
            assert assoc.send_c_store(defective_ct()).Status == 0
    finally:
        scp.stop()
    [message] = scp.received
    assert [f.code for f in message.report.errors] == ["REQUIRED_ATTRIBUTE_MISSING"]
    assert pool._executor is not executor


def test_a_task_lost_with_its_worker_again_is_a_finding(pool: ValidationPool) -> None:
    """In flight when a worker died: validated again (in a new pool); lost a
    second time (it is the one that kills workers): a VALIDATOR_FAILURE."""
    from concurrent.futures.process import BrokenProcessPool

    reports: list[Report] = []
    lost: Future[Report] = Future()
    lost.set_exception(BrokenProcessPool("A process in the process pool was terminated abruptly"))
    pool._slots.acquire()  # as submit does
    with pool._changed:
        pool._pending[7] += 1
    pool._finished(7, (), reports.append, RETRIES, lost)
    [report] = reports
    assert [f.code for f in report.findings] == [VALIDATOR_FAILURE]
    assert "terminated abruptly" in report.findings[0].message
    assert pool.wait_for(7, timeout=1)


def test_messages_in_flight_when_a_worker_dies_are_validated_again() -> None:
    """Killing a worker while data sets wait costs none of them a finding."""
    import pydicom
    from net_helpers import encoded
    from pydicom.uid import ImplicitVRLittleEndian

    data = encoded(defective_ct())
    workers = ValidationPool(DatabaseSource.default(), "errors", workers=2, window=64)
    reports: list[Report] = []
    done = threading.Event()
    lock = threading.Lock()

    def then(report: Report) -> None:
        with lock:
            reports.append(report)
            if len(reports) == 40:
                done.set()

    try:
        syntax = pydicom.uid.UID(ImplicitVRLittleEndian)
        for number in range(40):
            workers.submit(1, data, syntax, CT_STORAGE, ("", ""), then)
            if number == 5:  # some done, the rest waiting: kill a worker
                os.kill(next(iter(workers._executor._processes)), signal.SIGKILL)  # type: ignore[attr-defined]
        assert done.wait(120)
    finally:
        workers.close()
    codes = [[f.code for f in r.findings if f.severity == "error"] for r in reports]
    assert codes == [["REQUIRED_ATTRIBUTE_MISSING"]] * 40


def test_the_fixture_scp_validates_in_its_own_process(mdict_scp: ScpUnderTest) -> None:
    """The in-process fixture has no pool: a test reads what it found at once."""
    assert mdict_scp.scp.pool is None
