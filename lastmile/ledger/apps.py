from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "lastmile.ledger"
    label = "ledger"
    verbose_name = "执行案款"
