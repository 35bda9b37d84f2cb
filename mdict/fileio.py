"""Reading text the way profiles need it, and the one way mdict writes files.

Every writer goes through :func:`write_files_atomic` (or its one-file forms
:func:`write_text_atomic` and :func:`write_bytes_atomic`):

- an output that is a symbolic link is written through to its target (the
  link stays a link); a file with several hard links is rewritten in place
  once the new content is complete on disk, so every link sees it;
- otherwise each output is written to a temporary file in its own folder,
  flushed to disk (fsync) and renamed over the target, so a reader sees the
  old or the complete new file, never a part;
- several outputs are written all or nothing: every temporary file is
  complete before the first rename, and two mdict processes writing the same
  folders rename one after the other (an advisory lock on each folder), so
  concurrent runs never leave a mixed pair;
- temporary files are removed on every exit Python sees, SIGTERM and SIGHUP
  included; one left by a process killed with SIGKILL is removed by the next
  write to the same file once that process is gone;
- an output that is also an input, a folder, or a special file (FIFO,
  device, socket) is refused before anything is written.

Reading refuses special files too: a FIFO is never opened for reading (it
would block until a writer comes)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType

from mdict.errors import InputFileError

MAX_FILE_BYTES = 512 * 1024 * 1024
PathLike = str | os.PathLike[str]

_SPECIAL = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def special_kind(mode: int) -> str | None:
    """What a non-regular, non-folder file is (``a FIFO (named pipe)`` ...)."""
    for test, name in _SPECIAL:
        if test(mode):
            return name
    return None


def require_regular_file(path: PathLike) -> None:
    """Refuse a missing path, a folder or a special file with one clear error
    (without opening it: opening a FIFO blocks)."""
    name = os.fspath(path)
    try:
        mode = os.stat(name).st_mode
    except FileNotFoundError:
        raise InputFileError(name, "no such file") from None
    except OSError as exc:
        raise InputFileError(name, f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise InputFileError(name, "is a directory, expected a file")
    kind = special_kind(mode)
    if kind is not None:
        raise InputFileError(name, f"is {kind}, expected a regular file")


def read_bytes(path: PathLike) -> bytes:
    """Read a whole regular file, turning every OS problem into one clear error."""
    name = os.fspath(path)
    require_regular_file(name)
    try:
        # O_NONBLOCK: a regular file swapped for a FIFO after the check does not block
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputFileError(name, f"cannot read: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise InputFileError(name, "is not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise InputFileError(name, f"file is too large ({info.st_size} bytes)")
        try:
            return handle.read()
        except OSError as exc:
            raise InputFileError(name, f"cannot read: {exc.strerror or exc}") from None


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 with latin-1 fallback (every profile format). Binary data is refused."""
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


def read_text(path: PathLike) -> str:
    """Read a text profile (UTF-8, latin-1 fallback)."""
    return decode_text(read_bytes(path), os.fspath(path))


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwinds like KeyboardInterrupt so that
    temporary files are removed."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def signals_unwind() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP raise :class:`Terminated` (when they
    would have killed the process silently), so ``finally`` blocks run."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: list[tuple[int, object]] = []
    for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if signum is None or signal.getsignal(signum) is not signal.SIG_DFL:
            continue
        previous.append((signum, signal.signal(signum, _raise_terminated)))
    try:
        yield
    finally:
        for signum, handler in previous:
            signal.signal(signum, handler)  # type: ignore[arg-type]


def same_file(a: PathLike, b: PathLike) -> bool:
    """Both exist and are the same file (through links)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def refuse_to_overwrite(outputs: Sequence[PathLike], inputs: Sequence[PathLike]) -> None:
    """Inputs are never modified: an output naming an input is an error."""
    for output in outputs:
        for source in inputs:
            if os.fspath(output) != "-" and same_file(output, source):
                raise InputFileError(
                    os.fspath(output),
                    f"is also an input ({os.fspath(source)}); inputs are never modified",
                )


def writable_target(path: PathLike) -> str:
    """The file a write to ``path`` must replace: a symbolic link's target
    (followed to the end); refused when it is a folder or a special file."""
    name = os.fspath(path)
    target = os.path.realpath(name) if os.path.islink(name) else name
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise InputFileError(name, f"cannot write: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise InputFileError(name, "cannot write: Is a directory")
    kind = special_kind(mode)
    if kind is not None:
        raise InputFileError(name, f"cannot write: is {kind}; mdict writes regular files only")
    return target


_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]+\.tmp$")


def _remove_stale_temporaries(folder: str, name: str) -> None:
    """Temporaries of ``name`` left by processes that no longer run (SIGKILL)."""
    with contextlib.suppress(OSError):
        for entry in os.listdir(folder):
            match = _TEMP.match(entry)
            if match is None or match.group("name") != name:
                continue
            pid = int(match.group("pid"))
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, entry))
            except OSError:
                pass  # exists, owned by someone else


def _write_temporary(target: str, data: bytes) -> str:
    folder = os.path.dirname(target) or "."
    name = os.path.basename(target)
    _remove_stale_temporaries(folder, name)
    fd, temporary = tempfile.mkstemp(prefix=f".{name}.{os.getpid()}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        mode = stat.S_IMODE(os.stat(target).st_mode) if os.path.exists(target) else 0o644
        os.chmod(temporary, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return temporary


@contextlib.contextmanager
def _folders_locked(folders: Sequence[str]) -> Iterator[None]:
    """An exclusive advisory lock on each folder (sorted: no deadlock)."""
    try:
        import fcntl
    except ImportError:  # not POSIX
        yield
        return
    handles: list[int] = []
    try:
        for folder in sorted(set(folders)):
            with contextlib.suppress(OSError):
                fd = os.open(folder, os.O_RDONLY)
                handles.append(fd)
                fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        for fd in handles:
            os.close(fd)  # closing releases the lock


def _linked(target: str) -> bool:
    """The file exists with several hard links."""
    try:
        return os.stat(target).st_nlink > 1
    except OSError:
        return False


def _install(temporary: str, target: str) -> None:
    """Rename ``temporary`` over ``target``; a file with several hard links
    is rewritten in place so the links stay one file."""
    if not _linked(target):
        os.replace(temporary, target)
        return
    with open(temporary, "rb") as source, open(target, "r+b") as handle:
        handle.truncate(0)
        while chunk := source.read(1 << 20):
            handle.write(chunk)
        handle.flush()
        os.fsync(handle.fileno())
    os.unlink(temporary)


def _cannot_write(path: str, exc: OSError) -> InputFileError:
    return InputFileError(path, f"cannot write: {exc.strerror or exc}")


def write_files_atomic(
    files: Sequence[tuple[PathLike, bytes]], inputs: Sequence[PathLike] = ()
) -> None:
    """Write several files all or nothing (see the module's description).

    Raises InputFileError (nothing written) for an output that is an input,
    a folder or a special file, two outputs naming one file, or any OS error."""
    names = [os.fspath(path) for path, _ in files]
    refuse_to_overwrite(names, inputs)
    targets = [writable_target(name) for name in names]
    for i, target in enumerate(targets):
        if any(same_file(target, t) or target == t for t in targets[:i]):
            raise InputFileError(names[i], "is named twice as an output")
        if _linked(target) and not os.access(target, os.W_OK):  # rewritten in place
            raise InputFileError(names[i], "cannot write: Permission denied")
    temporaries: list[str] = []
    with signals_unwind():
        try:
            for name, target, (_, data) in zip(names, targets, files, strict=True):
                try:
                    Path(os.path.dirname(target) or ".").mkdir(parents=True, exist_ok=True)
                    temporaries.append(_write_temporary(target, data))
                except OSError as exc:
                    raise _cannot_write(name, exc) from None
            folders = [os.path.dirname(os.path.abspath(t)) for t in targets]
            with _folders_locked(folders):
                for name, target in zip(names, targets, strict=True):
                    try:
                        _install(temporaries[0], target)
                    except OSError as exc:
                        raise _cannot_write(name, exc) from None
                    temporaries.pop(0)
        finally:
            for temporary in temporaries:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)


def write_text_atomic(path: PathLike, text: str, inputs: Sequence[PathLike] = ()) -> None:
    """Write UTF-8 text (see :func:`write_files_atomic`)."""
    write_files_atomic([(path, text.encode("utf-8"))], inputs)


def write_bytes_atomic(path: PathLike, data: bytes, inputs: Sequence[PathLike] = ()) -> None:
    """Write bytes (see :func:`write_files_atomic`)."""
    write_files_atomic([(path, data)], inputs)


def collect_files(paths: Sequence[PathLike]) -> list[str]:
    """The files named (each must be a regular file) and every regular file
    under the folders named, sorted; hidden files and folders and special
    files (FIFOs, devices, sockets) inside folders are skipped."""
    files: list[str] = []
    for path in (os.fspath(p) for p in paths):
        if not os.path.isdir(path):
            require_regular_file(path)
            files.append(path)
            continue
        found: list[str] = []
        for folder, dirs, names in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            found += [os.path.join(folder, n) for n in names if not n.startswith(".")]
        # os.path.isfile follows links and is true for regular files only
        files.extend(sorted(f for f in found if os.path.isfile(f)))
    return files
