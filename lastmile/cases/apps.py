from __future__ import annotations

from typing import Any

from django.apps import AppConfig


def _sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """The DELETE trigger on the audit trail asks this function whether a flush is running."""
    if connection.vendor == "sqlite":
        from .audit import sqlite_delete_allowed

        connection.connection.create_function("lastmile_audit_delete_allowed", 0, sqlite_delete_allowed)


def _settings_changed(setting: str, **kwargs: Any) -> None:
    if setting in ("LASTMILE", "DATA_DIR"):
        from .audit import audit_key_reset

        audit_key_reset()


class CasesConfig(AppConfig):
    name = "lastmile.cases"
    label = "cases"
    verbose_name = "案件"

    def ready(self) -> None:
        from django.core.signals import setting_changed
        from django.db.backends.signals import connection_created
        from django.utils.module_loading import autodiscover_modules

        from . import checks  # noqa: F401 - registers the deploy check of the audit key

        connection_created.connect(_sqlite_functions, dispatch_uid="lastmile_audit_sqlite")
        setting_changed.connect(_settings_changed, dispatch_uid="lastmile_audit_settings")
        # Each app's ``audit`` module registers the witnesses of its rows recorded in the chain.
        autodiscover_modules("audit")
