"""Settlement payment keys are unique per court (issue I.4): the court becomes required and the
global unique index gives way to one per court. Relaxing a unique index: no existing row can
violate the new one."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enforcement", "0002_settlement_payment_court"),
    ]

    operations = [
        migrations.AlterField(
            model_name="settlementpayment",
            name="court",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.court"
            ),
        ),
        migrations.AlterField(
            model_name="settlementpayment",
            name="idempotency_key",
            field=models.CharField(max_length=128),
        ),
        migrations.AddConstraint(
            model_name="settlementpayment",
            constraint=models.UniqueConstraint(
                fields=("court", "idempotency_key"), name="settlement_payment_key_per_court"
            ),
        ),
    ]
