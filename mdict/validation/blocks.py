"""Private blocks (PS3.5 7.8.1): creators, the blocks they reserve, and
private elements outside every reserved block."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from mdict.validation.elements import from_bytes, raw_bytes, read_value
from mdict.validation.findings import (
    DUPLICATE_PRIVATE_CREATOR,
    INVALID_PRIVATE_CREATOR,
    INVALID_PRIVATE_GROUP,
    PRIVATE_CREATOR_MISSING,
    Finding,
)
from mdict.validation.plan import Where

if TYPE_CHECKING:
    from pydicom.dataset import Dataset

BAD_PRIVATE_GROUPS: Final = frozenset((0x0001, 0x0003, 0x0005, 0x0007, 0xFFFF))
_LO_UN: Final = frozenset(("LO", "UN"))


def creators_of(
    findings: list[Finding], ds: Dataset, tags: Sequence[int], prefix: str
) -> dict[tuple[int, int], str]:
    """Private creators by (group, block); bad ones are reported."""
    creators: dict[tuple[int, int], str] = {}
    seen: dict[tuple[int, str], int] = {}
    for tag in tags:
        group, element = tag >> 16, tag & 0xFFFF
        if not group % 2 or not 0x0010 <= element <= 0x00FF:
            continue
        where = Where(tag, prefix, None, "Private Creator")
        if group in BAD_PRIVATE_GROUPS:
            message = f"group {group:04X} may not hold private attributes"
            findings.append(where.finding(INVALID_PRIVATE_GROUP, "error", message))
            continue
        creator = _creator(findings, ds, where)
        if creator is None:
            continue
        if (group, creator) in seen:
            findings.append(
                Where(tag, prefix, creator, where.name).finding(
                    DUPLICATE_PRIVATE_CREATOR,
                    "warning",
                    f"creator {creator!r} already reserved block "
                    f"{seen[(group, creator)]:02X} of group {group:04X}",
                )
            )
        else:
            seen[(group, creator)] = element
        creators[(group, element)] = creator
    return creators


def _creator(findings: list[Finding], ds: Dataset, where: Where) -> str | None:
    """The creator a (gggg,00xx) element names; None (reported) when it is
    not one non-empty LO value."""
    value = read_value(ds, where.tag, "LO", ["iso8859"])
    if value.vr == "UN":  # a creator written as UN is still text
        data = raw_bytes(ds, where.tag)
        value = from_bytes("LO", data or b"", ["iso8859"])
        value.vr = "UN"
    texts = value.texts or []
    if value.error or len(texts) != 1 or not texts[0].strip() or value.vr not in _LO_UN:
        found = value.error or (
            f"{value.vr} {texts!r}" if any(texts) else f"an empty {value.vr} value"
        )
        message = f"a private creator is one non-empty LO value, found {found}"
        findings.append(where.finding(INVALID_PRIVATE_CREATOR, "error", message))
        return None
    return texts[0]


def orphan(findings: list[Finding], tag: int, prefix: str) -> None:
    """A private element no creator reserves (or in a forbidden group)."""
    group, element = tag >> 16, tag & 0xFFFF
    where = Where(tag, prefix)
    if group in BAD_PRIVATE_GROUPS:
        code = INVALID_PRIVATE_GROUP
        message = f"group {group:04X} may not hold private attributes"
    elif element < 0x1000:
        code = PRIVATE_CREATOR_MISSING
        message = f"element {element:04X} lies outside every private block (xx10-xxFF)"
    else:
        block = element >> 8
        code = PRIVATE_CREATOR_MISSING
        message = f"no private creator ({group:04X},00{block:02X}) reserves block {block:02X}"
    findings.append(where.finding(code, "error", message))
