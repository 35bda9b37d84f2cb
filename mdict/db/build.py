"""Compile profiles into a binary message database (``mrgcom3.msg``) or a
binary dictionary (``mrgcom3.dct``): read, check (:mod:`mdict.check`),
borrow undefined conditions from the standard database
(:mod:`mdict.db.borrow`) and encode (:mod:`mdict.db.encode`). The file
format is described in docs/database.md.

:func:`compile_message_files` is the one path from files to a database; the
``mdict info`` and ``mc3info`` commands call it with a progress callback.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mdict import formats
from mdict.check import check_dictionary, check_messages, check_modules
from mdict.db.borrow import borrow_conditions
from mdict.db.database import Database
from mdict.db.encode import encode_database
from mdict.db.format import (
    DEFAULT_NAMES,
    OPTIONAL_ROLES,
    REQUIRED_ROLES,
    ROLES,
    BorrowedConditions,
    ConditionTexts,
    Role,
    Source,
    condition_texts,
    counts_of,
    source_of,
)
from mdict.errors import Diagnostic, InputFileError, ProfileError
from mdict.model import Dictionary, InfoProfile, ServiceProfile
from mdict.model.modules import ModulesProfile
from mdict.parse import read_dictionary, read_info, read_services
from mdict.parse.conditions import read_conditions
from mdict.positions import PositionsProfile

PROGRESS_STEP = 100
"""mc3dict prints the number of entries processed every this many."""

Progress = Callable[[str], None]
"""Called with the name of each stage as it starts."""

STAGES = ("diction.pfl", "mergecom.srv", "info.pfl", "conditions", "checking", "encoding")
"""The stages :func:`compile_message_files` reports, in order."""


def _quiet(stage: str) -> None:
    """A progress callback that shows nothing."""


@dataclass(frozen=True, slots=True)
class Compiled:
    """A compiled database: its bytes, the warnings found, what it holds and
    the condition uses it borrowed from the standard database."""

    data: bytes
    warnings: tuple[Diagnostic, ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)
    borrowed: BorrowedConditions = field(default_factory=BorrowedConditions)


def _split(found: Sequence[Diagnostic]) -> tuple[Diagnostic, ...]:
    """Raise on errors; return the warnings."""
    errors = [d for d in found if d.severity == "error"]
    if errors:
        raise ProfileError(errors)
    return tuple(d for d in found if d.severity == "warning")


def compile_dictionary(dictionary: Dictionary, sources: Iterable[Source] = ()) -> Compiled:
    """A dictionary database (``mrgcom3.dct``); duplicate tags are errors."""
    warnings = _split(check_dictionary(dictionary))
    data = encode_database("dictionary", dictionary=dictionary, sources=sources)
    return Compiled(data, warnings, counts_of(dictionary, None, None, None))


def compile_messages(
    dictionary: Dictionary,
    services: ServiceProfile,
    info: InfoProfile,
    conditions: Mapping[str, str] | None = None,
    sources: Iterable[Source] = (),
    modules: ModulesProfile | None = None,
    borrow_from: Database | None = None,
    positions: PositionsProfile | None = None,
) -> Compiled:
    """A message database (``mrgcom3.msg``) holding the profiles (conditions
    and modules optional). With ``borrow_from`` (the standard database),
    each use of a condition no source defines takes that database's
    definition for the same attribute (docs/conditions.md)."""
    borrowed = BorrowedConditions()
    if borrow_from is not None:
        borrowed = borrow_conditions(services, info, conditions, borrow_from)
    lent: dict[str, int] = {}
    for use in borrowed.uses:
        lent[use.name] = lent.get(use.name, 0) + 1
    found = check_messages(dictionary, services, info, conditions, lent)
    if modules is not None:
        found += check_modules(modules, services, info)
    warnings = _split(found)
    data = encode_database(
        "messages", dictionary, services, info, conditions, sources, modules, borrowed, positions
    )
    counts = counts_of(dictionary, services, info, conditions, modules, positions)
    if borrowed:
        counts["borrowed"] = len(borrowed.uses)
    return Compiled(data, warnings, counts, borrowed)


# ---------------------------------------------------------------------------
# From files
# ---------------------------------------------------------------------------


def read_condition_texts(path: str | os.PathLike[str]) -> ConditionTexts:
    """A conditions profile's definitions as texts, with its comments."""
    return condition_texts(read_conditions(path))


def read_role(role: Role, path: str | os.PathLike[str]) -> Any:
    """The profile of a role as a database holds it: the registry's model,
    the conditions as their texts."""
    if role == "conditions":
        return read_condition_texts(path)
    return formats.get(role).read(path)


def compile_dictionary_file(path: str | os.PathLike[str]) -> Compiled:
    """Read, check and compile a dictionary profile."""
    return compile_dictionary(read_dictionary(path), [source_of(path, "dictionary")])


def compile_message_files(
    info: str | os.PathLike[str],
    services: str | os.PathLike[str],
    dictionary: str | os.PathLike[str],
    conditions: str | os.PathLike[str] | None = None,
    modules: str | os.PathLike[str] | None = None,
    progress: Progress = _quiet,
    borrow: bool = False,
    positions: str | os.PathLike[str] | None = None,
) -> Compiled:
    """Read, check and compile the profiles of a message database, calling
    ``progress`` with each of :data:`STAGES` as it starts. With ``borrow``,
    undefined conditions borrow the standard database's definitions."""
    progress(STAGES[0])
    read_first = source_of(info, "info")  # a missing info profile is the error to report
    sources = [source_of(dictionary, "dictionary"), source_of(services, "services"), read_first]
    dictionary_model = read_dictionary(dictionary)
    progress(STAGES[1])
    services_model = read_services(services)
    progress(STAGES[2])
    info_model = read_info(info)
    progress(STAGES[3])
    optional: dict[Role, Any] = {}
    given = {"conditions": conditions, "modules": modules, "positions": positions}
    for role in OPTIONAL_ROLES:
        path = given[role]
        if path is not None:
            optional[role] = read_role(role, path)
            sources.append(source_of(path, role))
    progress(STAGES[4])
    standard = None
    if borrow:
        from mdict.db.database import default_database

        standard = default_database()
    progress(STAGES[5])
    return compile_messages(
        dictionary_model,
        services_model,
        info_model,
        optional.get("conditions"),
        sources,
        optional.get("modules"),
        standard,
        optional.get("positions"),
    )


def condition_names(count: int) -> str:
    """``1 condition name is not defined``, ``2 condition names are ...``."""
    if count == 1:
        return "1 condition name is not defined"
    return f"{count} condition names are not defined"


def undefined_summary(compiled: Compiled) -> str | None:
    """One sentence on the condition names no source defines (the compile
    warnings starting ``condition``) and the uses that borrow the standard
    database's definitions; None when every name is defined."""
    count = sum(1 for w in compiled.warnings if w.message.startswith("condition "))
    if not count:
        return None
    lent = len(compiled.borrowed.uses)
    if not lent:
        return f"{condition_names(count)} and will not be evaluated"
    lines = "1 line using them borrows" if lent == 1 else f"{lent} lines using them borrow"
    return (
        f"{condition_names(count)}; {lines} the standard database's condition"
        " for the same attribute, the others will not be evaluated"
    )


# ---------------------------------------------------------------------------
# A folder of profiles, not compiled
# ---------------------------------------------------------------------------

PROFILE_FILES = tuple(DEFAULT_NAMES[role] for role in ROLES)
"""The profiles :func:`open_profiles_folder` reads, where present."""


def open_profiles_folder(folder: str | os.PathLike[str]) -> Database:
    """The lookups over the profiles of a folder (``--profiles DIR``), without
    compiling: whichever of :data:`PROFILE_FILES` are there. A folder with
    none of diction.pfl, mergecom.srv and info.pfl is an InputFileError."""
    where = Path(os.fspath(folder))
    found = {role: where / DEFAULT_NAMES[role] for role in ROLES}
    found = {role: path for role, path in found.items() if path.is_file()}
    if not found.keys() & set(REQUIRED_ROLES):
        names = ", ".join(DEFAULT_NAMES[role] for role in REQUIRED_ROLES[:-1])
        last = DEFAULT_NAMES[REQUIRED_ROLES[-1]]
        raise InputFileError(os.fspath(folder), f"holds no {names} or {last}")
    return Database.from_profiles(**{role: read_role(role, path) for role, path in found.items()})
