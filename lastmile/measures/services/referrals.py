"""拒执 referrals: the package sent to the police and its later steps (刑法 art. 313;
法释〔2024〕13号)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case
from lastmile.cases.services import case_event_record
from lastmile.core.errors import ConditionsNotMet, InvalidTransition, NotFound
from lastmile.measures.kinds import MeasuresEvent
from lastmile.parties.models import Party

from .. import rules
from ..guardrails import local_date
from ..models import Measure, ReferralStatus, ReferralStep, RefusalReferral
from ..selectors import court_id_of
from .common import _is_debtor

_REFERRAL_NEXT: dict[str, tuple[str, ...]] = {
    ReferralStatus.PREPARED: (ReferralStatus.SENT_TO_POLICE,),
    ReferralStatus.SENT_TO_POLICE: (ReferralStatus.POLICE_FILED, ReferralStatus.POLICE_DECLINED),
    ReferralStatus.POLICE_FILED: (ReferralStatus.PROCURATORATE,),
    ReferralStatus.PROCURATORATE: (ReferralStatus.PROSECUTED, ReferralStatus.PRIVATE_PROSECUTION),
    ReferralStatus.POLICE_DECLINED: (ReferralStatus.PRIVATE_PROSECUTION,),
    ReferralStatus.PROSECUTED: (ReferralStatus.JUDGED,),
    ReferralStatus.PRIVATE_PROSECUTION: (ReferralStatus.JUDGED,),
    ReferralStatus.JUDGED: (),
}


@transaction.atomic
def refusal_referral_prepare(
    *,
    actor: User,
    case: Case,
    party: Party,
    conduct: str,
    evidence: Iterable[str],
    measure_ids: Iterable[int] = (),
    now: datetime,
) -> RefusalReferral:
    """Prepare a 拒执 referral package: case, measures taken, conduct, evidence list
    (刑法 art. 313; 法释〔2024〕13号)."""
    require(actor, "measure.propose", court=case.court)
    evidence = [e.strip() for e in evidence if e and e.strip()]
    if not conduct.strip() or not evidence:
        raise ConditionsNotMet("移送材料须写明拒不执行行为并附证据清单。", unmet=["conduct", "evidence"])
    if not _is_debtor(case, party):
        raise ConditionsNotMet("只能移送本案被执行人。", unmet=["party"])
    measures = list(Measure.objects.filter(case=case, pk__in=list(measure_ids)))
    ref = RefusalReferral.objects.create(
        court=case.court,
        case=case,
        party=party,
        conduct=conduct.strip(),
        evidence=evidence,
        status=ReferralStatus.PREPARED,
        prepared_by=actor,
        prepared_at=now,
    )
    ref.measures.set(measures)
    ReferralStep.objects.create(
        referral=ref, status=ReferralStatus.PREPARED, on=local_date(now), recorded_by=actor, recorded_at=now
    )
    case_event_record(
        case=case,
        kind=MeasuresEvent.REFERRAL_PREPARED,
        summary=f"制作{party.name}涉嫌拒不执行判决、裁定罪移送材料",
        actor=actor,
        now=now,
        data={"referral": ref.pk, "measures": [m.pk for m in measures], "evidence": evidence},
        legal_basis=rules.REFUSAL_BASIS,
    )
    return ref


def _status_label(status: str) -> str:
    return str(ReferralStatus(status).label) if status in ReferralStatus.values else status


@transaction.atomic
def refusal_referral_advance(
    *, actor: User, referral_id: int, status: str, on: date, note: str = "", now: datetime
) -> RefusalReferral:
    """Record the next step of a referral. When the police decline, the applicant may bring a
    private prosecution (法释〔2024〕13号 art. 14)."""
    ref = (
        RefusalReferral.objects.select_for_update()
        .filter(pk=referral_id, court_id=court_id_of(actor))
        .first()
    )
    if ref is None:
        raise NotFound("移送记录不存在。")
    require(actor, "measure.propose", court=ref.court)
    if status not in _REFERRAL_NEXT.get(ref.status, ()):
        raise InvalidTransition(f"当前为“{ref.get_status_display()}”，不能登记为“{_status_label(status)}”。")
    ref.status = status
    ref.save(update_fields=["status"])
    ReferralStep.objects.create(
        referral=ref, status=status, on=on, note=note, recorded_by=actor, recorded_at=now
    )
    case_event_record(
        case=ref.case,
        kind=MeasuresEvent.REFERRAL_STEP,
        summary=f"拒执移送：{ReferralStatus(status).label}",
        actor=actor,
        now=now,
        data={"referral": ref.pk, "status": status, "on": on, "note": note},
        legal_basis=rules.REFUSAL_BASIS,
    )
    return ref
