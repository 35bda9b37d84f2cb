"""tools/build_profiles.py: the standard profiles generated from dicom3tools."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tools.build_dictionary import expand_mask  # noqa: E402
from tools.build_services import service_name  # noqa: E402

PROFILES = REPO / "profiles"


@pytest.mark.parametrize(
    ("sop_class", "expected"),
    [
        ("CTImageStorage", "CT_IMAGE"),
        ("EnhancedCTImageStorage", "ENHANCED_CT_IMAGE"),
        ("ModalityWorklistInformationModelFind", "MODALITY_WORKLIST_FIND"),
        ("PatientRootQueryRetrieveInformationModelMove", "PATIENT_ROOT_QR_MOVE"),
        ("DigitalXRayImageStorageForPresentation", "DIGITAL_X_RAY_IMAGE_FOR_PRESENTATION"),
        ("XRay3DAngiographicImageStorage", "X_RAY_3D_ANGIOGRAPHIC_IMAGE"),
        ("MediaStorageDirectoryStorage", "MEDIA_STORAGE_DIRECTORY"),
        ("StorageCommitmentPushModel", "STORAGE_COMMITMENT_PUSH_MODEL"),
        ("ChestCADSRStorage", "CHEST_CAD_SR"),
        ("UltrasoundImageStorageRetired", "ULTRASOUND_IMAGE_RETIRED"),
    ],
)
def test_service_names_follow_merge_style(sop_class: str, expected: str) -> None:
    assert service_name(sop_class) == expected


def test_masks_expand_repeating_groups_and_nibbles() -> None:
    assert expand_mask("60xx", is_group=True) == list(range(0x6000, 0x6020, 2))
    assert expand_mask("04x0", is_group=False) == list(range(0x0400, 0x0500, 0x10))
    assert expand_mask("xxxx", is_group=False) is None
    assert expand_mask("0010", is_group=False) == [0x10]


def test_committed_dictionary_has_well_known_lines() -> None:
    lines = set((PROFILES / "diction.pfl").read_text().splitlines())
    assert "Patient's Name,0010,0010,PN,1" in lines
    assert "Command Group Length,0000,0000,UL,1" in lines
    assert "Overlay Data,601E,3000,OW,1" in lines
    assert "Command Length to End RETIRED,0000,0001,UL,1" in lines
    assert any(
        line.startswith("CSA Image Header Info,0029,SIEMENS CSA HEADER,10,") for line in lines
    )
