"""Network validation speed and memory: prints the numbers of docs/benchmarks.md.

    python benchmarks/bench_network.py [--stores 2000] [--memory 10000]

``mdict scp`` runs as a subprocess on 127.0.0.1 (as a user runs it); one
pynetdicom SCU in this process sends C-STOREs of pydicom's CT_small.dcm
(39 KB, a real GE CT image) on one association, one after the other, each
waiting for its response:

1. C-STOREs per second, side by side in one run: validation with a JSON
   report (the default level, warnings) against ``--no-validate`` (the same
   SCP, only logging the messages), and pynetdicom alone (an SCP that
   answers success and does nothing else: the floor of the transport); on
   one association, then on ``--parallel`` associations at once;
2. the resident memory (VmRSS) of the SCP and its worker processes after
   1,000 stores and after
   ``--memory`` stores with validation and a report: flat means the
   growth is a small fraction of the whole.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydicom import examples
from pynetdicom import AE, evt

ROOT = Path(__file__).resolve().parent.parent
CT_STORAGE = "1.2.840.10008.5.1.4.1.1.2"


def no_delay(event: Any) -> None:
    event.assoc.dul.socket.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class Scp:
    """``mdict scp`` in a subprocess; its log goes to a file (as a QA run's would)."""

    def __init__(self, folder: Path, *args: str, command: list[str] | None = None) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.log = open(folder / f"log{len(list(folder.iterdir()))}.txt", "w")  # noqa: SIM115
        command = command or [sys.executable, "-m", "mdict", "scp", "--port", "0", *args]
        self.process = subprocess.Popen(
            command, stdout=self.log, stderr=subprocess.PIPE, text=True, env=env
        )
        assert self.process.stderr is not None
        first = self.process.stderr.readline()
        match = re.search(r":(\d+)$", first.strip())
        if match is None:
            raise SystemExit(f"mdict scp did not start: {first}")
        self.port = int(match.group(1))

    def rss_kib(self) -> int:
        """Resident memory of the SCP and its processes (its validating
        workers and their forkserver), in KiB."""
        total, pids = 0, [self.process.pid]
        while pids:
            pid = pids.pop()
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:  # ended meanwhile
                continue
            match = re.search(r"VmRSS:\s+(\d+) kB", status)
            total += int(match.group(1)) if match else 0
            pids += [int(child) for child in children]
        return total

    def stop(self) -> None:
        self.process.terminate()
        self.process.communicate(timeout=120)
        self.log.close()


def sending_only(assoc: Any) -> None:
    """Keep the SCU's reactor thread off the DIMSE queue: this SCU receives
    no requests, and under load the reactor can take a C-STORE response
    before send_c_store does (a race in pynetdicom's requestor: the SCU then
    waits out its DIMSE timeout)."""
    blocking = assoc.dimse.get_msg

    def get_msg(block: bool = False) -> Any:
        return blocking(block=True) if block else (None, None)

    assoc.dimse.get_msg = get_msg


def store(port: int, count: int, every: Callable[[int], None] | None = None) -> float:
    """Send ``count`` C-STOREs of CT_small on one association; seconds taken."""
    ae = AE(ae_title="BENCH")
    ae.add_requested_context(CT_STORAGE)
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 60
    ds = examples.ct
    assoc = ae.associate("127.0.0.1", port, max_pdu=0, evt_handlers=[(evt.EVT_CONN_OPEN, no_delay)])
    if not assoc.is_established:
        raise SystemExit("association rejected")
    sending_only(assoc)
    start = time.perf_counter()
    for number in range(1, count + 1):
        status = assoc.send_c_store(ds, msg_id=number % 65536)
        if status.get("Status") != 0:
            state = (
                "aborted" if assoc.is_aborted else "established" if assoc.is_established else "?"
            )
            raise SystemExit(f"store {number}: status {status.get('Status')} (association {state})")
        if every is not None:
            every(number)
    elapsed = time.perf_counter() - start
    assoc.release()
    return elapsed


def store_parallel(port: int, count: int, associations: int) -> float:
    """``count`` C-STOREs over ``associations`` associations at once (one
    thread each, as a forwarding node sends); seconds taken."""
    share = count // associations
    threads = [threading.Thread(target=store, args=(port, share)) for _ in range(associations)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    return time.perf_counter() - start


def bare_server() -> None:
    """pynetdicom alone, in its own process like mdict scp: answers success,
    nothing else; prints its port on stderr, stops on SIGTERM."""
    ae = AE(ae_title="BARE")
    ae.maximum_pdu_size = 0
    ae.add_supported_context(CT_STORAGE)
    handlers = [(evt.EVT_C_STORE, lambda event: 0x0000), (evt.EVT_CONN_OPEN, no_delay)]
    server = ae.start_server(("127.0.0.1", 0), block=False, evt_handlers=handlers)
    print(f"listening on 127.0.0.1:{server.server_address[1]}", file=sys.stderr, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    stop.wait()
    server.shutdown()


def _row(label: str, stores: int, seconds: float) -> None:
    print(
        f"  {label:52} {stores / seconds:6.0f} stores/s  ({1000 * seconds / stores:5.2f} ms each)"
    )


def throughput(folder: Path, stores: int, parallel: int) -> None:
    print(
        f"C-STOREs of CT_small.dcm ({len(examples.get_path('ct').read_bytes())} bytes), "
        f"{stores} on one association, loopback:"
    )
    rows = [
        (
            "mdict scp, validation + JSON report",
            ["--report", str(folder / "r.json"), "--format", "json"],
        ),
        ("mdict scp --no-validate (logging only)", ["--no-validate"]),
    ]
    servers: list[tuple[str, int, Callable[[], None]]] = []
    for label, args in rows:
        scp = Scp(folder, *args)
        servers.append((label, scp.port, scp.stop))
    bare = Scp(folder, command=[sys.executable, __file__, "--bare-server"])
    servers.append(("pynetdicom alone (answers, nothing else)", bare.port, bare.stop))
    for _, port, _ in servers:
        store(port, 20)  # warm up: imports, plans, caches
    for label, port, _ in servers:
        _row(label + ", 1 association", stores, store(port, stores))
    for label, port, _ in servers:
        _row(f"{label}, {parallel} associations", stores, store_parallel(port, stores, parallel))
    for _, _, stop in servers:
        stop()


def memory(folder: Path, total: int) -> None:
    scp = Scp(folder, "--report", str(folder / "m.json"), "--format", "json")
    samples: dict[int, int] = {}
    marks = {1000, total // 2, total}

    def sample(number: int) -> None:
        if number in marks:
            samples[number] = scp.rss_kib()

    seconds = store(scp.port, total, sample)
    scp.stop()
    first = samples[1000]
    print(f"memory of mdict scp (validation + JSON report), {total} stores in {seconds:.0f} s:")
    for number in sorted(samples):
        print(f"  after {number:6} stores: RSS {samples[number] / 1024:6.1f} MiB")
    growth = samples[total] - first
    per = 1024 * growth / (total - 1000)
    print(f"  growth from 1,000 to {total}: {growth / 1024:.1f} MiB ({per:.0f} bytes per store)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=2000)
    parser.add_argument("--memory", type=int, default=10_000)
    parser.add_argument("--parallel", type=int, default=4, help="associations at once")
    parser.add_argument("--bare-server", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.bare_server:
        bare_server()
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        throughput(folder, options.stores, options.parallel)
        if options.memory:
            memory(folder, max(options.memory, 2000))


if __name__ == "__main__":
    main()
