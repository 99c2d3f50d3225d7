from django.apps import AppConfig


class FilingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lastmile.filing"
    label = "filing"
    verbose_name = "批量立案"
