"""Benchmark of the combine tools at full size (issue 4 targets).

    python benchmarks/bench_combine.py [--repeat N]

- icomb of a small configuration against a 2 MB info.pfl and a 260-service
  mergecom.srv: target <= 1.5 s end to end (read, apply, write);
- dcomb of two 5,000-line dictionaries: target <= 0.3 s.

Inputs come from benchmarks/synth.py (seeds 0 and 1). Prints the best and
median of N runs in process and of N runs of each command as a subprocess
(which adds the interpreter's start-up and the imports; the built Lark
parsers come from the user cache folder after the first run, see
mdict/parse/_cache.py), and which heavy modules dcomb imports (none of lark,
msgpack, pydicom should be).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import write_profiles

from mdict.combine import apply_configs, merge_dictionaries
from mdict.fileio import write_text_atomic
from mdict.parse import (
    read_combine_config,
    read_dictionary,
    read_info,
    read_services,
)
from mdict.write import format_dictionary, format_info, format_services


def small_config(services_path: Path, info_path: Path) -> str:
    """A configuration touching two existing services and two existing items,
    adding one private service and two private items."""
    services = read_services(services_path)
    info = read_info(info_path)
    base = [s for s in services.services if s.type == "BASE"][:2]
    items = sorted(services.items, key=lambda i: i.name)[:2]
    out = ["[ EXISTING_SERVICE_SECTION ]", ""]
    for service in base:
        out += [f"[ {service.name}, {service.commands[0]} ]"]
        out += ["0009,BENCH VENDOR,10@LO@3@@;", "0009,BENCH VENDOR,11@SQ@3@@E<BENCH_OUTER>;", ""]
    out += ["[ PRIVATE_SERVICE_SECTION ]", ""]
    out += [
        "[ BENCH_PRIVATE_SERVICE, MESSAGE ]",
        "    UID = 1.2.3.4.5.6.7",
        "    DESCRIPTION = Benchmark private service",
        "    TYPE = BASE",
        "[ BENCH_PRIVATE_SERVICE, N_GET_RQ ]",
        "[ BENCH_PRIVATE_SERVICE, N_GET_RSP ]",
        "0009,BENCH VENDOR,10@LO@1@@;",
        "",
        "[ PRIVATE_ITEM_SECTION ]",
        "",
        "[ BENCH_OUTER, ITEM ]",
        "0009,BENCH VENDOR,12@SQ@3@@E<BENCH_INNER>;",
        "[ BENCH_INNER, ITEM ]",
        "0009,BENCH VENDOR,13@CS@3@@E<A, B>;",
        "",
        "[ EXISTING_ITEM_SECTION ]",
        "",
    ]
    for item in items:
        out += [f"[ {item.name}, ITEM ]", "0009,BENCH VENDOR,10@LO@3@@;", ""]
    assert info.sections
    return "\n".join(out) + "\n"


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def report(label: str, times: list[float], target: float) -> None:
    best, median = min(times), statistics.median(times)
    verdict = "ok" if median <= target else "OVER TARGET"
    print(f"{label:<44} best {best:6.3f} s  median {median:6.3f} s  (target {target} s) {verdict}")


def phases(first: dict[str, Path], second: dict[str, Path], config: Path, repeat: int) -> None:
    """Median time of each phase: where the time goes (reading is the parser's)."""
    services, info = read_services(first["services"]), read_info(first["info"])
    parsed = read_combine_config(config)
    base, additions = read_dictionary(first["dictionary"]), read_dictionary(second["dictionary"])
    result = apply_configs(services, info, [parsed])
    steps: list[tuple[str, Callable[[], object]]] = [
        ("read mergecom.srv + info.pfl", lambda: (read_services(first["services"]), read_info(first["info"]))),
        ("apply the configuration", lambda: apply_configs(services, info, [parsed])),
        ("format both profiles", lambda: (format_services(result.services), format_info(result.info, result.services))),
        ("read two dictionaries", lambda: (read_dictionary(first["dictionary"]), read_dictionary(second["dictionary"]))),
        ("merge the dictionaries", lambda: merge_dictionaries(base, additions)),
    ]  # fmt: skip
    for label, action in steps:
        print(f"  phase: {label:<36} median {statistics.median(timed(action, repeat)):6.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        first = write_profiles(folder / "a", seed=0)
        second = write_profiles(folder / "b", seed=1)
        config = folder / "bench.cfg"
        config.write_text(small_config(first["services"], first["info"]), encoding="utf-8")
        out = folder / "out"
        out.mkdir()
        size = first["info"].stat().st_size
        count = len(read_services(first["services"]).services)
        print(
            f"inputs: info.pfl {size / 1e6:.2f} MB, {count} services; two 5,000-line dictionaries"
        )

        def icomb() -> None:
            result = apply_configs(
                read_services(first["services"]),
                read_info(first["info"]),
                [read_combine_config(config)],
            )
            write_text_atomic(out / "mergecom.srv", format_services(result.services))
            write_text_atomic(out / "info.pfl", format_info(result.info, result.services))

        def dcomb() -> None:
            merged = merge_dictionaries(
                read_dictionary(first["dictionary"]), read_dictionary(second["dictionary"])
            )
            write_text_atomic(out / "diction.pfl", format_dictionary(merged.dictionary))

        report("icomb in process (read, apply, write)", timed(icomb, args.repeat), 1.5)
        report("dcomb in process (read, merge, write)", timed(dcomb, args.repeat), 0.3)
        phases(first, second, config, args.repeat)
        mdict = [sys.executable, "-c", "from mdict.cli import main; main()"]
        icomb_cmd = [
            *mdict,
            "icomb",
            "--services",
            str(first["services"]),
            "--info",
            str(first["info"]),
            "--config",
            str(config),
            "-o",
            str(out),
        ]
        dcomb_cmd = [
            *mdict,
            "dcomb",
            str(first["dictionary"]),
            str(second["dictionary"]),
            "-o",
            str(out / "diction.pfl"),
        ]
        for label, command, target in (
            ("mdict icomb as a subprocess", icomb_cmd, 1.5),
            ("mdict dcomb as a subprocess", dcomb_cmd, 0.3),
        ):
            times = timed(
                lambda c=command: subprocess.run(c, check=True, capture_output=True), args.repeat
            )
            report(label, times, target)
        probe = (
            "import sys\n"
            "from mdict.cli import main\n"
            f"main({dcomb_cmd[3:]!r}, standalone_mode=False)\n"
            "heavy = ('click', 'lark', 'msgpack', 'pydicom')\n"
            "print(' '.join(m for m in heavy if m in sys.modules))\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", probe], check=True, capture_output=True, text=True
        )
        imported = done.stdout.splitlines()[-1] if done.stdout.strip() else ""
        print(f"modules dcomb imports among click, lark, msgpack, pydicom: {imported or 'none'}")


if __name__ == "__main__":
    main()
