"""Profile readers: text -> model, one module per profile kind (see
mdict.formats), all through one driver (``_driver.py``).

``read_*`` take a path, ``parse_*`` take text (and a file name for
messages). Both raise ProfileError (every bad line, with file, line, column,
what was expected and what was found) or InputFileError (a file that cannot
be read as a text profile)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mdict.formats import KINDS, Kind, detect_kind
    from mdict.parse.conditions import parse_conditions, parse_expression, read_conditions
    from mdict.parse.config import parse_combine_config, read_combine_config
    from mdict.parse.dictionary import parse_dictionary, read_dictionary
    from mdict.parse.info import parse_info, read_info
    from mdict.parse.modules import parse_modules, read_modules
    from mdict.parse.services import parse_services, read_services

# Reader -> its module, imported on first use: reading a dictionary imports
# neither the other readers nor (for valid files) lark.
_READERS: dict[str, str] = {
    "parse_combine_config": "config",
    "read_combine_config": "config",
    "parse_conditions": "conditions",
    "parse_expression": "conditions",
    "read_conditions": "conditions",
    "parse_dictionary": "dictionary",
    "read_dictionary": "dictionary",
    "parse_info": "info",
    "read_info": "info",
    "parse_modules": "modules",
    "read_modules": "modules",
    "parse_services": "services",
    "read_services": "services",
}


# The registry's names, also imported on first use: a reader of conditions
# (the validator's) does not need the registry.
_REGISTRY = ("KINDS", "Kind", "detect_kind")


def __getattr__(name: str) -> Any:
    if name in _REGISTRY:
        value = getattr(importlib.import_module("mdict.formats"), name)
        globals()[name] = value
        return value
    module = _READERS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "KINDS",
    "Kind",
    "detect_kind",
    "parse_combine_config",
    "parse_conditions",
    "parse_dictionary",
    "parse_expression",
    "parse_info",
    "parse_modules",
    "parse_services",
    "read_combine_config",
    "read_conditions",
    "read_dictionary",
    "read_info",
    "read_modules",
    "read_services",
]
