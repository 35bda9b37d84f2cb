"""tools/audit_conditions.py: conditions that test the attribute they govern,
or can never hold or never fail for their message, are flagged."""

from __future__ import annotations

from pathlib import Path

from validate_support import info_line

from mdict.conditions import Expression, parse_expression
from mdict.model import InfoSection
from tools.audit_conditions import audit, audit_section, main

ROOT = Path(__file__).resolve().parent.parent

DEFINITIONS = {
    "BY_VALUE_OLD": "present((0040,A040) ValueType) and not present((0040,DB73) ReferencedContentItemIdentifier)",
    "BY_VALUE": "not present((0040,DB73) ReferencedContentItemIdentifier)",
    "IS_CT": 'value((0008,0016) SOPClassUID) == "1.2.840.10008.5.1.4.1.1.2"',
    "NOT_CT": 'not value((0008,0016) SOPClassUID) == "1.2.840.10008.5.1.4.1.1.2"',
    "NEED_MODULE_CONTRAST_BOLUS": "present((0018,0010) ContrastBolusAgent)",
}


def resolve(name: str) -> Expression | None:
    text = DEFINITIONS.get(name)
    return parse_expression(text) if text is not None else None


def section(*lines: str) -> InfoSection:
    return InfoSection(1, "C_STORE_RQ", tuple(info_line(line) for line in lines))


def kinds(*lines: str, sop: str | None = "1.2.840.10008.5.1.4.1.1.2") -> list[tuple[str, str]]:
    return [(f.kind, f.tag) for f in audit_section(section(*lines), "message 1", sop, resolve)]


def test_a_condition_decided_by_its_own_attribute_is_a_self_test() -> None:
    flags = kinds("0040,A040@CS@1C(BY_VALUE_OLD)@@;")
    assert ("SELF_TEST", "(0040,A040)") in flags
    assert ("NEVER_HOLDS", "(0040,A040)") in flags


def test_the_corrected_condition_is_not_flagged() -> None:
    assert kinds("0040,A040@CS@1C(BY_VALUE)@@;") == []


def test_sop_class_tests_fold_for_the_message() -> None:
    assert kinds("0018,0050@DS@2C(IS_CT)@@;") == [("NEVER_FAILS", "(0018,0050)")]
    assert kinds("0018,0050@DS@2C(NOT_CT)@@;") == [("NEVER_HOLDS", "(0018,0050)")]
    assert kinds("0018,0050@DS@2C(IS_CT)@@;", sop=None) == []


def test_a_module_detector_testing_its_key_attribute_is_by_design() -> None:
    flags = kinds("0018,0010@LO@1C(NEED_MODULE_CONTRAST_BOLUS)@@;")
    assert flags == [("NEVER_HOLDS", "(0018,0010)")]


def test_the_standard_profiles_have_no_self_test() -> None:
    flags = audit(ROOT / "profiles")
    assert [str(f) for f in flags if f.kind == "SELF_TEST"] == []
    assert any(f.kind == "NEVER_HOLDS" for f in flags)
    assert main(["--profiles", str(ROOT / "profiles"), "--strict"]) == 0
