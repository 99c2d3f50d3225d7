from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "lastmile.web"
    label = "web"
    verbose_name = "页面"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deploy checks)
