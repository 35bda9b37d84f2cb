"""Semantic diff of two profiles of the same kind (or a profile and a database).

Profiles are compared by meaning, never line by line: entries are matched by
tag, services and items by name, messages by (service, command), lines of a
message by tag. Reordering, whitespace, value-list separators and the order of
values inside a value list are no difference. A private creator block that
exists on one side only is one ``private block`` change; a removed block and
an added block that look alike carry a rename hint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mdict import formats
from mdict.db.protocol import MessageDatabase
from mdict.model import CombineConfig, Dictionary, InfoProfile, ServiceProfile
from mdict.private.diff.changes import (
    OP_SIGN,
    Change,
    Diff,
    Kind,
    Op,
    format_change,
    format_json,
    format_text,
)
from mdict.private.diff.dictionary import (
    RENAME_THRESHOLD,
    diff_dictionaries,
    diff_dictionary_texts,
)
from mdict.private.diff.messages import diff_configs, diff_info, diff_services

__all__ = [
    "DIFFERS",
    "EMPTY",
    "FROM_DATABASE",
    "OP_SIGN",
    "RENAME_THRESHOLD",
    "Change",
    "Diff",
    "Kind",
    "Op",
    "Profile",
    "dictionary_of",
    "diff_configs",
    "diff_dictionaries",
    "diff_dictionary_texts",
    "diff_info",
    "diff_kinds",
    "diff_profiles",
    "diff_services",
    "format_change",
    "format_json",
    "format_text",
    "info_of",
    "kind_of",
    "services_of",
]


Profile = Dictionary | ServiceProfile | InfoProfile | CombineConfig

DIFFERS: dict[Kind, Callable[[Any, Any], list[Change]]] = {
    "dictionary": diff_dictionaries,
    "services": diff_services,
    "info": diff_info,
    "config": diff_configs,
}
"""The profile kinds (of mdict.formats) diff compares, and how."""

EMPTY: dict[Kind, Callable[[], Profile]] = {
    "dictionary": lambda: Dictionary(()),
    "services": lambda: ServiceProfile((), ()),
    "info": lambda: InfoProfile(()),
    "config": CombineConfig,
}
"""An empty profile of each kind (the side of ``/dev/null``)."""


def diff_kinds() -> tuple[Kind, ...]:
    """The kinds diff compares, in the registry's order."""
    return tuple(k for k in DIFFERS if k in formats.KINDS)


def kind_of(model: object) -> Kind:
    """The kind of a profile model diff compares; TypeError for any other."""
    kind = formats.of_model(model).kind
    for known in DIFFERS:
        if known == kind:
            return known
    raise TypeError(f"diff does not compare {formats.get(kind).title}s")


# ---------------------------------------------------------------------------
# Databases as profiles
# ---------------------------------------------------------------------------


def dictionary_of(db: MessageDatabase) -> Dictionary:
    """The dictionary a database holds (empty when it holds none)."""
    return db.dictionary_model() or Dictionary(())


def services_of(db: MessageDatabase) -> ServiceProfile:
    """The service profile a database holds (empty when it holds none)."""
    return db.services_model() or ServiceProfile((), ())


def info_of(db: MessageDatabase) -> InfoProfile:
    """Every message and item a database holds."""
    return db.info_model() or InfoProfile(())


FROM_DATABASE: dict[Kind, Callable[[MessageDatabase], Profile]] = {
    "dictionary": dictionary_of,
    "services": services_of,
    "info": info_of,
}
"""The kinds a database holds that diff compares, and how to take them out."""


def diff_profiles(
    old: Profile, new: Profile, old_label: str = "old", new_label: str = "new"
) -> Diff:
    """Diff two models of the same kind; a TypeError for two kinds."""
    kind = kind_of(old)
    if kind_of(new) != kind:
        raise TypeError(f"cannot diff a {type(old).__name__} with a {type(new).__name__}")
    return Diff(kind, old_label, new_label, tuple(DIFFERS[kind](old, new)))
