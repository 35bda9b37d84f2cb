"""Validation speed: prints the numbers the validator issue asks for.

    python benchmarks/bench_validate.py [--files 1000] [--no-dciodvfy]

1. an already-read CT dataset (pydicom's CT_small.dcm): ms per validation;
2. an enhanced MR with 100 frames of functional groups, built with pydicom
   and read back from bytes: ms per validation;
3. a directory of N files (copies of pydicom's test images, rewritten with
   new UIDs): ``mdict validate DIR`` (all cores) against ``dciodvfy`` run once
   per file (one after the other), on the same files in the same run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import timeit
from io import BytesIO
from pathlib import Path

from pydicom import dcmread
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mdict import default_database  # noqa: E402
from mdict.cli.validate import run_all  # noqa: E402
from mdict.db.protocol import MessageDatabase  # noqa: E402
from mdict.validation.validator import Validator  # noqa: E402

ENHANCED_MR = "1.2.840.10008.5.1.4.1.1.4.1"
SAMPLES = ("CT_small.dcm", "MR_small.dcm", "rtplan.dcm", "waveform_ecg.dcm", "SC_rgb_small_odd.dcm")


def database() -> MessageDatabase:
    """The embedded default database (standard profiles with conditions),
    as ``mdict.validate`` uses it."""
    db: MessageDatabase = default_database()
    if db.condition_source("NEED_MODULE_VOILUT") is None:
        raise SystemExit("the default database has no conditions profile")
    return db


def _code(value: str, scheme: str, meaning: str) -> Dataset:
    item = Dataset()
    item.CodeValue = value
    item.CodingSchemeDesignator = scheme
    item.CodeMeaning = meaning
    return item


def enhanced_mr(frames: int = 100) -> Dataset:
    """An Enhanced MR Image with ``frames`` per-frame functional group items,
    written and read back so the validator sees raw elements."""
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "ANGIO", "NONE"]
    ds.InstanceCreationDate = "20240101"
    ds.SOPClassUID = ENHANCED_MR
    ds.SOPInstanceUID = generate_uid()
    ds.StudyDate = ds.ContentDate = ds.AcquisitionDateTime = "20240101"
    ds.StudyTime = ds.ContentTime = "120000"
    ds.AccessionNumber = ""
    ds.Modality = "MR"
    ds.Manufacturer = "mdict"
    ds.ReferringPhysicianName = ""
    ds.PatientName = "Bench^Mark"
    ds.PatientID = "B1"
    ds.PatientBirthDate = ""
    ds.PatientSex = "O"
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.FrameOfReferenceUID = generate_uid()
    ds.PositionReferenceIndicator = ""
    ds.StudyID = "1"
    ds.SeriesNumber = ds.InstanceNumber = 1
    ds.ContentQualification = "PRODUCT"
    ds.ImageComments = "benchmark"
    ds.BurnedInAnnotation = "NO"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.NumberOfFrames = frames
    ds.Rows = ds.Columns = 4
    ds.BitsAllocated = ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 0
    ds.AcquisitionContrast = "T1"
    ds.PixelPresentation = "MONOCHROME"
    ds.VolumetricProperties = "VOLUME"
    ds.VolumeBasedCalculationTechnique = "NONE"
    ds.ComplexImageComponent = "MAGNITUDE"
    ds.PresentationLUTShape = "IDENTITY"
    ds.LossyImageCompression = "00"
    ds.DimensionOrganizationSequence = Sequence([Dataset()])
    ds.DimensionOrganizationSequence[0].DimensionOrganizationUID = generate_uid()
    shared = Dataset()
    measures = Dataset()
    measures.PixelSpacing = ["0.5", "0.5"]
    measures.SliceThickness = "1"
    shared.PixelMeasuresSequence = Sequence([measures])
    orientation = Dataset()
    orientation.ImageOrientationPatient = ["1", "0", "0", "0", "1", "0"]
    shared.PlaneOrientationSequence = Sequence([orientation])
    voi = Dataset()
    voi.WindowCenter = "100"
    voi.WindowWidth = "200"
    shared.FrameVOILUTSequence = Sequence([voi])
    ds.SharedFunctionalGroupsSequence = Sequence([shared])
    per_frame = []
    for number in range(1, frames + 1):
        item = Dataset()
        content = Dataset()
        content.FrameAcquisitionNumber = number
        content.FrameReferenceDateTime = "20240101120000"
        content.FrameAcquisitionDateTime = "20240101120000"
        content.FrameAcquisitionDuration = 10.0
        content.DimensionIndexValues = [1, number]
        content.StackID = "1"
        content.InStackPositionNumber = number
        item.FrameContentSequence = Sequence([content])
        position = Dataset()
        position.ImagePositionPatient = ["0", "0", str(number)]
        item.PlanePositionSequence = Sequence([position])
        frame_type = Dataset()
        frame_type.FrameType = ["ORIGINAL", "PRIMARY", "ANGIO", "NONE"]
        frame_type.PixelPresentation = "MONOCHROME"
        frame_type.VolumetricProperties = "VOLUME"
        frame_type.VolumeBasedCalculationTechnique = "NONE"
        frame_type.ComplexImageComponent = "MAGNITUDE"
        frame_type.AcquisitionContrast = "T1"
        item.MRImageFrameTypeSequence = Sequence([frame_type])
        item.DerivationImageSequence = Sequence([])
        anatomy = Dataset()
        anatomy.AnatomicRegionSequence = Sequence([_code("T-D1100", "SRT", "Head")])
        anatomy.FrameLaterality = "U"
        item.FrameAnatomySequence = Sequence([anatomy])
        per_frame.append(item)
    ds.PerFrameFunctionalGroupsSequence = Sequence(per_frame)
    ds.PixelData = b"\0\0" * 16 * frames
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = ENHANCED_MR
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    buffer = BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    buffer.seek(0)
    return dcmread(buffer, force=True)


def cli_available() -> bool:
    return shutil.which("mdict") is not None


def per_call_ms(validator: Validator, ds: Dataset, number: int) -> float:
    validator.validate(ds)
    best = min(timeit.repeat(lambda: validator.validate(ds), number=number, repeat=5))
    return best / number * 1000


def make_files(folder: Path, count: int) -> list[Path]:
    """``count`` files: the sample images with fresh SOP Instance UIDs."""
    sources = [dcmread(get_testdata_file(name)) for name in SAMPLES]  # type: ignore[arg-type]
    paths = []
    for index in range(count):
        ds = sources[index % len(sources)]
        ds.SOPInstanceUID = generate_uid()
        if "MediaStorageSOPInstanceUID" in ds.file_meta:
            ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        path = folder / f"f{index:05d}.dcm"
        ds.save_as(path)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--no-dciodvfy", action="store_true")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    db = database()
    validator = Validator(db)
    ct = dcmread(get_testdata_file("CT_small.dcm"))  # type: ignore[arg-type]
    coverage = validator.validate(ct, coverage=True).coverage
    print(
        f"CT dataset ({len(ct)} elements): {per_call_ms(validator, ct, 200):.2f} ms per validation "
        f"({coverage.evaluated} of {coverage.uses} condition uses evaluated)"
    )
    mr = enhanced_mr(100)
    report = validator.validate(mr, coverage=True)
    print(
        f"enhanced MR, 100 frames: {per_call_ms(validator, mr, 10):.1f} ms per validation "
        f"({len(report)} findings; {report.coverage.evaluated} of {report.coverage.uses} "
        "condition uses evaluated)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = make_files(folder, args.files)
        start = time.perf_counter()
        reports = list(
            run_all(
                validator, [str(p) for p in paths], None, "C_STORE_RQ", False, cores, "warnings"
            )
        )
        mdict_seconds = time.perf_counter() - start
        print(
            f"mdict, {len(reports)} files on {cores} cores (as mdict validate DIR): {mdict_seconds:.2f} s"
        )
        start = time.perf_counter()
        for path in paths:
            validator.validate_file(path)
        print(f"  one core: {time.perf_counter() - start:.2f} s")
        cli_seconds = None
        if cli_available():
            start = time.perf_counter()
            subprocess.run(
                ["mdict", "validate", str(folder), "--format", "json"], capture_output=True
            )
            cli_seconds = time.perf_counter() - start
            print(
                f"  mdict validate DIR (process start and database load included): {cli_seconds:.2f} s"
            )
        dciodvfy = shutil.which("dciodvfy")
        if args.no_dciodvfy or dciodvfy is None:
            print("dciodvfy: not run (pip install '.[compare]')")
            return
        start = time.perf_counter()
        for path in paths:
            subprocess.run([dciodvfy, str(path)], capture_output=True, check=False)
        dciodvfy_seconds = time.perf_counter() - start
        print(f"dciodvfy, once per file: {dciodvfy_seconds:.2f} s")
        print(f"ratio dciodvfy / mdict: {dciodvfy_seconds / mdict_seconds:.1f}x")
        if cli_seconds is not None:
            print(f"ratio dciodvfy / mdict validate DIR: {dciodvfy_seconds / cli_seconds:.1f}x")


if __name__ == "__main__":
    main()
