"""What a validating SCP saw: one record per message, one per association,
the live log lines and the report (text, JSON or JUnit XML).

A message record extends a file entry of ``mdict validate --format json``
(``file``, ``service``, ``command``, ``ok``, ``counts``, ``findings``) with
where it came from: ``association``, ``peer``, ``message_id``, the UIDs the
command named, the transfer syntax and the status answered.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TextIO

from mdict.fileio import write_text_atomic
from mdict.validation.findings import LEVELS, Finding, Report

REPORT_FORMAT: Final = "mdict-scp-report"
REPORT_VERSION: Final = 1
SEVERITIES: Final = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Peer:
    """The other end of an association."""

    ae_title: str
    address: str
    port: int

    def __str__(self) -> str:
        return f"{self.ae_title}@{self.address}:{self.port}"


@dataclass(frozen=True, slots=True)
class Message:
    """One DIMSE request received (or checked before sending) and its findings."""

    association: int
    peer: Peer | None
    message_id: int | None
    command: str
    report: Report
    status: int | None = None
    sop_class_uid: str | None = None
    sop_instance_uid: str | None = None
    transfer_syntax: str | None = None
    stored: str | None = None
    note: str | None = None
    """What happened beyond the findings (a refused message, a reply sent)."""

    @property
    def ok(self) -> bool:
        return self.report.ok

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.report.findings

    def to_dict(self) -> dict[str, Any]:
        data = self.report.to_dict()
        data.pop("coverage")
        data["file"] = self.stored
        data.update(
            association=self.association,
            peer=None if self.peer is None else str(self.peer),
            message_id=self.message_id,
            sop_class_uid=self.sop_class_uid,
            sop_instance_uid=self.sop_instance_uid,
            transfer_syntax=self.transfer_syntax,
            status=None if self.status is None else f"0x{self.status:04X}",
            note=self.note,
        )
        return data

    def line(self) -> str:
        """The live log line of the message."""
        return message_line(self.to_dict())


@dataclass(frozen=True, slots=True)
class Association:
    """One association from request to release (or abort)."""

    number: int
    peer: Peer
    messages: int
    counts: dict[str, int]
    ended: str
    """released, aborted, or a reason the association ended otherwise."""
    rejected_contexts: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "association": self.number,
            "peer": str(self.peer),
            "messages": self.messages,
            "counts": dict(self.counts),
            "ended": self.ended,
            "rejected_contexts": list(self.rejected_contexts),
        }

    def line(self) -> str:
        return association_line(self.to_dict())


def counts_text(counts: dict[str, int] | Counter[str]) -> str:
    """``1 error, 2 warnings, 0 infos``."""
    return ", ".join(f"{counts[s]} {s}{'' if counts[s] == 1 else 's'}" for s in SEVERITIES)


def message_line(data: dict[str, Any]) -> str:
    """``[3 STORESCU@127.0.0.1:40112] #1 C_STORE_RQ STANDARD_CT 1.2.3: 1 error,
    ... -> 0x0000``: where, what, counts, the status answered and a note."""
    where = f"[{data['association']} {data['peer'] or 'local'}]"
    what = data["service"] or data["sop_class_uid"] or "?"
    uid = f" {data['sop_instance_uid']}" if data.get("sop_instance_uid") else ""
    ident = "" if data["message_id"] is None else f" #{data['message_id']}"
    status = f" -> {data['status']}" if data["status"] is not None else ""
    note = f" ({data['note']})" if data.get("note") else ""
    counts = counts_text(data["counts"])
    return f"{where}{ident} {data['command']} {what}{uid}: {counts}{status}{note}"


def finding_lines(data: dict[str, Any], rank: int) -> Iterator[str]:
    """The findings of a message at ``rank`` and above, one indented line each."""
    for finding in data["findings"]:
        if LEVELS[finding["severity"]] <= rank:
            yield "    " + _finding_text(finding)


def _finding_text(finding: dict[str, Any]) -> str:
    parts = [finding["severity"], finding["code"]]
    if finding.get("tag"):
        parts.append(finding["tag"])
        if finding.get("name"):
            parts.append(finding["name"])
        if finding.get("path") and finding["path"] != finding["tag"]:
            parts.append(f"[{finding['path']}]")
    parts.append(finding["message"])
    return " ".join(parts)


def association_line(data: dict[str, Any]) -> str:
    rejected = data["rejected_contexts"]
    extra = f"; rejected contexts: {', '.join(rejected)}" if rejected else ""
    n = data["messages"]
    return (
        f"[{data['association']} {data['peer']}] association {data['ended']}: "
        f"{n} message{'' if n == 1 else 's'}; {counts_text(data['counts'])}{extra}"
    )


# ---------------------------------------------------------------------------
# The journal: records kept on disk so memory stays flat over long runs
# ---------------------------------------------------------------------------


@dataclass
class Journal:
    """Every record of a run, one JSON object a line in a temporary file
    (messages and associations interleaved in the order they happened)."""

    folder: str | None = None
    _handle: TextIO | None = field(default=None, init=False)
    _path: str | None = field(default=None, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def add(self, kind: str, data: dict[str, Any]) -> None:
        line = json.dumps({"kind": kind, **data}, separators=(",", ":")) + "\n"
        with self._lock:
            if self._handle is None:
                fd, self._path = tempfile.mkstemp(
                    prefix=".mdict-scp.", suffix=".jsonl", dir=self.folder
                )
                self._handle = os.fdopen(fd, "w+", encoding="utf-8")
            self._handle.write(line)

    def records(self) -> Iterator[dict[str, Any]]:
        with self._lock:
            if self._handle is None:
                return
            self._handle.flush()
            self._handle.seek(0)
            lines = iter(self._handle.readline, "")
            for line in lines:
                yield json.loads(line)
            self._handle.seek(0, os.SEEK_END)

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None
            if self._path is not None:
                Path(self._path).unlink(missing_ok=True)
                self._path = None


# ---------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------


def _summary(records: list[dict[str, Any]]) -> dict[str, Any]:
    messages = [r for r in records if r["kind"] == "message"]
    total: Counter[str] = Counter()
    for record in messages:
        total.update({s: record["counts"][s] for s in SEVERITIES})
    return {
        "associations": sum(1 for r in records if r["kind"] == "association"),
        "messages": len(messages),
        "messages_with_errors": sum(1 for r in messages if not r["ok"]),
        "counts": {s: total[s] for s in SEVERITIES},
    }


def render(records: Iterator[dict[str, Any]], output_format: str, level: str = "info") -> str:
    """The report of a run: ``text``, ``json`` or ``junit``."""
    kept = list(records)
    if output_format == "json":
        data = {
            "format": REPORT_FORMAT,
            "version": REPORT_VERSION,
            "messages": [_without_kind(r) for r in kept if r["kind"] == "message"],
            "associations": [_without_kind(r) for r in kept if r["kind"] == "association"],
            "summary": _summary(kept),
        }
        return json.dumps(data, indent=2) + "\n"
    if output_format == "junit":
        return _junit(kept)
    return _text(kept, LEVELS[level.rstrip("s")])


def _without_kind(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "kind"}


def _text(records: list[dict[str, Any]], rank: int) -> str:
    lines: list[str] = []
    for record in records:
        if record["kind"] == "message":
            lines.append(message_line(record))
            lines.extend(finding_lines(record, rank))
        else:
            lines.append(association_line(record))
    summary = _summary(records)
    lines.append(
        f"{summary['associations']} associations, {summary['messages']} messages: "
        f"{summary['messages_with_errors']} with errors; {counts_text(summary['counts'])}"
    )
    return "\n".join(lines) + "\n"


def _junit(records: list[dict[str, Any]]) -> str:
    from mdict.junit import Case, junit

    cases = (
        Case(
            "mdict.net.scp",
            message_line(record),
            not record["ok"],
            counts_text(record["counts"]),
            tuple(_finding_text(f) for f in record["findings"] if f["severity"] == "error"),
            tuple(_finding_text(f) for f in record["findings"] if f["severity"] != "error"),
        )
        for record in records
        if record["kind"] == "message"
    )
    return junit("mdict scp", cases)


def write_report(
    path: str, records: Callable[[], Iterator[dict[str, Any]]], output_format: str, level: str
) -> None:
    """Render the records and write the report atomically."""
    write_text_atomic(path, render(records(), output_format, level))
