"""Canonical writers: one module per profile kind (see mdict.formats).

``format_*`` return the text; ``write_*`` write it atomically to a path.
Writers put things in canonical order; reading a canonical file and writing
it back gives the same bytes.
"""

from __future__ import annotations

from mdict.write.conditions import format_conditions, write_conditions
from mdict.write.config import format_combine_config, write_combine_config
from mdict.write.dictionary import (
    format_dict_entry,
    format_dictionary,
    sorted_entries,
    write_dictionary,
)
from mdict.write.info import (
    format_info,
    format_info_line,
    format_section_header,
    sorted_lines,
    sorted_sections,
    write_info,
)
from mdict.write.modules import format_modules, write_modules
from mdict.write.services import SERVICES_BANNER, format_services, service_keys, write_services

__all__ = [
    "SERVICES_BANNER",
    "format_combine_config",
    "format_conditions",
    "format_dict_entry",
    "format_dictionary",
    "format_info",
    "format_info_line",
    "format_modules",
    "format_section_header",
    "format_services",
    "service_keys",
    "sorted_entries",
    "sorted_lines",
    "sorted_sections",
    "write_combine_config",
    "write_conditions",
    "write_dictionary",
    "write_info",
    "write_modules",
    "write_services",
]
