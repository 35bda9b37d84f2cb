"""The one list of profile kinds.

Every kind of text profile mdict reads and writes has one entry here: its
name, how people call it, its usual file name, its model class, and its
reader and writer, found by one naming rule::

    mdict.model.<module>.<Model>                     the model
    mdict.parse.<module>.parse_<stem>(text, filename) text -> model
    mdict.parse.<module>.read_<stem>(path)           path -> model
    mdict.write.<module>.format_<stem>(model)        model -> text
    mdict.write.<module>.write_<stem>(model, path)   model -> path (atomic)

A kind whose model, reader and writer live together in one module (the
positions profile, ``mdict.positions``, read by a hand-written reader) names
that module as its ``home``; the function names are the same.

``check``, ``fmt``, ``diff``, ``info`` (the compiler), ``decompile``, the
database builder and every command that takes a profile loop over
``FORMATS`` instead of naming kinds. Adding a kind
is a model module, a parse module, a write module and one line below.

Importing this module imports no reader, writer or Lark: the functions are
looked up on first use.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["dictionary", "services", "info", "config", "conditions", "modules", "positions"]


@dataclass(frozen=True, slots=True)
class Format:
    """One profile kind and where its parts live."""

    kind: Kind
    title: str
    """How a person calls it: ``a dictionary profile (diction.pfl)``."""
    default_name: str
    """The file name it has in a profiles folder."""
    module: str
    """The module name under mdict.model, mdict.parse and mdict.write."""
    stem: str
    """The suffix of its functions: ``parse_<stem>``, ``format_<stem>``, ..."""
    model_name: str
    """Its model class in ``mdict.model.<module>``."""
    detect: Callable[[str, str], bool]
    """(first meaningful line, whole text) -> does the text look like this kind."""
    uses_services: bool = False
    """Its canonical order depends on a service profile (info.pfl's sections)."""
    home: str | None = None
    """The one module holding its model, reader and writer, when they are not
    under mdict.model, mdict.parse and mdict.write (``mdict.positions``)."""

    def module_of(self, package: Literal["model", "parse", "write"]) -> str:
        """The full name of the module holding its model, reader or writer."""
        return self.home or f"mdict.{package}.{self.module}"

    def _function(self, package: Literal["parse", "write"], prefix: str) -> Callable[..., Any]:
        module = importlib.import_module(self.module_of(package))
        function: Callable[..., Any] = getattr(module, f"{prefix}_{self.stem}")
        return function

    @property
    def model(self) -> type:
        """The model class (``Dictionary``, ``ServiceProfile``, ...)."""
        module = importlib.import_module(self.module_of("model"))
        cls: type = getattr(module, self.model_name)
        return cls

    def parse(self, text: str, filename: str = "<string>") -> Any:
        """Text -> model; ProfileError on bad text."""
        return self._function("parse", "parse")(text, filename)

    def read(self, path: str | os.PathLike[str]) -> Any:
        """A file -> model; InputFileError or ProfileError."""
        return self._function("parse", "read")(path)

    def format(self, model: Any, services: Any = None) -> str:
        """Model -> canonical text (``services`` orders info.pfl's sections)."""
        if self.uses_services:
            return str(self._function("write", "format")(model, services))
        return str(self._function("write", "format")(model))

    def write(self, model: Any, path: str | os.PathLike[str], services: Any = None) -> None:
        """Model -> a file, atomically."""
        if self.uses_services:
            self._function("write", "write")(model, path, services)
        else:
            self._function("write", "write")(model, path)


# ---------------------------------------------------------------------------
# Detection: what kind a text is, from its first meaningful line
# ---------------------------------------------------------------------------

_INFO_HEADER = re.compile(r"\[\s*[0-9]+\s*,")
_CONFIG_KEYWORD = re.compile(r"\[\s*[A-Z_]+_SECTION\s*\]")
_SERVICES_HEADER = re.compile(r"\[\s*(SERVICE_TABLE|ITEM_TABLE|[0-9]+)\s*\]")
# A modules profile section "[ SERVICE_NAME, COMMAND ]" (info.pfl numbers its services).
_MODULES_HEADER = re.compile(r"\[\s*[A-Za-z_][A-Za-z0-9_]*\s*,\s*[A-Za-z_][A-Za-z0-9_]*\s*\]\s*$")
# A positions profile line "0008,0008 = 1 E, 2 D" (under a modules-like header).
_POSITIONS_LINE = re.compile(r"^[ \t]*[0-9A-Fa-f]{4},[0-9A-Fa-f]{4}[ \t]*=", re.MULTILINE)
_INFO_LINE = re.compile(r"[0-9A-Fa-f]{4},[^@]*@")
# A conditions definition "NAME = expression" (or "\"name\" = ..."), not "==".
_CONDITION = re.compile(r'(?:[A-Za-z_][A-Za-z0-9_]*|"[^"]*")[ \t]*=(?!=)')
_SECTION_LINE = re.compile(r"^[ \t]*\[", re.MULTILINE)


def _is_config(line: str, text: str) -> bool:
    return _CONFIG_KEYWORD.match(line) is not None


def _is_info(line: str, text: str) -> bool:
    return _INFO_HEADER.match(line) is not None or _INFO_LINE.match(line) is not None


def _is_modules(line: str, text: str) -> bool:
    return _MODULES_HEADER.match(line) is not None


def _is_positions(line: str, text: str) -> bool:
    # "[ NAME, COMMAND ]" opens a modules profile too: its lines tell them apart.
    return _MODULES_HEADER.match(line) is not None and _POSITIONS_LINE.search(text) is not None


def _is_conditions(line: str, text: str) -> bool:
    # "NAME = ..." opens a conditions profile unless the file has [SECTION]
    # lines (then it is a service profile).
    return _CONDITION.match(line) is not None and not _SECTION_LINE.search(text)


def _is_services(line: str, text: str) -> bool:
    return _SERVICES_HEADER.match(line) is not None or (
        "=" in line and "," not in line.split("=")[0]
    )


def _is_dictionary(line: str, text: str) -> bool:
    return True  # what nothing else claims


FORMATS: tuple[Format, ...] = (
    Format(
        "dictionary",
        "a dictionary profile (diction.pfl)",
        "diction.pfl",
        "dictionary",
        "dictionary",
        "Dictionary",
        _is_dictionary,
    ),
    Format(
        "services",
        "a service profile (mergecom.srv)",
        "mergecom.srv",
        "services",
        "services",
        "ServiceProfile",
        _is_services,
    ),
    Format(
        "info",
        "a message info profile (info.pfl)",
        "info.pfl",
        "info",
        "info",
        "InfoProfile",
        _is_info,
        uses_services=True,
    ),
    Format(
        "config",
        "an mc3icomb configuration",
        "mc3icomb.cfg",
        "config",
        "combine_config",
        "CombineConfig",
        _is_config,
    ),
    Format(
        "conditions",
        "a conditions profile",
        "conditions.pfl",
        "conditions",
        "conditions",
        "ConditionsProfile",
        _is_conditions,
    ),
    Format(
        "modules",
        "a modules profile",
        "modules.pfl",
        "modules",
        "modules",
        "ModulesProfile",
        _is_modules,
    ),
    Format(
        "positions",
        "a positions profile",
        "positions.pfl",
        "positions",
        "positions",
        "PositionsProfile",
        _is_positions,
        home="mdict.positions",
    ),
)
"""Every profile kind, in the order commands list them."""

KINDS: tuple[Kind, ...] = tuple(f.kind for f in FORMATS)
BY_KIND: dict[str, Format] = {f.kind: f for f in FORMATS}

DETECTION_ORDER: tuple[Kind, ...] = (
    "config",
    "info",
    "positions",
    "modules",
    "conditions",
    "services",
    "dictionary",
)
"""The order kinds are tried in by ``detect_kind`` (most specific first)."""


def get(kind: str) -> Format:
    """The format of ``kind``; KeyError naming the kinds when there is none."""
    try:
        return BY_KIND[kind]
    except KeyError:
        raise KeyError(f"unknown profile kind {kind!r} (one of {', '.join(KINDS)})") from None


def detect_kind(text: str) -> Kind:
    """Guess a profile's kind from its first meaningful line (a dictionary
    when nothing else fits)."""
    from mdict.model.core import split_note

    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = split_note(line)[0]  # mdict's own formats allow "# why" at a line's end
        for kind in DETECTION_ORDER:
            if BY_KIND[kind].detect(line, text):
                return kind
    return "dictionary"


def of_model(model: object) -> Format:
    """The format whose model ``model`` is an instance of."""
    for f in FORMATS:
        if isinstance(model, f.model):
            return f
    raise TypeError(f"not a profile model: {type(model).__name__}")
