"""Building the Lark parsers, kept between processes.

Building an LALR parser from a grammar (with ``strict=True``, which checks
every pair of terminals for collisions) takes 0.1-0.2 s, more than reading a
whole dictionary. The built parser is therefore saved with ``Lark.save`` in
the user's cache folder and loaded with ``Lark.load`` (about 1 ms) by later
processes.

- Where: ``$MDICT_CACHE_DIR`` when set (an empty value turns the cache off),
  else the platform's user cache folder (``$XDG_CACHE_HOME`` or
  ``~/.cache`` on Linux, ``~/Library/Caches`` on macOS, ``%LOCALAPPDATA%`` on
  Windows) followed by ``mdict``. Never the installed package: a read-only
  install works.
- Key: the file name holds a digest of every grammar file, the build
  options, the Lark and Python versions and the cache format. Editing a
  grammar or upgrading Lark makes a new file; nothing stale is ever loaded.
- Trust: the files are pickles (like Lark's own ``cache=True`` files), so
  loading one runs code. A file is loaded only from a folder that is a real
  folder (not a symbolic link) owned by the user and not writable by group or
  others, only when the file itself is a regular file owned by the user and
  not writable by others, and only when its content matches the SHA-256
  digest written in its first line (a truncated or altered file is never
  unpickled). The folder is created private to the user (0700). Anything
  else (another user's folder, a world-writable one, a planted file) means
  the parser is built as if there were no cache, silently.
- Failure is silent: a folder that cannot be created or written, a file that
  cannot be read or does not load (truncated, from another Lark) means the
  parser is built as if there were no cache. Files are written to a
  temporary name and renamed, so a concurrent reader sees a whole file or
  none.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import stat
import sys
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from lark import Lark, Transformer
from lark import __version__ as lark_version

CACHE_FORMAT = "2"
"""Bumped when what is saved changes in a way the other parts of the key miss."""

OPTIONS: dict[str, Any] = {
    "parser": "lalr",
    "lexer": "contextual",
    "strict": True,
    "propagate_positions": False,
    "maybe_placeholders": True,
}
"""The build options of every grammar (the transformer is given at load)."""

_digest: str | None = None


def cache_dir() -> Path | None:
    """The folder built parsers are kept in, or None when caching is off."""
    override = os.environ.get("MDICT_CACHE_DIR")
    if override is not None:
        return Path(override) if override else None
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        root = Path(base) if base else Path.home() / "AppData" / "Local"
    elif sys.platform == "darwin":
        root = Path.home() / "Library" / "Caches"
    else:
        base = os.environ.get("XDG_CACHE_HOME")
        root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "mdict"


def grammars_digest() -> str:
    """A digest of every grammar file, the options and the versions involved."""
    global _digest
    if _digest is None:
        h = hashlib.sha256()
        h.update(
            f"{CACHE_FORMAT}|{lark_version}|{sys.version_info[:2]}|{sorted(OPTIONS.items())}".encode()
        )
        folder = resources.files("mdict") / "grammars"
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".lark"):
                h.update(entry.name.encode() + b"\0" + entry.read_bytes() + b"\0")
        _digest = h.hexdigest()[:20]
    return _digest


def cache_file(grammar: str, start: Sequence[str] = ()) -> Path | None:
    """Where the built parser of ``grammar`` is kept (None: caching is off);
    start rules other than the default are part of the name."""
    folder = cache_dir()
    if folder is None:
        return None
    starts = "".join(f"+{rule}" for rule in start)
    return folder / f"{grammar.removesuffix('.lark')}{starts}-{grammars_digest()}.lark-parser"


def build_parser(
    grammar: str, transformer: Transformer[Any, Any] | None, start: Sequence[str] = ()
) -> Lark:
    """The LALR parser of ``grammar`` with ``transformer`` inline (None: the
    parser makes trees) and the given start rules (empty: ``start``): loaded
    from the cache when a good copy is there, else built (and saved when
    possible)."""
    path = cache_file(grammar, start)
    if path is not None:
        loaded = _load(path)
        if loaded is not None and type(loaded.options.transformer) is type(transformer):
            return loaded
    extra: dict[str, Any] = {"start": list(start)} if start else {}
    parser = Lark.open_from_package(
        "mdict", grammar, ("grammars",), transformer=transformer, **OPTIONS, **extra
    )
    if path is not None:
        _save(parser, path)
    return parser


MAGIC = b"mdict-parser-cache 2 sha256="
"""The first line of a cache file: this, the payload's hex digest, a newline."""


def _trusted(info: os.stat_result, kind: int) -> bool:
    """A file or folder the user owns and nobody else may write to."""
    if stat.S_IFMT(info.st_mode) != kind:
        return False
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    getuid = getattr(os, "getuid", None)
    return getuid is None or info.st_uid == getuid()  # Windows: the per-user folder


def trusted_folder(folder: Path) -> bool:
    """May parsers be loaded from (and saved to) ``folder``?"""
    try:
        return _trusted(os.lstat(folder), stat.S_IFDIR)
    except OSError:
        return False


def _load(path: Path) -> Lark | None:
    """``Lark.load`` of a saved parser, when the folder and the file are the
    user's own and the digest matches (its transformer is saved by reference
    to its class, so the handlers are always those of the running code)."""
    try:
        if not trusted_folder(path.parent):
            return None
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            if not _trusted(os.fstat(handle.fileno()), stat.S_IFREG):
                return None
            data = handle.read()
        head, _, payload = data.partition(b"\n")
        if not head.startswith(MAGIC):
            return None
        if hashlib.sha256(payload).hexdigest().encode() != head[len(MAGIC) :]:
            return None
        return Lark.load(io.BytesIO(payload))
    except Exception:  # missing, unreadable, truncated, from another mdict: build instead
        return None


def _save(parser: Lark, path: Path) -> None:
    """``Lark.save`` to a temporary file renamed into place, in a trusted
    folder only; any failure is ignored."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not trusted_folder(path.parent):
            return
        buffer = io.BytesIO()
        parser.save(buffer)
        payload = buffer.getvalue()
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
        os.replace(temporary, path)
        temporary = None
    except Exception:  # read-only or missing home, full disk, ...: no cache, no error
        pass
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
