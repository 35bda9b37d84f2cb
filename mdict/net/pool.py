"""C-STOREs validated in worker processes, for ``mdict scp --workers N``.

A validating SCP in one process runs pynetdicom's threads and the validator
under one interpreter lock: at 150 C-STOREs a second the validator's share
of that lock is what caps the rate. When the SCP does not refuse (no
``--strict``), a C-STORE's answer does not wait for its findings, so the
encoded data set goes to a worker process and the SCP answers at once; the
record is made (logged, counted, reported) when the worker's report comes
back.

- Nothing is lost: an association's summary waits for its messages'
  reports (:meth:`ValidationPool.wait_for`), the end of the SCP for every
  report (:meth:`ValidationPool.drain`; whoever made the pool closes it).
  A worker that dies breaks the pool: the pool is started anew and every
  data set that was in flight is validated again there; one that kills its
  worker again (the cause) gets a VALIDATOR_FAILURE finding.
- Memory is bounded: at most ``window`` data sets are in flight; an
  association that sends faster than the workers validate waits.
- Workers start clean (``forkserver``: the SCP runs threads, see
  :mod:`mdict.processes`) and open the database once from a
  :class:`~mdict.scale.source.DatabaseSource`.
"""

from __future__ import annotations

import threading
import warnings
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from io import BytesIO
from typing import Any

from mdict.processes import worker_context
from mdict.scale.source import DatabaseSource
from mdict.validation.findings import VALIDATOR_FAILURE, Finding, Report

RETRIES = 1
"""How many times a data set in flight when a worker died is validated again
(in a new pool): the one that killed it kills its worker again and is then a
VALIDATOR_FAILURE finding."""

_WORKER: tuple[DatabaseSource, str] | None = None
"""The source and level of this worker process."""


def _start_worker(source: DatabaseSource, level: str) -> None:
    global _WORKER
    _WORKER = (source, level)
    source.validator()  # opened now, not on the first message


def _ready() -> bool:
    return _WORKER is not None


def _validate(
    data: bytes,
    implicit_vr: bool,
    little_endian: bool,
    class_uid: str | None,
    uids: tuple[str, str],
) -> Report:
    """A worker's task: decode a C-STORE's data set and report on it."""
    from pynetdicom.dsutils import decode

    from mdict.net.handlers import read_error, validate_received

    assert _WORKER is not None
    source, level = _WORKER
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            dataset = decode(BytesIO(data), implicit_vr, little_endian)
        except Exception as exc:
            return read_error(exc, "C_STORE_RQ")
        return validate_received(
            source.validator(), level, dataset, data, class_uid, "C_STORE_RQ", uids
        )


class ValidationPool:
    """Worker processes validating C-STOREs; each report goes to the
    callback given with its data set, on a thread of the pool."""

    def __init__(self, source: DatabaseSource, level: str, workers: int, window: int = 64) -> None:
        self.source, self.level, self.workers = source, level, workers
        self._slots = threading.BoundedSemaphore(window)
        self._pending: Counter[int] = Counter()  # association number -> reports to come
        self._changed = threading.Condition()
        self._lock = threading.Lock()
        self._executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(
            self.workers,
            mp_context=worker_context(),
            initializer=_start_worker,
            initargs=(self.source, self.level),
        )
        for _ in range(self.workers):
            executor.submit(_ready)  # the workers start (and open the database) now
        return executor

    def submit(
        self,
        association: int,
        data: bytes,
        transfer_syntax: Any,
        class_uid: str | None,
        uids: tuple[str, str],
        then: Callable[[Report], None],
    ) -> None:
        """Validate ``data`` (an encoded C-STORE data set) in a worker; call
        ``then`` with its report. Waits while ``window`` data sets are in
        flight."""
        self._slots.acquire()
        with self._changed:
            self._pending[association] += 1
        job = (data, transfer_syntax.is_implicit_VR, transfer_syntax.is_little_endian)
        self._dispatch(association, (*job, class_uid, uids), then, 0)

    def _dispatch(
        self, association: int, job: tuple[Any, ...], then: Callable[[Report], None], tries: int
    ) -> None:
        try:
            future = self._submit(*job)
        except Exception as exc:  # the pool cannot take work: answer for this message
            self._done(association, then, _failure(exc))
            return
        future.add_done_callback(lambda done: self._finished(association, job, then, tries, done))

    def _submit(self, *args: Any) -> Future[Report]:
        with self._lock:
            try:
                return self._executor.submit(_validate, *args)
            except RuntimeError:  # broken (a worker died) or shut down: once more
                self._executor.shutdown(wait=False, cancel_futures=False)
                self._executor = self._start()
                return self._executor.submit(_validate, *args)

    def _finished(
        self,
        association: int,
        job: tuple[Any, ...],
        then: Callable[[Report], None],
        tries: int,
        future: Future[Report],
    ) -> None:
        try:
            report = future.result()
        except BrokenProcessPool as exc:  # a worker died: this data set's doing or another's
            if tries < RETRIES:
                self._dispatch(association, job, then, tries + 1)  # again, in a new pool
                return
            report = _failure(exc)
        except Exception as exc:
            report = _failure(exc)
        self._done(association, then, report)

    def _done(self, association: int, then: Callable[[Report], None], report: Report) -> None:
        try:
            then(report)
        finally:
            self._slots.release()
            with self._changed:
                self._pending[association] -= 1
                if self._pending[association] <= 0:
                    del self._pending[association]
                self._changed.notify_all()

    def wait_for(self, association: int, timeout: float = 120.0) -> bool:
        """Wait until every report of ``association`` is in; False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: association not in self._pending, timeout)

    def drain(self, timeout: float = 120.0) -> bool:
        """Wait until every report is in; False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._pending, timeout)

    def close(self, timeout: float = 120.0) -> None:
        """Wait for every report, then stop the workers."""
        self.drain(timeout)
        with self._lock:
            self._executor.shutdown(wait=True, cancel_futures=True)


def _failure(exc: BaseException) -> Report:
    why = f"the validating worker process failed: {exc!r}"
    return Report((Finding(VALIDATOR_FAILURE, "error", why),), None, "C_STORE_RQ")
