"""Deadlines about one row of this app name the row as their source (see lastmile.cases.migration_ops)."""

from django.db import migrations

from lastmile.cases.migration_ops import retag_deadlines


def _requery(apps, deadline, seq):
    """Re-query deadlines carried the re-query's sequence number, not its row id."""
    requery = apps.get_model("enforcement", "PropertyRequery")
    return requery.objects.filter(case_id=deadline.case_id, seq=int(seq)).values_list("pk", flat=True).first()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_deadline_source"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("enforcement", "0003_settlement_payment_key_per_court"),
    ]

    operations = [
        retag_deadlines(pattern=r"clue_(\d+)", kind="clue", source=("enforcement", "clue")),
        retag_deadlines(pattern=r"assist_(\d+)", kind="assist", source=("enforcement", "assistancerequest")),
        retag_deadlines(
            pattern=r"settle_(\d+)", kind="settle", source=("enforcement", "settlementinstallment")
        ),
        retag_deadlines(
            pattern=r"requery_(\d+)",
            kind="requery",
            source=("enforcement", "propertyrequery"),
            lookup=_requery,
        ),
    ]
