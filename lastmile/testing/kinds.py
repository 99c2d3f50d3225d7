"""Event kinds that only tests record (the case core's own tests have no stage app's kinds)."""

from __future__ import annotations

from lastmile.cases.kinds import EventKind


class TestEvent(EventKind):
    __test__ = False  # not a pytest test class

    NOTE = "test.note"
    STARTED = "test.started"
    CLOSED = "test.closed"
