from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "lastmile.statistics"
    label = "statistics"
    verbose_name = "统计与指挥中心"
