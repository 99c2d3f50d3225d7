"""``manage.py flush`` empties the audit trail too (as PostgreSQL's TRUNCATE does): on SQLite the
DELETE trigger on the trail lets a flush through and refuses every other DELETE."""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand

from lastmile.cases.audit import flush_allowed


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        with flush_allowed():
            super().handle(**options)
