import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ReadMark",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("seen_event_id", models.PositiveBigIntegerField(default=0, verbose_name="已读至事件")),
                ("seen_on", models.DateField(blank=True, null=True, verbose_name="已读至日期")),
                ("seen_at", models.DateTimeField(blank=True, null=True, verbose_name="最近查看时间")),
            ],
            options={"verbose_name": "通知已读标记", "verbose_name_plural": "通知已读标记"},
        ),
    ]
