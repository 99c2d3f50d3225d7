from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lastmile.accounts"
    label = "accounts"
    verbose_name = "法院与人员"
