"""Navigation entries shown to staff, by capability."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from lastmile.accounts.permissions import capabilities_of

# (label, URL name, capability). Entries whose URL is not installed are left out.
NAV: list[tuple[str, str, str]] = [
    ("批量立案", "filing:home", "filing.batch"),
    ("诉前调解", "mediation:work", "mediation.work"),
    ("批量审理", "trial:work", "trial.work"),
    ("电子送达", "service:status", "trial.work"),
    ("执行案件", "enforcement:case_list", "enforcement.work"),
    ("值班接待", "portal:duty", "enforcement.work"),
    ("执行案款", "ledger:home", "funds.view"),
    ("批量文书", "documents:home", "document.issue"),
    ("指挥中心", "statistics:dashboard", "stats.view"),
    ("查控指令", "inquiry:queue", "inquiry.order"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "role", ""):
        return {"nav_items": []}
    caps = capabilities_of(user)
    items = []
    for label, name, cap in NAV:
        if cap not in caps:
            continue
        try:
            items.append({"label": label, "url": reverse(name)})
        except NoReverseMatch:
            continue
    return {"nav_items": items}
