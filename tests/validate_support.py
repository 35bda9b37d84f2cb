"""A tiny in-memory MessageDatabase for validator tests (a test double of the
compiled database), built from profile-like text lines."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from pydicom import dcmread
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence as DicomSequence
from pydicom.uid import ExplicitVRLittleEndian

from mdict.model import (
    VM,
    DictEntry,
    Dictionary,
    InfoLine,
    InfoProfile,
    InfoSection,
    ItemRef,
    Service,
    ServiceProfile,
    Tag,
    ValueList,
    ValueType,
)


def parse_tag(text: str) -> Tag:
    parts = text.split(",")
    group = int(parts[0], 16)
    if len(parts) == 3:
        return Tag(group, int(parts[2], 16), parts[1])
    return Tag(group, int(parts[1], 16))


def parse_values(text: str) -> ValueList | None:
    if not text:
        return None
    kind, body = text[0], text[2:-1]
    if body.startswith("("):
        groups = tuple(
            tuple(v.strip() for v in g.strip(" (").split(",")) for g in body.rstrip(")").split(")")
        )
        return ValueList(kind, groups, per_position=True)  # type: ignore[arg-type]
    return ValueList(kind, (tuple(v.strip() for v in body.split(",")),))  # type: ignore[arg-type]


def info_line(text: str) -> InfoLine:
    """``GGGG,EEEE@VR@VT@@Values;`` (test-only reader, no error handling)."""
    tag, vr, vt, field4, values = text.rstrip(";").split("@")
    if "(" in vt:
        vtype, cond = vt[:-1].split("(", 1)
        value_type = ValueType(vtype, cond)
    else:
        value_type = ValueType(vt)
    return InfoLine(parse_tag(tag), vr, value_type, parse_values(values), field4)


def dict_entry(text: str) -> DictEntry:
    """``Name,GGGG,EEEE,VR,VM`` or ``Name,GGGG,Creator,EB,VR,VM``."""
    parts = text.split(",")
    if int(parts[1], 16) % 2:
        name, group, creator, eb, vr, vm = parts
        tag = Tag(int(group, 16), int(eb, 16), creator)
    else:
        name, group, element, vr, vm = parts
        tag = Tag(int(group, 16), int(element, 16))
    return DictEntry(name, tag, vr, VM.from_text(vm))


class FakeDatabase:
    """Implements mdict.database.MessageDatabase over plain dicts."""

    def __init__(
        self,
        dictionary: Sequence[str],
        services: Sequence[tuple[str, str | None, Mapping[str, Sequence[str]]]],
        items: Mapping[str, Sequence[str]],
        conditions: Mapping[str, str] | None = None,
    ) -> None:
        self._entries = {e.tag: e for e in map(dict_entry, dictionary)}
        self._services: list[Service] = []
        self._messages: dict[tuple[int, str], InfoSection] = {}
        for number, (name, uid, messages) in enumerate(services, 1):
            self._services.append(Service(number, name, "BASE", uid, None, tuple(messages)))
            for command, lines in messages.items():
                self._messages[(number, command)] = InfoSection(
                    number, command, tuple(info_line(t) for t in lines)
                )
        self._items: dict[str, InfoSection] = {}
        self._refs: list[ItemRef] = []
        for number, (name, lines) in enumerate(sorted(items.items()), 1):
            self._refs.append(ItemRef(name, number))
            self._items[name] = InfoSection(number, "ITEM", tuple(info_line(t) for t in lines))
        self._conditions = dict(conditions or {})

    def entry(self, tag: Tag) -> DictEntry | None:
        return self._entries.get(tag)

    def entry_by_name(self, name: str) -> DictEntry | None:
        key = name.replace(" ", "").lower()
        return next(
            (e for e in self._entries.values() if e.name.replace(" ", "").lower() == key), None
        )

    def entries(self) -> Iterator[DictEntry]:
        return iter(sorted(self._entries.values(), key=lambda e: e.tag.sort_key()))

    def services(self) -> Sequence[Service]:
        return self._services

    def service(self, key: str | int) -> Service | None:
        for service in self._services:
            if key in (service.name, service.uid, service.number):
                return service
        return None

    def message(self, service: str | int, command: str) -> InfoSection | None:
        found = self.service(service)
        return None if found is None else self._messages.get((found.number, command))

    def item(self, key: str | int) -> InfoSection | None:
        if isinstance(key, int):
            ref = next((r for r in self._refs if r.number == key), None)
            return None if ref is None else self._items[ref.name]
        return self._items.get(key)

    def item_refs(self) -> Sequence[ItemRef]:
        return self._refs

    def condition_source(self, name: str) -> str | None:
        return self._conditions.get(name)


CT_UID = "1.2.840.10008.5.1.4.1.1.2"

DICTIONARY = [
    "Specific Character Set,0008,0005,CS,1-n",
    "Image Type,0008,0008,CS,2-n",
    "SOP Class UID,0008,0016,UI,1",
    "SOP Instance UID,0008,0018,UI,1",
    "Study Date,0008,0020,DA,1",
    "Modality,0008,0060,CS,1",
    "Code Value,0008,0100,SH,1",
    "Coding Scheme Designator,0008,0102,SH,1",
    "Code Meaning,0008,0104,LO,1",
    "Referenced SOP Class UID,0008,1150,UI,1",
    "Referenced SOP Instance UID,0008,1155,UI,1",
    "Referenced Image Sequence,0008,1140,SQ,1",
    "Patient's Name,0010,0010,PN,1",
    "Patient ID,0010,0020,LO,1",
    "Patient's Sex,0010,0040,CS,1",
    "Patient's Age,0010,1010,AS,1",
    "Slice Thickness,0018,0050,DS,1",
    "Pixel Spacing,0028,0030,DS,2",
    "Rows,0028,0010,US,1",
    "Columns,0028,0011,US,1",
    "Window Center,0028,1050,DS,1-n",
    "Request Attributes Sequence,0040,0275,SQ,1",
    "Scheduled Protocol Code Sequence,0040,0008,SQ,1",
    "Last Serviced By,0009,ACME Imaging Group,2A,PN,1",
    "Acme Mode,0009,ACME Imaging Group,2B,CS,1",
    "Other Private,0011,OTHER,10,LO,1",
    "Pixel Data,7FE0,0010,OW,1",
]

CT_MESSAGE = [
    "0008,0005@CS@1C(HAS_EXTENDED_CHARS)@@;",
    "0008,0008@CS@1@@E<(ORIGINAL, DERIVED)(PRIMARY, SECONDARY)>;",
    "0008,0016@UI@1@@;",
    "0008,0018@UI@1@@;",
    "0008,0020@DA@2@@;",
    "0008,0060@CS@1@@E<CT>;",
    "0008,1140@SQ@1C(A00081140_PRESENT)@@E<REF_IMAGE>;",
    "0009,ACME Imaging Group,2A@PN@3@@;",
    "0009,ACME Imaging Group,2B@CS@3@@E<FAST, SLOW>;",
    "0010,0010@PN@2@@;",
    "0010,0020@LO@2@@;",
    "0010,0040@CS@2@@E<M, F, O>;",
    "0010,1010@AS@3@@;",
    "0018,0050@DS@2@@;",
    "0028,0010@US@1@@;",
    "0028,0011@US@1@@;",
    "0028,0030@DS@1C(NEEDS_SPACING)@@;",
    "0028,1050@DS@3@@D<40, 400>;",
    "0040,0275@SQ@3@@E<REQUEST_ATTRIBUTES>;",
    "7FE0,0010@OW@1@@;",
]

ITEMS = {
    "REF_IMAGE": ["0008,1150@UI@1@@;", "0008,1155@UI@1@@;"],
    "REQUEST_ATTRIBUTES": ["0040,0008@SQ@2@@E<CODE>;"],
    "CODE": ["0008,0100@SH@1@@;", "0008,0102@SH@1@@;", "0008,0104@LO@1@@;"],
    "CODE_ALT": ["0008,0100@SH@1@@;", "0008,0104@LO@1@@;"],
}


def ct_database() -> FakeDatabase:
    return FakeDatabase(DICTIONARY, [("CT_IMAGE", CT_UID, {"C_STORE_RQ": CT_MESSAGE})], ITEMS)


def make_ct() -> Dataset:
    ds = Dataset()
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.SOPClassUID = CT_UID
    ds.SOPInstanceUID = "1.2.3.4"
    ds.StudyDate = "20240131"
    ds.Modality = "CT"
    ds.PatientName = "Doe^John"
    ds.PatientID = "ID1"
    ds.PatientSex = "M"
    ds.SliceThickness = "1.5"
    ds.Rows = 2
    ds.Columns = 2
    ds.PixelSpacing = ["0.5", "0.5"]
    ds.add_new(0x7FE00010, "OW", b"\0" * 8)
    return ds


def write_ct(path: Path, **changes: object) -> Path:
    """A CT file (with file meta) with some attributes changed (None deletes)."""
    ds = make_ct()
    for keyword, value in changes.items():
        if value is None:
            delattr(ds, keyword)
        else:
            setattr(ds, keyword, value)
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = ds.get("SOPClassUID", CT_UID)
    ds.file_meta.MediaStorageSOPInstanceUID = "1.2.3.4"
    ds.save_as(path, enforce_file_format=True)
    return path


class ProfileDatabase(FakeDatabase):
    """The protocol over parsed profile models (until a compiled one is used)."""

    def __init__(self, dictionary: Dictionary, services: ServiceProfile, info: InfoProfile) -> None:
        self._entries = {e.tag: e for e in dictionary.entries}
        self._services = list(services.services)
        self._refs = sorted(services.items, key=lambda r: r.name)
        by_number = {r.number: r.name for r in services.items}
        self._messages = {}
        self._items = {}
        for section in info.sections:
            if section.is_item:
                self._items[by_number.get(section.number, str(section.number))] = section
            else:
                self._messages[(section.number, section.command)] = section
        self._conditions = {}
        self._by_key: dict[str | int, Service] = {}
        for service in self._services:
            self._by_key[service.name] = self._by_key[service.number] = service
            if service.uid:
                self._by_key[service.uid] = service

    def service(self, key: str | int) -> Service | None:
        return self._by_key.get(key)


def standard_database() -> ProfileDatabase:
    from mdict.parse import read_dictionary, read_info, read_services

    profiles = Path(__file__).parent.parent / "profiles"
    return ProfileDatabase(
        read_dictionary(profiles / "diction.pfl"),
        read_services(profiles / "mergecom.srv"),
        read_info(profiles / "info.pfl"),
    )


def write_truncated_pixels(path: Path) -> Path:
    """A CT whose encapsulated Pixel Data (undefined length) lacks its end:
    pydicom alone reads no element of it."""
    from pydicom.encaps import encapsulate
    from pydicom.uid import JPEGBaseline8Bit

    ds = make_ct()
    ds.PixelData = encapsulate([b"\xff\xd8" + b"\0" * 30 + b"\xff\xd9"])
    ds["PixelData"].VR = "OB"
    ds["PixelData"].is_undefined_length = True
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = JPEGBaseline8Bit
    ds.file_meta.MediaStorageSOPClassUID = CT_UID
    ds.file_meta.MediaStorageSOPInstanceUID = "1.2.3.4"
    ds.save_as(path, enforce_file_format=True)
    data = path.read_bytes()
    path.write_bytes(data[: -8 - 10])  # no sequence delimiter, part of the fragment
    return path


def write_truncated_sequence(path: Path) -> Path:
    """A CT that ends inside a sequence of undefined length."""
    ds = make_ct()
    item = Dataset()
    item.ReferencedSOPClassUID = CT_UID
    item.ReferencedSOPInstanceUID = "1.2.3.5"
    ds.ReferencedImageSequence = DicomSequence([item])
    ds["ReferencedImageSequence"].is_undefined_length = True
    write_ct(path)
    ds.file_meta = dcmread(path).file_meta
    ds.save_as(path, enforce_file_format=True)
    data = path.read_bytes()
    cut = data.index(b"\x08\x00\x40\x11") + 24  # into the first item
    path.write_bytes(data[:cut])
    return path


def write_bad_files(folder: Path) -> dict[str, str]:
    """One file per kind of bad input, with the code each must get."""
    (folder / "text.dcm").write_text("not DICOM at all, only text\n" * 8)
    (folder / "empty.dcm").write_bytes(b"")
    write_ct(folder / "cut.dcm")
    data = (folder / "cut.dcm").read_bytes()
    (folder / "cut.dcm").write_bytes(data[: len(data) - 5])  # inside Pixel Data
    write_truncated_pixels(folder / "cut_pixels.dcm")
    write_truncated_sequence(folder / "cut_sequence.dcm")
    write_ct(folder / "bad_values.dcm", SpecificCharacterSet="ISO_IR 192")
    raw = (folder / "bad_values.dcm").read_bytes()
    raw = raw.replace(b"Doe^John", b"\xff\xfe^bad\xc3\x28")  # not UTF-8
    raw = raw.replace(b"20240131", b"2024-1-1")
    rows = b"\x28\x00\x10\x00US\x02\x00\x02\x00"
    raw = raw.replace(rows, b"\x28\x00\x10\x00US\x03\x00\x02\x00\x00")  # 3 bytes
    (folder / "bad_values.dcm").write_bytes(raw)
    write_ct(folder / "wrong_vr.dcm", SliceThickness=None)
    raw = (folder / "wrong_vr.dcm").read_bytes()
    # Rows (0028,0010) written with VR SS instead of US
    raw = raw.replace(b"\x28\x00\x10\x00US", b"\x28\x00\x10\x00SS")
    (folder / "wrong_vr.dcm").write_bytes(raw)
    no_uid = make_ct()
    del no_uid.SOPClassUID
    no_uid.file_meta = FileMetaDataset()
    no_uid.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    no_uid.save_as(folder / "no_sop_class.dcm", enforce_file_format=False)
    write_ct(folder / "unknown_sop_class.dcm", SOPClassUID="1.2.3.999")
    return {
        "text.dcm": "NOT_DICOM",
        "empty.dcm": "NOT_DICOM",
        "cut.dcm": "TRUNCATED_VALUE",
        "cut_pixels.dcm": "TRUNCATED_VALUE",
        "cut_sequence.dcm": "TRUNCATED_VALUE",
        "bad_values.dcm": "UNDECODABLE_VALUE",
        "wrong_vr.dcm": "INVALID_VR",
        "no_sop_class.dcm": "NO_SOP_CLASS_UID",
        "unknown_sop_class.dcm": "UNKNOWN_SOP_CLASS",
    }
