"""The portal app's event and deadline kinds (see :mod:`lastmile.cases.kinds`)."""

from __future__ import annotations

from lastmile.cases.kinds import EventKind


class PortalEvent(EventKind):
    BOOKED = "reception.booked"
    CANCELLED = "reception.cancelled"
    RECEIVED = "reception.received"
