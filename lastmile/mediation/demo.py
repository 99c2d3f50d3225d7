"""Demo data for pre-suit mediation: a bank batch of eight loan cases given to the demo mediator
(陶静, ``yl_tiao``): one with a session booked, one agreed in installments and confirmed by the
judge (沈文, ``yl_shen``) and served, the rest waiting. Made with the real services; idempotent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from lastmile.accounts.models import Court, User
from lastmile.core.identifiers import uscc_check_char
from lastmile.filing.demo import DEMO_BANK_USCC_BODY
from lastmile.filing.models import InstitutionClient, IntakeBatch
from lastmile.filing.samples import sample_rows
from lastmile.filing.selectors import batch_cases
from lastmile.filing.services import batch_submit
from lastmile.parties.services import e_address_record
from lastmile.service.adapters import SimulatedServiceAdapter

from . import services

DEMO_BATCH_ID = "DEMO-MED-01"


@dataclass
class DemoMediationResult:
    created: bool
    lines: list[str] = field(default_factory=list)


def demo_seed_mediation(*, now: datetime) -> DemoMediationResult:
    court = Court.objects.filter(code="湘0104").first()
    client = InstitutionClient.objects.filter(
        party__id_number=DEMO_BANK_USCC_BODY + uscc_check_char(DEMO_BANK_USCC_BODY)
    ).first()
    mediator = User.objects.filter(username="yl_tiao").first()
    judge = User.objects.filter(username="yl_shen").first()
    clerk = User.objects.filter(username="yl_lian").first()
    if None in (court, client, mediator, judge, clerk):
        return DemoMediationResult(created=False, lines=["诉前调解演示：缺少演示法院、机构或人员，已跳过。"])
    assert court and client and mediator and judge and clerk
    if IntakeBatch.objects.filter(client=client, external_id=DEMO_BATCH_ID).exists():
        return DemoMediationResult(created=False, lines=[f"诉前调解演示批次 {DEMO_BATCH_ID} 已存在。"])
    e_address_record(
        party=client.party,
        channel="platform",
        address=f"{court.code}-bank-{client.pk}@platform",
        now=now,
        consent_kind="express",
        confirmed=True,
    )
    start = now - timedelta(days=20)
    today = timezone.localtime(start).date()
    # rows 9003, 9006, … have no guarantor, so every party has a consented address
    rows = [r for r in sample_rows(24, today=today, start=9101, prefix="DMED") if not r["担保人1姓名"]][:8]
    result = batch_submit(
        court=court,
        client=client,
        external_id=DEMO_BATCH_ID,
        now=start,
        actor=clerk,
        rows=[{k: str(v) for k, v in r.items()} for r in rows],
        process="inline",
    )
    cases = list(batch_cases(result.batch))
    ms = services.mediation_assign(cases=cases, mediator=mediator, actor=clerk, now=start)
    services.mediation_session_schedule(
        mediation=ms[0], scheduled_at=now + timedelta(days=2), actor=mediator, now=start, link=""
    )
    agreed_at = start + timedelta(days=2)
    amount = cases[1].amount_claimed or Decimal("10000.00")
    half = (amount / 2).quantize(Decimal("0.01"))
    services.mediation_agreement_record(
        mediation=ms[1],
        terms=["申请人同意被申请人分两期偿还欠款；"],
        installments=[
            services.InstallmentIn(timezone.localtime(now).date() + timedelta(days=10), half),
            services.InstallmentIn(timezone.localtime(now).date() + timedelta(days=40), amount - half),
        ],
        actor=mediator,
        now=agreed_at,
    )
    everyone = services.mediation_parties(ms[1])
    services.mediation_agreement_sign_on_site(
        mediation=ms[1], parties=everyone, actor=mediator, now=agreed_at
    )
    services.mediation_confirmation_apply_at_counter(
        mediation=ms[1], parties=everyone, actor=mediator, now=agreed_at
    )
    m = services.mediation_conclude(mediation=ms[1], kind="confirmation", actor=judge, now=agreed_at)
    services.mediation_result_serve(mediation=m, actor=judge, now=agreed_at, port=SimulatedServiceAdapter())
    number = m.result_case.number if m.result_case else ""
    return DemoMediationResult(
        created=True,
        lines=[f"诉前调解演示：{len(ms)}件（调解员 yl_tiao），其中1件已司法确认（{number}）"],
    )
