"""mdict: Merge-style DICOM message database profiles, in the open.

Public API (imported lazily so that ``import mdict`` stays fast)::

    read_*  (path -> model)    parse_*  (text -> model)
    write_* (model -> path)    format_* (model -> text)

for every profile kind: dictionary, services, info, combine_config,
conditions, modules (the kinds are listed in mdict.formats).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_STEMS = ("dictionary", "services", "info", "combine_config", "conditions", "modules")
_API: dict[str, str] = {
    **{f"{verb}_{stem}": "parse" for stem in _STEMS for verb in ("read", "parse")},
    **{f"{verb}_{stem}": "write" for stem in _STEMS for verb in ("write", "format")},
    "parse_expression": "parse",
    "merge_dictionaries": "combine",
    "apply_config": "combine",
    "apply_configs": "combine",
    "validate": "validation.validator",
    "register_with_pydicom": "private.pydicom_bridge",
    "open_database": "db.database",
    "default_database": "db.database",
    "Database": "db.database",
    "compile_messages": "db.build",
    "compile_dictionary": "db.build",
}

__all__ = ["__version__", *sorted(_API)]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'mdict' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
