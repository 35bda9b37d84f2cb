"""Value format checks per VR (DICOM PS3.5 section 6.2) as pure functions.

Every check takes one value (a string VR's value already split on ``\\``,
trailing padding removed or not) and returns None when the value is valid or
a :class:`VRProblem` with a stable code and a message saying what was
expected and what was found.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

INVALID_VALUE: Final = "INVALID_VALUE_FOR_VR"
INVALID_LENGTH: Final = "INVALID_LENGTH_FOR_VR"
UNKNOWN_UID_ROOT: Final = "UNKNOWN_UID_ROOT"

_KNOWN_SECOND_ARCS: Final = {
    "0": frozenset(("0", "1", "2", "3", "4", "5", "9")),  # itu-t
    "1": frozenset(("0", "1", "2", "3")),  # iso
}
"""Arcs that exist under the ITU-T and ISO roots (X.660); joint-iso-itu-t
(2) has too many to list."""


@dataclass(frozen=True, slots=True)
class VRProblem:
    """Why one value does not conform to its VR."""

    code: str
    message: str
    severity: str = "error"


VRCheckFn = Callable[[str], "VRProblem | None"]


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------

TEXT_VRS: Final = frozenset("AE AS CS DA DS DT IS LO LT PN SH ST TM UC UI UR UT".split())
"""VRs whose value is character text."""

SINGLE_VALUED_TEXT_VRS: Final = frozenset(("LT", "ST", "UT", "UR"))
"""Text VRs where ``\\`` is not a value delimiter (always VM 1)."""

CHARSET_VRS: Final = frozenset(("LO", "LT", "PN", "SH", "ST", "UC", "UT"))
"""VRs whose characters may come from the Specific Character Set (0008,0005);
all other text VRs use the default repertoire (ASCII) only."""

MAX_LENGTH: Final[dict[str, int]] = {
    "AE": 16,
    "AS": 4,
    "CS": 16,
    "DA": 8,
    "DS": 16,
    "DT": 26,
    "IS": 12,
    "LO": 64,
    "LT": 10240,
    "SH": 16,
    "ST": 1024,
    "TM": 14,
    "UI": 64,
    "UC": 2**32 - 2,
    "UR": 2**32 - 2,
    "UT": 2**32 - 2,
}
"""Maximum length of one value (bytes, or characters for charset VRs).
PN is checked per component group (64 each)."""

BINARY_SIZE: Final[dict[str, int]] = {
    "AT": 4,
    "FD": 8,
    "FL": 4,
    "OB": 1,
    "OD": 8,
    "OF": 4,
    "OL": 4,
    "OV": 8,
    "OW": 2,
    "SL": 4,
    "SS": 2,
    "SV": 8,
    "UL": 4,
    "UN": 1,
    "US": 2,
    "UV": 8,
}
"""Size in bytes of one value (or one unit of an O* VR)."""

INTEGER_RANGE: Final[dict[str, tuple[int, int]]] = {
    "AT": (0, 2**32 - 1),
    "SL": (-(2**31), 2**31 - 1),
    "SS": (-(2**15), 2**15 - 1),
    "SV": (-(2**63), 2**63 - 1),
    "UL": (0, 2**32 - 1),
    "US": (0, 2**16 - 1),
    "UV": (0, 2**64 - 1),
}

NUMERIC_VRS: Final = frozenset(("FD", "FL", *INTEGER_RANGE))
"""Binary VRs whose values are numbers (VM counts values)."""

_FLOAT32_MAX: Final = 3.4028234663852886e38

# ---------------------------------------------------------------------------
# Regular expressions
# ---------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1a\x1c-\x1f\x7f]")  # ESC (0x1b) is allowed
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")  # + TAB LF FF CR
_AS = re.compile(r"\d{3}[DWMY]")
_CS = re.compile(r"[A-Z0-9 _]*")
_DA = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DS = re.compile(r" *[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)? *")
_IS = re.compile(r" *[+-]?\d+ *")
_TM = re.compile(r"(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,6}))?)?)?")
_DT = re.compile(
    r"(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,6}))?)?)?)?)?)?"
    r"(?:([+-])(\d{2})(\d{2}))?"
)
_UI = re.compile(r"(?:0|[1-9]\d*)(?:\.(?:0|[1-9]\d*))*")
_UR = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")


def _show(value: str) -> str:
    """A value as shown in a message: quoted, long values cut."""
    if len(value) > 40:
        value = value[:37] + "..."
    return repr(value)


def _bad(message: str) -> VRProblem:
    return VRProblem(INVALID_VALUE, message)


def _too_long(vr: str, value: str, limit: int) -> VRProblem:
    return VRProblem(
        INVALID_LENGTH,
        f"{vr} value {_show(value)} has {len(value)} characters, at most {limit} allowed",
    )


def _repertoire(vr: str, value: str, extended: bool) -> VRProblem | None:
    """Control characters, backslash and (without a character set) non-ASCII."""
    control = _TEXT_CONTROL if vr in SINGLE_VALUED_TEXT_VRS else _CONTROL
    m = control.search(value)
    if m:
        return _bad(f"{vr} value {_show(value)} holds control character {m.group()!r}")
    if not extended and not value.isascii():
        char = next(c for c in value if not c.isascii())
        where = (
            "in the default repertoire (no Specific Character Set)"
            if vr in CHARSET_VRS
            else f"in a {vr} value (default repertoire only)"
        )
        return _bad(f"{vr} value {_show(value)} holds {char!r}, which is not allowed {where}")
    if "\\" in value and vr not in ("LT", "ST", "UT"):
        return _bad(f"{vr} value {_show(value)} holds a backslash")
    return None


# ---------------------------------------------------------------------------
# Date and time
# ---------------------------------------------------------------------------


def _date_problem(year: int, month: int | None, day: int | None) -> str | None:
    if month is not None and not 1 <= month <= 12:
        return f"month {month:02d} out of range 01-12"
    if day is not None and month is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            return f"day {day:02d} out of range 01-{last:02d}"
    return None


def _time_problem(hour: int, minute: int | None, second: int | None) -> str | None:
    if hour > 23:
        return f"hour {hour:02d} out of range 00-23"
    if minute is not None and minute > 59:
        return f"minute {minute:02d} out of range 00-59"
    if second is not None and second > 60:
        return f"second {second:02d} out of range 00-60"
    return None


def _opt(text: str | None) -> int | None:
    return None if text is None else int(text)


def check_da(value: str) -> VRProblem | None:
    """DA: ``YYYYMMDD``, a real calendar date."""
    m = _DA.fullmatch(value)
    if not m:
        return _bad(f"DA value {_show(value)} is not a date YYYYMMDD")
    year, month, day = (int(g) for g in m.groups())
    problem = _date_problem(year, month, day)
    return _bad(f"DA value {_show(value)}: {problem}") if problem else None


def check_tm(value: str) -> VRProblem | None:
    """TM: ``HH[MM[SS[.F{1,6}]]]`` with valid hours, minutes, seconds."""
    m = _TM.fullmatch(value)
    if not m:
        return _bad(f"TM value {_show(value)} is not a time HH[MM[SS[.FFFFFF]]]")
    problem = _time_problem(int(m.group(1)), _opt(m.group(2)), _opt(m.group(3)))
    return _bad(f"TM value {_show(value)}: {problem}") if problem else None


def check_dt(value: str) -> VRProblem | None:
    """DT: ``YYYY[MM[DD[HH[MM[SS[.F{1,6}]]]]]][&ZZXX]``."""
    m = _DT.fullmatch(value)
    if not m:
        return _bad(
            f"DT value {_show(value)} is not a date-time YYYY[MM[DD[HH[MM[SS[.FFFFFF]]]]]][+-ZZXX]"
        )
    year, month, day, hour, minute, second = (_opt(g) for g in m.groups()[:6])
    assert year is not None
    problem = _date_problem(year, month, day)
    if problem is None and hour is not None:
        problem = _time_problem(hour, minute, second)
    if problem is None and m.group(8):
        zh, zm = int(m.group(9)), int(m.group(10))
        offset = (zh * 60 + zm) * (1 if m.group(8) == "+" else -1)
        if zm > 59 or not -12 * 60 <= offset <= 14 * 60:
            problem = f"UTC offset {m.group(8)}{m.group(9)}{m.group(10)} out of range -1200..+1400"
    return _bad(f"DT value {_show(value)}: {problem}") if problem else None


def _range_of(check: VRCheckFn, vr: str, value: str) -> VRProblem | None:
    """A query range ``A-B``, ``A-`` or ``-B`` (C-FIND/C-GET/C-MOVE keys)."""
    low, _, high = value.partition("-")
    if vr == "DT" and value.count("-") > 1:
        return None  # UTC offsets make the split ambiguous; accept
    for part in (low, high):
        if part:
            problem = check(part)
            if problem:
                return problem
    if not low and not high:
        return _bad(f"{vr} range {_show(value)} has neither start nor end")
    return None


# ---------------------------------------------------------------------------
# Numbers, UIDs, names
# ---------------------------------------------------------------------------


def check_ds(value: str) -> VRProblem | None:
    """DS: a fixed or floating point decimal, at most 16 bytes."""
    if len(value) > 16:
        return _too_long("DS", value, 16)
    if not _DS.fullmatch(value):
        return _bad(f"DS value {_show(value)} is not a decimal number")
    return None


def check_is(value: str) -> VRProblem | None:
    """IS: a signed integer in -2^31..2^31-1, at most 12 bytes."""
    if len(value) > 12:
        return _too_long("IS", value, 12)
    if not _IS.fullmatch(value):
        return _bad(f"IS value {_show(value)} is not an integer")
    number = int(value)
    if not -(2**31) <= number <= 2**31 - 1:
        return _bad(f"IS value {_show(value)} out of range -2147483648..2147483647")
    return None


def check_ui(value: str) -> VRProblem | None:
    """UI: dot-separated decimal components without leading zeros, <= 64 bytes."""
    if len(value) > 64:
        return _too_long("UI", value, 64)
    if not _UI.fullmatch(value):
        if not value.isascii() or not all(c.isdigit() or c == "." for c in value):
            reason = "holds characters other than digits and '.'"
        elif ".." in value or value.startswith(".") or value.endswith("."):
            reason = "has an empty component"
        else:
            reason = "has a component with a leading zero"
        return _bad(f"UI value {_show(value)} {reason}")
    arcs = value.split(".")
    if all(arc == "0" for arc in arcs):
        return _bad(f"UI value {_show(value)} has nothing but zero components")
    if arcs[0] not in ("0", "1", "2"):
        return _bad(f"UI value {_show(value)} starts with arc {arcs[0]}; roots are 0, 1 and 2")
    if (
        len(arcs) > 1
        and arcs[0] in _KNOWN_SECOND_ARCS
        and arcs[1] not in _KNOWN_SECOND_ARCS[arcs[0]]
    ):
        return VRProblem(
            UNKNOWN_UID_ROOT,
            f"UI value {_show(value)} uses arc {arcs[0]}.{arcs[1]}, which does not exist",
            "warning",
        )
    return None


def check_pn(value: str, extended: bool = False) -> VRProblem | None:
    """PN: up to 3 component groups (``=``) of up to 5 components (``^``),
    each group at most 64 characters."""
    problem = _repertoire("PN", value, extended)
    if problem:
        return problem
    groups = value.split("=")
    if len(groups) > 3:
        return _bad(f"PN value {_show(value)} has {len(groups)} component groups, at most 3")
    for group in groups:
        if len(group) > 64:
            return VRProblem(
                INVALID_LENGTH,
                f"PN component group {_show(group)} has {len(group)} characters, at most 64 allowed",
            )
        if group.count("^") > 4:
            return _bad(f"PN value {_show(value)} has {group.count('^') + 1} components, at most 5")
    return None


def check_ur(value: str) -> VRProblem | None:
    """UR: an RFC 3986 URI/URL, no leading spaces."""
    if value.startswith(" "):
        return _bad(f"UR value {_show(value)} starts with a space")
    if not _UR.fullmatch(value.rstrip(" ")):
        return _bad(f"UR value {_show(value)} holds characters not allowed in a URI")
    return None


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------

_FORMAT_CHECKS: dict[str, VRCheckFn] = {
    "AS": lambda v: (
        None
        if _AS.fullmatch(v)
        else _bad(f"AS value {_show(v)} is not an age nnnD, nnnW, nnnM or nnnY")
    ),
    "CS": lambda v: (
        None
        if _CS.fullmatch(v)
        else _bad(f"CS value {_show(v)} holds characters other than A-Z, 0-9, space and '_'")
    ),
    "DA": check_da,
    "DS": check_ds,
    "DT": check_dt,
    "IS": check_is,
    "TM": check_tm,
    "UI": check_ui,
    "UR": check_ur,
}

_FORMAT_BOUNDS_LENGTH = frozenset(("AS", "DA", "DS", "DT", "IS", "TM", "UI"))
"""VRs whose format check reports length itself (or whose format bounds it)."""

_WILDCARD_VRS = frozenset(("AE", "CS", "LO", "LT", "PN", "SH", "ST", "UC", "UT"))


def strip_padding(vr: str, value: str) -> str:
    """Remove what DICOM pads or treats as insignificant at the end: trailing
    spaces (NUL for UI)."""
    if vr == "UI":
        return value.rstrip("\x00 ")
    return value.rstrip(" \x00") if vr in ("DA", "TM", "DT") else value.rstrip(" ")


def check_text(
    vr: str, value: str, *, extended: bool = False, query: bool = False
) -> VRProblem | None:
    """Check one value of a text VR.

    ``value`` is a single value (split on ``\\`` for multi-valued VRs), with
    its padding removed (:func:`strip_padding`). ``extended``: the dataset
    declares a Specific Character Set, so charset VRs may hold non-ASCII
    characters. ``query``: a C-FIND/C-GET/C-MOVE identifier, where ranges
    (DA, DT, TM), wildcards (``*``, ``?``) and UID lists are matching syntax.
    """
    if not value:
        return None
    if vr == "PN":
        if query and ("*" in value or "?" in value):
            value = value.replace("*", "").replace("?", "")
        return check_pn(value, extended)
    limit = MAX_LENGTH.get(vr)
    if query and vr in ("DA", "DT", "TM") and "-" in value:
        return _range_of(_FORMAT_CHECKS[vr], vr, value)
    if limit is not None and len(value) > limit and vr not in _FORMAT_BOUNDS_LENGTH:
        return _too_long(vr, value, limit)
    problem = _repertoire(vr, value, extended and vr in CHARSET_VRS)
    if problem:
        return problem
    if query and vr in _WILDCARD_VRS and ("*" in value or "?" in value):
        return None
    check = _FORMAT_CHECKS.get(vr)
    if check is not None:
        if vr in ("AS", "DA", "DT", "TM", "UI") and value != value.lstrip(" "):
            return _bad(f"{vr} value {_show(value)} starts with a space")
        return check(value)
    if vr == "AE" and not value.strip(" "):
        return _bad(f"AE value {_show(value)} holds only spaces")
    return None


def check_number(vr: str, value: int | float) -> VRProblem | None:
    """Range of one value of a binary numeric VR (US, SS, UL, SL, UV, SV, AT, FL, FD)."""
    bounds = INTEGER_RANGE.get(vr)
    if bounds is not None:
        if isinstance(value, float) and not value.is_integer():
            return _bad(f"{vr} value {value!r} is not an integer")
        low, high = bounds
        if not low <= value <= high:
            return _bad(f"{vr} value {value!r} out of range {low}..{high}")
        return None
    if vr == "FL" and math.isfinite(value) and abs(value) > _FLOAT32_MAX:
        return _bad(f"FL value {value!r} does not fit a 32-bit float")
    return None


def check_binary_length(vr: str, length: int) -> VRProblem | None:
    """Byte length of a binary value: a whole number of values (units)."""
    size = BINARY_SIZE.get(vr)
    if size is None or size == 1 or length % size == 0:
        return None
    return VRProblem(
        INVALID_LENGTH,
        f"{vr} value has {length} bytes, expected a multiple of {size}",
    )
