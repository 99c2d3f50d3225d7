"""Fill ``cases_case.time_limit_ends_on`` (the time limit's nominal last day, kept on the case by
this app's time-limit refresh) for the cases whose limit had started: first day + (6 + approved
extension) months (审限规定 2000 art. 5)."""

from django.db import migrations

TIME_LIMIT_MONTHS = 6  # enforcement.rules.TIME_LIMIT_MONTHS when this migration was written


def fill(apps, schema_editor):
    from lastmile.core.periods import add_months

    EnforcementCase = apps.get_model("enforcement", "EnforcementCase")
    Case = apps.get_model("cases", "Case")
    rows = (
        EnforcementCase.objects.filter(time_limit_starts_on__isnull=False)
        .values_list("case_id", "time_limit_starts_on", "extension_months")
        .order_by("case_id")
    )
    batch = []
    for case_id, starts_on, extension in rows.iterator(chunk_size=5000):
        batch.append(
            Case(pk=case_id, time_limit_ends_on=add_months(starts_on, TIME_LIMIT_MONTHS + extension))
        )
        if len(batch) >= 5000:
            Case.objects.bulk_update(batch, ["time_limit_ends_on"])
            batch = []
    if batch:
        Case.objects.bulk_update(batch, ["time_limit_ends_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_case_time_limit_ends_on"),
        ("enforcement", "0008_assistance_between_courts"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
