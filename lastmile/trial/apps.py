from django.apps import AppConfig


class TrialConfig(AppConfig):
    name = "lastmile.trial"
    label = "trial"
    verbose_name = "批量审理"
