"""Whole-process times of one-shot commands, side by side in one run.

    python benchmarks/bench_startup.py [--repeat 9] [--file F]

Each command runs ``--repeat`` times as a fresh process (interleaved, so a
busy machine slows all of them alike); the median wall time is printed with
its ratio to the baseline, ``python -c "import pydicom; pydicom.dcmread(F)"``
on the same file (default: pydicom's CT_small.dcm):

- ``mdict validate F`` (target: at most 1.3x the baseline);
- ``mdict --help`` and ``mdict lookup 0010,0010`` (target: at most 0.1 s).

The commands run with the repository first on PYTHONPATH, as installed: the
package is byte-compiled first (``compileall``, as ``pip install`` does), so
a ``PYTHONDONTWRITEBYTECODE`` environment does not make every mdict process
compile its sources while pydicom's come precompiled.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _ct_small() -> str:
    import pydicom.data

    return str(Path(pydicom.data.__file__).parent / "test_files" / "CT_small.dcm")


def commands(file: str) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "pydicom read (baseline)": [python, "-c", f"import pydicom; pydicom.dcmread({file!r})"],
        "mdict validate FILE": [python, "-m", "mdict", "validate", file],
        "mdict --help": [python, "-m", "mdict", "--help"],
        "mdict lookup 0010,0010": [python, "-m", "mdict", "lookup", "0010,0010"],
        "python -c pass": [python, "-c", "pass"],
    }


def measure(repeat: int, file: str) -> dict[str, list[float]]:
    import compileall

    compileall.compile_dir(str(ROOT / "mdict"), quiet=1)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = commands(file)
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat + 1):  # the first round warms the caches, not counted
        for name, argv in runs.items():
            start = time.perf_counter()
            subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - start)
    return {name: values[1:] for name, values in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--file", default=None)
    args = parser.parse_args(argv)
    file = args.file or _ct_small()
    times = measure(args.repeat, file)
    base = statistics.median(times["pydicom read (baseline)"])
    print(f"file: {file}; median of {args.repeat} fresh processes each")
    print(f"{'command':28} {'median s':>9} {'min s':>7} {'x baseline':>10}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:28} {median:9.3f} {min(values):7.3f} {median / base:10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
