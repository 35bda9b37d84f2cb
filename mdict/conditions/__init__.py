"""mdict's conditions language (docs/conditions.md): what a condition name
means, and whether it holds for a data set.

- ``mdict.model.conditions``: the expression tree and the profile (re-exported
  here); ``mdict.model.keywords``: DICOM keywords of tags.
- ``mdict.parse.conditions`` / ``mdict.write.conditions``: the reader and the
  canonical writer (re-exported here, imported on first use: they need Lark).
- ``names``: reading a condition from its Merge-style name
  (``A00100033_PRESENT``); ``evaluate``: evaluating an expression on a data set.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from mdict.model.conditions import (
    COMPARATORS,
    RESERVED,
    And,
    AttributeTag,
    Comparator,
    Compare,
    ConditionDef,
    ConditionsProfile,
    Constant,
    CountOf,
    Expression,
    GroupPresent,
    HasCode,
    HasValue,
    ItemsOf,
    Not,
    OneOf,
    Operand,
    Or,
    Path,
    Present,
    Ref,
    Step,
    Truth,
    ValueOf,
    element,
    format_constant,
    format_expression,
    format_tag,
)
from mdict.model.keywords import keyword_of, tag_of_keyword

if TYPE_CHECKING:
    from mdict.parse.conditions import parse_conditions, parse_expression, read_conditions
    from mdict.write.conditions import format_conditions, format_definition, write_conditions

_LAZY: dict[str, str] = {
    "parse_conditions": "mdict.parse.conditions",
    "parse_expression": "mdict.parse.conditions",
    "read_conditions": "mdict.parse.conditions",
    "format_conditions": "mdict.write.conditions",
    "format_definition": "mdict.write.conditions",
    "write_conditions": "mdict.write.conditions",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "COMPARATORS",
    "RESERVED",
    "And",
    "AttributeTag",
    "Comparator",
    "Compare",
    "ConditionDef",
    "ConditionsProfile",
    "Constant",
    "CountOf",
    "Expression",
    "GroupPresent",
    "HasCode",
    "HasValue",
    "ItemsOf",
    "Not",
    "OneOf",
    "Operand",
    "Or",
    "Path",
    "Present",
    "Ref",
    "Step",
    "Truth",
    "ValueOf",
    "element",
    "format_conditions",
    "format_constant",
    "format_definition",
    "format_expression",
    "format_tag",
    "keyword_of",
    "parse_conditions",
    "parse_expression",
    "read_conditions",
    "tag_of_keyword",
    "write_conditions",
]
