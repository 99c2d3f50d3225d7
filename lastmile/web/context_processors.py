"""Navigation entries shown to staff, by capability."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from lastmile.accounts.permissions import capabilities_of

# (label, URL name, capability). Every URL name must exist (lastmile/web/tests/test_navigation.py).
NAV: list[tuple[str, str, str]] = [
    ("批量立案", "filing:home", "filing.batch"),
    ("诉前调解", "mediation:work", "mediation.work"),
    ("批量审理", "trial:work", "trial.work"),
    ("电子送达", "service:status", "trial.work"),
    ("执行案件", "enforcement:case_list", "enforcement.work"),
    ("值班接待", "portal:duty", "enforcement.work"),
    ("执行案款", "ledger:unclaimed", "funds.view"),
    ("批量文书", "documents:batch_list", "document.issue"),
    ("指挥中心", "statistics:dashboard", "stats.view"),
    ("查控指令", "inquiry:queue", "inquiry.order"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "role", ""):
        return {"nav_items": []}
    caps = capabilities_of(user)
    items = []
    items = [{"label": label, "url": reverse(name)} for label, name, cap in NAV if cap in caps]
    return {"nav_items": items}
