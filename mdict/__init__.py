"""mdict: Merge-style DICOM message database profiles, in the open.

Public API (imported lazily so that ``import mdict`` stays fast)::

    read_*  (path -> model)    parse_*  (text -> model)
    write_* (model -> path)    format_* (model -> text)

for every profile kind: dictionary, services, info, combine_config,
conditions, modules, positions (the kinds are listed in mdict.formats).
"""

from __future__ import annotations

import importlib
from typing import Any

from mdict.formats import FORMATS

__version__ = "0.1.0"

# Public name -> the module defining it, imported on first use.
_API: dict[str, str] = {
    **{f"{verb}_{f.stem}": f.module_of("parse") for f in FORMATS for verb in ("read", "parse")},
    **{f"{verb}_{f.stem}": f.module_of("write") for f in FORMATS for verb in ("write", "format")},
    "parse_expression": "mdict.parse",
    "merge_dictionaries": "mdict.combine",
    "apply_config": "mdict.combine",
    "apply_configs": "mdict.combine",
    "validate": "mdict.validation.validator",
    "register_with_pydicom": "mdict.private.pydicom_bridge",
    "open_database": "mdict.db.database",
    "default_database": "mdict.db.database",
    "Database": "mdict.db.database",
    "compile_messages": "mdict.db.build",
    "compile_dictionary": "mdict.db.build",
}

__all__ = ["__version__", *sorted(_API)]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'mdict' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
