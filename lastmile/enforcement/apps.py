from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "lastmile.enforcement"
    label = "enforcement"
    verbose_name = "执行实施"
