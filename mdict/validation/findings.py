"""What a validation finds: stable codes, findings and reports."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final, Literal

Severity = Literal["error", "warning", "info"]
LEVELS: Final[dict[str, int]] = {"error": 0, "warning": 1, "info": 2}
"""Severity rank; a report level keeps findings of rank <= the level's."""

# Stable codes -----------------------------------------------------------------
REQUIRED_ATTRIBUTE_MISSING: Final = "REQUIRED_ATTRIBUTE_MISSING"
VALUE_MAY_NOT_BE_NULL: Final = "VALUE_MAY_NOT_BE_NULL"
TOO_FEW_VALUES: Final = "TOO_FEW_VALUES"
TOO_MANY_VALUES: Final = "TOO_MANY_VALUES"
INVALID_VR: Final = "INVALID_VR"
UN_VR: Final = "UN_VR"
NOT_ONE_OF_ENUMERATED_VALUES: Final = "NOT_ONE_OF_ENUMERATED_VALUES"
NOT_ONE_OF_DEFINED_TERMS: Final = "NOT_ONE_OF_DEFINED_TERMS"
NON_SERVICE_ATTRIBUTE: Final = "NON_SERVICE_ATTRIBUTE"
NON_SERVICE_PRIVATE_ATTRIBUTE: Final = "NON_SERVICE_PRIVATE_ATTRIBUTE"
UNABLE_TO_CHECK_CONDITION: Final = "UNABLE_TO_CHECK_CONDITION"
UNDECODABLE_VALUE: Final = "UNDECODABLE_VALUE"
PRIVATE_CREATOR_MISSING: Final = "PRIVATE_CREATOR_MISSING"
INVALID_PRIVATE_CREATOR: Final = "INVALID_PRIVATE_CREATOR"
DUPLICATE_PRIVATE_CREATOR: Final = "DUPLICATE_PRIVATE_CREATOR"
INVALID_PRIVATE_GROUP: Final = "INVALID_PRIVATE_GROUP"
ITEM_SPEC_MISSING: Final = "ITEM_SPEC_MISSING"
NO_SOP_CLASS_UID: Final = "NO_SOP_CLASS_UID"
UNKNOWN_SOP_CLASS: Final = "UNKNOWN_SOP_CLASS"
NO_MESSAGE_SPEC: Final = "NO_MESSAGE_SPEC"
TRUNCATED_VALUE: Final = "TRUNCATED_VALUE"
NOT_DICOM: Final = "NOT_DICOM"
NO_FILE_META: Final = "NO_FILE_META"
READ_ERROR: Final = "READ_ERROR"
VALIDATOR_FAILURE: Final = "VALIDATOR_FAILURE"
FILE_META_MISMATCH: Final = "FILE_META_MISMATCH"
FRAME_COUNT_MISMATCH: Final = "FRAME_COUNT_MISMATCH"
NESTING_TOO_DEEP: Final = "NESTING_TOO_DEEP"
VALUE_REQUIRED_AT_POSITION: Final = "VALUE_REQUIRED_AT_POSITION"
PHOTOMETRIC_NOT_FOR_SYNTAX: Final = "PHOTOMETRIC_NOT_FOR_SYNTAX"
PIXEL_DATA_LENGTH: Final = "PIXEL_DATA_LENGTH"
PIXEL_DATA_ENCODING: Final = "PIXEL_DATA_ENCODING"
STUDY_UID_IS_FRAME_OF_REFERENCE_UID: Final = "STUDY_UID_IS_FRAME_OF_REFERENCE_UID"
ZERO_PIXEL_SPACING: Final = "ZERO_PIXEL_SPACING"
ORIENTATION_NOT_UNIT: Final = "ORIENTATION_NOT_UNIT"
ORIENTATION_NOT_ORTHOGONAL: Final = "ORIENTATION_NOT_ORTHOGONAL"
INFLATED_TOO_LARGE: Final = "INFLATED_TOO_LARGE"
COMMAND_MISMATCH: Final = "COMMAND_MISMATCH"

CODES: Final[dict[str, tuple[Severity, str]]] = {
    REQUIRED_ATTRIBUTE_MISSING: (
        "error",
        "a type 1 or 2 attribute (1C/2C: condition true) is absent",
    ),
    VALUE_MAY_NOT_BE_NULL: ("error", "a type 1 or 1C attribute is present without a value"),
    TOO_FEW_VALUES: ("error", "fewer values than the dictionary VM allows"),
    TOO_MANY_VALUES: ("error", "more values than the dictionary VM allows"),
    "INVALID_VALUE_FOR_VR": ("error", "a value breaks the format or repertoire of its VR"),
    "INVALID_LENGTH_FOR_VR": ("error", "a value is longer than its VR allows"),
    "UNKNOWN_UID_ROOT": ("warning", "a UID starts with an arc that does not exist"),
    INVALID_VR: ("error", "the element's VR differs from the spec's (or dictionary's) VR"),
    UN_VR: ("info", "the element has VR UN; its value is checked as the expected VR"),
    NOT_ONE_OF_ENUMERATED_VALUES: ("error", "a value outside the E<...> list"),
    NOT_ONE_OF_DEFINED_TERMS: ("warning", "a value outside the D<...> list"),
    NON_SERVICE_ATTRIBUTE: ("warning", "a standard attribute the message spec does not list"),
    NON_SERVICE_PRIVATE_ATTRIBUTE: ("info", "a private attribute the message spec does not list"),
    UNABLE_TO_CHECK_CONDITION: (
        "info",
        "a 1C/2C attribute is absent and its condition cannot be evaluated",
    ),
    UNDECODABLE_VALUE: ("error", "a value cannot be decoded in the declared character set"),
    TRUNCATED_VALUE: ("error", "the file ends inside a value"),
    PRIVATE_CREATOR_MISSING: ("error", "a private element outside every reserved block"),
    INVALID_PRIVATE_CREATOR: ("error", "a private creator element that is not one non-empty LO"),
    DUPLICATE_PRIVATE_CREATOR: ("warning", "one creator reserves two blocks of a group"),
    INVALID_PRIVATE_GROUP: ("error", "private data in group 0001, 0003, 0005, 0007 or FFFF"),
    ITEM_SPEC_MISSING: ("warning", "a sequence names an item spec the database lacks"),
    NO_SOP_CLASS_UID: ("error", "no SOP Class UID to find the service by"),
    UNKNOWN_SOP_CLASS: ("error", "the SOP Class UID names no service of the database"),
    NO_MESSAGE_SPEC: ("error", "the service has no spec for the command"),
    NOT_DICOM: ("error", "the file is not DICOM"),
    NO_FILE_META: ("warning", "the file has no preamble and meta header"),
    READ_ERROR: ("error", "the file cannot be read or parsed"),
    VALIDATOR_FAILURE: ("error", "the validator failed on this dataset (a bug: please report)"),
    FILE_META_MISMATCH: (
        "error",
        "the file meta information disagrees with the dataset (SOP Class/Instance UID, VR encoding)",
    ),
    FRAME_COUNT_MISMATCH: (
        "error",
        "Per-frame Functional Groups items differ from Number of Frames",
    ),
    VALUE_REQUIRED_AT_POSITION: (
        "error",
        "a value position the standard requires is missing or empty (CT Image Type value 3)",
    ),
    PHOTOMETRIC_NOT_FOR_SYNTAX: (
        "error",
        "the Photometric Interpretation is not allowed with the transfer syntax",
    ),
    PIXEL_DATA_LENGTH: (
        "error",
        "native Pixel Data shorter or longer than the image needs",
    ),
    PIXEL_DATA_ENCODING: (
        "error",
        "Pixel Data OB/OW or length form wrong for native or encapsulated data",
    ),
    STUDY_UID_IS_FRAME_OF_REFERENCE_UID: (
        "error",
        "the Frame of Reference UID is the Study Instance UID",
    ),
    ZERO_PIXEL_SPACING: ("error", "a Pixel Spacing or Imager Pixel Spacing value is 0"),
    ORIENTATION_NOT_UNIT: (
        "error",
        "Image Orientation (Patient) direction cosines are not unit vectors",
    ),
    ORIENTATION_NOT_ORTHOGONAL: (
        "error",
        "Image Orientation (Patient) row and column cosines are not orthogonal",
    ),
    NESTING_TOO_DEEP: ("error", "sequence items nested more than 100 levels deep (not walked)"),
    INFLATED_TOO_LARGE: (
        "error",
        "a deflated data set inflates past the size limit (not read)",
    ),
    COMMAND_MISMATCH: (
        "error",
        "a C-STORE command's Affected SOP Class/Instance UID differs from the data set's",
    ),
}
"""Every stable code: its usual severity and what it means (docs/codes.md)."""

PRIVATE: Final = "private"
"""The category of private-dictionary disagreements (Finding.category)."""

# ---------------------------------------------------------------------------
# Findings and reports
# ---------------------------------------------------------------------------


_TAG_TEXTS: dict[int, str] = {}


def tag_text(tag: int) -> str:
    """``(GGGG,EEEE)``."""
    text = _TAG_TEXTS.get(tag)
    if text is None:
        text = f"({tag >> 16:04X},{tag & 0xFFFF:04X})"
        if len(_TAG_TEXTS) < 65536:
            _TAG_TEXTS[tag] = text
    return text


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem (or note) about one attribute or the whole message.

    ``tag`` is the tag as it appears in the dataset (None for message-level
    findings); ``creator`` is the private creator of a private tag; ``path``
    leads from the root through sequence items (1-based item numbers), e.g.
    ``(0040,0275)[1]/(0008,0100)``; ``value_index`` is the 1-based value
    number where a single value is at fault.
    """

    code: str
    severity: Severity
    message: str
    tag: int | None = None
    path: str = ""
    creator: str | None = None
    value_index: int | None = None
    name: str | None = None
    category: str | None = None
    """``"private"``: a private attribute disagrees with the vendor's
    dictionary (VR or number of values), knowledge rather than a rule of the
    message; ``mdict validate`` counts these apart (``--show private``)."""

    @property
    def tag_display(self) -> str:
        return "" if self.tag is None else tag_text(self.tag)

    def to_dict(self) -> dict[str, Any]:
        # by hand: dataclasses.asdict deep-copies every field (a tenth of a
        # validating SCP's time per message went there)
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "tag": self.tag_display or None,
            "path": self.path,
            "creator": self.creator,
            "value_index": self.value_index,
            "name": self.name,
            "category": self.category,
        }

    def __str__(self) -> str:
        parts = [self.severity, self.code]
        if self.tag is not None:
            parts.append(self.tag_display)
            if self.creator is not None:
                parts.append(repr(self.creator))
            if self.name:
                parts.append(self.name)
            if self.path and self.path != self.tag_display:
                parts.append(f"[{self.path}]")
        parts.append(self.message)
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Coverage:
    """How many condition uses were needed and how many could be settled,
    the settled ones by where their definition came from: the naming
    convention, the conditions profile, or borrowed from the standard
    database (docs/conditions.md)."""

    uses: int = 0
    evaluated: int = 0
    unevaluated_names: tuple[str, ...] = ()
    convention: int = 0
    profile: int = 0
    borrowed: int = 0

    @property
    def not_evaluated(self) -> int:
        return self.uses - self.evaluated

    def __add__(self, other: Coverage) -> Coverage:
        names = tuple(sorted(set(self.unevaluated_names) | set(other.unevaluated_names)))
        return Coverage(
            self.uses + other.uses,
            self.evaluated + other.evaluated,
            names,
            self.convention + other.convention,
            self.profile + other.profile,
            self.borrowed + other.borrowed,
        )


def coverage_sources(coverage: Coverage) -> dict[str, int]:
    """Condition uses by where their definition came from, and not evaluated."""
    return {
        "convention": coverage.convention,
        "profile": coverage.profile,
        "borrowed": coverage.borrowed,
        "not_evaluated": coverage.not_evaluated,
    }


@dataclass(frozen=True, slots=True)
class Report:
    """The findings of one validation, in dataset order."""

    findings: tuple[Finding, ...]
    service: str | None = None
    command: str = "C_STORE_RQ"
    coverage: Coverage = field(default_factory=Coverage)
    source: str | None = None
    """The file the dataset was read from, if any."""
    unevaluated: int = 0
    """Condition uses this validation needed (a conditional attribute
    absent) but could not evaluate; counted with or without ``coverage``."""

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    @property
    def infos(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "info")

    @property
    def ok(self) -> bool:
        """True when no finding is an error."""
        return not any(f.severity == "error" for f in self.findings)

    def at_level(self, level: str) -> tuple[Finding, ...]:
        """Findings at ``level`` (error, warning or info) and more severe."""
        rank = LEVELS[level.rstrip("s")]
        return tuple(f for f in self.findings if LEVELS[f.severity] <= rank)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.source,
            "service": self.service,
            "command": self.command,
            "ok": self.ok,
            "counts": {
                "error": len(self.errors),
                "warning": len(self.warnings),
                "info": len(self.infos),
            },
            "coverage": {
                "condition_uses": self.coverage.uses,
                "evaluated": self.coverage.evaluated,
                "unevaluated_names": list(self.coverage.unevaluated_names),
                "by_source": coverage_sources(self.coverage),
            },
            "findings": [f.to_dict() for f in self.findings],
            "unevaluated_condition_uses": self.unevaluated,
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)
