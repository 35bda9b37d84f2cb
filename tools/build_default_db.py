"""Build mdict's standard database, mdict/data/mrgcom3.msg, from profiles/.

    python tools/build_default_db.py            # write it
    python tools/build_default_db.py --check    # exit 1 when it is stale

The same profiles give the same bytes, so a rebuilt database that differs
from the committed one means the profiles (or the compiler) changed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mdict.db.aliases import ALIASES_FILE  # noqa: E402
from mdict.db.build import compile_message_files  # noqa: E402
from mdict.db.format import DEFAULT_DATABASE  # noqa: E402
from mdict.errors import MdictError  # noqa: E402
from mdict.fileio import write_bytes_atomic  # noqa: E402

SIDE_FILES = (ALIASES_FILE, "query-keys.tsv")
"""Files of profiles/ the package reads beside the database: old names
(mdict.db.aliases) and the keys of each query level (mdict.validation.identifiers)."""


def build(profiles: Path) -> bytes:
    conditions = profiles / "conditions.pfl"
    modules = profiles / "modules.pfl"
    positions = profiles / "positions.pfl"
    compiled = compile_message_files(
        profiles / "info.pfl",
        profiles / "mergecom.srv",
        profiles / "diction.pfl",
        conditions if conditions.is_file() else None,
        modules if modules.is_file() else None,
        positions=positions if positions.is_file() else None,
    )
    return compiled.data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=Path, default=ROOT / "profiles")
    parser.add_argument("--out", type=Path, default=ROOT / "mdict" / "data" / DEFAULT_DATABASE)
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is stale")
    args = parser.parse_args(argv)
    try:
        data = build(args.profiles)
    except MdictError as exc:
        print(f"build_default_db: {exc}", file=sys.stderr)
        return 2
    if args.check:
        current = args.out.read_bytes() if args.out.is_file() else b""
        for name in SIDE_FILES:
            source, copy = args.profiles / name, args.out.parent / name
            if source.is_file() and (
                not copy.is_file() or copy.read_bytes() != source.read_bytes()
            ):
                print(f"{copy}: stale; run python tools/build_default_db.py", file=sys.stderr)
                return 1
        if current != data:
            print(f"{args.out}: stale; run python tools/build_default_db.py", file=sys.stderr)
            return 1
        print(f"{args.out}: up to date ({len(data)} bytes)")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(args.out, data)
    for name in SIDE_FILES:
        if (args.profiles / name).is_file():
            write_bytes_atomic(args.out.parent / name, (args.profiles / name).read_bytes())
    print(f"{args.out}: {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
