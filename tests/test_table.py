"""mdict table: rows, nesting, the three formats, lookups that fail."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from private_helpers import database, real_database, write_dicom

from mdict.errors import LookupFailed
from mdict.private.table import format_table, message_rows


def test_rows_in_tag_order_with_nested_items() -> None:
    title, rows = message_rows(database(), "STANDARD_CT", "c_store_rq")
    assert title == "STANDARD_CT C_STORE_RQ (CT Image Storage)"
    names = [r.cells()[0] for r in rows]
    assert names[:6] == [
        "Image Type",
        "SOP Class UID",
        "SOP Instance UID",
        "Referenced Image Sequence",
        ">Referenced SOP Class UID",
        ">Referenced SOP Instance UID",
    ]
    assert ">Inner Note [ACME INNER]" in names
    ref = rows[3]
    assert (ref.type, ref.condition, ref.vr) == ("1C", "HAS_REFERENCES", "SQ")


def test_service_by_uid_and_number() -> None:
    by_uid = message_rows(database(), "1.2.840.10008.5.1.4.1.1.2", "C_STORE_RQ")
    by_number = message_rows(database(), "1", "C_STORE_RQ")
    assert by_uid == by_number


def test_markdown_csv_html() -> None:
    title, rows = message_rows(database(), "STANDARD_CT", "C_STORE_RQ")
    md = format_table(title, rows, "markdown")
    assert "| Patient's Sex | (0010,0040) | CS | 1 | 2 |  | E<M, F, O> |" in md
    parsed = list(csv.reader(io.StringIO(format_table(title, rows, "csv"))))
    assert parsed[0] == ["Attribute", "Tag", "VR", "VM", "Type", "Condition", "Values"]
    assert len(parsed) == len(rows) + 1
    page = format_table(title, rows, "html")
    assert "<td>Patient&#x27;s Sex</td>" in page and page.count("<tr>") == len(rows) + 1


@pytest.mark.parametrize(
    ("service", "command", "message"),
    [
        ("NO_SUCH", "C_STORE_RQ", "no service 'NO_SUCH'"),
        ("STANDARD_CT", "N_GET_RQ", "has no N_GET_RQ message (it has: C_STORE_RQ, C_STORE_RSP)"),
    ],
)
def test_lookup_errors(service: str, command: str, message: str) -> None:
    with pytest.raises(LookupFailed, match=message.replace("(", r"\(").replace(")", r"\)")):
        message_rows(database(), service, command)


def test_same_table_and_dump_with_mdict_load_database(tmp_path: Path) -> None:
    """The double and mdict.load's in-memory Database give the same results."""
    pytest.importorskip("mdict.db.database")
    from pydicom import dcmread

    from mdict.private.dump import Dumper

    real = real_database()
    assert message_rows(real, "STANDARD_CT", "C_STORE_RQ") == message_rows(
        database(), "STANDARD_CT", "C_STORE_RQ"
    )
    write_dicom(tmp_path / "a.dcm", implicit=True)
    ds = dcmread(tmp_path / "a.dcm")
    dumps = []
    for db in (real, database()):
        dumper = Dumper(db)
        dumps.append(dumper.dump(ds, dumper.message_for(ds)[1]))
    assert dumps[0] == dumps[1]


def test_groups_follow_the_modules_and_collect_the_rest() -> None:
    from mdict.db.database import Database
    from mdict.parse.modules import parse_modules
    from mdict.private.table import OTHER, format_groups, message_groups

    real = real_database()
    assert message_groups(real, "STANDARD_CT", "C_STORE_RQ")[1] is None  # no modules: flat
    modules = parse_modules(
        "[ STANDARD_CT, C_STORE_RQ ]\n"
        "SOP Common (M): 0008,0016 0008,0018\n"
        "Referenced Images (U, HAS_REFERENCES): 0008,1140\n"
    )
    flat_db = real
    assert isinstance(flat_db, Database)
    db = Database.from_profiles(
        flat_db.dictionary_model(), flat_db.services_model(), flat_db.info_model(), None, modules
    )
    title, groups = message_groups(db, "1", "c_store_rq")
    assert groups is not None and title == "STANDARD_CT C_STORE_RQ (CT Image Storage)"
    assert [g.heading for g in groups] == [
        "SOP Common (M)",
        "Referenced Images (U, HAS_REFERENCES)",
        OTHER,
    ]
    assert [r.cells()[0] for r in groups[1].rows][:3] == [
        "Referenced Image Sequence",
        ">Referenced SOP Class UID",
        ">Referenced SOP Instance UID",
    ]
    _, rows = message_rows(db, "STANDARD_CT", "C_STORE_RQ")
    assert sorted(r.cells() for g in groups for r in g.rows) == sorted(r.cells() for r in rows)
    md = format_groups(title, groups, "markdown")
    assert "\n### Referenced Images (U, HAS_REFERENCES)\n\n| Attribute |" in md
    assert md.endswith(" |\n")
