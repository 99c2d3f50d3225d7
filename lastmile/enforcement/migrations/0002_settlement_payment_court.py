"""Settlement payment keys are unique per court, not globally (issue I.4): a payment carries its
court, filled for existing rows from the settlement's case, and the global unique index gives
way to one per court (0003). This step adds and fills the court; PostgreSQL will not alter a
table with pending deferred checks in the same transaction, hence two migrations."""

import django.db.models.deletion
from django.db import migrations, models


def fill_court(apps, schema_editor):
    SettlementPayment = apps.get_model("enforcement", "SettlementPayment")
    for payment in SettlementPayment.objects.select_related("installment__settlement__case").iterator():
        payment.court_id = payment.installment.settlement.case.court_id
        payment.save(update_fields=["court"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("enforcement", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="settlementpayment",
            name="court",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.court",
            ),
        ),
        migrations.RunPython(fill_court, migrations.RunPython.noop),
    ]
