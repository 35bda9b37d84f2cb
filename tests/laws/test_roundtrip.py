"""Round-trip laws: parse(write(x)) == x for every generated model, and the
written text is a fixed point (write(parse(text)) == text)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from strategies import combine_configs, dictionaries, info_profiles, service_profiles

from mdict.parse import parse_combine_config, parse_dictionary, parse_info, parse_services
from mdict.write import format_combine_config, format_dictionary, format_info, format_services

LAWS: list[tuple[st.SearchStrategy[Any], Callable[[Any], str], Callable[[str, str], Any]]] = [
    (dictionaries(), format_dictionary, parse_dictionary),
    (service_profiles(), format_services, parse_services),
    (info_profiles(), format_info, parse_info),
    (combine_configs(), format_combine_config, parse_combine_config),
]


def _law(model: Any, write: Callable[[Any], str], parse: Callable[[str, str], Any]) -> None:
    text = write(model)
    again = parse(text, "generated")
    assert again == model
    assert write(again) == text


@given(dictionaries())
def test_dictionary_round_trip(model: Any) -> None:
    _law(model, format_dictionary, parse_dictionary)


@given(service_profiles())
def test_services_round_trip(model: Any) -> None:
    _law(model, format_services, parse_services)


@given(info_profiles())
def test_info_round_trip(model: Any) -> None:
    _law(model, format_info, parse_info)


@given(combine_configs())
def test_config_round_trip(model: Any) -> None:
    _law(model, format_combine_config, parse_combine_config)


@given(st.data())
def test_crlf_reads_like_lf(data: st.DataObject) -> None:
    strategy, write, parse = data.draw(st.sampled_from(LAWS))
    text = write(data.draw(strategy))
    assert parse(text.replace("\n", "\r\n"), "crlf") == parse(text, "lf")
