"""Exports of the published 失信 list for other channels (失信规定 2017 art. 7)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.core.errors import ConditionsNotMet

from ..guardrails import local_date
from ..models import DishonestListing, ListingStatus, PublicationChannel, PublicationExport
from ..selectors import court_id_of


@transaction.atomic
def publication_export_create(
    *, actor: User, channel: str, now: datetime, limit: int = 200
) -> PublicationExport:
    """An export of the court's published list for a newspaper, WeChat article or LED screen,
    recording the person-times it publishes (失信规定 2017 art. 7)."""
    require(actor, "measure.propose", court=actor.court)
    if channel not in PublicationChannel.values:
        raise ConditionsNotMet("未知的发布渠道。", unmet=["channel"])
    today = local_date(now)
    ids = list(
        DishonestListing.objects.filter(
            court_id=court_id_of(actor), status=ListingStatus.PUBLISHED, publish_on__lte=today
        )
        .order_by("-publish_on", "-id")
        .values_list("pk", flat=True)[:limit]
    )
    return PublicationExport.objects.create(
        court_id=court_id_of(actor),
        channel=channel,
        listing_ids=ids,
        person_times=len(ids),
        created_by=actor,
        created_at=now,
    )
