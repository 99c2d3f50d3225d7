from django.apps import AppConfig


class WatchConfig(AppConfig):
    name = "lastmile.watch"
    label = "watch"
    verbose_name = "布控预警"
