"""Condition borrowing: a Merge-style folder (meaning-style condition names,
no conditions.pfl) compiled with the standard database's definitions for
the same attributes, and validation that says what it could not evaluate."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian

import mdict
from mdict.cli import main
from mdict.db.build import compile_message_files
from mdict.db.database import Database
from mdict.db.format import Borrowed

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "tests" / "data" / "merge_style"
CT = "1.2.840.10008.5.1.4.1.1.2"
ANIMAL = "IS_ANIMAL_AND_PATIENT_SPECIES_CODE_SEQUENCE_ABSENT"


def compiled(borrow: bool) -> Database:
    found = compile_message_files(
        FOLDER / "info.pfl", FOLDER / "mergecom.srv", FOLDER / "diction.pfl", borrow=borrow
    )
    return Database.from_bytes(found.data, "merge_style.msg")


def color_ct(path: Path) -> Path:
    """A CT with three samples per pixel and no Planar Configuration."""
    ds = Dataset()
    ds.SOPClassUID = CT
    ds.SOPInstanceUID = "1.2.3.4.5"
    ds.Modality = "CT"
    ds.PatientName = "Doe^Jane"
    ds.PatientID = "42"
    ds.SamplesPerPixel = 3
    ds.PhotometricInterpretation = "RGB"
    ds.Rows = ds.Columns = 2
    ds.BitsAllocated = ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 0
    ds.PixelData = bytes(24)
    ds["PixelData"].VR = "OW"
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = CT
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.save_as(path, enforce_file_format=True)
    return path


def test_each_undefined_use_borrows_the_standard_condition_of_its_attribute() -> None:
    db = compiled(borrow=True)
    lent = db.borrowed_conditions()
    assert [(b.number, b.command, b.tag, b.name, b.standard) for b in lent.uses] == [
        (1, "C_STORE_RQ", 0x00080060, "MODALITY_IS_REQUIRED", "NOT_SECONDARY_CAPTURE_SOP_CLASS"),
        (1, "C_STORE_RQ", 0x00102201, "PATIENT_IS_ANIMAL", ANIMAL),
        (1, "C_STORE_RQ", 0x00280006, "COLOR_IMAGE_PIXELS", "SAMPLES_PER_PIXEL_GREATER_THAN_ONE"),
        (1, "C_STORE_RQ", 0x7FE00010, "PIXEL_DATA_IS_ENCODED", "PIXEL_DATA_PROVIDER_URL_IS_ABSENT"),
        # in the item that Procedure Code Sequence (0008,1032) names: reached by tag path
        (1, "ITEM", 0x00080100, "CODE_VALUE_IS_SHORT", "LONG_CODE_VALUE_AND_URN_CODE_VALUE_ABSENT"),
        (1, "ITEM", 0x00080102, "CODING_SCHEME_IS_NAMED", "CODE_VALUE_OR_LONG_CODE_VALUE_PRESENT"),
    ]
    standard = mdict.default_database()
    for use in lent.uses:  # the definitions the uses need travel with them
        assert lent.definitions[use.standard] == standard.condition_source(use.standard)
    # 0020,0013 is type 2 in the standard: nothing to borrow
    assert db.borrowed("STANDARD_CT", "C_STORE_RQ", 0x00200013) is None
    found = db.borrowed("1.2.840.10008.5.1.4.1.1.2", "c_store_rq", 0x00280006)
    assert found == Borrowed(
        1, "C_STORE_RQ", 0x00280006, "COLOR_IMAGE_PIXELS", "SAMPLES_PER_PIXEL_GREATER_THAN_ONE"
    )
    assert db.borrowed("PROCEDURE_CODE", "ITEM", 0x00080100) == lent.uses[4]
    assert db.header.counts["borrowed"] == 6
    assert not compiled(borrow=False).borrowed_conditions()


def test_borrowing_reports_the_color_image_and_coverage_counts_by_source(tmp_path: Path) -> None:
    image = color_ct(tmp_path / "color.dcm")
    report = mdict.validate(image, db=compiled(borrow=True), coverage=True)
    assert [(f.code, f.tag) for f in report.errors] == [("REQUIRED_ATTRIBUTE_MISSING", 0x00280006)]
    coverage = report.coverage
    assert (coverage.uses, coverage.convention, coverage.profile, coverage.borrowed) == (6, 1, 0, 4)
    assert coverage.unevaluated_names == ("INSTANCE_NUMBER_IS_KNOWN",)
    assert report.unevaluated == 1


def test_without_borrowing_nothing_is_reported_but_the_uses_not_evaluated(tmp_path: Path) -> None:
    image = color_ct(tmp_path / "color.dcm")
    report = mdict.validate(image, db=compiled(borrow=False))
    assert report.errors == ()
    assert report.unevaluated == 3  # Planar Configuration, Instance Number, Species Description


def test_mdict_info_borrows_unless_told_not_to(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "m.msg"
    result = runner.invoke(main, ["info", str(FOLDER / "info.pfl"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # what was written is a note on stderr, after the warnings
    assert result.stderr.startswith(
        "warning: 7 condition names are not defined; 6 lines using them borrow the standard"
        " database's condition for the same attribute, the others will not be evaluated"
        " (--show-warnings lists them)\n"
    )
    assert result.stderr.endswith(
        f", 6 lines with a borrowed condition; {out.stat().st_size} bytes\n"
    )
    image = color_ct(tmp_path / "color.dcm")
    result = runner.invoke(main, ["validate", "--db", str(out), str(image), "--coverage"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[-3:] == [
        "1 file: 0 without errors, 1 with errors; 1 error, 0 warnings;"
        " 1 condition use not evaluated (--coverage names the conditions)",
        "conditions: 5 of 6 uses evaluated (83.3%): 1 by the naming convention, 0 from the"
        " conditions profile, 4 borrowed from the standard database, 1 not evaluated",
        "  not evaluated: INSTANCE_NUMBER_IS_KNOWN",
    ]
    plain = tmp_path / "plain.msg"
    result = runner.invoke(
        main, ["info", str(FOLDER / "info.pfl"), "-o", str(plain), "--no-borrow"]
    )
    assert result.exit_code == 0 and "borrowed condition" not in result.stderr
    result = runner.invoke(main, ["validate", "--db", str(plain), str(image)])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == (
        "1 file: 1 without errors, 0 with errors; 0 errors, 0 warnings;"
        " 3 condition uses not evaluated (--coverage names the conditions)"
    )


@pytest.mark.parametrize("borrow", [True, False])
def test_mc3info_borrows_unless_told_not_to(tmp_path: Path, borrow: bool) -> None:
    out = tmp_path / "mrgcom3.msg"
    flags = [] if borrow else ["--no-borrow"]
    done = subprocess.run(
        ["mc3info", str(FOLDER / "info.pfl"), "-o", str(out), *flags],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "DONE"
    borrowed = mdict.open_database(out).borrowed_conditions()
    assert len(borrowed.uses) == (6 if borrow else 0)
    warning = "6 lines using them borrow" if borrow else "7 condition names are not defined and"
    assert warning in done.stdout


def test_names_inside_a_borrowed_definition_resolve_among_the_standard_ones() -> None:
    """A borrowed definition naming another standard condition evaluates it
    with the standard's text, even where the database defines that name."""
    from mdict.db.format import BorrowedConditions
    from mdict.parse import parse_dictionary, parse_info, parse_services

    services = parse_services((FOLDER / "mergecom.srv").read_text())
    info = parse_info((FOLDER / "info.pfl").read_text())
    lent = BorrowedConditions(
        (Borrowed(1, "C_STORE_RQ", 0x00280006, "COLOR_IMAGE_PIXELS", "STD_COLOR"),),
        {"STD_COLOR": "SAMPLES_ABOVE_ONE", "SAMPLES_ABOVE_ONE": "value((0028,0002)) > 1"},
    )
    own = {"SAMPLES_ABOVE_ONE": "false"}  # the database's own, other, meaning
    db = Database.from_profiles(
        parse_dictionary((FOLDER / "diction.pfl").read_text()), services, info, own, None, lent
    )
    ds = Dataset()
    ds.SOPClassUID = CT
    ds.SamplesPerPixel = 3
    report = mdict.validate(ds, db=db)
    assert ("REQUIRED_ATTRIBUTE_MISSING", 0x00280006) in [(f.code, f.tag) for f in report.errors]


def test_python_module_entry_point(tmp_path: Path) -> None:
    """The same through python -m mdict (no console script needed)."""
    out = tmp_path / "m.msg"
    done = subprocess.run(
        [sys.executable, "-m", "mdict", "info", str(FOLDER / "info.pfl"), "-o", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    )
    assert "6 lines with a borrowed condition" in done.stderr  # the summary is a note
