from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "lastmile.web"
    label = "web"
    verbose_name = "页面"
