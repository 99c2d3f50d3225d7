"""Fixtures of the journeys: each walks one use case across several apps, so it borrows the apps'
test kit (``lastmile.testing``): a filed 执 case, and the inquiry wire (a real simulator over HTTP,
callbacks through the real view on a virtual clock)."""

from __future__ import annotations

import pytest

from lastmile.testing.enforcement import file_case
from lastmile.testing.wire import demo_mode, inquiry_settings, relay, sim, wire

__all__ = ["demo_mode", "file_case", "inquiry_settings", "relay", "sim", "wire"]


# --- issue K items 2, 3, 8: a filed case whose notices are served and whose debtor is listed ---


@pytest.fixture
def serve_notices(officer):
    """Record the 执行通知书 (with its 失信 risk warning) and the 报告财产令 as sent, which issues
    them, and serve them on every debtor on ``served_at`` (失信规定 2017 arts. 1, 5)."""
    from lastmile.cases.models import DEBTOR_ROLES
    from lastmile.documents.models import Document
    from lastmile.enforcement.models import StepKind
    from lastmile.enforcement.services import procedure_step_record
    from lastmile.service.models import OrderStatus, ServiceOrder

    def _serve(case, now, *, report=True, served_at=None):
        kinds = [StepKind.EXECUTION_NOTICE] + ([StepKind.PROPERTY_REPORT_ORDER] if report else [])
        for kind in kinds:
            procedure_step_record(case=case, kind=kind, actor=officer, now=now)
        codes = ["enforcement_notice"] + (["property_report_order"] if report else [])
        served_at = served_at or now
        for doc in Document.objects.filter(case=case, template__code__in=codes):
            for row in case.case_parties.filter(role__in=DEBTOR_ROLES):
                order, _ = ServiceOrder.objects.get_or_create(
                    document=doc,
                    recipient=row.party,
                    defaults={
                        "court": case.court,
                        "case": case,
                        "status": OrderStatus.SENT,
                        "created_at": now,
                    },
                )
                order.status, order.served_at, order.served_on = (
                    OrderStatus.SERVED,
                    served_at,
                    served_at.date(),
                )
                order.save(update_fields=["status", "served_at", "served_on"])

    return _serve


@pytest.fixture
def take_measure(officer, president):
    """Propose a measure as the officer and have the 院长 approve it."""
    from lastmile.measures.guardrails import Proposal
    from lastmile.measures.services import measure_approve, measure_propose

    def _take(case, subject, kind, now, **terms):
        m = measure_propose(
            actor=officer,
            proposal=Proposal(kind=kind, case=case, subject=subject, **terms),
            reason="经执行通知仍未履行",
            now=now,
            acknowledge_warnings=True,
        )
        if m.needs_president:
            m = measure_approve(actor=president, measure_id=m.pk, now=now)
        m.refresh_from_db()
        return m

    return _take
