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
from lastmile.core.errors import ConditionsNotMet, InvalidAmount, InvalidTransition
from lastmile.core.legal import LegalBasis
from lastmile.core.money import to_money
from lastmile.ledger.error_codes import LedgerErrorCode
from lastmile.parties.models import IdType, Party, PartyKind

from ..distribution import Claim, distribute
from ..models import Payout, PayoutKind
from .payouts import payout_request

LEGAL_FORMS = {
    "person": "自然人",
    "enterprise_legal_person": "企业法人",
    "other_organisation": "其他组织（合伙企业、个人独资企业、法人的分支机构等）",
}
OTHER_ORGANISATIONS = LegalBasis("最高人民法院关于适用《中华人民共和国民事诉讼法》的解释", "2022", "52")


def debtor_is_enterprise_legal_person(debtor: Party, *, declared: str = "") -> bool:
    """Whether ``debtor`` is an enterprise legal person (no 参与分配, 民诉解释 2022 art. 514) rather
    than a natural person or 其他组织 (参与分配, arts. 506–510; 其他组织 as art. 52 lists them).

    A stated form wins. Otherwise: a natural person is not; an organisation with a unified social
    credit code (GB 32100-2015) is one when the code says 工商-registered enterprise ("91") and its
    name does not carry "合伙" (a partnership must say so in its name: 合伙企业法 2006 arts. 15, 62);
    个体工商户 ("92") and every other registration are not. Without the code, the form must be
    stated."""
    if declared:
        if declared not in LEGAL_FORMS:
            raise InvalidAmount("被执行人的组织形式无法识别。", details={"form": declared})
        return declared == "enterprise_legal_person"
    if debtor.kind != PartyKind.ORGANISATION:
        return False
    if debtor.id_type != IdType.USCC or len(debtor.id_number) != 18:
        raise ConditionsNotMet(
            f"请说明被执行人{debtor.name}是企业法人还是其他组织：其他组织适用参与分配"
            "（《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第五十二条、第五百零六条），"
            "企业法人按查封先后受偿（第五百一十四条）。",
            unmet=["debtor_legal_form"],
            code=LedgerErrorCode.DEBTOR_LEGAL_FORM_UNKNOWN,
        )
    return debtor.id_number.startswith("91") and "合伙" not in debtor.name


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
    debtor_legal_form: str = "",
) -> list[Payout]:
    """Share ``amount`` of the case account among several creditors by the legal rule and ask
    for each payout: pro rata (参与分配) when the debtor is a natural person or other
    organisation, by order of seizure when it is an enterprise legal person; the surplus returns
    to the debtor (民诉解释 2022 arts. 506–510, 514; 执行工作规定 2020 art. 55). An organisation
    that is not an enterprise legal person (a partnership, a sole proprietorship, a branch: 其他组织,
    民诉解释 2022 art. 52) shares by 参与分配 like a natural person; ``debtor_legal_form`` states it
    (:data:`LEGAL_FORMS`), otherwise :func:`debtor_is_enterprise_legal_person` reads it. Each share
    is a payout, so none exceeds what its creditor is owed (:func:`.payouts.payout_request`)."""
    require(actor, "funds.manage", court=case.court)
    debtors = list(
        Party.objects.filter(roles__case=case, roles__role=PartyRole.RESPONDENT).order_by("roles__position")
    )
    if not debtors:
        raise InvalidTransition("本案没有被执行人，无法确定分配规则。")
    enterprise = debtor_is_enterprise_legal_person(debtors[0], declared=debtor_legal_form)
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
