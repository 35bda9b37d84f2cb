"""Semantic diff: matching by meaning, rename hints, text and JSON output."""

from __future__ import annotations

import json
import random

import pytest
import strategies
from hypothesis import given
from hypothesis import strategies as st
from private_helpers import PRIVATE_DATA, dictionary

from mdict.errors import ProfileError
from mdict.model import (
    VM,
    CombineConfig,
    DictEntry,
    Dictionary,
    InfoLine,
    InfoProfile,
    InfoSection,
    ItemRef,
    Service,
    ServiceProfile,
    Tag,
    ValueList,
    ValueType,
)
from mdict.parse import parse_combine_config, parse_dictionary, parse_info, parse_services
from mdict.private.diff import (
    Diff,
    diff_configs,
    diff_dictionaries,
    diff_dictionary_texts,
    diff_info,
    diff_profiles,
    diff_services,
    format_json,
    format_text,
)
from mdict.write import format_combine_config, format_dictionary, format_info, format_services


def _old_new() -> tuple[Dictionary, Dictionary]:
    old = dictionary((PRIVATE_DATA / "old_diction.pfl").read_text())
    new = dictionary((PRIVATE_DATA / "new_diction.pfl").read_text())
    return old, new


def test_reordering_is_no_difference() -> None:
    old, _ = _old_new()
    shuffled = list(old.entries)
    random.Random(4).shuffle(shuffled)
    assert diff_dictionaries(old, Dictionary(tuple(shuffled))) == []


def test_changed_vr_and_vm_shown_old_to_new() -> None:
    old, new = _old_new()
    changes = diff_dictionaries(old, new)
    fields = {(c.where, c.field): (c.old, c.new) for c in changes if c.op == "changed"}
    assert fields[("(0010,0010) Patient's Name", "VR")] == ("PN", "LO")
    assert fields[("(0009,xx10) ACME Imaging Group: Storage Mode", "VM")] == ("1", "1-n")


def test_added_private_attribute_in_existing_block() -> None:
    old, new = _old_new()
    added = [c for c in diff_dictionaries(old, new) if c.op == "added" and c.subject == "attribute"]
    assert [c.new for c in added] == ["Service Date,0009,ACME Imaging Group,2B,DA,1"]


def test_renamed_creator_is_removed_block_plus_added_block_with_hint() -> None:
    old, new = _old_new()
    blocks = [c for c in diff_dictionaries(old, new) if c.subject == "private block"]
    assert [(c.op, c.where) for c in blocks] == [
        ("added", "(0019,xxxx) NEW VENDOR 2.0"),
        ("removed", "(0019,xxxx) OLD VENDOR 1.0"),
    ]
    assert all("'OLD VENDOR 1.0' -> 'NEW VENDOR 2.0'" in c.hint for c in blocks)
    assert "3 of 3 attributes" in blocks[0].hint
    assert blocks[1].details[0] == "Coil Name,0019,OLD VENDOR 1.0,10,LO,1"


def test_creators_differing_in_spaces_get_a_hint() -> None:
    old = dictionary("A,0019,SIEMENS CM VA0  CMS,10,SH,1")
    new = dictionary("A,0019,SIEMENS CM VA0 CMS,10,SH,1")
    hints = {c.hint for c in diff_dictionaries(old, new)}
    assert any("differ only in spaces" in h for h in hints)


def test_unrelated_blocks_get_no_hint() -> None:
    old = dictionary("A,0019,ONE,10,SH,1\nB,0019,ONE,11,SH,1")
    new = dictionary("A,0019,TWO,20,DA,1\nB,0019,TWO,21,TM,1")
    assert all(c.hint == "" for c in diff_dictionaries(old, new))


def test_text_output_has_summary_and_signs() -> None:
    old, new = _old_new()
    text = format_text(Diff("dictionary", "a", "b", tuple(diff_dictionaries(old, new))))
    lines = text.splitlines()
    assert lines[:3] == ["--- a", "+++ b", "dictionary: 2 added, 2 removed, 2 changed"]
    assert "~ attribute (0010,0010) Patient's Name: VR PN -> LO" in lines
    assert "    - Coil Id,0019,OLD VENDOR 1.0,12,SH,1" in lines


def test_json_output_round_trips_through_json() -> None:
    old, new = _old_new()
    doc = json.loads(format_json(diff_profiles(old, new, "a", "b")))
    assert doc["counts"] == {"added": 2, "removed": 2, "changed": 2}
    assert doc["same"] is False
    assert {c["op"] for c in doc["changes"]} == {"added", "removed", "changed"}


def test_same_profiles_say_so() -> None:
    old, _ = _old_new()
    diff = diff_profiles(old, old)
    assert diff.same
    assert "no semantic difference" in format_text(diff)


def _services(*services: Service, items: tuple[ItemRef, ...] = ()) -> ServiceProfile:
    return ServiceProfile(services, items)


def test_services_matched_by_name() -> None:
    ct = Service(1, "STANDARD_CT", "BASE", "1.2.3", "CT", ("C_STORE_RQ", "C_STORE_RSP"))
    storage = Service(2, "STORAGE", "META", "1.2.4", sop_classes=(1,))
    old = _services(ct, storage, items=(ItemRef("REF_SOP", 1),))
    ct2 = Service(5, "STANDARD_CT", "BASE", "1.2.3", "CT Image", ("C_STORE_RSP", "C_GET_RQ"))
    mr = Service(6, "STANDARD_MR", "BASE", "1.2.5", commands=("C_STORE_RQ",))
    storage2 = Service(7, "STORAGE", "META", "1.2.4", sop_classes=(5, 6))
    new = _services(ct2, mr, storage2, items=(ItemRef("REF_SOP", 2), ItemRef("REF_X", 3)))
    got = {(c.op, c.subject, c.where, c.field, c.old, c.new) for c in diff_services(old, new)}
    assert ("changed", "service", "STANDARD_CT", "number", "0001", "0005") in got
    assert ("changed", "service", "STANDARD_CT", "description", "CT", "CT Image") in got
    assert ("added", "command", "STANDARD_CT", "", "", "C_GET_RQ") in got
    assert ("removed", "command", "STANDARD_CT", "", "C_STORE_RQ", "") in got
    assert ("added", "SOP class", "STORAGE", "", "", "STANDARD_MR") in got
    assert ("added", "service", "STANDARD_MR", "", "", "") in got
    assert ("changed", "item", "REF_SOP", "number", "0001", "0002") in got
    assert ("added", "item", "REF_X", "", "", "0003") in got


def test_command_order_is_no_difference() -> None:
    a = Service(1, "X", "BASE", commands=("C_STORE_RQ", "C_STORE_RSP"))
    b = Service(1, "X", "BASE", commands=("C_STORE_RSP", "C_STORE_RQ"))
    assert diff_services(_services(a), _services(b)) == []


def test_renamed_service_hint() -> None:
    old = _services(Service(1, "OLD_NAME", "BASE", "1.2.3"))
    new = _services(Service(1, "NEW_NAME", "BASE", "1.2.3"))
    hints = [c.hint for c in diff_services(old, new) if c.op == "added"]
    assert hints == ["service renamed 'OLD_NAME' -> 'NEW_NAME'? same UID"]


def _line(tag: Tag, vr: str, vt: str, values: ValueList | None = None) -> InfoLine:
    cond = None
    if "(" in vt:
        vt, cond = vt[:-1].split("(")
    return InfoLine(tag, vr, ValueType(vt, cond), values)


def test_info_lines_by_tag_values_as_sets() -> None:
    sex = Tag(0x0010, 0x0040)
    old = InfoProfile(
        (
            InfoSection(1, "C_STORE_RQ", (_line(sex, "CS", "2", ValueList("E", (("M", "F"),))),)),
            InfoSection(3, "ITEM", (_line(Tag(0x0008, 0x1150), "UI", "1"),)),
        )
    )
    same = InfoProfile(
        (
            InfoSection(3, "ITEM", (_line(Tag(0x0008, 0x1150), "UI", "1"),)),
            InfoSection(
                1,
                "C_STORE_RQ",
                (_line(sex, "CS", "2", ValueList("E", (("F", "M"),), separator=",")),),
            ),
        )
    )
    assert diff_info(old, same) == []
    new = InfoProfile(
        (
            InfoSection(
                1,
                "C_STORE_RQ",
                (
                    _line(Tag(0x0009, 0x2A, "ACME"), "PN", "3"),
                    _line(sex, "CS", "1C(HAS_SEX)", ValueList("E", (("M", "F", "O"),))),
                ),
            ),
        )
    )
    got = {(c.op, c.subject, c.field, c.old, c.new, c.hint) for c in diff_info(old, new)}
    assert ("changed", "line", "type", "2", "1C(HAS_SEX)", "") in got
    assert ("changed", "line", "values", "E<M, F>", "E<M, F, O>", "added O") in got
    assert ("added", "line", "", "", "0009,ACME,2A@PN@3@@;", "") in got
    assert ("removed", "item", "", "1 lines", "", "") in got


def test_info_sections_named_through_service_profiles() -> None:
    services = _services(Service(1, "STANDARD_CT", "BASE"), items=(ItemRef("REF_SOP", 3),))
    old = InfoProfile((InfoSection(3, "ITEM", ()),))
    new = InfoProfile((InfoSection(1, "C_STORE_RQ", ()),))
    wheres = {c.where for c in diff_info(old, new, services, services)}
    assert wheres == {"REF_SOP", "STANDARD_CT C_STORE_RQ"}


_names = (
    st.text(st.sampled_from("ABCdef 0123'()"), min_size=1, max_size=12).map(str.strip).filter(bool)
)
_entries = st.builds(
    lambda g, e, c, name, vr, vm: DictEntry(
        name, Tag(g, e % 256, c) if g % 2 else Tag(g, e), vr, VM.from_text(vm)
    ),
    st.integers(0x0008, 0x0030),
    st.integers(0x10, 0x1FFF),
    st.sampled_from(["ACME 1", "ACME 2", "ACME  1"]),
    _names,
    st.sampled_from(["CS", "LO", "DS", "SQ"]),
    st.sampled_from(["1", "1-n", "2-2n", "1-3"]),
)


@given(st.lists(_entries, max_size=30, unique_by=lambda e: e.tag), st.randoms())
def test_diff_of_a_permutation_is_empty(entries: list[DictEntry], rnd: random.Random) -> None:
    shuffled = list(entries)
    rnd.shuffle(shuffled)
    assert diff_dictionaries(Dictionary(tuple(entries)), Dictionary(tuple(shuffled))) == []


@given(
    st.lists(_entries, max_size=20, unique_by=lambda e: e.tag),
    st.lists(_entries, max_size=20, unique_by=lambda e: e.tag),
)
def test_diff_is_antisymmetric(a: list[DictEntry], b: list[DictEntry]) -> None:
    forward = diff_dictionaries(Dictionary(tuple(a)), Dictionary(tuple(b)))
    backward = diff_dictionaries(Dictionary(tuple(b)), Dictionary(tuple(a)))
    flip = {"added": "removed", "removed": "added", "changed": "changed"}
    assert sorted((flip[c.op], c.subject) for c in forward) == sorted(
        (c.op, c.subject) for c in backward
    )
    assert (forward == []) == ({e.tag: e for e in a} == {e.tag: e for e in b})


_lines = st.lists(
    st.builds(
        lambda name, g, c, e, vr, vm: (
            f"{name},{g:04X},{c},{e % 256:02X},{vr},{vm}"
            if g % 2
            else f"{name},{g:04X},{e:04X},{vr},{vm}"
        ),
        st.sampled_from(["Alpha", "Beta Two", "Gamma's (x)"]),
        st.integers(0x0008, 0x000B),
        st.sampled_from(["ACME 1", "ACME 2"]),
        st.integers(0x10, 0x14),
        st.sampled_from(["CS", "LO"]),
        st.sampled_from(["1", "1-n", "2-2n"]),
    ),
    min_size=1,
    max_size=12,
)


def _text(lines: list[str]) -> str:
    unique = {ln.split(",", 1)[1].rsplit(",", 2)[0]: ln for ln in lines}  # one line per tag
    return format_dictionary(parse_dictionary("\n".join(unique.values()) + "\n"))


@given(_lines, _lines, st.booleans())
def test_text_fast_path_equals_full_parse(a: list[str], b: list[str], messy: bool) -> None:
    old, new = _text(a), _text(a[: len(a) // 2] + b)
    if messy:  # tolerated, non-canonical spellings go through the parser
        new = new.replace(",1-n\n", ",1-N,\n").replace(",LO,", ", LO,")
    expected = diff_dictionaries(parse_dictionary(old), parse_dictionary(new))
    assert diff_dictionary_texts(old, new) == expected


def test_text_fast_path_reports_bad_lines_with_their_number() -> None:
    old = "Alpha,0008,0010,CS,1\nBeta,0008,0012,CS,1\n"
    new = "Alpha,0008,0010,CS,1\nBeta,0008,0012,QQ,1\n"
    with pytest.raises(ProfileError) as info:
        diff_dictionary_texts(old, new, "a.pfl", "b.pfl")
    assert (info.value.first.file, info.value.first.line) == ("b.pfl", 2)


# Laws over the shared model strategies (tests/strategies.py).


@given(strategies.dictionaries(), strategies.dictionaries())
def test_law_text_fast_path_equals_models(a: Dictionary, b: Dictionary) -> None:
    old, new = format_dictionary(a), format_dictionary(b)
    mixed = format_dictionary(Dictionary(a.entries[: len(a.entries) // 2] + b.entries))
    for other in (new, mixed):
        expected = diff_dictionaries(parse_dictionary(old), parse_dictionary(other))
        assert diff_dictionary_texts(old, other) == expected


@given(strategies.service_profiles(), st.randoms())
def test_law_services_reordered_and_rewritten_are_the_same(
    profile: ServiceProfile, rnd: random.Random
) -> None:
    services = list(profile.services)
    rnd.shuffle(services)
    shuffled = ServiceProfile(tuple(services), profile.items[::-1])
    assert diff_services(profile, shuffled) == []
    assert diff_services(profile, parse_services(format_services(profile))) == []


def _unique(profile: InfoProfile) -> InfoProfile:
    sections: dict[tuple[int, str], InfoSection] = {}
    for s in profile.sections:
        lines = tuple({ln.tag: ln for ln in s.lines}.values())
        sections.setdefault((s.number, s.command), InfoSection(s.number, s.command, lines))
    return InfoProfile(tuple(sections.values()))


@given(strategies.info_profiles(), st.randoms())
def test_law_info_reordered_and_rewritten_are_the_same(
    profile: InfoProfile, rnd: random.Random
) -> None:
    profile = _unique(profile)  # a tag once per section, a section once (as check demands)
    sections = [InfoSection(s.number, s.command, s.lines[::-1]) for s in profile.sections]
    rnd.shuffle(sections)
    assert diff_info(profile, InfoProfile(tuple(sections))) == []
    assert diff_info(profile, parse_info(format_info(profile))) == []


def test_configs_by_block_with_properties_and_lines() -> None:
    from mdict.model import CombineConfig, ConfigBlock

    props = (("UID", "1.2.3"), ("TYPE", "BASE"))
    line = _line(Tag(0x2030, 0x10), "US", "1")
    old = CombineConfig(
        private_services=(
            ConfigBlock("DUMMY", "MESSAGE", properties=props),
            ConfigBlock("DUMMY", "N_SET_RQ", (line,)),
        ),
        private_items=(ConfigBlock("GONE", "ITEM", (line,)),),
    )
    new = CombineConfig(
        private_services=(
            ConfigBlock("DUMMY", "N_SET_RQ", (_line(Tag(0x2030, 0x10), "US", "3"),)),
            ConfigBlock("DUMMY", "MESSAGE", properties=(("TYPE", "BASE"), ("UID", "1.2.4"))),
        ),
    )
    got = [
        (c.op, c.subject, c.where, c.field, c.old, c.new) for c in diff_profiles(old, new).changes
    ]
    assert got == [
        ("changed", "block", "private service DUMMY MESSAGE", "UID", "1.2.3", "1.2.4"),
        ("changed", "line", "private service DUMMY N_SET_RQ (2030,0010)", "type", "1", "3"),
        ("removed", "block", "private item GONE ITEM", "", "", ""),
    ]


@given(strategies.combine_configs())
def test_law_config_rewritten_is_the_same(config: CombineConfig) -> None:
    assert diff_configs(config, parse_combine_config(format_combine_config(config))) == []


def test_diff_compares_the_registry_kinds_it_knows_in_registry_order() -> None:
    from mdict import formats
    from mdict.cli.private import KIND_CHOICES
    from mdict.positions import parse_positions
    from mdict.private.diff import diff_kinds

    assert diff_kinds() == tuple(k for k in formats.KINDS if k in diff_kinds())
    assert KIND_CHOICES == ("auto", "dictionary", "services", "info", "config")
    positions = parse_positions("[ A, ITEM ]\n0008,0100 = 1 required\n")
    with pytest.raises(TypeError, match="diff does not compare a positions profile"):
        diff_profiles(positions, positions)  # type: ignore[arg-type]
