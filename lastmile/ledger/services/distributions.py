"""Distribution: sharing a case's money among several creditors by the legal rule (参与分配 or
by order of seizure), each share asked for as a payout."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case, PartyRole
from lastmile.core.errors import InvalidTransition
from lastmile.core.money import to_money
from lastmile.parties.models import Party, PartyKind

from ..distribution import Claim, distribute
from ..models import Payout, PayoutKind
from .payouts import payout_request


@dataclass(frozen=True)
class DistributionClaim:
    """A creditor's claim in a distribution: an applicant of this case or, in 参与分配, a creditor
    holding an execution basis in ``payee_case``. ``rank``: 0 costs, 1 priority, 2 ordinary."""

    party: Party
    amount: Decimal
    rank: int = 2
    seized_on: date | None = None
    payee_case: Case | None = None


@transaction.atomic
def distribution_propose(
    *,
    case: Case,
    amount: Decimal,
    claims: Sequence[DistributionClaim],
    actor: User,
    now: datetime,
    idempotency_key: str,
) -> list[Payout]:
    """Share ``amount`` of the case account among several creditors by the legal rule and ask
    for each payout: pro rata (参与分配) when the debtor is a natural person or other
    organisation, by order of seizure when it is an enterprise legal person; the surplus returns
    to the debtor (民诉解释 2022 arts. 506–510, 514; 执行工作规定 2020 art. 55)."""
    require(actor, "funds.manage", court=case.court)
    debtors = list(
        Party.objects.filter(roles__case=case, roles__role=PartyRole.RESPONDENT).order_by("roles__position")
    )
    if not debtors:
        raise InvalidTransition("本案没有被执行人，无法确定分配规则。")
    enterprise = debtors[0].kind == PartyKind.ORGANISATION
    by_key = {f"p{c.party.pk}": c for c in claims}
    shares, surplus = distribute(
        to_money(amount),
        [Claim(k, to_money(c.amount), c.rank, c.seized_on) for k, c in by_key.items()],
        debtor_is_enterprise=enterprise,
    )
    payouts = []
    for share in shares:
        if share.amount <= 0:
            continue
        c = by_key[share.key]
        payouts.append(
            payout_request(
                case=case,
                kind=PayoutKind.APPLICANT,
                amount=share.amount,
                actor=actor,
                now=now,
                idempotency_key=f"{idempotency_key}:{share.key}",
                payee_party=c.party,
                payee_case=c.payee_case,
                note=f"分配：{share.basis}",
            )
        )
    if surplus > 0:
        payouts.append(
            payout_request(
                case=case,
                kind=PayoutKind.DEBTOR_REFUND,
                amount=surplus,
                actor=actor,
                now=now,
                idempotency_key=f"{idempotency_key}:surplus",
                payee_party=debtors[0],
                note="分配后剩余，退还被执行人",
            )
        )
    return payouts
