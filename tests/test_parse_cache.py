"""Built parsers kept between processes (mdict/parse/_cache.py): used when
good, silently ignored when the folder is not writable or the file is bad,
and a parser loaded from the cache reports errors exactly like a fresh one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mdict.parse import _cache
from mdict.parse._common import DictionTransformer, InfoTransformer
from mdict.parse._driver import LineError, _parse_one

ROOT = Path(__file__).parent.parent
BAD_DICTIONARY = Path(__file__).parent / "data" / "invalid" / "diction_bad_vr.pfl"


def _check(cache: str | None) -> subprocess.CompletedProcess[str]:
    """``mdict check`` of a dictionary with a bad line (so the grammar is needed)."""
    env = {k: v for k, v in os.environ.items() if k != "MDICT_CACHE_DIR"}
    if cache is not None:
        env["MDICT_CACHE_DIR"] = cache
    return subprocess.run(
        [sys.executable, "-c", "from mdict.cli import main; main()", "check", str(BAD_DICTIONARY)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=env,
    )


def test_a_built_parser_is_saved_and_loaded_by_the_next_process(tmp_path: Path) -> None:
    first = _check(str(tmp_path))
    assert first.returncode == 1
    assert "expected a VR" in first.stderr
    saved = sorted(p.name for p in tmp_path.iterdir())
    assert len(saved) == 1
    assert saved[0].startswith("diction-")
    assert saved[0].endswith(".lark-parser")
    stamp = (tmp_path / saved[0]).stat().st_mtime_ns
    second = _check(str(tmp_path))
    assert (second.returncode, second.stdout, second.stderr) == (
        first.returncode,
        first.stdout,
        first.stderr,
    )
    assert (tmp_path / saved[0]).stat().st_mtime_ns == stamp  # loaded, not rewritten
    assert sorted(p.name for p in tmp_path.iterdir()) == saved  # no temporary left


def test_an_unwritable_cache_folder_is_silently_ignored(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    done = _check(str(blocker / "cache"))
    reference = _check("")
    assert (done.returncode, done.stdout, done.stderr) == (
        reference.returncode,
        reference.stdout,
        reference.stderr,
    )
    assert blocker.read_text() == "not a folder\n"


def test_a_bad_cache_file_is_ignored_and_replaced(tmp_path: Path) -> None:
    reference = _check(str(tmp_path))
    (saved,) = tmp_path.iterdir()
    saved.write_bytes(b"garbage\n\x80\x04not a pickle")
    done = _check(str(tmp_path))
    assert (done.returncode, done.stdout, done.stderr) == (
        reference.returncode,
        reference.stdout,
        reference.stderr,
    )
    assert not saved.read_bytes().startswith(b"garbage")  # a good copy was saved again


def test_cache_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MDICT_CACHE_DIR", "")
    assert _cache.cache_dir() is None
    assert _cache.cache_file("info.lark") is None
    monkeypatch.setenv("MDICT_CACHE_DIR", str(tmp_path))
    path = _cache.cache_file("info.lark")
    assert path is not None
    assert path.parent == tmp_path
    assert path.name == f"info-{_cache.grammars_digest()}.lark-parser"
    monkeypatch.delenv("MDICT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert _cache.cache_dir() == tmp_path / "xdg" / "mdict"


LINES = {
    "diction.lark": [
        "Patient's Name,0010,0010,PN,1",
        "Bad,0010,0010,XX,1",
        "Bad,0011,ACME,1G,LO,1",
        "Bad,0010,0010,PN,2-3n",
        " Leading blank,0010,0010,PN,1",
    ],
    "info.lark": [
        "[ 0001, C_STORE_RQ ]",
        "[ 0001, C_STORE_XX ]",
        "0008,0008@CS@1@@D<(ORIGINAL, DERIVED) (PRIMARY)>;",
        "0010,0040@CS@4@@;",
        "0010,0040@CS@2@@E<M,,F>;",
        "0010,0040@CS@2",
    ],
}


@pytest.mark.parametrize("grammar", sorted(LINES))
def test_a_cached_parser_reads_and_reports_like_a_fresh_one(
    grammar: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MDICT_CACHE_DIR", str(tmp_path))
    transformer = DictionTransformer if grammar == "diction.lark" else InfoTransformer
    built = _cache.build_parser(grammar, transformer())
    path = _cache.cache_file(grammar)
    assert path is not None
    assert path.is_file()
    loaded = _cache.build_parser(grammar, transformer())
    assert loaded is not built
    assert loaded.options.strict
    assert loaded.options.parser == "lalr"
    for line in LINES[grammar]:
        fresh, cached = _parse_one(built, line), _parse_one(loaded, line)
        assert cached == fresh, line
    assert any(isinstance(_parse_one(loaded, line), LineError) for line in LINES[grammar])
