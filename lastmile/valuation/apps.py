from django.apps import AppConfig


class ValuationConfig(AppConfig):
    name = "lastmile.valuation"
    label = "valuation"
    verbose_name = "财产处置参考价"
