"""The valuation app's event kinds (see :mod:`lastmile.cases.kinds`)."""

from __future__ import annotations

from lastmile.cases.kinds import EventKind


class ValuationEvent(EventKind):
    STARTED = "valuation.started"
    ANSWERED = "valuation.answered"
    EXTENDED = "valuation.extended"
    PRICED = "valuation.priced"
    FAILED = "valuation.failed"
    OBJECTED = "valuation.objected"
    OBJECTION_DECIDED = "valuation.objection_decided"
