"""The HTML report at scale: page size and time to open in headless Chromium.

    python benchmarks/bench_report.py [--files 100000] [--worst 1000]

Generates synthetic validation results (JSON Lines, the schema of ``mdict
validate --format json``'s file entries: realistic folders, SOP classes,
codes, modules and messages, a long tail of bad files), then, side by side in
one run:

1. a baseline: the report of 10 files;
2. one page (the findings of the ``--worst`` files embedded);
3. ``--split``: the main page and one page per file.

For each: seconds to render (``mdict report``), page size, and in headless
Chromium the time from navigation start to the table drawn (the page's
``data-ready-ms``, median of 3) and the wall time of a headless browser that opens the page, lays it out and
paints it (``--screenshot``, median of 3; includes starting Chromium, which
the baseline shows).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mdict.report import read_results, write_report  # noqa: E402
from tools import chromium  # noqa: E402

SOP_CLASSES = [
    ("STANDARD_CT", 40),
    ("STANDARD_MR", 25),
    ("STANDARD_CR", 8),
    ("STANDARD_US", 6),
    ("STANDARD_SEC_CAPTURE", 10),
    ("STANDARD_DX_PRESENT", 5),
    ("STANDARD_RT_DOSE", 2),
    (None, 1),
]
FINDINGS = [  # code, severity, module, tag, name, type, condition, message
    ("REQUIRED_ATTRIBUTE_MISSING", "error", "Patient", "(0010,0040)", "Patient's Sex", "2", None,
     "required attribute missing (type 2)"),
    ("REQUIRED_ATTRIBUTE_MISSING", "error", "General Equipment", "(0008,0070)", "Manufacturer", "2",
     None, "required attribute missing (type 2)"),
    ("REQUIRED_ATTRIBUTE_MISSING", "error", "Image Plane", "(0028,0030)", "Pixel Spacing", "1", None,
     "required attribute missing (type 1)"),
    ("INVALID_VALUE_FOR_VR", "error", "General Study", "(0008,0020)", "Study Date", "2", None,
     "DA value '2024.01.31' is not a date YYYYMMDD"),
    ("NOT_ONE_OF_ENUMERATED_VALUES", "error", "Patient", "(0010,0040)", "Patient's Sex", "2", None,
     "value 1 'X' is not one of the enumerated values: M, F, O"),
    ("TOO_FEW_VALUES", "warning", "Private attributes", "(0043,1015)", "Total Output Views", None,
     None, "1 value, the dictionary says VM 3"),
    ("NON_SERVICE_ATTRIBUTE", "warning", "(no module)", "(0018,0060)", "KVP", None, None,
     "attribute not in the message spec"),
    ("NOT_ONE_OF_DEFINED_TERMS", "warning", "VOI LUT", "(0028,1055)", "Window Center & Width "
     "Explanation", "3", None, "value 1 'SOFT' is not one of the defined terms: ..."),
    ("REQUIRED_ATTRIBUTE_MISSING", "error", "SOP Common", "(0008,0005)", "Specific Character Set",
     "1C", "HAS_EXTENDED_CHARS", "required attribute missing (type 1C, condition HAS_EXTENDED_CHARS holds)"),
]  # fmt: skip


def synthetic(path: Path, files: int, seed: int = 7) -> None:
    """JSON Lines results of ``files`` files."""
    rnd = random.Random(seed)
    classes = [c for c, _ in SOP_CLASSES]
    weights = [w for _, w in SOP_CLASSES]
    with path.open("w", encoding="utf-8") as out:
        for n in range(files):
            service = rnd.choices(classes, weights)[0]
            bad = rnd.random()
            count = 0 if bad < 0.45 else rnd.randint(1, 4) if bad < 0.9 else rnd.randint(5, 60)
            findings = []
            for _ in range(count):
                code, severity, module, tag, name, vt, cond, message = rnd.choice(FINDINGS)
                findings.append(
                    {"code": code, "severity": severity, "message": message, "tag": tag,
                     "path": tag, "creator": None, "value_index": None, "name": name,
                     "module": module, "type": vt, "condition": cond}
                )  # fmt: skip
            counts = {
                s: sum(f["severity"] == s for f in findings) for s in ("error", "warning", "info")
            }
            entry = {
                "file": f"archive/P{n // 400:05d}/ST{n // 100 % 4}/SE{n // 20 % 5}/IM{n:07d}.dcm",
                "service": service,
                "command": "C_STORE_RQ",
                "ok": counts["error"] == 0,
                "counts": counts,
                "findings": findings,
            }
            out.write(json.dumps(entry) + "\n")
        run = {"mdict_version": "bench", "database": {"name": "mrgcom3.msg", "kind": "messages"}}
        out.write(json.dumps({"run": run, "summary": {"files": files}}) + "\n")


def _open_times(page: Path, shot: Path) -> tuple[float, float]:
    """Medians over 3 runs: the page's ready time (ms, from ``--dump-dom``)
    and the wall time of a browser that opens, lays out and paints it
    (``--screenshot``, s)."""
    ready, wall = [], []
    for _ in range(3):
        match = re.search(r'data-ready-ms="(\d+)"', chromium.dump_dom(page))
        if match is None:
            raise SystemExit(f"{page}: the page's script did not finish")
        ready.append(float(match.group(1)))
        start = time.perf_counter()
        chromium.screenshot(page, shot, (1280, 900))
        wall.append(time.perf_counter() - start)
    return statistics.median(ready), statistics.median(wall)


def measure(name: str, results: Path, page: Path, worst: int, split: bool) -> None:
    start = time.perf_counter()
    written = write_report(read_results(str(results)), page, worst=worst, split=split)
    render = time.perf_counter() - start
    ready, wall = _open_times(page, page.with_suffix(".png"))
    pages = f", {sum(1 for _ in written.folder.iterdir()):,} file pages" if written.folder else ""
    print(
        f"{name:<34} render {render:6.2f} s  page {written.size / 1e6:6.2f} MB{pages}  "
        f"ready {ready / 1000:5.2f} s  browser {wall:5.2f} s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--worst", type=int, default=1000)
    parser.add_argument("--dir", default=".", help="where the work folder goes (default: here)")
    args = parser.parse_args()
    if chromium.find() is None:
        raise SystemExit("no chromium: apt-get install chromium")
    with tempfile.TemporaryDirectory(prefix=".mdict-bench-report-", dir=args.dir) as folder:
        work = Path(folder)
        small, large = work / "small.jsonl", work / "large.jsonl"
        synthetic(small, 10)
        start = time.perf_counter()
        synthetic(large, args.files)
        size = large.stat().st_size / 1e6
        print(f"results: {args.files:,} files, {size:.0f} MB of JSON Lines "
              f"(generated in {time.perf_counter() - start:.1f} s)")  # fmt: skip
        measure("baseline: 10 files", small, work / "small.html", args.worst, False)
        measure(
            f"{args.files:,} files, --worst {args.worst}",
            large,
            work / "one.html",
            args.worst,
            False,
        )
        measure(f"{args.files:,} files, --split", large, work / "split.html", args.worst, True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
