"""Marking notifications read: the only write this app makes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from lastmile.cases.models import CaseEvent

from .models import ReadMark


@transaction.atomic
def notifications_mark_read(*, user: Any, now: datetime) -> ReadMark:
    """Everything ``user`` could see up to ``now`` is read: events up to the latest recorded one,
    deadlines that have come near by today, party events up to ``now``."""
    latest = CaseEvent.objects.aggregate(m=Max("pk"))["m"] or 0
    mark, _created = ReadMark.objects.select_for_update().get_or_create(user_id=user.pk)
    mark.seen_event_id = max(mark.seen_event_id, latest)
    mark.seen_on = timezone.localtime(now).date() if timezone.is_aware(now) else now.date()
    mark.seen_at = now
    mark.save()
    return mark
