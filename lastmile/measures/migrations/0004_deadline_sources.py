"""Deadlines about one row of this app name the row as their source (see lastmile.cases.migration_ops)."""

from django.db import migrations

from lastmile.cases.migration_ops import retag_deadlines


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_deadline_source"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("measures", "0003_one_active_measure_per_kind"),
    ]

    operations = [
        retag_deadlines(
            pattern=r"measure_review_window_(\d+)",
            kind="measure_review_window",
            source=("measures", "measure"),
        ),
        retag_deadlines(
            pattern=r"measure_review_(\d+)", kind="measure_review", source=("measures", "measurereview")
        ),
        retag_deadlines(
            pattern=r"listing_correction_(\d+)",
            kind="listing_correction",
            source=("measures", "correctionrequest"),
        ),
        retag_deadlines(
            pattern=r"listing_removal_(\d+)", kind="listing_removal", source=("measures", "dishonestlisting")
        ),
    ]
