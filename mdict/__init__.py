"""mdict: Merge-style DICOM message database profiles, in the open.

Public API (imported lazily so that ``import mdict`` stays fast)::

    read_dictionary, read_services, read_info, read_combine_config
    write_dictionary, write_services, write_info, write_combine_config
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API: dict[str, str] = {
    "read_dictionary": "parse",
    "read_services": "parse",
    "read_info": "parse",
    "read_combine_config": "parse",
    "parse_dictionary": "parse",
    "parse_services": "parse",
    "parse_info": "parse",
    "parse_combine_config": "parse",
    "write_dictionary": "write",
    "write_services": "write",
    "write_info": "write",
    "write_combine_config": "write",
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
    "read_conditions": "conditions",
    "parse_conditions": "conditions",
    "parse_expression": "conditions",
    "write_conditions": "conditions",
}

__all__ = ["__version__", *sorted(_API)]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'mdict' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
