"""Validating an already-read CT with the standard database before and after
it held every message of the standard (issue 14: still at most 2 ms).

    python benchmarks/bench_standard_messages.py [REVISION]

REVISION (default 1a70e1e, before issue 14) names the git revision whose
profiles/ are compiled, with this mdict, into the "before" database. Prints,
for it and the shipped database, the size, the number of messages, the best
wall-clock time per validation of pydicom's CT_small.dcm (5 rounds of 200)
and the CPU time per validation, side by side in one run.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

from pydicom import dcmread
from pydicom.data import get_testdata_file

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mdict.db.database import DEFAULT_DATABASE, default_database, open_database  # noqa: E402
from mdict.validation.validator import Validator  # noqa: E402

ROUNDS, NUMBER = 5, 200


def compiled_at(revision: str, folder: Path) -> Path:
    """The profiles of ``revision`` compiled into ``folder``/before.msg."""
    from tools.build_default_db import build

    names = ("diction.pfl", "mergecom.srv", "info.pfl", "conditions.pfl", "modules.pfl")
    for name in names:
        text = subprocess.run(
            ["git", "show", f"{revision}:profiles/{name}"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
        (folder / name).write_bytes(text)
    out = folder / "before.msg"
    out.write_bytes(build(folder))
    return out


def main() -> None:
    revision = sys.argv[1] if len(sys.argv) > 1 else "1a70e1e"
    ds = dcmread(get_testdata_file("CT_small.dcm"))
    now = ROOT / "mdict" / "data" / DEFAULT_DATABASE
    with tempfile.TemporaryDirectory() as folder:
        before = compiled_at(revision, Path(folder))
        databases = (
            ("before", open_database(before), before.stat().st_size),
            ("now", default_database(), now.stat().st_size),
        )
    for label, db, size in databases:
        validator = Validator(db)
        validator.validate(ds)
        wall = min(timeit.repeat(lambda v=validator: v.validate(ds), number=NUMBER, repeat=ROUNDS))
        cpu = time.process_time()
        for _ in range(NUMBER):
            validator.validate(ds)
        cpu = time.process_time() - cpu
        print(
            f"{label:>6}: {size:>8} bytes, {len(db.messages()):>4} messages; CT validation "
            f"{wall / NUMBER * 1000:.2f} ms wall, {cpu / NUMBER * 1000:.2f} ms CPU (target <= 2 ms)"
        )


if __name__ == "__main__":
    main()
