"""The profile model: frozen, slotted dataclasses, one per thing a profile holds.

``core`` holds what every kind shares (``Location``, ``Tag``, ``VM`` and the
vocabulary of VRs and commands); one module per profile kind holds its model
(``dictionary``, ``services``, ``info``, ``config``, ``conditions`` with the
expression tree, ``modules``); ``keywords`` reads DICOM keywords for the
conditions language. Source locations are kept on every object but excluded
from equality and hashing, so two models read from differently formatted
files compare equal when they mean the same thing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mdict.model.core import COMMANDS, ITEM, VALUE_TYPES, VM, VRS, Location, Tag, comment_text
from mdict.model.dictionary import DictEntry, Dictionary
from mdict.model.info import InfoLine, InfoProfile, InfoSection, ValueList, ValueType
from mdict.model.modules import MessageModules, ModulesProfile, ModuleUse
from mdict.model.services import ItemRef, Service, ServiceProfile, ServiceType

if TYPE_CHECKING:
    from mdict.model.conditions import ConditionDef, ConditionsProfile
    from mdict.model.config import CONFIG_SECTIONS, MESSAGE, CombineConfig, ConfigBlock

# imported on first use: a lookup or a database open needs neither the
# conditions language's model nor the combine configuration's
_LATER = {
    "ConditionDef": "conditions",
    "ConditionsProfile": "conditions",
    "CONFIG_SECTIONS": "config",
    "MESSAGE": "config",
    "CombineConfig": "config",
    "ConfigBlock": "config",
}


def __getattr__(name: str) -> Any:
    module = _LATER.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"mdict.model.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "COMMANDS",
    "CONFIG_SECTIONS",
    "ITEM",
    "MESSAGE",
    "VALUE_TYPES",
    "VM",
    "VRS",
    "CombineConfig",
    "ConditionDef",
    "ConditionsProfile",
    "ConfigBlock",
    "DictEntry",
    "Dictionary",
    "InfoLine",
    "InfoProfile",
    "InfoSection",
    "ItemRef",
    "Location",
    "MessageModules",
    "ModuleUse",
    "ModulesProfile",
    "Service",
    "ServiceProfile",
    "ServiceType",
    "Tag",
    "ValueList",
    "ValueType",
    "comment_text",
]
