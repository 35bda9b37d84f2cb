"""Old names of the standard profiles' services and items.

The standard profiles name services and items as Merge does
(``STANDARD_CT``, ``MODALITY_WORKLIST_FIND``); earlier mdict releases used
names of their own (``CT_IMAGE``). Lookups accept both: a name a database
does not hold is tried again under the name it was renamed to
(``mdict/data/aliases.tsv``, generated with the profiles). Unknown names get
the closest known names as suggestions.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Literal

Kind = Literal["service", "item"]
ALIASES_FILE = "aliases.tsv"


@cache
def _table() -> dict[tuple[str, str], str]:
    try:
        text = resources.files("mdict").joinpath("data", ALIASES_FILE).read_text()
    except (FileNotFoundError, OSError):
        return {}
    table: dict[tuple[str, str], str] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        kind, old, new = [*line.split("\t"), "", ""][:3]
        if kind in ("service", "item") and old and new:
            table[(kind, old)] = new
    return table


def current_name(kind: Kind, name: str) -> str | None:
    """The name ``name`` was renamed to in the standard profiles, or None."""
    return _table().get((kind, name.strip()))


def old_names(kind: Kind) -> dict[str, str]:
    """Old name -> current name, for one kind."""
    return {old: new for (k, old), new in _table().items() if k == kind}


def suggestions(name: str, known: Iterable[str], count: int = 3) -> list[str]:
    """The closest known names (``difflib``), best first."""
    import difflib  # only when a name is not found

    candidates = list(dict.fromkeys(known))
    key = name.strip().upper()
    found = difflib.get_close_matches(key, candidates, n=count, cutoff=0.6)
    if len(found) < count:
        words = set(key.split("_")) - {""}
        scored = sorted(
            (n for n in candidates if n not in found and words & set(n.split("_"))),
            key=lambda n: (-len(words & set(n.split("_"))), n),
        )
        found += scored[: count - len(found)]
    return found


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` (did you mean A, B or C?)`` or an empty string."""
    found = suggestions(name, known)
    if not found:
        return ""
    listed = found[0] if len(found) == 1 else ", ".join(found[:-1]) + " or " + found[-1]
    return f" (did you mean {listed}?)"
