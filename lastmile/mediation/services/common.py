"""What the mediation actions share: the legal bases of the period and of the two results, the
mediator's capability check, the locked mediation row, and the case's parties by side."""

from __future__ import annotations

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import CREDITOR_ROLES, DEBTOR_ROLES, Case, CaseParty
from lastmile.core.legal import LegalBasis, cpl
from lastmile.parties.models import Party

from ..models import (
    Mediation,
)

BASIS_MEDIATION_PERIOD = LegalBasis("人民法院在线调解规则", "2021", "24")
BASIS_CONFIRMATION = cpl("205、206")
BASIS_STATEMENT = cpl(100)  # a 调解书 takes effect when every party has signed for it
BASIS_RETURN_TO_TRIAL = cpl(102)  # no agreement, or one gone back on before service: judge promptly


def _require_mediator(actor: User, mediation: Mediation) -> None:
    require(actor, "mediation.work", court=mediation.court)


def _lock(mediation: Mediation) -> Mediation:
    return (
        Mediation.objects.select_for_update(of=("self",))
        .select_related("case", "court", "mediator")
        .get(pk=mediation.pk)
    )


def _parties(case: Case) -> tuple[list[Party], list[Party]]:
    rows = CaseParty.objects.filter(case=case).select_related("party").order_by("role", "position")
    creditors = [r.party for r in rows if r.role in CREDITOR_ROLES]
    debtors = [r.party for r in rows if r.role in DEBTOR_ROLES]
    return creditors, debtors
