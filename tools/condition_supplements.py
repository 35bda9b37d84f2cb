"""Conditions the standard states but dicom3tools' module templates leave
out (``Type="1C" NoCondition=""``, or a condition lost where a module
repeats the attribute).

Each supplement names the PS3.3 text it encodes. Where the text depends on
something a data set cannot show, the expression says so with ``unknown``,
combined with what a data set does show: "required if the patient is an
animal and the frame of reference is not bipedal" is false for a patient
who is not an animal (evaluated) and not evaluated for one who is. Used by
tools/build_info.py (the name on the attribute's 1C/2C line) and
tools/build_conditions.py (the definition in conditions.pfl).
"""

from __future__ import annotations

from dataclasses import dataclass

_ANIMAL = (
    "(present((0010,2201) PatientSpeciesDescription)"
    " or present((0010,2202) PatientSpeciesCodeSequence))"
)


@dataclass(frozen=True)
class Supplement:
    """A condition for the 1C/2C attributes named by ``keywords``."""

    keywords: tuple[str, ...]
    expression: str
    reason: str


SUPPLEMENTS: dict[str, Supplement] = {
    "PATIENT_IS_ANIMAL": Supplement(
        ("PatientSexNeutered",),
        _ANIMAL,
        "PS3.3 C.7.1.1: Patient's Sex Neutered is required if the patient is an animal; "
        "an animal's data set names its species (Patient Species Description or Code "
        "Sequence, 1C for animals), a human's need not",
    ),
    "PATIENT_IS_ANIMAL_AND_NOT_BIPEDAL": Supplement(
        ("AnatomicalOrientationType",),
        f"{_ANIMAL} and unknown",
        "PS3.3 C.7.3.1: required if the patient is a non-human organism and the "
        "anatomical frame of reference is not bipedal (the latter is not in the data set)",
    ),
    "EXTENDED_OFFSET_TABLE_PRESENT": Supplement(
        ("ExtendedOffsetTableLengths",),
        "present((7FE0,0001) ExtendedOffsetTable)",
        "PS3.3 C.7.6.3: required if Extended Offset Table is present",
    ),
    "PIXEL_PADDING_IS_A_RANGE": Supplement(
        ("PixelPaddingRangeLimit",),
        "present((0028,0120) PixelPaddingValue) and unknown",
        "PS3.3 C.7.5.1.1.2: required if pixel padding is defined as a range, which "
        "needs Pixel Padding Value; whether it is a range is not in the data set",
    ),
    "PIXEL_ASPECT_RATIO_NOT_1_1_AND_NO_SPACING": Supplement(
        ("PixelAspectRatio",),
        "not present((0028,0030) PixelSpacing) and not present((0018,1164) ImagerPixelSpacing)"
        " and not present((0018,2010) NominalScannedPixelSpacing)"
        " and not present(/(5200,9229) SharedFunctionalGroupsSequence)"
        " and not present(/(5200,9230) PerFrameFunctionalGroupsSequence) and unknown",
        "PS3.3 C.7.6.3: required if the aspect ratio is not 1:1 and the physical pixel "
        "spacing is not given by Pixel Spacing, Imager Pixel Spacing or Nominal Scanned "
        "Pixel Spacing, for the image or per frame",
    ),
}

BY_KEYWORD: dict[str, str] = {
    keyword: name for name, supplement in SUPPLEMENTS.items() for keyword in supplement.keywords
}
"""Keyword of an attribute -> the supplement's condition name."""


def supplement_for(keyword: str, type_: str | None, condition: str | None) -> str | None:
    """The condition name for a 1C/2C line the template left without one."""
    if condition is None and type_ in ("1C", "2C"):
        return BY_KEYWORD.get(keyword)
    return condition
