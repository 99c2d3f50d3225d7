from django.apps import AppConfig


class MediationConfig(AppConfig):
    name = "lastmile.mediation"
    label = "mediation"
    verbose_name = "诉前调解"
