"""Files with one injected defect each, and valid controls, for every class
of defect the validator must report (docs/validate.md, "Defect classes").

    python tools/defects.py OUT_DIR     # write OUT_DIR/CLASS/NAME.dcm + expected.json

Each :class:`Case` is a complete DICOM file (bytes) with the findings it must
give (code, path, severity); a control expects none at warning level or
above. ``tests/test_validate_defects.py`` validates every case; the same
files feed ``tools/compare_dciodvfy.py``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import (
    UID,
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
)

Expected = tuple[str, str, str]
"""(code, path, severity) of one finding a case must give."""

CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"
BASIC_TEXT_SR = "1.2.840.10008.5.1.4.1.1.88.11"
COLOR_PALETTE = "1.2.840.10008.5.1.4.39.1"


@dataclass(frozen=True)
class Case:
    """One file: ``expected`` findings (none for a control)."""

    defect: str
    name: str
    dataset: Dataset
    expected: tuple[Expected, ...] = ()
    syntax: str = ExplicitVRLittleEndian

    @property
    def control(self) -> bool:
        return not self.expected

    def data(self) -> bytes:
        """The file's bytes (preamble, meta information, data set)."""
        ds = self.dataset
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = ds.SOPClassUID
        meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        meta.TransferSyntaxUID = UID(self.syntax)
        ds.file_meta = meta
        buffer = BytesIO()
        ds.save_as(buffer, enforce_file_format=True)
        return buffer.getvalue()


# ---------------------------------------------------------------------------
# Valid bases
# ---------------------------------------------------------------------------


def _common(ds: Dataset, sop_class: str, modality: str, number: int) -> None:
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = f"1.2.826.0.1.3680043.10.543.{number}"
    ds.StudyDate = ds.ContentDate = "20240131"
    ds.StudyTime = ds.ContentTime = "120000"
    ds.AccessionNumber = ""
    ds.Modality = modality
    ds.Manufacturer = ""
    ds.ReferringPhysicianName = ""
    ds.PatientName = "Doe^Jane"
    ds.PatientID = "123"
    ds.PatientBirthDate = ""
    ds.PatientSex = "F"
    ds.StudyInstanceUID = "1.2.826.0.1.3680043.10.543.1.1"
    ds.SeriesInstanceUID = "1.2.826.0.1.3680043.10.543.1.2"
    ds.StudyID = ""
    ds.SeriesNumber = "1"
    ds.InstanceNumber = "1"


def ct_image(number: int = 1) -> Dataset:
    """A CT image of 4 x 4 pixels with every type 1 and 2 attribute."""
    ds = Dataset()
    _common(ds, CT_IMAGE, "CT", number)
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.KVP = "120"
    ds.AcquisitionNumber = "1"
    ds.PatientPosition = "HFS"
    ds.Laterality = ""
    ds.PatientOrientation = ""
    ds.FrameOfReferenceUID = "1.2.826.0.1.3680043.10.543.1.3"
    ds.PositionReferenceIndicator = ""
    ds.ImagePositionPatient = [0, 0, 0]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.SliceThickness = "1"
    ds.PixelSpacing = [0.5, 0.5]
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = 4
    ds.Columns = 4
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.RescaleIntercept = "0"
    ds.RescaleSlope = "1"
    ds.PixelData = b"\0" * 32
    return ds


def _code(value: str, scheme: str, meaning: str) -> Dataset:
    item = Dataset()
    item.CodeValue = value
    item.CodingSchemeDesignator = scheme
    item.CodeMeaning = meaning
    return item


def _text_item(text: str, children: list[Dataset] | None = None) -> Dataset:
    item = Dataset()
    item.RelationshipType = "CONTAINS"
    item.ValueType = "TEXT"
    item.ConceptNameCodeSequence = Sequence([_code("121071", "DCM", "Finding")])
    item.TextValue = text
    if children:
        for child in children:
            child.RelationshipType = "HAS PROPERTIES"
        item.ContentSequence = Sequence(children)
    return item


def basic_text_sr(number: int = 1) -> Dataset:
    """A Basic Text SR: a container of four text items, the last with two
    children of its own."""
    ds = Dataset()
    _common(ds, BASIC_TEXT_SR, "SR", number)
    ds.ReferencedPerformedProcedureStepSequence = Sequence()
    ds.CompletionFlag = "COMPLETE"
    ds.VerificationFlag = "UNVERIFIED"
    ds.PerformedProcedureCodeSequence = Sequence()
    ds.ValueType = "CONTAINER"
    ds.ContinuityOfContent = "SEPARATE"
    ds.ConceptNameCodeSequence = Sequence([_code("11528-7", "LN", "Radiology Report")])
    children = [_text_item("child 1"), _text_item("child 2")]
    items = [_text_item(f"finding {n}") for n in range(1, 4)]
    ds.ContentSequence = Sequence([*items, _text_item("finding 4", children)])
    return ds


def color_palette(number: int = 1, segmented: bool = True) -> Dataset:
    """A Color Palette of 256 entries, its tables segmented or not."""
    ds = Dataset()
    ds.SOPClassUID = COLOR_PALETTE
    ds.SOPInstanceUID = f"1.2.826.0.1.3680043.10.543.{number}"
    ds.InstanceNumber = "1"
    for colour in ("Red", "Green", "Blue"):
        setattr(ds, f"{colour}PaletteColorLookupTableDescriptor", [256, 0, 8])
        if segmented:  # one linear segment: discrete 0, then linear to 255
            value = b"\x00\x00\x01\x00\x00\x00\x01\x00\xff\x00\xff\x00"
            ds.add_new(_SEGMENTED[colour], "OW", value)
        else:
            ds.add_new(_SEGMENTED[colour] - 0x20, "OW", bytes(range(256)))
    ds.PaletteColorLookupTableUID = ds.SOPInstanceUID
    ds.ICCProfile = b"\0" * 128  # its content is not checked
    ds.ContentLabel = "RAMP"
    ds.ContentDescription = "Ramp"
    ds.ContentCreatorName = "Doe^John"
    return ds


_SEGMENTED = {"Red": 0x00281221, "Green": 0x00281222, "Blue": 0x00281223}

SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7"


def sc_image(
    number: int, photometric: str = "RGB", syntax: str = ExplicitVRLittleEndian
) -> Dataset:
    """A Secondary Capture image of 4 x 4 pixels, 3 samples of 8 bits (1
    for MONOCHROME2); native pixel data of the right length, or one
    encapsulated frame (not real compressed data: nothing decodes it)."""
    ds = Dataset()
    _common(ds, SECONDARY_CAPTURE, "OT", number)
    ds.ConversionType = "WSD"
    ds.PatientOrientation = ""
    ds.Laterality = ""
    color = photometric != "MONOCHROME2"
    ds.SamplesPerPixel = 3 if color else 1
    ds.PhotometricInterpretation = photometric
    if color:
        ds.PlanarConfiguration = 0
    ds.Rows = ds.Columns = 4
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    if syntax in _SYNTAXES:
        samples = 2 if photometric == "YBR_FULL_422" else ds.SamplesPerPixel
        ds.PixelData = bytes(16 * samples)
    else:
        from pydicom.encaps import encapsulate

        ds.PixelData = encapsulate([b"\xff\xd8" + bytes(30)])
        ds["PixelData"].VR = "OB"
        ds["PixelData"].is_undefined_length = True
    return ds


# ---------------------------------------------------------------------------
# Classes of defect
# ---------------------------------------------------------------------------

_SYNTAXES = (ExplicitVRLittleEndian, ImplicitVRLittleEndian, ExplicitVRBigEndian)


def raw_enumerated() -> Iterator[Case]:
    """Binary (US) attributes with a value outside their enumerated values, in
    each of the three uncompressed encodings (values stay raw when read)."""
    wrong = [
        ("PixelRepresentation", 0x00280103, 2),
        ("PixelRepresentation", 0x00280103, 3),
        ("BitsAllocated", 0x00280100, 12),
        ("BitsAllocated", 0x00280100, 32),
        ("SamplesPerPixel", 0x00280002, 3),
        ("SamplesPerPixel", 0x00280002, 2),
        ("PlanarConfiguration", 0x00280006, 2),
        ("PlanarConfiguration", 0x00280006, 255),
        ("BitsStored", 0x00280101, 11),
        ("HighBit", 0x00280102, 7),
    ]
    for number, (keyword, tag, value) in enumerate(wrong, 10):
        ds = ct_image(number)
        setattr(ds, keyword, value)
        if keyword == "HighBit":
            ds.BitsStored = 8
        syntax = _SYNTAXES[number % 3]
        where = f"({tag >> 16:04X},{tag & 0xFFFF:04X})"
        expected = (("NOT_ONE_OF_ENUMERATED_VALUES", where, "error"),)
        yield Case("raw-enumerated", f"{keyword}-{value}-{number % 3}", ds, expected, syntax)
    for number, syntax in enumerate(_SYNTAXES, 30):
        ds = ct_image(number)
        ds.PixelRepresentation = 1
        ds.PlanarConfiguration = 0
        yield Case("raw-enumerated", f"control-{number}", ds, syntax=syntax)


def sr_value_type() -> Iterator[Case]:
    """A content item without Value Type (required unless the item
    references another by Referenced Content Item Identifier)."""
    places = [(k,) for k in range(1, 5)] + [(4, 1), (4, 2)]
    for number, place in enumerate(places * 2, 40):
        ds = basic_text_sr(number)
        item = ds.ContentSequence[place[0] - 1]
        path = f"(0040,A730)[{place[0]}]/"
        if len(place) == 2:
            item = item.ContentSequence[place[1] - 1]
            path += f"(0040,A730)[{place[1]}]/"
        del item.ValueType
        if number >= 46:  # the value stays: only Value Type is missing
            del item.TextValue
            item.TextValue = "kept"
        expected = (("REQUIRED_ATTRIBUTE_MISSING", path + "(0040,A040)", "error"),)
        name = "-".join(map(str, place))
        yield Case("sr-value-type", f"item-{name}-{number}", ds, expected, _SYNTAXES[number % 2])
    for number, syntax in enumerate(_SYNTAXES, 60):
        yield Case("sr-value-type", f"control-{number}", basic_text_sr(number), syntax=syntax)


def palette() -> Iterator[Case]:
    """Color Palettes: segmented or not are both valid; without either form
    of the tables, the segmented ones are required."""
    for number in range(70, 80):
        ds = color_palette(number, segmented=number % 2 == 0)
        yield Case("palette", f"control-{number}", ds, syntax=_SYNTAXES[number % 3])
    for number in range(80, 90):
        ds = color_palette(number, segmented=True)
        colour = ("Red", "Green", "Blue")[number % 3]
        del ds[_SEGMENTED[colour]]
        tag = _SEGMENTED[colour]
        where = f"({tag >> 16:04X},{tag & 0xFFFF:04X})"
        expected = (("REQUIRED_ATTRIBUTE_MISSING", where, "error"),)
        yield Case("palette", f"no-{colour.lower()}-{number}", ds, expected)


def private_blocks() -> Iterator[Case]:
    """Private groups: a group length (gggg,0000) is valid (retired), an
    element outside every reserved block is not."""
    for number in range(90, 100):
        group = 0x0009 + 2 * (number % 5)
        ds = ct_image(number)
        ds.add_new((group << 16) | 0x0010, "LO", "ACME 1.0")
        ds.add_new((group << 16) | 0x1001, "LO", "private value")
        if number % 2:
            ds.add_new(group << 16, "UL", 0)  # its value is not checked
        yield Case("private-blocks", f"control-{number}", ds, syntax=_SYNTAXES[number % 3])
    for number in range(100, 110):
        group = 0x0011 + 2 * (number % 4)
        ds = ct_image(number)
        ds.add_new(group << 16, "UL", 0)
        element = 0x1001 if number % 2 else 0x0005
        ds.add_new((group << 16) | element, "LO", "orphan")
        where = f"({group:04X},{element:04X})"
        expected = (("PRIVATE_CREATOR_MISSING", where, "error"),)
        yield Case("private-blocks", f"orphan-{number}", ds, expected, _SYNTAXES[number % 3])


def image_type() -> Iterator[Case]:
    """CT Image Type: values 1 and 2 enumerated (an error outside them),
    value 3 required and a defined term (a warning outside them)."""
    wrong: list[tuple[list[str], str, int, str]] = [
        (["OTHER", "PRIMARY", "AXIAL"], "NOT_ONE_OF_ENUMERATED_VALUES", 1, "error"),
        (["ORIGINAL", "OTHER", "AXIAL"], "NOT_ONE_OF_ENUMERATED_VALUES", 2, "error"),
        (["MIXED", "PRIMARY", "AXIAL"], "NOT_ONE_OF_ENUMERATED_VALUES", 1, "error"),
        (["DERIVED", "TERTIARY", "LOCALIZER"], "NOT_ONE_OF_ENUMERATED_VALUES", 2, "error"),
        (["ORIGINAL", "PRIMARY"], "VALUE_REQUIRED_AT_POSITION", 3, "error"),
        (["DERIVED", "SECONDARY"], "VALUE_REQUIRED_AT_POSITION", 3, "error"),
        (["ORIGINAL", "PRIMARY", ""], "VALUE_REQUIRED_AT_POSITION", 3, "error"),
        (["ORIGINAL", "PRIMARY", "", "VMI"], "VALUE_REQUIRED_AT_POSITION", 3, "error"),
        (["ORIGINAL", "PRIMARY", "SAGITTAL"], "NOT_ONE_OF_DEFINED_TERMS", 3, "warning"),
        (["DERIVED", "SECONDARY", "OBLIQUE"], "NOT_ONE_OF_DEFINED_TERMS", 3, "warning"),
    ]
    for number, (values, code, _, severity) in enumerate(wrong, 110):
        ds = ct_image(number)
        ds.ImageType = values
        expected = ((code, "(0008,0008)", severity),)
        yield Case("image-type", f"{code.lower()}-{number}", ds, expected, _SYNTAXES[number % 3])
    for number, values in enumerate(
        (["DERIVED", "SECONDARY", "LOCALIZER"], ["ORIGINAL", "PRIMARY", "AXIAL", "VMI"]), 130
    ):
        ds = ct_image(number)
        ds.ImageType = values
        yield Case("image-type", f"control-{number}", ds)


JPEG_BASELINE = "1.2.840.10008.1.2.4.50"
JPEG_LOSSLESS = "1.2.840.10008.1.2.4.70"
JPEG_LS = "1.2.840.10008.1.2.4.80"
J2K_LOSSLESS = "1.2.840.10008.1.2.4.90"
J2K = "1.2.840.10008.1.2.4.91"
RLE = "1.2.840.10008.1.2.5"


def photometric() -> Iterator[Case]:
    """A Photometric Interpretation the transfer syntax does not allow."""
    wrong: list[tuple[str, str]] = [
        ("YBR_ICT", ExplicitVRLittleEndian),
        ("YBR_RCT", ImplicitVRLittleEndian),
        ("YBR_PARTIAL_420", ExplicitVRBigEndian),
        ("YBR_ICT", JPEG_BASELINE),
        ("YBR_ICT", J2K_LOSSLESS),
        ("YBR_RCT", RLE),
        ("YBR_FULL_422", JPEG_LS),
        ("YBR_FULL_422", J2K_LOSSLESS),
        ("YBR_PARTIAL_420", JPEG_BASELINE),
        ("YBR_FULL_422", JPEG_LOSSLESS),
    ]
    for number, (value, syntax) in enumerate(wrong, 140):
        expected = (("PHOTOMETRIC_NOT_FOR_SYNTAX", "(0028,0004)", "error"),)
        name = f"{value.lower()}-{syntax.rsplit('.', 2)[-2]}.{syntax.rsplit('.', 1)[-1]}"
        yield Case(
            "photometric", f"{name}-{number}", sc_image(number, value, syntax), expected, syntax
        )
    right: list[tuple[str, str]] = [
        ("YBR_FULL_422", ExplicitVRLittleEndian),
        ("RGB", ImplicitVRLittleEndian),
        ("YBR_FULL", ExplicitVRBigEndian),
        ("YBR_FULL_422", JPEG_BASELINE),
        ("YBR_ICT", J2K),
        ("YBR_RCT", J2K_LOSSLESS),
        ("RGB", RLE),
        ("MONOCHROME2", JPEG_LS),
    ]
    for number, (value, syntax) in enumerate(right, 160):
        yield Case("photometric", f"control-{number}", sc_image(number, value, syntax), (), syntax)


def pixel_length() -> Iterator[Case]:
    """Native Pixel Data shorter or longer than the image needs (errors);
    YBR_FULL_422 needs two samples a pixel, not three."""
    for number, (size, severity) in enumerate(
        [
            (30, "error"),
            (16, "error"),
            (2, "error"),
            (28, "error"),
            (64, "error"),
            (36, "error"),
        ],
        170,
    ):
        ds = ct_image(number)
        ds.PixelData = bytes(size)
        expected = (("PIXEL_DATA_LENGTH", "(7FE0,0010)", severity),)
        yield Case("pixel-length", f"ct-{size}-{number}", ds, expected, _SYNTAXES[number % 3])
    for number, (value, size, severity) in enumerate(
        [
            ("YBR_FULL_422", 48, "error"),
            ("YBR_FULL_422", 30, "error"),
            ("RGB", 32, "error"),
            ("RGB", 50, "error"),
        ],
        180,
    ):
        ds = sc_image(number, value)
        ds.PixelData = bytes(size)
        expected = (("PIXEL_DATA_LENGTH", "(7FE0,0010)", severity),)
        yield Case("pixel-length", f"sc-{value.lower()}-{size}-{number}", ds, expected)
    for number in range(190, 193):
        ds = sc_image(number, "MONOCHROME2")
        ds.Rows = ds.Columns = 3  # 3 x 3 pixels of 8 bits: 9 bytes, padded to 10
        ds.PixelData = bytes(9)
        yield Case("pixel-length", f"control-{number}", ds, syntax=_SYNTAXES[number % 3])


def pixel_encoding() -> Iterator[Case]:
    """Native Pixel Data of 16 bits as OB; encapsulated Pixel Data as OW."""
    for number in range(200, 206):
        ds = ct_image(number)
        ds["PixelData"].VR = "OB"
        expected = (("PIXEL_DATA_ENCODING", "(7FE0,0010)", "error"),)
        explicit = (ExplicitVRLittleEndian, ExplicitVRBigEndian)[number % 2]
        yield Case("pixel-encoding", f"native-ob-{number}", ds, expected, explicit)
    for number, syntax in enumerate((JPEG_BASELINE, J2K, RLE, JPEG_LS), 206):
        ds = sc_image(number, "RGB" if syntax != JPEG_LS else "MONOCHROME2", syntax)
        ds["PixelData"].VR = "OW"
        expected = (("PIXEL_DATA_ENCODING", "(7FE0,0010)", "error"),)
        yield Case("pixel-encoding", f"encapsulated-ow-{number}", ds, expected, syntax)
    for number, syntax in enumerate((ImplicitVRLittleEndian, JPEG_BASELINE), 215):
        ds = ct_image(number) if syntax in _SYNTAXES else sc_image(number, "RGB", syntax)
        if syntax in _SYNTAXES:
            ds["PixelData"].VR = "OB"  # implicit VR: OW whatever was set
        yield Case("pixel-encoding", f"control-{number}", ds, syntax=syntax)


def geometry() -> Iterator[Case]:
    """Study Instance UID reused as Frame of Reference UID, a zero Pixel
    Spacing, Image Orientation (Patient) not unit or not orthogonal."""
    for number in range(220, 230):
        ds = ct_image(number)
        ds.StudyInstanceUID = ds.FrameOfReferenceUID = f"1.2.826.0.1.3680043.10.543.9.{number}"
        expected = (("STUDY_UID_IS_FRAME_OF_REFERENCE_UID", "(0020,0052)", "error"),)
        yield Case("study-frame-uid", f"same-{number}", ds, expected, _SYNTAXES[number % 3])
    spacings = [
        ["0", "0.5"], ["0.5", "0"], ["0", "0"], ["0.0", "1"], ["1", "0.000"],
        ["-0", "1"], ["0e0", "1"], ["0", "2"], ["3", "0"], ["00", "1"],
    ]  # fmt: skip
    for number, spacing in enumerate(spacings, 230):
        ds = ct_image(number)
        ds.PixelSpacing = spacing
        expected = (("ZERO_PIXEL_SPACING", "(0028,0030)", "error"),)
        yield Case("zero-spacing", f"spacing-{number}", ds, expected, _SYNTAXES[number % 3])
    orientations: list[tuple[list[float], str]] = [
        ([2, 0, 0, 0, 1, 0], "ORIENTATION_NOT_UNIT"),
        ([1, 0, 0, 0, 0.5, 0], "ORIENTATION_NOT_UNIT"),
        ([1, 1, 0, 0, 0, 1], "ORIENTATION_NOT_UNIT"),
        ([0, 0, 0, 0, 1, 0], "ORIENTATION_NOT_UNIT"),
        ([0.9, 0, 0, 0, 1, 0], "ORIENTATION_NOT_UNIT"),
        ([1, 0, 0, 1, 0, 0], "ORIENTATION_NOT_ORTHOGONAL"),
        ([1, 0, 0, 0.1, 0.994987, 0], "ORIENTATION_NOT_ORTHOGONAL"),
        ([0, 1, 0, 0, 1, 0], "ORIENTATION_NOT_ORTHOGONAL"),
        ([0.7071068, 0.7071068, 0, 0.7071068, 0.7071068, 0], "ORIENTATION_NOT_ORTHOGONAL"),
        ([0, 0, 1, 0, 0, -1], "ORIENTATION_NOT_ORTHOGONAL"),
    ]
    for number, (cosines, code) in enumerate(orientations, 240):
        ds = ct_image(number)
        ds.ImageOrientationPatient = cosines
        expected = ((code, "(0020,0037)", "error"),)
        yield Case("orientation", f"{code.lower()}-{number}", ds, expected, _SYNTAXES[number % 3])
    for number, good in enumerate(
        ([0.7071068, 0.7071068, 0, -0.7071068, 0.7071068, 0], [0, 1, 0, 0, 0, -1]), 250
    ):
        ds = ct_image(number)
        ds.ImageOrientationPatient = good
        ds.PixelSpacing = ["0.001", "100"]
        yield Case("orientation", f"control-{number}", ds)
    for defect in ("study-frame-uid", "zero-spacing"):
        yield Case(defect, f"control-{defect}", ct_image(260))


CLASSES: dict[str, Callable[[], Iterator[Case]]] = {
    "raw-enumerated": raw_enumerated,
    "sr-value-type": sr_value_type,
    "palette": palette,
    "private-blocks": private_blocks,
    "image-type": image_type,
    "photometric": photometric,
    "pixel-length": pixel_length,
    "pixel-encoding": pixel_encoding,
    "geometry": geometry,
}
"""Every class of defect, by name."""


def all_cases() -> Iterator[Case]:
    for make in CLASSES.values():
        yield from make()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python tools/defects.py OUT_DIR", file=sys.stderr)
        return 2
    from mdict.fileio import write_bytes_atomic, write_text_atomic

    out = Path(args[0])
    manifest: dict[str, list[list[str]]] = {}
    for case in all_cases():
        folder = out / case.defect
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{case.name}.dcm"
        write_bytes_atomic(path, case.data())
        manifest[str(path.relative_to(out))] = [list(e) for e in case.expected]
    write_text_atomic(out / "expected.json", json.dumps(manifest, indent=1) + "\n")
    print(f"{len(manifest)} files written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
