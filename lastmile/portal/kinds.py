"""The portal app's event and deadline kinds (see :mod:`lastmile.cases.kinds`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lastmile.cases.kinds import DeadlineKind, EventKind


class PortalEvent(EventKind):
    BOOKED = "reception.booked"
    CANCELLED = "reception.cancelled"
    RECEIVED = "reception.received"
    WALK_IN = "reception.walk_in"
    REQUEST_SUBMITTED = "portal.request_submitted"
    REQUEST_ANSWERED = "portal.request_answered"
    HEARING_LINK_GIVEN = "portal.hearing_link_given"


class PortalDeadline(DeadlineKind):
    ANSWER = "party_request", _("答复当事人网上申请")
