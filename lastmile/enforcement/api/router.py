"""The enforcement API's one router and the helpers its endpoints share: the acting user, the
clock, the case or row the user may see (another court's answers 404), and a case's full detail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router

from lastmile.accounts.models import User
from lastmile.core.clock import get_clock

from .. import selectors
from .schemas import ConditionOut, EnforcementOut

router = Router(tags=["enforcement"])


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _now() -> datetime:
    return get_clock().now()


def _case(request: HttpRequest, case_id: int) -> Any:
    return selectors.enforcement_case_get(actor=_actor(request), case_id=case_id)


def _row(request: HttpRequest, model: type[Any], pk: int) -> Any:
    return selectors.case_row_get_for(actor=_actor(request), model=model, pk=pk)


def _detail(request: HttpRequest, case: Any) -> EnforcementOut:
    sheet = selectors.enforcement_sheet(case=case, actor=_actor(request), today=get_clock().today())
    ec = sheet.ec
    return EnforcementOut(
        id=case.pk,
        number=case.number,
        type_code=case.type_code,
        status=case.status,
        status_label=case.get_status_display(),
        parent=case.parent.number if case.parent_id else None,
        officer=case.officer.name if case.officer_id else None,
        team=case.team.name if case.team_id else None,
        channel=ec.channel,
        basis_kind=ec.basis_kind,
        basis_issuer=ec.basis_issuer,
        basis_number=ec.basis_number,
        basis_effective_on=ec.basis_effective_on,
        performance_deadline=ec.performance_deadline,
        principal=ec.principal,
        non_money_acts=ec.non_money_acts,
        application_deadline=ec.application_deadline,
        late_application=ec.late_application,
        track=ec.track,
        triage_score=ec.triage_score,
        triage_reasons=ec.triage_reasons,
        time_limit_due_on=ec.time_limit_due_on,
        extension_months=ec.extension_months,
        closing_method=ec.closing_method,
        closing_reason=ec.closing_reason,
        actions=sheet.actions,
        zhongben_conditions=[ConditionOut(**c.as_dict()) for c in sheet.conditions],
    )
