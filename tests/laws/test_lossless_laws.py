"""Lossless writing, as a law per profile kind: for any text already in
canonical layout with comment lines and group-separating blank lines
anywhere, ``format(parse(text)) == text``; and every comment line of the
model comes out of the writer, in its place.

Canonical-layout texts with comments are drawn as the writer's output for a
model whose entries carry random trivia (``Location.trivia``, the profiles'
headers and trailers, the service and configuration key comments)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import combine_configs, dictionaries, info_profiles, service_profiles

from mdict import formats
from mdict.model import Location, comment_text
from mdict.model.conditions import ConditionDef, ConditionsProfile, Present, Ref, Truth, element
from mdict.model.modules import MessageModules, ModulesProfile, ModuleUse
from mdict.write import service_keys

_words = st.text("abcdefghijklmnopqrstuvwxyz ACME-0123.,:()'é*", min_size=0, max_size=20)
_comment = st.builds(
    lambda indent, hashes, words: indent + hashes + words,
    st.sampled_from(["", "", "", "    ", "\t"]),
    st.sampled_from(["#", "# ", "##", "#####"]),
    _words,
)
_flush_comment = st.builds(lambda words: "# " + words, _words)  # for mdict's own formats


@st.composite
def trivia(draw: st.DrawFn, comment: Any = _comment, blank_first: bool = True) -> tuple[str, ...]:
    """Comment lines and single blank lines, as a reader keeps them."""
    lines: list[str] = []
    if blank_first and draw(st.booleans()):
        lines.append("")
    for _ in range(draw(st.integers(0, 3))):
        lines.append(draw(comment))
        if draw(st.integers(0, 3)) == 0:
            lines.append("")
    return tuple(lines)


@st.composite
def header(draw: st.DrawFn, comment: Any = _comment) -> tuple[str, ...]:
    """A comment block for the top of a file (no blank line at either end)."""
    lines = list(draw(trivia(comment, blank_first=False)))
    while lines and lines[-1] == "":
        lines.pop()
    return tuple(lines)


@st.composite
def trailer(draw: st.DrawFn, comment: Any = _comment) -> tuple[str, ...]:
    """Comment lines after the last entry."""
    lines = list(draw(trivia(comment)))
    while lines and lines[-1] == "":
        lines.pop()
    return tuple(lines) if any(lines) else ()


def _at(draw: st.DrawFn, loc: Location | None, comment: Any = _comment) -> Location:
    base = loc or Location("generated", 1)
    return replace(base, trivia=draw(trivia(comment)))


def _law(kind: str, model: Any) -> None:
    f = formats.get(kind)
    text = f.format(model)
    assert f.format(f.parse(text, "again")) == text
    for lines in _all_trivia(model):
        for line in lines:
            if line:
                assert line in text.split("\n"), line


def _all_trivia(model: Any) -> list[tuple[str, ...]]:
    """Every comment line the model carries (wherever it is kept)."""
    found: list[tuple[str, ...]] = []
    names = ("leading", "trailer") if hasattr(model, "leading") else ("header", "trailer")
    for name in names:
        value = getattr(model, name, ())
        if value and isinstance(value[0], str):
            found.append(value)
    stack = [model]
    while stack:
        node = stack.pop()
        loc = getattr(node, "loc", None)
        if isinstance(loc, Location):
            found.append(loc.trivia)
        for attr in ("entries", "services", "items", "sections", "lines", "definitions"):
            stack.extend(getattr(node, attr, ()))
        for attr in ("messages", "modules"):
            value = getattr(node, attr, ())
            if isinstance(value, tuple):
                stack.extend(value)
    return found


@given(st.data())
def test_dictionary(data: st.DataObject) -> None:
    model = data.draw(dictionaries())
    entries = tuple(replace(e, loc=_at(data.draw, e.loc)) for e in model.entries)
    model = replace(
        model, entries=entries, header=data.draw(header()), trailer=data.draw(trailer())
    )
    _law("dictionary", model)


@settings(max_examples=60)
@given(st.data())
def test_info(data: st.DataObject) -> None:
    model = data.draw(info_profiles())
    sections = tuple(
        replace(
            s,
            loc=_at(data.draw, s.loc),
            lines=tuple(replace(ln, loc=_at(data.draw, ln.loc)) for ln in s.lines),
        )
        for s in model.sections
    )
    model = replace(
        model, sections=sections, header=data.draw(header()), trailer=data.draw(trailer())
    )
    _law("info", model)


@settings(max_examples=60)
@given(st.data())
def test_services(data: st.DataObject) -> None:
    model = data.draw(service_profiles())
    services = tuple(
        replace(
            s,
            loc=_at(data.draw, s.loc),
            table_trivia=data.draw(trivia()),
            key_trivia=tuple((key, data.draw(trivia())) for key, _ in service_keys(s)),
        )
        for s in model.services
    )
    items = tuple(replace(i, loc=_at(data.draw, i.loc)) for i in model.items)
    anchors = ("[SERVICE_TABLE]", "NUMBER_OF_SERVICES_SUPPORTED", "[ITEM_TABLE]")
    model = replace(
        model,
        services=services,
        items=items,
        header=data.draw(header()),
        trailer=data.draw(trailer()),
        table_trivia=tuple((anchor, data.draw(trivia())) for anchor in anchors),
    )
    _law("services", model)


@settings(max_examples=60)
@given(st.data())
def test_config(data: st.DataObject) -> None:
    model = data.draw(combine_configs())

    def blocks(found: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(
            replace(
                b,
                loc=_at(data.draw, b.loc),
                lines=tuple(replace(ln, loc=_at(data.draw, ln.loc)) for ln in b.lines),
                property_trivia=tuple((k, data.draw(trivia())) for k, _ in b.properties),
            )
            for b in found
        )

    model = replace(
        model,
        existing_services=blocks(model.existing_services),
        private_services=blocks(model.private_services),
        private_items=blocks(model.private_items),
        existing_items=blocks(model.existing_items),
        header=data.draw(header()),
        trailer=data.draw(trailer()),
        keyword_trivia=tuple(data.draw(trivia()) for _ in range(4)),
    )
    _law("config", model)


_names = st.from_regex(r"[A-Z][A-Z0-9_]{0,10}", fullmatch=True)


@given(st.data())
def test_conditions(data: st.DataObject) -> None:
    names = data.draw(st.lists(_names, min_size=1, max_size=5, unique=True))
    expressions = [Truth(True), Present(element(0x00280010)), Ref("OTHER")]
    definitions = []
    for name in names:
        lines = data.draw(trivia(_flush_comment))
        definitions.append(
            ConditionDef(
                name,
                data.draw(st.sampled_from(expressions)),
                Location("generated", 1, 1, lines),
                comment_text(lines),
            )
        )
    top = data.draw(header(_flush_comment))
    model = ConditionsProfile(
        tuple(definitions), comment_text(top), top, data.draw(trailer(_flush_comment))
    )
    _law("conditions", model)


@given(st.data())
def test_modules(data: st.DataObject) -> None:
    messages = []
    for index in range(data.draw(st.integers(1, 3))):
        uses = tuple(
            ModuleUse(
                f"Module {k}",
                "M",
                None,
                (0x00100010 + k,),
                Location("generated", 1, 1, data.draw(trivia(_flush_comment))),
            )
            for k in range(data.draw(st.integers(0, 3)))
        )
        loc = Location("generated", 1, 1, data.draw(trivia(_flush_comment)))
        messages.append(MessageModules(f"SERVICE_{index}", "C_STORE_RQ", uses, loc))
    top = data.draw(header(_flush_comment))
    model = ModulesProfile(
        tuple(messages), comment_text(top), top, data.draw(trailer(_flush_comment))
    )
    _law("modules", model)
