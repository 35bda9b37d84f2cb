"""Every example of docs/network.md, run: the console session (with DCMTK),
the pytest fixture example (with pytester), the Python examples."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from net_helpers import TIMEOUT, ScpProcess, ct, dcmtk, dcmtk_tool, defective_ct

DOC = Path(__file__).resolve().parents[2] / "docs" / "network.md"
pytest_plugins = ["pytester"]


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def commands() -> list[str]:
    return re.findall(r"^    \$ (.*)$", DOC.read_text(encoding="utf-8"), re.M)


def sample_lines() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("    [1 ECHOSCU@")
    end = text.index("\n\n", start)
    return [line[4:] for line in text[start:end].splitlines()]


def pattern(line: str) -> str:
    """A documented log line as a regular expression: any port, any UID."""
    text = re.escape(line)
    text = re.sub(r"127\\\.0\\\.0\\\.1:\d+", r"127\\.0\\.0\\.1:\\d+", text)
    return re.sub(r"STANDARD_CT\\ [0-9\\.]+:", r"STANDARD_CT\\ [0-9.]+:", text)


def test_the_console_session(tmp_path: Path) -> None:
    dcmtk_tool("storescu")
    scp_line, *device_lines, report_line = commands()
    argv = shlex.split(scp_line)
    assert argv[:2] == ["mdict", "scp"] and argv[argv.index("--port") + 1] == "11112"
    ct().save_as(tmp_path / "good.dcm")
    defective_ct().save_as(tmp_path / "bad.dcm")
    args = [a for a in argv[2:] if a != "11112"]
    args.remove("--port")
    scp = ScpProcess(*args, cwd=tmp_path)
    for line in device_lines:
        device = shlex.split(line.replace("11112", str(scp.port)))
        found = dcmtk(device[0])
        assert found is not None
        assert subprocess.run([found, *device[1:]], cwd=tmp_path, timeout=TIMEOUT).returncode == 0
    status, out, err = scp.stop(signal.SIGTERM)
    assert status == 1, err
    expected = sample_lines()
    lines = out.splitlines()
    assert len(lines) == len(expected)
    for line, documented in zip(lines, expected, strict=True):
        assert re.fullmatch(pattern(documented), line), (line, documented)
    assert (tmp_path / "report.json").is_file()
    assert len(list((tmp_path / "received").glob("*.dcm"))) == 2
    page = subprocess.run(
        [sys.executable, "-m", *shlex.split(report_line)], cwd=tmp_path, timeout=60, check=False
    )
    assert page.returncode == 0
    assert "REQUIRED_ATTRIBUTE_MISSING" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_the_fixture_example(pytester: pytest.Pytester) -> None:
    [fixture_example] = [b for b in blocks("python") if "def test_" in b]
    pytester.makepyfile(test_device=fixture_example)
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-q")
    result.assert_outcomes(passed=1)


def test_the_handler_example_prints_the_documented_line() -> None:
    [example] = [b for b in blocks("python") if "checker.wrap" in b]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(example, str(DOC), "exec"), {})
    text = DOC.read_text(encoding="utf-8")
    documented = text[text.index("prints\n\n    ") + len("prints\n\n    ") :].splitlines()[0]
    assert re.fullmatch(pattern(documented), out.getvalue().strip())


def test_the_outgoing_check_example() -> None:
    [example] = [b for b in blocks("python") if "check_outgoing" in b]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(example, str(DOC), "exec"), {})
    codes = eval(out.getvalue())
    assert set(codes) <= {"NO_MESSAGE_SPEC"}  # a well-formed query: at most the database gap
