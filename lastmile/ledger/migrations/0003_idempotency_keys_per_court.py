"""Idempotency keys of transactions, receipts and payouts are unique per court, not globally:
two courts may receive the same key from their banks (issue I.4). Relaxing a unique index: no
existing row can violate the new one."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_ledger_integrity"),
    ]

    operations = [
        migrations.AlterField(
            model_name="payout",
            name="idempotency_key",
            field=models.CharField(max_length=128),
        ),
        migrations.AlterField(
            model_name="receipt",
            name="idempotency_key",
            field=models.CharField(max_length=128),
        ),
        migrations.AlterField(
            model_name="transaction",
            name="idempotency_key",
            field=models.CharField(max_length=160),
        ),
        migrations.AddConstraint(
            model_name="payout",
            constraint=models.UniqueConstraint(
                fields=("court", "idempotency_key"), name="payout_key_per_court"
            ),
        ),
        migrations.AddConstraint(
            model_name="receipt",
            constraint=models.UniqueConstraint(
                fields=("court", "idempotency_key"), name="receipt_key_per_court"
            ),
        ),
        migrations.AddConstraint(
            model_name="transaction",
            constraint=models.UniqueConstraint(
                fields=("court", "idempotency_key"), name="transaction_key_per_court"
            ),
        ),
    ]
