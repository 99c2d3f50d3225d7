"""The recorded facts the guardrails read: a person's age, the debt still owed (the ledger), the
grace period running, the latest enterprise screening and the 院长's written override."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lastmile.cases.models import Case
from lastmile.core.money import to_money
from lastmile.parties.models import Party

from ..models import EnterpriseScreening, GracePeriod, GuardrailOverride
from .proposal import Proposal


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def debt_outstanding(case: Case, as_of: date) -> Decimal:
    """What is still owed: the ledger statement when an obligation is recorded, else the claim."""
    from lastmile.ledger.selectors import case_statement

    statement = case_statement(case=case, as_of=as_of)
    if statement is not None:
        return to_money(statement.outstanding_total)
    return to_money(case.amount_claimed or 0)


def _override(proposal: Proposal, rule: str) -> GuardrailOverride | None:
    return (
        GuardrailOverride.objects.filter(
            case=proposal.case, party=proposal.subject, rule=rule, proposal_kind=proposal.kind
        )
        .select_related("granted_by")
        .order_by("-granted_at")
        .first()
    )


def _latest_screening(proposal: Proposal) -> EnterpriseScreening | None:
    return (
        EnterpriseScreening.objects.filter(case=proposal.case, party=proposal.subject)
        .order_by("-screened_at", "-id")
        .first()
    )


def active_grace(case: Case, party: Party, on: date) -> GracePeriod | None:
    return (
        GracePeriod.objects.filter(case=case, party=party, starts_on__lte=on, ends_on__gt=on)
        .order_by("-ends_on")
        .first()
    )
