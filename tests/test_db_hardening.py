"""The database reader against crafted files: valid checksums, wrong
contents. Every case is one DatabaseError (or works), in bounded time; each
section is inflated and decoded once; the reader imports no writer."""

from __future__ import annotations

import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from mdict.db import decode
from mdict.db.database import Database, open_database
from mdict.db.format import MAX_SECTION
from mdict.errors import DatabaseError
from mdict.model import Tag
from tools.fuzz_databases import fuzz, put_together, seed_database, take_apart

ROOT = Path(__file__).resolve().parent.parent


def crafted(raw: dict[str, tuple[bytes, int]] | None = None, **sections: object) -> bytes:
    parts = take_apart(seed_database())
    parts.sections.update(sections)
    return put_together(parts, raw)


def test_the_seed_database_works() -> None:
    db = Database.from_bytes(seed_database())
    db.verify()
    assert db.message("STANDARD_CT", "C_STORE_RQ") is not None
    assert db.borrowed("REF_IMAGE", "ITEM", 0x00081155) is not None
    assert db.borrowed(1, "item", 0x00081155) is not None


def test_a_conditions_section_that_is_an_integer_fails_the_open() -> None:
    with pytest.raises(DatabaseError) as caught:
        Database.from_bytes(crafted(conditions=7), "x.msg")
    assert str(caught.value) == (
        "x.msg: corrupt database: the conditions: expected the conditions:"
        " [header, definitions], found the integer 7"
    )


def test_dictionary_names_of_the_wrong_type_are_one_error_at_the_first_lookup() -> None:
    parts = take_apart(seed_database())
    parts.sections["dictionary"][0][1] = 17  # the second name
    db = Database.from_bytes(put_together(parts), "x.msg")  # the dictionary is decoded lazily
    with pytest.raises(DatabaseError, match="the dictionary: expected dictionary names: texts"):
        db.entry(0x00100010)
    with pytest.raises(DatabaseError, match="the dictionary"):
        db.entry_by_name("Patient's Name")
    with pytest.raises(DatabaseError, match="the dictionary"):
        db.verify()


@pytest.mark.parametrize("bad", [[0x0029, 17, 0x10], [0x0029, "CREATOR", 0x1000], "tag"])
def test_a_bad_tag_in_the_dictionary_is_one_error_where_it_is_built(bad: object) -> None:
    """Entries are built on first use: a bad row fails its own lookup, the
    listing of every entry, and verify(); other lookups still work."""
    parts = take_apart(seed_database())
    tags = parts.sections["dictionary"][1]
    row = next(i for i, t in enumerate(tags) if t != 0x00100010)
    tags[row] = bad
    db = Database.from_bytes(put_together(parts), "x.msg")
    assert db.entry(0x00100010) is not None
    with pytest.raises(DatabaseError, match=r"x\.msg: corrupt database: the dictionary: expected"):
        list(db.entries())
    with pytest.raises(DatabaseError, match="the dictionary"):
        db.verify()
    if isinstance(bad, list) and isinstance(bad[1], str):  # found by its key, then refused
        with pytest.raises(DatabaseError, match="the dictionary: expected a private element"):
            db.entry(Tag(0x0029, 0x1000, "CREATOR"))


def test_a_bad_line_is_one_error_at_the_open_or_where_it_is_used() -> None:
    """Lines are built on first use: a bad one fails verify (and so the
    default open) and the message that uses it, naming the message."""
    parts = take_apart(seed_database())
    parts.sections["lines"][0][:] = [[0x0029, 17, 0x10]] * len(parts.sections["lines"][0])
    data = put_together(parts)
    with pytest.raises(DatabaseError, match=r"x\.msg: corrupt database: the line table: expected"):
        Database.from_bytes(data, "x.msg")
    db = Database.from_bytes(data, "x.msg", verify=False)
    with pytest.raises(DatabaseError, match=r"x.msg: corrupt database: \[ \d{4}, C_STORE_RQ \]"):
        db.message("STANDARD_CT", "C_STORE_RQ")
    with pytest.raises(DatabaseError, match="the line table"):
        db.verify()


def test_a_zlib_bomb_is_refused_before_it_is_inflated() -> None:
    bomb = zlib.compress(b"\0" * (16 << 20), 9)  # 16 KB that inflate to 16 MB
    start = time.perf_counter()
    with pytest.raises(DatabaseError, match=r"index \(expected at most 268435456 bytes inflated"):
        Database.from_bytes(crafted({"conditions": (bomb, 1 << 30)}), "x.msg")
    with pytest.raises(DatabaseError, match="the conditions: expected an inflated size of at most"):
        Database.from_bytes(crafted({"conditions": (bomb, 100 << 20)}), "x.msg")
    with pytest.raises(
        DatabaseError, match="expected 40 bytes when inflated, found the integer 41"
    ):
        Database.from_bytes(crafted({"conditions": (bomb, 40)}), "x.msg")
    assert time.perf_counter() - start < 1.0
    assert MAX_SECTION < 1 << 30


def test_a_bad_section_is_decoded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    inflate = decode.inflate

    def counted(blob: bytes | memoryview, size: int) -> bytes:
        calls.append(size)
        return inflate(blob, size)

    monkeypatch.setattr(decode, "inflate", counted)
    db = Database.from_bytes(crafted(conditions=7), "x.msg", verify=False)
    for _ in range(50):
        with pytest.raises(DatabaseError, match="the conditions"):
            db.condition_source("IS_AXIAL")
    assert len(calls) == 1


def test_a_merge_binary_is_named_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "mrgcom3.msg"
    path.write_bytes(b"\x00\x01MC3\x00" + bytes(range(256)) * 4)
    with pytest.raises(DatabaseError) as caught:
        open_database(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: not an mdict database: no MDICTDB magic (it looks like")
    assert "Merge DICOM Toolkit binary" in message and "mdict info info.pfl" in message


def test_crafted_databases_give_one_database_error_or_work() -> None:
    counts = fuzz(300, seed=11)
    assert counts["traceback"] == 0 and counts["slow"] == 0, counts
    assert counts["DatabaseError"] > 100 and counts["ok"] > 0


def test_the_reader_imports_no_writer_parser_or_lark() -> None:
    code = (
        "import sys, mdict\n"
        "db = mdict.open_database()\n"
        "db.message('CT_IMAGE', 'C_STORE_RQ'); db.entry(0x00100010); db.condition_source('X')\n"
        "heavy = ('lark', 'mdict.db.build', 'mdict.db.encode', 'mdict.parse', 'mdict.check',"
        " 'mdict.conditions', 'mdict.write', 'pydicom')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]"


def test_the_standard_database_passes_every_check() -> None:
    db = open_database(ROOT / "mdict" / "data" / "mrgcom3.msg")
    db.verify()
    assert db.header.counts["messages"] == len(db.messages())


def test_a_condition_note_that_is_not_text_fails_the_open() -> None:
    with pytest.raises(DatabaseError, match="a condition's end-of-line comment"):
        Database.from_bytes(crafted(conditions=[[], [["A", "true", [], 5]]]), "x.msg")
    with pytest.raises(DatabaseError, match="3 or 4 fields"):
        Database.from_bytes(crafted(conditions=[[], [["A", "true"]]]), "x.msg")
    db = Database.from_bytes(crafted(conditions=[[], [["A", "true", ["why"], "# note"]]]))
    model = db.conditions_model()
    assert model is not None
    [definition] = model.definitions
    assert definition.comment == ("why",)
    assert definition.loc is not None and definition.loc.note == "# note"


def test_modules_comments_of_the_wrong_shape_fail_the_open() -> None:
    row = ["X", "M", None, [0x00100010]]
    with pytest.raises(DatabaseError, match=r"\[trivia, note\]"):
        Database.from_bytes(crafted(modules=[[], [["A", "C_STORE_RQ", [[*row, 5]]]]]), "x.msg")
    with pytest.raises(DatabaseError, match="an end-of-line comment"):
        Database.from_bytes(crafted(modules=[[], [["A", "C_STORE_RQ", [row], [[], 5]]]]), "x.msg")


def test_dictionary_comments_of_the_wrong_shape_are_one_error() -> None:
    parts = take_apart(seed_database())
    count = len(parts.sections["dictionary"][0])
    parts.sections["dictionary"].append([[], [], [[count, ["# past the end"]]]])
    db = Database.from_bytes(put_together(parts), "x.msg", verify=False)
    with pytest.raises(DatabaseError, match=f"the dictionary: expected a row below {count}"):
        db.entry(0x00100010)
