"""mdict dump: annotation with the database, private blocks, sequences, filter."""

from __future__ import annotations

from pathlib import Path

import pytest
from private_helpers import database, write_dicom

from mdict.private.dump import Dumper, format_dump


@pytest.fixture(params=[True, False], ids=["implicit", "explicit"])
def dumped(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, list[str]]:
    from pydicom import dcmread

    path = tmp_path / "a.dcm"
    write_dicom(path, implicit=request.param, index=1)
    dumper = Dumper(database())
    dataset = dcmread(path)
    header, section = dumper.message_for(dataset)
    return header, [str(ln) for ln in dumper.dump(dataset, section)]


def _line(lines: list[str], start: str) -> str:
    (found,) = [ln for ln in lines if ln.lstrip().startswith(start)]
    return found


def test_message_found_from_sop_class(dumped: tuple[str, list[str]]) -> None:
    assert dumped[0] == "STANDARD_CT C_STORE_RQ (1.2.840.10008.5.1.4.1.1.2)"


def test_private_attribute_named_with_vr_from_database(dumped: tuple[str, list[str]]) -> None:
    line = _line(dumped[1], "(0009,102B)")
    assert line.split()[1:3] == ["DS", "2"]
    assert "Gains [ACME Imaging Group]" in line and "1.5\\2.25" in line
    assert line.endswith("[not in the message]")


def test_type_and_enumerated_values(dumped: tuple[str, list[str]]) -> None:
    assert _line(dumped[1], "(0010,0040)").endswith("O  [type 2; E<M, F, O>: ok]")
    assert _line(dumped[1], "(0009,1010)").endswith("FAST  [type 3; E<FAST, SLOW>: ok]")


def test_nested_sequence_indented_with_item_spec(dumped: tuple[str, list[str]]) -> None:
    lines = dumped[1]
    assert "  > item 1 (ACME_ITEM)" in lines
    inner = _line(lines, "(0011,1001)")
    assert inner.startswith("  (0011,1001) LO")
    assert inner.endswith("inside a sequence  [type 3]")


def test_absent_required_attributes_listed(dumped: tuple[str, list[str]]) -> None:
    assert _line(dumped[1], "(0010,0020)").endswith("<absent>  [type 2]")
    assert "[type 1C(HAS_REFERENCES)]" in _line(dumped[1], "(0008,1140)")
    assert not [ln for ln in dumped[1] if "(0009,xx30)" in ln]  # type 3: not required


def test_value_outside_enumerated_values(tmp_path: Path) -> None:
    from pydicom import dcmread

    path = tmp_path / "a.dcm"
    write_dicom(path, implicit=False)
    ds = dcmread(path)
    ds.PatientSex = "X"
    dumper = Dumper(database())
    lines = [str(ln) for ln in dumper.dump(ds, dumper.message_for(ds)[1])]
    assert _line(lines, "(0010,0040)").endswith(
        "[type 2; NOT one of the enumerated values E<M, F, O>: X]"
    )


def test_unknown_sop_class_uses_dictionary_only(tmp_path: Path) -> None:
    from pydicom import dcmread

    path = tmp_path / "a.dcm"
    write_dicom(path, implicit=False)
    ds = dcmread(path)
    ds.SOPClassUID = "1.2.3.4"
    header, section = Dumper(database()).message_for(ds)
    assert section is None and "not a service in the database" in header
    lines = [str(ln) for ln in Dumper(database()).dump(ds, section)]
    assert not any("<absent>" in ln or "not in the message" in ln for ln in lines)


def test_filter(dumped: tuple[str, list[str]]) -> None:
    text = format_dump("h", [], None)
    assert text == "# h\n"
    from mdict.private.dump import DumpLine

    lines = [
        DumpLine(0, "(0010,0010)", "PN", 1, "Patient's Name", "X"),
        DumpLine(0, "(0008,0016)", "UI", 1, "SOP Class UID", "1.2"),
    ]
    assert format_dump("h", lines, "Patient").splitlines() == ["# h", str(lines[0])]


def test_private_tag_only_pydicom_knows_is_named_and_marked(tmp_path: Path) -> None:
    from pydicom import Dataset

    ds = Dataset()
    ds.private_block(0x0029, "SIEMENS CSA HEADER", create=True).add_new(0x08, "CS", "IMAGE NUM 4")
    ds.private_block(0x0029, "NOBODY KNOWS", create=True).add_new(0x08, "CS", "X")
    lines = [str(ln) for ln in Dumper(database()).dump(ds, None)]
    assert "CSA Image Header Type (pydicom) [SIEMENS CSA HEADER]" in _line(lines, "(0029,1008)")
    assert "? [NOBODY KNOWS]" in _line(lines, "(0029,1108)")


def test_file_meta_printed_first_and_not_absent(tmp_path: Path) -> None:
    """The file meta information is part of the file: it was neither printed
    nor matched, so the standard message listed it as <absent>."""
    from pydicom import dcmread

    import mdict

    path = tmp_path / "a.dcm"
    write_dicom(path, implicit=False)
    ds = dcmread(path)
    dumper = Dumper(mdict.default_database())
    lines = [str(ln) for ln in dumper.dump(ds, dumper.message_for(ds)[1])]
    tsyntax = _line(lines, "(0002,0010)")
    assert "1.2.840.10008.1.2.1" in tsyntax and "<absent>" not in tsyntax
    assert lines[0].startswith("(0002,")
    section = Dumper(database()).message_for(ds)[1]  # a message without file meta lines
    lines = [str(ln) for ln in Dumper(database()).dump(ds, section)]
    assert not [ln for ln in lines if ln.startswith("(0002,") and "not in the message" in ln]


def test_message_from_file_meta_when_dataset_lacks_sop_class(tmp_path: Path) -> None:
    """As mdict validate: the Media Storage SOP Class UID names the message."""
    from pydicom import dcmread

    path = tmp_path / "a.dcm"
    write_dicom(path, implicit=False)
    ds = dcmread(path)
    del ds.SOPClassUID
    header, section = Dumper(database()).message_for(ds)
    assert section is not None and header.startswith("STANDARD_CT C_STORE_RQ")


def test_pydicom_warnings_do_not_reach_the_console(tmp_path: Path) -> None:
    """As in validate: a value pydicom cannot decode is shown, not warned about."""
    import warnings

    from pydicom import dcmread
    from pydicom.dataelem import RawDataElement
    from pydicom.tag import Tag as DicomTag

    path = tmp_path / "a.dcm"
    write_dicom(path, implicit=False)
    ds = dcmread(path)
    ds.SpecificCharacterSet = "ISO_IR 192"
    raw = bytes.fromhex("fffe5e626164")
    ds[0x00100010] = RawDataElement(DicomTag(0x00100010), "PN", len(raw), raw, 0, False, True)
    dumper = Dumper(database())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lines = [str(ln) for ln in dumper.dump(ds, dumper.message_for(ds)[1])]
    assert "^bad" in _line(lines, "(0010,0010)")
    assert not caught
