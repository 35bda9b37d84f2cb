"""mdict.fileio: reading profiles (UTF-8, latin-1 fallback, clear errors) and
atomic writes (nothing half-written, inputs untouched)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from mdict.errors import InputFileError
from mdict.fileio import read_text, write_bytes_atomic, write_text_atomic


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
    with pytest.raises(OSError):
        write_text_atomic(target, "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["diction.pfl"]
