"""Reading text the way profiles need it and writing files atomically."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from mdict.errors import InputFileError

MAX_FILE_BYTES = 512 * 1024 * 1024


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """Read a whole file, turning every OS problem into one clear error."""
    name = os.fspath(path)
    p = Path(name)
    if p.is_dir():
        raise InputFileError(name, "is a directory, expected a file")
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise InputFileError(name, "no such file") from None
    except OSError as exc:
        raise InputFileError(name, f"cannot read: {exc.strerror or exc}") from None
    if size > MAX_FILE_BYTES:
        raise InputFileError(name, f"file is too large ({size} bytes)")
    try:
        return p.read_bytes()
    except OSError as exc:
        raise InputFileError(name, f"cannot read: {exc.strerror or exc}") from None


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 with latin-1 fallback (spec: all files). Binary data is refused."""
    if b"\x00" in data:
        offset = data.index(b"\x00")
        raise InputFileError(
            name, f"binary data (NUL byte at offset {offset}), expected a text profile"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a text profile (UTF-8, latin-1 fallback)."""
    return decode_text(read_bytes(path), os.fspath(path))


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 text with LF line ends to a temporary file, then rename."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write to a temporary file in the target's folder (created when
    missing), then rename over it."""
    target = Path(os.fspath(path))
    folder = target.parent if str(target.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
