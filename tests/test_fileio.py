"""mdict.fileio: reading profiles (UTF-8, latin-1 fallback, clear errors) and
atomic writes (nothing half-written, inputs untouched)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from mdict.errors import InputFileError
from mdict.fileio import read_text, write_bytes_atomic, write_files_atomic, write_text_atomic


def test_utf8_latin1_fallback_and_bom(tmp_path: Path) -> None:
    utf8 = tmp_path / "u.pfl"
    utf8.write_bytes("\ufeffPatient's Näme,0010,0010,PN,1\n".encode())
    assert read_text(utf8) == "Patient's Näme,0010,0010,PN,1\n"
    latin1 = tmp_path / "l.pfl"
    latin1.write_bytes("Näme,0010,0010,PN,1\n".encode("latin-1"))
    assert read_text(latin1) == "Näme,0010,0010,PN,1\n"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p, "no such file"),
        (lambda p: (p.mkdir(), p)[1], "is a directory, expected a file"),
        (lambda p: (p.write_bytes(b"ab\x00cd"), p)[1], "binary data (NUL byte at offset 2)"),
    ],
)
def test_unreadable_inputs_give_one_clear_error(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path / "x.pfl")
    with pytest.raises(InputFileError) as caught:
        read_text(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_atomic_write_creates_folders_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "build" / "deep" / "mrgcom3.msg"
    write_bytes_atomic(target, b"one")
    assert target.read_bytes() == b"one"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    os.chmod(target, 0o600)
    write_text_atomic(target, "two\n")
    assert target.read_text() == "two\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == ["mrgcom3.msg"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "diction.pfl"
    target.write_text("old\n")

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(InputFileError, match="cannot write: No space left on device"):
        write_text_atomic(target, "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["diction.pfl"]


# --- the one atomic-write helper: links, special files, inputs, pairs, signals ----------------


def test_a_symbolic_link_is_written_through_to_its_target(tmp_path: Path) -> None:
    target = tmp_path / "real" / "diction.pfl"
    target.parent.mkdir()
    target.write_text("old\n")
    link = tmp_path / "link.pfl"
    link.symlink_to(target)
    write_text_atomic(link, "new\n")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "new\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["diction.pfl"]


def test_hard_links_stay_one_file(tmp_path: Path) -> None:
    first = tmp_path / "a.pfl"
    first.write_text("old\n")
    second = tmp_path / "b.pfl"
    os.link(first, second)
    write_text_atomic(second, "new\n")
    assert first.read_text() == second.read_text() == "new\n"
    assert first.stat().st_ino == second.stat().st_ino and first.stat().st_nlink == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pfl", "b.pfl"]


def test_special_files_are_refused_for_reading_and_writing_without_blocking(
    tmp_path: Path,
) -> None:
    fifo = tmp_path / "pipe.pfl"
    os.mkfifo(fifo)
    with pytest.raises(InputFileError, match=r"is a FIFO \(named pipe\), expected a regular file"):
        read_text(fifo)
    with pytest.raises(InputFileError, match="cannot write: is a FIFO"):
        write_text_atomic(fifo, "x\n")
    with pytest.raises(InputFileError, match="cannot write: is a character device"):
        write_text_atomic("/dev/null", "x\n")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_an_output_that_is_an_input_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    source = tmp_path / "in.pfl"
    source.write_text("input\n")
    other = tmp_path / "other.pfl"
    link = tmp_path / "alias.pfl"
    link.symlink_to(source)
    for output in (source, link):
        with pytest.raises(InputFileError, match="is also an input"):
            write_files_atomic([(other, b"a"), (output, b"b")], [source])
    assert source.read_text() == "input\n" and not other.exists()
    with pytest.raises(InputFileError, match="is named twice as an output"):
        write_files_atomic([(source, b"a"), (link, b"b")])
    assert source.read_text() == "input\n"


def test_a_pair_is_written_both_or_neither(tmp_path: Path) -> None:
    (tmp_path / "blocked").write_text("a file where a folder is needed\n")
    first = tmp_path / "first.srv"
    with pytest.raises(InputFileError, match="cannot write: Not a directory"):
        write_files_atomic([(first, b"one"), (tmp_path / "blocked" / "second.pfl", b"two")])
    assert not first.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocked"]


def test_a_pair_is_renamed_under_the_folder_lock(tmp_path: Path) -> None:
    # Two concurrent writers of the same pair never interleave their renames:
    # while another process holds the folder's lock, nothing is renamed.
    import fcntl
    import threading

    a, b = tmp_path / "out.srv", tmp_path / "out.pfl"
    holder = os.open(tmp_path, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)
    writer = threading.Thread(target=write_files_atomic, args=([(a, b"new"), (b, b"new")],))
    writer.start()
    writer.join(0.5)
    assert writer.is_alive() and not a.exists() and not b.exists()  # waiting for the lock
    os.close(holder)
    writer.join(10)
    assert a.read_bytes() == b.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pfl", "out.srv"]


def test_concurrent_pairs_end_as_one_writers_pair(tmp_path: Path) -> None:
    import threading

    a, b = tmp_path / "out.srv", tmp_path / "out.pfl"

    def writer(name: str) -> None:
        for i in range(40):
            data = f"{name}{i}".encode()
            write_files_atomic([(a, data), (b, data)])

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("x", "y")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert a.read_bytes() == b.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pfl", "out.srv"]


def test_a_temporary_left_by_a_killed_process_is_removed_by_the_next_write(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    dead = int(gone.stdout)
    stale = tmp_path / f".diction.pfl.{dead}.abc123.tmp"
    stale.write_bytes(b"half")
    live = tmp_path / f".diction.pfl.{os.getpid()}.def456.tmp"  # a writer still running
    live.write_bytes(b"busy")
    write_text_atomic(tmp_path / "diction.pfl", "new\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["diction.pfl", live.name])


def test_sigterm_during_a_write_leaves_no_temporary_and_exits_143(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    script = (
        "import os, sys, time\n"
        "real = os.fsync\n"
        "def slow(fd):\n"
        "    print('writing', flush=True)\n"
        "    time.sleep(60)\n"
        "os.fsync = slow\n"
        "from mdict.cli import main\n"
        "main(['dcomb', sys.argv[1], sys.argv[1], '-o', sys.argv[2]])\n"
    )
    source = tmp_path / "d.pfl"
    source.write_text("Patient's Name,0010,0010,PN,1\n")
    out = tmp_path / "out" / "merged.pfl"
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(source), str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    assert process.stdout is not None and process.stdout.readline() == "writing\n"
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 143
    assert err == "error: terminated\n"
    assert list(out.parent.iterdir()) == []
