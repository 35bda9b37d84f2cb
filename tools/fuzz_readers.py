"""Mutation fuzzing of every profile reader through the real CLI.

Each case is a valid sample profile of one kind, mutated (bytes flipped,
lines dropped, duplicated or swapped, delimiters and long runs inserted,
values emptied, the file truncated, deep nesting for conditions), then given
to ``mdict check`` and ``mdict fmt --check`` in process. A case passes when
the command ends with one of the documented exit statuses (0, 1, 2) in
bounded time; a Python traceback (any exception other than SystemExit) or a
case over the time limit is a failure, kept in the output folder to
reproduce.

    python tools/fuzz_readers.py [--cases N] [--seed S] [--out DIR]

The suite runs a small fixed-seed sample (tests/test_fuzz_readers.py);
docs/fuzzing.md has the counts of the last long run.
"""

from __future__ import annotations

import argparse
import random
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent

# One valid sample per kind: (kind, file name, sample path below the repo).
SAMPLES: tuple[tuple[str, str, str], ...] = (
    ("dictionary", "diction.pfl", "tests/data/valid/diction_variants.pfl"),
    ("services", "mergecom.srv", "tests/data/valid/mergecom_variants.srv"),
    ("info", "info.pfl", "tests/data/valid/info_variants.pfl"),
    ("config", "mc3icomb.cfg", "tests/data/valid/mc3icomb_variants.cfg"),
    ("conditions", "conditions.pfl", "tests/data/conditions/valid.pfl"),
    ("modules", "modules.pfl", "profiles/modules.pfl"),
    ("positions", "positions.pfl", "profiles/positions.pfl"),
)
# Documented exit statuses of check / fmt (docs/README.md).
EXIT_STATUSES = frozenset({0, 1, 2})
DELIMITERS = [",", "=", "<", ">", "(", ")", "[", "]", "@", "\\", '"', "#", " ", "\t", "\n"]
SEED_TOKENS = ["E<>", "D<(A,B),(C)>", "1C", "SQ", "0000", "FFFF", "xx", "not ", "(", "and", ""]


def _sample_text(path: str, limit: int = 120) -> str:
    """The first ``limit`` lines of a sample (modules.pfl is large)."""
    lines = (ROOT / path).read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(lines[:limit])


def _flip(rng: random.Random, data: bytearray) -> bytearray:
    for _ in range(rng.randint(1, 4)):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    return data


def _lines(rng: random.Random, data: bytearray) -> bytearray:
    lines = bytes(data).split(b"\n")
    if len(lines) < 2:
        return data
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    choice = rng.randrange(4)
    if choice == 0:
        del lines[i]
    elif choice == 1:
        lines.insert(i, lines[j])
    elif choice == 2:
        lines[i], lines[j] = lines[j], lines[i]
    else:
        lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
    return bytearray(b"\n".join(lines))


def _insert(rng: random.Random, data: bytearray) -> bytearray:
    token = rng.choice(DELIMITERS + SEED_TOKENS) * rng.choice([1, 1, 2, 50])
    at = rng.randrange(len(data) + 1)
    return data[:at] + token.encode() + data[at:]


def _empty_value(rng: random.Random, data: bytearray) -> bytearray:
    text = bytes(data)
    marks = [i for i, b in enumerate(text) if b in b"=,<"]
    if not marks:
        return data
    at = rng.choice(marks) + 1
    end = text.find(b"\n", at)
    return bytearray(text[:at] + (text[end:] if end >= 0 else b""))


def _truncate(rng: random.Random, data: bytearray) -> bytearray:
    return data[: rng.randrange(len(data) + 1)]


def _deep(rng: random.Random, data: bytearray) -> bytearray:
    depth = rng.choice([50, 300, 3000])
    body = rng.choice(["(" * depth + "present(PatientName)" + ")" * depth, "not " * depth + "x"])
    return data + f"\nDEEP_{depth} = {body}\n".encode()


MUTATIONS: tuple[Callable[[random.Random, bytearray], bytearray], ...] = (
    _flip,
    _lines,
    _insert,
    _empty_value,
    _truncate,
    _deep,
)


@dataclass(frozen=True)
class Case:
    """One mutated profile."""

    kind: str
    name: str
    data: bytes
    mutations: tuple[str, ...]


def cases(count: int, seed: int) -> Iterator[Case]:
    """``count`` mutated profiles, the kinds in turn, reproducible from ``seed``."""
    rng = random.Random(seed)
    texts = [(kind, name, _sample_text(path).encode()) for kind, name, path in SAMPLES]
    for n in range(count):
        kind, name, text = texts[n % len(texts)]
        data = bytearray(text)
        applied = []
        for _ in range(rng.randint(1, 3)):
            mutation = rng.choice(MUTATIONS)
            data = mutation(rng, data)
            applied.append(mutation.__name__.lstrip("_"))
        yield Case(kind, name, bytes(data), tuple(applied))


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _Timeout


@dataclass(frozen=True)
class Outcome:
    """What one command did with one case."""

    command: str
    exit_code: int | None
    error: str | None  # exception type and message when it was not SystemExit
    seconds: float


def run_case(case: Case, folder: Path, seconds: float = 10.0) -> list[Outcome]:
    """Run ``check`` and ``fmt --check`` on ``case`` written under ``folder``."""
    from click.testing import CliRunner

    from mdict.cli import main

    path = folder / case.name
    path.write_bytes(case.data)
    outcomes = []
    for args in (["check", str(path)], ["fmt", "--check", str(path)]):
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        start = time.perf_counter()
        try:
            result = CliRunner().invoke(main, args, catch_exceptions=True)
            error = None
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                error = f"{type(result.exception).__name__}: {result.exception}"
            code: int | None = result.exit_code
        except _Timeout:
            error, code = f"timeout after {seconds:g} s", None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        outcomes.append(Outcome(args[0], code, error, time.perf_counter() - start))
    if path.read_bytes() != case.data:
        outcomes.append(Outcome("input-unchanged", None, "the input file was modified", 0.0))
    if outcomes[0].exit_code == 0:  # a valid profile: formatting keeps every comment
        lost = comments_lost(case)
        if lost:
            outcomes.append(Outcome("comments-kept", None, f"fmt dropped {lost[0]!r}", 0.0))
    return outcomes


def comments_lost(case: Case) -> list[str]:
    """The comments of a valid profile that its canonical text no longer has
    (whole-line comments, and ``# why`` at the end of a line where the kind
    allows one)."""
    from mdict.formats import BY_KIND
    from mdict.model.core import split_note

    text = case.data.decode("utf-8", "replace")
    kind = BY_KIND[case.kind]
    try:
        written = kind.format(kind.parse(text, case.name))
    except Exception:  # check accepted it under another kind: not this law's case
        return []
    own = case.kind in ("conditions", "modules", "positions")
    wanted = []
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if stripped.startswith("#"):
            wanted.append(stripped)
        elif own and "#" in line:
            note = split_note(line)[1]
            if note:
                wanted.append(note)
    return [comment for comment in wanted if comment not in written]


def failed(outcome: Outcome) -> bool:
    """A traceback, a hang, an undocumented exit status or a modified input."""
    return outcome.error is not None or outcome.exit_code not in EXIT_STATUSES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=12_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("fuzz-out"))
    args = parser.parse_args(argv)
    work = args.out / "work"
    work.mkdir(parents=True, exist_ok=True)
    by_kind: Counter[str] = Counter()
    exits: Counter[tuple[str, int | None]] = Counter()
    failures = 0
    slowest = 0.0
    start = time.perf_counter()
    for n, case in enumerate(cases(args.cases, args.seed)):
        by_kind[case.kind] += 1
        for outcome in run_case(case, work):
            exits[(outcome.command, outcome.exit_code)] += 1
            slowest = max(slowest, outcome.seconds)
            if failed(outcome):
                failures += 1
                keep = args.out / f"failure-{n:06d}-{case.name}"
                keep.write_bytes(case.data)
                print(f"{keep}: {outcome.command}: {outcome.error}", file=sys.stderr)
    elapsed = time.perf_counter() - start
    print(
        f"cases: {args.cases} (seed {args.seed}) in {elapsed:.0f} s; slowest command {slowest:.2f} s"
    )
    print("by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(by_kind.items())))
    print(
        "exit statuses: "
        + ", ".join(f"{c} {e}: {v}" for (c, e), v in sorted(exits.items(), key=str))
    )
    print(f"failures (tracebacks, hangs, other exits, modified inputs): {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
