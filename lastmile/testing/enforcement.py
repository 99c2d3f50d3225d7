"""Enforcement test kit: an execution basis, a filed 执 case, times in Beijing, and the way to a
lawful 终本 through the real services of every app that owns one of its facts. Shared by the
enforcement app's tests and the cross-app journeys in ``tests/flows``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from lastmile.cases.models import Case, CaseParty, PartyRole
from lastmile.enforcement.models import StepKind
from lastmile.enforcement.services import (
    ExecutionBasisIn,
    enforcement_file,
    procedure_step_record,
    zhongben_opinion_record,
)
from lastmile.inquiry.models import Order, OrderKind, OrderStatus
from lastmile.inquiry.services import inbox_receive, inquiry_start
from lastmile.ledger.services import CostItem
from lastmile.measures.guardrails import Proposal
from lastmile.measures.models import MeasureKind
from lastmile.measures.services import dishonest_not_applicable_record, measure_approve, measure_propose
from lastmile.parties.models import ElectronicAddress, Party
from lastmile.parties.services import e_address_record

BJ = timezone.get_fixed_timezone(480)


def at(y: int, m: int, d: int, hour: int = 10) -> datetime:
    return datetime(y, m, d, hour, 0, tzinfo=BJ)


def basis(principal: str = "100000", **kw: Any) -> ExecutionBasisIn:
    values: dict[str, Any] = {
        "kind": "judgment",
        "issuer": "长沙市岳麓区人民法院",
        "number": "（2025）湘0104民初1234号",
        "effective_on": date(2025, 1, 10),
        "performance_deadline": date(2025, 1, 20),
        "principal": Decimal(principal),
        "costs": [CostItem(kind="acceptance_fee", label="案件受理费", amount=Decimal("2300"))],
    }
    values.update(kw)
    return ExecutionBasisIn(**values)


@pytest.fixture
def file_case(yuelu, clerk, officer, bank, debtor):
    """Files a 执 case at 岳麓 (bank against debtor) at the given time; keywords override."""

    def _file(now: datetime, **kw: Any):
        params: dict[str, Any] = {
            "court": yuelu,
            "basis": basis(),
            "applicants": [bank],
            "respondents": [debtor],
            "actor": clerk,
            "now": now,
            "cause": "金融借款合同纠纷",
        }
        params.update(kw)
        return enforcement_file(**params)

    return _file


# --- The way to a lawful 终本 (终本规定 2016 art. 1; 民诉解释 2022 art. 517) ----------------------


def _parties(case: Case, role: str) -> list[Party]:
    return [
        cp.party
        for cp in CaseParty.objects.filter(case=case, role=role).select_related("party").order_by("position")
    ]


def e_service_consent(party: Party, now: datetime) -> ElectronicAddress:
    """The party agreed to electronic service at an address it provided (CPL 2023 art. 90), so a
    document sent to it is served on arrival."""
    return e_address_record(
        party=party, channel="sms", address=f"1380000{party.pk:04d}", now=now, consent_kind="express"
    )


def notices_served(case: Case, *, officer, now: datetime) -> None:
    """执行通知书 and 报告财产令 issued and served on every debtor (art. 1(1))."""
    for debtor in _parties(case, PartyRole.RESPONDENT):
        e_service_consent(debtor, now)
    for kind in (StepKind.EXECUTION_NOTICE, StepKind.PROPERTY_REPORT_ORDER):
        procedure_step_record(case=case, kind=kind, actor=officer, now=now)


def restrictions_in_force(case: Case, *, officer, president, now: datetime) -> None:
    """A 限制消费令 approved by the 院长 against every debtor, and the reason each is not listed
    as 失信 (art. 1(2))."""
    for debtor in _parties(case, PartyRole.RESPONDENT):
        m = measure_propose(
            actor=officer,
            proposal=Proposal(kind=MeasureKind.CONSUMPTION_RESTRICTION, case=case, subject=debtor),
            reason="经执行通知仍未履行",
            now=now,
            acknowledge_warnings=True,
        )
        measure_approve(actor=president, measure_id=m.pk, now=now, document_number=f"{case.number}之一")
        dishonest_not_applicable_record(
            actor=officer,
            case=case,
            party=debtor,
            reason="被执行人确无履行能力，不符合纳入失信名单条件",
            now=now,
        )


def inquiry_answered_empty(case: Case, *, officer, now: datetime) -> list[Order]:
    """一键查控 of every debtor at every institution, each answering that it holds nothing (art. 1(3))."""
    orders = inquiry_start(case=case, actor=officer, now=now)
    for order in orders:
        inbox_receive(
            institution=order.institution,
            message={
                "message_id": f"empty-{order.key}",
                "order_id": order.key,
                "status": "done",
                "result": {"assets": []},
            },
            now=now,
        )
    assert (
        not Order.objects.filter(case=case, kind=OrderKind.INQUIRE).exclude(status=OrderStatus.DONE).exists()
    )
    return orders


def applicant_assent(case: Case, *, officer, now: datetime) -> None:
    """约谈 recorded and the applicant's signed agreement to 终本 (民诉解释 2022 art. 517)."""
    procedure_step_record(
        case=case,
        kind=StepKind.APPLICANT_INTERVIEW,
        actor=officer,
        now=now,
        note="告知财产调查情况及终本后果",
    )
    applicant = _parties(case, PartyRole.APPLICANT)[0]
    zhongben_opinion_record(
        case=case,
        actor=officer,
        now=now,
        signed_by=applicant.name,
        content="已知悉财产调查情况及终本后果，同意终结本次执行程序",
        agrees=True,
    )


def zhongben_ready(case: Case, *, officer, president, now: datetime) -> Case:
    """Bring a filed 执 case, through the real services, to where every 终本 condition but the
    3 months since filing holds: notices served, 限消 in force and the 失信 reason recorded for
    every debtor, 网络查控 answered empty, the applicant interviewed and agreeing. Close it by
    终本 more than 3 months after filing and within 3 months of ``now``."""
    notices_served(case, officer=officer, now=now)
    restrictions_in_force(case, officer=officer, president=president, now=now)
    inquiry_answered_empty(case, officer=officer, now=now)
    applicant_assent(case, officer=officer, now=now)
    case.refresh_from_db()
    return case


def payment_received(
    case: Case, *, amount: Decimal, actor, now: datetime, idempotency_key: str, finance=None, **kw: Any
) -> Decimal:
    """The officer reports a payment (登记到账款项) and finance confirms it at once against the
    execution account, as a court does when the money is there; returns what is still owed.
    ``finance`` defaults to a finance clerk of the case's court (made when there is none)."""
    from lastmile.accounts.models import Role, User
    from lastmile.enforcement.services import payment_confirm, payment_record
    from lastmile.testing.factories import UserFactory

    report = payment_record(
        case=case, amount=amount, actor=actor, now=now, idempotency_key=idempotency_key, **kw
    )
    if finance is None:
        finance = User.objects.filter(court=case.court, role=Role.FINANCE, is_active=True).first()
        finance = finance or UserFactory(
            court=case.court, role=Role.FINANCE, username=f"{case.court.code}_cw"
        )
    return payment_confirm(report_id=report.pk, actor=finance, now=now, bank_reference=f"B-{idempotency_key}")


def funds_paid_out(case: Case, *, finance, approver, now: datetime, key: str) -> Decimal:
    """Everything the case's account holds goes to its first applicant: requested by finance,
    approved by a leader, executed by the bank (执行完毕 waits for it). Returns the amount."""
    from lastmile.ledger.selectors import undisbursed_amount
    from lastmile.ledger.services import payout_approve, payout_request, payout_settle

    held = undisbursed_amount(case=case)
    if held <= 0:
        return Decimal("0.00")
    payout = payout_request(
        case=case,
        kind="applicant",
        amount=held,
        actor=finance,
        now=now,
        idempotency_key=key,
        payee_party=_parties(case, PartyRole.APPLICANT)[0],
        payee_account="800012345678901",
        payee_bank="长沙银行岳麓支行",
        payee_account_name="收款人户名",
    )
    payout_approve(payout_id=payout.pk, actor=approver, now=now)
    payout_settle(payout_id=payout.pk, actor=finance, now=now, bank_reference=f"B-{key}")
    return held


def enforcement_demo_staff(courts: dict[str, Any]) -> None:
    """The staff the enforcement demo needs (as ``lastmile.web.demo`` creates them: tests may not
    import web): per court a filing clerk, an enforcement judge and officer in the fast-track
    team, and the 院长; finance in 岳麓 (its demo pays a case out)."""
    from lastmile.accounts.models import Role, Team, TeamKind

    from .factories import UserFactory

    for code, prefix in (("湘0104", "yl"), ("湘0702", "wl")):
        fast = Team.objects.create(court=courts[code], name="快执团队", kind=TeamKind.FAST_TRACK)
        for suffix, role in (
            ("lian", Role.FILING_CLERK),
            ("zhifa", Role.ENFORCEMENT_JUDGE),
            ("zhiyuan", Role.ENFORCEMENT_OFFICER),
        ):
            UserFactory(court=courts[code], role=role, username=f"{prefix}_{suffix}", team=fast)
        UserFactory(court=courts[code], role=Role.LEADER, username=f"{prefix}_yuanzhang", is_president=True)
        UserFactory(court=courts[code], role=Role.FINANCE, username=f"{prefix}_caiwu")
