"""mdict validate's output while it runs: findings as each file is done
(above the progress bar on a terminal), Ctrl-C, private dictionary
disagreements counted apart."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pydicom.data
from click.testing import CliRunner

from mdict.cli import main
from tools.defects import Case, ct_image

CT_SMALL = str(Path(pydicom.data.__file__).parent / "test_files" / "CT_small.dcm")
ROOT = Path(__file__).resolve().parent.parent


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def test_private_dictionary_disagreements_are_counted_apart() -> None:
    result = CliRunner().invoke(main, ["validate", CT_SMALL])
    assert result.exit_code == 0
    assert "TOO_FEW_VALUES" not in result.output
    assert "0 errors, 0 warnings" in result.output
    assert "18 private dictionary disagreements" in result.output
    assert "--show private" in result.output
    for extra in (["--show", "private"], ["--level", "info"]):
        shown = CliRunner().invoke(main, ["validate", CT_SMALL, *extra])
        assert shown.output.count("'GEMS_PARM_01'") >= 18, extra
        assert "private dictionary disagreement" not in shown.output
    json_out = CliRunner().invoke(main, ["validate", CT_SMALL, "--format", "json"])
    assert '"private_not_shown": 18' in json_out.output


def _files(folder: Path, count: int) -> None:
    folder.mkdir()
    for number in range(count):
        ds = ct_image(number + 1)
        ds.PatientSex = "X"  # one error each
        (folder / f"f{number:04d}.dcm").write_bytes(Case("x", "x", ds).data())


def _read_until(fd: int, needle: bytes, timeout: float = 60) -> bytes:
    seen = b""
    end = time.monotonic() + timeout
    while needle not in seen and time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen


def test_on_a_terminal_findings_appear_above_the_progress_bar(tmp_path: Path) -> None:
    _files(tmp_path / "in", 6)
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "mdict", "validate", "-j", "1", str(tmp_path / "in")],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=_env(),
    )
    os.close(follower)
    seen = _read_until(leader, b"6 files:")
    process.wait(timeout=60)
    os.close(leader)
    text = seen.decode(errors="replace")
    assert process.returncode == 1
    assert "validating" in text and "\x1b[2K" in text  # the bar, erased before each file
    first = text.index("f0000.dcm: error NOT_ONE_OF_ENUMERATED_VALUES")
    assert first < text.index("f0005.dcm:") < text.index("6 files:")
    assert text.count("NOT_ONE_OF_ENUMERATED_VALUES") == 6


def test_ctrl_c_prints_what_was_found_and_exits_130(tmp_path: Path) -> None:
    _files(tmp_path / "in", 400)
    process = subprocess.Popen(
        [sys.executable, "-m", "mdict", "validate", "-j", "1", str(tmp_path / "in")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
        bufsize=0,  # nothing read ahead that communicate() would not see
        # a shell that runs us in the background ignores SIGINT, and a child
        # started with SIGINT ignored never sees Ctrl-C: give it the default
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    assert b"f0000.dcm: error" in first
    process.send_signal(signal.SIGINT)
    rest, errors = process.communicate(timeout=60)
    assert process.returncode == 130
    lines = (first + rest).decode().splitlines()
    done = int(lines[-1].split(" file")[0])
    assert 1 <= done < 400
    assert sum("NOT_ONE_OF_ENUMERATED_VALUES" in line for line in lines) == done
    assert f"error: interrupted after {done} of 400 files" in errors.decode()
    assert "Traceback" not in errors.decode()
