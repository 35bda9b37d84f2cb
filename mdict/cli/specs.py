"""``mdict services --specs``: which commands of a service have a spec, and
where it came from.

For the standard database the source is known by construction
(docs/standard-profiles.md): a C_STORE_RQ with its modules listed in
modules.pfl was made from a dicom3tools IOD, one without from highdicom's
tables; any other section with attributes was transcribed from PS3.4; an
empty section is a command without a data set. For any other database a
section is simply "profile".
"""

from __future__ import annotations

from typing import Any

from mdict.db.database import Database, default_database
from mdict.model import Service

SOURCES = ("dicom3tools", "highdicom", "PS3.4", "empty", "profile", "none")
"""The labels: "none" is a command without a section."""


def spec_source(db: Database, service: Service, command: str, standard: bool) -> str:
    section = db.message(service.number, command)
    if section is None:
        return "none"
    if not section.lines:
        return "empty"
    if not standard:
        return "profile"
    if command == "C_STORE_RQ":
        return "dicom3tools" if db.modules(service.number, command) else "highdicom"
    return "PS3.4"


def is_standard(db: Database) -> bool:
    """Whether ``db`` is the standard database shipped with mdict."""
    try:
        return db is default_database() or db.header == default_database().header
    except Exception:  # the standard database is missing: db cannot be it
        return False


def specs_of(db: Database, service: Service, standard: bool) -> dict[str, str]:
    """Command -> source label, in the service's command order."""
    return {c: spec_source(db, service, c, standard) for c in service.commands}


def specs_text(specs: dict[str, str]) -> str:
    """``C_STORE_RQ[dicom3tools] C_STORE_RSP[empty]``."""
    return " ".join(f"{command}[{source}]" for command, source in specs.items())


def specs_json(specs: dict[str, str]) -> dict[str, Any]:
    return {c: (None if s == "none" else s) for c, s in specs.items()}
