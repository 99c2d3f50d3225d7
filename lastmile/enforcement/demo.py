"""Demo enforcement cases for 湘0104 (岳麓) and 湘0702 (武陵), made with the real services so their
timelines, deadlines and audit chain are genuine. Needs the demo courts and staff
(:func:`lastmile.web.demo.demo_seed`); idempotent: a second call changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from lastmile.accounts.models import Court, User
from lastmile.cases.models import Case, CaseParty, PartyRole
from lastmile.core.identifiers import resident_id_check_char, uscc_check_char
from lastmile.inquiry.services import inbox_receive, inquiry_start
from lastmile.ledger.services import (
    CostItem,
    InstallmentDue,
    amount_outstanding,
    payout_approve,
    payout_request,
    payout_settle,
)
from lastmile.measures.guardrails import Proposal
from lastmile.measures.models import MeasureKind
from lastmile.measures.services import dishonest_not_applicable_record, measure_approve, measure_propose
from lastmile.parties.models import IdType, Party, PartyKind
from lastmile.parties.services import e_address_record, party_upsert

from .models import BasisKind, Channel, ClosingMethod, EnforcementCase, StepKind
from .services import (
    ExecutionBasisIn,
    clue_submit,
    clue_verify,
    emergency_action_open,
    enforcement_close,
    enforcement_file,
    payment_confirm,
    payment_record,
    procedure_step_record,
    settlement_installment_pay,
    settlement_record,
    time_limit_extension_request,
    zhongben_opinion_record,
)

MARKER = "（2026）湘0104民初9001号"


def _person(name: str, region: str, birth: str, seq: int, now: datetime, address: str) -> Party:
    first17 = f"{region}{birth}{seq:03d}"
    return party_upsert(
        kind=PartyKind.PERSON,
        name=name,
        id_type=IdType.RESIDENT_ID,
        id_number=first17 + resident_id_check_char(first17),
        now=now,
        address=address,
        phone=f"1390731{seq:04d}",
    )


def _org(name: str, body: str, now: datetime, address: str) -> Party:
    return party_upsert(
        kind=PartyKind.ORGANISATION,
        name=name,
        id_type=IdType.USCC,
        id_number=body + uscc_check_char(body),
        now=now,
        address=address,
    )


def _basis(
    number: str, principal: str, effective: date, *, issuer: str, kind: str = BasisKind.JUDGMENT
) -> ExecutionBasisIn:
    return ExecutionBasisIn(
        kind=kind,
        issuer=issuer,
        number=number,
        effective_on=effective,
        performance_deadline=effective + timedelta(days=10),
        principal=Decimal(principal),
        costs=[
            CostItem(
                kind="acceptance_fee",
                label="案件受理费",
                amount=(Decimal(principal) * Decimal("0.01")).quantize(Decimal("0.01")),
            )
        ],
    )


@transaction.atomic
def demo_seed_enforcement(*, now: datetime) -> bool:
    """Create the demo enforcement cases; returns False when they already exist or the demo
    staff is missing."""
    if EnforcementCase.objects.filter(basis_number=MARKER).exists():
        return False
    staff = ["yl_lian", "wl_lian", "yl_yuanzhang", "wl_yuanzhang", "yl_caiwu"]
    if User.objects.filter(username__in=staff).count() != len(staff):
        return False
    _yuelu(now)
    _wuling(now)
    return True


def _u(username: str) -> User:
    return User.objects.get(username=username)


def _zhongben_record(
    case: Case,
    *,
    judge: User,
    president: User,
    now: Callable[[int], datetime],
    days: tuple[int, int, int, int],
    not_listed_reason: str = "被执行人无履行能力，不符合纳入失信名单条件",
) -> None:
    """Everything 终本 needs, each fact in the app that owns it (终本规定 2016 art. 1; 民诉解释 2022
    art. 517): the notices served on the debtors (who agreed to electronic service), a 限制消费令
    approved by the 院长 and the reason each debtor is not listed as 失信, 网络查控 answered by every
    institution with nothing found, the applicant interviewed and agreeing. ``days`` are how many
    days ago the notices, the measures, the inquiry and the interview were done."""
    notices, measures, inquiry, interview = (now(d) for d in days)
    debtors = [cp.party for cp in CaseParty.objects.filter(case=case, role=PartyRole.RESPONDENT)]
    for debtor in debtors:
        e_address_record(
            party=debtor,
            channel="sms",
            address=debtor.phone or f"1390731{debtor.pk:04d}",
            now=notices,
            consent_kind="provided",
        )
    for kind in (StepKind.EXECUTION_NOTICE, StepKind.PROPERTY_REPORT_ORDER):
        procedure_step_record(case=case, kind=kind, actor=judge, now=notices)
    for debtor in debtors:
        m = measure_propose(
            actor=judge,
            proposal=Proposal(kind=MeasureKind.CONSUMPTION_RESTRICTION, case=case, subject=debtor),
            reason="经执行通知仍未履行生效法律文书确定的义务",
            now=measures,
            acknowledge_warnings=True,
        )
        measure_approve(actor=president, measure_id=m.pk, now=measures, document_number=f"{case.number}之一")
        dishonest_not_applicable_record(
            actor=judge, case=case, party=debtor, reason=not_listed_reason, now=measures
        )
    # The institutions' answers, as the inquiry inbox receives them.
    for order in inquiry_start(case=case, actor=judge, now=inquiry):
        inbox_receive(
            institution=order.institution,
            message={
                "message_id": f"demo-{order.key}",
                "order_id": order.key,
                "status": "done",
                "result": {"assets": []},
            },
            now=inquiry,
        )
    procedure_step_record(
        case=case,
        kind=StepKind.APPLICANT_INTERVIEW,
        actor=judge,
        now=interview,
        note="告知财产调查情况及终本后果，申请执行人无异议",
    )
    applicant = CaseParty.objects.filter(case=case, role=PartyRole.APPLICANT).select_related("party").first()
    zhongben_opinion_record(
        case=case,
        actor=judge,
        now=interview,
        signed_by=applicant.party.name if applicant else "申请执行人",
        content="已知悉财产调查情况及终结本次执行程序的后果，同意终结本次执行程序",
        agrees=True,
    )


def _yuelu(now: datetime) -> None:
    court = Court.objects.get(code="湘0104")
    clerk, judge, officer = _u("yl_lian"), _u("yl_zhifa"), _u("yl_zhiyuan")
    issuer = "长沙市岳麓区人民法院"
    bank = _org("长沙银行股份有限公司岳麓支行", "91430104MA4L00001", now, "长沙市岳麓区麓山南路1号")
    lessor = _org("湖南中联融资租赁有限公司", "91430100MA4L12341", now, "长沙市岳麓区银盆南路")
    debtors = [
        _person("王小明", "430104", "19850312", 31, now, "长沙市岳麓区桐梓坡路88号"),
        _person("刘芳", "430104", "19920506", 52, now, "长沙市岳麓区望月湖"),
        _person("陈建国", "430103", "19700221", 17, now, "长沙市天心区书院路"),
        _person("周立", "430104", "19880830", 64, now, "长沙市岳麓区麓谷"),
        _person("黄敏", "430105", "19950101", 28, now, "长沙市开福区"),
    ]
    builder = _org("长沙岳麓星城建筑工程有限公司", "91430104MA4L56781", now, "长沙市岳麓区梅溪湖路")
    today = timezone.localtime(now).date()

    def ago(days: int) -> datetime:
        return now - timedelta(days=days)

    def file(
        number: str,
        principal: str,
        respondents: list[Party],
        at: datetime,
        *,
        applicant: Party = bank,
        cause: str = "金融借款合同纠纷",
        priority_claim: str = "",
    ) -> Case:
        return enforcement_file(
            court=court,
            basis=_basis(number, principal, (at - timedelta(days=60)).date(), issuer=issuer),
            applicants=[applicant],
            respondents=respondents,
            actor=clerk,
            now=at,
            cause=cause,
            priority_claim=priority_claim,
        )

    # 1. Online application waiting to be accepted.
    enforcement_file(
        court=court,
        basis=_basis(MARKER, "36800", today - timedelta(days=40), issuer=issuer, kind=BasisKind.MEDIATION),
        applicants=[bank],
        respondents=[debtors[4]],
        actor=None,
        now=ago(2),
        channel=Channel.ONLINE,
        submitted_by=bank.name,
        cause="金融借款合同纠纷",
        attachments=[{"name": "民事调解书.pdf"}, {"name": "生效证明.pdf"}],
    )
    # 2. Just filed at the counter, labour remuneration: fast track.
    file(
        "（2026）湘0104民初9002号",
        "12600",
        [debtors[3]],
        ago(1),
        applicant=debtors[1],
        cause="劳动争议",
        priority_claim="labour",
    )
    # 3. In progress: notice, inquiry found nothing, an urgent clue about a leased excavator.
    c3 = file(
        "（2026）湘0104民初9003号",
        "286000",
        [debtors[0]],
        ago(40),
        applicant=lessor,
        cause="融资租赁合同纠纷",
    )
    procedure_step_record(case=c3, kind=StepKind.EXECUTION_NOTICE, actor=officer, now=ago(38))
    procedure_step_record(case=c3, kind=StepKind.PROPERTY_REPORT_ORDER, actor=officer, now=ago(38))
    procedure_step_record(
        case=c3, kind=StepKind.ONSITE_INVESTIGATION, result="nothing_found", actor=officer, now=ago(30)
    )
    clue = clue_submit(
        case=c3,
        kind="asset",
        description="租赁的三一SY215C挖掘机（机身号SY0215C2023）被转移使用",
        location="长沙市岳麓区坪塘街道观音港村施工工地（东经112.89，北纬28.09）",
        submitted_by=lessor.name,
        urgent=True,
        now=ago(1),
    )
    emergency_action_open(
        clue=clue, actor=judge, now=ago(1), team="郑法、赵远及法警2名", planned_at=now + timedelta(hours=4)
    )
    # 4. Closed by 终本 after more than three months, re-queries scheduled.
    c4 = file("（2026）湘0104民初9004号", "152000", [debtors[2]], ago(200))
    _zhongben_record(c4, judge=judge, president=_u("yl_yuanzhang"), now=ago, days=(195, 185, 120, 101))
    procedure_step_record(
        case=c4, kind=StepKind.ONSITE_INVESTIGATION, result="nothing_found", actor=judge, now=ago(150)
    )
    enforcement_close(case=c4, method=ClosingMethod.NO_PROPERTY, actor=judge, now=ago(95))
    # 5. Settlement being performed: first instalment paid, the next due soon.
    c5 = file("（2026）湘0104民初9005号", "60000", [debtors[1]], ago(70))
    procedure_step_record(case=c5, kind=StepKind.EXECUTION_NOTICE, actor=officer, now=ago(65))
    settlement = settlement_record(
        case=c5,
        actor=judge,
        now=ago(50),
        agreed_on=(ago(50)).date(),
        terms="被执行人分三期偿还六万元，每期两万元",
        installments=[
            InstallmentDue(due_on=today - timedelta(days=20), amount=Decimal("20000")),
            InstallmentDue(due_on=today + timedelta(days=10), amount=Decimal("20000")),
            InstallmentDue(due_on=today + timedelta(days=40), amount=Decimal("20000")),
        ],
    )
    first = settlement.installments.order_by("seq").first()
    assert first is not None
    settlement_installment_pay(
        installment=first, amount=Decimal("20000"), actor=officer, now=ago(21), idempotency_key="demo-yl-s5-1"
    )
    # 6. Paid in full and closed as 执行完毕.
    c6 = file("（2026）湘0104民初9006号", "18500", [debtors[3]], ago(90))
    procedure_step_record(case=c6, kind=StepKind.EXECUTION_NOTICE, actor=officer, now=ago(85))
    owed = amount_outstanding(case=c6, as_of=ago(60).date())
    report = payment_record(case=c6, amount=owed, actor=officer, now=ago(60), idempotency_key="demo-yl-c6")
    finance = _u("yl_caiwu")
    payment_confirm(report_id=report.pk, actor=finance, now=ago(60), bank_reference="DEMO-YL-C6")
    payout = payout_request(
        case=c6,
        kind="applicant",
        amount=owed,
        actor=finance,
        now=ago(60),
        idempotency_key="demo-yl-c6-out",
        payee_party=c6.case_parties.get(role=PartyRole.APPLICANT).party,
        payee_account="800012345678901",
        payee_bank="长沙银行岳麓支行",
        payee_account_name=c6.case_parties.get(role=PartyRole.APPLICANT).party.name,
    )
    payout_approve(payout_id=payout.pk, actor=_u("yl_yuanzhang"), now=ago(60))
    payout_settle(payout_id=payout.pk, actor=finance, now=ago(59), bank_reference="DEMO-C6")
    enforcement_close(case=c6, method=ClosingMethod.COMPLETED, actor=judge, now=ago(59))
    # 7. Complex track: a company and its guarantor, large amount; an extension awaits the 院长.
    c7 = file(
        "（2026）湘0104民初9007号", "2680000", [builder, debtors[0]], ago(170), cause="建设工程施工合同纠纷"
    )
    procedure_step_record(case=c7, kind=StepKind.EXECUTION_NOTICE, actor=judge, now=ago(165))
    procedure_step_record(
        case=c7,
        kind=StepKind.ONSITE_INVESTIGATION,
        result="found",
        note="查明被执行人对发包方享有工程款债权",
        actor=judge,
        now=ago(160),
    )
    time_limit_extension_request(case=c7, actor=judge, now=ago(3), reason="工程款债权评估拍卖尚未完成")
    # 8. Late application: recorded and flagged, not refused.
    enforcement_file(
        court=court,
        basis=ExecutionBasisIn(
            kind=BasisKind.NOTARIAL,
            issuer="长沙市麓山公证处",
            number="（2022）湘长麓证字第3321号",
            effective_on=date(2022, 5, 10),
            performance_deadline=date(2022, 8, 31),
            principal=Decimal("45000"),
        ),
        applicants=[bank],
        respondents=[debtors[4]],
        actor=clerk,
        now=ago(5),
        cause="借款合同纠纷",
    )


def _wuling(now: datetime) -> None:
    court = Court.objects.get(code="湘0702")
    clerk, judge, officer = _u("wl_lian"), _u("wl_zhifa"), _u("wl_zhiyuan")
    issuer = "常德市武陵区人民法院"
    bank = _org("常德农村商业银行股份有限公司武陵支行", "91430702MA4M00011", now, "常德市武陵区朗州路")
    d1 = _person("张堃", "430702", "19781105", 15, now, "常德市武陵区人民路")
    d2 = _person("孙丽", "430702", "19860315", 36, now, "常德市武陵区穿紫河")

    def ago(days: int) -> datetime:
        return now - timedelta(days=days)

    c1 = enforcement_file(
        court=court,
        basis=_basis("（2026）湘0702民初5001号", "98000", (ago(80)).date(), issuer=issuer),
        applicants=[bank],
        respondents=[d1],
        actor=clerk,
        now=ago(20),
        cause="金融借款合同纠纷",
    )
    procedure_step_record(case=c1, kind=StepKind.EXECUTION_NOTICE, actor=officer, now=ago(15))
    procedure_step_record(case=c1, kind=StepKind.PROPERTY_REPORT_ORDER, actor=officer, now=ago(15))
    c2 = enforcement_file(
        court=court,
        basis=_basis("（2026）湘0702民初5002号", "56000", (ago(260)).date(), issuer=issuer),
        applicants=[bank],
        respondents=[d2],
        actor=clerk,
        now=ago(200),
        cause="信用卡纠纷",
    )
    _zhongben_record(
        c2,
        judge=judge,
        president=_u("wl_yuanzhang"),
        now=ago,
        days=(196, 180, 110, 100),
        not_listed_reason="被执行人系残疾人，依法不纳入失信名单",
    )
    enforcement_close(case=c2, method=ClosingMethod.NO_PROPERTY, actor=judge, now=ago(90))
    clue_verify(
        clue=clue_submit(
            case=c2,
            kind="asset",
            description="被执行人近期在武陵区购入车辆",
            submitted_by=bank.name,
            now=ago(2),
        ),
        actor=officer,
        now=ago(1),
        valid=True,
        note="车管所查询属实：湘J·3D8K2",
    )
