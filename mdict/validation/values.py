"""Checks of one element's values: count against the VM, format per VR,
enumerated values and defined terms per value position."""

from __future__ import annotations

from collections.abc import Sequence

from mdict.model import VM, ValueList
from mdict.validation.elements import Value
from mdict.validation.findings import (
    NOT_ONE_OF_DEFINED_TERMS,
    NOT_ONE_OF_ENUMERATED_VALUES,
    PRIVATE,
    TOO_FEW_VALUES,
    TOO_MANY_VALUES,
    VALUE_REQUIRED_AT_POSITION,
    Finding,
    Severity,
)
from mdict.validation.plan import Positions, Where
from mdict.validation.vr import VRProblem, check_binary_length, check_number, check_text


def check_values(
    findings: list[Finding],
    value: Value,
    vm: VM | None,
    where: Where,
    vm_severity: Severity = "error",
    *,
    extended: bool = False,
    query: bool = False,
) -> None:
    """The number of values against ``vm`` and each value's format."""
    count = value.count
    add = findings.append
    list_matching = query and value.vr == "UI"  # a list of UIDs (PS3.4 C.2.2.2.2)
    if vm is not None and value.vr != "UN" and not vm.allows(count) and not list_matching:
        code = TOO_MANY_VALUES if vm.maximum is not None and count > vm.maximum else TOO_FEW_VALUES
        plural = "s" if count != 1 else ""
        message = f"{count} value{plural}, the dictionary says VM {vm}"
        category = PRIVATE if where.creator is not None and vm_severity == "warning" else None
        add(where.finding(code, vm_severity, message, None, category))
    vr = value.vr
    if value.texts is not None:
        for index, text in enumerate(value.texts, 1):
            problem = check_text(vr, text, extended=extended, query=query)
            if problem:
                add(where.finding(problem.code, severity_of(problem), problem.message, index))
    elif value.numbers is not None:
        for index, number in enumerate(value.numbers, 1):
            problem = check_number(vr, number)
            if problem:
                add(where.finding(problem.code, severity_of(problem), problem.message, index))
    elif value.nbytes is not None:
        problem = check_binary_length(vr, value.nbytes)
        if problem:
            add(where.finding(problem.code, severity_of(problem), problem.message))


def check_enumeration(
    findings: list[Finding],
    value: Value,
    values: ValueList | None,
    where: Where,
    positions: Positions | None = None,
) -> None:
    """Each value against the list of its position: enumerated values (an
    error outside them) or defined terms (a warning); ``positions`` says so
    per position where the standard mixes both."""
    if value.texts is not None:
        actual = [t.strip(" ") for t in value.texts]
    elif value.numbers is not None:
        actual = [number_text(n) for n in value.numbers]
    else:
        return
    numeric = value.texts is None or value.vr in ("IS", "DS")
    for index, item in enumerate(actual):
        kind, allowed = _allowed(values, positions, index)
        if allowed is None or not item:
            continue
        if item in allowed or (numeric and number_in(item, allowed)):
            continue
        shown = ", ".join(allowed[:12]) + (", ..." if len(allowed) > 12 else "")
        enumerated = kind == "E"
        what = "enumerated values" if enumerated else "defined terms"
        findings.append(
            where.finding(
                NOT_ONE_OF_ENUMERATED_VALUES if enumerated else NOT_ONE_OF_DEFINED_TERMS,
                "error" if enumerated else "warning",
                f"value {index + 1} {item!r} is not one of the {what}: {shown}",
                index + 1,
            )
        )


def _allowed(
    values: ValueList | None, positions: Positions | None, index: int
) -> tuple[str, Sequence[str] | None]:
    if positions:
        found = positions.get(index)
        if found is not None:
            return found
    if values is None:
        return "D", None
    return ("E" if values.enumerated else "D"), values.allowed(index)


def check_required(
    findings: list[Finding], value: Value, required: Sequence[int], where: Where
) -> None:
    """Each of the ``required`` positions (1-based) holds a non-empty value."""
    texts = value.texts
    count = value.count
    for index in required:
        if index <= count and (texts is None or texts[index - 1].strip()):
            continue
        what = "is empty" if index <= count else f"is missing ({count} value{'s' * (count != 1)})"
        message = f"value {index} is required here and {what}"
        findings.append(where.finding(VALUE_REQUIRED_AT_POSITION, "error", message, index))


def severity_of(problem: VRProblem) -> Severity:
    return "warning" if problem.severity == "warning" else "error"


def number_text(number: int | float) -> str:
    return str(int(number)) if float(number).is_integer() else repr(number)


def number_in(text: str, allowed: Sequence[str]) -> bool:
    try:
        target = float(text)
    except ValueError:
        return False
    for candidate in allowed:
        try:
            if float(candidate) == target:
                return True
        except ValueError:
            continue
    return False
