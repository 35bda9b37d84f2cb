"""``mdict scp``: a validating SCP a device under test connects to.

It accepts Verification, every storage SOP class the database describes
(in every transfer syntax pydicom reads), Modality Worklist and
Query/Retrieve FIND, Modality Performed Procedure Step and Storage
Commitment Push; validates every data set against its SOP class and
command; answers. The validator observes, it does not refuse: an invalid
message is answered success unless ``strict``, which answers the error
statuses of :data:`REFUSED` (docs/network.md).
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, Final

from pydicom.dataset import Dataset
from pynetdicom import AE, ALL_TRANSFER_SYNTAXES, evt, register_uid, sop_class
from pynetdicom.events import EventHandlerType
from pynetdicom.service_class import StorageServiceClass
from pynetdicom.sop_class import uid_to_service_class

from mdict.db.protocol import MessageDatabase
from mdict.fileio import write_bytes_atomic
from mdict.net.answers import Answers
from mdict.net.commitment import Commitments
from mdict.net.handlers import MessageValidator, command_uids, peer_of
from mdict.net.integrity import encoded
from mdict.net.pool import ValidationPool
from mdict.net.records import Association, Message
from mdict.validation.findings import (
    NO_MESSAGE_SPEC,
    READ_ERROR,
    REQUIRED_ATTRIBUTE_MISSING,
    Report,
)

SUCCESS: Final = 0x0000
PENDING: Final = 0xFF00

REFUSED: Final[dict[str, int]] = {
    "C_STORE_RQ": 0xA900,  # Error: Data Set does not match SOP Class
    "C_FIND_RQ": 0xA900,  # Error: Identifier does not match SOP Class
    "N_CREATE_RQ": 0x0106,  # Invalid attribute value
    "N_SET_RQ": 0x0106,  # Invalid attribute value
    "N_ACTION_RQ": 0x0115,  # Invalid argument value
    "N_EVENT_REPORT_RQ": 0x0115,  # Invalid argument value
}
"""The status ``strict`` answers for a message with an error finding (a
missing required attribute of an N- message: 0x0120 Missing attribute)."""

UNDECODABLE: Final[dict[str, int]] = {
    "C_STORE_RQ": 0xC210,  # Cannot understand
    "C_FIND_RQ": 0xC310,  # Unable to process
}
"""The status for a data set that cannot be decoded (always, strict or not);
0x0110 Processing failure for the N- messages."""

NO_SUCH_INSTANCE: Final = 0x0112

VERIFICATION: Final = "1.2.840.10008.1.1"
FIND_CLASSES: Final = (
    "1.2.840.10008.5.1.4.31",  # Modality Worklist Information Model - FIND
    "1.2.840.10008.5.1.4.1.2.1.1",  # Patient Root Query/Retrieve - FIND
    "1.2.840.10008.5.1.4.1.2.2.1",  # Study Root Query/Retrieve - FIND
    "1.2.840.10008.5.1.4.1.2.3.1",  # Patient/Study Only Query/Retrieve - FIND (retired)
)
WORKLIST_FIND: Final = FIND_CLASSES[0]
MPPS: Final = "1.2.840.10008.3.1.2.3.3"
STORAGE_COMMITMENT_PUSH: Final = "1.2.840.10008.1.20.1"
_MAX_INSTANCES: Final = 100_000  # MPPS instances kept for N-SET
_JOIN: Final = 10.0  # seconds to wait for an aborted association's thread
_SAFE_NAME = re.compile(r"^[0-9.]{1,64}$")


def storage_classes(db: MessageDatabase) -> list[str]:
    """SOP Class UIDs of every service of ``db`` that has C_STORE_RQ."""
    return sorted({s.uid for s in db.services() if s.uid and "C_STORE_RQ" in s.commands})


def _register_storage(uids: list[str]) -> None:
    """Let pynetdicom route C-STOREs of storage classes it does not know
    (retired, private, DICOS) to its storage service."""
    for uid in uids:
        if uid_to_service_class(uid) is not StorageServiceClass:
            keyword = "Mdict" + uid.replace(".", "_")
            if not hasattr(sop_class, keyword):
                register_uid(uid, keyword, StorageServiceClass)


def _decodes(event: Any) -> bool:
    """The data set of a C-STORE decodes (an undecodable one is answered
    with an error status, so it cannot wait for a worker)."""
    try:
        event.dataset  # noqa: B018  (decoded once; pynetdicom keeps it)
    except Exception:
        return False
    return True


def refusal(message: Message, strict: bool) -> int | None:
    """The error status to answer instead of success, if any."""
    codes = {f.code for f in message.findings if f.severity == "error"}
    if READ_ERROR in codes:
        return UNDECODABLE.get(message.command, 0x0110)
    if not strict or not codes - {NO_MESSAGE_SPEC}:  # a gap of the database is no defect
        return None
    if message.command.startswith("N_") and REQUIRED_ATTRIBUTE_MISSING in codes:
        return 0x0120
    return REFUSED.get(message.command, 0xC000)


class _MessageHandlers:
    """The DIMSE request handlers of :class:`ValidatingSCP`: validate,
    answer (success unless the message is refused), record."""

    checker: MessageValidator
    pool: ValidationPool | None
    strict: bool
    validate: bool
    store: Path | None
    worklist: Answers
    answers: Answers
    commitments: Commitments
    _instances: OrderedDict[str, Dataset]
    _lock: threading.Lock

    def note(self, text: str) -> None:
        """Say what happened beyond the messages (live log)."""
        raise NotImplementedError

    def _check(self, event: Any) -> Message:
        if self.validate:
            return self.checker.validate_event(event)
        return self.checker.unvalidated(event)

    def _on_echo(self, event: Any) -> int:
        self.checker.record(self._check(event), SUCCESS)
        return SUCCESS

    def _on_store(self, event: Any) -> int:
        if self.pool is not None and self.validate and not self.strict:
            data = encoded(event, "dataset")
            if data is not None and _decodes(event):
                return self._store_then_validate(event, data, self.pool)
        message = self._check(event)
        status = refusal(message, self.strict)
        stored = None
        if status is None:
            status = SUCCESS
            if message.sop_instance_uid and message.sop_class_uid:
                self.commitments.received(message.sop_instance_uid, message.sop_class_uid)
            if self.store is not None:
                stored, status = self._write(event, message)
        self.checker.record(message, status, stored=stored)
        return status

    def _store_then_validate(self, event: Any, data: bytes, pool: ValidationPool) -> int:
        """Answer now; record when a worker has validated the data set."""
        message = self.checker.unvalidated(event)
        status, stored = SUCCESS, None
        if message.sop_instance_uid and message.sop_class_uid:
            self.commitments.received(message.sop_instance_uid, message.sop_class_uid)
        if self.store is not None:
            stored, status = self._write(event, message)

        def then(report: Report) -> None:
            self.checker.record(replace(message, report=report), status, stored=stored)

        context = event.context.transfer_syntax
        uids = command_uids(event.request)
        pool.submit(message.association, data, context, message.sop_class_uid, uids, then)
        return status

    def _write(self, event: Any, message: Message) -> tuple[str | None, int]:
        uid = message.sop_instance_uid or ""
        name = (
            uid if _SAFE_NAME.match(uid) else f"message-{message.association}-{message.message_id}"
        )
        assert self.store is not None
        path = self.store / f"{name}.dcm"
        try:
            write_bytes_atomic(path, event.encoded_dataset())
        except OSError as exc:
            self.note(f"cannot store {path}: {exc.strerror or exc}")
            return None, 0xA700  # Refused: out of resources
        return str(path), SUCCESS

    def _on_find(self, event: Any) -> Iterator[tuple[int, Dataset | None]]:
        message = self._check(event)
        status = refusal(message, self.strict)
        if status is not None:
            self.checker.record(message, status)
            yield status, None
            return
        source = self.worklist if message.sop_class_uid == WORKLIST_FIND else self.answers
        matches = 0
        try:
            for answer in source.matches(event.identifier):
                if event.is_cancelled:
                    self.checker.record(message, 0xFE00, f"cancelled after {matches} matches")
                    yield 0xFE00, None
                    return
                matches += 1
                yield PENDING, answer
        except Exception as exc:  # a matching bug must not cost the message
            self.checker.record(message, 0xC311, f"matching failed: {exc!r}")
            yield 0xC311, None
            return
        self.checker.record(message, SUCCESS, f"{matches} match{'' if matches == 1 else 'es'}")
        yield SUCCESS, None

    def _on_n_create(self, event: Any) -> tuple[int, Dataset | None]:
        message = self._check(event)
        status = refusal(message, self.strict)
        if status is not None:
            self.checker.record(message, status)
            return status, None
        created = Dataset()
        try:
            created = event.attribute_list
        except Exception:
            created = Dataset()
        if message.sop_instance_uid:
            with self._lock:
                self._instances[message.sop_instance_uid] = created
                while len(self._instances) > _MAX_INSTANCES:
                    self._instances.popitem(last=False)
        self.checker.record(message, SUCCESS)
        return SUCCESS, created

    def _on_n_set(self, event: Any) -> tuple[int, Dataset | None]:
        message = self._check(event)
        status = refusal(message, self.strict)
        if status is not None:
            self.checker.record(message, status)
            return status, None
        with self._lock:
            instance = self._instances.get(message.sop_instance_uid or "")
        if instance is None:
            note = "no such SOP instance: no N-CREATE of it reached this SCP"
            self.checker.record(message, NO_SUCH_INSTANCE, note)
            return NO_SUCH_INSTANCE, None
        instance.update(event.modification_list)
        self.checker.record(message, SUCCESS)
        return SUCCESS, instance

    def _on_n_action(self, event: Any) -> tuple[int, Dataset | None]:
        message = self._check(event)
        status = refusal(message, self.strict)
        note = None
        if status is None:
            status = SUCCESS
            if message.sop_class_uid == STORAGE_COMMITMENT_PUSH:
                note = self.commitments.requested(event, message.association)
        self.checker.record(message, status, note)
        return status, None

    def _on_n_event_report(self, event: Any) -> tuple[int, Dataset | None]:
        message = self._check(event)
        status = refusal(message, self.strict) or SUCCESS
        self.checker.record(message, status)
        return status, None


class ValidatingSCP(_MessageHandlers):
    """The SCP of ``mdict scp`` and of the ``mdict_scp`` pytest fixture.

    ``port`` 0 picks a free port (read :attr:`port` after :meth:`start`).
    ``store``: folder for the instances received; ``worklist`` / ``answers``:
    folders of data sets a Modality Worklist / Query/Retrieve C-FIND is
    answered from; ``commitment_port``: where the requester listens for an
    N-EVENT-REPORT that cannot go on the association of its N-ACTION;
    ``pool``: worker processes that validate C-STOREs while the SCP answers
    (:mod:`mdict.net.pool`; not with ``strict``).
    """

    def __init__(
        self,
        db: MessageDatabase | None = None,
        *,
        ae_title: str = "MDICT",
        host: str = "127.0.0.1",
        port: int = 11112,
        store: str | Path | None = None,
        worklist: str | Path | None = None,
        answers: str | Path | None = None,
        strict: bool = False,
        commitment_port: int | None = None,
        level: str = "info",
        keep: bool = True,
        validate: bool = True,
        on_message: Callable[[Message], None] | None = None,
        on_association: Callable[[Association], None] | None = None,
        on_note: Callable[[str], None] | None = None,
        pool: ValidationPool | None = None,
    ) -> None:
        self.pool = pool
        self.checker = MessageValidator(
            db, level=level, keep=keep, on_message=on_message, on_association=on_association
        )
        self.ae_title, self.host, self.port = ae_title, host, port
        self.store = None if store is None else Path(store)
        self.strict = strict
        self.validate = validate
        self.on_note = on_note
        self.worklist = Answers(worklist, self.note)
        self.answers = Answers(answers, self.note)
        self.commitments = Commitments(ae_title, commitment_port, self.note)
        self._instances: OrderedDict[str, Dataset] = OrderedDict()
        self._lock = threading.Lock()
        self._server: Any = None

    # -- life cycle ----------------------------------------------------------

    def start(self) -> None:
        """Listen (in background threads) until :meth:`stop`."""
        ae = self._make_ae()
        self._server = ae.start_server(
            (self.host, self.port), block=False, evt_handlers=self._handlers()
        )
        self.port = int(self._server.server_address[1])

    def stop(self, grace: float = 2.0) -> None:
        """Stop listening; give open associations ``grace`` seconds to end,
        abort the others; wait for the reports being sent."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        deadline = time.monotonic() + grace
        active = server.active_associations
        while active and time.monotonic() < deadline:
            time.sleep(0.02)
            active = server.active_associations
        associated = []
        for assoc in active:
            number = self.checker.number_of(assoc)
            if number is None:  # a connection that never became an association
                self.note(f"[- {_address(assoc)}] connection closed: the SCP is stopping")
            else:
                self.note(f"[{number} {peer_of(assoc)}] aborted: the SCP is stopping")
                associated.append(assoc)
            _abort(assoc)
        for assoc in associated:  # (pynetdicom's thread of a connection that never
            assoc.join(_JOIN)  # associated waits out its ACSE timeout; it records nothing)
        if self.pool is not None:
            self.pool.drain()  # every report in before the last tallies
        self.commitments.wait()
        self.checker.end_all("ended when the SCP stopped")

    def __enter__(self) -> ValidatingSCP:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def received(self) -> list[Message]:
        return self.checker.received

    def note(self, text: str) -> None:
        """Say what happened beyond the messages (live log)."""
        if self.on_note is not None:
            self.on_note(text)

    def _make_ae(self) -> AE:
        ae = AE(ae_title=self.ae_title)
        ae.maximum_associations = 64
        ae.network_timeout = 30
        ae.acse_timeout = 30
        ae.dimse_timeout = 30
        ae.maximum_pdu_size = 0  # no limit: fewer PDUs per message
        syntaxes = list(ALL_TRANSFER_SYNTAXES)
        storage = storage_classes(self.checker.validator.db)
        _register_storage(storage)
        for uid in [VERIFICATION, *storage, *FIND_CLASSES, MPPS, STORAGE_COMMITMENT_PUSH]:
            ae.add_supported_context(uid, syntaxes if uid in storage else syntaxes[:4])
        return ae

    def _handlers(self) -> list[EventHandlerType]:
        return [
            (evt.EVT_C_ECHO, self._on_echo),
            (evt.EVT_C_STORE, self._on_store),
            (evt.EVT_C_FIND, self._on_find),
            (evt.EVT_N_CREATE, self._on_n_create),
            (evt.EVT_N_SET, self._on_n_set),
            (evt.EVT_N_ACTION, self._on_n_action),
            (evt.EVT_N_EVENT_REPORT, self._on_n_event_report),
            (evt.EVT_ESTABLISHED, self._on_established),
            (evt.EVT_RELEASED, lambda event: self._end(event, "released")),
            (evt.EVT_ABORTED, lambda event: self._end(event, how_ended(event.assoc))),
            (evt.EVT_CONN_OPEN, no_delay),
            (evt.EVT_CONN_CLOSE, self._on_close),
            (evt.EVT_DIMSE_SENT, self.commitments.on_sent),
        ]

    # -- associations --------------------------------------------------------

    def _on_established(self, event: Any) -> None:
        number = self.checker.association_number(event.assoc)
        for context in event.assoc.rejected_contexts:
            self.note(
                f"[{number} {self.checker.peer(number)}] presentation context rejected: "
                f"{context.abstract_syntax} (not a SOP class this SCP accepts)"
            )

    def _end(self, event: Any, how: str) -> None:
        self._reports_in(event.assoc)
        self.checker.end_association(event.assoc, how)

    def _reports_in(self, assoc: Any) -> None:
        """Wait for the workers' reports on an association's messages (its
        summary counts them)."""
        number = self.checker.number_of(assoc)
        if self.pool is not None and number is not None:
            self.pool.wait_for(number)

    def _on_close(self, event: Any) -> None:
        assoc = event.assoc
        self._reports_in(assoc)
        if self.checker.end_association(assoc, how_ended(assoc)) is not None:
            return
        if not (assoc.is_established or assoc.is_released or assoc.is_aborted):
            address = event.address
            self.note(
                f"[- {address[0]}:{address[1]}] connection closed before an association was "
                "established (an unreadable PDU, a rejected request or no request)"
            )


def _abort(assoc: Any, wait: float = 2.0) -> None:
    """Abort an association, also one whose peer stopped in the middle of a
    PDU: pynetdicom's abort waits for its reader thread, which waits for the
    rest of the PDU; after ``wait`` seconds the connection is shut down, so
    the read ends (and the abort with it)."""
    aborting = threading.Thread(target=assoc.abort, name="mdict-abort", daemon=True)
    aborting.start()
    aborting.join(wait)
    if aborting.is_alive():
        with contextlib.suppress(Exception):
            assoc.dul.socket.socket.shutdown(socket.SHUT_RDWR)
        aborting.join(_JOIN)


def _address(assoc: Any) -> str:
    """The peer's address of a connection, as text."""
    with contextlib.suppress(Exception):
        return f"{assoc.requestor.address}:{assoc.requestor.port}"
    return "?"


def how_ended(assoc: Any) -> str:
    """released; aborted (the peer sent an A-ABORT); aborted (A-P-ABORT:
    the connection was lost or a PDU came that the protocol does not allow
    there); or closed (connection lost)."""
    if assoc.is_released:
        return "released"
    with contextlib.suppress(Exception):
        if assoc.acse.is_aborted("a-abort"):
            return "aborted"
        if assoc.acse.is_aborted("a-p-abort"):
            return "aborted (A-P-ABORT: connection lost or a PDU out of place)"
    return "aborted" if assoc.is_aborted else "closed (connection lost)"


def no_delay(event: Any) -> None:
    """EVT_CONN_OPEN: send each PDU at once (TCP_NODELAY); without it a
    message written in several PDUs waits for the peer's delayed ACK (40 ms)."""
    with contextlib.suppress(AttributeError, OSError):
        event.assoc.dul.socket.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def quiet_pynetdicom() -> None:
    """pynetdicom's own log (its errors on stderr) off: the SCP says what
    happened in its own lines."""
    logger = logging.getLogger("pynetdicom")
    logger.addHandler(logging.NullHandler())
    logger.propagate = False
    logger.setLevel(logging.CRITICAL)
