"""JUnit XML, which CI systems show as test results: one test case per file
(``mdict validate --format junit``) or per message (``mdict scp --format
junit``), failed when it has an error."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final
from xml.sax.saxutils import escape, quoteattr


@dataclass(frozen=True, slots=True)
class Case:
    """One test case: ``errors`` become its failure (``summary`` the failure's
    message), the other findings its ``system-out``."""

    classname: str
    name: str
    failed: bool
    summary: str
    errors: tuple[str, ...] = ()
    others: tuple[str, ...] = ()


_XML_INVALID: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text XML 1.0 can hold: bytes of a file name that are not UTF-8 (lone
    surrogates) and control characters written as ``\\xNN``."""
    try:
        data = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that is no escaped byte
        data = text.encode("utf-8", "backslashreplace")
    text = data.decode("utf-8", "backslashreplace")
    return _XML_INVALID.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def junit(suite: str, cases: Iterable[Case]) -> str:
    """The document of one test suite."""
    cases = list(cases)
    failures = sum(case.failed for case in cases)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuite name="{suite}" tests="{len(cases)}" failures="{failures}">',
    ]
    for case in cases:
        name = quoteattr(xml_text(case.name))
        lines.append(f'  <testcase classname="{case.classname}" name={name}>')
        if case.errors:
            body = escape(xml_text("\n".join(case.errors)))
            lines.append(f"    <failure message={quoteattr(case.summary)}>{body}</failure>")
        if case.others:
            lines.append(
                f"    <system-out>{escape(xml_text(chr(10).join(case.others)))}</system-out>"
            )
        lines.append("  </testcase>")
    lines.append("</testsuite>")
    return "\n".join(lines) + "\n"
