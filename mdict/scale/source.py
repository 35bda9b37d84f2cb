"""The database a run validates against, in a form every worker can rebuild.

A :class:`DatabaseSource` holds the bytes the database was opened from (the
embedded ``mrgcom3.msg``, a compiled file, or the profile files of a
``--profiles`` folder) and their SHA-256. It travels to each worker once (a
Dask scatter with ``broadcast=True``, or inherited by forked processes); a
worker opens it once and keeps one :class:`~mdict.validation.validator.Validator`
per digest, so no task carries the database and no task rebuilds it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from mdict.db.protocol import MessageDatabase
from mdict.fileio import read_bytes
from mdict.validation.validator import Validator

Kind = str
"""``default`` (the embedded database), ``file`` (compiled) or ``profiles``."""

_VALIDATORS: dict[str, Validator] = {}
"""One validator per database digest in this process."""


@dataclass(frozen=True, slots=True)
class DatabaseSource:
    """How to open the database of a run, anywhere (see the module doc)."""

    kind: Kind
    name: str
    files: tuple[tuple[str, bytes], ...] = field(repr=False)
    digest: str = ""

    @staticmethod
    def default() -> DatabaseSource:
        from mdict.db.database import DEFAULT_DATABASE

        data = (resources.files("mdict") / "data" / DEFAULT_DATABASE).read_bytes()
        return DatabaseSource._make("default", f"mdict/data/{DEFAULT_DATABASE}", ((".msg", data),))

    @staticmethod
    def from_file(path: str | os.PathLike[str]) -> DatabaseSource:
        """A compiled database (``--db``)."""
        return DatabaseSource._make("file", os.fspath(path), ((".msg", read_bytes(path)),))

    @staticmethod
    def from_profiles(folder: str | os.PathLike[str]) -> DatabaseSource:
        """The profiles of a ``--profiles`` folder, read as bytes here."""
        from mdict.db.build import PROFILE_FILES

        where = Path(folder)
        files = tuple(
            (name, read_bytes(where / name)) for name in PROFILE_FILES if (where / name).is_file()
        )
        return DatabaseSource._make("profiles", os.fspath(folder), files)

    @staticmethod
    def of_options(db_path: str | None, profiles: str | None) -> DatabaseSource:
        """The source of a command's ``--db FILE`` or ``--profiles DIR``
        (neither: the embedded database)."""
        if db_path is not None:
            return DatabaseSource.from_file(db_path)
        if profiles is not None:
            return DatabaseSource.from_profiles(profiles)
        return DatabaseSource.default()

    @staticmethod
    def _make(kind: Kind, name: str, files: tuple[tuple[str, bytes], ...]) -> DatabaseSource:
        digest = hashlib.sha256(kind.encode())
        for file, data in files:
            digest.update(file.encode() + b"\0" + len(data).to_bytes(8, "big") + data)
        return DatabaseSource(kind, name, files, digest.hexdigest())

    def reference(self) -> DatabaseSource:
        """The same source without its bytes: enough where the validator is
        cached already (forked local workers)."""
        return replace(self, files=())

    def open(self) -> MessageDatabase:
        """The database (opened from the bytes; profiles through a temporary folder)."""
        from mdict.db.build import open_profiles_folder
        from mdict.db.database import Database

        if not self.files:
            raise LookupError(f"database {self.name} ({self.digest[:12]}) is not on this worker")
        if self.kind != "profiles":
            return Database.from_bytes(self.files[0][1], self.name)
        with tempfile.TemporaryDirectory(prefix="mdict-profiles-") as folder:
            for name, data in self.files:
                Path(folder, name).write_bytes(data)
            return open_profiles_folder(folder)

    def validator(self) -> Validator:
        """This process's validator for the source (built on first use)."""
        found = _VALIDATORS.get(self.digest)
        if found is None:
            found = _VALIDATORS[self.digest] = Validator(self.open())
        return found


def prime(source: DatabaseSource, db: MessageDatabase | None = None) -> Validator:
    """Build (or adopt ``db`` as) the validator of ``source`` in this process,
    before worker processes fork from it."""
    found = _VALIDATORS.get(source.digest)
    if found is None:
        found = _VALIDATORS[source.digest] = Validator(db if db is not None else source.open())
    return found
