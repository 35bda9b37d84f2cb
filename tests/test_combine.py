"""Model-level tests of mdict.combine: dictionary merge and configuration application."""

from __future__ import annotations

import pytest

from mdict.combine import ChangeSummary, apply_config, apply_configs, merge_dictionaries
from mdict.errors import ProfileError
from mdict.model import (
    VM,
    CombineConfig,
    ConfigBlock,
    DictEntry,
    Dictionary,
    InfoLine,
    InfoProfile,
    InfoSection,
    ItemRef,
    Location,
    Service,
    ServiceProfile,
    Tag,
    ValueList,
    ValueType,
)

ACME = "ACME Imaging Group"


def entry(name: str, tag: Tag, vr: str, vm: str, line: int, file: str) -> DictEntry:
    return DictEntry(name, tag, vr, VM.from_text(vm), Location(file, line))


def dictionary(file: str, *rows: tuple[str, Tag, str, str]) -> Dictionary:
    return Dictionary(
        tuple(entry(n, t, vr, vm, i, file) for i, (n, t, vr, vm) in enumerate(rows, 1)),
        source=file,
    )


def ln(tag: Tag, vr: str, vt: str = "3", items: tuple[str, ...] = (), line: int = 0) -> InfoLine:
    values = ValueList("E", (items,)) if items else None
    kind, _, cond = vt.partition("(")
    vtype = ValueType(kind, cond.rstrip(")") or None)
    return InfoLine(tag, vr, vtype, values, loc=Location("c.cfg", line) if line else None)


def block(name: str, command: str, *lines: InfoLine, line: int = 1, **props: str) -> ConfigBlock:
    return ConfigBlock(
        name, command, tuple(lines), tuple(props.items()), loc=Location("c.cfg", line, 1)
    )


def config(
    existing: tuple[ConfigBlock, ...] = (),
    private: tuple[ConfigBlock, ...] = (),
    items: tuple[ConfigBlock, ...] = (),
    existing_items: tuple[ConfigBlock, ...] = (),
) -> CombineConfig:
    return CombineConfig(existing, private, items, existing_items, source="c.cfg")


# --- a small base: CT storage, print box, a META, two items ---------------------------------

SERVICES = ServiceProfile(
    (
        Service(1, "BASIC_COLOR_IMAGE_BOX", "BASE", "1.2.840.10008.5.1.1.4.1", None,
                ("N_SET_RQ", "N_SET_RSP")),
        Service(2, "STANDARD_CT", "BASE", "1.2.840.10008.5.1.4.1.1.2", "CT Image Storage",
                ("C_STORE_RQ", "C_STORE_RSP")),
        Service(3, "STORAGE", "META", "1.2.840.10008.4.2", "Storage", sop_classes=(2,)),
    ),
    (ItemRef("PREFORMATTED_COLOR_IMAGE", 1), ItemRef("REF_SOP", 2)),
)  # fmt: skip
INFO = InfoProfile(
    (
        InfoSection(1, "N_SET_RQ", (ln(Tag(0x2020, 0x0010), "US", "1"),)),
        InfoSection(1, "N_SET_RSP", (ln(Tag(0x2020, 0x0010), "US", "1"),)),
        InfoSection(
            2,
            "C_STORE_RQ",
            (
                ln(Tag(0x0008, 0x0016), "UI", "1"),
                ln(Tag(0x0010, 0x0010), "PN", "2"),
                ln(Tag(0x0010, 0x0040), "CS", "2"),
            ),
        ),
        InfoSection(2, "C_STORE_RSP", ()),
        InfoSection(1, "ITEM", (ln(Tag(0x0028, 0x0010), "US", "1"),)),
        InfoSection(2, "ITEM", (ln(Tag(0x0008, 0x1150), "UI", "1"),)),
    )
)
DICTIONARY = dictionary(
    "d.pfl",
    ("SOP Class UID", Tag(0x0008, 0x0016), "UI", "1"),
    ("Study Date", Tag(0x0008, 0x0020), "DA", "1"),
    ("Last Serviced By", Tag(0x0009, 0x2A, ACME), "PN", "1"),
    ("Private Items", Tag(0x0009, 0x2C, ACME), "SQ", "1"),
    ("Private Flag", Tag(0x0009, 0x2D, ACME), "CS", "1"),
    ("Patient's Name", Tag(0x0010, 0x0010), "PN", "1"),
)


def section(result_info: InfoProfile, number: int, command: str) -> InfoSection:
    return next(s for s in result_info.sections if (s.number, s.command) == (number, command))


# --- dcomb -----------------------------------------------------------------------------------


def test_merge_dictionaries_adds_keeps_identical_and_replaces_with_warning() -> None:
    base = dictionary(
        "base.pfl",
        ("SOP Class UID", Tag(0x0008, 0x0016), "UI", "1"),
        ("Storage Mode", Tag(0x0009, 0x10, "SPI"), "CS", "1"),
        ("Patient's Name", Tag(0x0010, 0x0010), "PN", "1"),
    )
    additions = dictionary(
        "add.pfl",
        ("Study Date", Tag(0x0008, 0x0020), "DA", "1"),
        ("Release", Tag(0x0009, 0x10, "SPI RELEASE 1"), "LO", "1"),
        ("Storage Mode", Tag(0x0009, 0x10, "SPI"), "CS", "1"),
        ("Patients Name", Tag(0x0010, 0x0010), "PN", "1-n"),
    )
    merged = merge_dictionaries(base, additions)
    assert [(e.name, str(e.tag)) for e in merged.dictionary.entries] == [
        ("SOP Class UID", "0008,0016"),
        ("Study Date", "0008,0020"),
        ("Release", "0009,SPI RELEASE 1,10"),
        ("Storage Mode", "0009,SPI,10"),
        ("Patients Name", "0010,0010"),
    ]
    assert [f"{w.file}:{w.line}: {w.message}" for w in merged.warnings] == [
        "add.pfl:4: replaces Patient's Name (PN 1) from base.pfl:3"
    ]
    assert (merged.added, merged.identical, merged.replaced) == (2, 1, 1)
    assert (
        merged.summary() == "5 entries written: 2 from the base, 2 added, 1 identical, 1 replaced"
    )


def test_merge_dictionaries_strict_turns_replacement_into_error() -> None:
    base = dictionary("base.pfl", ("Patient's Name", Tag(0x0010, 0x0010), "PN", "1"))
    additions = dictionary("add.pfl", ("Patient's Name", Tag(0x0010, 0x0010), "LO", "1"))
    with pytest.raises(ProfileError) as caught:
        merge_dictionaries(base, additions, strict=True)
    assert str(caught.value.first) == (
        "add.pfl:1:1: error: replaces Patient's Name (PN 1) from base.pfl:1 (--strict)"
    )


def test_merge_dictionaries_refuses_unsorted_input_unless_sort() -> None:
    base = dictionary("base.pfl", ("SOP Class UID", Tag(0x0008, 0x0016), "UI", "1"))
    additions = dictionary(
        "add.pfl",
        ("Patient's Name", Tag(0x0010, 0x0010), "PN", "1"),
        ("Study Date", Tag(0x0008, 0x0020), "DA", "1"),
    )
    with pytest.raises(ProfileError) as caught:
        merge_dictionaries(base, additions)
    first = caught.value.first
    assert (first.file, first.line) == ("add.pfl", 2)
    assert "entry out of order: 0008,0020 (Study Date) comes after 0010,0010" in first.message
    merged = merge_dictionaries(base, additions, sort=True)
    assert [str(e.tag) for e in merged.dictionary.entries] == [
        "0008,0016",
        "0008,0020",
        "0010,0010",
    ]


def test_merge_dictionaries_duplicates_inside_one_file() -> None:
    same = dictionary(
        "a.pfl",
        ("Study Date", Tag(0x0008, 0x0020), "DA", "1"),
        ("Study Date", Tag(0x0008, 0x0020), "DA", "1"),
    )
    merged = merge_dictionaries(same, Dictionary((), source="b.pfl"))
    assert len(merged.dictionary.entries) == 1
    assert merged.warnings[0].message == "duplicate of a.pfl:1, written once"
    clash = dictionary(
        "a.pfl",
        ("Study Date", Tag(0x0008, 0x0020), "DA", "1"),
        ("Study Day", Tag(0x0008, 0x0020), "DA", "1"),
    )
    with pytest.raises(ProfileError, match=r"0008,0020 is defined twice in this file"):
        merge_dictionaries(clash, Dictionary(()))


def test_double_space_creator_is_another_creator() -> None:
    base = dictionary("a.pfl", ("Mode", Tag(0x0009, 0x10, "SIEMENS CM VA0  CMS"), "CS", "1"))
    additions = dictionary("b.pfl", ("Mode", Tag(0x0009, 0x10, "SIEMENS CM VA0 CMS"), "LO", "1"))
    merged = merge_dictionaries(base, additions)
    assert merged.replaced == 0 and len(merged.dictionary.entries) == 2


def test_repeating_groups_are_separate_keys() -> None:
    base = dictionary("a.pfl", ("Overlay Rows", Tag(0x6000, 0x0010), "US", "1"))
    additions = dictionary(
        "b.pfl",
        ("Overlay Rows", Tag(0x6000, 0x0010), "US", "1"),
        ("Overlay Rows", Tag(0x6002, 0x0010), "US", "1"),
    )
    merged = merge_dictionaries(base, additions)
    assert [str(e.tag) for e in merged.dictionary.entries] == ["6000,0010", "6002,0010"]
    assert (merged.added, merged.identical, merged.replaced) == (1, 1, 0)


# --- icomb: existing services and items -------------------------------------------------------


def test_lines_merge_into_existing_message_in_tag_order() -> None:
    cfg = config(
        existing=(
            block(
                "STANDARD_CT",
                "C_STORE_RQ",
                ln(Tag(0x0009, 0x2A, ACME), "PN", line=3),
                ln(Tag(0x0008, 0x0020), "DA", line=4),
            ),
        )
    )
    result = apply_config(SERVICES, INFO, cfg)
    lines = section(result.info, 2, "C_STORE_RQ").lines
    assert [str(x.tag) for x in lines] == [
        "0008,0016",
        "0008,0020",
        f"0009,{ACME},2A",
        "0010,0010",
        "0010,0040",
    ]
    assert result.summary.describe() == "2 lines added to 1 message"
    assert result.services == SERVICES
    assert result.warnings == ()


def test_same_tag_other_definition_is_replaced_with_warning_or_strict_error() -> None:
    cfg = config(
        existing=(block("STANDARD_CT", "C_STORE_RQ", ln(Tag(0x0010, 0x0010), "PN", "1", line=7)),)
    )
    result = apply_config(SERVICES, INFO, cfg)
    assert section(result.info, 2, "C_STORE_RQ").lines[1].vt == ValueType("1")
    assert [str(w) for w in result.warnings] == [
        "c.cfg:7:1: warning: replaces 0010,0010@PN@2@@; in STANDARD_CT C_STORE_RQ"
    ]
    assert result.summary.describe() == "1 line replaced"
    with pytest.raises(ProfileError, match=r"c.cfg:7:1: error: replaces .* \(--strict\)"):
        apply_config(SERVICES, INFO, cfg, strict=True)


def test_identical_line_changes_nothing() -> None:
    cfg = config(existing=(block("STANDARD_CT", "C_STORE_RQ", ln(Tag(0x0010, 0x0010), "PN", "2")),))
    result = apply_config(SERVICES, INFO, cfg)
    assert result.info == INFO
    assert result.summary.describe() == "no changes"


@pytest.mark.parametrize(
    ("blk", "message"),
    [
        (block("STANDARD_MR", "C_STORE_RQ"), "unknown service STANDARD_MR"),
        (block("STANDARD_CTT", "C_STORE_RQ"), "unknown service STANDARD_CTT (did you mean"),
        (block("STANDARD_CT", "C_STORE"), "unknown command C_STORE, expected a DIMSE command"),
        (block("STANDARD_CT", "N_SET_RQ"), "service STANDARD_CT has no command N_SET_RQ"),
        (block("STORAGE", "C_STORE_RQ"), "STORAGE is a META service and has no messages"),
        (block("REF_SOP", "ITEM"), "[ REF_SOP, ITEM ] is an item; items get lines in EXISTING"),
    ],
)
def test_existing_service_section_errors(blk: ConfigBlock, message: str) -> None:
    with pytest.raises(ProfileError) as caught:
        apply_config(SERVICES, INFO, config(existing=(blk,)))
    assert caught.value.first.message.startswith(message)
    assert (caught.value.first.file, caught.value.first.line) == ("c.cfg", 1)


def test_existing_items_must_be_alphabetical_and_exist() -> None:
    good = config(
        existing_items=(
            block("PREFORMATTED_COLOR_IMAGE", "ITEM", ln(Tag(0x0008, 0x2222), "UI", "1")),
            block("REF_SOP", "ITEM", ln(Tag(0x0008, 0x1155), "UI", "1")),
        )
    )
    result = apply_config(SERVICES, INFO, good)
    assert result.summary.describe() == "2 lines added to 2 items"
    backwards = config(existing_items=tuple(reversed(good.existing_items)))
    with pytest.raises(ProfileError, match="must be in alphabetical order of item name"):
        apply_config(SERVICES, INFO, backwards)
    with pytest.raises(ProfileError, match="unknown item REF_SOPS"):
        apply_config(SERVICES, INFO, config(existing_items=(block("REF_SOPS", "ITEM"),)))


# --- icomb: private services and items --------------------------------------------------------


def acme_config() -> CombineConfig:
    """An ACME print service, items nested two deep, private lines in existing services."""
    return config(
        existing=(
            block(
                "BASIC_COLOR_IMAGE_BOX",
                "N_SET_RSP",
                ln(Tag(0x0009, 0x2A, ACME), "PN", line=2),
                ln(Tag(0x0009, 0x2C, ACME), "SQ", items=("ACME_OUTER_ITEM",), line=3),
                line=1,
            ),
        ),
        private=(
            block(
                "ACME_PRINT_QUEUE_MANAGEMENT",
                "MESSAGE",
                line=5,
                UID="1.2.3.4.5.6",
                DESCRIPTION="ACME print queue",
                TYPE="BASE",
            ),
            block("ACME_PRINT_QUEUE_MANAGEMENT", "N_GET_RQ", ln(Tag(0x2110, 0x0010), "CS"), line=9),
            block("ACME_PRINT_QUEUE_MANAGEMENT", "N_GET_RSP", ln(Tag(0x2110, 0x0010), "CS"), line=11),
        ),
        items=(
            block("ACME_OUTER_ITEM", "ITEM", ln(Tag(0x0040, 0xA730), "SQ", "1", ("ACME_INNER_ITEM",)), line=14),
            block("ACME_INNER_ITEM", "ITEM", ln(Tag(0x0009, 0x2D, ACME), "CS"), line=16),
        ),
    )  # fmt: skip


def test_private_service_and_items_take_next_numbers() -> None:
    result = apply_config(SERVICES, INFO, acme_config(), dictionary=DICTIONARY)
    new = result.services.services[-1]
    assert (new.number, new.name, new.commands) == (
        4,
        "ACME_PRINT_QUEUE_MANAGEMENT",
        ("N_GET_RQ", "N_GET_RSP"),
    )
    assert [(i.name, i.number) for i in result.services.items] == [
        ("PREFORMATTED_COLOR_IMAGE", 1),
        ("REF_SOP", 2),
        ("ACME_OUTER_ITEM", 3),
        ("ACME_INNER_ITEM", 4),
    ]
    assert [(s.number, s.command) for s in result.info.sections] == [
        (1, "N_SET_RQ"),
        (1, "N_SET_RSP"),
        (2, "C_STORE_RQ"),
        (2, "C_STORE_RSP"),
        (4, "N_GET_RQ"),
        (4, "N_GET_RSP"),
        (1, "ITEM"),
        (2, "ITEM"),
        (3, "ITEM"),
        (4, "ITEM"),
    ]
    assert result.summary.describe() == (
        "1 service added (ACME_PRINT_QUEUE_MANAGEMENT=0004), 2 items added"
        " (ACME_OUTER_ITEM=0003, ACME_INNER_ITEM=0004), 2 lines added to 1 message"
    )
    assert [str(w) for w in result.warnings] == [
        "c.cfg:0:0: warning: (2110,0010) is not in the dictionary d.pfl",
        "c.cfg:0:0: warning: (2110,0010) is not in the dictionary d.pfl",
        "c.cfg:0:0: warning: (0040,A730) is not in the dictionary d.pfl",
    ]


def test_applying_the_same_configuration_twice_changes_nothing() -> None:
    once = apply_config(SERVICES, INFO, acme_config())
    twice = apply_config(once.services, once.info, acme_config())
    assert (twice.services, twice.info) == (once.services, once.info)
    assert twice.summary.describe() == (
        "already present and unchanged: ACME_PRINT_QUEUE_MANAGEMENT, ACME_OUTER_ITEM,"
        " ACME_INNER_ITEM"
    )


def test_private_definitions_that_differ_from_existing_ones_are_errors() -> None:
    once = apply_config(SERVICES, INFO, acme_config())
    changed = config(
        private=(
            block("ACME_PRINT_QUEUE_MANAGEMENT", "MESSAGE", UID="1.2.3.4.5.7", TYPE="BASE"),
            block("ACME_PRINT_QUEUE_MANAGEMENT", "N_GET_RQ"),
        ),
        items=(block("REF_SOP", "ITEM", ln(Tag(0x0008, 0x1150), "UI", "2"), line=8),),
    )
    with pytest.raises(ProfileError) as caught:
        apply_config(once.services, once.info, changed)
    assert [d.message for d in caught.value.diagnostics] == [
        "service ACME_PRINT_QUEUE_MANAGEMENT already exists as 0004 with a different definition"
        " (uid: '1.2.3.4.5.6' there, '1.2.3.4.5.7' here)",
        "item REF_SOP already exists as 0002 with different lines",
    ]


@pytest.mark.parametrize(
    ("cfg", "message"),
    [
        (
            config(items=(block("X_ITEM", "ITEM"), block("X_ITEM", "ITEM", line=4))),
            "c.cfg:4:1: error: item X_ITEM is defined twice (first at line 1)",
        ),
        (
            config(
                existing=(
                    block("STANDARD_CT", "C_STORE_RQ", ln(Tag(0x0009, 0x99, ACME), "LO", line=2)),
                )
            ),
            f"c.cfg:2:1: error: private tag (0009,xx99) {ACME} is not in the dictionary d.pfl",
        ),
        (
            config(
                existing=(
                    block("STANDARD_CT", "C_STORE_RQ", ln(Tag(0x0009, 0x2A, ACME), "LO", line=2)),
                )
            ),
            f"c.cfg:2:1: error: VR LO does not agree with the dictionary: (0009,xx2A) {ACME}"
            " Last Serviced By is PN",
        ),
        (
            config(
                existing=(
                    block("STANDARD_CT", "C_STORE_RQ", ln(Tag(0x0010, 0x0010), "PN", line=2),
                          ln(Tag(0x0010, 0x0010), "PN", "1", line=3)),
                )
            ),
            "c.cfg:3:1: error: 0010,0010 is listed twice in [ STANDARD_CT, C_STORE_RQ ]"
            " (first at line 2)",
        ),
        (
            config(
                existing=(
                    block("STANDARD_CT", "C_STORE_RQ",
                          ln(Tag(0x0009, 0x2C, ACME), "SQ", items=("NO_SUCH_ITEM",), line=2)),
                )
            ),
            f"c.cfg:2:1: error: sequence 0009,{ACME},2C names item NO_SUCH_ITEM, which neither"
            " the ITEM_TABLE nor this file defines",
        ),
        (
            config(
                existing=(
                    block("STANDARD_CT", "C_STORE_RQ", ln(Tag(0x0008, 0x0020), "DA", line=2)),
                    block("STANDARD_CT", "C_STORE_RQ", ln(Tag(0x0008, 0x0020), "DA", "1", line=5)),
                )
            ),
            "c.cfg:5:1: error: 0008,0020 of STANDARD_CT C_STORE_RQ is given twice in this file"
            " with different definitions (first at line 2)",
        ),
        (
            config(private=(block("ACME_X", "N_GET_RQ", line=3),)),
            "c.cfg:3:1: error: [ ACME_X, N_GET_RQ ] must follow its [ ACME_X, MESSAGE ] block",
        ),
        (
            config(private=(block("ACME_X", "MESSAGE", UID="1.2.03"), block("ACME_X", "N_GET_RQ"))),
            "c.cfg:1:1: error: UID of ACME_X: expected digits and dots, at most 64 characters,"
            " found '1.2.03'",
        ),
        (
            config(items=(block("I" * 65, "ITEM", line=2),)),
            "c.cfg:2:1: error: item name IIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIII"
            " has 65 characters, at most 64",
        ),
        (
            config(private=(block("ACME_X", "MESSAGE", TYPE="BASE"),)),
            "c.cfg:1:1: error: [ ACME_X, MESSAGE ] has no UID",
        ),
        (
            config(private=(block("ACME_X", "MESSAGE", UID="1.2", TYPE="BASE", COLOR="red"),)),
            "c.cfg:1:1: error: unknown key COLOR in [ ACME_X, MESSAGE ], expected UID,"
            " DESCRIPTION or TYPE (META: SOP_CLASS_k)",
        ),
        (
            config(
                private=(block("ACME_X", "MESSAGE", UID="1.2"), block("ACME_X", "N_GET_RQ")),
                existing=(block("ACME_X", "N_GET_RQ"),),
            ),
            "c.cfg:1:1: error: unknown service ACME_X; it is defined in PRIVATE_SERVICE_SECTION"
            " of this file, put its lines there",
        ),
        (
            config(items=(block("NEW_ITEM", "ITEM"),), existing_items=(block("NEW_ITEM", "ITEM"),)),
            "c.cfg:1:1: error: unknown item NEW_ITEM; it is defined in PRIVATE_ITEM_SECTION of"
            " this file, put its lines there",
        ),
    ],
)  # fmt: skip
def test_configuration_errors(cfg: CombineConfig, message: str) -> None:
    with pytest.raises(ProfileError) as caught:
        apply_config(SERVICES, INFO, cfg, dictionary=DICTIONARY)
    assert str(caught.value.first) == message


def test_private_meta_service_names_its_sop_classes() -> None:
    cfg = config(
        private=(
            block("ACME_X", "MESSAGE", UID="1.2.3", TYPE="BASE"),
            block("ACME_X", "C_STORE_RQ"),
            block(
                "ACME_STORAGE",
                "MESSAGE",
                UID="1.2.4",
                TYPE="META",
                SOP_CLASSES_INCLUDED="2",
                SOP_CLASS_1="STANDARD_CT",
                SOP_CLASS_2="ACME_X",
            ),
        )
    )
    result = apply_config(SERVICES, INFO, cfg)
    meta = result.services.services[-1]
    assert (meta.number, meta.type, meta.sop_classes) == (5, "META", (2, 4))
    bad = config(private=(block("M", "MESSAGE", UID="1", TYPE="META", SOP_CLASS_1="STORAGE"),))
    with pytest.raises(ProfileError, match="SOP class STORAGE of M is not a BASE service"):
        apply_config(SERVICES, INFO, bad)


def test_configs_apply_in_order_and_sum_their_summaries() -> None:
    first = config(items=(block("ACME_ITEM", "ITEM", ln(Tag(0x0008, 0x0020), "DA")),))
    second = config(existing_items=(block("ACME_ITEM", "ITEM", ln(Tag(0x0008, 0x0016), "UI")),))
    result = apply_configs(SERVICES, INFO, [first, second])
    assert [str(x.tag) for x in section(result.info, 3, "ITEM").lines] == [
        "0008,0016",
        "0008,0020",
    ]
    assert result.summary.describe() == "1 item added (ACME_ITEM=0003), 1 line added to 1 item"


def test_summary_of_nothing() -> None:
    assert ChangeSummary().describe() == "no changes"
    assert not ChangeSummary().changed


def test_an_old_mdict_service_name_is_read_as_the_new_one_with_a_warning() -> None:
    """Configurations written for earlier mdict releases name services as
    those did (CT_IMAGE): icomb reads them under the standard profiles' name."""
    old = config(existing=(block("CT_IMAGE", "C_STORE_RQ", ln(Tag(0x0008, 0x0020), "DA", line=3)),))
    new = config(
        existing=(block("STANDARD_CT", "C_STORE_RQ", ln(Tag(0x0008, 0x0020), "DA", line=3)),)
    )
    result = apply_config(SERVICES, INFO, old)
    assert result.info == apply_config(SERVICES, INFO, new).info
    assert [str(w) for w in result.warnings] == [
        "c.cfg:1:1: warning: service CT_IMAGE is now called STANDARD_CT:"
        " read as [ STANDARD_CT, C_STORE_RQ ]"
    ]
    unknown = config(existing=(block("NO_SUCH_IMAGE", "C_STORE_RQ"),))
    with pytest.raises(ProfileError, match="unknown service NO_SUCH_IMAGE"):
        apply_config(SERVICES, INFO, unknown)


def test_an_old_mdict_item_name_is_read_as_the_new_one_with_a_warning() -> None:
    old = config(existing_items=(block("REFERENCED_SOP_4", "ITEM", ln(Tag(0x0008, 0x0020), "DA")),))
    new = config(existing_items=(block("REF_SOP", "ITEM", ln(Tag(0x0008, 0x0020), "DA")),))
    result = apply_config(SERVICES, INFO, old)
    assert result.info == apply_config(SERVICES, INFO, new).info
    assert [str(w) for w in result.warnings] == [
        "c.cfg:1:1: warning: item REFERENCED_SOP_4 is now called REF_SOP: read as [ REF_SOP, ITEM ]"
    ]
