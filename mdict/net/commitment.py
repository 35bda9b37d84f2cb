"""Storage Commitment Push Model (PS3.4 J): an N-ACTION asks the SCP to
commit instances; it answers the N-ACTION, then sends an N-EVENT-REPORT
naming the instances it has received (Referenced SOP Sequence) and those
it has not (Failed SOP Sequence, Failure Reason 0x0112 No such object
instance, or 0x0119 Class/Instance conflict for an instance received as
another SOP class). Event Type ID 1 when all are committed, 2 otherwise.

The report goes on the association of the N-ACTION (right after its
response); when that association is gone, on a new association to the
requester's address at ``commitment_port``, if one is configured.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Final

from pydicom.dataset import Dataset
from pynetdicom import AE, build_role

STORAGE_COMMITMENT_PUSH: Final = "1.2.840.10008.1.20.1"
WELL_KNOWN_INSTANCE: Final = "1.2.840.10008.1.20.1.1"
NO_SUCH_OBJECT_INSTANCE: Final = 0x0112
CLASS_INSTANCE_CONFLICT: Final = 0x0119
_WAIT: Final = 30.0


def commitment_result(action: Dataset, received: dict[str, str]) -> tuple[int, Dataset]:
    """The Event Type ID and Event Information answering ``action`` (an
    N-ACTION's Action Information), given instance UID -> class UID received."""
    info = Dataset()
    info.TransactionUID = action.get("TransactionUID", "")
    committed, failed = [], []
    for item in action.get("ReferencedSOPSequence", []):
        class_uid = str(item.get("ReferencedSOPClassUID", ""))
        instance_uid = str(item.get("ReferencedSOPInstanceUID", ""))
        reference = Dataset()
        reference.ReferencedSOPClassUID = class_uid
        reference.ReferencedSOPInstanceUID = instance_uid
        known = received.get(instance_uid)
        if known == class_uid:
            committed.append(reference)
            continue
        reference.FailureReason = (
            NO_SUCH_OBJECT_INSTANCE if known is None else CLASS_INSTANCE_CONFLICT
        )
        failed.append(reference)
    if committed:
        info.ReferencedSOPSequence = committed
    if failed:
        info.FailedSOPSequence = failed
    return (2 if failed else 1), info


class Commitments:
    """Instances received and the commitment reports still to send."""

    def __init__(self, ae_title: str, port: int | None, note: Callable[[str], None]) -> None:
        self.ae_title = ae_title
        self.port = port
        self._note = note
        self._received: dict[str, str] = {}
        self._pending: dict[int, list[tuple[int, int, Dataset]]] = {}
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def received(self, instance_uid: str, class_uid: str) -> None:
        with self._lock:
            self._received[instance_uid] = class_uid

    def requested(self, event: Any, association: int) -> str:
        """Prepare the report answering an N-ACTION; it is sent once the
        N-ACTION response is (:meth:`on_sent`). Returns a note for the log."""
        try:
            action = event.action_information
        except Exception as exc:
            return f"no commitment report: the action information cannot be decoded ({exc})"
        with self._lock:
            event_type, info = commitment_result(action, self._received)
            self._pending.setdefault(id(event.assoc), []).append((association, event_type, info))
        ok = len(info.get("ReferencedSOPSequence", []))
        failed = len(info.get("FailedSOPSequence", []))
        return f"commitment: {ok} committed, {failed} failed; N-EVENT-REPORT follows"

    def on_sent(self, event: Any) -> None:
        """EVT_DIMSE_SENT: after an N-ACTION response, send the reports due."""
        if type(event.message).__name__ != "N_ACTION_RSP":
            return
        with self._lock:
            due = self._pending.pop(id(event.assoc), [])
        for association, event_type, info in due:
            thread = threading.Thread(
                target=self._send,
                args=(event.assoc, association, event_type, info),
                name="mdict-commitment",
                daemon=True,
            )
            with self._lock:
                self._threads = [t for t in self._threads if t.is_alive()]
                self._threads.append(thread)
            thread.start()

    def _send(self, assoc: Any, association: int, event_type: int, info: Dataset) -> None:
        where = f"[{association}]"
        if assoc.is_established:
            status = self._report(assoc, event_type, info)
            if status is not None:
                self._note(
                    f"{where} N-EVENT-REPORT (event type {event_type}) sent: status 0x{status:04X}"
                )
                return
        if self.port is None:
            self._note(
                f"{where} N-EVENT-REPORT (event type {event_type}) not sent: the association "
                "ended and no --commitment-port names where the requester listens"
            )
            return
        requestor = assoc.requestor
        status = self._new_association(
            str(requestor.address), str(requestor.ae_title), event_type, info
        )
        how = "no answer" if status is None else f"status 0x{status:04X}"
        self._note(
            f"{where} N-EVENT-REPORT (event type {event_type}) sent on a new association to "
            f"{requestor.address}:{self.port}: {how}"
        )

    @staticmethod
    def _report(assoc: Any, event_type: int, info: Dataset) -> int | None:
        try:
            status, _ = assoc.send_n_event_report(
                info, event_type, STORAGE_COMMITMENT_PUSH, WELL_KNOWN_INSTANCE
            )
        except Exception:
            return None
        return int(status.Status) if "Status" in status else None

    def _new_association(
        self, address: str, ae_title: str, event_type: int, info: Dataset
    ) -> int | None:
        ae = AE(ae_title=self.ae_title)
        ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = _WAIT
        ae.add_requested_context(STORAGE_COMMITMENT_PUSH)
        role = build_role(STORAGE_COMMITMENT_PUSH, scp_role=True)
        assert self.port is not None
        assoc = ae.associate(address, self.port, ae_title=ae_title, ext_neg=[role])
        if not assoc.is_established:
            return None
        try:
            return self._report(assoc, event_type, info)
        finally:
            assoc.release()

    def wait(self) -> None:
        """Wait (bounded) for the reports being sent."""
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(_WAIT)
