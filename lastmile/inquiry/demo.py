"""Demo data for network inquiry and control: the 临湘 (湘0682) case of a family of co-debtors,
ready for a newcomer's first 一键查控. The simulator's seed file
(``lastmile/integrations/simulator/seed.json``) holds their WeChat balances, and those of the other
demo debtors (王小明, 李玥, 张堃 …), so every click gets real answers.

Idempotent; needs the demo courts and staff (:func:`lastmile.web.demo.demo_seed`). The case is
registered through the case core and the ledger (inquiry sits below enforcement); the lead may
prefer to file it through enforcement's filing service in the enforcement demo instead.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from lastmile.accounts.models import Court, User
from lastmile.cases.models import Case, CaseStatus, PartyRole
from lastmile.cases.services import PartyInRole, case_register
from lastmile.core.identifiers import resident_id_check_char
from lastmile.ledger.services import obligation_record
from lastmile.parties.models import IdType, PartyKind
from lastmile.parties.services import party_upsert

CAUSE = "民间借贷纠纷（演示：一键查控）"
FAMILY = [  # (name, region, birth, seq) — the IDs the simulator's seed file knows
    ("李玥", "430682", "19900718", 42),
    ("李建华", "430682", "19650412", 17),
    ("周秀英", "430682", "19670923", 28),
]


def _pid(region: str, birth: str, seq: int) -> str:
    first17 = f"{region}{birth}{seq:03d}"
    return first17 + resident_id_check_char(first17)


@transaction.atomic
def demo_seed_inquiry(*, now: datetime) -> bool:
    """Register the 临湘 demo case (three co-debtors, 36,000 yuan owed); False when it exists
    already or the demo staff is missing."""
    court = Court.objects.filter(code="湘0682").first()
    clerk = User.objects.filter(username="lx_lian").first()
    officer = User.objects.filter(username="lx_zhifa").first()
    if court is None or clerk is None or officer is None:
        return False
    if Case.objects.filter(court=court, cause=CAUSE).exists():
        return False
    creditor = party_upsert(
        kind=PartyKind.PERSON,
        name="何志强",
        id_type=IdType.RESIDENT_ID,
        id_number=_pid("430682", "19820315", 1),
        now=now,
        address="临湘市长安街道",
    )
    family = [
        party_upsert(
            kind=PartyKind.PERSON,
            name=name,
            id_type=IdType.RESIDENT_ID,
            id_number=_pid(r, b, s),
            now=now,
            address="临湘市长安街道",
        )
        for name, r, b, s in FAMILY
    ]
    filed = now - timedelta(hours=2)
    case = case_register(
        court=court,
        type_code="执",
        parties=[PartyInRole(creditor, PartyRole.APPLICANT)]
        + [PartyInRole(p, PartyRole.RESPONDENT) for p in family],
        actor=clerk,
        now=filed,
        cause=CAUSE,
        amount_claimed=Decimal("36000"),
        officer=officer,
        status=CaseStatus.FILED,
    )
    today = timezone.localtime(filed).date()
    obligation_record(
        case=case,
        actor=clerk,
        now=filed,
        principal=Decimal("36000"),
        basis_effective_on=today - timedelta(days=40),
        performance_deadline=today - timedelta(days=25),
    )
    return True
