"""Shared parsing machinery: one cached LALR parser per grammar, the
line-batch driver and the translation of Lark errors into Diagnostics.

Every profile format is a sequence of lines, and real profiles repeat the
same lines many times. The driver therefore reads each distinct meaningful
line once: first with the format's fast reader (``_fast.py``: one regular
expression built from the grammar's terminals) when it has one, then the
lines it left over with Lark, all of them in one run (fast path); when that
run fails it parses them one by one to report every bad line (recovery), up
to a limit.

Lark is imported only when a parser is needed: valid dictionaries and info
profiles of the common shapes are read without it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from mdict.errors import Diagnostic, InputFileError, ProfileError, WrongKindError
from mdict.fileio import decode_text, read_bytes

if TYPE_CHECKING:
    from lark import Lark, Token, Transformer
    from lark.exceptions import UnexpectedInput

MAX_ERRORS = 20
"""Errors reported per file before giving up."""

MAX_LINE_LENGTH = 65536
"""Longer lines are refused without parsing (no known profile line comes close)."""

_parsers: dict[tuple[str, type], Lark] = {}


def get_parser(grammar: str, transformer: Transformer[Any, Any]) -> Lark:
    """The LALR parser of ``grammar`` (e.g. ``"info.lark"``), built once per process
    (and kept between processes in the user's cache folder, see ``_cache.py``)
    with ``transformer`` applied inline: no parse tree is built, so there are no
    tree positions to propagate (tokens carry line and column; propagating
    positions would only double the parse time)."""
    key = (grammar, type(transformer))
    parser = _parsers.get(key)
    if parser is None:
        from mdict.parse._cache import build_parser

        parser = _parsers[key] = build_parser(grammar, transformer)
    return parser


class BadValue(Exception):
    """Raised by a transformer callback: the token is well formed for the
    grammar but its value is not acceptable (e.g. an unknown command).
    ``found`` defaults to the text at the token."""

    def __init__(self, token: Token, expected: str, found: str | None = None) -> None:
        super().__init__(expected)
        self.token = token
        self.expected = expected
        self.found = found

    def message(self, line: str) -> str:
        """``expected ..., found ...`` for the token in ``line`` (its text)."""
        found = self.found
        if found is None:
            found = describe_found(line, self.token.column or 1)
        return f"expected {self.expected}, found {found}"


# ---------------------------------------------------------------------------
# Lines
# ---------------------------------------------------------------------------


def numbered_lines(text: str) -> list[tuple[int, str]]:
    """The meaningful lines of ``text`` with their 1-based numbers: line ends
    (LF or CRLF) removed, blank and ``#`` comment lines dropped."""
    raw = text.split("\n")
    if "\r" in text:
        raw = [line[:-1] if line.endswith("\r") else line for line in raw]
    return [
        (number, line)
        for number, line in enumerate(raw, 1)
        if (stripped := line.lstrip(" \t")) and stripped[0] != "#"
    ]


def source_lines(text: str) -> list[str]:
    """All lines of ``text`` (for showing the offending line of a diagnostic)."""
    return [line.rstrip("\r") for line in text.split("\n")]


# ---------------------------------------------------------------------------
# Error wording
# ---------------------------------------------------------------------------

# Terminal name (namespace prefix removed) -> what a person calls it.
TERMINALS: Mapping[str, str] = {
    "STD_TAG": "a tag (GGGG,EEEE)",
    "PRIV_GROUP": "a tag (GGGG,EEEE or GGGG,Creator,EB)",
    "CREATOR": "a private creator",
    "HEX2": "an element byte (2 hex digits)",
    "VR": "a VR (AE, CS, ..., UNKNOWN_VR)",
    "VM": "a VM (1, 1-3, 1-n, 2-2n, N)",
    "VM_FIELD": "a VM (1, 1-3, 1-n, 2-2n, N)",
    "VR_FIELD": "a VR (AE, CS, ..., UNKNOWN_VR)",
    "PLAIN_VT": "a value type (1, 1C, 2, 2C, 3, 1C(Condition), 2C(Condition))",
    "CONDITIONAL_VT": "a value type (1, 1C, 2, 2C, 3, 1C(Condition), 2C(Condition))",
    "FIELD4": "the fourth field and '@'",
    "LIST_OPEN": "'E<' or 'D<'",
    "VALUE": "a value",
    "SEPARATOR": "','",
    "GROUP_SEPARATOR": "' '",
    "NAME": "a name",
    "KEY": "a key",
    "NUMBER": "a number",
    "SECTION_NAME": "a DIMSE command or ITEM",
    "_NL": "end of line",
    "$END": "end of file",
    "_WS": "' '",
    "_SP": "' '",
    "_EQ": "'='",
    "_COMMENT": "'#'",
    "COMMA": "','",
    "AT": "'@'",
    "SEMICOLON": "';'",
    "LSQB": "'['",
    "RSQB": "']'",
    "LPAR": "'('",
    "RPAR": "')'",
    "MORETHAN": "'>'",
    "EQUAL": "'='",
    "COLON": "':'",
    "SLASH": "'/'",
    # conditions.lark
    "IDENT": "a name",
    "STRING": 'a "string"',
    "TAG": "a tag (GGGG,EEEE)",
    "GROUP": "a group 0xGGGG",
    "COMPARATOR": "a comparison (==, !=, <, <=, >, >=)",
    "PARENT": "'../'",
    "STAR": "'*'",
    # modules.lark
    "WORDS": "a module name",
    "USAGE": "a usage (M, C or U)",
    "TAGS": "a tag GGGG,EEEE",
}

EXPRESSION_START = frozenset({"PRESENT", "HAS_VALUE", "NOT"})
"""Terminals that open an expression of the conditions language: when all are
expected, the message says "an expression" instead of listing a dozen words."""

MAX_EXPECTED_WORDS = 6


def describe_expected(names: Iterable[str], end: str = "end of file") -> str:
    """``{'COMMA', '_NL'}`` -> ``"',' or end of line"``; ``end`` names the end
    of the text parsed (``$END``)."""
    names = set(names)
    if names >= EXPRESSION_START:
        return "an expression"
    words: list[str] = []
    for name in sorted(names):
        bare = name.rsplit("__", 1)[-1] if "__" in name else name
        if bare == "$END":
            word = end
        elif bare in TERMINALS:
            word = TERMINALS[bare]
        elif bare.isupper() and bare.replace("_", "").isalpha():
            word = repr(bare.lower())  # a keyword of the grammar: 'present'
        else:
            word = bare
        if word not in words and bare not in ("_WS", "_SP", "GROUP_SEPARATOR"):
            words.append(word)
    if len(words) > MAX_EXPECTED_WORDS:
        words = [*words[:MAX_EXPECTED_WORDS], "..."]
    if TERMINALS["PRIV_GROUP"] in words and TERMINALS["STD_TAG"] in words:
        words.remove(TERMINALS["STD_TAG"])  # the other already says GGGG,EEEE
    if not words:
        return "something else"
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


_STOPS = frozenset(" \t@;,<>()[]=")


def describe_found(line: str, column: int) -> str:
    """The text at 1-based ``column`` of ``line``: a short quoted word, or end of line."""
    index = column - 1
    if index >= len(line):
        return "end of line"
    end = index + 1
    while end < len(line) and end - index < 30 and line[end] not in _STOPS:
        if line[index] in _STOPS:
            break
        end += 1
    word = line[index:end]
    if end - index >= 30 and end < len(line):
        word += "..."
    return repr(word)


def lark_error(exc: UnexpectedInput, text: str, end: str | None = None) -> tuple[int, int, str]:
    """(line, column, message) within ``text`` of a Lark error: the one place
    Lark's errors become ``expected X, found Y``. ``end`` names the end of
    ``text`` when the parser ran out of it (None: the text is one line, and
    the end is "end of line")."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    lines = text.split("\n")
    at_end = False
    if isinstance(exc, UnexpectedCharacters):
        line, column = exc.line, exc.column
        allowed = exc.allowed or set()
        expected = describe_expected(allowed, end or "end of file")
        # A field token starts with its separator: point past it, at the field.
        here = lines[line - 1] if 0 < line <= len(lines) else ""
        if any(name.endswith("VR_FIELD") for name in allowed) and here[column - 1 : column] in ",@":
            column += 2 if here[column : column + 1] == " " else 1
    elif isinstance(exc, UnexpectedToken) and exc.token.type not in ("_NL", "$END"):
        token = exc.token
        line = token.line if token.line is not None else 1
        column = token.column if token.column is not None else 1
        expected = describe_expected(exc.accepts or exc.expected, end or "end of file")
    else:  # UnexpectedToken at a line end or the end, or UnexpectedEOF
        if isinstance(exc, UnexpectedToken):
            names = exc.accepts or exc.expected
        elif isinstance(exc, UnexpectedEOF):
            names = set(exc.expected)
        else:  # pragma: no cover - Lark has no other kinds
            names = set()
        token = getattr(exc, "token", None)
        if token is not None and token.type == "_NL" and token.line is not None:
            line = token.line
        else:
            at_end = True
            line = len(text.rstrip().split("\n"))
        column = len(lines[line - 1].rstrip("\r")) + 1 if line <= len(lines) else 1
        expected = describe_expected(names, end or "end of file")
    if at_end and end is not None:
        found = end
    else:
        found = describe_found(lines[line - 1] if 0 < line <= len(lines) else "", column)
    return line, column, f"expected {expected}, found {found}"


# ---------------------------------------------------------------------------
# The driver
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LineError:
    """A problem with one line's text: where in the line, and what."""

    column: int
    message: str


def _parse_one(parser: Lark, line: str) -> Any:
    """Parse one line; returns its result or a LineError."""
    from lark.exceptions import UnexpectedInput

    if len(line) > MAX_LINE_LENGTH:
        return LineError(1, f"line is too long ({len(line)} characters, at most {MAX_LINE_LENGTH})")
    try:
        results: Any = parser.parse(line + "\n")
    except BadValue as exc:
        return LineError(exc.token.column or 1, exc.message(line))
    except UnexpectedInput as exc:
        _, column, message = lark_error(exc, line)
        return LineError(column, message)
    if len(results) != 1:  # pragma: no cover - a meaningful line gives one result
        return LineError(1, "expected one profile line")
    return results[0]


FastReader = Callable[[str], Any]
"""A format's fast reader: a line's text -> its result, or None (ask the grammar)."""


def parse_lines(
    parser: Callable[[], Lark], lines: list[tuple[int, str]], fast: FastReader | None = None
) -> dict[str, Any]:
    """Read each distinct line text once. Returns text -> result, where a
    result is the transformer's value for the line or a LineError. ``fast``
    reads what it can; ``parser()`` (built only when needed) the rest."""
    distinct = dict.fromkeys(text for _, text in lines)
    if fast is None:
        pending = list(distinct)
        done: dict[str, Any] = {}
    else:
        done = {text: fast(text) for text in distinct if len(text) <= MAX_LINE_LENGTH}
        pending = [text for text in distinct if done.get(text) is None]
    if pending:
        done.update(_grammar_lines(parser(), pending))
    return done


BATCH_LINES = 5000
"""Distinct lines given to Lark in one run (bounds the text joined per run)."""

SKIPPED = LineError(1, "not read: too many errors before it")
"""The result of the lines left unread once a file has more errors than are shown."""


def _grammar_lines(parser: Lark, distinct: list[str]) -> dict[str, Any]:
    """Parse distinct lines with Lark, in runs of many lines; a run that
    stops at a bad line is resumed after it. After MAX_ERRORS + 1 bad lines
    the rest is SKIPPED (the file is reported as it stands): a flood of bad
    lines costs no more than its first errors."""
    done: dict[str, Any] = {}
    errors = 0
    index = 0
    while index < len(distinct) and errors <= MAX_ERRORS:
        window = distinct[index : index + BATCH_LINES]
        results = _read_window(parser, window)
        for text, result in zip(window, results, strict=False):
            done[text] = result
            errors += type(result) is LineError
        index += len(results)
    done.update(dict.fromkeys(distinct[index:], SKIPPED))
    return done


def _read_window(parser: Lark, window: list[str]) -> list[Any]:
    """Results for a non-empty prefix of ``window``: the lines before the
    first bad one (one Lark run) and that bad line (alone)."""
    from lark.exceptions import UnexpectedInput

    end = next((k for k, text in enumerate(window) if len(text) > MAX_LINE_LENGTH), len(window))
    if end == 0:
        return [_parse_one(parser, window[0])]
    window = window[:end]
    try:
        results: Any = parser.parse("\n".join(window) + "\n")
    except (UnexpectedInput, BadValue) as exc:
        line = exc.token.line if isinstance(exc, BadValue) else exc.line
        if line is None or not 1 <= line <= len(window):
            return [_parse_one(parser, text) for text in window]
        good = _whole_run(parser, window[: line - 1])
        if good is None:
            return [_parse_one(parser, text) for text in window[:line]]
        return [*good, _parse_one(parser, window[line - 1])]
    if len(results) != len(window):  # pragma: no cover - a meaningful line gives one result
        return [_parse_one(parser, text) for text in window]
    return list(results)


def _whole_run(parser: Lark, lines: list[str]) -> list[Any] | None:
    """The results of ``lines`` in one Lark run, or None when it fails."""
    from lark.exceptions import UnexpectedInput

    if not lines:
        return []
    try:
        results: Any = parser.parse("\n".join(lines) + "\n")
    except (UnexpectedInput, BadValue):
        return None
    return list(results) if len(results) == len(lines) else None


class Collector:
    """Diagnostics of one file, capped at MAX_ERRORS errors."""

    def __init__(self, filename: str, text: str) -> None:
        self.filename = filename
        self.text = text
        self.diagnostics: list[Diagnostic] = []
        self.errors = 0
        self._lines: list[str] | None = None

    def line_text(self, line: int) -> str | None:
        if self._lines is None:
            self._lines = source_lines(self.text)
        return self._lines[line - 1] if 0 < line <= len(self._lines) else None

    def error(self, line: int, column: int, message: str) -> None:
        self.errors += 1
        self.diagnostics.append(
            Diagnostic(self.filename, line, column, message, "error", self.line_text(line))
        )

    def warning(self, line: int, column: int, message: str) -> None:
        self.diagnostics.append(
            Diagnostic(self.filename, line, column, message, "warning", self.line_text(line))
        )

    @property
    def full(self) -> bool:
        return self.errors >= MAX_ERRORS

    def raise_if_errors(self) -> None:
        """Raise ProfileError with the diagnostics sorted by place, when any is an error."""
        if not self.errors:
            return
        ordered = sorted(self.diagnostics, key=lambda d: (d.line, d.column))
        errors = [d for d in ordered if d.severity == "error"]
        if len(errors) > MAX_ERRORS:
            last = errors[MAX_ERRORS - 1]
            ordered = [d for d in ordered if (d.line, d.column) <= (last.line, last.column)]
            ordered.append(
                Diagnostic(
                    self.filename,
                    last.line,
                    last.column,
                    f"too many errors, stopped after {MAX_ERRORS}",
                )
            )
        raise ProfileError(ordered)


def results_or_errors(
    parser: Callable[[], Lark],
    lines: list[tuple[int, str]],
    collector: Collector,
    fast: FastReader | None = None,
) -> list[tuple[int, Any]]:
    """Parse ``lines``; report each bad line to ``collector``; return
    (line number, result) of the good ones, in order."""
    parsed = parse_lines(parser, lines, fast)
    good: list[tuple[int, Any]] = []
    for number, text in lines:
        result = parsed[text]
        if type(result) is LineError:
            report_line_error(collector, number, result)
        else:
            good.append((number, result))
    if collector.errors > MAX_ERRORS:
        collector.raise_if_errors()  # lines were left unread: no meaning to check
    return good


def report_line_error(collector: Collector, number: int, error: LineError) -> None:
    """Report a bad line (until the collector has more than it will show)."""
    if error is not SKIPPED and collector.errors < MAX_ERRORS + 1:
        collector.error(number, error.column, error.message)


def require_content(lines: list[tuple[int, str]], collector: Collector, what: str) -> None:
    """An empty file (or one holding only blank and comment lines) is an error."""
    if not lines:
        collector.error(1, 1, f"expected {what}, found an empty file")
        collector.raise_if_errors()


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------

_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
_CONTROL = frozenset(chr(c) for c in range(32)) - frozenset("\t\n\r\f\v\x1a")


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a byte order mark: text whose every other byte is NUL."""
    head = data[:4096]
    if len(head) < 4 or b"\x00" not in head:
        return False
    even, odd = head[0::2], head[1::2]
    return even.count(0) == len(even) or odd.count(0) == len(odd)


def read_profile_text(path: str | os.PathLike[str]) -> str:
    """Read a profile file as text, refusing what cannot be a text profile
    (missing, a directory, UTF-16/32, binary data) with one clear error."""
    name = os.fspath(path)
    data = read_bytes(name)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            raise InputFileError(name, f"{encoding} text, expected UTF-8 or latin-1")
    if _looks_utf16(data):
        raise InputFileError(name, "UTF-16 text, expected UTF-8 or latin-1")
    text = decode_text(data, name)
    head = text[:4096]
    if any(c in _CONTROL for c in head):
        offset = next(i for i, c in enumerate(head) if c in _CONTROL)
        raise InputFileError(
            name,
            f"binary data (control character {ord(head[offset]):#04x} at offset {offset}),"
            " expected a text profile",
        )
    if not text.strip():
        raise InputFileError(name, "empty file, expected a profile")
    return text


T = TypeVar("T")
_DICTIONARY_LINE = re.compile(r"[^#,\s][^,]*,[0-9A-Fa-f]{4},")


def read_as(path: str | os.PathLike[str], kind: str, parse: Callable[[str, str], T]) -> T:
    """Read and parse ``path`` as ``kind``; a file that does not parse and
    plainly is another kind of profile is one error saying so (instead of
    the grammar's errors on every line)."""
    from mdict.formats import BY_KIND, detect_kind

    text = read_profile_text(path)
    name = os.fspath(path)
    try:
        return parse(text, name)
    except ProfileError:
        found = detect_kind(text)
        lines = [(n, s) for n, s in enumerate(source_lines(text), 1) if s.strip()]
        first = next(((n, s) for n, s in lines if not s.lstrip().startswith("#")), None)
        sure = found != "dictionary" or (
            first is not None and _DICTIONARY_LINE.match(first[1].strip()) is not None
        )
        if found == kind or not sure or first is None:
            raise
        message = f"expected {BY_KIND[kind].title}, found {BY_KIND[found].title}"
        raise WrongKindError(
            [Diagnostic(name, first[0], 1, message, source_line=first[1])]
        ) from None
