"""Private dictionaries for pydicom: a generated module, or registration at run time.

pydicom reads a private attribute it does not know as ``UN`` named
``Private tag data``. ``register_with_pydicom(db)`` hands it the private
entries of a database (or a Dictionary) through
``pydicom.datadict.add_private_dict_entries``; ``format_pydicom_module`` writes
the same entries as a Python module to ship with an application.
"""

from __future__ import annotations

from collections.abc import Iterable

from mdict.db.protocol import MessageDatabase
from mdict.model import DictEntry, Dictionary

PydicomEntry = tuple[str, str, str, str]
"""(VR, VM, name, retired flag) as pydicom's private dictionary holds them."""

PYDICOM_VR = {"UNKNOWN_VR": "UN"}


def _entries_of(source: MessageDatabase | Dictionary) -> Iterable[DictEntry]:
    if isinstance(source, Dictionary):
        return source.entries
    return source.entries()


def private_dictionaries(
    source: MessageDatabase | Dictionary,
) -> dict[str, dict[int, PydicomEntry]]:
    """creator -> {tag: (VR, VM, name, "R" or "")} for every private entry.

    The tag is ``group << 16 | element byte``: pydicom keeps only the group and
    the low byte (``0009xx2A``), so the block a dataset reserves does not matter.
    """
    out: dict[str, dict[int, PydicomEntry]] = {}
    for entry in _entries_of(source):
        tag = entry.tag
        if tag.creator is None:
            continue
        value = (
            PYDICOM_VR.get(entry.vr, entry.vr),
            str(entry.vm),
            entry.name,
            "R" if entry.retired else "",
        )
        out.setdefault(tag.creator, {})[tag.group << 16 | tag.element] = value
    return out


def register_with_pydicom(source: MessageDatabase | Dictionary) -> int:
    """Register every private entry of ``source`` with pydicom; returns how many."""
    from pydicom.datadict import add_private_dict_entries

    count = 0
    for creator, entries in private_dictionaries(source).items():
        add_private_dict_entries(creator, entries)
        count += len(entries)
    return count


MODULE_HEADER = '''\
"""Private DICOM dictionaries for pydicom, written by mdict from {source}.

Do not edit: regenerate with `mdict export pydicom`. Call ``register()`` once
(for example at start-up) and pydicom reads these private attributes with
their VR and name::

    import {module}
    {module}.register()
"""

from pydicom.datadict import add_private_dict_entries

PRIVATE_DICTIONARIES: dict[str, dict[int, tuple[str, str, str, str]]] = {{
'''

MODULE_FOOTER = '''}


def register() -> None:
    """Add every entry above to pydicom's private dictionary."""
    for creator, entries in PRIVATE_DICTIONARIES.items():
        add_private_dict_entries(creator, entries)
'''


def docstring_text(text: str) -> str:
    """``text`` written so that the generated docstring holds it as is: a
    backslash (``C:\\users``), a quote, a line break or a control character
    cannot end the docstring or make it invalid Python."""
    return text.encode("unicode_escape").decode("ascii").replace('"', '\\"')


def format_pydicom_module(
    source: MessageDatabase | Dictionary, label: str = "a dictionary", module: str = "private_dict"
) -> str:
    """A Python module holding ``PRIVATE_DICTIONARIES`` and ``register()``."""
    out = [MODULE_HEADER.format(source=docstring_text(label), module=docstring_text(module))]
    dictionaries = private_dictionaries(source)
    for creator in sorted(dictionaries, key=lambda c: c + ","):
        out.append(f"    {creator!r}: {{\n")
        for tag, value in sorted(dictionaries[creator].items()):
            out.append(f"        0x{tag:08X}: {value!r},\n")
        out.append("    },\n")
    out.append(MODULE_FOOTER)
    return "".join(out)
