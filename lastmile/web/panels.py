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
from lastmile.inquiry import views_takings as takings_views
from lastmile.ledger import views as ledger_views
from lastmile.measures import views as measures_views
from lastmile.mediation import views as mediation_views
from lastmile.service import views as service_views
from lastmile.trial import views as trial_views
from lastmile.valuation import views as valuation_views

PanelFn = Callable[[HttpRequest, Case], dict[str, Any] | None]

#: The tabs of the case file, in order (issue M item 6): a court reads a file by these headings.
TABS: list[tuple[str, str]] = [
    ("overview", "概况"),
    ("parties", "当事人"),
    ("property", "查控与财产"),
    ("measures", "强制措施"),
    ("money", "案款"),
    ("documents", "文书与送达"),
    ("timeline", "时间轴与期限"),
]

#: (tab, template, panel function).
PANELS: list[tuple[str, str, PanelFn]] = [
    ("overview", "mediation/_case_panel.html", mediation_views.case_panel),
    ("overview", "trial/_case_panel.html", trial_views.case_panel),
    ("overview", "enforcement/_case_panel.html", enforcement_views.case_panel),
    ("property", "inquiry/_case_panel.html", inquiry_views.case_panel),
    ("property", "inquiry/_takings_panel.html", takings_views.case_panel),
    ("property", "valuation/_case_panel.html", valuation_views.case_panel),
    ("money", "ledger/_case_panel.html", ledger_views.case_panel),
    ("measures", "measures/_case_panel.html", measures_views.case_panel),
    ("documents", "documents/_case_panel.html", documents_views.case_panel),
    ("documents", "service/_case_panel.html", service_views.case_panel),
]


def case_panels(request: HttpRequest, case: Case) -> list[dict[str, Any]]:
    panels = []
    for tab, template, fn in PANELS:
        context = fn(request, case)
        if context is not None:
            panels.append({"tab": tab, "template": template, "context": context})
    return panels


def case_tabs(panels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tabs with the panels each holds (parties and the time line are the page's own)."""
    return [
        {"key": key, "label": label, "panels": [p for p in panels if p["tab"] == key]} for key, label in TABS
    ]
