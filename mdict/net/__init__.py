"""Validate DICOM network traffic (on pynetdicom): the validating SCP of
``mdict scp``, handlers for your own pynetdicom application entities, a
check of outgoing data sets and the ``mdict_scp`` pytest fixture.

Data flows one way: pynetdicom event -> :class:`MessageValidator` (the
file validator of :mod:`mdict.validation`) -> :class:`Message` records ->
live log lines and the report (:mod:`mdict.net.records`). Names are
imported lazily: ``import mdict.net.fixture`` (the pytest plugin does)
does not import pynetdicom.
"""

from __future__ import annotations

import importlib
from typing import Any

_API: dict[str, str] = {
    "MessageValidator": "handlers",
    "check_outgoing": "handlers",
    "Association": "records",
    "Message": "records",
    "Peer": "records",
    "ValidatingSCP": "scp",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'mdict.net' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
