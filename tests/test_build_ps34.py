"""tools/data/ps34.txt: the PS3.4 transcription, table by table, so that a
slip (a key dropped, a type changed, a tag mistyped) shows."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mdict.model import Tag  # noqa: E402
from tools.build_ps34 import (  # noqa: E402
    Block,
    TranscriptionError,
    block_messages,
    check_keywords,
    message_type,
    read_blocks,
)


@pytest.fixture(scope="module")
def blocks() -> dict[tuple[str, str], Block]:
    """(first command, first service) -> block."""
    return {(b.commands[0], b.services[0]): b for b in read_blocks()}


def _tag(text: str) -> Tag:
    group, element = text.split(",")
    return Tag(int(group, 16), int(element, 16))


def _row_types(block: Block, tag: str, depth: int = 0) -> tuple[str, ...]:
    return next(r.types for r in block.rows if r.tag == _tag(tag) and r.depth == depth)


def test_keywords_agree_with_the_dictionary() -> None:
    from pydicom.datadict import keyword_for_tag

    class Keywords(dict[Tag, str]):
        def __missing__(self, tag: Tag) -> str:
            return keyword_for_tag(tag.group << 16 | tag.element)

        def get(self, tag: Tag, default: object = None) -> str:  # type: ignore[override]
            return self[tag]

    assert check_keywords(read_blocks(), Keywords()) == []


# (block, level) -> (top-level keys, required or unique keys R/U)
LEVEL_COUNTS = {
    ("PATIENT_ROOT_QR_FIND", "PATIENT"): (14, 2),
    ("PATIENT_ROOT_QR_FIND", "STUDY"): (23, 5),
    ("PATIENT_ROOT_QR_FIND", "SERIES"): (12, 3),
    ("PATIENT_ROOT_QR_FIND", "IMAGE"): (18, 2),
    ("STUDY_ROOT_QR_FIND", "STUDY"): (37, 7),
    ("STUDY_ROOT_QR_FIND", "SERIES"): (12, 3),
    ("STUDY_ROOT_QR_FIND", "IMAGE"): (18, 2),
    ("PATIENT_STUDY_ONLY_QR_FIND", "PATIENT"): (12, 2),
    ("PATIENT_STUDY_ONLY_QR_FIND", "STUDY"): (19, 5),
}


@pytest.mark.parametrize(("key", "expected"), sorted(LEVEL_COUNTS.items()))
def test_query_retrieve_keys_per_level(
    blocks: dict[tuple[str, str], Block], key: tuple[str, str], expected: tuple[int, int]
) -> None:
    block = blocks[("C_FIND", key[0])]
    rows = [r for r in block.rows if r.level == key[1] and r.depth == 0]
    matching = Counter(r.types[0].split("/")[0] for r in rows)
    assert (len(rows), matching["R"] + matching["U"]) == expected
    assert matching["U"] == 1  # one unique key per level (C.6.1.1, C.6.2.1)


def test_required_keys_of_each_table(blocks: dict[tuple[str, str], Block]) -> None:
    patient_root = blocks[("C_FIND", "PATIENT_ROOT_QR_FIND")]
    assert _row_types(patient_root, "0010,0020") == ("U/1",)  # Patient ID: unique (C.6-1)
    assert _row_types(patient_root, "0020,000D") == ("U/1",)  # Study Instance UID (C.6-2)
    study_root = blocks[("C_FIND", "STUDY_ROOT_QR_FIND")]
    assert _row_types(study_root, "0010,0020") == ("R/2",)  # required at study level (C.6-5)
    worklist = blocks[("C_FIND", "MODALITY_WORKLIST_FIND")]
    assert _row_types(worklist, "0040,0001", 1) == ("R/1",)  # Scheduled Station AE Title (K.6-1)
    assert _row_types(worklist, "0008,0060", 1) == ("R/1",)
    mpps = blocks[("N_CREATE", "PERFORMED_PROCEDURE_STEP")]
    assert mpps.commands == ("N_CREATE", "N_SET")
    assert _row_types(mpps, "0040,0252") == ("1/1", "3/1")  # status: F.7.2-1
    assert _row_types(mpps, "0010,0020") == ("2/2", "-")  # Patient ID: not in N-SET
    commitment = blocks[("N_ACTION", "STORAGE_COMMITMENT_PUSH")]
    assert _row_types(commitment, "0008,1195") == ("1/1",)  # Transaction UID (J.3-1)
    report = blocks[("N_EVENT_REPORT", "STORAGE_COMMITMENT_PUSH")]
    assert _row_types(report, "0008,1198") == ("-/1C",)  # Failed SOP Sequence (J.3-2)


def test_worklist_key_counts(blocks: dict[tuple[str, str], Block]) -> None:
    worklist = blocks[("C_FIND", "MODALITY_WORKLIST_FIND")]
    depth = Counter(r.depth for r in worklist.rows)
    assert depth == {0: 38, 1: 25, 2: 4}
    step = [r for r in worklist.rows if r.depth == 1][:17]
    assert sum(r.types[0].startswith("R/") for r in step) == 5  # K.6-1: R keys of the step


def test_mpps_row_counts(blocks: dict[tuple[str, str], Block]) -> None:
    mpps = blocks[("N_CREATE", "PERFORMED_PROCEDURE_STEP")]
    assert len(mpps.rows) == 74
    settable = [r for r in mpps.rows if r.depth == 0 and r.types[1] != "-"]
    assert len(settable) == 11  # the attributes N-SET may change (F.7.2-1)


def test_value_types_per_message() -> None:
    level, charset, other = Tag(0x0008, 0x0052), Tag(0x0008, 0x0005), Tag(0x0010, 0x0010)
    assert message_type("C_FIND", "C_FIND_RQ", "-/1", level) == "1"
    assert message_type("C_FIND", "C_FIND_RSP", "O/1C", charset) == "1C"
    assert message_type("C_FIND", "C_FIND_RQ", "R/1", other) == "3"  # keys are optional
    assert message_type("N_CREATE", "N_CREATE_RQ", "2/2", other) == "2"
    assert message_type("N_CREATE", "N_CREATE_RSP", "2/2", other) == "3"
    assert message_type("N_SET", "N_SET_RQ", "-", other) is None
    assert message_type("N_EVENT_REPORT", "N_EVENT_REPORT_RQ", "-/1C", other) == "1C"
    assert message_type("N_CREATE_RSP", "N_CREATE_RSP", "1", other) == "1"


def test_blocks_make_the_messages_of_their_commands(blocks: dict[tuple[str, str], Block]) -> None:
    mpps = blocks[("N_CREATE", "PERFORMED_PROCEDURE_STEP")]
    assert [m for m, _, _ in block_messages(mpps)] == [
        "N_CREATE_RQ",
        "N_CREATE_RSP",
        "N_SET_RQ",
        "N_SET_RSP",
    ]
    commitment = blocks[("N_ACTION", "STORAGE_COMMITMENT_PUSH")]
    assert [m for m, _, _ in block_messages(commitment)] == ["N_ACTION_RQ"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0010,0010 PatientName R/1\n", "a row before the first [COMMAND SERVICE] header"),
        ("[C_FIND X] T\n0010,0010 PatientName Q/1\n", "type 'Q/1' does not fit C_FIND"),
        ("[C_FIND X] T\n0010,0010 PatientName R/1 3/3\n", "1 type column(s) expected, found 2"),
        ("[C_FROB X] T\n", "unknown command C_FROB"),
        (
            "[C_FIND X] T\n0010,001 PatientName R/1\n",
            "expected [>...]GGGG,EEEE KEYWORD TYPES [| TEXT]",
        ),
        ("[C_FIND X] T\n@level PATIENT\n", "expected @level NAME TABLE"),
    ],
)
def test_layout_slips_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "ps34.txt"
    path.write_text("# header\n" + text)
    with pytest.raises(TranscriptionError) as raised:
        read_blocks(path)
    assert str(raised.value) == f"ps34.txt:{text.count(chr(10)) + 1}: {message}"
