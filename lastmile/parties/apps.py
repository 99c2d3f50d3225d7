from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "lastmile.parties"
    label = "parties"
    verbose_name = "当事人"
