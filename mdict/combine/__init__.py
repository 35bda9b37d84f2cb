"""Merging profiles (docs/dcomb.md, docs/icomb.md), as pure functions over the model.

``merge_dictionaries`` is mc3dcomb: two dictionaries into one canonical one.
``apply_config`` / ``apply_configs`` are mc3icomb: configuration files applied
to a service profile and an info profile. Each returns the new model, a change
summary and warnings with their places; every problem found raises one
``ProfileError`` carrying all the errors, and nothing is returned half-done.

The stages, one module each: ``dictionaries`` (dcomb), ``apply`` (icomb, one
configuration after another) over ``state`` (the profiles being edited and
their line-level edits), ``services`` (configuration sections 1 and 2) and
``items`` (sections 3 and 4), with ``service_definitions`` (the
service a MESSAGE block defines); ``summary`` (what changed), ``diagnostics``
(how problems are worded) and ``trivia`` (what becomes of comments).
"""

from __future__ import annotations

from mdict.combine.apply import apply_config, apply_configs
from mdict.combine.diagnostics import short_form
from mdict.combine.dictionaries import DictionaryMerge, merge_dictionaries
from mdict.combine.service_definitions import MAX_COMMANDS, MAX_UID_LENGTH, SERVICE_KEYS
from mdict.combine.state import MAX_NAME_LENGTH, MAX_NUMBER
from mdict.combine.summary import ChangeSummary, CombineResult, SectionKey
from mdict.combine.trivia import (
    comments_only,
    joined_trivia,
    trivia_of,
    with_block_comments,
    with_trivia,
)

__all__ = [
    "MAX_COMMANDS",
    "MAX_NAME_LENGTH",
    "MAX_NUMBER",
    "MAX_UID_LENGTH",
    "SERVICE_KEYS",
    "ChangeSummary",
    "CombineResult",
    "DictionaryMerge",
    "SectionKey",
    "apply_config",
    "apply_configs",
    "comments_only",
    "joined_trivia",
    "merge_dictionaries",
    "short_form",
    "trivia_of",
    "with_block_comments",
    "with_trivia",
]
