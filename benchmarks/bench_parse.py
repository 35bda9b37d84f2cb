"""Parse full-size profiles into the model; print time and peak memory.

    python benchmarks/bench_parse.py [DIR]

DIR holds diction.pfl, mergecom.srv and info.pfl (default: generated with
benchmarks/synth.py into a temporary folder). Targets (issue #3): info.pfl
of 2 MB / 55,000 lines / 1,700 sections in <= 0.5 s, a 5,000-line diction.pfl
in <= 0.1 s. The parsers are built before timing (once per process).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mdict.parse import read_dictionary, read_info, read_services
from mdict.parse.diction import dictionary_parser
from mdict.parse.info import info_parser
from mdict.parse.services import services_parser


def measure(name: str, read: Callable[[Path], Any], path: Path, runs: int = 5) -> None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        read(path)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    read(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = path.stat().st_size
    print(
        f"{name:13s} {size / 1e6:5.2f} MB  best {min(times):.3f} s  median"
        f" {sorted(times)[len(times) // 2]:.3f} s  peak {peak / 1e6:.1f} MB"
    )


def main() -> None:
    if len(sys.argv) > 1:
        folder = Path(sys.argv[1])
    else:
        folder = Path(tempfile.mkdtemp(prefix="mdict-bench-"))
        synth = Path(__file__).with_name("synth.py")
        subprocess.run([sys.executable, str(synth), str(folder)], check=True, capture_output=True)
    start = time.perf_counter()
    dictionary_parser(), services_parser(), info_parser()
    print(f"parsers built in {time.perf_counter() - start:.3f} s (once per process)")
    measure("diction.pfl", read_dictionary, folder / "diction.pfl")
    measure("mergecom.srv", read_services, folder / "mergecom.srv")
    measure("info.pfl", read_info, folder / "info.pfl")


if __name__ == "__main__":
    main()
