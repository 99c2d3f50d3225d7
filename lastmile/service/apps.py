from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "lastmile.service"
    label = "service"
    verbose_name = "电子送达"
