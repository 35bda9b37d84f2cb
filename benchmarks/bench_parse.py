"""Parse full-size profiles into the model; print times and peak memory.

    python benchmarks/bench_parse.py [DIR] [--repeat N]

DIR holds diction.pfl, mergecom.srv and info.pfl (default: generated with
benchmarks/synth.py into a temporary folder). Targets (issue #3): info.pfl
of 2 MB / 55,000 lines / 1,700 sections in <= 0.5 s, a 5,000-line diction.pfl
in <= 0.1 s (medians of N runs, parsers already built), and a shorter parser
construction per fresh process.

Printed:
- parser construction in fresh processes (the four grammars), without the
  on-disk cache and loaded from it (medians of N processes);
- reading each file: best and median of N runs, peak memory (tracemalloc);
- how many distinct lines the fast path read and how many went to Lark;
- profiles/conditions.pfl (target 0.15 s): imported and read in fresh
  processes, read again in one process, the conditions parser built and
  loaded from the cache, and how many definitions the fast path read.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mdict.parse import _fast, read_dictionary, read_info, read_services  # noqa: E402
from mdict.parse._driver import numbered_lines  # noqa: E402
from mdict.parse.dictionary import dictionary_parser  # noqa: E402
from mdict.parse.info import info_parser  # noqa: E402
from mdict.parse.services import services_parser  # noqa: E402

CONDITIONS = ROOT / "profiles" / "conditions.pfl"

READ_CONDITIONS = """
import sys, time
start = time.perf_counter()
from mdict.parse.conditions import conditions_parser, read_conditions
read_conditions(sys.argv[1])
read = time.perf_counter()
pydicom = int("pydicom" in sys.modules)
conditions_parser()
print(read - start, pydicom, time.perf_counter() - read)
"""

BUILD = """
import time
start = time.perf_counter()
from mdict.parse.config import config_parser  # noqa: E402
from mdict.parse.dictionary import dictionary_parser  # noqa: E402
from mdict.parse.info import info_parser  # noqa: E402
from mdict.parse.services import services_parser  # noqa: E402
imported = time.perf_counter()
for build in (dictionary_parser, services_parser, info_parser, config_parser):
    build()
print(time.perf_counter() - imported, imported - start)
"""


def build_in_fresh_processes(cache: str, runs: int) -> list[tuple[float, float]]:
    """(build, import) seconds of the four parsers and of the readers (with lark),
    one pair per process."""
    env = {**os.environ, "MDICT_CACHE_DIR": cache}
    times = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", BUILD],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env=env,
        )
        build, imports = done.stdout.split()
        times.append((float(build), float(imports)))
    return times


def conditions_in_fresh_processes(cache: str, runs: int) -> list[tuple[float, ...]]:
    """(import and read seconds, 1 when pydicom got imported, conditions parser
    seconds), one triple per process."""
    env = {**os.environ, "MDICT_CACHE_DIR": cache}
    times = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", READ_CONDITIONS, str(CONDITIONS)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env=env,
        )
        times.append(tuple(float(t) for t in done.stdout.split()))
    return times


def measure(name: str, read: Callable[[Path], Any], path: Path, runs: int, target: float) -> None:
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
    lines = len(path.read_bytes().splitlines())
    median = statistics.median(times)
    verdict = "" if not target else f"  (target {target} s) {'ok' if median <= target else 'OVER'}"
    print(
        f"{name:13s} {size / 1e6:5.2f} MB {lines:6d} lines  best {min(times):.3f} s"
        f"  median {median:.3f} s  peak {peak / 1e6:.1f} MB{verdict}"
    )


def coverage(name: str, fast: Callable[[str], Any], path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    distinct = list(dict.fromkeys(line for _, line in numbered_lines(text)))
    grammar = sum(1 for line in distinct if fast(line) is None)
    print(
        f"{name:13s} {len(distinct)} distinct lines: {len(distinct) - grammar} by the fast"
        f" path, {grammar} by the grammar"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    folder = args.folder
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="mdict-bench-"))
        synth = Path(__file__).with_name("synth.py")
        subprocess.run([sys.executable, str(synth), str(folder)], check=True, capture_output=True)

    with tempfile.TemporaryDirectory() as cache:
        cold = build_in_fresh_processes("", args.repeat)
        build_in_fresh_processes(cache, 1)  # fills the cache
        warm = build_in_fresh_processes(cache, args.repeat)
    print(
        "parser construction per fresh process (4 grammars):"
        f" built {statistics.median(t for t, _ in cold):.3f} s,"
        f" loaded from the cache {statistics.median(t for t, _ in warm):.3f} s;"
        f" importing the readers and lark {statistics.median(i for _, i in warm):.3f} s"
        f" (medians of {args.repeat})"
    )

    dictionary_parser(), services_parser(), info_parser()  # built before timing
    measure("diction.pfl", read_dictionary, folder / "diction.pfl", args.repeat, 0.1)
    measure("mergecom.srv", read_services, folder / "mergecom.srv", args.repeat, 0)
    measure("info.pfl", read_info, folder / "info.pfl", args.repeat, 0.5)
    coverage("diction.pfl", _fast.dictionary_line, folder / "diction.pfl")
    coverage("info.pfl", _fast.info_line, folder / "info.pfl")

    from mdict.parse._conditions_fast import fast_definition
    from mdict.parse.conditions import read_conditions, split_definitions

    with tempfile.TemporaryDirectory() as cache:
        cold_read = conditions_in_fresh_processes("", args.repeat)
        conditions_in_fresh_processes(cache, 1)  # fills the cache
        warm_read = conditions_in_fresh_processes(cache, args.repeat)
    print(
        f"conditions.pfl in fresh processes: imported and read"
        f" {statistics.median(t[0] for t in warm_read):.3f} s (target 0.15 s),"
        f" pydicom {'imported' if any(t[1] for t in warm_read) else 'not imported'};"
        f" conditions parser built {statistics.median(t[2] for t in cold_read):.3f} s,"
        f" loaded from the cache {statistics.median(t[2] for t in warm_read):.3f} s"
        f" (medians of {args.repeat})"
    )
    measure("conditions.pfl", read_conditions, CONDITIONS, args.repeat, 0.15)
    _, chunks, _ = split_definitions(CONDITIONS.read_text(encoding="utf-8"))
    grammar = sum(1 for chunk in chunks if fast_definition(chunk.text) is None)
    print(
        f"{'conditions.pfl':13s} {len(chunks)} definitions: {len(chunks) - grammar} by the fast"
        f" path, {grammar} by the grammar"
    )


if __name__ == "__main__":
    main()
