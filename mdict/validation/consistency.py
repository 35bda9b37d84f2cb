"""Agreement between parts of a file: meta information and data set UIDs,
Number of Frames and per-frame functional group items."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from mdict.validation.findings import FILE_META_MISMATCH, FRAME_COUNT_MISMATCH, Finding
from mdict.validation.plan import Where

if TYPE_CHECKING:
    from pydicom.dataset import Dataset

SOP_CLASS_UID: Final = 0x00080016
MEDIA_SOP_CLASS_UID: Final = 0x00020002


def text_value(ds: Dataset | None, tag: int) -> str | None:
    """An element's value as text, padding removed; None when absent or unreadable."""
    if ds is None or tag not in ds:
        return None
    try:
        return str(ds[tag].value or "").strip("\x00 ")
    except Exception:  # unreadable values are reported where they are checked
        return None


def consistency(ds: Dataset) -> list[Finding]:
    """Agreement between parts of a file: meta header and dataset UIDs, the
    number of frames and of per-frame functional group items."""
    found: list[Finding] = []
    meta = getattr(ds, "file_meta", None)
    for meta_tag, tag, what in (
        (MEDIA_SOP_CLASS_UID, SOP_CLASS_UID, "SOP Class UID"),
        (0x00020003, 0x00080018, "SOP Instance UID"),
    ):
        in_meta, in_dataset = text_value(meta, meta_tag), text_value(ds, tag)
        if in_meta and in_dataset and in_meta != in_dataset:
            message = f"file meta {what} {in_meta} differs from the dataset's {in_dataset}"
            where = Where(meta_tag, "", None, f"Media Storage {what}")
            found.append(where.finding(FILE_META_MISMATCH, "error", message))
    frames, items = text_value(ds, 0x00280008), None
    if 0x52009230 in ds:
        try:
            items = len(ds[0x52009230].value or ())
        except Exception:
            items = None
    if frames and frames.isdigit() and items is not None and int(frames) != items:
        message = f"{items} per-frame functional group items, Number of Frames is {frames}"
        where = Where(0x52009230, "", None, "Per-frame Functional Groups Sequence")
        found.append(where.finding(FRAME_COUNT_MISMATCH, "error", message))
    return found


def sop_class_uid(ds: Dataset) -> str | None:
    """The SOP Class UID of the data set (else of the meta information)."""
    for source, tag in (
        (ds, SOP_CLASS_UID),
        (getattr(ds, "file_meta", None), MEDIA_SOP_CLASS_UID),
    ):
        text = text_value(source, tag)
        if text:
            return text
    return None
