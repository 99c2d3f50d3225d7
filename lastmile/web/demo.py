"""Demo data for the embedded default: courts, staff for every role, parties and a few cases.

Everything is created through the same services the platform uses, so the demo's timeline and
audit chain are real. Idempotent: a second call changes nothing. Only in demo mode
(:func:`lastmile.core.demo.demo_mode`): the demo logins share one published password, so they
never exist in production, and ``lastmile check --deploy`` refuses a database that has them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lastmile.accounts.models import Court, Department, Role, TeamKind, User
from lastmile.accounts.services import (
    court_phone_set,
    courts_load,
    department_ensure,
    staff_create,
    team_ensure,
)
from lastmile.core.demo import demo_mode
from lastmile.core.errors import ConditionsNotMet
from lastmile.core.identifiers import resident_id_check_char, uscc_check_char
from lastmile.enforcement.models import BasisKind
from lastmile.enforcement.services import ExecutionBasisIn, enforcement_file
from lastmile.ledger.fees import acceptance_fee
from lastmile.ledger.services import CostItem
from lastmile.parties.models import IdType, PartyKind
from lastmile.parties.services import party_upsert
from lastmile.portal.services import portal_account_create, reception_slot_open

DEMO_COURTS = ("湘0104", "湘0702", "湘0682")
DEMO_PREFIXES = {"湘0104": "yl", "湘0702": "wl", "湘0682": "lx"}

# (username suffix, display name, role, is_president)
DEMO_STAFF = [
    ("lian", "李安", Role.FILING_CLERK, False),
    ("tiao", "陶静", Role.MEDIATOR, False),
    ("shen", "沈文", Role.JUDGE, False),
    ("zhifa", "郑法", Role.ENFORCEMENT_JUDGE, False),
    ("zhiyuan", "赵远", Role.ENFORCEMENT_OFFICER, False),
    ("zhiyuan2", "周明", Role.ENFORCEMENT_OFFICER, False),
    ("zhihui", "钟辉", Role.COMMAND_CENTER, False),
    ("caiwu", "蔡薇", Role.FINANCE, False),
    ("yuanzhang", "袁正", Role.LEADER, True),
    ("admin", "管理员", Role.ADMIN, False),
]


# The demo courts' telephone numbers: fictitious (8888 and the court's code), in the seed only —
# the court table (accounts/data/courts.json) carries no invented numbers. Printed under every
# page of a document (documents.rendering).
DEMO_COURT_PHONES = {"湘0104": "0731-88880104", "湘0702": "0736-88880702", "湘0682": "0730-88880682"}

# The demo 书记员 (username suffix, name, the staff they work with: ``User.clerk``). They have no
# role and no password: they sign nothing and log in nowhere, their names go on the rulings,
# judgments and records of the judge or officer they work with.
DEMO_CLERKS = [
    ("shuji", "舒婷", ("shen", "tiao")),
    ("shuji2", "苏琪", ("zhifa", "zhiyuan", "zhiyuan2")),
]


def demo_person_id(region: str, birth: str, seq: int) -> str:
    first17 = f"{region}{birth}{seq:03d}"
    return first17 + resident_id_check_char(first17)


def demo_uscc(body: str) -> str:
    return body + uscc_check_char(body)


@dataclass
class DemoResult:
    created: bool
    logins: list[tuple[str, str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _login_rows(password: str) -> list[tuple[str, str, str, str]]:
    rows = [("诉讼服务门户", label, username, password) for username, label in DEMO_PARTY_LOGINS]
    for user in User.objects.filter(court__code__in=DEMO_COURTS).exclude(role="").select_related("court"):
        assert user.court is not None
        rows.append((user.court.short_name, user.get_role_display(), user.username, password))
    return sorted(rows)


def demo_usernames() -> list[str]:
    """Every login the demo creates (staff of the demo courts and the portal's party logins)."""
    prefixes = DEMO_PREFIXES.values()
    return (
        [f"{p}_{suffix}" for p in prefixes for suffix, *_ in DEMO_STAFF]
        + [f"{p}_{suffix}" for p in prefixes for suffix, *_ in DEMO_CLERKS]
        + [username for username, _ in DEMO_PARTY_LOGINS]
    )


@transaction.atomic
def demo_seed(*, now: datetime) -> DemoResult:
    """Load the demo data; refused (``ConditionsNotMet``) unless demo mode is on."""
    if not demo_mode():
        raise ConditionsNotMet(
            "演示模式未开启（LASTMILE_DEMO=1），不能载入演示数据和演示账号。", unmet=["demo_mode"]
        )
    password = str(settings.LASTMILE["DEMO_PASSWORD"])
    if User.objects.filter(username="yl_zhifa").exists():
        return DemoResult(created=False, logins=_login_rows(password))
    courts_load()
    prefixes = DEMO_PREFIXES
    for code in DEMO_COURTS:
        court = Court.objects.get(code=code)
        dept_exec = department_ensure(court=court, name="执行局")
        dept_file = department_ensure(court=court, name="立案庭")
        dept_civil = department_ensure(court=court, name="民事审判庭")
        fast = team_ensure(court=court, name="快执团队", kind=TeamKind.FAST_TRACK, department=dept_exec)
        team_ensure(court=court, name="精执团队", kind=TeamKind.COMPLEX, department=dept_exec)
        clerks = _demo_clerks(court=court, prefix=prefixes[code], department=dept_civil)
        for suffix, name, role, president in DEMO_STAFF:
            dept = {
                Role.FILING_CLERK: dept_file,
                Role.MEDIATOR: dept_file,
                Role.JUDGE: dept_civil,
            }.get(role, dept_exec)
            staff_create(
                court=court,
                username=f"{prefixes[code]}_{suffix}",
                display_name=name,
                role=role,
                password=password,
                department=dept,
                team=fast if role in (Role.ENFORCEMENT_OFFICER, Role.ENFORCEMENT_JUDGE) else None,
                is_president=president,
                clerk=clerks.get(suffix),
            )
        if not court.phone:
            court_phone_set(court=court, phone=DEMO_COURT_PHONES[code])
    _demo_cases(now=now)
    _demo_portal(now=now, password=password)
    notes = _demo_apps(now=now)
    return DemoResult(created=True, logins=_login_rows(password), notes=notes)


def _demo_clerks(*, court: Court, prefix: str, department: Department) -> dict[str, User]:
    """The court's demo 书记员; returns, by staff username suffix, the clerk each works with."""
    paired: dict[str, User] = {}
    for suffix, name, works_with in DEMO_CLERKS:
        clerk = staff_create(
            court=court, username=f"{prefix}_{suffix}", display_name=name, role="", department=department
        )
        paired.update(dict.fromkeys(works_with, clerk))
    return paired


def _demo_apps(*, now: datetime) -> list[str]:
    """Each app's own demo data, created through its own services; returns lines to print."""
    from lastmile.enforcement.demo import demo_seed_enforcement
    from lastmile.filing.demo import demo_seed_filing
    from lastmile.inquiry.demo import demo_seed_inquiry
    from lastmile.ledger.demo import demo_seed_ledger
    from lastmile.measures.demo import demo_seed_measures
    from lastmile.mediation.demo import demo_seed_mediation
    from lastmile.trial.demo import demo_seed_trial

    notes: list[str] = []
    demo_seed_enforcement(now=now)
    demo_seed_ledger(now=now)
    demo_seed_measures(now=now)
    _demo_acceptance_notices(now=now)
    demo_seed_inquiry(now=now)
    notes += demo_seed_filing(now=now).lines
    demo_seed_mediation(now=now)
    demo_seed_trial(now=now)
    return notes


def _demo_acceptance_notices(*, now: datetime) -> None:
    """受理案件通知书 for 岳麓法院's demo enforcement cases, issued as one batch and run at once,
    each filled from its own execution basis (the notices and report orders are issued by the
    enforcement steps themselves)."""
    from lastmile.core.clock import FixedClock
    from lastmile.documents.models import Document
    from lastmile.documents.services import batch_create, batch_run, templates_ensure
    from lastmile.enforcement.models import EnforcementCase

    templates_ensure(now=now)
    court = Court.objects.get(code="湘0104")
    actor = User.objects.get(username="yl_zhifa")
    rows = [
        ec
        for ec in EnforcementCase.objects.filter(case__court=court).select_related("case")
        if not Document.objects.filter(
            case=ec.case, template_version__template__code="acceptance_notice"
        ).exists()
    ]
    if not rows:
        return
    job = batch_create(
        court=court,
        template_code="acceptance_notice",
        cases=[ec.case for ec in rows],
        actor=actor,
        now=now,
        per_case={
            ec.case_id: {
                "source_document": f"{ec.basis_issuer}{ec.basis_number}{ec.get_basis_kind_display()}"
            }
            for ec in rows
        },
        enqueue=False,
    )
    batch_run(job, worker_id="demo", clock=FixedClock(now))


DEMO_PARTY_LOGINS = [("yl_bank", "长沙银行岳麓支行（申请执行人）"), ("wangxm", "王小明（被执行人）")]


def _demo_portal(*, now: datetime, password: str) -> None:
    """Party logins for the demo bank and one debtor, and reception slots for the coming days."""
    from lastmile.parties.models import Party

    bank = Party.objects.get(name="长沙银行股份有限公司岳麓支行")
    debtor = Party.objects.get(name="王小明")
    portal_account_create(party=bank, username="yl_bank", password=password, now=now)
    portal_account_create(party=debtor, username="wangxm", password=password, now=now)
    duty = User.objects.get(username="yl_zhiyuan")
    local = timezone.localtime(now)
    for days in range(1, 8):
        day = local + timedelta(days=days)
        if day.weekday() >= 5:
            continue
        for hour in (9, 15):
            start = day.replace(hour=hour, minute=0, second=0, microsecond=0)
            reception_slot_open(
                actor=duty, starts_at=start, ends_at=start + timedelta(hours=2), duty_officer=duty
            )


def _demo_cases(*, now: datetime) -> None:
    court = Court.objects.get(code="湘0104")
    clerk = User.objects.get(username="yl_lian")
    bank = party_upsert(
        kind=PartyKind.ORGANISATION,
        name="长沙银行股份有限公司岳麓支行",
        id_type=IdType.USCC,
        id_number=demo_uscc("91430104MA4L0000"[:16] + "1"),
        now=now,
        address="长沙市岳麓区麓山南路1号",
    )
    debtors = [
        ("王小明", demo_person_id("430104", "19850312", 31), "长沙市岳麓区桐梓坡路88号"),
        ("李玥", demo_person_id("430682", "19900718", 42), "临湘市长安街道"),
        ("张堃", demo_person_id("430702", "19781105", 15), "常德市武陵区人民路"),
    ]
    amounts = [Decimal("152000.00"), Decimal("48650.50"), Decimal("1230000.00")]
    for i, ((name, idn, addr), amount) in enumerate(zip(debtors, amounts, strict=True)):
        debtor = party_upsert(
            kind=PartyKind.PERSON,
            name=name,
            id_type=IdType.RESIDENT_ID,
            id_number=idn,
            now=now,
            address=addr,
            phone=f"1380731{i:04d}",
        )
        received = now - timedelta(days=3 * (i + 1))
        effective = received.date() - timedelta(days=40)
        enforcement_file(
            court=court,
            basis=ExecutionBasisIn(
                kind=BasisKind.JUDGMENT,
                issuer="长沙市岳麓区人民法院",
                number=f"（{effective.year}）湘0104民初{2100 + i}号",
                effective_on=effective,
                performance_deadline=effective + timedelta(days=10),
                principal=amount,
                costs=[CostItem(kind="acceptance_fee", label="案件受理费", amount=acceptance_fee(amount))],
            ),
            applicants=[bank],
            respondents=[debtor],
            actor=clerk,
            now=received,
            cause="金融借款合同纠纷",
        )
