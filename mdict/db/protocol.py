"""The lookup API every database offers, compiled (:mod:`mdict.db.database`)
or built in memory from profiles. Consumers (validator, dump, table, diff) depend on this
protocol only, never on how a database is stored."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from mdict.model import (
    DictEntry,
    Dictionary,
    InfoProfile,
    InfoSection,
    ItemRef,
    Service,
    ServiceProfile,
    Tag,
)


@runtime_checkable
class MessageDatabase(Protocol):
    """Dictionary, services, messages, items and condition definitions."""

    # -- dictionary -------------------------------------------------------
    def entry(self, tag: Tag) -> DictEntry | None:
        """Exact lookup: standard by (group, element), private by
        (group, creator, element byte)."""

    def entry_by_name(self, name: str) -> DictEntry | None:
        """By name or keyword, case- and space-insensitive."""

    def entries(self) -> Iterator[DictEntry]:
        """Every dictionary entry in canonical order."""

    # -- services ---------------------------------------------------------
    def services(self) -> Sequence[Service]:
        """Every service in number order."""

    def service(self, key: str | int) -> Service | None:
        """By name, SOP Class UID or number."""

    # -- messages and items ----------------------------------------------
    def message(self, service: str | int, command: str) -> InfoSection | None:
        """The spec of one message: service by name, UID or number."""

    def item(self, key: str | int) -> InfoSection | None:
        """An item's spec by name or number."""

    def item_refs(self) -> Sequence[ItemRef]:
        """The item table (name, number) in name order."""

    # -- conditions -------------------------------------------------------
    def condition_source(self, name: str) -> str | None:
        """The conditions-profile expression text defining ``name``, if any."""

    # -- back to models -----------------------------------------------------
    def dictionary_model(self) -> Dictionary | None:
        """The whole dictionary in canonical order, or None when it holds none."""

    def services_model(self) -> ServiceProfile | None:
        """The service profile (services and item table), or None."""

    def info_model(self) -> InfoProfile | None:
        """Every message and item spec, or None when it holds none."""
