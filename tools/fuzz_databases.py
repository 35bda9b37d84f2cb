"""Crafted-database fuzzing of the database reader.

Each case is a small valid message database (every section present:
dictionary, services, conditions, modules, borrowed conditions, line table,
messages, items) taken apart into its decoded values, changed in one or two
places (a value replaced by one of another type or size, a list shortened
or lengthened, a map key dropped or added, a section's recorded inflated
size or place made wrong, a zlib bomb put in a section), and put back
together with valid checksums, so that only the schema checks stand
between it and the lookups. The case then goes through
``Database.from_bytes`` and every lookup of the API. It passes when it
either works or raises one :class:`~mdict.errors.DatabaseError`; any other
exception (a traceback) or a case over the time limit is a failure, written
to the output folder to reproduce.

    python tools/fuzz_databases.py [--cases N] [--seed S] [--out DIR]

The suite runs a small fixed-seed sample (tests/test_db_hardening.py);
docs/database.md has the counts of the last long run.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import struct
import sys
import time
import traceback
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgpack

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mdict.db.database import Database  # noqa: E402
from mdict.db.encode import encode_database  # noqa: E402
from mdict.db.format import (  # noqa: E402
    MAGIC,
    PREFIX,
    ZLIB_SECTIONS,
    Borrowed,
    BorrowedConditions,
    ConditionTexts,
)
from mdict.errors import DatabaseError  # noqa: E402
from mdict.model import Tag  # noqa: E402
from mdict.parse import parse_dictionary, parse_info, parse_services  # noqa: E402
from mdict.parse.modules import parse_modules  # noqa: E402

DICTIONARY = """\
Image Type,0008,0008,CS,2-n
SOP Class UID,0008,0016,UI,1
SOP Instance UID,0008,0018,UI,1
Referenced Image Sequence,0008,1140,SQ,1
Referenced SOP Class UID,0008,1150,UI,1
Referenced SOP Instance UID,0008,1155,UI,1
Private Name,0009,ACME,10,PN,1
Patient's Name,0010,0010,PN,1
Patient's Sex,0010,0040,CS,1
Slice Thickness,0018,0050,DS,1
"""
SERVICES = """\
[SERVICE_TABLE]
    NUMBER_OF_SERVICES_SUPPORTED = 1
    STANDARD_CT = 0001

[0001]
    NAME = STANDARD_CT
    UID = 1.2.840.10008.5.1.4.1.1.2
    DESCRIPTION = CT Image Storage
    TYPE = BASE
    COMMAND_1 = C_STORE_RQ
    COMMAND_2 = C_STORE_RSP

[ITEM_TABLE]
    NUMBER_OF_ITEMS_SUPPORTED = 1
    REF_IMAGE = 0001
"""
INFO = """\
[ 0001, C_STORE_RQ ]
0008,0008@CS@1@@D<(ORIGINAL, DERIVED) (PRIMARY)>;
0008,0016@UI@1@@;
0008,1140@SQ@1C(A00081140_PRESENT)@@E<REF_IMAGE>;
0009,ACME,10@PN@3@four@;
0010,0010@PN@2@@;
0010,0040@CS@2@@E<M,F,O>;
0018,0050@DS@2C(IS_AXIAL)@@;
[ 0001, C_STORE_RSP ]
[ 0001, ITEM ]
0008,1150@UI@1@@;
0008,1155@UI@1C(NEEDED)@@;
"""
MODULES = """\
# modules
[ STANDARD_CT, C_STORE_RQ ]
Patient (M): 0010,0010 0010,0040
General Image (C, IS_AXIAL): 0008,0008
"""
STAGES = ("open", "lookups", "models", "verify")
TIME_LIMIT = 2.0


def seed_database() -> bytes:
    """The valid database every case starts from."""
    conditions = ConditionTexts(
        {"IS_AXIAL": 'value(/(0018,5100)) == "AXIAL"', "NEEDED": "present(/(0008,1150))"},
        ("header",),
        {"IS_AXIAL": ("a comment",)},
    )
    borrowed = BorrowedConditions(
        (Borrowed(1, "ITEM", 0x00081155, "NEEDED", "STD_NEEDED"),),
        {"STD_NEEDED": "present(/(0008,1150)) and IS_AXIAL"},
    )
    return encode_database(
        "messages",
        parse_dictionary(DICTIONARY),
        parse_services(SERVICES),
        parse_info(INFO),
        conditions,
        (),
        parse_modules(MODULES),
        borrowed,
    )


# ---------------------------------------------------------------------------
# Taking a database apart and putting it back
# ---------------------------------------------------------------------------


def _unpack(blob: bytes) -> Any:
    return msgpack.unpackb(blob, use_list=True, raw=False, strict_map_key=False)


@dataclass
class Parts:
    header: dict[str, Any]
    index: dict[str, Any]
    sections: dict[str, Any]
    blobs: dict[str, bytes]
    """Message and item blobs by ``M<n>``/``I<n>``."""


def take_apart(data: bytes) -> Parts:
    length = PREFIX.unpack_from(data, len(MAGIC))[0]
    start = len(MAGIC) + PREFIX.size
    header = _unpack(data[start : start + length])
    body = data[start + length :]
    index = _unpack(body[: header["index_length"]])
    rest = body[header["index_length"] :]
    sections = {}
    for key in ZLIB_SECTIONS:
        if key in index:
            offset, size = index[key][0], index[key][1]
            sections[key] = _unpack(zlib.decompress(rest[offset : offset + size]))
    blobs = {}
    for i, row in enumerate(index["messages"]):
        blobs[f"M{i}"] = rest[row[2] : row[2] + row[3]]
    for i, row in enumerate(index["items"]):
        blobs[f"I{i}"] = rest[row[1] : row[1] + row[2]]
    return Parts(header, index, sections, blobs)


Hook = Callable[[dict[str, Any]], None]


def put_together(
    parts: Parts,
    raw: dict[str, tuple[bytes, int]] | None = None,
    index_hook: Hook | None = None,
    header_hook: Hook | None = None,
) -> bytes:
    """The file, with valid checksums. ``raw`` gives a section's compressed
    bytes and recorded size instead of packing its value; the hooks change
    the index and the header once laid out."""
    raw = raw or {}
    body = bytearray()
    index = dict(parts.index)

    def add(blob: bytes) -> list[int]:
        where = [len(body), len(blob)]
        body.extend(blob)
        return where

    for key, value in parts.sections.items():
        packed = msgpack.packb(value, use_bin_type=True)
        blob, size = raw.get(key, (zlib.compress(packed, 1), len(packed)))
        index[key] = [*add(blob), size]
    index["messages"] = [
        [row[0], row[1], *add(parts.blobs[f"M{i}"])] for i, row in enumerate(index["messages"])
    ]
    index["items"] = [[row[0], *add(parts.blobs[f"I{i}"])] for i, row in enumerate(index["items"])]
    if index_hook is not None:
        index_hook(index)
    index_blob: bytes = msgpack.packb(index, use_bin_type=True)
    payload = index_blob + bytes(body)
    header = dict(parts.header)
    header.update(
        index_length=len(index_blob),
        body_length=len(payload),
        body_sha256=hashlib.sha256(payload).hexdigest(),
    )
    if header_hook is not None:
        header_hook(header)
    header_blob: bytes = msgpack.packb(header, use_bin_type=True)
    prefix = struct.pack(">II", len(header_blob), zlib.crc32(header_blob))
    return MAGIC + prefix + header_blob + payload


# ---------------------------------------------------------------------------
# Mutations
# ---------------------------------------------------------------------------


def strange_value(rng: random.Random) -> Any:
    """A value of any msgpack type, often the wrong one."""
    makers: list[Callable[[], Any]] = [
        lambda: None,
        lambda: rng.choice([True, False]),
        lambda: rng.choice([0, 1, 2, -1, 7, 255, 0xFFFF, 1 << 31, 1 << 40, -(1 << 40)]),
        lambda: rng.random() * 1e6,
        lambda: rng.choice(["", "X", "E", "D", "1C", "SQ", "C_STORE_RQ", "\u0000", "é" * 70]),
        lambda: bytes(rng.randrange(256) for _ in range(rng.randint(0, 6))),
        lambda: [],
        lambda: [strange_value(rng) for _ in range(rng.randint(1, 4))],
        lambda: {},
        lambda: {"k": strange_value(rng)},
        lambda: [[[[["deep"]]]]],
    ]
    return rng.choice(makers)()


def _containers(value: Any, out: list[Any]) -> list[Any]:
    """Every list and map inside ``value`` (itself included)."""
    if isinstance(value, list | dict):
        out.append(value)
        children = value.values() if isinstance(value, dict) else value
        for child in children:
            _containers(child, out)
    return out


def mutate_tree(rng: random.Random, tree: Any) -> None:
    """Change one place of a decoded value, in place."""
    places = [c for c in _containers(tree, []) if c]
    if not places:
        return
    place = rng.choice(places)
    action = rng.randrange(5)
    if isinstance(place, dict):
        key = rng.choice(list(place))
        if action == 0:
            del place[key]
        elif action == 1:
            place[rng.choice(["extra", 7, "format", "kind", "schema"])] = strange_value(rng)
        else:
            place[key] = strange_value(rng)
        return
    position = rng.randrange(len(place))
    if action == 0:
        del place[position]
    elif action == 1:
        place.insert(position, strange_value(rng) if rng.random() < 0.5 else place[position])
    elif action == 2 and isinstance(place[position], int) and not isinstance(place[position], bool):
        place[position] = place[position] + rng.choice([1, -1, 1000, -(1 << 20), 1 << 33])
    else:
        place[position] = strange_value(rng)


def _bomb(rng: random.Random, parts: Parts) -> dict[str, tuple[bytes, int]]:
    """A section that inflates far beyond what it records, or records far
    beyond what it holds."""
    key = rng.choice(list(parts.sections))
    size = rng.choice([1 << 20, 1 << 26, 1 << 30])
    blob = zlib.compress(b"\0" * min(size, 1 << 24), 9)
    recorded = rng.choice([size, 10, 1 << 40, len(blob) * 2000, -5])
    return {key: (blob, recorded)}


def craft(rng: random.Random, seed: bytes) -> bytes:
    """One crafted database: valid checksums, one to three changes."""
    parts = take_apart(seed)
    raw: dict[str, tuple[bytes, int]] = {}
    index_hook: Hook | None = None
    header_hook: Hook | None = None
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        target = rng.randrange(10)
        if target < 5:
            mutate_tree(rng, parts.sections[rng.choice(list(parts.sections))])
        elif target < 7:
            index_hook = lambda index: mutate_tree(rng, index)  # noqa: E731
        elif target == 7:
            header_hook = lambda header: mutate_tree(rng, header)  # noqa: E731
        elif target == 8:
            raw.update(_bomb(rng, parts))
        else:
            key = rng.choice(list(parts.blobs))
            parts.blobs[key] = rng.choice(
                [b"", b"\x01", b"\xff\xff", bytes(rng.randrange(256) for _ in range(7))]
            )
    return put_together(parts, raw, index_hook, header_hook)


# ---------------------------------------------------------------------------
# Running a case
# ---------------------------------------------------------------------------


def exercise(data: bytes, verify: bool) -> None:
    """Open the bytes and use every lookup of the API."""
    db = Database.from_bytes(data, "crafted.msg", verify)
    db.entry(0x00100010)
    db.entry(Tag(0x0009, 0x10, "ACME"))
    db.entry_by_name("Patient's Name")
    db.entry_by_name("ImageType")
    list(db.entries())
    for service in db.services():
        db.service(service.name)
    db.service("1.2.840.10008.5.1.4.1.1.2")
    db.service(1)
    for number, command in db.messages():
        db.message(number, command)
    db.message("STANDARD_CT", "C_STORE_RQ")
    for ref in db.item_refs():
        db.item(ref.name)
    for number in db.item_numbers():
        db.item(number)
    db.condition_source("IS_AXIAL")
    dict(db.conditions())
    db.conditions_model()
    db.modules("STANDARD_CT", "C_STORE_RQ")
    db.modules_model()
    db.borrowed("REF_IMAGE", "ITEM", 0x00081155)
    db.borrowed("STANDARD_CT", "C_STORE_RQ", 0x00180050)
    db.borrowed_conditions()
    db.dictionary_model()
    db.services_model()
    db.info_model()
    db.verify()


@dataclass(frozen=True)
class Outcome:
    kind: str  # "ok", "DatabaseError", "traceback", "slow"
    detail: str = ""


def run_case(data: bytes, verify: bool) -> Outcome:
    start = time.perf_counter()
    try:
        exercise(data, verify)
        kind, detail = "ok", ""
    except DatabaseError as error:
        kind, detail = "DatabaseError", str(error)
    except Exception:  # what the fuzzer is looking for
        kind, detail = "traceback", traceback.format_exc()
    if kind != "traceback" and time.perf_counter() - start > TIME_LIMIT:
        return Outcome("slow", f"{time.perf_counter() - start:.1f} s")
    return Outcome(kind, detail)


def fuzz(cases: int, seed: int, out: Path | None = None) -> Counter[str]:
    """Run ``cases`` crafted databases; failures are written to ``out``."""
    rng = random.Random(seed)
    start = seed_database()
    run_case(start, True)  # imports and caches outside the timing
    Database.from_bytes(start).entry_by_name("PatientName")  # pydicom's keywords too
    counts: Counter[str] = Counter()
    for number in range(cases):
        data = craft(rng, start)
        outcome = run_case(data, verify=number % 2 == 0)
        counts[outcome.kind] += 1
        if outcome.kind in ("traceback", "slow") and out is not None:
            out.mkdir(parents=True, exist_ok=True)
            (out / f"case{number:06d}.msg").write_bytes(data)
            (out / f"case{number:06d}.txt").write_text(outcome.detail, encoding="utf-8")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("fuzz-databases"))
    args = parser.parse_args(argv)
    began = time.perf_counter()
    counts = fuzz(args.cases, args.seed, args.out)
    took = time.perf_counter() - began
    print(
        f"{args.cases} crafted databases (seed {args.seed}) in {took:.0f} s:"
        f" {counts['ok']} opened and answered every lookup,"
        f" {counts['DatabaseError']} one DatabaseError,"
        f" {counts['traceback']} tracebacks, {counts['slow']} over {TIME_LIMIT} s"
    )
    if counts["traceback"] or counts["slow"]:
        print(f"failures written to {args.out}/", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
