"""Fill ``cases_case.enforcement_track`` (the triage track, kept on the case by this app wherever it
sets or changes ``EnforcementCase.track``) for every existing enforcement case, in one UPDATE."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    EnforcementCase = apps.get_model("enforcement", "EnforcementCase")
    Case = apps.get_model("cases", "Case")
    track = EnforcementCase.objects.filter(case_id=OuterRef("pk")).values("track")[:1]
    Case.objects.filter(pk__in=EnforcementCase.objects.values("case_id")).update(
        enforcement_track=Subquery(track)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_case_enforcement_track"),
        ("enforcement", "0009_case_time_limit_ends_on"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
