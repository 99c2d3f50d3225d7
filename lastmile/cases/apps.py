from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "lastmile.cases"
    label = "cases"
    verbose_name = "案件"
