"""tools/build_profiles.py: the standard profiles generated from dicom3tools."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mdict.model import InfoLine  # noqa: E402
from mdict.write import (  # noqa: E402
    format_dictionary,
    format_info,
    format_info_line,
    format_services,
)
from tools.build_dictionary import expand_mask  # noqa: E402
from tools.build_profiles import REPORT_NAME, Built, build, main  # noqa: E402
from tools.build_services import service_name  # noqa: E402

PROFILES = REPO / "profiles"


@pytest.mark.parametrize(
    ("sop_class", "expected"),
    [
        ("CTImageStorage", "CT_IMAGE"),
        ("EnhancedCTImageStorage", "ENHANCED_CT_IMAGE"),
        ("ModalityWorklistInformationModelFind", "MODALITY_WORKLIST_FIND"),
        ("PatientRootQueryRetrieveInformationModelMove", "PATIENT_ROOT_QR_MOVE"),
        ("DigitalXRayImageStorageForPresentation", "DIGITAL_X_RAY_IMAGE_FOR_PRESENTATION"),
        ("XRay3DAngiographicImageStorage", "X_RAY_3D_ANGIOGRAPHIC_IMAGE"),
        ("MediaStorageDirectoryStorage", "MEDIA_STORAGE_DIRECTORY"),
        ("StorageCommitmentPushModel", "STORAGE_COMMITMENT_PUSH_MODEL"),
        ("ChestCADSRStorage", "CHEST_CAD_SR"),
        ("UltrasoundImageStorageRetired", "ULTRASOUND_IMAGE_RETIRED"),
    ],
)
def test_service_names_follow_merge_style(sop_class: str, expected: str) -> None:
    assert service_name(sop_class) == expected


def test_masks_expand_repeating_groups_and_nibbles() -> None:
    assert expand_mask("60xx", is_group=True) == list(range(0x6000, 0x6020, 2))
    assert expand_mask("04x0", is_group=False) == list(range(0x0400, 0x0500, 0x10))
    assert expand_mask("xxxx", is_group=False) is None
    assert expand_mask("0010", is_group=False) == [0x10]


def test_committed_dictionary_has_well_known_lines() -> None:
    lines = set((PROFILES / "diction.pfl").read_text().splitlines())
    assert "Patient's Name,0010,0010,PN,1" in lines
    assert "Command Group Length,0000,0000,UL,1" in lines
    assert "Overlay Data,601E,3000,OW,1" in lines
    assert "Command Length to End RETIRED,0000,0001,UL,1" in lines
    assert any(
        line.startswith("CSA Image Header Info,0029,SIEMENS CSA HEADER,10,") for line in lines
    )


# ---------------------------------------------------------------------------
# The real source: committed profiles are up to date and hold well-known facts
# ---------------------------------------------------------------------------

SOURCE = Path(os.environ.get("MDICT_D3T_SOURCE", REPO.parent / "shared" / "data" / "dicom3tools"))
"""The templates beside the repository (a worktree elsewhere names them)."""


@pytest.fixture(scope="module")
def built() -> Built:
    if not (SOURCE / "sopcl.tpl").is_file():
        pytest.skip("dicom3tools source not available")
    pytest.importorskip("highdicom", reason="the build extra (highdicom) is not installed")
    return build(SOURCE)


def _message(built: Built, service: str, command: str = "C_STORE_RQ") -> dict[str, str]:
    number = next(s.number for s in built.services.services if s.name == service)
    section = next(s for s in built.info.sections if s.number == number and s.command == command)
    return {str(ln.tag): format_info_line(ln) for ln in section.lines}


def test_committed_profiles_match_a_fresh_build(built: Built) -> None:
    for name, text in built.files.items():
        assert (PROFILES / name).read_text() == text, f"profiles/{name} is stale"
    assert (PROFILES / REPORT_NAME).read_text() == built.report + "\n"


def test_counts_on_the_real_source(built: Built) -> None:
    entries = built.dictionary.entries
    assert len(entries) == 18061
    assert sum(e.tag.creator is None for e in entries) == 6819
    assert len(built.services.services) == 316
    assert sum(s.type == "META" for s in built.services.services) == 9
    assert len(built.services.items) == 908
    assert sum(not s.is_item for s in built.info.sections) == 677
    assert sum(s.command == "C_STORE_RQ" for s in built.info.sections) == 185
    assert sum(len(s.lines) for s in built.info.sections) == 56170
    assert "modules.pfl: 119 messages, 2666 module uses" in built.summary


def test_well_known_facts(built: Built) -> None:
    ct = _message(built, "STANDARD_CT")
    assert ct["0018,0060"] == "0018,0060@DS@2@@;"
    assert ct["0010,0040"] == "0010,0040@CS@2@@E<M, F, O>;"
    image_type = built_line(built, "STANDARD_CT", "0008,0008")
    assert image_type.values is not None and image_type.values.per_position
    assert image_type.values.groups[:2] == (("ORIGINAL", "DERIVED"), ("PRIMARY", "SECONDARY"))
    enhanced = _message(built, "ENHANCED_CT_IMAGE")
    # VOI LUT is a U module of CT: its 1C attributes need the module condition
    assert ct["0028,1050"].startswith(
        "0028,1050@DS@1C(NEED_MODULE_VOILUT__AND__MONOCHROME_AND_VOILUT_SEQUENCE_NOT_PRESENT)@@"
    )
    # directory records: each record type's attributes only for that type
    directory = _message(built, "DICOMDIR")
    record = next(
        s
        for s in built.info.sections
        if s.is_item and s.number in _items_of(built, directory["0004,1220"])
    )
    patient_id = next(ln for ln in record.lines if str(ln.tag) == "0010,0020")
    assert patient_id.vt.type == "1C"
    assert "DIRECTORY_RECORD_TYPE_IS_PATIENT" in (patient_id.vt.condition or "")
    assert enhanced["0012,0010"].startswith("0012,0010@LO@1C(NEED_MODULE_CLINICAL_TRIAL_SUBJECT)@@")
    worklist = next(s for s in built.services.services if s.name == "MODALITY_WORKLIST_FIND")
    assert worklist.commands == ("C_FIND_RQ", "C_FIND_RSP", "C_CANCEL_RQ")


def test_every_command_without_a_data_set_has_an_empty_section(built: Built) -> None:
    sections = {(s.number, s.command): s for s in built.info.sections if not s.is_item}
    services = {s.name: s for s in built.services.services}
    ct, echo = services["STANDARD_CT"], services["STANDARD_ECHO"]
    assert sections[(ct.number, "C_STORE_RSP")].lines == ()
    assert sections[(echo.number, "C_ECHO_RQ")].lines == sections[(echo.number, "C_ECHO_RSP")].lines
    assert sections[(echo.number, "C_ECHO_RQ")].lines == ()
    for service in built.services.services:
        for command in service.commands:
            if command in ("C_STORE_RSP", "C_ECHO_RQ", "C_CANCEL_RQ", "N_DELETE_RQ"):
                assert sections[(service.number, command)].lines == (), (service.name, command)
    # each command without a section is listed in the report
    listed = built.report.split("## Info: messages without a section", 1)[1]
    for service in built.services.services:
        for command in service.commands:
            if (service.number, command) not in sections:
                assert f"- {service.name}: {command}\n" in listed


def test_sop_classes_sopcl_lacks_come_from_pydicom(built: Built) -> None:
    services = {s.name: s for s in built.services.services}
    assert services["UPS_PUSH_SOP"].uid == "1.2.840.10008.5.1.4.34.6.1"
    assert services["UPS_PUSH_SOP"].commands == (
        "N_CREATE_RQ", "N_CREATE_RSP", "N_ACTION_RQ", "N_ACTION_RSP", "N_GET_RQ", "N_GET_RSP"
    )  # fmt: skip
    assert services["INSTANCE_AVAIL_NOTIFICATION"].commands == ("N_CREATE_RQ", "N_CREATE_RSP")
    assert services["RT_BEAMS_DELIVERY_INSTRUCTION"].uid == "1.2.840.10008.5.1.4.34.7"
    assert "DICOM-RTV, not a DIMSE service" in built.report
    assert "## PS3.4 transcription: rows and blocks not used (0)" in built.report


def _items_of(built: Built, line: str) -> set[int]:
    """Item numbers an SQ line of ``_message`` names."""
    names = line.split("E<", 1)[1].split(">", 1)[0].split(", ")
    return {i.number for i in built.services.items if i.name in names}


def built_line(built: Built, service: str, tag: str) -> InfoLine:
    number = next(s.number for s in built.services.services if s.name == service)
    section = next(s for s in built.info.sections if s.number == number)
    return next(ln for ln in section.lines if str(ln.tag) == tag)


def test_info_agrees_with_dictionary_and_item_table(built: Built) -> None:
    vrs = {e.tag: e.vr for e in built.dictionary.entries}
    items = {i.name for i in built.services.items}
    referenced: set[str] = set()
    for section in built.info.sections:
        for line in section.lines:
            assert line.vr == vrs[line.tag], (section.number, str(line.tag))
            if line.vr == "SQ":
                assert line.item_names, (section.number, str(line.tag))
                referenced.update(line.item_names)
    assert referenced <= items
    assert items <= referenced


def test_services_are_numbered_alphabetically_base_first(built: Built) -> None:
    services = built.services.services
    base = [s.name for s in services if s.type == "BASE"]
    meta = [s.name for s in services if s.type == "META"]
    assert base == sorted(base) and meta == sorted(meta)
    assert [s.number for s in services] == list(range(1, len(services) + 1))
    assert all(s.type == "BASE" for s in services[: len(base)])


# ---------------------------------------------------------------------------
# The tiny handcrafted source: golden output
# ---------------------------------------------------------------------------

TINY = REPO / "tests" / "data" / "d3t_tiny"
TINY_EXPECTED = REPO / "tests" / "data" / "d3t_tiny_expected"
GOLDEN = (
    "diction.pfl",
    "mergecom.srv",
    "info.pfl",
    "modules.pfl",
    "positions.pfl",
    "README.md",
    REPORT_NAME,
    "COPYRIGHT",
)


def test_tiny_source_gives_the_golden_files() -> None:
    result = build(TINY)
    for name in GOLDEN[:6]:
        assert result.files[name] == (TINY_EXPECTED / name).read_text(), name
    assert result.report + "\n" == (TINY_EXPECTED / REPORT_NAME).read_text()


def test_tiny_source_facts() -> None:
    result = build(TINY)
    info = result.files["info.pfl"]
    assert "0012,0010@LO@1C(NEED_MODULE_CLINICAL_TRIAL_SUBJECT)@@;" in info
    # a 1C attribute of a conditional (U) module needs the module's condition too
    assert "0012,0020@LO@1C(NEED_MODULE_CLINICAL_TRIAL_SUBJECT__AND__PROTOCOL_NEEDED)@@;" in info
    # macros invoked with a Condition and no Type contribute conditionally;
    # the same attribute from two of them is required when either holds
    assert "0008,0020@DA@1C(RECORD_IS_STUDY)@@;" in info
    assert "0010,0020@LO@1C(RECORD_IS_PATIENT__OR__RECORD_IS_STUDY)@@;" in info
    assert "0010,1000@LO@1C(RECORD_IS_PATIENT__AND__HAS_OTHER_IDENTIFIERS)@@;" in info
    conditions = result.files["conditions.pfl"]
    assert "RECORD_IS_PATIENT__OR__RECORD_IS_STUDY = RECORD_IS_PATIENT or RECORD_IS_STUDY" in (
        conditions
    )
    assert "0008,0008@CS@1@@D<(ORIGINAL, DERIVED) (PRIMARY, SECONDARY) (AXIAL, LOCALIZER)>;" in info
    assert "0028,0002@US@1@@E<1>;" in info
    names = {i.number: i.name for i in result.services.items}
    assert any(  # the SR tree item names itself
        names[s.number] in ln.item_names
        for s in result.info.sections
        if s.is_item
        for ln in s.lines
        if str(ln.tag) == "0040,A730"
    )
    assert "Unnamed ACME  HEADER 0029xx11,0029,ACME  HEADER,11,CS,1" in result.files["diction.pfl"]
    assert "BAD(VALUE)" in result.report and "UnknownKeyword" in result.report


def test_script_writes_byte_identical_files(tmp_path: Path) -> None:
    for run in ("a", "b"):
        done = subprocess.run(
            [
                sys.executable,
                str(REPO / "tools" / "build_profiles.py"),
                "--source",
                str(TINY),
                "--out",
                str(tmp_path / run),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "diction.pfl: 52 lines" in done.stdout
    for name in GOLDEN:
        expected = (TINY_EXPECTED / name).read_bytes()
        assert (
            (tmp_path / "a" / name).read_bytes() == expected == (tmp_path / "b" / name).read_bytes()
        )


def test_script_refuses_a_folder_that_is_not_a_source(tmp_path: Path) -> None:
    assert main(["--source", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------
# mdict's own parsers read the committed profiles back to the same bytes
# ---------------------------------------------------------------------------


def _reader(name: str) -> Callable[[Path], Any]:
    parse = pytest.importorskip("mdict.parse")
    if not hasattr(parse, name):
        pytest.skip(f"mdict.parse.{name} not available yet")
    reader: Callable[[Path], Any] = getattr(parse, name)
    return reader


def test_parser_reads_generated_dictionary() -> None:
    dictionary = _reader("read_dictionary")(PROFILES / "diction.pfl")
    assert format_dictionary(dictionary) == (PROFILES / "diction.pfl").read_text()


def test_parser_reads_generated_services_and_info() -> None:
    services = _reader("read_services")(PROFILES / "mergecom.srv")
    assert format_services(services) == (PROFILES / "mergecom.srv").read_text()
    info = _reader("read_info")(PROFILES / "info.pfl")
    assert format_info(info, services) == (PROFILES / "info.pfl").read_text()


def test_combinations_flatten_dedupe_and_shorten() -> None:
    from tools.build_info import Combinations

    combos = Combinations()
    assert combos.combine("and", "A", None) is None  # no name: cannot be evaluated
    assert combos.combine("or", "A", "A") == "A"
    either = combos.combine("or", "A", "B")
    assert either == "A__OR__B"
    assert combos.combine("or", either, "C") == "A__OR__B__OR__C"  # one level, not nested
    assert combos.combine("and", "M", either) == "M__AND__A__OR__B"
    assert combos.expressions()["M__AND__A__OR__B"] == "M and A__OR__B"
    long_names = [f"DIRECTORY_RECORD_TYPE_IS_{kind}" for kind in ("PATIENT", "STUDY", "SERIES")]
    name = combos.combine("or", combos.combine("or", long_names[0], long_names[1]), long_names[2])
    assert name is not None and len(name) <= 96 + 30
    assert name.startswith("DIRECTORY_RECORD_TYPE_IS_PATIENT__OR_2_MORE_")
    assert combos.expressions()[name] == " or ".join(long_names)


def test_an_attribute_of_two_conditional_macros_allows_the_values_of_either() -> None:
    """SR SCOORD (CIRCLE) and SCOORD3D (ELLIPSOID) both give Graphic Type:
    the merged line accepts a value either macro allows."""
    from mdict.model import Tag
    from tools.build_info import Combinations, _Attr, _merge

    tag = Tag(0x0070, 0x0023)
    out: dict[Tag, _Attr] = {}
    combos = Combinations()
    _merge(out, _Attr(tag, "CS", "1C", "IS_2D", {None: ("E", ("POINT", "CIRCLE"))}, []), combos)
    _merge(out, _Attr(tag, "CS", "1C", "IS_3D", {None: ("E", ("POINT", "ELLIPSOID"))}, []), combos)
    assert out[tag].condition == "IS_2D__OR__IS_3D"
    assert out[tag].positions == {None: ("E", ("POINT", "CIRCLE", "ELLIPSOID"))}
    _merge(out, _Attr(tag, "CS", "1C", "IS_4D", {}, []), combos)  # no list: any value
    assert out[tag].positions == {}


def test_committed_profiles_accept_both_graphic_type_lists(built: Built) -> None:
    lines = [ln for s in built.info.sections for ln in s.lines if str(ln.tag) == "0070,0023"]
    scoord = [ln for ln in lines if ln.vt.condition and "SPATIAL_COORDINATES3_D" in ln.vt.condition]
    assert scoord and all(
        ln.values is not None and {"CIRCLE", "ELLIPSOID"} <= set(ln.values.groups[0])
        for ln in scoord
    )


def test_mdict_check_passes_on_every_generated_profile() -> None:
    from click.testing import CliRunner

    from mdict.cli import main as cli

    files = [str(PROFILES / n) for n in ("diction.pfl", "mergecom.srv", "info.pfl")]
    args = ["check", *files, "--services", files[1], "--dictionary", files[0]]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "info.pfl: 1585 sections, 56170 attributes" in result.output
    assert "warning" not in result.output


def test_conditions_define_every_name_info_uses(built: Built) -> None:
    from mdict.conditions import parse_conditions
    from tools.build_profiles import condition_names

    defined = parse_conditions(built.files["conditions.pfl"]).as_dict()
    used = condition_names(built.info)
    assert used <= set(defined)
    combined = {n for n in defined if "__" in n}
    assert combined and combined <= used | {
        p for n in combined for p in str(defined[n]).replace(" or ", " and ").split(" and ")
    }
    # a translated condn.tpl name never holds a double underscore
    assert not any("__" in n for n in defined if "__AND_" not in n and "__OR_" not in n)


def test_tiny_modules_in_iod_order() -> None:
    from mdict.parse.modules import parse_modules
    from tools.build_modules import module_words

    assert module_words("ClinicalTrialSubject") == "Clinical Trial Subject"
    assert module_words("CTImage") == "CT Image"
    assert module_words("XRay3DCraniofacialAcquisition") == "X-Ray 3D Craniofacial Acquisition"
    assert module_words("OphthalmicPhotography16BitImage") == "Ophthalmic Photography 16 Bit Image"
    assert module_words("VOILUT") == "VOI LUT"
    profile = parse_modules(build(TINY).files["modules.pfl"])
    ct = profile.get("STANDARD_CT", "C_STORE_RQ")
    assert ct is not None
    assert [(u.name, u.usage, u.condition) for u in ct.modules] == [
        ("Patient", "M", None),
        ("Clinical Trial Subject", "U", "NEED_MODULE_CLINICAL_TRIAL_SUBJECT"),
        ("General Image", "M", None),
        ("CT Image", "M", None),
    ]
    # every top-level tag of the message belongs to exactly one module
    built = build(TINY)
    number = next(s.number for s in built.services.services if s.name == "STANDARD_CT")
    section = next(s for s in built.info.sections if not s.is_item and s.number == number)
    claimed = [t for u in ct.modules for t in u.tags]
    assert sorted(claimed) == sorted(ln.tag.group << 16 | ln.tag.element for ln in section.lines)
