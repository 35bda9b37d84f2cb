"""Validate what pynetdicom events carry and collect the findings.

For teams with their own pynetdicom application entities::

    from pynetdicom import AE, evt
    from mdict.net import MessageValidator

    checker = MessageValidator()                 # the embedded standard database
    handlers = [(evt.EVT_C_STORE, checker.wrap(my_store_handler)), *checker.notifications()]
    ae.start_server(("127.0.0.1", 11112), block=False, evt_handlers=handlers)
    ...
    assert all(message.ok for message in checker.received)

``checker.handlers()`` gives ready handlers that validate and answer success
(a test SCP in two lines); :func:`check_outgoing` validates a data set
before an SCU sends it.
"""

from __future__ import annotations

import threading
import warnings
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Final

from pydicom.dataset import Dataset
from pynetdicom import evt
from pynetdicom.events import EventHandlerType

from mdict.db.protocol import MessageDatabase
from mdict.errors import LookupFailed
from mdict.net.integrity import encoded, truncation
from mdict.net.records import Association, Message, Peer
from mdict.validation.findings import (
    COMMAND_MISMATCH,
    READ_ERROR,
    UNKNOWN_SOP_CLASS,
    VALIDATOR_FAILURE,
    Finding,
    Report,
)
from mdict.validation.validator import Validator, validator_for


@dataclass(frozen=True, slots=True)
class EventKind:
    """How a request event maps to a message of the database."""

    command: str
    dataset: str | None
    """The Event property holding the data set (None: the request has none)."""
    class_uid: str
    instance_uid: str | None


EVENTS: Final[dict[str, EventKind]] = {
    "EVT_C_ECHO": EventKind("C_ECHO_RQ", None, "AffectedSOPClassUID", None),
    "EVT_C_STORE": EventKind(
        "C_STORE_RQ", "dataset", "AffectedSOPClassUID", "AffectedSOPInstanceUID"
    ),
    "EVT_C_FIND": EventKind("C_FIND_RQ", "identifier", "AffectedSOPClassUID", None),
    "EVT_C_GET": EventKind("C_GET_RQ", "identifier", "AffectedSOPClassUID", None),
    "EVT_C_MOVE": EventKind("C_MOVE_RQ", "identifier", "AffectedSOPClassUID", None),
    "EVT_N_CREATE": EventKind(
        "N_CREATE_RQ", "attribute_list", "AffectedSOPClassUID", "AffectedSOPInstanceUID"
    ),
    "EVT_N_SET": EventKind(
        "N_SET_RQ", "modification_list", "RequestedSOPClassUID", "RequestedSOPInstanceUID"
    ),
    "EVT_N_ACTION": EventKind(
        "N_ACTION_RQ", "action_information", "RequestedSOPClassUID", "RequestedSOPInstanceUID"
    ),
    "EVT_N_EVENT_REPORT": EventKind(
        "N_EVENT_REPORT_RQ", "event_information", "AffectedSOPClassUID", "AffectedSOPInstanceUID"
    ),
}
"""Every request event the handlers validate, by pynetdicom event name."""

_SOP_CLASS_UID: Final = 0x00080016
_SOP_INSTANCE_UID: Final = 0x00080018


def peer_of(assoc: Any) -> Peer:
    """The requestor of an association as the acceptor sees it."""
    requestor = assoc.requestor
    return Peer(str(requestor.ae_title).strip(), str(requestor.address), int(requestor.port))


def _text(ds: Dataset, tag: int) -> str | None:
    try:
        value = ds[tag].value if tag in ds else None
    except Exception:  # an undecodable value: the validator reports it
        return None
    text = str(value or "").strip("\x00 ")
    return text or None


def command_uids(request: Any) -> tuple[str, str]:
    """A C-STORE command's Affected SOP Class and Instance UIDs (may be "")."""
    return (
        str(getattr(request, "AffectedSOPClassUID", "") or "").strip("\x00 "),
        str(getattr(request, "AffectedSOPInstanceUID", "") or "").strip("\x00 "),
    )


def _mismatches(uids: tuple[str, str], dataset: Dataset) -> list[Finding]:
    """The C-STORE command's UIDs against the data set's (PS3.4 B.2.3)."""
    found = []
    for in_command, tag, what in (
        (uids[0], _SOP_CLASS_UID, "SOP Class UID"),
        (uids[1], _SOP_INSTANCE_UID, "SOP Instance UID"),
    ):
        in_dataset = _text(dataset, tag)
        if in_command and in_dataset and in_command != in_dataset:
            message = f"the command's Affected {what} {in_command} differs from the data set's {in_dataset}"
            found.append(
                Finding(COMMAND_MISMATCH, "error", message, tag, _tag_path(tag), None, None, what)
            )
    return found


def check_dataset(
    validator: Validator, level: str, dataset: Dataset, service: str | int | None, command: str
) -> Report:
    """Validate ``dataset`` as ``command`` of ``service`` (name, UID or
    number); a service the database lacks is an UNKNOWN_SOP_CLASS finding, a
    failing validator a VALIDATOR_FAILURE finding."""
    if service is not None and validator.db.service(service) is None:
        message = f"SOP Class UID {service} of the command names no service of the database"
        return Report((Finding(UNKNOWN_SOP_CLASS, "error", message),), None, command)
    try:
        return validator.validate(dataset, service, command, level=level)
    except LookupFailed:
        raise
    except Exception as exc:  # a validator bug must not cost the message
        failure = Finding(VALIDATOR_FAILURE, "error", f"validation failed: {exc!r}")
        return Report((failure,), None, command)


def validate_received(
    validator: Validator,
    level: str,
    dataset: Dataset,
    data: bytes | None,
    class_uid: str | None,
    command: str,
    uids: tuple[str, str] | None = None,
) -> Report:
    """The report of a data set as received (``data``: its bytes, None when
    deflated): a value cut short or bytes left over, the C-STORE command's
    UIDs against the data set's (``uids``), then what the validator finds.
    ``dataset`` must still be as decoded (its elements raw)."""
    try:
        cut = [] if data is None else truncation(data, dataset)
    except Exception as exc:  # the elements cannot even be listed
        return read_error(exc, command)
    report = check_dataset(validator, level, dataset, class_uid, command)
    extra = [*(_mismatches(uids, dataset) if uids is not None else ()), *cut]
    if extra:
        report = replace(report, findings=(*extra, *report.findings))
    return report


def read_error(exc: Exception, command: str) -> Report:
    """The report of a data set that cannot be decoded."""
    why = f"the data set cannot be decoded: {exc!r}"
    return Report((Finding(READ_ERROR, "error", why),), None, command)


def _tag_path(tag: int) -> str:
    return f"({tag >> 16:04X},{tag & 0xFFFF:04X})"


@dataclass
class _Tally:
    number: int
    peer: Peer
    messages: int = 0
    counts: Counter[str] = field(default_factory=Counter)


class MessageValidator:
    """Validates the data set of every request event against the database
    and keeps what it saw.

    ``level`` drops findings below ``errors``/``warnings``/``info``;
    ``keep`` keeps every :class:`Message` in :attr:`received` (turn it off
    for long runs and use ``on_message``); ``on_message`` and
    ``on_association`` are called (under a lock, in order) for each record.
    """

    def __init__(
        self,
        db: MessageDatabase | None = None,
        *,
        level: str = "info",
        keep: bool = True,
        on_message: Callable[[Message], None] | None = None,
        on_association: Callable[[Association], None] | None = None,
    ) -> None:
        self.validator: Validator = validator_for(db)
        self.level = level
        self.keep = keep
        self.on_message = on_message
        self.on_association = on_association
        self.received: list[Message] = []
        self.associations: list[Association] = []
        self._lock = threading.RLock()  # the records
        # one validation at a time (the validator's caches are not shared
        # across threads); apart from the records' lock, so that numbering
        # and recording never wait for another association's validation
        self._validating = threading.Lock()
        self._numbers: dict[int, int] = {}  # id(association) -> number
        self._tallies: dict[int, _Tally] = {}  # number -> tally
        self._next = 0

    # -- validation ----------------------------------------------------------

    def validate_event(self, event: Any) -> Message:
        """Decode and validate the request of ``event`` (not yet recorded:
        pass the status answered to :meth:`record`)."""
        return self._message(event, validate=True)

    def unvalidated(self, event: Any) -> Message:
        """The record of ``event`` without decoding or validating its data set."""
        return self._message(event, validate=False)

    def _message(self, event: Any, validate: bool) -> Message:
        kind = EVENTS[event.event.name]
        request = event.request
        class_uid = str(getattr(request, kind.class_uid, "") or "").strip("\x00 ") or None
        instance = getattr(request, kind.instance_uid, None) if kind.instance_uid else None
        if kind.dataset is None or not validate:
            report = Report((), self._service_name(class_uid), kind.command)
        else:
            uids = command_uids(request) if kind.command == "C_STORE_RQ" else None
            with self._validating, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                report = self._decode_and_validate(event, kind, class_uid, uids)
        return Message(
            association=self.association_number(event.assoc),
            peer=peer_of(event.assoc),
            message_id=int(request.MessageID),
            command=kind.command,
            report=report,
            sop_class_uid=class_uid,
            sop_instance_uid=str(instance).strip("\x00 ") if instance else None,
            transfer_syntax=str(event.context.transfer_syntax),
        )

    def _decode_and_validate(
        self, event: Any, kind: EventKind, class_uid: str | None, uids: tuple[str, str] | None
    ) -> Report:
        assert kind.dataset is not None
        try:
            dataset: Dataset = getattr(event, kind.dataset)
            data = encoded(event, kind.dataset)
        except Exception as exc:
            return read_error(exc, kind.command)
        return validate_received(
            self.validator, self.level, dataset, data, class_uid, kind.command, uids
        )

    def check(self, dataset: Dataset, service: str | int | None, command: str) -> Report:
        """Validate ``dataset`` as ``command`` of ``service`` (:func:`check_dataset`)."""
        return check_dataset(self.validator, self.level, dataset, service, command)

    def _service_name(self, uid: str | None) -> str | None:
        found = None if uid is None else self.validator.db.service(uid)
        return None if found is None else found.name

    # -- records -------------------------------------------------------------

    def number_of(self, assoc: Any) -> int | None:
        """The number of an association seen before (None: never seen)."""
        with self._lock:
            return self._numbers.get(id(assoc))

    def association_number(self, assoc: Any) -> int:
        """1, 2, ... in the order associations were first seen."""
        with self._lock:
            number = self._numbers.get(id(assoc))
            if number is None:
                self._next += 1
                number = self._numbers[id(assoc)] = self._next
                self._tallies[number] = _Tally(number, peer_of(assoc))
            return number

    def record(
        self,
        message: Message,
        status: int | None = None,
        note: str | None = None,
        *,
        stored: str | None = None,
    ) -> Message:
        """Keep ``message`` with the status answered (and where its data set
        was stored); tell ``on_message``."""
        message = replace(
            message,
            status=message.status if status is None else status,
            note=note or message.note,
            stored=stored or message.stored,
        )
        with self._lock:
            tally = self._tallies.get(message.association)
            if tally is not None:
                tally.messages += 1
                tally.counts.update(f.severity for f in message.findings)
            if self.keep:
                self.received.append(message)
            if self.on_message is not None:
                self.on_message(message)
        return message

    def peer(self, number: int) -> str:
        """The peer of an open association, as text."""
        with self._lock:
            tally = self._tallies.get(number)
            return "?" if tally is None else str(tally.peer)

    def end_association(self, assoc: Any, how: str) -> Association | None:
        """Close the tally of an association (released, aborted, ...)."""
        rejected = tuple(str(c.abstract_syntax) for c in getattr(assoc, "rejected_contexts", ()))
        return self._end(id(assoc), how, rejected)

    def _end(self, key: int, how: str, rejected: tuple[str, ...]) -> Association | None:
        with self._lock:
            number = self._numbers.pop(key, None)
            tally = None if number is None else self._tallies.pop(number, None)
            if tally is None:
                return None
            counts = {s: tally.counts[s] for s in ("error", "warning", "info")}
            done = Association(tally.number, tally.peer, tally.messages, counts, how, rejected)
            if self.keep:
                self.associations.append(done)
            if self.on_association is not None:
                self.on_association(done)
            return done

    def end_all(self, how: str) -> None:
        """Close the tallies of associations whose end was never seen."""
        with self._lock:
            numbers = dict(self._numbers)
        for key in numbers:
            self._end(key, how, ())

    @property
    def findings(self) -> list[Finding]:
        """Every finding of every message kept, in the order received."""
        with self._lock:
            return [f for m in self.received for f in m.findings]

    # -- ready-made handlers -------------------------------------------------

    def wrap(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        """A handler that validates the event, then calls ``handler`` and
        records the status it returns (its first item for a tuple; the last
        status yielded for a generator such as a C-FIND handler)."""

        def validating(event: Any, *args: Any) -> Any:
            message = self.validate_event(event)
            try:
                result = handler(event, *args)
            except Exception:
                self.record(message, 0xC000, "the handler failed")
                raise
            if hasattr(result, "__next__"):
                return self._follow(message, result)
            self.record(message, _status_of(result))
            return result

        return validating

    def _follow(self, message: Message, results: Iterable[Any]) -> Iterable[Any]:
        status: int | None = None
        try:
            for item in results:
                status = _status_of(item) if _status_of(item) is not None else status
                yield item
        finally:
            self.record(message, status if status is not None else 0x0000)

    def handlers(self) -> list[EventHandlerType]:
        """Handlers that validate every request and answer success (a C-FIND
        with no matches), plus the association notifications."""
        answered = [
            (getattr(evt, name), self.wrap(_answer_success(EVENTS[name].command)))
            for name in EVENTS
            if name not in {"EVT_C_GET", "EVT_C_MOVE"}  # those need sub-operations
        ]
        return [*answered, *self.notifications()]

    def notifications(self) -> list[EventHandlerType]:
        """EVT_RELEASED / EVT_ABORTED handlers closing each association's tally."""
        return [
            (evt.EVT_RELEASED, lambda event: self.end_association(event.assoc, "released")),
            (evt.EVT_ABORTED, lambda event: self.end_association(event.assoc, "aborted")),
        ]


def _status_of(result: Any) -> int | None:
    """The status a handler returned: an int, a Dataset with a Status, or a
    tuple starting with one; None for anything else (a C-MOVE destination)."""
    if isinstance(result, tuple) and result:
        result = result[0]
    if isinstance(result, Dataset):
        result = result.get("Status")
    return result if isinstance(result, int) and not isinstance(result, bool) else None


def _answer_success(command: str) -> Callable[..., Any]:
    if command == "C_FIND_RQ":

        def no_matches(event: Any) -> Any:
            yield 0x0000, None

        return no_matches
    if command in {"C_ECHO_RQ", "C_STORE_RQ"}:
        return lambda event: 0x0000
    return lambda event: (0x0000, None)


def check_outgoing(
    dataset: Dataset,
    service: str | int,
    command: str,
    db: MessageDatabase | None = None,
    *,
    level: str = "info",
) -> Report:
    """Validate a data set an SCU is about to send (an N-CREATE attribute
    list, a C-FIND identifier, ...): ``service`` by name, UID or number."""
    return MessageValidator(db, level=level, keep=False).check(dataset, service, command)
