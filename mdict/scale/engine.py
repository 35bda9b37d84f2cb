"""Engines: where partitions of files run. ``local`` (this machine's cores)
and ``dask`` (a Dask cluster: an existing one by address, or a LocalCluster
sized to this machine).

Both take partitions from a stream with a bounded number in flight (the
listing is consumed as fast as the work goes, never read ahead whole) and
yield each partition's result once, as it finishes (or in partition order
when asked). A partition whose task keeps killing workers (a file that
crashes the process) is run file by file; a file that still kills its
worker gets the result ``lost`` makes for it.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from mdict.processes import worker_context
from mdict.scale.listing import Pending
from mdict.scale.source import DatabaseSource
from mdict.scale.tasks import list_directory

R = TypeVar("R")
ENGINES = ("local", "dask")
LONE_TRIES = 1
"""Extra runs of a lone file whose task died: the death may be another file's doing
(every task on a dying worker counts as suspect)."""


@dataclass(frozen=True)
class Work(Generic[R]):
    """A map over partitions: ``run(partition, *shared)`` on a worker;
    ``combine`` joins the results of a partition run file by file; ``lost``
    is the result for a file whose task kills every worker it runs on."""

    run: Callable[..., R]
    shared: tuple[Any, ...]
    combine: Callable[[list[R]], R]
    lost: Callable[[str], R]


def _window(workers: int) -> int:
    return 2 * workers + 2


class LocalEngine:
    """Worker processes on this machine (in this process for one job); forked
    when that is safe, else started clean and sent the database (see
    :mod:`mdict.processes`)."""

    name = "local"

    def __init__(self, jobs: int | None = None) -> None:
        self.workers = jobs or os.cpu_count() or 1

    def lister(self) -> Callable[[str], Pending] | None:
        return None  # os.walk here is as fast as it gets

    def close(self) -> None:
        pass

    def map(
        self, work: Work[R], partitions: Iterable[list[str]], ordered: bool = False
    ) -> Iterator[tuple[list[str], R]]:
        if self.workers <= 1:
            for part in partitions:
                yield part, work.run(part, *work.shared)
            return
        context = worker_context()
        shared = work.shared
        if context.get_start_method() == "fork":  # workers inherit the primed validator
            shared = tuple(s.reference() if isinstance(s, DatabaseSource) else s for s in shared)
        with ProcessPoolExecutor(self.workers, mp_context=context) as pool:
            window = _window(self.workers)
            pending: dict[Future[R], tuple[int, list[str]]] = {}
            order = _Order[R](ordered)
            stream = enumerate(partitions)
            while True:
                while len(pending) + order.held() < window:
                    nxt = next(stream, None)
                    if nxt is None:
                        break
                    pending[pool.submit(work.run, nxt[1], *shared)] = nxt
                if not pending:
                    break
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    index, part = pending.pop(future)
                    yield from order.put(index, part, future.result())


class _Order(Generic[R]):
    """Results in partition order (when ordered), else as they come."""

    def __init__(self, ordered: bool) -> None:
        self.ordered = ordered
        self.next = 0
        self.waiting: dict[int, tuple[list[str], R]] = {}

    def held(self) -> int:
        return len(self.waiting)

    def put(self, index: int, part: list[str], result: R) -> Iterator[tuple[list[str], R]]:
        if not self.ordered:
            yield part, result
            return
        self.waiting[index] = (part, result)
        while self.next in self.waiting:
            yield self.waiting.pop(self.next)
            self.next += 1


class DaskEngine:
    """A Dask cluster: ``scheduler`` names a running one (``tcp://host:8786``);
    without it a LocalCluster of ``workers`` processes (default: one per
    core), one thread each (pydicom and the validator hold the GIL)."""

    name = "dask"

    def __init__(
        self, scheduler: str | None = None, workers: int | None = None, window: int | None = None
    ) -> None:
        from distributed import Client, LocalCluster

        self.cluster: Any = None
        if scheduler is None:
            self.cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            self.client = Client(self.cluster)
        else:
            self.client = Client(scheduler)
        self.workers = max(1, len(self.client.scheduler_info(n_workers=-1)["workers"]))
        self.window = window or _window(self.workers)
        """Partitions in flight (and held for order) at most."""

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def lister(self) -> Callable[[str], Pending]:
        def submit(folder: str) -> Pending:
            future: Pending = self.client.submit(list_directory, folder, pure=False)
            return future

        return submit

    def map(
        self, work: Work[R], partitions: Iterable[list[str]], ordered: bool = False
    ) -> Iterator[tuple[list[str], R]]:
        from distributed import as_completed

        shared = [self.client.scatter(s, broadcast=True, hash=False) for s in work.shared]
        stream = enumerate(partitions)
        window = self.window
        pending: dict[Any, tuple[int, list[str], int | None, int]] = {}
        split: dict[int, tuple[list[str], list[R | None]]] = {}  # run file by file
        order = _Order[R](ordered)
        finished = as_completed()

        again: deque[tuple[int, list[str], int | None, int]] = deque()  # files alone

        def top_up() -> None:
            """Fill the window: files run alone first (they hold back the
            order), then new partitions while results held for order leave room."""
            while True:
                if again and len(pending) < window:
                    job = again.popleft()
                elif not again and len(pending) + order.held() < window:
                    nxt = next(stream, None)
                    if nxt is None:
                        return
                    job = (nxt[0], nxt[1], None, 0)
                else:
                    return
                future = self.client.submit(work.run, job[1], *shared, pure=False)
                pending[future] = job
                finished.add(future)

        top_up()
        for future in finished:
            index, part, file, tries = pending.pop(future)
            result = _result(future)
            future.release()
            if result is None and file is None:  # it killed its workers: file by file
                split[index] = (part, [None] * len(part))
                again.extend((index, [path], number, 0) for number, path in enumerate(part))
            elif result is None and tries < LONE_TRIES:  # maybe a neighbour's crash
                again.append((index, part, file, tries + 1))
            elif file is None:
                yield from order.put(index, part, result)
            else:
                whole, results = split[index]
                results[file] = result if result is not None else work.lost(part[0])
                done = [r for r in results if r is not None]
                if len(done) == len(whole):
                    del split[index]
                    yield from order.put(index, whole, work.combine(done))
            top_up()


def _result(future: Any) -> Any:
    """The task's result; None when it killed the workers it ran on."""
    from distributed import KilledWorker

    try:
        return future.result()
    except KilledWorker:
        return None
