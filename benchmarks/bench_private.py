"""Private dictionaries: diff of two 17,000-line dictionaries, learn over 1,000 files.

    python benchmarks/bench_private.py [--files N] [--lines N]

Targets (issue #8): diff of two 17,000-line dictionaries in <= 0.5 s; learn
over 1,000 files at >= 200 files/s on 2 cores. The dictionaries come from
benchmarks/synth.py (the second one shuffled, with VRs, VMs and names
changed, entries removed and a private creator renamed); the corpus is
synthetic DICOM (half explicit, half implicit VR) with nested private blocks and a 256x256 16-bit image each (128 KB).
Prints the semantic diff alone, the parse of both files, and the whole
``mdict diff`` command; then learn with 1 and 2 worker processes.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from private_helpers import make_corpus  # noqa: E402

from mdict.model import VM, Dictionary  # noqa: E402
from mdict.parse import read_dictionary  # noqa: E402
from mdict.private.diff import diff_dictionaries  # noqa: E402
from mdict.private.learn import find_files, propose, scan_files  # noqa: E402
from mdict.write import write_dictionary  # noqa: E402


def best_of(runs: int, func: object) -> float:
    assert callable(func)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def edited(dictionary: Dictionary, seed: int = 1) -> Dictionary:
    """A shuffled copy with about 2% of the entries changed, removed or renamed."""
    rnd = random.Random(seed)
    out = []
    renamed = next(e.tag.creator for e in dictionary.entries if e.tag.creator)
    for entry in dictionary.entries:
        roll = rnd.random()
        if roll < 0.005:
            continue
        if roll < 0.01:
            entry = replace(entry, vr="UN" if entry.vr != "UN" else "LO")
        elif roll < 0.015:
            entry = replace(entry, vm=VM(1, None))
        elif roll < 0.02:
            entry = replace(entry, name=entry.name + " RETIRED")
        if entry.tag.creator == renamed:
            entry = replace(entry, tag=replace(entry.tag, creator=renamed + " V2"))
        out.append(entry)
    rnd.shuffle(out)
    return Dictionary(tuple(out))


def bench_diff(folder: Path, lines: int) -> None:
    synth = [sys.executable, str(ROOT / "benchmarks" / "synth.py"), str(folder)]
    subprocess.run(
        [*synth, "--dictionary-lines", str(lines)],
        check=True,
        capture_output=True,
    )
    old_path = folder / "diction.pfl"
    old = read_dictionary(old_path)
    new_path = folder / "diction_new.pfl"
    write_dictionary(edited(old), new_path)
    new = read_dictionary(new_path)
    print(f"diff: {len(old.entries)} vs {len(new.entries)} dictionary lines")
    changes = diff_dictionaries(old, new)
    seconds = best_of(5, lambda: diff_dictionaries(old, new))
    print(f"  semantic diff of the models: {seconds:.3f} s ({len(changes)} changes)")
    parse = best_of(3, lambda: (read_dictionary(old_path), read_dictionary(new_path)))
    print(f"  parsing both files:          {parse:.3f} s")
    command = [sys.executable, "-c", "from mdict.cli import main; main()"]
    command += ["diff", "--exit-zero", str(old_path), str(new_path)]
    whole = best_of(3, lambda: subprocess.run(command, check=True, capture_output=True))
    print(f"  `mdict diff` (process start, parse, diff, print): {whole:.3f} s")
    verdict = {True: "met", False: "MISSED"}
    print(
        f"  target: diff <= 0.5 s -> models {verdict[seconds <= 0.5]}, "
        f"whole command {verdict[whole <= 0.5]}"
    )


def bench_learn(folder: Path, count: int) -> None:
    start = time.perf_counter()
    make_corpus(folder, count, pixels=256)
    print(f"learn: corpus of {count} files written in {time.perf_counter() - start:.1f} s")
    paths = find_files(folder)
    for jobs in (1, 2):
        start = time.perf_counter()
        learned = propose(scan_files(paths, jobs=jobs))
        seconds = time.perf_counter() - start
        rate = len(paths) / seconds
        print(
            f"  {jobs} worker(s): {seconds:.2f} s, {rate:.0f} files/s "
            f"({len(learned.proposals)} proposals)"
        )
    print(f"  target: >= 200 files/s on 2 cores -> {'met' if rate >= 200 else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=17000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench_diff(Path(tmp) / "profiles", args.lines)
        bench_learn(Path(tmp) / "corpus", args.files)


if __name__ == "__main__":
    main()
