# The open cases by their time limit's nominal last day, for the statistics' list of the cases
# longest overdue (docs/benchmarks.md "statistics", fifth round). One index, nothing else.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_case_enforcement_track"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("closed_at__isnull", True)),
                fields=["time_limit_ends_on", "id"],
                include=("court", "type_code", "filed_at"),
                name="case_open_by_limit_end",
            ),
        ),
    ]
