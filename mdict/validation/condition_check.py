"""Named conditions as the validator evaluates them: compiled once per
database, three-valued, results shared per scope."""

from __future__ import annotations

import threading
from typing import Any, Literal

from mdict.db.format import BorrowedConditions
from mdict.db.protocol import MessageDatabase
from mdict.validation.plan import ConditionCheck, Scope

Source = Literal["profile", "convention", "borrowed"]
"""Where a condition's definition comes from (docs/conditions.md)."""
SOURCES: tuple[Source, ...] = ("convention", "profile", "borrowed")


class Conditions:
    """The :data:`ConditionCheck` of a database, which also says where each
    name's definition comes from (:meth:`source`), for the coverage counts.

    A name is read, in order, from the database's conditions profile
    (``db.condition_source``), from Merge's naming convention
    (``A00100033_PRESENT``) or, when the compiler borrowed one, from the
    standard database's condition for the same attribute (every borrowed
    use of the name agreeing on it); names inside a borrowed definition
    resolve among the standard's definitions, apart from the database's own.

    Each name is parsed and compiled to closures once (names inside a
    definition, like ``NEED_MODULE_X and Y``, resolve the same way); the
    results of named conditions are kept per :class:`Scope`, so a module
    condition shared by many attributes is evaluated once per dataset level.
    A name no source defines or an expression that does not parse gives
    None: not evaluated.
    """

    def __init__(self, db: MessageDatabase) -> None:
        from mdict.conditions.evaluate import Compiler, Test
        from mdict.conditions.names import parse_name

        self._parse_name = parse_name
        self._parse = read_expression
        self._db = db
        lent = borrowed_of(db)
        self._standard_names = {k: v for k, v in lent.by_name().items() if v is not None}
        self._standard_texts = lent.definitions
        self._own = Compiler(self._own_expression)
        self._standard = Compiler(self._standard_expression)
        self._sources: dict[str, Source | None] = {}
        self._compiled: dict[str, Test] = {}  # as used at the top (cycles included)
        self._lock = threading.Lock()  # the compilers keep state while compiling
        # the frames of the last scope (one tuple: threads each keep a matching set)
        self._last: list[tuple[Scope, Any, Any]] = []

    def _own_expression(self, name: str) -> Any:
        try:
            source = self._db.condition_source(name)
            return self._parse(source) if source is not None else self._parse_name(name)
        except Exception:  # an undefined or unreadable condition is not evaluated
            return None

    def _standard_expression(self, name: str) -> Any:
        try:
            text = self._standard_texts.get(name)
            return self._parse(text) if text is not None else self._parse_name(name)
        except Exception:  # an unreadable borrowed definition is not evaluated
            return None

    def source(self, name: str) -> Source | None:
        """Where the definition of ``name`` comes from; None: nowhere."""
        if name not in self._sources:
            found: Source | None = None
            if self._db.condition_source(name) is not None:
                found = "profile"
            elif self._own_expression(name) is not None:
                found = "convention"
            elif name in self._standard_names:
                found = "borrowed"
            self._sources[name] = found
        return self._sources[name]

    def __call__(self, name: str, scope: Scope) -> bool | None:
        from mdict.conditions.evaluate import Frame, run

        test = self._compiled.get(name)
        borrowed = self.source(name) == "borrowed"
        if test is None:
            with self._lock:
                if borrowed:
                    test = self._standard.name(self._standard_names[name])
                else:
                    test = self._own.name(name)
                self._compiled[name] = test
        current = self._last[0] if self._last else None
        if current is None or current[0] is not scope:
            own = Frame(scope.root, scope.parents, scope.current, scope.shared)
            current = (scope, own, Frame(scope.root, scope.parents, scope.current))
            self._last[:] = [current]
        value = run(test, current[2] if borrowed else current[1])
        return value if isinstance(value, bool) else None


def borrowed_of(db: MessageDatabase) -> BorrowedConditions:
    """The borrowed conditions of a database that has them (a compiled
    :class:`mdict.db.database.Database`; other implementations of the
    protocol borrow nothing)."""
    found = getattr(db, "borrowed_conditions", None)
    lent = found() if callable(found) else None
    return lent if isinstance(lent, BorrowedConditions) else BorrowedConditions()


def default_conditions(db: MessageDatabase) -> ConditionCheck:
    """The conditions of ``db`` as the validator evaluates them
    (:class:`Conditions`)."""
    return Conditions(db)


def read_expression(text: str) -> Any:
    """An expression from its text: the hand-written parser reads every
    canonical expression (what a database stores); Lark is imported only for
    text it cannot read."""
    from mdict.parse._conditions_fast import fast_expression

    fast = fast_expression(text)
    if fast is not None:
        return fast
    from mdict.parse.conditions import parse_expression  # loads Lark

    return parse_expression(text)
