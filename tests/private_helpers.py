"""Small builders shared by the private-dictionaries tests."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from mdict.db.protocol import MessageDatabase
from mdict.model import (
    VM,
    DictEntry,
    Dictionary,
    InfoProfile,
    InfoSection,
    ItemRef,
    Service,
    ServiceProfile,
    Tag,
)
from mdict.write import sorted_entries

PRIVATE_DATA = Path(__file__).parent / "data" / "private"


def entry(line: str) -> DictEntry:
    """One diction.pfl line (names without commas) as a DictEntry."""
    parts = line.split(",")
    group = int(parts[1], 16)
    if group % 2:
        name, _, creator, eb, vr, vm = parts
        return DictEntry(name, Tag(group, int(eb, 16), creator), vr, VM.from_text(vm))
    name, _, element, vr, vm = parts
    return DictEntry(name, Tag(group, int(element, 16)), vr, VM.from_text(vm))


def dictionary(text: str) -> Dictionary:
    return Dictionary(tuple(entry(ln) for ln in text.splitlines() if ln.strip()))


def write_dicom(
    path: Path, *, implicit: bool, index: int = 0, extra: bool = False, pixels: int = 0
) -> None:
    """A small CT-like file with ACME private blocks (one nested in a sequence)."""
    from pydicom import Dataset
    from pydicom.dataset import FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian, generate_uid

    ds = Dataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    ds.SOPInstanceUID = generate_uid(entropy_srcs=[str(path)])
    ds.PatientName = f"Test^Patient{index}"
    ds.PatientSex = "O"
    block = ds.private_block(0x0009, "ACME Imaging Group", create=True)
    block.add_new(0x10, "CS", "FAST")
    block.add_new(0x2A, "PN", "Smith^John")
    block.add_new(0x2B, "DS", ["1.5", "2.25", "3"][: 1 + index % 3])
    block.add_new(0x2C, "US", 7 + index)
    block.add_new(0x2D, "UI", "1.2.3.4.5")
    item = Dataset()
    inner = item.private_block(0x0011, "ACME INNER", create=True)
    inner.add_new(0x01, "LO", "inside a sequence")
    block.add_new(0x30, "SQ", [item])
    other = ds.private_block(0x0019, "OTHER VENDOR 2.0", create=True)
    other.add_new(0x05, "IS", str(index))
    if extra:
        other.add_new(0x06, "DA", "20240131")
    if pixels:
        ds.Rows = ds.Columns = pixels
        ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 16, 15
        ds.SamplesPerPixel, ds.PixelRepresentation = 1, 0
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.PixelData = bytes(2 * pixels * pixels)
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ImplicitVRLittleEndian if implicit else ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.save_as(path, implicit_vr=implicit, little_endian=True, enforce_file_format=True)


def make_corpus(root: Path, count: int, implicit_every: int = 2, pixels: int = 0) -> list[Path]:
    """``count`` files in nested folders; every ``implicit_every``-th is implicit
    VR; ``pixels`` > 0 adds a square 16-bit image of that size."""
    paths = []
    for i in range(count):
        folder = root / f"series{i % 7}" / f"s{i % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"img{i:05d}.dcm"
        implicit = i % implicit_every == 0
        write_dicom(path, implicit=implicit, index=i, extra=i % 5 == 1, pixels=pixels)
        paths.append(path)
    return paths


class ModelDatabase:
    """The MessageDatabase protocol over parsed profiles (a test double for
    mdict.db.database's Database, which these tests use when it is available)."""

    def __init__(self, folder: Path) -> None:
        from mdict.parse import read_dictionary, read_info, read_services

        self.dictionary = read_dictionary(folder / "diction.pfl")
        self.profile = read_services(folder / "mergecom.srv")
        self.info = read_info(folder / "info.pfl")

    def entry(self, tag: Tag) -> DictEntry | None:
        return next((e for e in self.dictionary.entries if e.tag == tag), None)

    def entry_by_name(self, name: str) -> DictEntry | None:
        want = name.replace(" ", "").lower()
        return next(
            (e for e in self.dictionary.entries if e.name.replace(" ", "").lower() == want), None
        )

    def entries(self) -> Iterator[DictEntry]:
        return iter(sorted_entries(self.dictionary.entries))

    def services(self) -> Sequence[Service]:
        return self.profile.services

    def service(self, key: str | int) -> Service | None:
        return next((s for s in self.profile.services if key in (s.name, s.uid, s.number)), None)

    def message(self, service: str | int, command: str) -> InfoSection | None:
        found = self.service(service)
        if found is None:
            return None
        return next(
            (s for s in self.info.sections if s.number == found.number and s.command == command),
            None,
        )

    def item(self, key: str | int) -> InfoSection | None:
        ref = next((i for i in self.profile.items if key in (i.name, i.number)), None)
        if ref is None:
            return None
        return next((s for s in self.info.sections if s.is_item and s.number == ref.number), None)

    def item_refs(self) -> Sequence[ItemRef]:
        return sorted(self.profile.items, key=lambda i: i.name)

    def condition_source(self, name: str) -> str | None:
        return None

    def dictionary_model(self) -> Dictionary | None:
        return Dictionary(tuple(self.entries()))

    def services_model(self) -> ServiceProfile | None:
        return self.profile

    def info_model(self) -> InfoProfile | None:
        return self.info


def database(folder: Path = PRIVATE_DATA / "db") -> MessageDatabase:
    """The test profiles as a MessageDatabase (the ModelDatabase double)."""
    return ModelDatabase(folder)


def real_database(folder: Path = PRIVATE_DATA / "db") -> MessageDatabase:
    """mdict.db.database's Database built in memory from the test profiles."""
    import importlib

    from mdict.parse import read_dictionary, read_info, read_services

    load = importlib.import_module("mdict.db.database")
    db: MessageDatabase = load.Database.from_profiles(
        dictionary=read_dictionary(folder / "diction.pfl"),
        services=read_services(folder / "mergecom.srv"),
        info=read_info(folder / "info.pfl"),
    )
    return db
