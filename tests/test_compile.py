"""mdict.db.build: checks, reproducible output, round trip back to profiles."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from mdict.db.build import (
    compile_dictionary,
    compile_dictionary_file,
    compile_message_files,
    compile_messages,
)
from mdict.db.database import Database
from mdict.db.encode import encode_database
from mdict.db.format import source_of
from mdict.errors import ProfileError
from mdict.model import Tag
from mdict.parse import parse_info, parse_services, read_dictionary, read_info, read_services
from mdict.write import format_dictionary, format_info, format_services
from tests.strategies import dictionaries, info_profiles, service_profiles

DATA = Path(__file__).parent / "data" / "compile"


def compiled(conditions: dict[str, str] | None = None) -> Database:
    result = compile_messages(
        read_dictionary(DATA / "diction.pfl"),
        read_services(DATA / "mergecom.srv"),
        read_info(DATA / "info.pfl"),
        conditions,
    )
    return Database.from_bytes(result.data)


def test_compile_twice_gives_the_same_bytes(tmp_path: Path) -> None:
    first = compile_message_files(
        DATA / "info.pfl", DATA / "mergecom.srv", DATA / "diction.pfl"
    ).data
    for name in ("info.pfl", "mergecom.srv", "diction.pfl"):
        shutil.copy(DATA / name, tmp_path / name)
    again = compile_message_files(
        tmp_path / "info.pfl", tmp_path / "mergecom.srv", tmp_path / "diction.pfl"
    ).data
    assert first == again


def test_header_records_each_source_digest() -> None:
    data = compile_message_files(DATA / "info.pfl", DATA / "mergecom.srv", DATA / "diction.pfl")
    db = Database.from_bytes(data.data)
    assert db.header.kind == "messages"
    assert db.header.source("info") == source_of(DATA / "info.pfl", "info")
    assert db.header.source("dictionary") == source_of(DATA / "diction.pfl", "dictionary")
    assert db.header.source("conditions") is None
    assert db.header.counts == {
        "entries": 230,
        "services": 3,
        "item_table": 2,
        "messages": 3,
        "items": 2,
        "lines": 22,
    }


def test_decompile_gives_the_canonical_profiles_byte_for_byte() -> None:
    db = compiled()
    services = db.services_model()
    info = db.info_model()
    dictionary = db.dictionary_model()
    assert services is not None and info is not None and dictionary is not None
    assert format_dictionary(dictionary) == (DATA / "diction.pfl").read_text()
    assert format_services(services) == (DATA / "mergecom.srv").read_text()
    assert format_info(info, services) == (DATA / "info.pfl").read_text()


def test_unknown_conditions_are_warnings_with_use_counts() -> None:
    info = (DATA / "info.pfl").read_text() + "[ 0002, C_STORE_RSP ]\n0018,0050@DS@1C(IS_AXIAL)@@;\n"
    services = (
        (DATA / "mergecom.srv")
        .read_text()
        .replace(
            "        COMMAND_1               = C_STORE_RQ\n\n",
            "        COMMAND_1               = C_STORE_RQ\n        COMMAND_2 = C_STORE_RSP\n\n",
        )
    )
    result = compile_messages(
        read_dictionary(DATA / "diction.pfl"),
        parse_services(services, "mergecom.srv"),
        parse_info(info, "info.pfl"),
    )
    found = {w.message.split()[1]: w for w in result.warnings}
    assert set(found) == {"IS_AXIAL"}  # A00081140_PRESENT: mdict.condnames reads it
    assert "used by 2 lines" in found["IS_AXIAL"].message
    assert (found["IS_AXIAL"].file, found["IS_AXIAL"].line) == ("info.pfl", 12)
    assert all(w.severity == "warning" for w in result.warnings)


def test_defined_conditions_are_embedded_and_not_warned_about() -> None:
    conditions = {"IS_AXIAL": "value(0018,5100) == 'AXIAL'", "A00081140_PRESENT": "present"}
    result = compile_messages(
        read_dictionary(DATA / "diction.pfl"),
        read_services(DATA / "mergecom.srv"),
        read_info(DATA / "info.pfl"),
        conditions,
    )
    assert result.warnings == ()
    db = Database.from_bytes(result.data)
    assert db.condition_source("IS_AXIAL") == "value(0018,5100) == 'AXIAL'"
    assert db.condition_source("NOPE") is None
    assert db.header.counts["conditions"] == 2


def compile_error(info: str, services: str | None = None) -> str:
    text = services if services is not None else (DATA / "mergecom.srv").read_text()
    with pytest.raises(ProfileError) as caught:
        compile_messages(
            read_dictionary(DATA / "diction.pfl"),
            parse_services(text, "mergecom.srv"),
            parse_info(info, "info.pfl"),
        )
    return "\n".join(str(d) for d in caught.value.diagnostics)


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        (
            "[ 0002, C_STORE_RQ ]\n0010,0010@LO@2@@;\n",
            "info.pfl:2:1: error: expected VR PN for (0010,0010) (the dictionary's), found LO",
        ),
        (
            "[ 0002, C_STORE_RQ ]\n0010,0011@LO@2@@;\n",
            "info.pfl:2:1: error: expected a tag of the dictionary, found (0010,0011)",
        ),
        (
            "[ 0002, C_STORE_RQ ]\n0008,1140@SQ@3@@E<NO_SUCH_ITEM>;\n",
            "info.pfl:2:1: error: expected an item of the [ITEM_TABLE] in the SQ line of"
            " (0008,1140), found 'NO_SUCH_ITEM'",
        ),
        (
            "[ 0007, C_STORE_RQ ]\n0010,0010@PN@2@@;\n",
            "info.pfl:1:1: error: expected a service number of mergecom.srv, found"
            " [ 0007, C_STORE_RQ ]",
        ),
        (
            "[ 0002, N_SET_RQ ]\n0010,0010@PN@2@@;\n",
            "info.pfl:1:1: error: expected a command of STANDARD_MR (C_STORE_RQ), found"
            " [ 0002, N_SET_RQ ]",
        ),
        (
            "[ 0009, ITEM ]\n0010,0010@PN@2@@;\n",
            "info.pfl:1:1: error: expected an item number of the [ITEM_TABLE], found [ 0009, ITEM ]",
        ),
        (
            "[ 0002, C_STORE_RQ ]\n[ 0002, C_STORE_RQ ]\n",
            "info.pfl:2:1: error: expected each section once, found [ 0002, C_STORE_RQ ] again"
            " (first at line 1)",
        ),
        (
            "[ 0002, C_STORE_RQ ]\n0008,1140@SQ@3@@E<REF_IMAGE>;\n",
            "info.pfl:2:1: error: expected a [ 0001, ITEM ] section for item REF_IMAGE (named by"
            " (0008,1140)), found none",
        ),
    ],
)
def test_compile_time_errors_name_the_line(info: str, expected: str) -> None:
    assert expected in compile_error(info)


def test_table_item_without_section_is_a_warning() -> None:
    result = compile_messages(
        read_dictionary(DATA / "diction.pfl"),
        read_services(DATA / "mergecom.srv"),
        parse_info("[ 0002, C_STORE_RQ ]\n0010,0010@PN@2@@;\n", "info.pfl"),
    )
    messages = [w.message for w in result.warnings]
    assert any("item CALIBRATION (0002)" in m for m in messages)
    assert any("item REF_IMAGE (0001)" in m for m in messages)


def test_dictionary_database() -> None:
    result = compile_dictionary_file(DATA / "diction.pfl")
    db = Database.from_bytes(result.data)
    assert db.header.kind == "dictionary"
    assert result.counts == {"entries": 230}
    found = db.entry(Tag(0x0009, 0x2A, "ACME Imaging Group"))
    assert found is not None and found.name == "Last Serviced By"
    assert db.message("STANDARD_CT", "C_STORE_RQ") is None
    assert db.services() == ()
    assert db.info_model() is None


def test_duplicate_dictionary_tags_are_an_error() -> None:
    dictionary = read_dictionary(DATA / "diction.pfl")
    twice = type(dictionary)(dictionary.entries + dictionary.entries[:1])
    with pytest.raises(ProfileError, match="expected each tag once"):
        compile_dictionary(twice)


@given(dictionaries(), service_profiles(), info_profiles())
def test_round_trip_property(dictionary, services, info) -> None:  # type: ignore[no-untyped-def]
    keys = [(s.number, s.command) for s in info.sections]
    assume(len(keys) == len(set(keys)))
    db = Database.from_bytes(encode_database("messages", dictionary, services, info))
    services_back = db.services_model()
    info_back = db.info_model()
    dictionary_back = db.dictionary_model()
    assert services_back is not None and info_back is not None and dictionary_back is not None
    assert format_dictionary(dictionary_back) == format_dictionary(dictionary)
    assert format_services(services_back) == format_services(services)
    assert format_info(info_back, services_back) == format_info(info, services)


@given(st.sampled_from(["diction.pfl", "mergecom.srv", "info.pfl"]))
def test_source_digest_is_of_the_file_bytes(name: str) -> None:
    import hashlib

    record = source_of(DATA / name, "info")
    assert record.file == name
    assert record.sha256 == hashlib.sha256((DATA / name).read_bytes()).hexdigest()


def test_names_that_condnames_reads_are_not_warned_about(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A name mdict.condnames reads is known (a stand-in module here)."""
    import sys
    import types

    module = types.ModuleType("mdict.conditions.names")

    def parse_name(name: str) -> object:
        if not name.startswith("A0"):
            raise ValueError(name)
        return ("present", name)

    module.parse_name = parse_name  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "mdict.conditions.names", module)
    result = compile_messages(
        read_dictionary(DATA / "diction.pfl"),
        read_services(DATA / "mergecom.srv"),
        read_info(DATA / "info.pfl"),
    )
    assert [w.message.split()[1] for w in result.warnings] == ["IS_AXIAL"]


def test_conditions_keep_their_order_and_comments() -> None:
    from mdict.conditions import read_conditions
    from mdict.db.format import condition_texts

    profile = read_conditions(Path(__file__).parent / "data" / "conditions" / "valid.pfl")
    texts = condition_texts(profile)
    assert list(texts) == [d.name for d in profile.definitions]
    db = compiled(texts)
    assert list(db.conditions()) == list(texts)  # profile order, not sorted
    back = db.conditions_model()
    assert back is not None and back == profile
    assert back.header == profile.header
    assert [d.comment for d in back] == [d.comment for d in profile]
    memory = Database.from_profiles(conditions=texts).conditions_model()
    assert memory is not None and memory.header == profile.header


def test_no_conditions_no_conditions_model() -> None:
    assert compiled().conditions_model() is None
    assert compiled({}).conditions_model() is None
