"""The database holds what the guardrail checks (issue I.5): one pending or active measure of a
kind per debtor and case (fines and vehicle seizures excepted), one 失信 listing per debtor and
case on the list. Duplicates were closed by 0002."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0002_close_duplicate_measures"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="measure",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ("proposed", "approved", "in_force")))
                & models.Q(("kind__in", ("fine", "vehicle_seizure")), _negated=True),
                fields=("case", "subject", "kind"),
                name="measure_one_active_per_kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="dishonestlisting",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ("grace", "published"))),
                fields=("case", "party"),
                name="listing_one_active_per_debtor_case",
            ),
        ),
    ]
