"""Hypothesis properties of configuration application: idempotence and
A-then-B == A+B (section by section) when A and B define different things."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st
from test_combine import INFO, SERVICES

from mdict.combine import apply_config, apply_configs
from mdict.model import CombineConfig, ConfigBlock, InfoLine, Tag, ValueList, ValueType
from mdict.parse import parse_info, parse_services
from mdict.write import format_info, format_services

TAGS = (
    Tag(0x0008, 0x0016),
    Tag(0x0008, 0x0020),
    Tag(0x0009, 0x2A, "ACME Imaging Group"),
    Tag(0x0009, 0x10, "SPI"),
    Tag(0x0009, 0x10, "SPI RELEASE 1"),
    Tag(0x0010, 0x0010),
    Tag(0x0010, 0x0040),
    Tag(0x2020, 0x0010),
)
MESSAGES = (
    ("BASIC_COLOR_IMAGE_BOX", "N_SET_RQ"),
    ("BASIC_COLOR_IMAGE_BOX", "N_SET_RSP"),
    ("STANDARD_CT", "C_STORE_RQ"),
    ("STANDARD_CT", "C_STORE_RSP"),
)
BASE_ITEMS = ("PREFORMATTED_COLOR_IMAGE", "REF_SOP")

value_types = st.sampled_from(
    (ValueType("1"), ValueType("2"), ValueType("3"), ValueType("1C", "A00100010_PRESENT"))
)
value_lists = st.none() | st.builds(
    lambda values: ValueList("E", (tuple(values),)),
    st.lists(st.sampled_from(("YES", "NO", "M", "F")), min_size=1, max_size=3, unique=True),
)


@st.composite
def lines(draw: st.DrawFn) -> tuple[InfoLine, ...]:
    tags = draw(st.lists(st.sampled_from(TAGS), max_size=4, unique=True))
    return tuple(
        InfoLine(tag, draw(st.sampled_from(("CS", "LO"))), draw(value_types), draw(value_lists))
        for tag in tags
    )


@st.composite
def configs(draw: st.DrawFn, prefix: str) -> CombineConfig:
    existing = tuple(
        ConfigBlock(name, command, draw(lines()))
        for name, command in draw(st.lists(st.sampled_from(MESSAGES), max_size=3))
    )
    private_services: list[ConfigBlock] = []
    for k in range(draw(st.integers(0, 2))):
        name = f"{prefix}_SERVICE_{k}"
        private_services.append(
            ConfigBlock(name, "MESSAGE", properties=(("UID", f"1.2.{k}"), ("TYPE", "BASE")))
        )
        for command in draw(
            st.lists(st.sampled_from(("N_GET_RQ", "N_GET_RSP")), min_size=1, unique=True)
        ):
            private_services.append(ConfigBlock(name, command, draw(lines())))
    items = tuple(
        ConfigBlock(f"{prefix}_ITEM_{k}", "ITEM", draw(lines()))
        for k in range(draw(st.integers(0, 2)))
    )
    existing_items = tuple(
        ConfigBlock(name, "ITEM", draw(lines()))
        for name in sorted(draw(st.lists(st.sampled_from(BASE_ITEMS), max_size=2)))
    )
    return CombineConfig(existing, tuple(private_services), items, existing_items)


def consistent(*configs: CombineConfig) -> bool:
    """True when no (message or item, tag) is given two different lines."""
    seen: dict[tuple[str, str, Tag], InfoLine] = {}
    for config in configs:
        for block in config.existing_services + config.existing_items:
            for line in block.lines:
                if seen.setdefault((block.name, block.command, line.tag), line) != line:
                    return False
    return True


@given(configs("A"))
def test_applying_a_configuration_twice_equals_once(config: CombineConfig) -> None:
    assume(consistent(config))
    once = apply_config(SERVICES, INFO, config)
    twice = apply_config(once.services, once.info, config)
    assert (twice.services, twice.info) == (once.services, once.info)
    assert not twice.summary.changed


@given(configs("A"), configs("B"))
def test_a_then_b_equals_a_plus_b(a: CombineConfig, b: CombineConfig) -> None:
    together = CombineConfig(
        a.existing_services + b.existing_services,
        a.private_services + b.private_services,
        a.private_items + b.private_items,
        a.existing_items + b.existing_items,
    )
    names = [block.name for block in together.existing_items]
    assume(names == sorted(names) and consistent(a, b))
    chained = apply_configs(SERVICES, INFO, [a, b])
    single = apply_config(SERVICES, INFO, together)
    assert (chained.services, chained.info) == (single.services, single.info)


@given(configs("A"))
def test_the_result_is_written_canonically_and_reads_back(config: CombineConfig) -> None:
    assume(consistent(config))
    result = apply_config(SERVICES, INFO, config)
    services_text = format_services(result.services)
    info_text = format_info(result.info, result.services)
    services = parse_services(services_text, "out.srv")
    info = parse_info(info_text, "out.pfl")
    assert (services, info) == (result.services, result.info)
    assert format_info(info, services) == info_text
