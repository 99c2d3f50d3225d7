from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "lastmile.measures"
    label = "measures"
    verbose_name = "强制措施与信用惩戒"
