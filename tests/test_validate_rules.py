"""Consistency rules (mdict.validation.rules): the photometric table, pixel
lengths of in-memory datasets, functional group items, --ignore."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

import mdict
from mdict.cli import main
from mdict.validation.rules import check_rules, photometric_allowed
from tools.defects import J2K, J2K_LOSSLESS, JPEG_BASELINE, RLE, Case, ct_image, sc_image

NATIVE = "1.2.840.10008.1.2.1"


@pytest.mark.parametrize(
    ("photometric", "syntax", "allowed"),
    [
        ("YBR_FULL_422", NATIVE, True),
        ("YBR_FULL_422", JPEG_BASELINE, True),
        ("YBR_FULL_422", J2K, False),
        ("YBR_ICT", J2K, True),
        ("YBR_ICT", J2K_LOSSLESS, False),
        ("YBR_RCT", J2K_LOSSLESS, True),
        ("YBR_RCT", RLE, False),
        ("YBR_PARTIAL_420", "1.2.840.10008.1.2.4.102", True),
        ("YBR_PARTIAL_420", NATIVE, False),
        ("PALETTE COLOR", JPEG_BASELINE, False),
        ("PALETTE COLOR", RLE, True),
        ("MONOCHROME2", "1.2.3.4", True),  # an unknown syntax: no rule
    ],
)
def test_photometric_table(photometric: str, syntax: str, allowed: bool) -> None:
    assert (photometric_allowed(photometric, syntax) is None) is allowed


def _codes(ds: Dataset) -> list[tuple[str, str, str]]:
    return [(f.code, f.path, f.severity) for f in check_rules(ds)]


def test_in_memory_datasets_are_checked_like_files() -> None:
    ds = ct_image()
    Case("x", "x", ds).data()  # gives it its file meta information
    assert _codes(ds) == []
    ds.PixelData = bytes(8)
    assert _codes(ds) == [("PIXEL_DATA_LENGTH", "(7FE0,0010)", "error")]
    ds.PixelData = bytes(32)
    del ds.file_meta  # no transfer syntax: no pixel rules
    ds.PixelSpacing = [0, 1]
    assert _codes(ds) == [("ZERO_PIXEL_SPACING", "(0028,0030)", "error")]


def test_functional_group_items_are_checked() -> None:
    ds = ct_image()
    measures, plane = Dataset(), Dataset()
    measures.PixelSpacing = [0.5, 0]
    plane.ImageOrientationPatient = [1, 0, 0, 1, 0, 0]
    group = Dataset()
    group.PixelMeasuresSequence = Sequence([measures])
    group.PlaneOrientationSequence = Sequence([plane])
    ds.PerFrameFunctionalGroupsSequence = Sequence([Dataset(), group])
    assert _codes(ds) == [
        ("ZERO_PIXEL_SPACING", "(5200,9230)[2]/(0028,9110)[1]/(0028,0030)", "error"),
        ("ORIENTATION_NOT_ORTHOGONAL", "(5200,9230)[2]/(0020,9116)[1]/(0020,0037)", "error"),
    ]


def test_a_leap_second_is_a_valid_time() -> None:
    ds = ct_image()
    ds.ContentTime = "235960"
    assert not [f for f in mdict.validate(ds, level="warnings") if f.tag == 0x00080033]


def test_every_rule_can_be_ignored(tmp_path: Path) -> None:
    ds = sc_image(1, "YBR_ICT")
    ds.PixelData = bytes(10)
    path = tmp_path / "sc.dcm"
    path.write_bytes(Case("x", "x", ds).data())
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "PHOTOMETRIC_NOT_FOR_SYNTAX" in result.output and "PIXEL_DATA_LENGTH" in result.output
    ignored = ["--ignore", "PHOTOMETRIC_NOT_FOR_SYNTAX", "--ignore", "PIXEL_DATA_LENGTH"]
    result = CliRunner().invoke(main, ["validate", str(path), *ignored])
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output
