"""The service app's event and deadline kinds (see :mod:`lastmile.cases.kinds`)."""

from __future__ import annotations

from lastmile.cases.kinds import EventKind


class ServiceEvent(EventKind):
    SENT = "service.sent"
    ATTEMPT = "service.attempt"
    FAILED = "service.failed"
    PUBLIC_NOTICE = "service.public_notice"
    SERVED = "service.served"
