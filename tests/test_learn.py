"""mdict learn: VR inference, corpus scanning, proposals, report."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from private_helpers import dictionary, make_corpus, write_dicom

from mdict.check import check_dictionary
from mdict.combine import merge_dictionaries
from mdict.parse import parse_dictionary
from mdict.private.learn import (
    find_files,
    format_report,
    infer_vr,
    propose,
    scan_file,
    scan_files,
    widen,
)
from mdict.write import format_dictionary


@pytest.mark.parametrize(
    ("value", "vr", "vm"),
    [
        (b"FAST", "CS", 1),
        (b"Smith^John", "PN", 1),
        (b"1.5\\2.25", "DS", 2),
        (b"12\\-3", "IS", 2),
        (b"1.2.840.10008.1\x00", "UI", 1),
        (b"20240131", "DA", 1),
        (b"101010.5 ", "TM", 1),
        (b"Mixed case text", "SH", 1),
        (b"A longer free text value that is over sixteen chars", "LO", 1),
        (b"line one\r\nline two", "LT", 1),
        (b"\x07\x00", "US", 1),
        (b"K\x00", "US", 1),
        (b"\x01\x02\x03\x04", "UL", 1),
        (b"\x00\x01\x02\x03\x04\x05", "OB", 1),
        (b"\xfe\xff\x00\xe0\x00\x00\x00\x00", "SQ", 1),
        (b"", "UN", 0),
    ],
)
def test_infer_vr(value: bytes, vr: str, vm: int) -> None:
    inferred = infer_vr(value)
    assert (inferred.vr, inferred.vm) == (vr, vm)
    assert inferred.basis


def test_widen() -> None:
    assert widen("IS", "DS") == "DS"
    assert widen("CS", "LO") == "LO"
    assert widen("US", "UL") == "OB"
    assert widen("SQ", "CS") is None


@given(st.binary(max_size=80))
def test_inference_never_fails(value: bytes) -> None:
    inferred = infer_vr(value)
    assert inferred.vr in {"SQ", "UN", "US", "UL", "OB", "CS", "SH", "LO", "LT", "UT"} | {
        "PN",
        "DA",
        "TM",
        "IS",
        "DS",
        "UI",
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    make_corpus(root, 12)
    (root / "notes.txt").write_text("not DICOM")
    return root


def _by_tag(learned_text: str) -> dict[str, str]:
    return {ln.split(",", 1)[1]: ln for ln in learned_text.splitlines()}


def test_explicit_vr_wins_and_every_attribute_found(corpus: Path) -> None:
    learned = propose(scan_files(find_files(corpus), jobs=1))
    assert learned.files == 13 and learned.dicom_files == 12
    assert learned.skipped[0][1] == "not a DICOM file (no DICM preamble)"
    lines = _by_tag(format_dictionary(learned.dictionary()))
    assert lines["0009,ACME Imaging Group,2B,DS,1-n"].startswith("Unnamed ACME Imaging Group")
    assert "0011,ACME INNER,01,LO,1" in lines  # nested in a private sequence
    assert "0009,ACME Imaging Group,30,SQ,1" in lines
    by_key = {str(p.entry.tag): p for p in learned.proposals}
    gains = by_key["0009,ACME Imaging Group,2B"]
    assert gains.vm_seen == "1-3"
    assert gains.files == 12
    assert gains.how.startswith("explicit VR in 6 files; 6 without (values look like DS)")
    assert by_key["0019,OTHER VENDOR 2.0,06"].files == 3
    assert by_key["0009,ACME Imaging Group,2C"].example == "7"


def test_implicit_only_is_marked_inferred(tmp_path: Path) -> None:
    make_corpus(tmp_path, 6, implicit_every=1)
    learned = propose(scan_files(find_files(tmp_path), jobs=1))
    assert learned.proposals
    for proposal in learned.proposals:
        assert "INFERRED" in proposal.how
        assert proposal.entry.name.endswith("(VR inferred)")
    vrs = {str(p.entry.tag): p.entry.vr for p in learned.proposals}
    assert vrs["0009,ACME Imaging Group,2D"] == "UI"
    assert vrs["0019,OTHER VENDOR 2.0,05"] == "IS"


def test_parallel_scan_gives_the_same_result(corpus: Path) -> None:
    paths = find_files(corpus)
    serial = propose(scan_files(paths, jobs=1))
    parallel = propose(scan_files(paths, jobs=2, chunk=2))
    assert parallel == serial


def test_known_attributes_are_not_proposed_and_conflicts_reported(corpus: Path) -> None:
    known = dictionary(
        "Storage Mode,0009,ACME Imaging Group,10,CS,1\nLast Serviced By,0009,ACME Imaging Group,2A,LO,1"
    )
    learned = propose(scan_files(find_files(corpus), jobs=1), known)
    tags = {str(p.entry.tag) for p in learned.proposals}
    assert "0009,ACME Imaging Group,10" not in tags
    assert "0009,ACME Imaging Group,2A" not in tags
    (conflict,) = learned.known_conflicts
    assert conflict.startswith("(0009,xx2A) ACME Imaging Group: dictionary says LO, files say PN")
    assert "## Conflicts" in format_report(learned)


def test_conflicting_explicit_vrs_are_reported(tmp_path: Path) -> None:
    from pydicom import dcmread

    write_dicom(tmp_path / "a.dcm", implicit=False)
    write_dicom(tmp_path / "b.dcm", implicit=False, index=1)
    ds = dcmread(tmp_path / "b.dcm")
    ds.private_block(0x0009, "ACME Imaging Group")[0x10].VR = "LO"
    ds.save_as(tmp_path / "b.dcm")
    learned = propose(scan_files(find_files(tmp_path), jobs=1))
    (p,) = [p for p in learned.proposals if str(p.entry.tag) == "0009,ACME Imaging Group,10"]
    assert p.conflict.startswith("explicit VRs disagree: ")
    assert "(VR conflict)" in p.entry.name


def test_output_is_a_valid_dictionary_dcomb_accepts(corpus: Path) -> None:
    learned = propose(scan_files(find_files(corpus), jobs=1))
    text = format_dictionary(learned.dictionary())
    parsed = parse_dictionary(text, "learned.pfl")
    assert check_dictionary(parsed) == []
    base = dictionary("Storage Mode,0009,ACME Imaging Group,10,CS,1\nPatient's Name,0010,0010,PN,1")
    merged = merge_dictionaries(base, parsed)
    assert len(merged.dictionary.entries) == len(parsed.entries) + 1


def test_report_lists_every_proposal_with_how(corpus: Path) -> None:
    learned = propose(scan_files(find_files(corpus), jobs=1))
    report = format_report(learned, "learned.pfl")
    rows = [ln for ln in report.splitlines() if ln.startswith("| (")]
    assert len(rows) == len(learned.proposals)
    assert all("explicit VR" in r or "INFERRED" in r for r in rows)
    assert "## Skipped files" in report


def test_unreadable_file_is_skipped_not_fatal(tmp_path: Path) -> None:
    scan = scan_file(str(tmp_path))  # a folder: reading it raises
    assert scan.error is not None and scan.error.startswith("unreadable: IsADirectoryError")
    learned = propose([scan])
    assert learned.skipped == ((str(tmp_path), scan.error),)


def test_pydicom_private_dictionary_gives_vr_and_name(tmp_path: Path) -> None:
    from pydicom import Dataset
    from pydicom.dataset import FileMetaDataset
    from pydicom.uid import ImplicitVRLittleEndian

    ds = Dataset()
    ds.private_block(0x0029, "SIEMENS CSA HEADER", create=True).add_new(0x08, "CS", "IMAGE NUM 4")
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ImplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.4"
    ds.file_meta.MediaStorageSOPInstanceUID = "1.2.3.4"
    ds.save_as(tmp_path / "csa.dcm", implicit_vr=True, little_endian=True, enforce_file_format=True)
    (p,) = propose(scan_files([str(tmp_path / "csa.dcm")], jobs=1)).proposals
    assert p.entry.vr == "CS"
    assert p.entry.name == "CSA Image Header Type (VR from pydicom)"
    assert p.how == (
        "VR from pydicom's private dictionary (values look like CS); "
        "name from pydicom's private dictionary"
    )


def test_bare_dataset_without_preamble_is_read(tmp_path: Path) -> None:
    from pydicom import Dataset

    ds = Dataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    ds.private_block(0x0019, "BARE", create=True).add_new(0x01, "LO", "no preamble")
    ds.save_as(tmp_path / "bare.dcm", implicit_vr=True, little_endian=True)
    (tmp_path / "text.dcm").write_text("not a dataset at all")
    learned = propose(scan_files(find_files(tmp_path), jobs=1))
    assert [str(p.entry.tag) for p in learned.proposals] == ["0019,BARE,01"]
    assert learned.skipped == ((str(tmp_path / "text.dcm"), "not a DICOM file (no DICM preamble)"),)
