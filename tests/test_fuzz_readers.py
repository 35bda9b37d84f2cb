"""Every profile reader survives mutated input: one documented exit status,
no traceback, no hang, the input unchanged (tools/fuzz_readers.py; the long
on-demand run's counts are in docs/fuzzing.md)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tools.fuzz_readers import SAMPLES, cases, failed, run_case

KINDS = [kind for kind, _, _ in SAMPLES]


def test_cases_are_reproducible_and_cover_every_kind() -> None:
    first = list(cases(70, seed=7))
    assert first == list(cases(70, seed=7))
    assert Counter(case.kind for case in first) == {kind: 10 for kind in KINDS}
    assert any(case.data != list(cases(70, seed=8))[i].data for i, case in enumerate(first))


def test_the_comment_law_catches_a_dropped_comment(monkeypatch: pytest.MonkeyPatch) -> None:
    from tools.fuzz_readers import Case, comments_lost

    case = Case("conditions", "conditions.pfl", b"# above\nA = true  # why\n", ())
    assert comments_lost(case) == []
    monkeypatch.setattr("mdict.write.conditions.format_conditions", lambda profile: "A = true\n")
    assert comments_lost(case) == ["# above", "# why"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_traceback_hang_or_modified_input(seed: int, tmp_path: Path) -> None:
    failures = []
    for case in cases(120, seed=seed):
        for outcome in run_case(case, tmp_path, seconds=10.0):
            if failed(outcome):
                failures.append((case.kind, case.mutations, outcome.command, outcome.error))
    assert failures == []


def test_a_traceback_is_a_failure() -> None:
    from tools.fuzz_readers import Outcome

    assert failed(Outcome("check", 1, "TypeError: boom", 0.1))
    assert failed(Outcome("check", None, "timeout after 10 s", 10.0))
    assert failed(Outcome("check", 3, None, 0.1))
    assert not failed(Outcome("check", 1, None, 0.1))
