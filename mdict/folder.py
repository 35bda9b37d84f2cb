"""Profiles read and checked by their content, one at a time or a whole
Merge-style folder (an ``mc3msg`` folder: diction.pfl, mergecom.srv,
info.pfl, configuration files, compiled binaries beside them).

A folder is checked the way a Merge user starts: every profile in it found
by kind detection and checked on its own, then the cross-checks that need
several of them: every info section's service and command in the service
profile, every item an SQ line names in the [ITEM_TABLE] and defined by a
section, every tag in the dictionary with the same VR, and every tag of a
configuration in the dictionary."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mdict import formats
from mdict.check import check_profile
from mdict.errors import Diagnostic, MdictError
from mdict.fileio import read_bytes, special_kind
from mdict.formats import Kind, detect_kind
from mdict.parse._driver import read_profile_text

PROFILE_SUFFIXES = (".pfl", ".srv", ".cfg")
"""The names a profile has in a Merge folder; other files are not read."""


def read_profile(path: str, kind: Kind | None = None) -> tuple[str, Kind, Any]:
    """The text, kind (detected unless given) and model of a profile file."""
    text = read_profile_text(path)
    chosen = kind or detect_kind(text)
    return text, chosen, formats.get(chosen).parse(text, path)


@dataclass(frozen=True, slots=True)
class FolderProfile:
    """A profile of the folder, read, with the problems found in it."""

    path: str
    kind: Kind
    text: str
    model: Any
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True)
class FolderReport:
    """What ``check_folder`` found."""

    folder: str
    profiles: tuple[FolderProfile, ...]
    unreadable: tuple[MdictError, ...]
    skipped: tuple[tuple[str, str], ...]
    dictionary: str | None
    services: str | None

    @property
    def errors(self) -> int:
        found = sum(d.severity == "error" for p in self.profiles for d in p.diagnostics)
        return found + len(self.unreadable)

    @property
    def warnings(self) -> int:
        return sum(d.severity == "warning" for p in self.profiles for d in p.diagnostics)


def folder_files(folder: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The profile files of a folder (by name, sorted) and the others with
    why they are not read; sub-folders and hidden files are left alone."""
    files: list[str] = []
    skipped: list[tuple[str, str]] = []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if name.startswith(".") or os.path.isdir(path):
            continue
        kind = special_kind(os.stat(path).st_mode) if os.path.exists(path) else "a broken link"
        if kind is not None:
            skipped.append((path, f"{kind}, not read"))
        elif not name.lower().endswith(PROFILE_SUFFIXES):
            skipped.append((path, f"not a profile name ({', '.join(PROFILE_SUFFIXES)})"))
        elif b"\x00" in read_bytes(path)[:4096]:
            skipped.append((path, "binary (a compiled file?), not read"))
        else:
            files.append(path)
    return files, skipped


def _reference(profiles: Sequence[FolderProfile], kind: Kind, name: str) -> FolderProfile | None:
    """The profile of that kind with Merge's name, else the only one."""
    found = [p for p in profiles if p.kind == kind]
    named = [p for p in found if os.path.basename(p.path) == name]
    if named:
        return named[0]
    return found[0] if len(found) == 1 else None


def check_folder(folder: str) -> FolderReport:
    """Read every profile of a Merge-style folder and check it, alone and
    against the others (see the module's description)."""
    files, skipped = folder_files(folder)
    read: list[FolderProfile] = []
    unreadable: list[MdictError] = []
    for path in files:
        try:
            text, kind, model = read_profile(path)
        except MdictError as error:
            unreadable.append(error)
            continue
        read.append(FolderProfile(path, kind, text, model, ()))
    dictionary = _reference(read, "dictionary", "diction.pfl")
    services = _reference(read, "services", "mergecom.srv")
    checked = tuple(
        FolderProfile(
            p.path,
            p.kind,
            p.text,
            p.model,
            tuple(
                check_profile(
                    p.model,
                    dictionary=dictionary.model if dictionary is not None else None,
                    services=services.model if services is not None else None,
                )
            ),
        )
        for p in read
    )
    return FolderReport(
        folder,
        checked,
        tuple(unreadable),
        tuple(skipped),
        dictionary.path if dictionary is not None else None,
        services.path if services is not None else None,
    )
