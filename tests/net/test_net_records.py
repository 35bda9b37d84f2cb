"""Records, live lines and reports of the validating SCP."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from mdict.net.records import Association, Journal, Message, Peer, render
from mdict.validation.findings import Finding, Report

PEER = Peer("MODALITY", "127.0.0.1", 40112)
MISSING = Finding(
    "REQUIRED_ATTRIBUTE_MISSING",
    "error",
    "required attribute missing (type 2)",
    0x00100010,
    "(0010,0010)",
    None,
    None,
    "Patient's Name",
)
NOTE = Finding("UN_VR", "info", "VR UN \x01 <&>", 0x00091001, "(0009,1001)")


def message(*findings: Finding, status: int = 0) -> Message:
    report = Report(findings, "STANDARD_CT", "C_STORE_RQ")
    return Message(1, PEER, 3, "C_STORE_RQ", report, status, "1.2.840.10008.5.1.4.1.1.2", "1.2.3")


def test_the_live_line() -> None:
    assert message(MISSING).line() == (
        "[1 MODALITY@127.0.0.1:40112] #3 C_STORE_RQ STANDARD_CT 1.2.3: "
        "1 error, 0 warnings, 0 infos -> 0x0000"
    )
    done = Association(1, PEER, 2, {"error": 1, "warning": 0, "info": 0}, "aborted", ("1.2.3.4",))
    assert done.line() == (
        "[1 MODALITY@127.0.0.1:40112] association aborted: 2 messages; "
        "1 error, 0 warnings, 0 infos; rejected contexts: 1.2.3.4"
    )


def test_a_message_entry_extends_a_validate_file_entry() -> None:
    data = message(MISSING).to_dict()
    assert list(data)[:6] == ["file", "service", "command", "ok", "counts", "findings"]
    assert data["status"] == "0x0000" and data["peer"] == "MODALITY@127.0.0.1:40112"
    assert data["findings"][0]["tag"] == "(0010,0010)"


def test_the_journal_keeps_records_in_order_and_cleans_up(tmp_path: object) -> None:
    journal = Journal(str(tmp_path))
    journal.add("message", message(MISSING).to_dict())
    journal.add("message", message().to_dict())
    first = [r["ok"] for r in journal.records()]
    journal.add("message", message(NOTE).to_dict())
    assert first == [False, True]
    assert [r["ok"] for r in journal.records()] == [False, True, True]
    journal.close()
    assert list(journal.records()) == []


def records() -> list[dict[str, object]]:
    done = Association(1, PEER, 2, {"error": 1, "warning": 0, "info": 1}, "released")
    return [
        {"kind": "message", **message(MISSING).to_dict()},
        {"kind": "message", **message(NOTE).to_dict()},
        {"kind": "association", **done.to_dict()},
    ]


def test_text_json_and_junit_reports() -> None:
    text = render(iter(records()), "text", "errors").splitlines()
    assert (
        text[1]
        == "    error REQUIRED_ATTRIBUTE_MISSING (0010,0010) Patient's Name required attribute missing (type 2)"
    )
    assert not any("UN_VR" in line for line in text)  # below the level
    assert text[-1] == "1 associations, 2 messages: 1 with errors; 1 error, 0 warnings, 1 info"
    data = json.loads(render(iter(records()), "json"))
    assert data["summary"]["messages_with_errors"] == 1
    assert "kind" not in data["messages"][0]
    suite = ET.fromstring(render(iter(records()), "junit"))
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    out = suite.findall("testcase")[1].find("system-out")
    assert out is not None and out.text == "info UN_VR (0009,1001) VR UN \\x01 <&>"
