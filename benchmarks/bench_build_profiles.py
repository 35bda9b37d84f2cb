"""Time tools/build_profiles.py on the full dicom3tools source (target: <= 60 s).

    python benchmarks/bench_build_profiles.py [SOURCE]

Prints the time of each stage of one in-memory build (best of 3) and of the
whole build including writing the files to a temporary folder.
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


def best_of(runs: int, func: object) -> float:
    assert callable(func)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    dictionary = best_of(3, lambda: build_dictionary(source / "elmdict", DictionaryReport()))
    whole = best_of(3, lambda: build(source))
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        write_outputs(build(source), Path(out))
        written = time.perf_counter() - start
    print(f"dictionary only:          {dictionary:6.2f} s")
    print(f"full build (in memory):   {whole:6.2f} s")
    print(f"full build + write files: {written:6.2f} s  (target <= 60 s)")


if __name__ == "__main__":
    main()
