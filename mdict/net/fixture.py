"""The ``mdict_scp`` pytest fixture: a validating SCP on a free loopback
port for one test::

    def test_modality_sends_valid_images(mdict_scp):
        run_device(host="127.0.0.1", port=mdict_scp.port, called_ae=mdict_scp.ae_title)
        mdict_scp.assert_valid()

    @pytest.mark.mdict_scp(strict=True, worklist="tests/data/worklist")
    def test_worklist_query(mdict_scp): ...

The marker's keywords go to :class:`~mdict.net.scp.ValidatingSCP`
(``store``, ``worklist``, ``answers``, ``strict``, ``ae_title``,
``commitment_port``, ``level``). ``--mdict-db FILE`` names the database.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from mdict.net.records import Association, Message
    from mdict.net.scp import ValidatingSCP
    from mdict.validation.findings import Finding

MARKER = "mdict_scp(**options): options of the SCP the mdict_scp fixture starts"


class ScpUnderTest:
    """What the test sees of the SCP: where it listens, what it received."""

    def __init__(self, scp: ValidatingSCP) -> None:
        self.scp = scp

    @property
    def port(self) -> int:
        return self.scp.port

    @property
    def host(self) -> str:
        return self.scp.host

    @property
    def ae_title(self) -> str:
        return self.scp.ae_title

    @property
    def received(self) -> list[Message]:
        """Every message received so far, in order."""
        return list(self.scp.checker.received)  # a copy: appended to by other threads

    @property
    def associations(self) -> list[Association]:
        """Every association ended so far (released, aborted, closed)."""
        return list(self.scp.checker.associations)

    @property
    def findings(self) -> list[Finding]:
        """Every finding of every message received."""
        return self.scp.checker.findings

    def wait(self, messages: int = 0, associations: int = 0, timeout: float = 10.0) -> None:
        """Wait (at most ``timeout`` seconds) until that many messages were
        received and associations ended; fail the test otherwise."""
        deadline = time.monotonic() + timeout
        while len(self.received) < messages or len(self.associations) < associations:
            if time.monotonic() > deadline:
                pytest.fail(
                    f"mdict_scp: {len(self.received)} of {messages} messages and "
                    f"{len(self.associations)} of {associations} associations after {timeout} s"
                )
            time.sleep(0.01)

    def assert_valid(self, level: str = "errors", ignore: Collection[str] = ()) -> None:
        """Fail the test if a message received has a finding at ``level``
        (errors, warnings or info) or above, listing those messages."""
        from mdict.net.records import finding_lines
        from mdict.validation.findings import LEVELS

        rank = LEVELS[level.rstrip("s")]
        lines = []
        failing = 0
        for message in self.received:
            bad = [
                f for f in message.findings if LEVELS[f.severity] <= rank and f.code not in ignore
            ]
            if bad:
                failing += 1
                data = message.to_dict() | {"findings": [f.to_dict() for f in bad]}
                lines += [message.line(), *finding_lines(data, rank)]
        if failing:
            count = len(self.received)
            head = f"{failing} of {count} message{'' if count == 1 else 's'} received not valid:"
            raise AssertionError("\n".join([head, *lines]))


@pytest.fixture
def mdict_scp(request: pytest.FixtureRequest) -> Iterator[ScpUnderTest]:
    """A validating SCP on a free port of 127.0.0.1 for one test."""
    from mdict.net.scp import ValidatingSCP
    from mdict.validation.pytest_plugin import _database

    marker = request.node.get_closest_marker("mdict_scp")
    options: dict[str, Any] = dict(marker.kwargs) if marker is not None else {}
    options.setdefault("host", "127.0.0.1")
    scp = ValidatingSCP(_database(request.config), port=0, **options)
    scp.start()
    try:
        yield ScpUnderTest(scp)
    finally:
        scp.stop()
