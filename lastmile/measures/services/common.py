"""Helpers shared by the measures services: the locked measure, closing a measure, month steps."""

from __future__ import annotations

from datetime import datetime

from lastmile.accounts.models import User
from lastmile.cases.models import DEBTOR_ROLES, Case, CaseParty
from lastmile.cases.services import case_event_record
from lastmile.core.errors import NotFound
from lastmile.core.legal import LegalBasis
from lastmile.measures.kinds import MeasuresEvent
from lastmile.parties.models import Party

from .. import rules
from ..models import Measure, MeasureKind, MeasureStatus


def _is_debtor(case: Case, party: Party) -> bool:
    return CaseParty.objects.filter(case=case, party=party, role__in=DEBTOR_ROLES).exists()


def _basis(kind: str) -> LegalBasis:
    return rules.KINDS[kind].basis


def _locked_measure(measure_id: int, actor: User) -> Measure:
    m = (
        Measure.objects.select_for_update(of=("self",))
        .select_related("case", "subject", "court")
        .filter(pk=measure_id)
        .first()
    )
    if m is None or m.court_id != actor.court_id:
        raise NotFound("措施不存在或您无权查看。")
    return m


def _close(m: Measure, *, status: str, reason: str, actor: User | None, now: datetime) -> None:
    m.status = status
    m.closed_at = now
    m.close_reason = reason[:256]
    m.save(update_fields=["status", "closed_at", "close_reason"])
    basis = rules.consumption("9") if m.kind == MeasureKind.CONSUMPTION_RESTRICTION else _basis(m.kind)
    case_event_record(
        case=m.case,
        kind=MeasuresEvent(f"measures.{status}"),
        summary=f"{m.get_kind_display()}{MeasureStatus(status).label}：{m.subject.name}（{reason}）"[:256],
        actor=actor,
        now=now,
        data={"measure": m.pk, "reason": reason},
        legal_basis=basis,
    )
