"""Query identifiers (C-FIND, C-MOVE, C-GET requests): the keys of the
Query/Retrieve Level.

An identifier is not a stored object (docs/formats.md, section 5): keys may
be empty (universal matching), hold wild cards, ranges or UID lists, and the
Query/Retrieve Level (0008,0052) decides which keys belong. The message spec
lists the keys of every level (all optional); this module adds what the
level says: a key of a level below the query level is a warning (a
hierarchical query may not use it; the SCP ignores it or fails the query),
not an error. The keys of each level come from ``mdict/data/query-keys.tsv``,
generated with the standard profiles from PS3.4 (tools/data/ps34.txt); they
are looked up by SOP Class UID, so a database of any naming gets them.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from mdict.validation.findings import NON_SERVICE_ATTRIBUTE, Finding, tag_text

if TYPE_CHECKING:
    from pydicom.dataset import Dataset

QUERY_KEYS_FILE = "query-keys.tsv"
QUERY_LEVEL = 0x00080052


@cache
def query_models() -> dict[str, tuple[tuple[str, frozenset[int]], ...]]:
    """SOP Class UID -> its levels from the top, each with its keys."""
    try:
        text = resources.files("mdict").joinpath("data", QUERY_KEYS_FILE).read_text()
    except (FileNotFoundError, OSError):
        return {}
    levels: dict[str, dict[str, set[int]]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 5:
            continue
        uid, _, level, _, tag = fields
        group, _, element = tag.partition(",")
        keys = levels.setdefault(uid, {}).setdefault(level, set())
        keys.add(int(group, 16) << 16 | int(element, 16))
    return {
        uid: tuple((level, frozenset(keys)) for level, keys in by_level.items())
        for uid, by_level in levels.items()
    }


def levels_of(sop_class_uid: str) -> tuple[str, ...]:
    """The Query/Retrieve Levels of an information model, from the top."""
    return tuple(level for level, _ in query_models().get(sop_class_uid, ()))


def level_findings(dataset: Dataset, sop_class_uid: str | None) -> list[Finding]:
    """Warnings for the keys of a level below the identifier's
    Query/Retrieve Level. Nothing when the model has no levels (Modality
    Worklist) or the level is missing or unknown (the message spec reports
    that)."""
    model = query_models().get(sop_class_uid or "")
    if not model:
        return []
    element = dataset.get(QUERY_LEVEL)
    value = getattr(element, "value", None)
    level = str(value).strip() if value is not None else ""
    names = [name for name, _ in model]
    if level not in names:
        return []
    below = {tag: name for name, keys in model[names.index(level) + 1 :] for tag in keys}
    findings: list[Finding] = []
    for element in dataset:
        tag = int(element.tag)
        name = below.get(tag)
        if name is not None:
            message = (
                f"key of the {name} level in a {level}-level query: the Query/Retrieve "
                f"Level decides which keys belong"
            )
            findings.append(Finding(NON_SERVICE_ATTRIBUTE, "warning", message, tag, tag_text(tag)))
    return findings
