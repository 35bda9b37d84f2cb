"""Command start-up and the atomic writes, each beside its baseline in one run.

    python benchmarks/bench_cli.py [--repeat N]

- ``mdict --help`` as a whole process, beside ``python -c pass`` (the
  interpreter alone) and ``python -c "import pydicom"`` (what ``--help``
  imported before the command table carried the summaries).
- ``mdict lookup 0010,0010`` (opens the standard database) beside the same
  baseline.
- Writing a 1 MB file with ``mdict.fileio.write_text_atomic`` (temporary file,
  fsync, rename, folder lock) beside ``Path.write_text`` (no fsync), and a pair
  with ``write_files_atomic``.

Each figure is the best of N runs (default 5), in seconds.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mdict.fileio import write_files_atomic, write_text_atomic  # noqa: E402


def best_of(runs: int, func: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def process(*args: str) -> Callable[[], object]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def run() -> object:
        return subprocess.run(
            [sys.executable, *args], capture_output=True, check=True, env=env, cwd=ROOT
        )

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    n = args.repeat
    rows = [
        ("python -c pass (baseline)", best_of(n, process("-c", "pass"))),
        ('python -c "import pydicom" (baseline)', best_of(n, process("-c", "import pydicom"))),
        ("mdict --help", best_of(n, process("-m", "mdict", "--help"))),
        ("mdict lookup 0010,0010", best_of(n, process("-m", "mdict", "lookup", "0010,0010"))),
    ]
    text = "x" * 79 + "\n"
    data = text * (1_000_000 // len(text))
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "out.pfl"
        other = Path(folder) / "out.srv"
        rows += [
            (
                "Path.write_text 1 MB (baseline, no fsync)",
                best_of(n, lambda: target.write_text(data)),
            ),
            ("write_text_atomic 1 MB", best_of(n, lambda: write_text_atomic(target, data))),
            (
                "write_files_atomic 2 x 1 MB",
                best_of(
                    n,
                    lambda: write_files_atomic([(target, data.encode()), (other, data.encode())]),
                ),
            ),
        ]
    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
