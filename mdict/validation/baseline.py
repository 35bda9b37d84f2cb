"""Baselines of known findings, shared by ``mdict validate`` and the pytest
plugin: a JSON file listing one key per finding (file, code, path, creator,
value number); a finding whose key is listed never fails."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence

from mdict.errors import InputFileError, MdictError
from mdict.fileio import read_text, refuse_to_overwrite, writable_target, write_text_atomic
from mdict.validation.findings import Finding

FORMAT = "mdict-validate-baseline"
# What a baseline must never replace by mistake: source code.
REFUSED_SUFFIXES = (".py", ".pyi", ".pyc")


def baseline_key(file: str, finding: Finding) -> str:
    """What identifies a known finding: file, code, path, creator, value number."""
    index = "" if finding.value_index is None else str(finding.value_index)
    return f"{file}|{finding.code}|{finding.path}|{finding.creator or ''}|{index}"


def read_baseline(path: str) -> set[str]:
    """The keys of a baseline file; InputFileError when it is not one."""
    try:
        data = json.loads(read_text(path))
        if data.get("format", FORMAT) != FORMAT:
            raise ValueError(f"format {data.get('format')!r}")
        return {str(k) for k in data["findings"]}
    except MdictError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputFileError(path, f"not an mdict baseline ({exc})") from None


def check_baseline_target(path: str, inputs: Sequence[str] = ()) -> None:
    """Refuse, before any work, a baseline output that would replace an
    input, source code, a folder or a special file, or that cannot be
    written (its folder missing or read-only). Writes nothing."""
    if path.endswith(REFUSED_SUFFIXES):
        raise InputFileError(path, "refusing to write a baseline over a Python file")
    refuse_to_overwrite([path], inputs)
    target = writable_target(path)
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        raise InputFileError(path, "cannot write: No such file or directory")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputFileError(path, "cannot write: Permission denied")


def save_baseline(path: str, keys: Iterable[str], inputs: Sequence[str] = ()) -> None:
    """Write the keys, sorted and unique, atomically (never over an input)."""
    check_baseline_target(path, inputs)
    data = {"format": FORMAT, "version": 1, "findings": sorted(set(keys))}
    write_text_atomic(path, json.dumps(data, indent=1) + "\n", inputs)
