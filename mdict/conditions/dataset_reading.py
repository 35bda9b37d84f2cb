"""Reading what a condition tests from a pydicom dataset: an element
(group 0002 from the file meta too), its values, and a value compared with a
constant as text, number or tag."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset

from mdict.conditions import (
    AttributeTag,
    Constant,
)


class Unreadable(Exception):
    """An element pydicom cannot decode."""


def element_of(ds: Dataset, tag: int) -> Any:
    """The data element ``tag`` of ``ds`` (group 0002 also from file_meta),
    None when absent; raises Unreadable when it cannot be decoded."""
    elem = ds._dict.get(tag)  # type: ignore[call-overload]  # BaseTag is an int
    if elem is None:
        if tag >> 16 != 2:
            return None
        meta = getattr(ds, "file_meta", None)
        if meta is None or tag not in meta._dict:
            return None
        ds = meta
    elif isinstance(elem, DataElement):
        return elem
    try:
        return ds[tag]  # decodes a raw element (once: pydicom keeps the result)
    except Exception as exc:  # pydicom raises many kinds on bad values
        raise Unreadable(str(exc)) from exc


def values_of(elem: Any) -> list[Any]:
    """The values of an element (items for a sequence); [] when empty."""
    value = elem.value
    if value is None:
        return []
    if isinstance(value, (str, bytes)):
        return [value] if value not in ("", b"") else []
    if isinstance(value, Dataset):
        return [value]
    try:
        return list(value)
    except TypeError:
        return [value]


def text_of(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1").strip(" \x00")
    return str(value).strip(" \x00")


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    return isinstance(value, (str, bytes)) and text_of(value) == ""


def number_of(value: Any) -> float | None:
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(text_of(value))
    except (TypeError, ValueError):
        return None


_OPS: Mapping[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: bool(a == b),
    "!=": lambda a, b: bool(a != b),
    "<": lambda a, b: bool(a < b),
    "<=": lambda a, b: bool(a <= b),
    ">": lambda a, b: bool(a > b),
    ">=": lambda a, b: bool(a >= b),
}


def compare_value(value: Any, op: str, constant: Constant) -> bool | None:
    """One value against a constant: as text for a string constant, as a
    number for a number, as a tag for an AT constant; None when the value
    cannot be read that way."""
    if isinstance(constant, str):
        return _OPS[op](text_of(value), constant)
    if isinstance(constant, AttributeTag):
        if isinstance(value, int):
            return _OPS[op](int(value), constant.tag)
        return None
    number = number_of(value)
    if number is None:
        return None
    return _OPS[op](number, float(constant))
