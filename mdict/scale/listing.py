"""Listing the files of a run as a stream, never as one list.

Order (the same wherever the listing runs): the paths in the order given; a
folder yields its own files (sorted, hidden names skipped), then each
subfolder the same way, in sorted order: what ``os.walk`` gives ``mdict
learn``. ``--from-list`` yields the lines of the list as they come.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, Protocol

from mdict.scale.tasks import list_directory

Listing = tuple[list[str], list[str]]


class Pending(Protocol):
    """A listing under way (a Dask future, or a value already there)."""

    def result(self) -> Listing: ...


class Done:
    """A listing made in this process."""

    def __init__(self, value: Listing) -> None:
        self.value = value

    def result(self) -> Listing:
        return self.value


def list_here(folder: str) -> Pending:
    return Done(list_directory(folder))


def walk(
    paths: Iterable[str],
    submit: Callable[[str], Pending] = list_here,
    lookahead: int = 0,
) -> Iterator[str]:
    """Every file under ``paths`` in walk order (module doc). ``submit``
    lists one folder, possibly elsewhere; up to ``lookahead`` folders that
    come next are listed ahead, in parallel, while this one is consumed."""
    for path in paths:
        if not os.path.isdir(path):
            yield path
            continue
        stack = [path]
        ahead: dict[str, Pending] = {}
        while stack:
            folder = stack.pop()
            pending = ahead.pop(folder, None) or submit(folder)
            files, folders = pending.result()
            stack.extend(reversed(folders))
            for following in reversed(stack[-lookahead:] if lookahead else []):
                if following not in ahead:
                    ahead[following] = submit(following)
            yield from files


def read_list(name: str, stdin: IO[str] | None = None) -> Iterator[str]:
    """The paths of a list file (one per line, ``-`` for standard input);
    blank lines skipped, line ends and surrounding blanks stripped."""
    if name == "-":
        yield from _lines(stdin if stdin is not None else sys.stdin)
        return
    with open(name, encoding="utf-8", errors="surrogateescape") as handle:
        yield from _lines(handle)


def _lines(handle: IO[str]) -> Iterator[str]:
    for line in handle:
        path = line.strip()
        if path:
            yield path


def partitions(paths: Iterable[str], size: int) -> Iterator[list[str]]:
    """Consecutive runs of ``size`` paths (the last may be shorter)."""
    chunk: list[str] = []
    for path in paths:
        chunk.append(path)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def skipping(paths: Iterable[str], done: Any) -> Iterator[str]:
    """``paths`` without those in ``done`` (a container of finished files)."""
    return (path for path in paths if path not in done)
