"""Drop the single-column indexes of ``Receipt.court``/``case`` and ``Transaction.court``/``case``.

Each is the leading column of a composite index the model already has (receipt: (court, case),
(court, idempotency_key), (case, effective_on); transaction: (court, at), (court, idempotency_key),
(case, at)), which serves the same look-ups and the foreign keys' checks; every index is written once
per row, and a bank statement writes thousands of receipts and transactions at once. Only the
indexes are dropped (``DROP INDEX``): Django's ``AlterField`` would re-create the foreign keys on
PostgreSQL and rebuild the tables on SQLite, where that also drops the append-only triggers of
migration 0002.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = [
    ("ledger_receipt", "ledger_receipt_case_id_4291e448", "case_id"),
    ("ledger_receipt", "ledger_receipt_court_id_634ab50c", "court_id"),
    ("ledger_transaction", "ledger_transaction_case_id_f3667dcb", "case_id"),
    ("ledger_transaction", "ledger_transaction_court_id_adc8e7ac", "court_id"),
]


class Migration(migrations.Migration):
    dependencies = [("ledger", "0009_balance_check_by_transaction")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "{table}" ("{column}")',
                )
                for table, name, column in INDEXES
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="receipt",
                    name="case",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="receipts",
                        to="cases.case",
                    ),
                ),
                migrations.AlterField(
                    model_name="receipt",
                    name="court",
                    field=models.ForeignKey(
                        db_index=False, on_delete=django.db.models.deletion.PROTECT, to="accounts.court"
                    ),
                ),
                migrations.AlterField(
                    model_name="transaction",
                    name="case",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cases.case",
                    ),
                ),
                migrations.AlterField(
                    model_name="transaction",
                    name="court",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.court",
                    ),
                ),
            ],
        )
    ]
