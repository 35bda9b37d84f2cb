"""icomb (mc3icomb): configuration files applied, in order, to a service
profile and an info profile; each configuration's four sections in turn,
then the items its new lines name."""

from __future__ import annotations

from collections.abc import Iterable

from mdict.combine.diagnostics import did_you_mean
from mdict.combine.items import ItemSections
from mdict.combine.services import ServiceSections
from mdict.combine.summary import ChangeSummary, CombineResult
from mdict.errors import Diagnostic, ProfileError
from mdict.model import MESSAGE, CombineConfig, Dictionary, InfoProfile, ServiceProfile


class Combiner(ServiceSections, ItemSections):
    """Applies one configuration to the working state, collecting problems."""

    def apply(self, config: CombineConfig) -> None:
        self.file = config.source or "<config>"
        existed_services = set(self.service_numbers)
        existed_items = set(self.items)
        defined = {b.name for b in config.private_services if b.command == MESSAGE}
        for block in config.existing_services:
            self.existing_service(block, existed_services, defined)
        self.private_services(config.private_services)
        self.private_items(config.private_items)
        self.existing_items(config.existing_items, existed_items)
        self.check_item_names()
        self.new_lines = []

    def check_item_names(self) -> None:
        """Every item a new sequence line names is in the ITEM_TABLE or this file."""
        for line in self.new_lines:
            missing = [name for name in line.item_names if name not in self.items]
            if missing:
                self.error(
                    line.loc,
                    f"sequence {line.tag} names item {', '.join(missing)}, which neither the"
                    " ITEM_TABLE nor this file defines" + did_you_mean(missing[0], self.items),
                )


def apply_configs(
    services: ServiceProfile,
    info: InfoProfile,
    configs: Iterable[CombineConfig],
    *,
    dictionary: Dictionary | None = None,
    strict: bool = False,
) -> CombineResult:
    """Apply configurations in order (mc3icomb run once per file, chained).

    With ``dictionary``, every private tag used must be in it with the same
    VR (a standard tag missing or with another VR is a warning). ``strict``
    turns replaced lines into errors. Raises ProfileError with every error of
    the first configuration that has any.
    """
    index = {e.tag: e for e in dictionary.entries} if dictionary is not None else None
    summary = ChangeSummary()
    warnings: list[Diagnostic] = []
    for config in configs:
        combiner = Combiner(
            services, info, index, (dictionary.source if dictionary else None) or "given", strict
        )
        combiner.apply(config)
        if combiner.errors:
            raise ProfileError(sorted(combiner.errors, key=lambda d: (d.file, d.line)))
        services, info = combiner.result()
        summary += combiner.summary
        warnings += combiner.warnings
    return CombineResult(services, info, summary, tuple(warnings))


def apply_config(
    services: ServiceProfile,
    info: InfoProfile,
    config: CombineConfig,
    *,
    dictionary: Dictionary | None = None,
    strict: bool = False,
) -> CombineResult:
    """Apply one configuration (mc3icomb); see ``apply_configs``."""
    return apply_configs(services, info, [config], dictionary=dictionary, strict=strict)
