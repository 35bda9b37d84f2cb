"""mdict.db.database: lookups, lazy decoding, and one clear error for a bad file."""

from __future__ import annotations

import hashlib
import struct
import zlib
from functools import cache
from pathlib import Path

import msgpack
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mdict.db.build import compile_message_files, compile_messages
from mdict.db.database import Database, default_database, open_database, read_header
from mdict.db.format import MAGIC, SCHEMA_VERSION
from mdict.db.protocol import MessageDatabase
from mdict.errors import DatabaseError
from mdict.model import ITEM, InfoSection, Tag
from mdict.parse import parse_info, read_dictionary, read_info, read_services

DATA = Path(__file__).parent / "data" / "compile"
REPO = Path(__file__).parent.parent


@cache
def database_bytes() -> bytes:
    return compile_message_files(
        DATA / "info.pfl", DATA / "mergecom.srv", DATA / "diction.pfl"
    ).data


def in_memory() -> Database:
    return Database.from_profiles(
        read_dictionary(DATA / "diction.pfl"),
        read_services(DATA / "mergecom.srv"),
        read_info(DATA / "info.pfl"),
        {"IS_AXIAL": "x"},
    )


@pytest.fixture(params=["compiled", "memory"])
def db(request: pytest.FixtureRequest) -> Database:
    if request.param == "memory":
        return in_memory()
    return Database.from_bytes(database_bytes())


def test_implements_the_protocol(db: Database) -> None:
    assert isinstance(db, MessageDatabase)


def test_entry_by_tag(db: Database) -> None:
    found = db.entry(Tag(0x0010, 0x0010))
    assert found is not None and (found.name, found.vr, str(found.vm)) == (
        "Patient's Name",
        "PN",
        "1",
    )
    assert db.entry(0x00100010) is found
    private = db.entry(Tag(0x0009, 0x10, "SIEMENS CM VA0  CMS"))
    assert private is not None and private.name == "Storage Mode"
    assert db.entry(Tag(0x0009, 0x10, "SIEMENS CM VA0 CMS")) is None
    assert db.entry(Tag(0x0010, 0x9999)) is None


@pytest.mark.parametrize(
    "name",
    ["Patient's Name", "patient's  name", "PATIENT'S NAME", "PatientsName", "PatientName"],
)
def test_entry_by_name_or_keyword(db: Database, name: str) -> None:
    found = db.entry_by_name(name)
    assert found is not None and found.tag == Tag(0x0010, 0x0010)


def test_private_names_after_standard_ones(db: Database) -> None:
    found = db.entry_by_name("last serviced by")
    assert found is not None and found.tag == Tag(0x0009, 0x2A, "ACME Imaging Group")
    assert db.entry_by_name("No Such Attribute") is None
    assert db.entry_by_name("") is None


def test_entries_in_canonical_order(db: Database) -> None:
    keys = [e.tag.sort_key() for e in db.entries()]
    assert keys == sorted(keys) and len(keys) == 230


def test_services_by_name_uid_and_number(db: Database) -> None:
    ct = db.service("STANDARD_CT")
    assert ct is not None and ct.number == 1 and ct.commands == ("C_STORE_RQ", "C_STORE_RSP")
    assert db.service("1.2.840.10008.5.1.4.1.1.2") is ct
    assert db.service(1) is ct and db.service("0001") is ct
    meta = db.service("STORAGE")
    assert meta is not None and meta.sop_classes == (1, 2)
    assert [s.number for s in db.services()] == [1, 2, 3]
    assert db.service("NOPE") is None


def test_messages_and_items(db: Database) -> None:
    message = db.message("STANDARD_CT", "C_STORE_RQ")
    assert message is not None and len(message.lines) == 11
    assert db.message(1, "C_STORE_RQ") is message
    assert db.message("1.2.840.10008.5.1.4.1.1.2", "c_store_rq") is message
    sq = message.lines[4]
    assert sq.vr == "SQ" and sq.item_names == ("REF_IMAGE",)
    assert str(sq.vt) == "1C(A00081140_PRESENT)"
    item = db.item("REF_IMAGE")
    assert item is not None and item.command == ITEM and db.item(1) is item
    assert [str(line.tag) for line in item.lines] == ["0008,1150", "0008,1155", "0008,1160"]
    assert [(r.name, r.number) for r in db.item_refs()] == [("CALIBRATION", 2), ("REF_IMAGE", 1)]
    assert db.message("STANDARD_MR", "C_STORE_RQ") is not None
    assert db.message("STANDARD_MR", "N_SET_RQ") is None
    assert db.item("NOPE") is None and db.item(99) is None
    empty = db.message("STANDARD_CT", "C_STORE_RSP")
    assert empty is not None and empty.lines == ()


def test_field4_and_value_layout_survive(db: Database) -> None:
    message = db.message("STANDARD_MR", "C_STORE_RQ")
    assert message is not None
    private = next(ln for ln in message.lines if ln.tag.creator is not None)
    assert private.field4 == "field four"
    ct = db.message("STANDARD_CT", "C_STORE_RQ")
    assert ct is not None
    assert str(ct.lines[0].values) == "D<(ORIGINAL, DERIVED) (PRIMARY, SECONDARY)>"
    assert str(ct.lines[-2].values) == "E<M,F,O>"


def test_lazy_decoding_keeps_each_section() -> None:
    db = Database.from_bytes(database_bytes())
    assert all(isinstance(slot, tuple) for slot in db._messages.values())
    first = db.message("STANDARD_CT", "C_STORE_RQ")
    assert db.message("STANDARD_CT", "C_STORE_RQ") is first
    assert sum(isinstance(slot, InfoSection) for slot in db._messages.values()) == 1
    assert db._table is None  # the dictionary is still not read
    assert db.entry(0x00100010) is not None
    # only what was looked up is built
    assert list(db._standard) == [0x00100010] and not db._private
    assert db._table is not None and db._table._all is None  # type: ignore[attr-defined]


def test_compiled_and_in_memory_agree() -> None:
    compiled = Database.from_bytes(database_bytes())
    memory = in_memory()
    assert list(compiled.entries()) == list(memory.entries())
    assert compiled.services() == tuple(memory.services())
    for key in memory.messages():
        assert compiled.message(*key) == memory.message(*key)
    assert compiled.messages() == memory.messages()
    assert compiled.item_numbers() == memory.item_numbers()


def test_open_database_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "mrgcom3.msg"
    path.write_bytes(database_bytes())
    db = open_database(path)
    assert db.entry(0x00100010) is not None
    header = read_header(path)
    assert header == db.header and header.schema == SCHEMA_VERSION == 3


# -- bad files ------------------------------------------------------------


def full_use(data: bytes) -> None:
    db = Database.from_bytes(data, "x.msg")
    list(db.entries())
    db.services()
    for key in db.messages():
        db.message(*key)
    for number in db.item_numbers():
        db.item(number)
    db.conditions()


@given(st.data())
def test_any_flipped_byte_is_one_database_error(data: st.DataObject) -> None:
    original = database_bytes()
    at = data.draw(st.integers(0, len(original) - 1))
    flip = data.draw(st.integers(1, 255))
    broken = bytearray(original)
    broken[at] ^= flip
    with pytest.raises(DatabaseError, match=r"^x\.msg: "):
        full_use(bytes(broken))


def test_every_flipped_header_byte_is_one_database_error() -> None:
    original = database_bytes()
    header_end = len(MAGIC) + 8 + struct.unpack_from(">I", original, len(MAGIC))[0]
    for at in range(header_end + 16):
        broken = bytearray(original)
        broken[at] ^= 0x01
        with pytest.raises(DatabaseError):
            full_use(bytes(broken))


@given(st.data())
def test_any_truncation_is_one_database_error(data: st.DataObject) -> None:
    original = database_bytes()
    cut = data.draw(st.integers(0, len(original) - 1))
    with pytest.raises(DatabaseError, match=r"x\.msg: (truncated|not an mdict)"):
        full_use(original[:cut])


def test_bytes_after_the_end_are_an_error() -> None:
    with pytest.raises(DatabaseError, match="bytes after the end"):
        full_use(database_bytes() + b"\0")


def rewrite_header(**changes: object) -> bytes:
    original = database_bytes()
    length = struct.unpack_from(">I", original, len(MAGIC))[0]
    start = len(MAGIC) + 8
    header = msgpack.unpackb(original[start : start + length])
    header.update(changes)
    blob = msgpack.packb(header)
    prefix = struct.pack(">II", len(blob), zlib.crc32(blob))
    return MAGIC + prefix + blob + original[start + length :]


@pytest.mark.parametrize("other", [2, 4])
def test_another_schema_version_is_a_clear_error(other: int) -> None:
    expected = f"schema version {other}, this mdict reads schema version 3: compile the profiles"
    with pytest.raises(DatabaseError, match=expected):
        full_use(rewrite_header(schema=other))


def test_another_format_is_a_clear_error() -> None:
    with pytest.raises(DatabaseError, match="not an mdict message database"):
        full_use(rewrite_header(format="something-else"))


def test_a_checksummed_body_that_does_not_decode_is_an_error() -> None:
    original = database_bytes()
    length = struct.unpack_from(">I", original, len(MAGIC))[0]
    start = len(MAGIC) + 8
    body = msgpack.packb({"messages": [[1, "C_STORE_RQ", 0, 9]]}) + b"garbage!!"
    header = msgpack.unpackb(original[start : start + length])
    header.update(
        index_length=len(body) - 9,
        body_length=len(body),
        body_sha256=hashlib.sha256(body).hexdigest(),
    )
    blob = msgpack.packb(header)
    data = MAGIC + struct.pack(">II", len(blob), zlib.crc32(blob)) + blob + body
    db = Database.from_bytes(data, "x.msg")
    with pytest.raises(
        DatabaseError, match=r"corrupt database: \[ 0001, C_STORE_RQ \]: expected whole 2-byte"
    ):
        db.message(1, "C_STORE_RQ")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "not an mdict database"),
        (b"Patient's Name,0010,0010,PN,1\n", "it looks like text"),
        (b"\x89PNG\r\n\x1a\n", "not an mdict database"),
    ],
)
def test_not_a_database(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "x.msg"
    path.write_bytes(content)
    with pytest.raises(DatabaseError, match=expected):
        open_database(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="no such file"):
        open_database(tmp_path / "missing.msg")
    with pytest.raises(DatabaseError, match="is a directory"):
        open_database(tmp_path)


# -- the shipped standard database -----------------------------------------


def test_default_database_is_built_from_the_profiles_in_the_repository() -> None:
    """A stale mdict/data/mrgcom3.msg fails here: run tools/build_default_db.py."""
    db = default_database()
    recorded = {s.role: s for s in db.header.sources}
    assert set(recorded) >= {"dictionary", "services", "info"}
    for source in recorded.values():
        path = REPO / "profiles" / source.file
        assert hashlib.sha256(path.read_bytes()).hexdigest() == source.sha256, source.file
    conditions = REPO / "profiles" / "conditions.pfl"
    assert ("conditions" in recorded) == conditions.is_file()


def test_default_database_lookups() -> None:
    db = default_database()
    assert default_database() is db
    found = db.entry(Tag(0x0010, 0x0010))
    assert found is not None and found.vr == "PN"
    assert db.entry_by_name("PatientName") is found
    ct = db.message("1.2.840.10008.5.1.4.1.1.2", "C_STORE_RQ")
    assert ct is not None and any(line.tag == Tag(0x0010, 0x0010) for line in ct.lines)


# -- schema 2: line table and sections of line numbers ----------------------


def test_decoded_objects_are_ordinary_frozen_model_objects() -> None:
    import dataclasses

    from mdict.model import InfoLine, ValueList, ValueType

    db = Database.from_bytes(database_bytes())
    memory = in_memory()
    message = db.message("STANDARD_CT", "C_STORE_RQ")
    assert message is not None
    for line in message.lines:
        assert type(line) is InfoLine and type(line.tag) is Tag and type(line.vt) is ValueType
        assert line.values is None or type(line.values) is ValueList
        rebuilt = InfoLine(line.tag, line.vr, line.vt, line.values, line.field4)
        assert line.loc is None and hash(line) == hash(rebuilt) and line == rebuilt
        with pytest.raises(dataclasses.FrozenInstanceError):
            line.vr = "XX"  # type: ignore[misc]
    assert message == memory.message("STANDARD_CT", "C_STORE_RQ")
    entry = db.entry(0x00100010)
    assert entry is not None and type(entry) is type(memory.entry(0x00100010))
    assert entry == memory.entry(0x00100010)


def test_without_the_fast_builders_the_same_objects(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the model's slots change, decoding falls back to the constructors."""
    import mdict.db.decode

    fast = Database.from_bytes(database_bytes())
    for builder in ("_TAG", "_TYPE", "_VALUES", "_LINE", "_ENTRY"):
        assert getattr(mdict.db.decode, builder) is not None, builder
        monkeypatch.setattr(mdict.db.decode, builder, None)
    slow = Database.from_bytes(database_bytes())
    assert list(slow.entries()) == list(fast.entries())
    assert slow.info_model() == fast.info_model()


def test_equal_lines_are_one_object_shared_between_sections() -> None:
    db = Database.from_bytes(database_bytes())
    ct = db.message("STANDARD_CT", "C_STORE_RQ")
    mr = db.message("STANDARD_MR", "C_STORE_RQ")
    assert ct is not None and mr is not None
    shared = [line for line in ct.lines if line in mr.lines]
    assert shared
    for line in shared:
        assert any(other is line for other in mr.lines)


def test_four_byte_line_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past 65,536 distinct lines sections hold 4-byte line numbers."""
    from mdict.db.encode import LineTable

    monkeypatch.setattr(LineTable, "width", property(lambda self: 4))
    wide = compile_message_files(DATA / "info.pfl", DATA / "mergecom.srv", DATA / "diction.pfl")
    db = Database.from_bytes(wide.data)
    assert len(wide.data) > len(database_bytes())
    assert db.info_model() == Database.from_bytes(database_bytes()).info_model()


def test_a_line_number_past_the_table_is_an_error() -> None:
    original = database_bytes()
    length = struct.unpack_from(">I", original, len(MAGIC))[0]
    start = len(MAGIC) + 8
    header = msgpack.unpackb(original[start : start + length])
    body = original[start + length :]
    index = msgpack.unpackb(body[: header["index_length"]], strict_map_key=False)
    blobs = body[header["index_length"] :]
    offset = len(blobs)
    blobs += struct.pack("<2H", 0, 60000)
    index["messages"][0] = [*index["messages"][0][:2], offset, 4]
    packed = msgpack.packb(index)
    body = packed + blobs
    header.update(
        index_length=len(packed),
        body_length=len(body),
        body_sha256=hashlib.sha256(body).hexdigest(),
    )
    blob = msgpack.packb(header)
    data = MAGIC + struct.pack(">II", len(blob), zlib.crc32(blob)) + blob + body
    db = Database.from_bytes(data, "x.msg")
    number, command = index["messages"][0][:2]
    with pytest.raises(
        DatabaseError,
        match=r"\[ 0001, C_STORE_RQ \]: expected known lines, found the integer 60000",
    ):
        db.message(number, command)


def test_lines_out_of_order_are_stored_in_canonical_order() -> None:
    info = "[ 0001, C_STORE_RQ ]\n0010,0020@LO@2@@;\n0010,0010@PN@2@@;\n0008,0060@CS@1@@;\n"
    result = compile_messages(
        read_dictionary(DATA / "diction.pfl"),
        read_services(DATA / "mergecom.srv"),
        parse_info(info, "info.pfl"),
    )
    message = Database.from_bytes(result.data).message(1, "C_STORE_RQ")
    assert message is not None
    assert [str(line.tag) for line in message.lines] == ["0008,0060", "0010,0010", "0010,0020"]


def test_open_profiles_folder_reads_whatever_is_there(tmp_path: Path) -> None:
    """``--profiles DIR`` for validate, dump and table: one reader for all."""
    import shutil

    from mdict.db.build import open_profiles_folder
    from mdict.errors import InputFileError

    with pytest.raises(InputFileError, match=r"holds no diction\.pfl, mergecom\.srv or info\.pfl"):
        open_profiles_folder(tmp_path)
    profiles = Path(__file__).resolve().parent.parent / "profiles"
    shutil.copy(profiles / "diction.pfl", tmp_path)
    only_dictionary = open_profiles_folder(tmp_path)
    assert only_dictionary.modules("CT_IMAGE", "C_STORE_RQ") is None
    for name in ("mergecom.srv", "info.pfl", "conditions.pfl", "modules.pfl"):
        shutil.copy(profiles / name, tmp_path)
    db = open_profiles_folder(tmp_path)
    assert "NEED_MODULE_VOILUT" in db.conditions()
    modules = db.modules("CT_IMAGE", "C_STORE_RQ")
    assert modules is not None and any(m.name == "CT Image" for m in modules)
