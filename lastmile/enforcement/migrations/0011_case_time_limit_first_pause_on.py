"""Fill ``cases_case.time_limit_first_pause_on`` (the first day of the case's earliest excluded
period, 审限规定 2000 art. 9, kept on the case by this app when it records one) for the cases that
have excluded periods."""

from django.db import migrations
from django.db.models import Min


def fill(apps, schema_editor):
    TimeLimitPause = apps.get_model("enforcement", "TimeLimitPause")
    Case = apps.get_model("cases", "Case")
    rows = TimeLimitPause.objects.values("case_id").annotate(first=Min("started_on")).order_by("case_id")
    batch = []
    for row in rows.iterator(chunk_size=5000):
        batch.append(Case(pk=row["case_id"], time_limit_first_pause_on=row["first"]))
        if len(batch) >= 5000:
            Case.objects.bulk_update(batch, ["time_limit_first_pause_on"])
            batch = []
    if batch:
        Case.objects.bulk_update(batch, ["time_limit_first_pause_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_case_time_limit_first_pause_on"),
        ("enforcement", "0010_case_enforcement_track"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
