"""Demo data of 布控: one vehicle watched in a demo enforcement case, so the simulator's cars
raise an alert within minutes of ``lastmile run`` even before any seizure is registered."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from lastmile.cases.models import Case, CaseStatus

from .models import WatchEntry, WatchKind
from .services import watch_entry_add

# One demo car per demo court; each has confusable characters (5/S, 0/D, 8/B, 2/Z).
DEMO_PLATES = {"湘0104": "湘A5D802", "湘0702": "湘J3D8K2", "湘0682": "湘F2B50S"}


def demo_watch_ensure(*, now: datetime) -> list[WatchEntry]:
    """For each demo court without a watched vehicle: watch its demo car in the first open
    enforcement case with an officer (as that officer would, with a seizure ruling number)."""
    made: list[WatchEntry] = []
    for code, plate in DEMO_PLATES.items():
        if WatchEntry.objects.filter(
            court__code=code, kind=WatchKind.VEHICLE, ended_at__isnull=True
        ).exists():
            continue
        case = (
            Case.objects.filter(court__code=code, officer__isnull=False, number__contains="执")
            .filter(~Q(status=CaseStatus.CLOSED))
            .select_related("court", "officer")
            .order_by("id")
            .first()
        )
        if case is None or case.officer is None:
            continue
        made.append(
            watch_entry_add(
                actor=case.officer,
                case=case,
                plate=plate,
                ruling_number=f"（{now.year}）{code}执保{case.pk}号",
                note="演示：被执行人名下车辆，已查封未控制",
                now=now,
            )
        )
    return made
