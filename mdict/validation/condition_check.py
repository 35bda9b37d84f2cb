"""Named conditions as the validator evaluates them: compiled once per
database, three-valued, results shared per scope."""

from __future__ import annotations

import threading
from typing import Any

from mdict.db.protocol import MessageDatabase
from mdict.validation.plan import ConditionCheck, Scope


def default_conditions(db: MessageDatabase) -> ConditionCheck:
    """Conditions as the database defines them (its conditions profile, via
    ``db.condition_source``) or as their Merge-style name reads
    (``A00100033_PRESENT``), evaluated three-valued by ``mdict.evaluate``.

    Each name is parsed and compiled to closures once (names inside a
    definition, like ``NEED_MODULE_X and Y``, resolve the same way); the
    results of named conditions are kept per :class:`Scope`, so a module
    condition shared by many attributes is evaluated once per dataset level.
    A name neither source defines or an expression that does not parse
    gives None: not evaluated.
    """
    from mdict.conditions import parse_expression  # the conditions language loads lark
    from mdict.conditions.evaluate import Compiler, Frame, Test, run
    from mdict.conditions.names import parse_name

    def expression(name: str) -> Any:
        try:
            source = db.condition_source(name)
            return parse_expression(source) if source is not None else parse_name(name)
        except Exception:  # an undefined or unreadable condition is not evaluated
            return None

    compiler = Compiler(expression)
    compiled: dict[str, Test] = {}  # as used at the top (cycles included)
    lock = threading.Lock()  # the compiler keeps state while compiling
    # the frame of the last scope (one tuple: threads each keep a matching pair)
    last: list[tuple[Scope, Frame]] = []

    def check(name: str, scope: Scope) -> bool | None:
        test = compiled.get(name)
        if test is None:
            with lock:
                test = compiled[name] = compiler.name(name)
        current = last[0] if last else None
        if current is None or current[0] is not scope:
            current = (scope, Frame(scope.root, scope.parents, scope.current, scope.shared))
            last[:] = [current]
        value = run(test, current[1])
        return value if isinstance(value, bool) else None

    return check
