"""Open a compiled database and look things up in it.

Opening checks the file (magic, header CRC-32, body SHA-256), then the
schema of the header, the index and every section (docs/database.md): the
services, conditions, modules, borrowed conditions and the line table are
inflated, checked and decoded at once; the dictionary, the biggest, when it
is first asked for; each message or item (a run of line numbers) on its
first fetch. Every section is decoded once (a failure too). Any problem with
the file is one :class:`~mdict.errors.DatabaseError`.

:meth:`Database.from_profiles` gives the same lookups over models held in
memory, and :func:`default_database` the standard database shipped with
mdict (built from ``profiles/``). This module never imports the compiler,
the profile readers or Lark.
"""

from __future__ import annotations

import os
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from mdict.db.dictionary_table import DictionaryTable
from mdict.db.files import (
    Parts,
    PathKey,
    Slot,
    fail,
    load,
    read_header,
    refuse_to_replace,
    service_keys,
    what_file_is,
)
from mdict.db.format import (
    DEFAULT_DATABASE,
    Borrowed,
    BorrowedConditions,
    Header,
    Role,
)
from mdict.errors import DatabaseError, InputFileError, MdictError
from mdict.fileio import read_bytes
from mdict.model import (
    ITEM,
    DictEntry,
    Dictionary,
    InfoProfile,
    InfoSection,
    ItemRef,
    Location,
    Service,
    ServiceProfile,
    Tag,
)
from mdict.model.modules import ModulesProfile, ModuleUse
from mdict.positions import PositionsProfile, SectionPositions

if TYPE_CHECKING:
    from mdict.model.conditions import ConditionsProfile

_T = TypeVar("_T")

__all__ = [
    "DEFAULT_DATABASE",
    "Database",
    "Header",
    "Parts",
    "default_database",
    "keyword_key",
    "name_key",
    "open_database",
    "read_header",
    "refuse_to_replace",
    "service_keys",
    "what_file_is",
]

# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

_NOT_ALNUM = re.compile(r"[^0-9a-z]")


def name_key(name: str) -> str:
    """Case- and space-insensitive form of a name."""
    return "".join(name.split()).casefold()


def keyword_key(name: str) -> str:
    """A name or keyword with everything but letters and digits removed."""
    return _NOT_ALNUM.sub("", name.casefold())


# ---------------------------------------------------------------------------
# The database
# ---------------------------------------------------------------------------


class _ConditionsAndModules(ABC):
    """The lookups of a :class:`Database` over its conditions, borrowed
    conditions and modules (their sections are small and decoded whole)."""

    name: str
    _parts: Parts
    _conditions: Mapping[str, str] | None
    _borrowed: BorrowedConditions | None
    _borrowed_uses: dict[PathKey, Borrowed]
    _item_numbers: Mapping[str, int]
    _modules: dict[tuple[str, str], tuple[ModuleUse, ...]] | None
    _modules_model: ModulesProfile | None
    _positions: dict[tuple[str, str], SectionPositions] | None

    @abstractmethod
    def service_number(self, service: str | int) -> int | None:
        """A service's number from its name, UID or number."""

    @abstractmethod
    def service(self, key: str | int) -> Service | None:
        """By name, SOP Class UID or number."""

    @abstractmethod
    def item_refs(self) -> Sequence[ItemRef]:
        """The item table in name order."""

    # -- positions --------------------------------------------------------
    def positions_model(self) -> PositionsProfile | None:
        """The positions profile the database holds, or None."""
        load = self._parts.positions
        return load() if load is not None else None

    def positions(self, key: str | int, command: str) -> SectionPositions | None:
        """The value positions of one message (service by name, UID or
        number) or item (``command`` ITEM; item by name or number), or None."""
        if self._positions is None:
            profile = self.positions_model()
            sections = profile.sections if profile is not None else ()
            self._positions = {(s.name, s.command): s for s in sections}
        if not self._positions:
            return None
        if command == ITEM:
            names = [r.name for r in self.item_refs() if r.number == key]
            name = names[0] if names else str(key)
        else:
            known = self.service(key)
            name = known.name if known is not None else str(key)
        return self._positions.get((name, command.upper()))

    # -- conditions -------------------------------------------------------
    def conditions(self) -> Mapping[str, str]:
        """Every condition definition: name -> expression text."""
        if self._conditions is None:
            load = self._parts.conditions
            self._conditions = load() if load is not None else {}
        return self._conditions

    def condition_source(self, name: str) -> str | None:
        return self.conditions().get(name)

    def borrowed(self, section: str | int, command: str, tag: int) -> Borrowed | None:
        """The standard database's condition borrowed for the attribute
        ``tag`` (packed) of a message (service by name, UID or number) or of
        an item (by name or number, command ``ITEM``), if the compiler
        borrowed one (docs/conditions.md)."""
        if not self.borrowed_conditions():
            return None
        command = command.strip().upper()
        if command == ITEM:
            number = (
                self._item_numbers.get(section.strip()) if isinstance(section, str) else section
            )
        else:
            number = self.service_number(section)
        return self._borrowed_uses.get((number if number is not None else -1, command, tag))

    def borrowed_conditions(self) -> BorrowedConditions:
        """Every borrowed condition use and the standard definitions they need."""
        if self._borrowed is None:
            load = self._parts.borrowed
            self._borrowed = load() if load is not None else BorrowedConditions()
            self._borrowed_uses = {(b.number, b.command, b.tag): b for b in self._borrowed.uses}
        return self._borrowed

    # -- modules ----------------------------------------------------------
    def modules_model(self) -> ModulesProfile | None:
        """The modules profile the database holds, or None."""
        if self._modules_model is None and self._parts.modules is not None:
            self._modules_model = self._parts.modules()
        return self._modules_model

    def modules(self, service: str | int, command: str) -> tuple[ModuleUse, ...] | None:
        """The modules of one message in IOD order (service by name, UID or
        number), or None when the database does not know them."""
        if self._modules is None:
            profile = self.modules_model()
            found: dict[tuple[str, str], tuple[ModuleUse, ...]] = {}
            for message in profile.messages if profile is not None else ():
                found.setdefault((message.service, message.command), message.modules)
            self._modules = found
        if not self._modules:
            return None
        known = self.service(service)
        name = known.name if known is not None else str(service)
        return self._modules.get((name, command.upper()))

    def conditions_model(self) -> ConditionsProfile | None:
        """The conditions profile back (definitions in profile order, with
        their comments), each expression parsed from its stored text; None
        when the database holds no conditions."""
        texts = self.conditions()
        if not texts:
            return None
        from mdict.model.conditions import ConditionDef, ConditionsProfile
        from mdict.parse.conditions import parse_expression

        comments: Mapping[str, tuple[str, ...]] = getattr(texts, "comments", {})
        notes: Mapping[str, str] = getattr(texts, "notes", {})
        definitions = []
        for name, text in texts.items():
            try:
                expression = parse_expression(text, name)
            except MdictError as error:  # stored text the conditions language does not read
                raise fail(self.name, f"corrupt database: the conditions: {error}") from None
            note = notes.get(name, "")
            loc = Location(self.name, 0, 1, (), note) if note else None
            definitions.append(ConditionDef(name, expression, loc, comments.get(name, ())))
        return ConditionsProfile(tuple(definitions), tuple(getattr(texts, "header", ())))


class Database(_ConditionsAndModules):
    """Lookups over a compiled database or over profiles in memory
    (implements :class:`mdict.db.protocol.MessageDatabase`)."""

    def __init__(self, header: Header, parts: Parts, name: str = "<memory>") -> None:
        self.header = header
        self.name = name
        self._parts = parts
        self._messages = parts.messages
        self._items = parts.items
        self._service_numbers, self._item_numbers = parts.keys
        self._table: DictionaryTable | None = None
        self._standard: dict[int, DictEntry] = {}  # entries looked up so far
        self._private: dict[tuple[int, str, int], DictEntry] = {}
        self._services: Sequence[Service] | None = None
        self._by_number: dict[int, Service] = {}
        self._by_text: dict[str, Service] = {}
        self._item_refs: Sequence[ItemRef] = ()
        self._conditions: Mapping[str, str] | None = None
        self._modules: dict[tuple[str, str], tuple[ModuleUse, ...]] | None = None
        self._modules_model: ModulesProfile | None = None
        self._borrowed: BorrowedConditions | None = None
        self._borrowed_uses: dict[PathKey, Borrowed] = {}
        self._positions: dict[tuple[str, str], SectionPositions] | None = None

    def __repr__(self) -> str:
        return f"<mdict Database {self.name} ({self.header.kind})>"

    # -- construction -----------------------------------------------------
    @classmethod
    def from_bytes(cls, data: bytes, name: str = "<bytes>", verify: bool = True) -> Database:
        """A database from the bytes of a compiled file (checked as
        :func:`open_database` checks a file)."""
        return _open(data, name, verify)

    @classmethod
    def from_profiles(
        cls,
        dictionary: Dictionary | None = None,
        services: ServiceProfile | None = None,
        info: InfoProfile | None = None,
        conditions: Mapping[str, str] | None = None,
        modules: ModulesProfile | None = None,
        borrowed: BorrowedConditions | None = None,
        positions: PositionsProfile | None = None,
    ) -> Database:
        """The same lookups over models in memory (no checks, no file)."""
        from mdict.db.memory import in_memory

        header, parts = in_memory(
            dictionary, services, info, conditions, modules, borrowed, positions
        )
        return Database(header, parts)

    def profile(self, role: Role) -> object | None:
        """The profile of a role the database holds (its ``<role>_model()``),
        or None."""
        model: object | None = getattr(self, f"{role}_model")()
        return model

    def verify(self) -> None:
        """Check every section of the file against its schema now, the
        dictionary and every message and item included: one DatabaseError
        for the first that does not fit (a no-op for profiles in memory)."""
        if self._parts.verify is not None:
            self._parts.verify()
        self.entries()  # builds (and so checks) every row of the dictionary
        for key in list(self._messages):
            self._fetch(self._messages, key, *key)
        for number in list(self._items):
            self._fetch(self._items, number, number, ITEM)
        if self._parts.modules is not None:
            self.modules_model()
        self.positions_model()

    # -- dictionary -------------------------------------------------------
    def _dictionary(self) -> DictionaryTable | None:
        """The dictionary table (read on first use; None without one)."""
        if self._table is None and self._parts.dictionary is not None:
            self._table = self._parts.dictionary()
        return self._table

    def _built(self, make: Callable[[], _T]) -> _T:
        """``make()``, a file's dictionary row that does not fit its schema
        being one DatabaseError."""
        try:
            return make()
        except MdictError:
            raise
        except Exception as exc:  # the file passed its checksum but not its schema
            raise DatabaseError(f"{self.name}: corrupt database: the dictionary: {exc}") from None

    def entry(self, tag: Tag | int) -> DictEntry | None:
        """Standard by (group, element) or a packed ``group << 16 | element``
        int; private by (group, creator, element byte)."""
        if isinstance(tag, int):
            key = tag
        elif tag.creator is None:
            key = tag.group << 16 | tag.element
        else:
            return self._private_entry((tag.group, tag.creator, tag.element))
        found = self._standard.get(key)
        if found is None:
            table = self._table or self._dictionary()
            if table is not None:
                found = self._built(lambda: table.standard(key))
                if found is not None:
                    self._standard[key] = found
        return found

    def _private_entry(self, key: tuple[int, str, int]) -> DictEntry | None:
        found = self._private.get(key)
        if found is None:
            table = self._table or self._dictionary()
            if table is not None:
                found = self._built(lambda: table.private(key))
                if found is not None:
                    self._private[key] = found
        return found

    def entry_by_name(self, name: str) -> DictEntry | None:
        """By name or keyword, ignoring case, spaces, punctuation and the
        possessive 's (mdict.db.search); a standard attribute before private
        ones of the same name."""
        found = self.entries_by_name(name)
        return found[0] if found else None

    def entries_by_name(self, name: str) -> list[DictEntry]:
        """Every entry a name or keyword matches: standard ones first (tag
        order), then private ones by creator."""
        from mdict.db.search import name_index

        return name_index(self, self.entries()).find(name)

    def closest_names(self, name: str, count: int = 5) -> list[str]:
        """Names and keywords close to one that matches nothing."""
        from mdict.db.search import name_index

        return name_index(self, self.entries()).closest(name, count)

    def entries(self) -> Iterator[DictEntry]:
        """Every entry in canonical order."""
        table = self._dictionary()
        return iter(() if table is None else self._built(table.entries))

    # -- services ---------------------------------------------------------
    def _service_table(self) -> Sequence[Service]:
        if self._services is None:
            services: Sequence[Service] = ()
            refs: Sequence[ItemRef] = ()
            if self._parts.services is not None:
                services, refs = self._parts.services()
            services = tuple(sorted(services, key=lambda s: s.number))
            for service in services:
                self._by_number.setdefault(service.number, service)
                self._by_text.setdefault(service.name, service)
            for service in services:
                if service.uid is not None:
                    self._by_text.setdefault(service.uid, service)
            self._item_refs = tuple(sorted(refs, key=lambda i: i.name))
            self._services = services
        return self._services

    def services(self) -> Sequence[Service]:
        """Every service in number order."""
        return self._service_table()

    def service(self, key: str | int) -> Service | None:
        """By name, SOP Class UID or number (an int or a string of digits)."""
        self._service_table()
        if isinstance(key, int):
            return self._by_number.get(key)
        found = self._by_text.get(key.strip())
        if found is None and key.strip().isdigit():
            found = self._by_number.get(int(key))
        if found is None:
            found = self._by_text.get(renamed("service", key) or "")
        return found

    # -- messages and items -----------------------------------------------
    def message(self, service: str | int, command: str) -> InfoSection | None:
        """The spec of one message; the service by name, UID or number."""
        number = self.service_number(service)
        if number is None:
            return None
        command = command.strip().upper()
        return self._fetch(self._messages, (number, command), number, command)

    def service_number(self, service: str | int) -> int | None:
        """A service's number from its name, UID or number."""
        if isinstance(service, int):
            return service
        key = service.strip()
        found = self._service_numbers.get(key)
        if found is None and key.isdigit():
            found = int(key)
        if found is None:
            found = self._service_numbers.get(renamed("service", key) or "")
        return found

    def messages(self) -> list[tuple[int, str]]:
        """Every (service number, command) with a spec, in canonical order."""
        return list(self._messages)

    def item(self, key: str | int) -> InfoSection | None:
        """An item's spec by name or number."""
        if isinstance(key, str):
            number = self._item_numbers.get(key.strip())
            if number is None:
                number = self._item_numbers.get(renamed("item", key) or "")
            if number is None:
                return None
            key = number
        return self._fetch(self._items, key, key, ITEM)

    def item_numbers(self) -> list[int]:
        """Every item number with a spec, ascending."""
        return list(self._items)

    def item_refs(self) -> Sequence[ItemRef]:
        """The item table in name order."""
        self._service_table()
        return self._item_refs

    def _fetch(
        self, slots: dict[Any, Slot], key: Any, number: int, command: str
    ) -> InfoSection | None:
        slot = slots.get(key)
        if slot is None or isinstance(slot, InfoSection):
            return slot
        assert self._parts.decode is not None
        section = slots[key] = self._parts.decode(number, command, slot)
        return section

    # -- back to models ---------------------------------------------------
    def dictionary_model(self) -> Dictionary | None:
        """The dictionary back, with the comments the file kept."""
        if self._parts.dictionary is None:
            return None
        entries = tuple(self.entries())
        no_comments: tuple[tuple[str, ...], tuple[str, ...], dict[int, tuple[str, ...]]]
        no_comments = ((), (), {})
        header, trailer, above = getattr(self._dictionary(), "comments", no_comments)
        if above:
            entries = tuple(
                replace(e, loc=Location(self.name, 0, 1, above[row])) if row in above else e
                for row, e in enumerate(entries)
            )
        return Dictionary(entries, header=header, trailer=trailer)

    def services_model(self) -> ServiceProfile | None:
        if self._parts.services is None:
            return None
        return ServiceProfile(tuple(self.services()), tuple(self.item_refs()))

    def info_model(self) -> InfoProfile | None:
        if not self._messages and not self._items:
            return None
        sections = [self._fetch(self._messages, key, *key) for key in list(self._messages)]
        sections += [self._fetch(self._items, n, n, ITEM) for n in list(self._items)]
        return InfoProfile(tuple(s for s in sections if s is not None))


def renamed(kind: Literal["service", "item"], name: str) -> str | None:
    """The standard profiles' current name for an old mdict name
    (``CT_IMAGE`` -> ``STANDARD_CT``; :mod:`mdict.db.aliases`), or None."""
    from mdict.db.aliases import current_name  # only when a name is not found

    return current_name(kind, name)


# ---------------------------------------------------------------------------
# Reading a file
# ---------------------------------------------------------------------------


def _open(data: bytes, name: str, verify: bool = True) -> Database:
    header, parts = load(data, name, verify)
    return Database(header, parts, name)


def open_database(path: str | os.PathLike[str] | None = None, verify: bool = True) -> Database:
    """Open a compiled database (``mrgcom3.msg`` or ``mrgcom3.dct``); with no
    path, the standard database shipped with mdict.

    Every section but the dictionary is checked against its schema and
    decoded now (``verify``; the dictionary when first used), so a bad file
    fails here with one DatabaseError. With ``verify=False`` each section
    is checked on first use instead (the standard database is opened so:
    the test suite checks it)."""
    if path is None:
        return default_database()
    name = os.fspath(path)
    try:
        data = read_bytes(path)
    except InputFileError as exc:
        raise fail(name, exc.reason) from None
    return _open(data, name, verify)


_DEFAULT: Database | None = None


def default_database() -> Database:
    """The standard database shipped with mdict (one per process)."""
    global _DEFAULT
    if _DEFAULT is None:
        here = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", DEFAULT_DATABASE)
        try:
            if os.path.isfile(here):
                with open(here, "rb") as handle:
                    data = handle.read()
            else:  # installed inside a zip file: importlib.resources reads it
                from importlib import resources

                data = (resources.files("mdict") / "data" / DEFAULT_DATABASE).read_bytes()
        except OSError:
            raise fail(
                f"mdict/data/{DEFAULT_DATABASE}",
                "the standard database is missing (run tools/build_default_db.py)",
            ) from None
        _DEFAULT = _open(data, f"mdict/data/{DEFAULT_DATABASE}", verify=False)
    return _DEFAULT
