"""DICOM keywords of standard tags, for the conditions language (``(0008,0016)
SOPClassUID``): pydicom's data dictionary read as plain data."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache


def keyword_of(tag: int) -> str | None:
    """pydicom's keyword for a standard tag (None for unknown or private tags)."""
    tables = None if "pydicom.datadict" in sys.modules else _pydicom_tables()
    if tables is None or not 0 <= tag <= 0xFFFFFFFF:
        from pydicom.datadict import keyword_for_tag

        return keyword_for_tag(tag) or None
    return tables.keyword(tag)


def tag_of_keyword(keyword: str) -> int | None:
    """The tag pydicom knows for a keyword (None when it knows none)."""
    tables = None if "pydicom.datadict" in sys.modules else _pydicom_tables()
    if tables is None:
        from pydicom.datadict import tag_for_keyword

        return tag_for_keyword(keyword)
    return tables.by_keyword.get(keyword)


@dataclass(frozen=True, slots=True)
class _PydicomTables:
    """pydicom's data dictionary (``pydicom/_dicom_dict.py``, plain data) read
    without importing the pydicom package, whose import (numpy and more,
    0.2 s) was a fifth of a fresh ``mdict info``. The lookups are those of
    pydicom.datadict's keyword_for_tag and tag_for_keyword (tests compare them
    over the whole dictionary); once pydicom is imported, pydicom itself is
    asked, so entries added to it at run time count."""

    by_tag: Mapping[int, tuple[str, ...]]
    repeaters: Mapping[str, tuple[str, ...]]
    masks: tuple[tuple[str, int, int], ...]
    by_keyword: Mapping[str, int]

    def keyword(self, tag: int) -> str | None:
        entry = self.by_tag.get(tag)
        if entry is None:
            if (tag >> 16) % 2 == 1:
                return None  # private: not in the standard dictionary
            for mask_x, mask1, mask2 in self.masks:
                if (tag ^ mask1) & mask2 == 0:
                    entry = self.repeaters[mask_x]
                    break
            else:
                return None
        return entry[4] or None


@lru_cache(maxsize=1)
def _pydicom_tables() -> _PydicomTables | None:
    """The tables, or None (then pydicom is imported) when they cannot be read."""
    try:
        import importlib.util

        package = importlib.util.find_spec("pydicom")
        if package is None or not package.submodule_search_locations:
            return None
        folder = next(iter(package.submodule_search_locations))
        source = os.path.join(folder, "_dicom_dict.py")
        spec = importlib.util.spec_from_file_location("mdict._pydicom_dicom_dict", source)
        if spec is None or spec.loader is None:
            return None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        by_tag: dict[int, tuple[str, ...]] = module.DicomDictionary
        repeaters: dict[str, tuple[str, ...]] = module.RepeatersDictionary
        masks = tuple(
            (
                mask_x,
                int(mask_x.replace("x", "0"), 16),
                int("".join("F0"[c == "x"] for c in mask_x), 16),
            )
            for mask_x in repeaters
        )
        by_keyword = {entry[4]: tag for tag, entry in by_tag.items()}
        return _PydicomTables(by_tag, repeaters, masks, by_keyword)
    except Exception:  # another pydicom layout: ask pydicom itself
        return None
