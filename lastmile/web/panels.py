"""Panels that stage and capability apps add to the staff case page, in display order.

Each entry names a template and a ``case_panel(request, case)`` function returning its context
(or None to hide the panel). Apps own their panel; the case page only lays them out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from lastmile.cases.models import Case
from lastmile.documents import views as documents_views
from lastmile.enforcement import views as enforcement_views
from lastmile.inquiry import views as inquiry_views
from lastmile.ledger import views as ledger_views
from lastmile.measures import views as measures_views
from lastmile.mediation import views as mediation_views
from lastmile.service import views as service_views
from lastmile.trial import views as trial_views

PanelFn = Callable[[HttpRequest, Case], dict[str, Any] | None]

PANELS: list[tuple[str, PanelFn]] = [
    ("mediation/_case_panel.html", mediation_views.case_panel),
    ("trial/_case_panel.html", trial_views.case_panel),
    ("service/_case_panel.html", service_views.case_panel),
    ("enforcement/_case_panel.html", enforcement_views.case_panel),
    ("inquiry/_case_panel.html", inquiry_views.case_panel),
    ("ledger/_case_panel.html", ledger_views.case_panel),
    ("measures/_case_panel.html", measures_views.case_panel),
    ("documents/_case_panel.html", documents_views.case_panel),
]


def case_panels(request: HttpRequest, case: Case) -> list[dict[str, Any]]:
    panels = []
    for template, fn in PANELS:
        context = fn(request, case)
        if context is not None:
            panels.append({"template": template, "context": context})
    return panels
