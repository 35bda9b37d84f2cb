"""Reading DICOM files and element values for validation, without letting
pydicom convert (or reject) raw values first: the validator must see what the
file holds, and a broken file must give a finding, not an exception."""

from __future__ import annotations

import struct
import warnings
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal, cast

from pydicom import dcmread
from pydicom.charset import convert_encodings, decode_bytes
from pydicom.datadict import dictionary_VR
from pydicom.dataelem import DataElement, RawDataElement
from pydicom.dataset import Dataset, FileDataset
from pydicom.errors import InvalidDicomError
from pydicom.filereader import (
    _read_file_meta_info,
    data_element_generator,
    read_dataset,
    read_preamble,
)
from pydicom.multival import MultiValue
from pydicom.tag import BaseTag
from pydicom.valuerep import PersonName

from mdict.validation.findings import (
    FILE_META_MISMATCH,
    INFLATED_TOO_LARGE,
    INVALID_VR,
    NO_FILE_META,
    NOT_DICOM,
    READ_ERROR,
    TRUNCATED_VALUE,
    UNDECODABLE_VALUE,
    Finding,
)
from mdict.validation.vr import (
    BINARY_SIZE,
    CHARSET_VRS,
    NUMERIC_VRS,
    SINGLE_VALUED_TEXT_VRS,
    TEXT_VRS,
    strip_padding,
)

CHARSET_TAG: Final = 0x00080005
_NO_VALUE: Final = frozenset((0, 0xFFFFFFFF))

# ---------------------------------------------------------------------------
# Element values
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class Value:
    """What the checks need from one element."""

    vr: str
    texts: list[str] | None = None  # text VRs: values, padding removed
    numbers: list[int | float] | None = None  # numeric VRs given as numbers
    nbytes: int | None = None  # binary VRs given as bytes
    items: Sequence[Dataset] | None = None  # SQ
    error: str | None = None
    code: str = UNDECODABLE_VALUE

    @property
    def count(self) -> int:
        if self.texts is not None:
            return len(self.texts)
        if self.numbers is not None:
            return len(self.numbers)
        if self.items is not None:
            return len(self.items)
        if self.nbytes:
            size = BINARY_SIZE.get(self.vr, 1)
            return self.nbytes // size if self.vr in NUMERIC_VRS else 1
        return 0

    @property
    def empty(self) -> bool:
        if self.texts is not None:
            return not any(self.texts)
        return self.count == 0


def _text_of(value: object) -> str:
    if isinstance(value, str) and not isinstance(value, PersonName):
        original = getattr(value, "original_string", None)
        return original if isinstance(original, str) else str(value)
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, PersonName):
        return str(value)
    original = getattr(value, "original_string", None)
    return original if isinstance(original, str) else str(value)


def _split_texts(vr: str, text: str) -> list[str]:
    if not text:
        return []
    parts = [text] if vr in SINGLE_VALUED_TEXT_VRS else text.split("\\")
    return [strip_padding(vr, p) for p in parts]


def read_value(ds: Dataset, tag: int, expected_vr: str | None, encodings: Sequence[str]) -> Value:
    """Read an element without letting pydicom convert (or reject) raw text."""
    elems = cast(Mapping[int, DataElement | RawDataElement], ds._dict)
    elem = elems.get(tag)  # get_item without its per-call overhead
    if elem is None or (
        isinstance(elem, RawDataElement) and elem.value is None and elem.length not in _NO_VALUE
    ):
        elem = ds.get_item(tag)  # deferred reads
    if isinstance(elem, RawDataElement):
        vr = elem.VR or expected_vr or _pydicom_vr(tag)
        if " or " in vr:  # implicit VR: pydicom gives the dictionary's choice
            options = vr.split(" or ")
            vr = expected_vr if expected_vr in options else options[0]
        if elem.value is not None and elem.length != 0xFFFFFFFF and len(elem.value) < elem.length:
            return Value(
                vr,
                error=f"value truncated: {len(elem.value)} of {elem.length} bytes in the file",
                code=TRUNCATED_VALUE,
            )
        if vr == "SQ":
            return _converted(ds, tag, vr)
        if vr not in KNOWN_VRS:
            return Value(vr, error=f"VR {vr!r} is not a DICOM VR", code=INVALID_VR)
        return from_bytes(vr, elem.value or b"", encodings, elem.is_little_endian)
    if elem is None:
        return Value(expected_vr or "UN")
    assert isinstance(elem, DataElement)
    return _from_element(elem)


def from_bytes(vr: str, data: bytes, encodings: Sequence[str], little: bool = True) -> Value:
    """The value of ``data`` read as ``vr``: text split; the numbers of a
    numeric binary VR (``little``: byte order), as pydicom would convert
    them, so enumerated values and ranges are checked on raw elements too;
    otherwise (O* VRs, a length that is no whole number of values, more
    than MAX_DECODED values) a byte count."""
    if vr in TEXT_VRS:
        if data.isascii() or vr not in CHARSET_VRS:
            text = data.decode("latin-1")
        else:
            decoded = _decode(data, vr, encodings)
            if decoded is None:
                shown = data[:40].hex(" ")
                return Value(vr, error=f"value cannot be decoded as {encodings}: {shown}")
            text = decoded
        return Value(vr, texts=_split_texts(vr, text))
    numbers = unpack_numbers(vr, data, little)
    if numbers is not None:
        return Value(vr, numbers=numbers)
    return Value(vr, nbytes=len(data))


KNOWN_VRS: Final = frozenset(
    (*TEXT_VRS, *BINARY_SIZE, "SQ", "OB or OW", "US or SS", "US or OW", "UNKNOWN_VR")
)
"""The VRs of PS3.5 6.2 (and pydicom's ambiguous forms)."""

MAX_DECODED: Final = 256
"""Numeric binary values longer than this many values are counted, not
decoded (lookup tables and the like: no enumerated values there)."""

_FORMATS: Final[dict[str, str]] = {
    "US": "H",
    "SS": "h",
    "UL": "L",
    "SL": "l",
    "UV": "Q",
    "SV": "q",
    "FL": "f",
    "FD": "d",
    "AT": "H",
}


def unpack_numbers(vr: str, data: bytes, little: bool = True) -> list[int | float] | None:
    """The values of a numeric binary VR (AT: tags as ``group << 16 |
    element``); None for other VRs, a length that is no whole number of
    values, or more than MAX_DECODED values."""
    code = _FORMATS.get(vr)
    size = BINARY_SIZE.get(vr, 1)
    if code is None or len(data) % size or len(data) // size > MAX_DECODED:
        return None
    count = len(data) // struct.calcsize("<" + code)
    values = struct.unpack(("<" if little else ">") + code * count, data)
    if vr == "AT":
        return [(values[i] << 16) | values[i + 1] for i in range(0, len(values), 2)]
    return list(values)


def raw_bytes(ds: Dataset, tag: int) -> bytes | None:
    elem = ds.get_item(tag)
    value = getattr(elem, "value", None)
    return bytes(value) if isinstance(value, (bytes, bytearray)) else None


def raw_little_endian(ds: Dataset, tag: int) -> bool:
    """The byte order an element was read in (little endian when unknown)."""
    elem = ds.get_item(tag)
    return bool(getattr(elem, "is_little_endian", True))


def _decode(data: bytes, vr: str, encodings: Sequence[str]) -> str | None:
    """Text in the dataset's character set; None when it does not decode."""
    delimiters = {0x5E, 0x3D} if vr == "PN" else set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            text = decode_bytes(data, encodings, delimiters)
        except Exception:  # pydicom raises several kinds
            return None
    return None if "\ufffd" in text and "\ufffd".encode() not in data else text


def _pydicom_vr(tag: int) -> str:
    try:
        return dictionary_VR(tag).split(" or ")[0]
    except KeyError:
        return "UN"


def _converted(ds: Dataset, tag: int, vr: str) -> Value:
    try:
        elem = ds[tag]
    except Exception as exc:
        return Value(vr, error=f"cannot decode value: {exc}")
    return _from_element(elem)


def _from_element(elem: DataElement) -> Value:
    vr = str(elem.VR)
    value = elem.value
    if vr == "SQ":
        return Value(vr, items=list(value or ()))
    if " or " in vr:
        vr = vr.split(" or ")[0]
    if value is None:
        return Value(vr, texts=[] if vr in TEXT_VRS else None)
    if vr in TEXT_VRS:
        if isinstance(value, (list, tuple, MultiValue)):
            texts = [strip_padding(vr, _text_of(v)) for v in value]
        else:
            texts = _split_texts(vr, _text_of(value))
        return Value(vr, texts=texts)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return Value(vr, nbytes=len(value))
    if vr in NUMERIC_VRS:
        if isinstance(value, (list, tuple, MultiValue)):
            return Value(vr, numbers=[v for v in value if isinstance(v, (int, float))])
        if isinstance(value, (int, float)):
            return Value(vr, numbers=[value])
    return Value(vr, error=f"unexpected Python value of type {type(value).__name__}")


MAX_INFLATED: Final = 256 * 2**20
"""Bytes a deflated data set may inflate to (a larger one is not read)."""
_DEFLATED_UIDS: Final = (b"1.2.840.10008.1.2.1.99",)  # Deflated Explicit VR Little Endian


def inflated_too_large(path: str, limit: int | None = None) -> str | None:
    """Why a deflated file is not read: it inflates past ``limit`` bytes
    (default MAX_INFLATED); None for any other file. Inflates in chunks,
    counting, so memory stays bounded whatever the file holds."""
    limit = MAX_INFLATED if limit is None else limit
    with open(path, "rb") as stream:
        head = stream.read(8192)
        if not any(uid in head for uid in _DEFLATED_UIDS):
            return None
        stream.seek(0)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                read_preamble(stream, False)
                _read_file_meta_info(stream)
        except Exception:  # pydicom reports what is wrong with the header
            return None
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        total = 0
        while chunk := stream.read(1 << 16):
            while chunk:
                try:
                    total += len(inflater.decompress(chunk, 1 << 20))
                except zlib.error:
                    return None  # not deflate data: pydicom says so
                if total > limit:
                    return (
                        f"the deflated data set inflates to more than {limit} bytes "
                        "(the limit); not read"
                    )
                chunk = inflater.unconsumed_tail
    return None


def read_file(path: str) -> tuple[Dataset | None, list[Finding]]:
    """Read a DICOM file; (None, [error]) when it is not DICOM or unreadable.
    A file without preamble and meta header is read anyway, with a warning.
    A file that ends inside an element of undefined length (pydicom then
    drops every element) is read up to that element, with an error."""
    notes: list[Finding] = []
    try:
        too_large = inflated_too_large(path)
        if too_large is not None:
            return None, [Finding(INFLATED_TOO_LARGE, "error", too_large)]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            dataset: Dataset
            try:
                dataset = dcmread(path)
            except InvalidDicomError:
                bare = _read_bare(path)
                if bare is None:
                    message = "not a DICOM file (no DICM prefix, no readable data elements)"
                    return None, [Finding(NOT_DICOM, "error", message)]
                dataset = bare
                message = "no DICOM preamble and file meta information; read as a bare dataset"
                notes.append(Finding(NO_FILE_META, "warning", message))
        said = [str(w.message) for w in caught]
        other = next((text for text in said if _OTHER_VR_ENCODING in text), None)
        syntax = getattr(dataset, "file_meta", {}).get("TransferSyntaxUID")
        if other is not None and syntax is not None and not notes:  # not for a bare dataset
            notes.append(_encoding_mismatch(syntax, other))
        ended = next((text for text in said if _ENDS_EARLY in text), None)
        if ended is not None:
            recovered = _recover(path)
            if recovered is not None and len(recovered[0]) > len(dataset):
                dataset = recovered[0]
                notes.append(recovered[1])
            else:
                reason = ended.split(" in file ")[0]
                message = f"the file ends early ({reason}); elements read: {len(dataset)}"
                notes.append(Finding(TRUNCATED_VALUE, "error", message))
    except MemoryError as exc:
        return None, [Finding(READ_ERROR, "error", f"cannot read the file: {exc}")]
    except Exception as exc:  # OSError, or one of the many kinds pydicom raises
        recovered = _recover(path)
        if recovered is not None:
            return recovered[0], [recovered[1]]
        verb = "read" if isinstance(exc, OSError) else "parse"
        return None, [Finding(READ_ERROR, "error", f"cannot {verb} the file: {exc}")]
    return dataset, notes


def _recover(path: str) -> tuple[Dataset, Finding] | None:
    try:
        return _read_to_the_end(path)
    except Exception:  # not even the meta header reads
        return None


_ENDS_EARLY: Final = "End of file reached"
_OTHER_VR_ENCODING: Final = "VR, but found"  # "Expected explicit VR, but found implicit VR"


def _encoding_mismatch(syntax: str, said: str) -> Finding:
    """The dataset is not encoded in the VR form its transfer syntax names
    (``said``: pydicom's "Expected explicit VR, but found implicit VR")."""
    found = "implicit" if "found implicit" in said else "explicit"
    expected = "explicit" if found == "implicit" else "implicit"
    message = (
        f"data elements are encoded with {found} VR, the Transfer Syntax UID {syntax} says "
        f"{expected} VR (read as {found})"
    )
    return Finding(
        FILE_META_MISMATCH, "error", message, 0x00020010, "(0002,0010)", name="Transfer Syntax UID"
    )


_PIXEL_TAGS: Final = {
    0x7FE00010: "Pixel Data",
    0x7FE00008: "Float Pixel Data",
    0x7FE00009: "Double Float Pixel Data",
}


def _read_to_the_end(path: str) -> tuple[Dataset, Finding] | None:
    """The elements a file holds before the one it ends inside (Pixel Data
    of undefined length without its delimiter: kept, as a raw element with
    the bytes there are), and the error that says so; None when the file
    cannot be read that way (no meta header, deflated) or does not end early."""
    with open(path, "rb") as stream, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        preamble = read_preamble(stream, False)
        meta = _read_file_meta_info(stream)
        syntax = meta.get("TransferSyntaxUID")
        if syntax is None or not syntax.is_transfer_syntax or syntax.is_deflated:
            return None
        implicit, little = bool(syntax.is_implicit_VR), bool(syntax.is_little_endian)
        elements: dict[BaseTag, RawDataElement | DataElement] = {}
        reader = data_element_generator(stream, implicit, little)
        while True:
            start = stream.tell()
            try:
                elem = next(reader)
            except StopIteration:
                return None
            except Exception as exc:  # EOFError, or pydicom's errors on bad bytes
                failure = exc
                break
            elements[elem.tag] = elem
        stream.seek(start)
        rest = stream.read()
    dataset = FileDataset(path, elements, preamble, meta, implicit, little)
    order: Literal["little", "big"] = "little" if little else "big"
    header = 8 if implicit else 12
    tag = (int.from_bytes(rest[:2], order) << 16) | int.from_bytes(rest[2:4], order)
    where = f"({tag >> 16:04X},{tag & 0xFFFF:04X})"
    name = _PIXEL_TAGS.get(tag)
    if name is not None and len(rest) >= header:
        vr = "OB" if implicit else rest[4:6].decode("latin-1")
        value = rest[header:]
        dataset[tag] = RawDataElement(BaseTag(tag), vr, 0xFFFFFFFF, value, start, implicit, little)
        message = (
            f"the file ends inside {name} of undefined length ({len(value)} bytes, no sequence "
            "delimiter); the elements before it were read, its value is not checked"
        )
        return dataset, Finding(TRUNCATED_VALUE, "error", message, tag, where, name=name)
    if isinstance(failure, EOFError) or "No tag to read" in str(failure):  # pydicom: OSError
        code, problem = TRUNCATED_VALUE, "the file ends inside element " + where
    else:
        code, problem = READ_ERROR, f"cannot read element {where} ({failure})"
    message = f"{problem}; the {len(elements)} elements before it were read, none after it"
    return dataset, Finding(code, "error", message, tag, where)


def _read_bare(path: str) -> Dataset | None:
    """A dataset without preamble or meta header, in whichever of the three
    uncompressed encodings gives plausible elements; None if none does."""
    for implicit, little in ((False, True), (True, True), (False, False)):
        try:
            with open(path, "rb") as stream:
                dataset = read_dataset(stream, implicit, little)
        except Exception:
            continue
        if _plausible(dataset):
            return dataset
    return None


def _plausible(ds: Dataset) -> bool:
    """A force-read dataset that looks like DICOM: elements in groups below
    0x7FE1 (or private), the first of them in groups 0x0002-0x0010."""
    tags = list(ds.keys())
    if not tags:
        return False
    return 0x0002 <= tags[0] >> 16 <= 0x0010 and all(
        t >> 16 <= 0x7FE0 or t >> 16 >= 0xFFFA or (t >> 16) % 2 for t in tags[:3]
    )


def encodings_of(ds: Dataset, inherited: Sequence[str] | None) -> list[str]:
    """Python encodings of the Specific Character Set in force for ``ds``."""
    if CHARSET_TAG not in ds:
        return list(inherited) if inherited is not None else ["iso8859"]
    try:
        value = ds[CHARSET_TAG].value
        terms = list(value) if isinstance(value, (list, MultiValue)) else [value or ""]
        return list(convert_encodings([str(t) for t in terms]))
    except Exception:
        return ["iso8859"]


def is_extended(ds: Dataset) -> bool:
    if CHARSET_TAG not in ds:
        return False
    try:
        value = ds[CHARSET_TAG].value
    except Exception:
        return False
    terms = list(value) if isinstance(value, (list, MultiValue)) else [value]
    return any(str(t or "").strip() not in ("", "ISO_IR 6", "ISO 2022 IR 6") for t in terms)
