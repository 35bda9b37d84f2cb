"""Hostile or mistaken input to the validator: a finding or one clear
exception, never a crash (deep trees, unknown VRs, deflate bombs, wrong
arguments)."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydicom import dcmread
from pydicom.sequence import Sequence
from pydicom.uid import DeflatedExplicitVRLittleEndian

import mdict
from mdict.cli import main
from mdict.private.learn import scan_file
from mdict.validation import elements
from mdict.validation.plan import MAX_DEPTH
from mdict.validation.validator import validator_for
from tools.defects import Case, _text_item, basic_text_sr, ct_image


def test_a_content_tree_400_levels_deep_is_one_finding() -> None:
    ds = basic_text_sr()
    item = ds.ContentSequence[0]
    for _ in range(400):
        child = _text_item("deeper")
        child.RelationshipType = "HAS PROPERTIES"
        item.ContentSequence = Sequence([child])
        item = child
    report = mdict.validate(ds)
    deep = [f for f in report if f.code == "NESTING_TOO_DEEP"]
    assert len(deep) == 1 and deep[0].severity == "error"
    assert deep[0].path.count("[1]/") == MAX_DEPTH  # the sequence whose items are too deep


def test_a_tree_at_the_limit_is_walked_without_the_finding() -> None:
    ds = basic_text_sr()
    item = ds.ContentSequence[0]
    for _ in range(MAX_DEPTH - 2):
        child = _text_item("deeper")
        child.RelationshipType = "HAS PROPERTIES"
        item.ContentSequence = Sequence([child])
        item = child
    del item.ValueType
    found = {f.code for f in mdict.validate(ds, level="warnings")}
    assert found == {"REQUIRED_ATTRIBUTE_MISSING"}


def _unknown_vr_file(tmp_path: Path) -> Path:
    import struct

    data = Case("x", "x", ct_image()).data()
    data += struct.pack("<HH", 0x0011, 0x0010) + b"LO" + struct.pack("<H", 4) + b"ACME"
    data += struct.pack("<HH", 0x0011, 0x1001) + b"ZZ" + struct.pack("<H", 4) + b"abcd"
    path = tmp_path / "zz.dcm"
    path.write_bytes(data)
    return path


def test_an_unknown_vr_is_invalid_vr_in_validate(tmp_path: Path) -> None:
    report = validator_for().validate_file(_unknown_vr_file(tmp_path), level="warnings")
    assert [(f.code, f.path, f.message) for f in report] == [
        ("INVALID_VR", "(0011,1001)", "VR 'ZZ' is not a DICOM VR")
    ]


def test_dump_shows_an_unknown_vr_element_as_bytes(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["dump", str(_unknown_vr_file(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "(0011,1001) UN  1  ? [ACME]" in result.output
    assert "<4 bytes: 61 62 63 64>" in result.output


def test_validate_reads_a_path(tmp_path: Path) -> None:
    path = tmp_path / "ct.dcm"
    path.write_bytes(Case("x", "x", ct_image()).data())
    assert mdict.validate(str(path)).source == str(path)
    assert mdict.validate(path, level="warnings").findings == ()


def test_validate_rejects_what_is_neither_dataset_nor_path() -> None:
    with pytest.raises(TypeError, match=r"takes a pydicom Dataset .* not int"):
        mdict.validate(42)  # type: ignore[arg-type]


@pytest.mark.parametrize("call", ["dataset", "file"])
def test_an_unknown_level_names_the_levels(call: str, tmp_path: Path) -> None:
    path = tmp_path / "ct.dcm"
    path.write_bytes(Case("x", "x", ct_image()).data())
    target = ct_image() if call == "dataset" else path
    with pytest.raises(
        ValueError, match="level must be one of errors, warnings, info; not 'bogus'"
    ):
        mdict.validate(target, level="bogus")


def _bomb(tmp_path: Path, megabytes: int) -> Path:
    ds = ct_image()
    ds.Rows = ds.Columns = 1024
    ds.NumberOfFrames = megabytes // 2
    ds.PixelData = bytes(megabytes * 2**20)
    path = tmp_path / "bomb.dcm"
    path.write_bytes(Case("x", "x", ds, syntax=DeflatedExplicitVRLittleEndian).data())
    assert path.stat().st_size < megabytes * 2**20 // 100
    return path


def test_a_deflate_bomb_is_one_finding_in_bounded_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _bomb(tmp_path, 16)
    monkeypatch.setattr(elements, "MAX_INFLATED", 8 * 2**20)
    tracemalloc.start()
    try:
        report = validator_for().validate_file(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [(f.code, f.severity) for f in report] == [("INFLATED_TOO_LARGE", "error")]
    assert "inflates to more than 8388608 bytes" in report.findings[0].message
    assert peak < 4 * 2**20
    result = CliRunner().invoke(main, ["dump", str(path)])
    assert result.exit_code == 2
    assert "inflates to more than" in result.output
    assert "inflates to more than" in (scan_file(str(path)).error or "")


def test_a_deflated_file_under_the_limit_is_read(tmp_path: Path) -> None:
    path = _bomb(tmp_path, 2)
    assert elements.inflated_too_large(str(path)) is None
    assert dcmread(path).Rows == 1024
    assert elements.inflated_too_large(str(path), limit=2**20) is not None
