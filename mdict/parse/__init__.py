"""Profile readers: text -> model, one module per format.

``read_*`` take a path, ``parse_*`` take text (and a file name for
messages). Both raise ProfileError (every bad line, with file, line, column,
what was expected and what was found) or InputFileError (a file that cannot
be read as a text profile)."""

from __future__ import annotations

import importlib
import re
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from mdict.parse.config import parse_combine_config, read_combine_config
    from mdict.parse.diction import parse_dictionary, read_dictionary
    from mdict.parse.info import parse_info, read_info
    from mdict.parse.services import parse_services, read_services

# Reader -> its module, imported on first use: reading a dictionary imports
# neither the other readers nor (for valid files) lark.
_READERS: dict[str, str] = {
    "parse_combine_config": "config",
    "read_combine_config": "config",
    "parse_dictionary": "diction",
    "read_dictionary": "diction",
    "parse_info": "info",
    "read_info": "info",
    "parse_services": "services",
    "read_services": "services",
}


def __getattr__(name: str) -> Any:
    module = _READERS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


Kind = Literal["dictionary", "services", "info", "config", "conditions", "modules"]
KINDS: tuple[Kind, ...] = ("dictionary", "services", "info", "config", "conditions", "modules")

_INFO_HEADER = re.compile(r"\[\s*[0-9]+\s*,")
_CONFIG_KEYWORD = re.compile(r"\[\s*[A-Z_]+_SECTION\s*\]")
_SERVICES_HEADER = re.compile(r"\[\s*(SERVICE_TABLE|ITEM_TABLE|[0-9]+)\s*\]")
# A modules profile section "[ SERVICE_NAME, COMMAND ]" (info.pfl numbers its services).
_MODULES_HEADER = re.compile(r"\[\s*[A-Za-z_][A-Za-z0-9_]*\s*,\s*[A-Za-z_][A-Za-z0-9_]*\s*\]\s*$")
_INFO_LINE = re.compile(r"[0-9A-Fa-f]{4},[^@]*@")
# A conditions definition "NAME = expression" (or "\"name\" = ..."), not "==".
_CONDITION = re.compile(r'(?:[A-Za-z_][A-Za-z0-9_]*|"[^"]*")[ \t]*=(?!=)')
_SECTION_LINE = re.compile(r"^[ \t]*\[", re.MULTILINE)


def detect_kind(text: str) -> Kind:
    """Guess a profile's kind from its first meaningful line (a dictionary
    when nothing else fits). ``NAME = ...`` opens a conditions profile unless
    the file has ``[SECTION]`` lines (then it is a service profile);
    ``[ SERVICE_NAME, COMMAND ]`` opens a modules profile."""
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if _CONFIG_KEYWORD.match(line):
            return "config"
        if _INFO_HEADER.match(line) or _INFO_LINE.match(line):
            return "info"
        if _MODULES_HEADER.match(line):
            return "modules"
        if _CONDITION.match(line) and not _SECTION_LINE.search(text):
            return "conditions"  # a service profile has [SECTION] lines
        if _SERVICES_HEADER.match(line) or ("=" in line and "," not in line.split("=")[0]):
            return "services"
        return "dictionary"
    return "dictionary"


__all__ = [
    "KINDS",
    "Kind",
    "detect_kind",
    "parse_combine_config",
    "parse_dictionary",
    "parse_info",
    "parse_services",
    "read_combine_config",
    "read_dictionary",
    "read_info",
    "read_services",
]
