"""Three-valued evaluation over pydicom datasets."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import UID

from mdict.conditions import Ref, Truth, parse_expression
from mdict.conditions.evaluate import Context, all3, any3, evaluate, resolver_for


def ct() -> Dataset:
    ds = Dataset()
    ds.SOPClassUID = UID("1.2.840.10008.5.1.4.1.1.2")
    ds.Modality = "CT"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.Rows = 512
    ds.Columns = 512
    ds.PixelSpacing = ["0.5", "0.5"]
    ds.SliceThickness = "1.25"
    ds.PatientName = ""
    ds.DimensionIndexPointer = 0x00189304
    code = Dataset()
    code.CodeValue = "T-71000"
    code.CodingSchemeDesignator = "SRT"
    ds.AnatomicRegionSequence = Sequence([code])
    ds.ReferencedImageSequence = Sequence([Dataset(), Dataset()])
    shared = Dataset()
    measures = Dataset()
    measures.PixelSpacing = ["0.7", "0.7"]
    shared.PixelMeasuresSequence = Sequence([measures])
    ds.SharedFunctionalGroupsSequence = Sequence([shared])
    frames = []
    for number in (1, 2):
        frame = Dataset()
        content = Dataset()
        content.FrameAcquisitionNumber = number
        frame.FrameContentSequence = Sequence([content])
        frames.append(frame)
    ds.PerFrameFunctionalGroupsSequence = Sequence(frames)
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = UID("1.2.840.10008.1.2.1")
    return ds


def check(text: str, ds: Dataset | None = None, **kwargs: object) -> bool | None:
    return evaluate(parse_expression(text), Context(ds if ds is not None else ct(), **kwargs))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("present(Modality)", True),
        ("present(PatientID)", False),
        ("present(PatientName)", True),
        ("has_value(PatientName)", False),
        ("has_value(Modality)", True),
        ("has_value(ReferencedImageSequence)", True),
        ('value(Modality) == "CT"', True),
        ('value(Modality) != "CT"', False),
        ('value(PatientID) != "CT"', False),
        ('not value(PatientID) == "CT"', True),
        ('value(ImageType) == "AXIAL"', True),
        ('value(ImageType, 3) == "AXIAL"', True),
        ('value(ImageType, 1) == "AXIAL"', False),
        ('value(ImageType, 4) == "AXIAL"', False),
        ('value(ImageType, 1) in ("DERIVED", "ORIGINAL")', True),
        ("value(Rows) > 480", True),
        ("value(Rows) < 480", False),
        ("value(Rows) == 512.0", True),
        ("value(SliceThickness) >= 1.25", True),
        ("value(PixelSpacing, 2) <= 0.5", True),
        ('value(Rows) == "512"', True),
        ("value(DimensionIndexPointer) == (0018,9304)", True),
        ("value(DimensionIndexPointer) == (0018,9305)", False),
        ("count(ImageType) > 2", True),
        ("count(PatientID) == 0", True),
        ("count(PatientName) == 0", True),
        ("items(ReferencedImageSequence) == 2", True),
        ("items(AnatomicRegionSequence) == 1", True),
        ("items(PatientID) > 0", False),
        ("items(ReferencedSeriesSequence) == 0", True),
        ('has_code(AnatomicRegionSequence, "T-71000", "SRT")', True),
        ('has_code(AnatomicRegionSequence, "T-71000", "SCT")', False),
        ('has_code(PatientID, "T-71000", "SRT")', False),
        ('value(AnatomicRegionSequence/CodeValue) == "T-71000"', True),
        ("present(/SharedFunctionalGroupsSequence/PixelMeasuresSequence)", True),
        ("present(/SharedFunctionalGroupsSequence[1]/PixelMeasuresSequence)", True),
        ("present(/SharedFunctionalGroupsSequence[2]/PixelMeasuresSequence)", False),
        (
            "value(PerFrameFunctionalGroupsSequence/FrameContentSequence/FrameAcquisitionNumber) == 2",
            True,
        ),
        (
            "value(PerFrameFunctionalGroupsSequence[1]/FrameContentSequence/FrameAcquisitionNumber) == 2",
            False,
        ),
        ("present(Modality/Rows)", False),
        ("group_present(0x0002)", True),
        ("group_present(0x0028)", True),
        ("group_present(0x0040)", False),
        ('value(TransferSyntaxUID) == "1.2.840.10008.1.2.1"', True),
        ('value(Modality) == "CT" and value(Rows) > 100', True),
        ("true and unknown", None),
        ("false and unknown", False),
        ("true or unknown", True),
        ("false or unknown", None),
        ("not unknown", None),
        ("UNDEFINED_NAME", None),
        ("not UNDEFINED_NAME", None),
        ("value(Modality) > 3", None),
        ('value(Modality) in (3, "CT")', True),
        ("value(Modality) == (0008,0060)", None),
        ("A00080060_PRESENT", True),
        ("A00100020_PRESENT or A00080060_IS_CT", True),
    ],
)
def test_predicates(text: str, expected: bool | None) -> None:
    assert check(text) is expected


def test_paths_above_and_from_the_root() -> None:
    root = ct()
    item = root.AnatomicRegionSequence[0]
    context = Context(root, item, ())
    assert evaluate(parse_expression('value(CodeValue) == "T-71000"'), context) is True
    assert evaluate(parse_expression('value(../Modality) == "CT"'), context) is True
    assert evaluate(parse_expression('value(/Modality) == "CT"'), context) is True
    assert evaluate(parse_expression("present(Modality)"), context) is False
    assert evaluate(parse_expression("present(../../Modality)"), context) is None
    assert evaluate(parse_expression("present(../Modality)"), Context(root)) is None


def test_scope_like_objects_and_bare_datasets() -> None:
    @dataclass(frozen=True)
    class Scope:
        root: Dataset
        parents: tuple[Dataset, ...]
        current: Dataset

    root = ct()
    frame = root.PerFrameFunctionalGroupsSequence[1]
    content = frame.FrameContentSequence[0]
    scope = Scope(root, (frame,), content)
    expr = parse_expression(
        "value(FrameAcquisitionNumber) == 2 and present(../FrameContentSequence)"
    )
    assert evaluate(expr, scope) is True
    assert evaluate(parse_expression("present(../../Modality)"), scope) is True
    assert evaluate(parse_expression("present(Modality)"), root) is True


def test_named_conditions_profile_first_then_the_name() -> None:
    resolve = resolver_for({"IS_CT": 'value(Modality) == "CT"', "A00080060_PRESENT": "false"})
    context = Context(ct(), resolver=resolve)
    assert evaluate(Ref("IS_CT"), context) is True
    assert evaluate(Ref("A00080060_PRESENT"), context) is False
    assert evaluate(Ref("A00280010_PRESENT"), context) is True
    assert evaluate(Ref("NOT_DEFINED"), context) is None
    only_profile = resolver_for({"X": "true"}, names=False)
    assert evaluate(Ref("A00080060_PRESENT"), ct(), only_profile) is None
    broken = resolver_for({"BROKEN": "present("})
    assert evaluate(Ref("BROKEN"), ct(), broken) is None


def test_cycles_cannot_be_evaluated() -> None:
    resolve = resolver_for({"A": "B and true", "B": "A or false", "C": "true or A", "D": "A"})
    assert evaluate(Ref("A"), ct(), resolve) is None
    assert evaluate(Ref("C"), ct(), resolve) is True
    assert evaluate(parse_expression("D and D"), ct(), resolve) is None


def test_undecodable_values_cannot_be_evaluated() -> None:
    from pydicom.dataelem import RawDataElement
    from pydicom.tag import Tag

    ds = Dataset()
    ds[0x00280010] = RawDataElement(Tag(0x00280010), "US", 3, b"\x01\x02\x03", 0, False, True)
    assert check("value(Rows) > 1", ds) is None
    assert check("present(Columns)", ds) is False


truths = st.sampled_from([True, False, None])


@given(st.lists(truths, max_size=5))
def test_kleene_and_or_follow_de_morgan(values: list[bool | None]) -> None:
    def neg(v: bool | None) -> bool | None:
        return None if v is None else not v

    assert neg(all3(values)) == any3(neg(v) for v in values)
    and_expr = " and ".join(str(Truth(v)) for v in values) or "true"
    assert check(and_expr) is (all3(values) if values else True)


def test_compiled_names_are_kept_per_frame_and_rooted_ones_shared() -> None:
    from mdict.conditions.evaluate import Compiler, Frame, run

    resolve = resolver_for(
        {"HERE": "present(Modality)", "ROOTED": "present(/Modality)", "BOTH": "ROOTED and HERE"}
    )
    compiler = Compiler(resolve)
    assert compiler.rooted(Ref("ROOTED")) is True
    assert compiler.rooted(Ref("BOTH")) is False
    assert compiler.rooted(parse_expression("group_present(0x0008)")) is False
    root = ct()
    item = root.AnatomicRegionSequence[0]
    shared: dict[str, bool | None] = {}
    frame = Frame(root, (), item, shared)
    assert run(compiler.name("BOTH"), frame) is False
    assert frame.memo == {"HERE": False, "BOTH": False}
    assert shared == {"ROOTED": True}
    assert run(compiler.name("ROOTED"), Frame(root, (), root, shared)) is True
    shared["ROOTED"] = False  # results are taken from the memo, not recomputed
    assert run(compiler.name("ROOTED"), Frame(root, (), root, shared)) is False
    assert run(compiler.name("ROOTED"), Frame(root, (), root)) is True


def test_compiled_cycles_match_the_evaluation_order() -> None:
    from mdict.conditions.evaluate import Compiler, Frame, run

    resolve = resolver_for({"A": "B and true", "B": "A or true", "C": "B"})
    compiler = Compiler(resolve)
    frame = Frame(ct(), (), ct())
    # inside B the reference back to A is unknown; B is then true
    assert run(compiler.name("A"), frame) is True
    # inside A (from B) the reference back to B is unknown: A is unknown, B true
    assert run(compiler.name("B"), Frame(ct(), (), ct())) is True
    assert run(compiler.name("C"), Frame(ct(), (), ct())) is True
    assert evaluate(Ref("A"), ct(), resolve) is True
