"""Load or update the courts from the court-code table (``lastmile/accounts/data/courts.json``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from lastmile.accounts.services import COURTS_FILE, courts_load


class Command(BaseCommand):
    help = "从法院代码表载入或更新法院（法〔2015〕137号）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--path", default=str(COURTS_FILE), help="courts.json 的路径")

    def handle(self, *args: Any, **options: Any) -> None:
        courts = courts_load(path=Path(options["path"]))
        self.stdout.write(f"已载入{len(courts)}个法院。")
