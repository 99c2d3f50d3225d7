"""``Case.time_limit_first_pause_on``: the first day of the earliest excluded period (a copy the
enforcement app keeps, filled for the existing cases by enforcement 0011), in the open cases'
statistics index."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_rate_counter_unlogged'),
        ('cases', '0010_case_open_by_limit_end'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='case',
            name='case_open_statistics',
        ),
        migrations.AddField(
            model_name='case',
            name='time_limit_first_pause_on',
            field=models.DateField(blank=True, null=True, verbose_name='首个扣除期间起始日'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('closed_at__isnull', True)), fields=['court', 'type_code', 'filed_at', 'team', 'officer', 'closing_method', 'enforcement_track', 'time_limit_ends_on', 'time_limit_first_pause_on', 'closed_at', 'id'], name='case_open_statistics'),
        ),
    ]
