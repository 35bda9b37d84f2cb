"""mdict's modules profile (``modules.pfl``): which modules a message is made
of, in IOD order, and the top-level attributes each module contributes
(docs/formats.md). Merge profiles do not record modules; mdict generates this
profile for the standard messages from dicom3tools (tools/build_profiles.py)::

    # comment lines at the top are the profile's header
    [ CT_IMAGE, C_STORE_RQ ]
    Patient (M): 0010,0010 0010,0020
    Clinical Trial Subject (U, NEED_MODULE_CLINICAL_TRIAL_SUBJECT): 0012,0010

Each module line gives the module's name, its usage (M mandatory, C
conditional, U user option), the name of the usage condition if any, and the
tags the module contributes to the message (a tag belongs to the first module
that lists it). Every class is a frozen dataclass; ``write_modules`` is the
canonical writer and ``parse_modules(write_modules(p)) == p``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, cast

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)

from mdict.errors import Diagnostic, ProfileError
from mdict.fileio import read_text, write_text_atomic

__all__ = [
    "MessageModules",
    "ModuleUse",
    "ModulesProfile",
    "Usage",
    "format_tag",
    "parse_modules",
    "read_modules",
    "save_modules",
    "write_modules",
]

Usage = Literal["M", "C", "U"]
USAGES: tuple[Usage, ...] = ("M", "C", "U")
MODULE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9'/&.+-]*( [A-Za-z0-9'/&.+-]+)*")
CONDITION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def format_tag(tag: int) -> str:
    """``0x00100010`` -> ``0010,0010``."""
    return f"{tag >> 16:04X},{tag & 0xFFFF:04X}"


@dataclass(frozen=True, slots=True)
class Location:
    file: str
    line: int


@dataclass(frozen=True, slots=True)
class ModuleUse:
    """One module of a message: name ("Clinical Trial Subject"), usage, the
    usage condition's name (None for none) and the top-level tags
    (``group << 16 | element``) it contributes (written in tag order by
    the generator, kept in file order)."""

    name: str
    usage: Usage
    condition: str | None
    tags: tuple[int, ...]

    def __str__(self) -> str:
        usage = self.usage if self.condition is None else f"{self.usage}, {self.condition}"
        tags = "".join(f" {format_tag(t)}" for t in self.tags)
        return f"{self.name} ({usage}):{tags}"


@dataclass(frozen=True, slots=True)
class MessageModules:
    """The modules of one message, in IOD order; the service by name."""

    service: str
    command: str
    modules: tuple[ModuleUse, ...]
    loc: Location | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        lines = [f"[ {self.service}, {self.command} ]", *(str(m) for m in self.modules)]
        return "\n".join(lines)

    def module_of(self) -> dict[int, ModuleUse]:
        """Tag -> the module it belongs to."""
        out: dict[int, ModuleUse] = {}
        for module in self.modules:
            for tag in module.tags:
                out.setdefault(tag, module)
        return out


@dataclass(frozen=True, slots=True)
class ModulesProfile:
    """Every message's modules, in profile order, and the header comment
    (the lines without ``#``)."""

    messages: tuple[MessageModules, ...]
    header: tuple[str, ...] = ()

    def get(self, service: str, command: str) -> MessageModules | None:
        for message in self.messages:
            if message.service == service and message.command == command:
                return message
        return None

    def __len__(self) -> int:
        return len(self.messages)


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


class _BadValue(Exception):
    """A well-formed line that means something impossible (a duplicate)."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message


_TAG_TEXT = re.compile(r"([0-9A-Fa-f]{4}),([0-9A-Fa-f]{4})")


def _run_tags(run: Token | None) -> tuple[int, ...]:
    """The tags of a TAGS token (a module's whole tag list)."""
    if run is None:
        return ()
    return tuple(int(g, 16) << 16 | int(e, 16) for g, e in _TAG_TEXT.findall(run))


def _tag_token(run: Token, index: int) -> Token:
    """Tag ``index`` of a TAGS token, with its own line and column."""
    match = list(_TAG_TEXT.finditer(run))[index]
    column = (run.column or 1) + match.start()
    return Token("TAG", match.group(), (run.start_pos or 0) + match.start(), run.line, column)


@v_args(inline=True)
class _ToModel(Transformer[Token, object]):
    def __init__(self, filename: str) -> None:
        super().__init__()
        self.filename = filename

    def start(self, *sections: MessageModules) -> tuple[MessageModules, ...]:
        seen: dict[tuple[str, str], MessageModules] = {}
        for section in sections:
            first = seen.setdefault((section.service, section.command), section)
            if first is not section:
                assert section.loc is not None and first.loc is not None
                raise _BadValue(
                    section.loc.line,
                    1,
                    f"expected each message once, found [ {section.service},"
                    f" {section.command} ] again (first on line {first.loc.line})",
                )
        return sections

    def section(
        self, service: Token, command: Token, *modules: tuple[ModuleUse, Token | None]
    ) -> MessageModules:
        owner: dict[int, str] = {}
        for module, run in modules:
            for index, tag in enumerate(module.tags):
                if tag in owner:
                    assert run is not None
                    token = _tag_token(run, index)
                    raise _BadValue(
                        token.line or 1,
                        token.column or 1,
                        f"expected each tag once per message, found {token} again"
                        f" (already in module {owner[tag]})",
                    )
                owner[tag] = module.name
        return MessageModules(
            str(service),
            str(command),
            tuple(m for m, _ in modules),
            Location(self.filename, service.line or 1),
        )

    def module(self, name: Token, usage: Token, *rest: Token) -> tuple[ModuleUse, Token | None]:
        condition = None
        parts = list(rest)
        if parts and parts[0].type == "NAME":
            condition = str(parts.pop(0))
        run = parts[0] if parts else None
        return ModuleUse(str(name), cast(Usage, str(usage)), condition, _run_tags(run)), run


@lru_cache(maxsize=1)
def _parser() -> Lark:
    """The LALR parser of modules.lark (from mdict's parser cache when there)."""
    from mdict.parse._cache import build_parser

    return build_parser("modules.lark", None)


_TERMS = {
    "WORDS": "a module name",
    "USAGE": "a usage (M, C or U)",
    "NAME": "a name",
    "TAGS": "a tag GGGG,EEEE",
    "_NL": "end of line",
    "$END": "end of file",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COMMA": "','",
    "COLON": "':'",
}


def _describe(names: set[str] | frozenset[str]) -> str:
    words = sorted({_TERMS.get(n, repr(n.lower())) for n in names})
    return " or ".join(words) if words else "something else"


def _found(text: str, pos: int) -> str:
    if pos >= len(text):
        return "end of file"
    if text[pos] in "\r\n":
        return "end of line"
    match = re.match(r"[A-Za-z0-9_,]+|\S", text[pos:])
    return repr(match.group(0) if match else text[pos])


def _error(text: str, filename: str, line: int, column: int, message: str) -> ProfileError:
    lines = text.split("\n")
    source = lines[line - 1] if 0 < line <= len(lines) else None
    return ProfileError([Diagnostic(filename, line, column, message, source_line=source)])


def _end(text: str) -> tuple[int, int]:
    lines = text.rstrip("\n").split("\n")
    return len(lines), len(lines[-1]) + 1


def parse_modules(text: str, filename: str = "<string>") -> ModulesProfile:
    """A modules profile from its text; ProfileError names file:line:column."""
    lines = text.split("\n")
    header: list[str] = []
    for text_line in lines:
        if not text_line.startswith("#"):
            break
        header.append(text_line[1:].removeprefix(" ").rstrip("\r"))
    body = text if text.endswith("\n") or not text else text + "\n"
    try:
        tree = _parser().parse(body)
        messages = cast(tuple[MessageModules, ...], _ToModel(filename).transform(tree))
    except VisitError as exc:
        inner = exc.orig_exc
        if not isinstance(inner, _BadValue):
            raise
        raise _error(text, filename, inner.line, inner.column, inner.message) from None
    except UnexpectedCharacters as exc:
        found = _found(body, exc.pos_in_stream or 0)
        message = f"expected {_describe(exc.allowed)}, found {found}"
        raise _error(text, filename, exc.line, exc.column, message) from None
    except UnexpectedToken as exc:
        token = exc.token
        expected = _describe(exc.accepts or exc.expected)
        if token.type == "$END":
            line, column = _end(text)
            message = f"expected {expected}, found end of file"
            raise _error(text, filename, line, column, message) from None
        pos = token.start_pos or 0
        message = f"expected {expected}, found {_found(body, pos)}"
        raise _error(text, filename, token.line or 1, token.column or 1, message) from None
    except UnexpectedEOF as exc:
        line, column = _end(text)
        message = f"expected {_describe(set(exc.expected))}, found end of file"
        raise _error(text, filename, line, column, message) from None
    except UnexpectedInput as exc:  # pragma: no cover - Lark has no other kinds
        raise _error(text, filename, exc.line, exc.column, str(exc)) from None
    return ModulesProfile(messages, tuple(header))


def read_modules(path: str | os.PathLike[str]) -> ModulesProfile:
    """Read a modules profile file (UTF-8 with latin-1 fallback)."""
    return parse_modules(read_text(path), os.fspath(path))


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def write_modules(profile: ModulesProfile) -> str:
    """The canonical text: the header comment, then each message's section
    after a blank line."""
    out = [f"# {line}" if line else "#" for line in profile.header]
    for message in profile.messages:
        if out:
            out.append("")
        out.append(str(message))
    return "\n".join(out) + "\n" if out else ""


def save_modules(profile: ModulesProfile, path: str | os.PathLike[str]) -> None:
    """Write a modules profile atomically."""
    write_text_atomic(path, write_modules(profile))
