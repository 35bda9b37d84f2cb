"""Inferring the VR of a private value from its bytes, for ``mdict learn``:
files in implicit VR do not say it. Each guess says why it was made."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

ITEM_LE = b"\xfe\xff\x00\xe0"
ITEM_BE = b"\xff\xfe\xe0\x00"
TEXT_VRS = ("CS", "SH", "LO", "LT", "UT")
"""Text VRs from narrowest to widest: two inferred text VRs widen to the wider."""


_UID = re.compile(r"^[0-9]+(\.[0-9]+){2,}$")
_DA = re.compile(r"^(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$")
_TM = re.compile(r"^([01]\d|2[0-3])[0-5]\d[0-5]\d\.\d{1,6}$")
_IS = re.compile(r"^[+-]?\d{1,12}$")
_DS = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_CS = re.compile(r"^[A-Z0-9 _]*$")
PRINTABLE = re.compile(rb"^[\x20-\x7e\t\r\n\x1b]*$")


@dataclass(frozen=True, slots=True)
class Inferred:
    """A VR inferred from a value, why, and the value's multiplicity."""

    vr: str
    basis: str
    vm: int


def _all(pattern: re.Pattern[str], values: Sequence[str]) -> bool:
    return all(pattern.match(v) for v in values)


def infer_vr(value: bytes, little_endian: bool = True) -> Inferred:
    """Infer a VR from the bytes of a value whose VR the file does not say."""
    if value.startswith(ITEM_LE if little_endian else ITEM_BE):
        return Inferred("SQ", "value starts with an item tag", 1)
    if not value:
        return Inferred("UN", "always empty: VR not inferable", 0)
    text = _as_text(value)
    if text is not None:
        return _infer_text(text)
    if len(value) == 2:
        return Inferred("US", "2-byte binary: US assumed (could be SS)", 1)
    if len(value) == 4:
        return Inferred("UL", "4-byte binary: UL assumed (could be SL, FL or AT)", 1)
    return Inferred("OB", f"binary value: OB assumed ({len(value)} bytes)", 1)


def _as_text(value: bytes) -> str | None:
    """The value as text when it reads as DICOM text: printable, something
    visible, and NUL padding only after a UID."""
    body = value[:-1] if value.endswith(b"\x00") else value
    if b"\x00" in body or not PRINTABLE.match(body) or not body.strip():
        return None
    text = body.decode("ascii").rstrip(" ")
    if body is not value and not _UID.match(text):
        return None
    return text


def _infer_text(text: str) -> Inferred:
    if "\r" in text or "\n" in text or (len(text) > 64 and "\\" not in text):
        vr = "LT" if len(text) <= 10240 else "UT"
        return Inferred(vr, f"text of {len(text)} characters", 1)
    values = [v.strip() for v in text.split("\\")]
    count = len(values)
    rules: tuple[tuple[str, Callable[[], bool], str], ...] = (
        ("DA", lambda: _all(_DA, values), "text like a date YYYYMMDD"),
        ("TM", lambda: _all(_TM, values), "text like a time HHMMSS.frac"),
        ("IS", lambda: _all(_IS, values), "text like integers"),
        (
            "DS",
            lambda: _all(_DS, values) and all(len(v) <= 16 for v in values),
            "text like decimals",
        ),
        ("UI", lambda: _all(_UID, values) and all(len(v) <= 64 for v in values), "text like a UID"),
        ("PN", lambda: any("^" in v for v in values), "text with '^' like a person name"),
        (
            "CS",
            lambda: _all(_CS, values) and all(len(v) <= 16 for v in values),
            "upper-case code text",
        ),
        ("SH", lambda: all(len(v) <= 16 for v in values), "short text"),
    )
    for vr, test, basis in rules:
        if test():
            return Inferred(vr, basis, count)
    return Inferred("LO", "text up to 64 characters", count)


def widen(a: str, b: str) -> str | None:
    """The VR covering two inferred VRs (IS+DS -> DS, CS+LO -> LO), else None."""
    if a == b:
        return a
    if {a, b} == {"IS", "DS"}:
        return "DS"
    texty = {"CS": "CS", "SH": "SH", "LO": "LO", "LT": "LT", "UT": "UT", "IS": "SH", "DS": "SH"}
    texty |= {"PN": "LO", "DA": "SH", "TM": "SH", "UI": "LO"}
    if a in texty and b in texty:
        return max(texty[a], texty[b], key=TEXT_VRS.index)
    if {a, b} <= {"US", "UL", "OB"}:
        return "OB"
    return None
