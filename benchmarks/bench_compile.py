"""Compiler and loader numbers (issue #5 targets).

    python benchmarks/bench_compile.py [PROFILES_DIR]

Without an argument, full-size synthetic profiles are generated with
benchmarks/synth.py (2 MB info.pfl, 260-service mergecom.srv, 5,000-line
dictionary). Prints: compile time end to end and its split, database size
against the text profiles, open time, first (cold) message fetch, and
1,000,000 tag lookups against pydicom.datadict.dictionary_VR. Timings are
the best of a few runs: the machine is shared.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mdict.db.build import compile_messages  # noqa: E402
from mdict.db.database import Database, default_database, open_database  # noqa: E402
from mdict.db.format import source_of  # noqa: E402
from mdict.fileio import write_bytes_atomic  # noqa: E402
from mdict.model import Tag  # noqa: E402
from mdict.parse import read_dictionary, read_info, read_services  # noqa: E402

LOOKUPS = 1_000_000


def best(run: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def compile_split(folder: Path, output: Path) -> dict[str, float]:
    """One end-to-end compile, timed stage by stage."""
    marks = [time.perf_counter()]
    dictionary = read_dictionary(folder / "diction.pfl")
    marks.append(time.perf_counter())
    services = read_services(folder / "mergecom.srv")
    marks.append(time.perf_counter())
    info = read_info(folder / "info.pfl")
    marks.append(time.perf_counter())
    sources = [
        source_of(folder / "diction.pfl", "dictionary"),
        source_of(folder / "mergecom.srv", "services"),
        source_of(folder / "info.pfl", "info"),
    ]
    compiled = compile_messages(dictionary, services, info, None, sources)
    marks.append(time.perf_counter())
    write_bytes_atomic(output, compiled.data)
    marks.append(time.perf_counter())
    names = ["parse diction.pfl", "parse mergecom.srv", "parse info.pfl", "check+encode", "write"]
    split = {name: marks[i + 1] - marks[i] for i, name in enumerate(names)}
    split["total"] = marks[-1] - marks[0]
    return split


def cold_fetches(path: Path) -> list[float]:
    """Open afresh, fetch one message: the fetch time, for each message."""
    db = open_database(path)
    keys = db.messages()
    times = []
    for key in keys:
        db = open_database(path)
        start = time.perf_counter()
        db.message(*key)
        times.append(time.perf_counter() - start)
    return times


def largest_cold(path: Path, repeat: int = 20) -> tuple[str, int, float, float]:
    """The message with the most lines: its name, line count, and the median
    and best of ``repeat`` first fetches, each right after a fresh open."""
    db = open_database(path)
    number, command = max(db.messages(), key=lambda k: len(db.message(*k).lines))  # type: ignore[union-attr]
    service = db.service(number)
    lines = len(db.message(number, command).lines)  # type: ignore[union-attr]
    times = []
    for _ in range(repeat):
        db = open_database(path)
        start = time.perf_counter()
        db.message(number, command)
        times.append(time.perf_counter() - start)
    name = f"{service.name if service else number} {command}"
    return name, lines, statistics.median(times), min(times)


def cli_compile(folder: Path, output: Path, repeat: int = 3) -> list[float]:
    """`mdict info` as a fresh process, end to end (interpreter start-up and
    imports included)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            [
                *(sys.executable, "-c", "from mdict.cli import main; main()"),
                *("info", str(folder / "info.pfl"), "-o", str(output)),
            ],
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - start)
    return times


def lookups(db: Database) -> None:
    from pydicom.datadict import DicomDictionary, dictionary_VR

    tags = [e.tag for e in db.entries() if e.tag.creator is None]
    tags = [t for t in tags if (t.group << 16 | t.element) in DicomDictionary]
    sequence = (tags * (LOOKUPS // len(tags) + 1))[:LOOKUPS]
    ints = [t.group << 16 | t.element for t in sequence]
    entry = db.entry

    def ours_tag() -> None:
        for tag in sequence:
            entry(tag)

    def ours_int() -> None:
        for number in ints:
            entry(number)

    def theirs() -> None:
        for number in ints:
            dictionary_VR(number)

    pydicom_time = best(theirs)
    tag_time = best(ours_tag)
    int_time = best(ours_int)
    print(f"{LOOKUPS:,} tag lookups over {len(tags)} standard tags known to both:")
    print(f"  pydicom dictionary_VR(int)      {pydicom_time:.3f} s")
    print(f"  Database.entry(Tag)             {tag_time:.3f} s  ({pydicom_time / tag_time:.1f}x)")
    print(f"  Database.entry(int)             {int_time:.3f} s  ({pydicom_time / int_time:.1f}x)")


def report(folder: Path, work: Path, label: str) -> None:
    output = work / f"{label}.msg"
    splits = [compile_split(folder, output) for _ in range(3)]
    fastest = min(splits, key=lambda s: s["total"])
    print(f"== {label}: {folder}")
    print(f"compile end to end: {fastest['total']:.3f} s (target 1.0 s)")
    for name, seconds in fastest.items():
        if name != "total":
            print(f"  {name:<20} {seconds:.3f} s")
    text = sum((folder / n).stat().st_size for n in ("diction.pfl", "mergecom.srv", "info.pfl"))
    size = output.stat().st_size
    print(f"size: {size:,} bytes, {size / text:.0%} of the text profiles ({text:,}; target 50%)")
    opened = best(lambda: open_database(output), repeat=10)
    print(f"open: {opened * 1e3:.2f} ms (target 20 ms)")
    fetches = sorted(cold_fetches(output))
    p95 = fetches[int(len(fetches) * 0.95)]
    print(
        f"first fetch of a message, cold: median {statistics.median(fetches) * 1e3:.3f} ms,"
        f" p95 {p95 * 1e3:.3f} ms, max {max(fetches) * 1e3:.3f} ms over {len(fetches)}"
        " messages (target 0.2 ms; the max includes garbage-collector passes)"
    )
    name, lines, median, fastest_fetch = largest_cold(output)
    print(
        f"  largest message {name} ({lines} lines): median {median * 1e3:.3f} ms,"
        f" best {fastest_fetch * 1e3:.3f} ms over 20 fresh opens"
    )
    process = cli_compile(folder, work / f"{label}-cli.msg")
    print(
        f"`mdict info` in a fresh process: best {min(process):.3f} s,"
        f" median {statistics.median(process):.3f} s (target 1.0 s)"
    )
    db = open_database(output)
    start = time.perf_counter()
    db.entry(Tag(0x0010, 0x0010))
    print(
        f"first dictionary lookup (decodes the dictionary): {(time.perf_counter() - start) * 1e3:.1f} ms"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        if len(sys.argv) > 1:
            report(Path(sys.argv[1]), work, "given")
        else:
            synth = work / "synth"
            subprocess.run(
                [sys.executable, str(ROOT / "benchmarks" / "synth.py"), str(synth)],
                check=True,
                capture_output=True,
            )
            report(synth, work, "synthetic")
            report(ROOT / "profiles", work, "standard")
        lookups(default_database())


if __name__ == "__main__":
    main()
