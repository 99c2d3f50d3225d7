"""Deadlines about one row of this app name the row as their source (see lastmile.cases.migration_ops)."""

from django.db import migrations

from lastmile.cases.migration_ops import retag_deadlines


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_deadline_source"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("inquiry", "0002_held_results"),
    ]

    operations = [
        retag_deadlines(pattern=r"inquiry_renew_(\d+)", kind="inquiry_renew", source=("inquiry", "freeze")),
    ]
