"""Consistency rules across attributes (the checks dciodvfy makes beyond the
module tables), each with a stable code (docs/codes.md):

- PHOTOMETRIC_NOT_FOR_SYNTAX: a Photometric Interpretation the transfer
  syntax does not allow (PS3.5 8.2, PS3.3 C.7.6.3.1.2);
- PIXEL_DATA_LENGTH: native Pixel Data shorter or longer than Rows x
  Columns x samples x Bits Allocated x frames (plus one byte of padding) (YBR_FULL_422:
  two samples a pixel, PS3.3 C.7.6.3.1.2);
- PIXEL_DATA_ENCODING: native Pixel Data of more than 8 bits as OB, or of
  undefined length; encapsulated Pixel Data not OB of undefined length
  (PS3.5 8.1.1, 8.2, A.4);
- STUDY_UID_IS_FRAME_OF_REFERENCE_UID: one UID naming two things (PS3.5 9);
- ZERO_PIXEL_SPACING: a Pixel Spacing or Imager Pixel Spacing value of 0;
- ORIENTATION_NOT_UNIT / ORIENTATION_NOT_ORTHOGONAL: Image Orientation
  (Patient) direction cosines that are not unit vectors or not orthogonal
  (PS3.3 C.7.6.2.1.1), top level and in Plane Orientation items.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Final

from mdict.validation.consistency import text_value
from mdict.validation.elements import read_value
from mdict.validation.findings import (
    ORIENTATION_NOT_ORTHOGONAL,
    ORIENTATION_NOT_UNIT,
    PHOTOMETRIC_NOT_FOR_SYNTAX,
    PIXEL_DATA_ENCODING,
    PIXEL_DATA_LENGTH,
    STUDY_UID_IS_FRAME_OF_REFERENCE_UID,
    ZERO_PIXEL_SPACING,
    Finding,
)
from mdict.validation.plan import Where

if TYPE_CHECKING:
    from pydicom.dataset import Dataset

PIXEL_DATA: Final = 0x7FE00010
_FLOAT_PIXELS: Final = {0x7FE00008: 32, 0x7FE00009: 64}
_NATIVE: Final = frozenset(
    ("1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99")
)
_IMPLICIT: Final = "1.2.840.10008.1.2"
_COMPRESSED_ONLY: Final = frozenset(("YBR_PARTIAL_420", "YBR_ICT", "YBR_RCT"))
_J2K: Final = frozenset(("1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.92"))
_J2K_ANY: Final = frozenset(("1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.93"))
_JPEG_LOSSY: Final = frozenset(("1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51"))
_NOT_SUBSAMPLED: Final = frozenset(
    (
        "1.2.840.10008.1.2.4.57",  # JPEG lossless
        "1.2.840.10008.1.2.4.70",
        "1.2.840.10008.1.2.4.80",  # JPEG-LS
        "1.2.840.10008.1.2.4.81",
        *_J2K,
        *_J2K_ANY,
    )
)
_VIDEO: Final = tuple(f"1.2.840.10008.1.2.4.{n}" for n in range(100, 109))
TOLERANCE: Final = 0.001
"""Allowed deviation of a direction cosine vector's length from 1, and of
the two vectors' dot product from 0."""


def photometric_allowed(photometric: str, syntax: str) -> str | None:
    """Why ``photometric`` is not allowed with ``syntax``; None when it is
    (or mdict has no rule for the pair)."""
    if photometric in _COMPRESSED_ONLY and syntax in _NATIVE:
        return "is only for compressed pixel data"
    if photometric in ("YBR_ICT", "YBR_RCT") and syntax not in (*_J2K, *_J2K_ANY):
        return "is only for JPEG 2000"
    if photometric == "YBR_ICT" and syntax in _J2K:
        return "is only for irreversible JPEG 2000, this syntax is lossless only"
    if photometric == "YBR_PARTIAL_420" and syntax not in _VIDEO:
        return "is only for MPEG-2, MPEG-4 and HEVC video"
    if photometric == "YBR_FULL_422" and syntax in _NOT_SUBSAMPLED:
        return "is subsampled, and this syntax does not subsample chrominance"
    if photometric == "PALETTE COLOR" and syntax in (*_JPEG_LOSSY, "1.2.840.10008.1.2.4.81"):
        return "is not allowed with a lossy compression"
    return None


def _where(tag: int, name: str, prefix: str = "") -> Where:
    return Where(tag, prefix, None, name)


def _number(ds: Dataset, tag: int) -> int | None:
    values = _numbers(ds, tag)
    if not values or not float(values[0]).is_integer():
        return None
    return int(values[0])


def _numbers(ds: Dataset, tag: int) -> list[float] | None:
    if tag not in ds:
        return None
    value = read_value(ds, tag, None, ["iso8859"])
    if value.error:
        return None
    if value.numbers is not None:
        return [float(n) for n in value.numbers]
    try:
        return [float(t) for t in value.texts or ()]
    except ValueError:
        return None


def check_rules(ds: Dataset) -> list[Finding]:
    """Every rule's findings for the root data set."""
    meta = getattr(ds, "file_meta", None)
    syntax = text_value(meta, 0x00020010) if meta is not None else None
    found: list[Finding] = []
    photometric = text_value(ds, 0x00280004)
    if syntax and photometric:
        why = photometric_allowed(photometric, syntax)
        if why is not None:
            message = f"{photometric} {why} (Transfer Syntax UID {syntax})"
            where = _where(0x00280004, "Photometric Interpretation")
            found.append(where.finding(PHOTOMETRIC_NOT_FOR_SYNTAX, "error", message))
    found += _pixel_data(ds, syntax, photometric)
    study, frame = text_value(ds, 0x0020000D), text_value(ds, 0x00200052)
    if study and study == frame:
        message = f"Frame of Reference UID is the Study Instance UID {study}: one UID, two things"
        where = _where(0x00200052, "Frame of Reference UID")
        found.append(where.finding(STUDY_UID_IS_FRAME_OF_REFERENCE_UID, "error", message))
    for item, prefix in _levels(ds):
        found += _spacing(item, prefix)
        found += _orientation(item, prefix)
    return found


def _levels(ds: Dataset) -> Iterator[tuple[Dataset, str]]:
    """The root and the Pixel Measures / Plane Orientation items of the
    shared and per-frame functional groups, with their paths."""
    yield ds, ""
    for groups in (0x52009229, 0x52009230):
        for number, group in enumerate(_items(ds, groups), 1):
            head = f"({groups >> 16:04X},{groups & 0xFFFF:04X})[{number}]/"
            for macro in (0x00289110, 0x00209116):
                for inner, item in enumerate(_items(group, macro), 1):
                    yield item, f"{head}({macro >> 16:04X},{macro & 0xFFFF:04X})[{inner}]/"


def _items(ds: Dataset, tag: int) -> list[Dataset]:
    if tag not in ds:
        return []
    try:
        return list(ds[tag].value or ())
    except Exception:  # an unreadable sequence is reported where it is checked
        return []


def _spacing(ds: Dataset, prefix: str) -> list[Finding]:
    found = []
    for tag, name in ((0x00280030, "Pixel Spacing"), (0x00181164, "Imager Pixel Spacing")):
        values = _numbers(ds, tag) or []
        for index, value in enumerate(values, 1):
            if value == 0:
                message = f"value {index} is 0: pixels have no size"
                found.append(
                    _where(tag, name, prefix).finding(ZERO_PIXEL_SPACING, "error", message, index)
                )
    return found


def _orientation(ds: Dataset, prefix: str) -> list[Finding]:
    values = _numbers(ds, 0x00200037)
    if values is None or len(values) != 6 or not all(math.isfinite(v) for v in values):
        return []
    row, column = values[:3], values[3:]
    where = _where(0x00200037, "Image Orientation (Patient)", prefix)
    found = []
    for what, vector in (("row", row), ("column", column)):
        length = math.sqrt(sum(v * v for v in vector))
        if abs(length - 1) > TOLERANCE:
            message = f"the {what} direction cosines have length {length:.6g}, not 1"
            found.append(where.finding(ORIENTATION_NOT_UNIT, "error", message))
    dot = sum(a * b for a, b in zip(row, column, strict=True))
    if abs(dot) > TOLERANCE:
        message = f"the row and column direction cosines are not orthogonal (dot product {dot:.6g})"
        found.append(where.finding(ORIENTATION_NOT_ORTHOGONAL, "error", message))
    return found


def _pixel_data(ds: Dataset, syntax: str | None, photometric: str | None) -> list[Finding]:
    tags = [t for t in (PIXEL_DATA, *_FLOAT_PIXELS) if t in ds]
    if not tags or syntax is None:
        return []
    tag = tags[0]
    elem = ds.get_item(tag)
    vr = str(getattr(elem, "VR", "") or "")
    if " or " in vr:  # read as implicit VR: the dictionary's choice, not the file's
        vr = ""
    length = getattr(elem, "length", None)
    undefined = length == 0xFFFFFFFF or bool(getattr(elem, "is_undefined_length", False))
    name = {PIXEL_DATA: "Pixel Data", 0x7FE00008: "Float Pixel Data"}.get(
        tag, "Double Float Pixel Data"
    )
    where = _where(tag, name)
    if syntax not in _NATIVE:
        if tag == PIXEL_DATA and syntax not in _VIDEO and (vr not in ("OB", "") or not undefined):
            shape = f"{vr or 'no VR'}, " + ("undefined length" if undefined else "defined length")
            message = f"encapsulated Pixel Data must be OB of undefined length, found {shape}"
            return [where.finding(PIXEL_DATA_ENCODING, "error", message)]
        return []
    found = []
    bits = _number(ds, 0x00280100) or _FLOAT_PIXELS.get(tag)
    if undefined:
        message = "native pixel data must have a defined length"
        found.append(where.finding(PIXEL_DATA_ENCODING, "error", message))
    elif tag == PIXEL_DATA and vr == "OB" and bits is not None and bits > 8 and syntax != _IMPLICIT:
        message = f"native Pixel Data of {bits} bits allocated must be OW, found OB"
        found.append(where.finding(PIXEL_DATA_ENCODING, "error", message))
    if not undefined:
        found += _pixel_length(ds, where, bits, photometric)
    return found


def _pixel_length(
    ds: Dataset, where: Where, bits: int | None, photometric: str | None
) -> list[Finding]:
    rows, columns = _number(ds, 0x00280010), _number(ds, 0x00280011)
    samples = _number(ds, 0x00280002) or 1
    frames = _number(ds, 0x00280008) or 1
    if not rows or not columns or not bits:
        return []
    if photometric == "YBR_FULL_422":
        samples = 2  # Y Y Cb Cr for each two pixels
    needed = (rows * columns * samples * frames * bits + 7) // 8
    data = ds.get_item(where.tag)
    actual = getattr(data, "length", None)
    value = getattr(data, "value", None)
    if not isinstance(actual, int) or actual == 0xFFFFFFFF:
        actual = len(value) if isinstance(value, (bytes, bytearray)) else None
    if actual is None or actual in (needed, needed + needed % 2):  # odd: one byte of padding
        return []
    shape = f"{rows} x {columns} x {samples} x {bits} bits x {frames} frame{'s' * (frames != 1)}"
    if actual < needed:
        message = f"{actual} bytes, {shape} need {needed}"
        return [where.finding(PIXEL_DATA_LENGTH, "error", message)]
    message = f"{actual} bytes, {shape} need {needed + needed % 2}: {actual - needed} extra"
    return [where.finding(PIXEL_DATA_LENGTH, "error", message)]
