"""What pydicom's lenient decoding of a received data set hides: a value
cut short by the end of the message, bytes left over after the last
element. Checked on the top-level elements as decoded (still raw), from the
lengths they declare and where their values start: no second parse."""

from __future__ import annotations

from typing import Any, Final

from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset

from mdict.validation.findings import TRUNCATED_VALUE, Finding, tag_text

REQUEST_ATTRIBUTES: Final[dict[str, str]] = {
    "dataset": "DataSet",
    "identifier": "Identifier",
    "attribute_list": "AttributeList",
    "modification_list": "ModificationList",
    "action_information": "ActionInformation",
    "event_information": "EventInformation",
}
"""Event property -> the request's attribute holding the encoded data set."""

_UNDEFINED: Final = 0xFFFFFFFF
_DELIMITER: Final = 8  # the sequence delimitation item after an undefined length


def encoded(event: Any, prop: str) -> bytes | None:
    """The data set of a request as received (None: deflated or absent)."""
    if event.context.transfer_syntax.is_deflated:
        return None
    stream = getattr(event.request, REQUEST_ATTRIBUTES[prop], None)
    return None if stream is None else bytes(stream.getvalue())


def truncation(data: bytes, dataset: Dataset) -> list[Finding]:
    """A TRUNCATED_VALUE finding when the data set ends inside a value or
    leaves bytes that are no element."""
    end = 0
    for element in dataset.elements():
        if not isinstance(element, RawDataElement):
            return []  # already converted: the positions are gone
        value = element.value or b""
        if element.length != _UNDEFINED and len(value) < element.length:
            where = tag_text(element.tag)
            message = (
                f"the data set ends inside the value of {where}: "
                f"{len(value)} of {element.length} bytes"
            )
            return [Finding(TRUNCATED_VALUE, "error", message, element.tag, where)]
        extra = _DELIMITER if element.length == _UNDEFINED else 0
        end = element.value_tell + len(value) + extra
    if end < len(data):
        left = len(data) - end
        message = (
            f"{left} byte{'' if left == 1 else 's'} after the last element are no data element"
        )
        return [Finding(TRUNCATED_VALUE, "error", message)]
    return []
