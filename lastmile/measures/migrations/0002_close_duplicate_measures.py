"""Before the database holds "one pending or active measure of a kind per debtor and case" and
"one listing per debtor and case" (0003), close the duplicates that check-then-insert let in
when proposals raced (issue I.5: 20 parallel proposals had created 6 published 失信 listings).

Of each group the measure furthest along is kept (in force, then approved, then proposed; the
oldest among equals); the others are revoked with the reason recorded on the row, and their
listings revoked as wrongly entered (失信规定 2017 art. 9), so each debtor appears once. Nothing is
deleted. Fines and vehicle seizures may be several at once and are left alone.
"""

from collections import defaultdict

from django.db import migrations
from django.utils import timezone

PENDING_OR_ACTIVE = ("proposed", "approved", "in_force")
REPEATABLE_KINDS = ("fine", "vehicle_seizure")
LISTED = ("grace", "published")
RANK = {"in_force": 0, "approved": 1, "proposed": 2}


def close_duplicates(apps, schema_editor):
    Measure = apps.get_model("measures", "Measure")
    Listing = apps.get_model("measures", "DishonestListing")
    now = timezone.now()
    today = timezone.localdate(now)
    groups = defaultdict(list)
    rows = (
        Measure.objects.filter(status__in=PENDING_OR_ACTIVE)
        .exclude(kind__in=REPEATABLE_KINDS)
        .order_by("pk")
        .values_list("pk", "case_id", "subject_id", "kind", "status")
    )
    for pk, case_id, subject_id, kind, status in rows:
        groups[(case_id, subject_id, kind)].append((RANK[status], pk))
    revoked = []
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort()
        keep = members[0][1]
        for _rank, pk in members[1:]:
            Measure.objects.filter(pk=pk).update(
                status="revoked", closed_at=now, close_reason=f"与第{keep}号措施重复，系统撤销"[:256]
            )
            revoked.append(pk)
    Listing.objects.filter(measure_id__in=revoked, status__in=LISTED).update(
        status="revoked", removed_on=today, removal_ground="wrongful"
    )
    # Any listings still doubled (whatever their measures say): keep the oldest.
    seen = set()
    for pk, case_id, party_id in (
        Listing.objects.filter(status__in=LISTED).order_by("pk").values_list("pk", "case_id", "party_id")
    ):
        if (case_id, party_id) in seen:
            Listing.objects.filter(pk=pk).update(
                status="revoked", removed_on=today, removal_ground="wrongful"
            )
        seen.add((case_id, party_id))


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(close_duplicates, migrations.RunPython.noop),
    ]
