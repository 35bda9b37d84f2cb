"""Error floods: how long a reader takes to report a file full of bad lines.

Targets (issue 12, item 12): a dictionary of 1,000,000 distinct bad lines
reports its first 20 errors fast (it took 45 s); one bad line among 400,000
lines that reach Lark must not take 11.5 s (every line was then parsed
alone). Each case is measured (in CPU seconds) with the driver as it is (runs of up to 5,000
lines, resumed after a bad line, nothing parsed past the 21st bad line) and,
side by side in the same run, with the driver's former strategy (one Lark run
over every line, then every line alone once that run fails), which is
rebuilt here from the driver's own pieces.

    python benchmarks/bench_floods.py [--lines 1000000] [--among 400000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mdict.errors import ProfileError
from mdict.parse import _driver, parse_dictionary, parse_services
from mdict.parse.dictionary import dictionary_parser
from mdict.parse.services import services_parser


def former_grammar_lines(parser: Any, distinct: list[str]) -> dict[str, Any]:
    """The driver before the change: all lines in one run, else one by one."""
    try:
        results = parser.parse("\n".join(distinct) + "\n")
    except Exception:
        return {text: _driver._parse_one(parser, text) for text in distinct}
    return dict(zip(distinct, results, strict=True))


def timed(parse: Any, text: str, former: bool) -> tuple[float, int]:
    """CPU seconds to get the ProfileError (or the model), and errors
    reported (CPU time: the machine is shared, wall times are noisy)."""
    saved = _driver._grammar_lines
    if former:
        _driver._grammar_lines = former_grammar_lines
    start = time.process_time()
    try:
        parse(text, "flood.pfl")
        errors = 0
    except ProfileError as exc:
        errors = len(exc.diagnostics)
    finally:
        _driver._grammar_lines = saved
    return time.process_time() - start, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--among", type=int, default=400_000)
    args = parser.parse_args()
    dictionary_parser(), services_parser()  # built (or loaded from the cache) before timing

    # The grammar, not the fast path, must see these lines: a VR the fast
    # path does not know, so each one is a distinct bad line for Lark.
    flood = "".join(f"Bad Name {k},0010,{k % 65536:04X},XX,1\n" for k in range(args.lines))
    # Lines only the grammar reads (a service profile has no fast path), all
    # distinct, one of them bad.
    good = [f"        KEY_{k} = value {k}" for k in range(args.among)]
    good[args.among // 2] = "        = no key"
    among = "[0001]\n" + "\n".join(good) + "\n"

    print(f"{'case':58} {'now':>9} {'before':>9}")
    for name, parse, text in (
        (f"{args.lines:,} distinct bad dictionary lines", parse_dictionary, flood),
        (f"1 bad line among {args.among:,} grammar lines (mergecom.srv)", parse_services, among),
    ):
        now, errors = timed(parse, text, former=False)
        before, errors_before = timed(parse, text, former=True)
        assert errors == errors_before, (errors, errors_before)
        print(f"{name:58} {now:8.2f}s {before:8.2f}s")


if __name__ == "__main__":
    main()
