from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "lastmile.portal"
    label = "portal"
    verbose_name = "诉讼服务门户"
