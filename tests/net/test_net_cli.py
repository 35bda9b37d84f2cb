"""``mdict scp`` as a user runs it: options, a real subprocess stopped by
SIGTERM and SIGINT with the report written, and its exit statuses."""

from __future__ import annotations

import json
import signal
import socket
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from net_helpers import CT_STORAGE, VERIFICATION, associated, ct, defective_ct, scp_process

from mdict.cli import main as cli


def test_db_and_profiles_together_is_a_usage_error(tmp_path: Path) -> None:
    db = tmp_path / "x.msg"
    db.write_bytes(b"")
    result = CliRunner().invoke(cli, ["scp", "--db", str(db), "--profiles", str(tmp_path)])
    assert result.exit_code == 2
    assert "give --db or --profiles, not both" in result.output


def test_an_unreadable_database_is_exit_2(tmp_path: Path) -> None:
    db = tmp_path / "x.msg"
    db.write_bytes(b"not a database")
    result = CliRunner().invoke(cli, ["scp", "--db", str(db), "--port", "0"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {db}: ")  # the one error style


def test_a_port_in_use_is_exit_2() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["scp", "--port", str(port), "--timeout", "1"])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}:" in result.output


def test_timeout_stops_a_quiet_scp_with_a_summary(tmp_path: Path) -> None:
    report = tmp_path / "r.txt"
    args = ["scp", "--port", "0", "--timeout", "0.3", "--report", str(report)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert (
        "0 associations, 0 messages: 0 with errors; 0 errors, 0 warnings, 0 infos" in result.output
    )
    assert (
        report.read_text()
        == "0 associations, 0 messages: 0 with errors; 0 errors, 0 warnings, 0 infos\n"
    )


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_ends_it_cleanly_with_the_report(tmp_path: Path, signum: int) -> None:
    report = tmp_path / "out" / "report.json"
    with scp_process("--report", str(report), "--format", "json", "--level", "errors") as scp:
        with associated(scp.port, VERIFICATION, CT_STORAGE) as assoc:
            assert assoc.send_c_echo().Status == 0
            assert assoc.send_c_store(ct()).Status == 0
            assert assoc.send_c_store(defective_ct(), msg_id=2).Status == 0
        status, out, err = scp.stop(signum)
    assert status == 1, err  # a message with an error
    assert "Traceback" not in err
    assert f"report written: {report}" in err
    lines = out.splitlines()
    assert lines[0].endswith("#1 C_ECHO_RQ STANDARD_ECHO: 0 errors, 0 warnings, 0 infos -> 0x0000")
    assert "#2 C_STORE_RQ STANDARD_CT" in lines[2] and "1 error" in lines[2]
    assert lines[3] == (
        "    error REQUIRED_ATTRIBUTE_MISSING (0010,0010) Patient's Name "
        "required attribute missing (type 2)"
    )
    assert "association released: 3 messages; 1 error" in lines[4]
    assert lines[-1] == "1 association, 3 messages: 1 with errors; 1 error, 0 warnings, 0 infos"
    data = json.loads(report.read_text())
    assert data["format"] == "mdict-scp-report"
    assert [m["command"] for m in data["messages"]] == ["C_ECHO_RQ", "C_STORE_RQ", "C_STORE_RQ"]
    bad = data["messages"][2]
    assert (bad["ok"], bad["status"], bad["association"], bad["message_id"]) == (
        False,
        "0x0000",
        1,
        2,
    )
    assert bad["peer"].startswith("TESTSCU@127.0.0.1:")
    assert bad["findings"][0]["code"] == "REQUIRED_ATTRIBUTE_MISSING"
    assert data["associations"][0]["ended"] == "released"
    assert data["summary"] == {
        "associations": 1,
        "messages": 3,
        "messages_with_errors": 1,
        "counts": {"error": 1, "warning": 0, "info": 0},
    }
    assert not list(report.parent.glob(".mdict-scp.*"))  # the journal is gone


def test_junit_report_and_association_limit(tmp_path: Path) -> None:
    report = tmp_path / "report.xml"
    args = ("--report", str(report), "--format", "junit", "--associations", "1", "--strict")
    with scp_process(*args) as scp:
        with associated(scp.port, CT_STORAGE) as assoc:
            assert assoc.send_c_store(defective_ct()).Status == 0xA900
        status, out, _ = scp.process.wait(10), *scp.process.communicate(timeout=10)
    assert status == 1
    suite = ET.fromstring(report.read_text())
    assert (suite.get("tests"), suite.get("failures")) == ("1", "1")
    failure = suite.find("testcase/failure")
    assert failure is not None and "REQUIRED_ATTRIBUTE_MISSING" in (failure.text or "")
    assert "-> 0xA900" in out


def test_which_runs_validate_in_worker_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    from mdict.cli.net import _pool

    plain = {"strict": False, "validate": True}
    assert _pool(None, None, "warnings", 0, plain) is None
    assert _pool(None, None, "warnings", 2, {**plain, "strict": True}) is None
    assert _pool(None, None, "warnings", 2, {**plain, "validate": False}) is None
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert _pool(None, None, "warnings", None, plain) is None  # one core: no worker
    monkeypatch.setattr("os.cpu_count", lambda: 16)
    pool = _pool(None, None, "warnings", None, plain)
    assert pool is not None
    try:
        assert (pool.workers, pool.level, pool.source.kind) == (4, "warnings", "default")
    finally:
        pool.close()


def test_the_live_log_outlives_a_closed_stream() -> None:
    """A live log whose reader went away (a closed pipe) keeps taking
    records: the SCP goes on and its report still gets every one."""
    import io

    from mdict.cli.net import _LiveLog

    stream = io.StringIO()
    log = _LiveLog(stream)
    log.put("first")
    stream.close()  # writing now raises ValueError
    for number in range(100):
        log.put(f"record {number}")
    log.close()
    assert not log._thread.is_alive()
    assert log._queue.empty()


@pytest.mark.parametrize("show", [False, True])
def test_private_dictionary_disagreements_stay_out_of_the_live_log(
    tmp_path: Path, show: bool
) -> None:
    """As in mdict validate: a GE image's private VM disagreements are
    counted apart in the log (--show private lists them); the report has them."""
    from pydicom import examples

    report = tmp_path / "r.json"
    args = ["--report", str(report), "--format", "json", *(["--show", "private"] if show else [])]
    with scp_process(*args) as scp:
        with associated(scp.port, CT_STORAGE) as assoc:
            assert assoc.send_c_store(examples.ct).Status == 0
        status, out, err = scp.stop()
    assert status == 0, err
    lines = out.splitlines()
    record = json.loads(report.read_text())["messages"][0]
    private = [f for f in record["findings"] if f["category"] == "private"]
    assert len(private) == 18 and record["counts"]["warning"] == 18
    if show:
        assert "0 errors, 18 warnings, 0 infos -> 0x0000" in lines[0]
        assert sum(line.startswith("    warning ") for line in lines) == 18
        assert "not shown" not in out
    else:
        assert lines[0].endswith(
            "0 errors, 0 warnings, 0 infos -> 0x0000 [18 private dictionary disagreements not shown]"
        )
        assert "association released: 1 message; 0 errors, 0 warnings, 0 infos" in lines[1]
        assert lines[-1].endswith(
            "18 private dictionary disagreements (VR or number of values"
            " of vendor private attributes) not shown: --show private"
        )
