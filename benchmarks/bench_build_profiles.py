"""Time tools/build_profiles.py on the full dicom3tools source.

    python benchmarks/bench_build_profiles.py [SOURCE]

Targets: dicom3tools alone <= 60 s (issue 6); with both sources (highdicom's
tables and the PS3.4 transcription) <= 30 s (issue 14). Prints, best of 3,
wall-clock and CPU time (the machine is shared: CPU time is what the build
itself costs) of the dictionary alone, of the build from dicom3tools alone
(the baseline) and of the build with both sources, side by side, then the
whole build with the files written to a temporary folder, and the size of the
compiled database each gives.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tools.build_dictionary import DictionaryReport, build_dictionary  # noqa: E402
from tools.build_profiles import build, write_outputs  # noqa: E402

DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "dicom3tools"


def best_of(runs: int, func: object) -> tuple[float, float]:
    """(wall-clock, CPU) seconds, best of ``runs``."""
    assert callable(func)
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        func()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def database_size(out: Path) -> int:
    from tools.build_default_db import build as compile_profiles

    return len(compile_profiles(out))


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    dictionary = best_of(3, lambda: build_dictionary(source / "elmdict", DictionaryReport()))
    alone = best_of(3, lambda: build(source, ps34_file=None, use_highdicom=False))
    both = best_of(3, lambda: build(source))
    with tempfile.TemporaryDirectory() as base, tempfile.TemporaryDirectory() as out:
        write_outputs(build(source, ps34_file=None, use_highdicom=False), Path(base))
        start = time.perf_counter()
        write_outputs(build(source), Path(out))
        written = time.perf_counter() - start
        sizes = database_size(Path(base)), database_size(Path(out))
    print(f"dictionary only:                    {dictionary[0]:6.2f} s ({dictionary[1]:.2f} s CPU)")
    print(f"dicom3tools alone (baseline):       {alone[0]:6.2f} s ({alone[1]:.2f} s CPU)")
    print(f"both sources (in memory):           {both[0]:6.2f} s ({both[1]:.2f} s CPU)")
    print(f"both sources + write files:         {written:6.2f} s  (target <= 30 s)")
    print(
        f"database: {sizes[0]} bytes alone, {sizes[1]} bytes with both sources "
        f"({sizes[1] / sizes[0]:.2f}x, target <= 3x)"
    )


if __name__ == "__main__":
    main()
