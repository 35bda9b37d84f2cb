"""Validate a pydicom dataset against a message spec (MC_Validate_Message).

The walk (:mod:`mdict.validation.walker`) checks, for every attribute the
message lists and recursively for every item of every sequence against its
named item spec: presence by value type, VR agreement, VM against the
dictionary, value format per VR, enumerated values and defined terms per
value position. Attributes the spec does not list are reported as
non-service attributes; private attributes are matched through the block
their creator reserved in the dataset. :class:`Validator` keeps the prepared
specs of one database; :func:`validate` is the public function.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from typing import TYPE_CHECKING, Final

from mdict.db.aliases import did_you_mean
from mdict.db.protocol import MessageDatabase
from mdict.errors import LookupFailed
from mdict.model import VM, InfoSection, Tag
from mdict.validation.condition_check import default_conditions
from mdict.validation.consistency import consistency, sop_class_uid
from mdict.validation.elements import encodings_of, read_file
from mdict.validation.findings import (
    CODES,
    LEVELS,
    NO_MESSAGE_SPEC,
    NO_SOP_CLASS_UID,
    UNKNOWN_SOP_CLASS,
    VALIDATOR_FAILURE,
    Coverage,
    Finding,
    Report,
    Severity,
    tag_text,
)
from mdict.validation.identifiers import level_findings
from mdict.validation.plan import (
    ConditionCheck,
    Plan,
    Scope,
    Where,
    make_plan,
    never_evaluated,
    repeating_base,
)
from mdict.validation.rules import check_rules
from mdict.validation.walker import Run

if TYPE_CHECKING:
    from pydicom.dataset import Dataset

__all__ = [
    "CODES",
    "LEVELS",
    "ConditionCheck",
    "Coverage",
    "Finding",
    "Report",
    "Scope",
    "Severity",
    "Validator",
    "default_conditions",
    "never_evaluated",
    "rank_of",
    "read_file",
    "tag_text",
    "validate",
    "validate_file",
    "validator_for",
]

QUERY_COMMANDS: Final = frozenset(("C_FIND_RQ", "C_GET_RQ", "C_MOVE_RQ"))
_SOP_CLASS_UID: Final = 0x00080016


def rank_of(level: str) -> int:
    """The rank of a report level ("errors", "warnings", "info"; the
    singular forms too); ValueError naming the levels for anything else."""
    rank = LEVELS.get(level.rstrip("s")) if isinstance(level, str) else None
    if rank is None:
        raise ValueError(f"level must be one of errors, warnings, info; not {level!r}")
    return rank


class Validator:
    """Validates datasets against the messages of one database; keeps the
    prepared specs between calls, so reuse one instance for many datasets."""

    def __init__(
        self,
        db: MessageDatabase,
        conditions: ConditionCheck | None = None,
    ) -> None:
        self.db = db
        self.conditions = conditions if conditions is not None else default_conditions(db)
        self._plans: dict[tuple[int, str], Plan] = {}
        self._items: dict[str, InfoSection | None] = {}
        self._entries: dict[int, tuple[str | None, VM | None, str | None, bool]] = {}
        self._private_entries: dict[
            tuple[int, str, int], tuple[str | None, VM | None, str | None]
        ] = {}

    # -- public ------------------------------------------------------------

    def validate(
        self,
        dataset: Dataset,
        service: str | int | None = None,
        command: str = "C_STORE_RQ",
        *,
        coverage: bool = False,
        level: str = "info",
    ) -> Report:
        """Validate ``dataset`` as ``command`` of ``service`` (by name, UID or
        number; default: the dataset's SOP Class UID). ``level`` ("errors",
        "warnings" or "info") drops less severe findings (and skips making
        the notes, which is faster)."""
        from pydicom.dataset import Dataset

        if not isinstance(dataset, Dataset):
            raise TypeError(
                "validate() takes a pydicom Dataset (or, as mdict.validate, a file path), "
                f"not {type(dataset).__name__}"
            )
        rank_of(level)
        with warnings.catch_warnings():  # pydicom's warnings on the values we report
            warnings.simplefilter("ignore")
            return self._validate(dataset, service, command, coverage, level)

    def _validate(
        self,
        dataset: Dataset,
        service: str | int | None,
        command: str,
        coverage: bool,
        level: str,
    ) -> Report:
        rank = rank_of(level)
        sop_class = Where(_SOP_CLASS_UID, "", None, "SOP Class UID")
        query = command in QUERY_COMMANDS
        if service is None:
            uid = sop_class_uid(dataset)
            if uid is None:
                message = "no SOP Class UID (0008,0016) to find the service by; name a service"
                first = sop_class.finding(NO_SOP_CLASS_UID, "error", message)
                return self._without_spec(dataset, first, None, command, query, rank)
            found = self.db.service(uid)
            if found is None:
                message = f"SOP Class UID {uid} names no service of the database"
                first = sop_class.finding(UNKNOWN_SOP_CLASS, "error", message)
                return self._without_spec(dataset, first, None, command, query, rank)
        else:
            found = self.db.service(service)
            if found is None:
                hint = did_you_mean(str(service), [s.name for s in self.db.services()])
                raise LookupFailed(f"no service {service!r} in the database{hint}")
        section = self.db.message(found.number, command)
        if section is None:
            message = f"service {found.name} has no {command} message"
            first = Finding(NO_MESSAGE_SPEC, "error", message)
            return self._without_spec(dataset, first, found.name, command, query, rank)
        run = Run(self, dataset, query, coverage, rank)
        run.check_level(dataset, self.plan(section), "", (), encodings_of(dataset, None))
        if query:
            run.findings += level_findings(dataset, found.uid)
        run.findings[:0] = consistency(dataset) + check_rules(dataset)
        shown = run.coverage() if coverage else Coverage()
        missed = run.uses - run.evaluated
        return Report(run.kept(), found.name, command, shown, unevaluated=missed)

    def _without_spec(
        self,
        dataset: Dataset,
        first: Finding,
        service: str | None,
        command: str,
        query: bool,
        rank: int,
    ) -> Report:
        """No message spec: say why, then check formats against the dictionary."""
        from pydicom.dataset import Dataset

        run = Run(self, dataset, query, False, rank)
        encodings = encodings_of(dataset, None)
        meta = getattr(dataset, "file_meta", None)
        if isinstance(meta, Dataset):
            run.check_generic(meta, "", (), encodings)
        run.check_generic(dataset, "", (), encodings)
        return Report((first, *run.kept()), service, command)

    def validate_file(
        self,
        path: str | os.PathLike[str],
        service: str | int | None = None,
        command: str = "C_STORE_RQ",
        *,
        coverage: bool = False,
        level: str = "info",
    ) -> Report:
        """Read a file with pydicom and validate it. A file that cannot be
        read gives a report with one error finding, never an exception."""
        rank = rank_of(level)
        source = os.fspath(path)
        dataset, notes = read_file(source)
        if dataset is None:
            return Report(tuple(notes), None, command, source=source)
        try:
            report = self.validate(dataset, service, command, coverage=coverage, level=level)
        except LookupFailed:
            raise
        except Exception as exc:  # a validator bug must not stop a batch
            failure = Finding(VALIDATOR_FAILURE, "error", f"validation failed: {exc!r}")
            return Report((*notes, failure), None, command, source=source)
        notes = [n for n in notes if LEVELS[n.severity] <= rank]
        return dataclasses.replace(report, findings=(*notes, *report.findings), source=source)

    # -- caches ------------------------------------------------------------

    def plan(self, section: InfoSection) -> Plan:
        key = (section.number, section.command)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._make_plan(section)
        return plan

    def _make_plan(self, section: InfoSection) -> Plan:
        # positions.pfl: the compiled and the profiles-folder databases hold it
        # (not part of the MessageDatabase protocol: other databases have none)
        lookup = getattr(self.db, "positions", None)
        positions = lookup(section.number, section.command) if callable(lookup) else None
        return make_plan(self.db, section, positions)

    def item_spec(self, name: str) -> InfoSection | None:
        if name not in self._items:
            self._items[name] = self.db.item(name)
        return self._items[name]

    def retired(self, tag: int) -> bool:
        """Whether the dictionary marks a standard tag retired."""
        self.entry_info(tag, None)
        return self._entries[tag][3]

    def entry_info(self, tag: int, creator: str | None) -> tuple[str | None, VM | None, str | None]:
        """Name, VM and VR of a tag from the dictionary (private: by creator)."""
        if creator is None:
            cached = self._entries.get(tag)
            if cached is None:
                entry = self.db.entry(Tag(tag >> 16, tag & 0xFFFF))
                if entry is None:
                    base = repeating_base(tag)
                    if base is not None:
                        entry = self.db.entry(Tag(base >> 16, base & 0xFFFF))
                cached = (
                    (entry.name, entry.vm, entry.vr, entry.retired)
                    if entry
                    else (None, None, None, False)
                )
                self._entries[tag] = cached
            return cached[:3]
        key = (tag >> 16, creator, tag & 0xFF)
        found = self._private_entries.get(key)
        if found is None:
            entry = self.db.entry(Tag(tag >> 16, tag & 0xFF, creator))
            found = (entry.name, entry.vm, entry.vr) if entry else (None, None, None)
            self._private_entries[key] = found
        return found


_VALIDATORS: dict[int, tuple[MessageDatabase, Validator]] = {}


def validator_for(db: MessageDatabase | None = None) -> Validator:
    """A cached :class:`Validator` for ``db`` (default: the embedded database)."""
    if db is None:
        from mdict.db.database import default_database

        db = default_database()
        assert db is not None
    cached = _VALIDATORS.get(id(db))
    if cached is None or cached[0] is not db:
        if len(_VALIDATORS) > 8:
            _VALIDATORS.clear()
        cached = _VALIDATORS[id(db)] = (db, Validator(db))
    return cached[1]


def validate(
    dataset: Dataset | str | os.PathLike[str],
    service: str | int | None = None,
    command: str = "C_STORE_RQ",
    db: MessageDatabase | None = None,
    *,
    coverage: bool = False,
    level: str = "info",
) -> Report:
    """Validate a pydicom dataset as one message of a database.

    ``service``: name, SOP Class UID or number (default: from the dataset's
    SOP Class UID); ``db``: any :class:`~mdict.database.MessageDatabase`
    (default: the embedded standard database). A path (str or PathLike) is
    read first, as :func:`validate_file` does. Raises LookupFailed only for
    a ``service`` the caller named that the database lacks, TypeError for
    anything but a dataset or a path, ValueError for an unknown ``level``.
    """
    if isinstance(dataset, (str, os.PathLike)):
        return validate_file(dataset, service, command, db, coverage=coverage, level=level)
    return validator_for(db).validate(dataset, service, command, coverage=coverage, level=level)


def validate_file(
    path: str | os.PathLike[str],
    service: str | int | None = None,
    command: str = "C_STORE_RQ",
    db: MessageDatabase | None = None,
    *,
    coverage: bool = False,
    level: str = "info",
) -> Report:
    """Read a DICOM file and validate it (unreadable files give an error
    finding, not an exception)."""
    return validator_for(db).validate_file(path, service, command, coverage=coverage, level=level)
