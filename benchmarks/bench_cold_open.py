"""Cold open of the standard database against pydicom's cold dictionary.

    python benchmarks/bench_cold_open.py [--runs N]

Each case runs in a fresh Python process (``python -c ...``), the cases
interleaved round by round so that a busy moment of the shared machine hits
all of them alike; the median of ``--runs`` rounds is reported, with the
quartiles. Target (docs/benchmarks.md): ``import mdict;
mdict.open_database()`` in at most half the time of ``import pydicom`` and
a first ``pydicom.datadict.dictionary_VR`` look-up, both measured here in
the same run. The interpreter's own start-up (``pass``) is shown for scale.
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

CASES: dict[str, str] = {
    "python start-up (pass)": "pass",
    "pydicom: import + first dictionary_VR": (
        "import pydicom.datadict as d; d.dictionary_VR(0x00100010)"
    ),
    "mdict: import + open_database()": "import mdict; mdict.open_database()",
    "mdict: open_database() + first entry": (
        "import mdict; mdict.open_database().entry(0x00100010)"
    ),
    "mdict: open_database() + one message spec": (
        "import mdict; mdict.open_database().message('CT_IMAGE', 'C_STORE_RQ')"
    ),
}
BASELINE = "pydicom: import + first dictionary_VR"
MEASURED = "mdict: import + open_database()"


def run_once(code: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args(argv)
    for code in CASES.values():  # warm the file cache and the .pyc files
        run_once(code)
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(args.runs):
        for name, code in CASES.items():
            times[name].append(run_once(code))
    print(f"fresh processes, median of {args.runs} interleaved rounds (quartiles)")
    for name, found in times.items():
        q1, median, q3 = statistics.quantiles(found, n=4)
        print(f"  {name:<44} {median * 1000:7.1f} ms  ({q1 * 1000:.1f}-{q3 * 1000:.1f})")
    ratio = statistics.median(times[MEASURED]) / statistics.median(times[BASELINE])
    per_round = statistics.median(
        a / b for a, b in zip(times[MEASURED], times[BASELINE], strict=True)
    )
    print(f"mdict open / pydicom: {ratio:.2f} (median of per-round ratios {per_round:.2f});")
    print("target: at most 0.50")
    return 0 if ratio <= 0.5 else 1


if __name__ == "__main__":
    sys.exit(main())
