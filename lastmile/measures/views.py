"""Pages of this app, and its panel on the staff case page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lastmile.cases.models import Case


def case_panel(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """Context for this app's panel on the case page, or None when it has nothing to show."""
    return None
