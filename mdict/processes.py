"""Worker processes: how to start them safely.

Forking is the fast way (a worker inherits the validator and the imported
modules), but forking a process that runs other threads can deadlock the
child: a lock held by another thread at the moment of the fork (logging,
an import, a network library's event loop) stays held forever in the
child. A command-line run has one thread and forks; a host with threads
(a test runner with a Dask client or an SCP running, an application that
embeds mdict) gets ``forkserver`` workers, which start from a clean
process and so must be given what they need (see each caller).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext


def can_fork() -> bool:
    """True when forking this process cannot inherit another thread's lock."""
    import multiprocessing  # here: a one-file run never pays for it

    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def worker_context() -> BaseContext:
    """``fork`` when that is safe (see :func:`can_fork`), else ``forkserver``
    (or ``spawn`` where there is no forkserver)."""
    import multiprocessing

    if can_fork():
        return multiprocessing.get_context("fork")
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
