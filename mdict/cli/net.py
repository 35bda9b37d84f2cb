"""``mdict scp``: a validating SCP a device under test connects to."""

from __future__ import annotations

import queue
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO

import click

from mdict.cli._common import (
    FC,
    FOUND_PROBLEMS,
    fail,
    level_option,
    open_database,
    show_option,
    shows_private,
)
from mdict.validation.findings import LEVELS, PRIVATE

if TYPE_CHECKING:
    from mdict.net.pool import ValidationPool

STATUSES = """\b
Exit status: 0 no message with an error, 1 a message with an error,
2 usage, unreadable database or address in use. SIGINT and SIGTERM
stop the SCP the normal way (report written, same statuses)."""


class _Run:
    """The live log, the journal for the report and the totals of one run."""

    def __init__(self, level: str, report: str | None, show_private: bool = False) -> None:
        from mdict.net.records import Journal

        self.rank = LEVELS[level.rstrip("s")]
        # private dictionary disagreements (vendors' VR and VM) stay out of
        # the live log and its counts unless asked for, as in mdict validate;
        # the report keeps them (with their category)
        self.show_private = show_private
        self.private = 0
        self._hidden: dict[int, Counter[str]] = {}  # association -> severities not shown
        self.journal = Journal(_folder_of(report)) if report else None
        self.counts: Counter[str] = Counter()
        self.messages = self.with_errors = self.associations = 0
        self.ended = threading.Event()
        self.limit: int | None = None
        self._lock = threading.Lock()
        self.log = _LiveLog(sys.stdout)  # as it is now (a test runner swaps it)

    def on_message(self, message: Any) -> None:
        from mdict.net.records import finding_lines, message_line

        data = message.to_dict()
        shown, hidden = self._shown(data)
        line = message_line(shown)
        if hidden:
            count = sum(hidden.values())
            line += f" [{count} private dictionary disagreement{'s' * (count != 1)} not shown]"
        lines = [line, *finding_lines(shown, self.rank)]
        with self._lock:
            self.messages += 1
            self.with_errors += not message.ok
            self.counts.update(f["severity"] for f in shown["findings"])
            self.private += sum(hidden.values())
            self._hidden.setdefault(message.association, Counter()).update(hidden)
            self._write("\n".join(lines))
        if self.journal is not None:
            self.journal.add("message", data)

    def _shown(self, data: dict[str, Any]) -> tuple[dict[str, Any], Counter[str]]:
        """The record as the live log shows it, and the severities it hides."""
        if self.show_private:
            return data, Counter()
        hidden = Counter(f["severity"] for f in data["findings"] if f.get("category") == PRIVATE)
        if not hidden:
            return data, hidden
        findings = [f for f in data["findings"] if f.get("category") != PRIVATE]
        counts = {s: data["counts"][s] - hidden[s] for s in data["counts"]}
        return {**data, "findings": findings, "counts": counts}, hidden

    def on_association(self, association: Any) -> None:
        from mdict.net.records import association_line

        data = association.to_dict()
        hidden = self._hidden.pop(association.number, Counter())
        if hidden:
            data = {**data, "counts": {s: n - hidden[s] for s, n in data["counts"].items()}}
        with self._lock:
            self.associations += 1
            self._write(association_line(data))
            if self.limit is not None and self.associations >= self.limit:
                self.ended.set()
        if self.journal is not None:
            self.journal.add("association", association.to_dict())

    def on_note(self, text: str) -> None:
        with self._lock:
            self._write(text)

    def _write(self, text: str) -> None:
        """One record of the live log (under the lock, so in order)."""
        self.log.put(text)

    def summary(self) -> str:
        from mdict.net.records import counts_text

        return (
            f"{self.associations} association{'' if self.associations == 1 else 's'}, "
            f"{self.messages} message{'' if self.messages == 1 else 's'}: "
            f"{self.with_errors} with errors; {counts_text(self.counts)}"
        ) + (
            f"; {self.private} private dictionary disagreement{'s' * (self.private != 1)}"
            " (VR or number of values of vendor private attributes) not shown: --show private"
            if self.private
            else ""
        )


class _LiveLog:
    """The live log: records queued by the handler threads, written and
    flushed at once by a thread of its own. A handler thread that wrote
    itself would give the interpreter lock away for the write and wait to
    get it back behind the association threads: a third of a validating
    SCP's time per message at 150 messages/s (click.echo also asked whether
    the stream is a terminal on every call)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream: TextIO | None = stream
        self._queue: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._drain, name="mdict-live-log", daemon=True)
        self._thread.start()

    def put(self, text: str) -> None:
        self._queue.put(text)

    def close(self) -> None:
        """Every record written; the thread ended."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout=60)

    def _drain(self) -> None:
        ended = False
        while not ended:
            batch = [self._queue.get()]
            while batch[-1] is not None and not self._queue.empty() and len(batch) < 1000:
                batch.append(self._queue.get())
            ended = batch[-1] is None
            texts = [text for text in batch if text is not None]
            if texts and self._stream is not None:
                try:
                    self._stream.write("\n".join(texts) + "\n")
                    self._stream.flush()
                except (OSError, ValueError):  # the reader went away (a closed pipe)
                    self._stream = None  # keep draining: the report still gets every record


def _folder_of(path: str | None) -> str | None:
    from pathlib import Path

    if path is None:
        return None
    folder = Path(path).parent
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder)


def _folder_option(name: str, help_text: str, *, exists: bool = True) -> Callable[[FC], FC]:
    """An option naming a folder (one that must exist, unless ``exists`` is False)."""
    return click.option(name, type=click.Path(exists=exists, file_okay=False), help=help_text)


@click.command("scp", epilog=STATUSES)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=11112,
    show_default=True,
    help="TCP port to listen on (0: a free port, printed at start).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0: every interface).",
)
@click.option("--ae-title", default="MDICT", show_default=True, help="The SCP's AE title.")
@click.option(
    "--db",
    "db_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Compiled database (default: the embedded standard one).",
)
@_folder_option("--profiles", "Folder with diction.pfl, mergecom.srv, info.pfl [, conditions.pfl].")
@_folder_option(
    "--store", "Write every instance received to this folder (SOPInstanceUID.dcm).", exists=False
)
@_folder_option("--worklist", "Answer Modality Worklist C-FINDs from the data sets of this folder.")
@_folder_option("--answers", "Answer Query/Retrieve C-FINDs from the data sets of this folder.")
@click.option(
    "--report",
    type=click.Path(dir_okay=False),
    help="Write the report of every message here when the SCP stops.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "junit"]),
    default="text",
    show_default=True,
    help="Format of --report.",
)
@level_option("Lowest severity validated, logged and reported.")
@show_option(
    "Also log a category hidden by default: private (vendor dictionary "
    "disagreements, VR or number of values of private attributes; the report has them)."
)
@click.option(
    "--strict",
    is_flag=True,
    help="Answer an error status to a message with an error (default: success).",
)
@click.option(
    "--commitment-port",
    type=click.IntRange(1, 65535),
    help="Where requesters listen for a storage commitment N-EVENT-REPORT that "
    "cannot go on the N-ACTION's association.",
)
@click.option(
    "--validate/--no-validate",
    default=True,
    show_default=True,
    help="Validate data sets (--no-validate: only log the messages).",
)
@click.option(
    "--workers",
    type=click.IntRange(0),
    default=None,
    help="Processes that validate C-STOREs while the SCP answers them (default: one per core "
    "but one, at most 4; 0: validate in the SCP's process; --strict always does).",
)
@click.option(
    "--associations",
    "limit",
    type=click.IntRange(1),
    help="Stop after this many associations have ended.",
)
@click.option(
    "--timeout", type=click.FloatRange(0, min_open=True), help="Stop after this many seconds."
)
def scp_command(
    db_path: str | None,
    profiles: str | None,
    report: str | None,
    output_format: str,
    level: str,
    limit: int | None,
    timeout: float | None,
    workers: int | None,
    show: tuple[str, ...],
    **options: Any,
) -> None:
    """Run a validating SCP that a device under test connects to.

    It accepts Verification, storage, worklist and query FIND, MPPS and
    storage commitment, validates every data set, and logs one line per
    message and a summary per association.
    """
    from mdict.net.scp import ValidatingSCP, quiet_pynetdicom

    db = open_database(db_path, profiles)
    run = _Run(level, report, shows_private(show, level))
    run.limit = limit
    quiet_pynetdicom()
    pool = _pool(db_path, profiles, level, workers, options)
    scp = ValidatingSCP(
        db,
        pool=pool,
        level=level,
        keep=False,
        on_message=run.on_message,
        on_association=run.on_association,
        on_note=run.on_note,
        **options,
    )
    try:
        scp.start()
    except OSError as exc:
        if pool is not None:
            pool.close()
        fail(f"cannot listen on {options['host']}:{options['port']}: {exc.strerror or exc}")
    click.echo(
        f"mdict scp: {options['ae_title']} listening on {options['host']}:{scp.port}", err=True
    )
    _serve(run, timeout)
    scp.stop()
    if pool is not None:
        pool.close()
    _finish(run, report, output_format, level)


def _pool(
    db_path: str | None,
    profiles: str | None,
    level: str,
    workers: int | None,
    options: dict[str, Any],
) -> ValidationPool | None:
    """The worker processes of C-STORE validation (none when the SCP
    validates nothing, refuses on errors, or is asked for none)."""
    import os

    if workers is None:
        workers = min(4, (os.cpu_count() or 1) - 1)
    if workers <= 0 or options["strict"] or not options["validate"]:
        return None
    from mdict.net.pool import ValidationPool
    from mdict.scale.source import DatabaseSource

    return ValidationPool(DatabaseSource.of_options(db_path, profiles), level, workers)


def _serve(run: _Run, timeout: float | None) -> None:
    """Wait for SIGINT, SIGTERM, the association limit or the timeout."""

    def stop(signum: int, frame: FrameType | None) -> None:
        run.ended.set()

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        deadline = None if timeout is None else time.monotonic() + timeout
        while not run.ended.is_set():
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                break
            run.ended.wait(0.2 if left is None else min(0.2, left))
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _finish(run: _Run, report: str | None, output_format: str, level: str) -> None:
    from mdict.net.records import write_report

    run.log.close()
    click.echo(run.summary())
    if report is not None and run.journal is not None:
        journal = run.journal
        try:
            write_report(report, journal.records, output_format, level)
        except OSError as exc:
            fail(f"{report}: error: cannot write the report: {exc.strerror or exc}")
        finally:
            journal.close()
        click.echo(f"report written: {report}", err=True)
    if run.with_errors:
        sys.exit(FOUND_PROBLEMS)
