from django.apps import AppConfig


class InquiryConfig(AppConfig):
    name = "lastmile.inquiry"
    label = "inquiry"
    verbose_name = "网络查控"
