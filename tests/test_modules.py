"""mdict's modules profile (modules.pfl): reader, canonical writer, errors,
and the compiled database's modules section."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mdict.model.modules as m
from mdict.db.database import Database, default_database, open_database
from mdict.errors import ProfileError
from mdict.model.modules import MessageModules, ModulesProfile, ModuleUse
from mdict.parse.modules import ModulesTransformer, parse_modules, read_modules
from mdict.write.modules import format_modules

REPO = Path(__file__).resolve().parent.parent
SAMPLE = """\
# Modules of a test message.
#

[ CT_IMAGE, C_STORE_RQ ]
Patient (M): 0010,0010 0010,0020
# comments inside are allowed (and kept)
Clinical Trial Subject (U, NEED_MODULE_CLINICAL_TRIAL_SUBJECT): 0012,0010
Frame Of Reference (C, NEED_FOR):

[ MR_IMAGE, C_STORE_RQ ]
XA/XRF Acquisition (M): 0018,0060
"""


def test_every_grammar_rule_has_a_handler() -> None:
    grammar = (Path(m.__file__).parent.parent / "grammars" / "modules.lark").read_text()
    names = set(re.findall(r"^\??([a-z_]+):", grammar, re.M))
    assert names == {"start", "_line", "header", "module"}
    assert all(hasattr(ModulesTransformer, n) for n in names - {"_line"})


def test_parse_sample() -> None:
    profile = parse_modules(SAMPLE, "modules.pfl")
    assert profile.header == ("Modules of a test message.", "")
    ct = profile.get("CT_IMAGE", "C_STORE_RQ")
    assert ct is not None and ct.loc is not None and ct.loc.line == 4
    assert ct.modules == (
        ModuleUse("Patient", "M", None, (0x00100010, 0x00100020)),
        ModuleUse(
            "Clinical Trial Subject", "U", "NEED_MODULE_CLINICAL_TRIAL_SUBJECT", (0x00120010,)
        ),
        ModuleUse("Frame Of Reference", "C", "NEED_FOR", ()),
    )
    assert ct.module_of()[0x00100020].name == "Patient"
    assert format_modules(profile) == SAMPLE  # comment lines are kept where they were


def test_no_trailing_newline_and_empty() -> None:
    assert parse_modules("[ A, B ]\nX (M): 0008,0016") == parse_modules(
        "[ A, B ]\nX (M): 0008,0016\n"
    )
    with pytest.raises(ProfileError, match="found an empty file"):
        parse_modules("")
    assert format_modules(ModulesProfile(())) == ""


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("[ A, B ]\nPatient (Q): 0010,0010\n", 2, 10, "expected a usage (M, C or U), found 'Q'"),
        ("[ A, B ]\nPatient M: 0010,0010\n", 2, 10, "expected '(', found ':'"),
        ("[ A, B ]\nPatient (M): 0010,00\n", 2, 14, "expected a tag GGGG,EEEE or end of line"),
        (
            "[ A, B ]\nPatient (M): 0010,0010 0010,00\n",
            2,
            24,
            "expected end of line, found '0010'",
        ),
        ("[ A, B\n", 1, 7, "expected ']', found end of line"),
        (
            "Patient (M): 0010,0010\n",
            1,
            1,
            "expected a section header ([ SERVICE, COMMAND ]), found a module line",
        ),
        (
            "[ A, B ]\nP (M): 0010,0010\nQ (C, X): 0008,0016 0010,0010\n",
            3,
            21,
            "expected each tag once per message, found 0010,0010 again (already in module P)",
        ),
        (
            "[ A, B ]\nP (M):\n\n[ A, B ]\n",
            4,
            1,
            "expected each message once, found [ A, B ] again (first on line 1)",
        ),
    ],
)
def test_invalid_input_names_the_place(text: str, line: int, column: int, message: str) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_modules(text, "bad.pfl")
    first = caught.value.first
    assert (first.file, first.line, first.column) == ("bad.pfl", line, column)
    assert first.message.startswith(message), first.message
    assert "^" in caught.value.render()


# ---------------------------------------------------------------------------
# Round trip
# ---------------------------------------------------------------------------

_word = st.from_regex(r"[A-Za-z][A-Za-z0-9'/&.+-]{0,8}", fullmatch=True)
_names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True)
_tags = st.lists(st.integers(0, 0xFFFFFFFF), max_size=6, unique=True).map(lambda t: tuple(t))


@st.composite
def module_uses(draw: st.DrawFn) -> ModuleUse:
    name = " ".join(draw(st.lists(_word, min_size=1, max_size=4)))
    usage = draw(st.sampled_from(m.USAGES))
    condition = draw(st.none() | _names)
    return ModuleUse(name, usage, condition, draw(_tags))


@st.composite
def messages(draw: st.DrawFn) -> MessageModules:
    uses = draw(st.lists(module_uses(), max_size=5))
    seen: set[int] = set()
    unique = []
    for use in uses:  # a tag belongs to one module of a message
        tags = tuple(t for t in use.tags if t not in seen)
        seen.update(tags)
        unique.append(ModuleUse(use.name, use.usage, use.condition, tags))
    return MessageModules(draw(_names), draw(_names), tuple(unique))


@st.composite
def profiles(draw: st.DrawFn) -> ModulesProfile:
    found = draw(
        st.lists(messages(), min_size=1, max_size=4, unique_by=lambda x: (x.service, x.command))
    )
    header = draw(st.lists(st.from_regex(r"[^\r\n]{0,20}", fullmatch=True), max_size=3))
    return ModulesProfile(tuple(found), tuple(h.strip() for h in header))


@given(profiles())
def test_round_trip(profile: ModulesProfile) -> None:
    text = format_modules(profile)
    again = parse_modules(text, "generated")
    assert again == profile
    assert format_modules(again) == text


# ---------------------------------------------------------------------------
# The standard profile and the database
# ---------------------------------------------------------------------------


def test_standard_profile_is_canonical_and_compiled_into_the_default_database() -> None:
    path = REPO / "profiles" / "modules.pfl"
    profile = read_modules(path)
    assert format_modules(profile) == path.read_text()
    assert "Generated by tools/build_profiles.py" in profile.header[1]
    db = default_database()
    assert db.modules_model() == profile
    assert any(s.role == "modules" for s in db.header.sources)
    modules = db.modules("CT_IMAGE", "c_store_rq")
    assert modules is not None
    names = [u.name for u in modules]
    assert names.index("Patient") < names.index("General Study") < names.index("CT Image")
    subject = next(u for u in modules if u.name == "Clinical Trial Subject")
    assert (subject.usage, subject.condition) == ("U", "NEED_MODULE_CLINICAL_TRIAL_SUBJECT")
    ct = db.service("CT_IMAGE")
    assert ct is not None and db.modules(ct.number, "C_STORE_RQ") == modules
    assert db.modules("CT_IMAGE", "C_FIND_RQ") is None


def test_database_without_modules_says_none(tmp_path: Path) -> None:
    assert Database.from_profiles().modules("CT_IMAGE", "C_STORE_RQ") is None
    profile = parse_modules(SAMPLE)
    db = Database.from_profiles(modules=profile)
    assert db.modules_model() == profile
    assert db.modules("CT_IMAGE", "C_STORE_RQ") == profile.messages[0].modules


def test_compiled_modules_round_trip(tmp_path: Path) -> None:
    from mdict.db.encode import encode_database

    profile = parse_modules(SAMPLE)
    path = tmp_path / "x.msg"
    path.write_bytes(encode_database("messages", modules=profile))
    db = open_database(path)
    assert db.header.counts["modules"] == 2
    assert db.modules_model() == profile


def test_every_standard_attribute_belongs_to_a_module() -> None:
    db = default_database()
    profile = db.modules_model()
    assert profile is not None and len(profile) == 119
    for message in profile.messages:
        section = db.message(message.service, message.command)
        assert section is not None, message.service
        claimed = message.module_of()
        left = [ln for ln in section.lines if ln.tag.group << 16 | ln.tag.element not in claimed]
        assert not left, (message.service, left[:3])


def test_compile_warns_about_modules_of_unknown_messages(tmp_path: Path) -> None:
    from mdict.check import check_modules
    from mdict.parse import read_info, read_services

    folder = Path(__file__).resolve().parent / "data" / "private" / "db"
    services = read_services(folder / "mergecom.srv")
    info = read_info(folder / "info.pfl")
    modules = parse_modules(
        "[ STANDARD_CT, C_STORE_RQ ]\nPatient (M): 0010,0010\n\n"
        "[ STANDARD_CT, N_GET_RQ ]\nPatient (M): 0010,0010\n\n"
        "[ NO_SUCH, C_STORE_RQ ]\nPatient (M): 0010,0010\n",
        "modules.pfl",
    )
    found = check_modules(modules, services, info)
    assert [(d.line, d.severity) for d in found] == [(4, "warning"), (7, "warning")]
    assert "has no [ 0001, N_GET_RQ ] section" in found[0].message
    assert "service NO_SUCH is not in the service profile" in found[1].message


def test_mdict_info_embeds_modules_beside_info_and_decompile_writes_them_back(
    tmp_path: Path,
) -> None:
    import shutil

    from click.testing import CliRunner

    from mdict.cli import main

    folder = tmp_path / "profiles"
    shutil.copytree(Path(__file__).resolve().parent / "data" / "private" / "db", folder)
    text = "# mine\n\n[ STANDARD_CT, C_STORE_RQ ]\nPatient (M): 0010,0010 0010,0040\n"
    (folder / "modules.pfl").write_text(text)
    out = tmp_path / "x.msg"
    result = CliRunner().invoke(main, ["info", str(folder / "info.pfl"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    db = open_database(out)
    assert [s.file for s in db.header.sources if s.role == "modules"] == ["modules.pfl"]
    assert db.modules("STANDARD_CT", "C_STORE_RQ") == parse_modules(text).messages[0].modules
    back = tmp_path / "back"
    result = CliRunner().invoke(main, ["decompile", str(out), "-o", str(back)])
    assert result.exit_code == 0, result.output
    assert (back / "modules.pfl").read_text() == text
    # --modules names another file; a bad one is an error with its place
    bad = tmp_path / "bad.pfl"
    bad.write_text("[ STANDARD_CT, C_STORE_RQ ]\nPatient (X): 0010,0010\n")
    result = CliRunner().invoke(
        main, ["info", str(folder / "info.pfl"), "--modules", str(bad), "-o", str(out)]
    )
    assert result.exit_code != 0 and f"{bad}:2:10: error" in result.output


def test_check_fmt_and_check_db_recognise_a_modules_profile(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from mdict.cli import main
    from mdict.parse import detect_kind

    assert detect_kind(SAMPLE) == "modules"
    assert detect_kind("[ 0001, C_STORE_RQ ]\n0008,0016@UI@1@@;\n") == "info"
    path = tmp_path / "mods.pfl"
    path.write_text(SAMPLE.replace("[ MR_IMAGE", "\n\n[ MR_IMAGE"))
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0 and "mods.pfl: 2 messages, 4 module uses" in result.output
    result = CliRunner().invoke(main, ["fmt", "--check", str(path)])
    assert result.exit_code == 1 and "would reformat" in result.output  # three blank lines
    assert CliRunner().invoke(main, ["fmt", str(path)]).exit_code == 0
    assert path.read_text() == format_modules(parse_modules(SAMPLE))
    result = CliRunner().invoke(
        main, ["check-db", str(REPO / "mdict" / "data" / "mrgcom3.msg"), "--against", str(path)]
    )
    assert "STALE" in result.output  # matched as the modules source by its content
    result = CliRunner().invoke(
        main,
        [
            "check-db",
            str(REPO / "mdict" / "data" / "mrgcom3.msg"),
            "--against",
            str(REPO / "profiles"),
        ],
    )
    assert result.exit_code == 0 and "modules.pfl: up to date" in result.output
