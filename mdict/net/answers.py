"""Answers to a C-FIND from a folder of data sets, by simple matching.

PS3.4 C.2.2.2 matching, kept simple: an empty key matches everything
(universal); ``*`` and ``?`` are wild cards; ``A-B`` is a range for DA, TM
and DT; a UI key with ``\\`` is a list of UIDs; a sequence key matches when
one item of the candidate matches every key of the query's item; anything
else matches the same value (person names without regard to case). Each
answer holds the keys the identifier asked for, with the candidate's values.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final

from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset

from mdict.validation.elements import read_file

_NOT_MATCHED: Final = frozenset((0x00080005, 0x00080052))  # character set, Q/R level
_RANGE_VRS: Final = frozenset(("DA", "TM", "DT"))
_MAX_ANSWERS: Final = 10_000


class Answers:
    """The data sets of a folder (read once, sorted by path), or none."""

    def __init__(self, folder: str | Path | None, note: Callable[[str], None]) -> None:
        self.folder = None if folder is None else Path(folder)
        self._note = note
        self._datasets: list[Dataset] | None = None

    def datasets(self) -> list[Dataset]:
        if self._datasets is None:
            self._datasets = [] if self.folder is None else self._read(self.folder)
        return self._datasets

    def _read(self, folder: Path) -> list[Dataset]:
        found: list[Dataset] = []
        for root, dirs, names in sorted(os.walk(folder)):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(n for n in names if not n.startswith(".")):
                path = Path(root, name)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    dataset, notes = read_file(str(path))
                if dataset is None or len(dataset) == 0:
                    why = notes[0].message if notes else "no data elements"
                    self._note(f"{path}: skipped, not a DICOM data set ({why})")
                else:
                    found.append(dataset)
                if len(found) >= _MAX_ANSWERS:
                    self._note(f"{folder}: only the first {_MAX_ANSWERS} data sets are used")
                    return found
        return found

    def matches(self, identifier: Dataset) -> Iterator[Dataset]:
        """The answers to ``identifier``: one per matching data set, without
        repeats (a study found through each of its instances once)."""
        seen: set[str] = set()
        for candidate in self.datasets():
            if matches(identifier, candidate):
                answer = answer_for(identifier, candidate)
                key = repr(answer)
                if key not in seen:
                    seen.add(key)
                    yield answer


def matches(query: Dataset, candidate: Dataset) -> bool:
    """Whether ``candidate`` matches every key of ``query``."""
    for element in query:
        if element.tag in _NOT_MATCHED or element.tag.is_private or element.tag.group == 0x0002:
            continue
        if not _element_matches(element, candidate.get(element.tag)):
            return False
    return True


def _element_matches(key: DataElement, found: DataElement | None) -> bool:
    if key.VR == "SQ":
        items = list(key.value or [])
        if not items or len(items[0]) == 0:
            return True
        return found is not None and any(matches(items[0], item) for item in found.value or [])
    wanted = _text(key)
    if wanted == "":
        return True  # universal matching
    if found is None:
        return False
    value = _text(found)
    if key.VR == "PN":
        wanted, value = wanted.upper(), value.upper()
    if "*" in wanted or "?" in wanted:
        pattern = re.escape(wanted).replace(r"\*", ".*").replace(r"\?", ".")
        return re.fullmatch(pattern, value, re.DOTALL) is not None
    if key.VR in _RANGE_VRS and "-" in wanted:
        low, _, high = wanted.partition("-")
        return (not low or value >= low) and (not high or value[: len(high)] <= high)
    if key.VR == "UI" and "\\" in wanted:
        return value in wanted.split("\\")
    return value == wanted


def _text(element: DataElement) -> str:
    value = element.value
    if value is None:
        return ""
    if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue":
        return "\\".join(str(v) for v in value).strip()
    if isinstance(value, bytes):
        return value.decode("latin-1").strip("\x00 ")
    return str(value).strip()


def _items_for(key: DataElement, found: DataElement | None) -> list[Dataset]:
    """A sequence key's answer: the candidate's items with the keys of the
    query's item (all of each item when the query's item is empty)."""
    if found is None or found.VR != "SQ":
        return []
    items = list(key.value or [])
    if not items or len(items[0]) == 0:
        return list(found.value or [])
    return [answer_for(items[0], item) for item in found.value or []]


def answer_for(query: Dataset, candidate: Dataset) -> Dataset:
    """The keys ``query`` asked for, with ``candidate``'s values (empty when
    the candidate has none)."""
    answer = Dataset()
    for element in query:
        if element.tag.group == 0x0002:
            continue
        found = candidate.get(element.tag)
        if element.VR == "SQ":
            answer.add_new(element.tag, "SQ", _items_for(element, found))
        elif found is not None and element.tag not in _NOT_MATCHED:
            answer.add(DataElement(element.tag, found.VR, found.value))
        else:
            answer.add(DataElement(element.tag, element.VR, element.value))
    return answer
