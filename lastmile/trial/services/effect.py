"""Service of the judgment, appeal and the effective date.

- Appeal: 15 days from service of a judgment (CPL 2023 art. 171), per party; the judgment takes
  effect the day after the last party's period ends without an appeal. Small-claims judgments are
  final and take effect on service (art. 165).
- An appeal is recorded for a party of the case within that party's period, counted from the
  judgment's service on it (arts. 85, 171); small-claims judgments are final (art. 165) and cannot
  be appealed. The copy of the petition is served on the other parties (art. 174). An appealed
  judgment never takes effect by the sweep.
- Service fallback: public notice (art. 95) is not used in simplified procedure (民诉解释 2022
  art. 140), and a case cannot change procedure after judgment (arts. 169–170 "在审理过程中";
  民诉解释 2022 art. 258): public notice of a judgment is for ordinary-procedure cases only
  (:func:`judgment_service_fallback`); a simplified case whose party cannot be reached is
  converted before judgment (:func:`lastmile.trial.services.lawsuit_procedure_convert`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.services import (
    case_event_record,
)
from lastmile.core.clock import court_date as _today
from lastmile.core.errors import ConditionsNotMet, InvalidTransition
from lastmile.core.legal import LegalBasis, cpl
from lastmile.core.periods import period_end
from lastmile.documents.services import document_issue
from lastmile.parties.models import Party
from lastmile.service.conf import court_cases_setting
from lastmile.service.models import OrderStatus, ServiceOrder
from lastmile.service.ports import ElectronicServicePort
from lastmile.service.selectors import document_service_state
from lastmile.service.services import service_dispatch, service_public_notice
from lastmile.trial.kinds import TrialEvent

from ..models import (
    Appeal,
    Judgment,
    Procedure,
)
from ..selectors import APPEAL_DAYS, appeal_last_day
from .common import _parties

BASIS_APPEAL = cpl(171)
BASIS_APPEAL_COPY = cpl(174)
BASIS_SMALL_CLAIMS = cpl(165)

BASIS_NO_NOTICE_SIMPLIFIED = LegalBasis(
    "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释", "2022", "140"
)
APPEAL_DAYS_JUDGMENT = APPEAL_DAYS  # CPL 2023 art. 171 (10 days against rulings)


def judgment_serve(
    *, judgment: Judgment, actor: User | None, now: datetime, port: ElectronicServicePort | None = None
) -> Judgment:
    """Serve the judgment on every party electronically (lastmile.service)."""
    service_dispatch(document=judgment.document, actor=actor, now=now, port=port)
    return judgment_effective_refresh(judgment=judgment, now=now)


@transaction.atomic
def judgment_effective_refresh(*, judgment: Judgment, now: datetime) -> Judgment:
    """Set the effective date once it is known: small claims on service to the last party
    (CPL 2023 art. 165); otherwise the day after the last party's 15-day appeal period ends with
    no appeal (art. 171). The payment period then runs ``PERFORMANCE_DAYS`` from that day."""
    locked = (
        Judgment.objects.select_for_update(of=("self",))
        .select_related("lawsuit", "lawsuit__case", "document")
        .get(pk=judgment.pk)
    )
    if locked.effective_on is not None or locked.appealed_at is not None:
        return locked
    state = document_service_state(locked.document)
    if not state.complete:
        return locked
    last_served = state.last_served_on
    assert last_served is not None
    if locked.lawsuit.appealable:
        last_day = max(appeal_last_day(d) for d in state.served_on.values() if d is not None)
        if _today(now) <= last_day:
            return locked
        effective = last_day + timedelta(days=1)
        basis = BASIS_APPEAL
        why = f"上诉期于{last_day:%Y-%m-%d}届满，当事人均未上诉"
    else:
        effective = last_served
        basis = BASIS_SMALL_CLAIMS
        why = "小额诉讼案件实行一审终审，送达即生效"
    locked.effective_on = effective
    locked.performance_deadline = period_end(effective, int(court_cases_setting("PERFORMANCE_DAYS")))
    locked.save(update_fields=["effective_on", "performance_deadline"])
    case_event_record(
        case=locked.lawsuit.case,
        kind=TrialEvent.JUDGMENT_EFFECTIVE,
        summary=f"判决于{effective:%Y-%m-%d}发生法律效力（{why}），履行期限至{locked.performance_deadline:%Y-%m-%d}",
        actor=None,
        now=now,
        data={"effective_on": effective, "performance_deadline": locked.performance_deadline},
        legal_basis=basis,
    )
    return locked


def appeal_period_of(judgment: Judgment, party: Party) -> date | None:
    """The last day ``party`` may appeal: 15 days from the judgment's service on it (CPL 2023
    arts. 85, 171); None while it is not served yet (an appeal is then still possible)."""
    served = document_service_state(judgment.document).served_on.get(party.pk)
    return appeal_last_day(served) if served is not None else None


@transaction.atomic
def judgment_appeal_record(
    *, judgment: Judgment, actor: User, now: datetime, appellant: Party | None = None, note: str = ""
) -> Judgment:
    """A party's appeal lodged within its period (CPL 2023 art. 171, counted from the judgment's
    service on that party): recorded, and the copy of the petition served on the other parties
    (art. 174). The judgment then does not take effect. Refused for small claims (final, art. 165),
    for a judgment already effective, for someone not a party, after the party's period, and for a
    party that appealed already; refusals change nothing. ``appellant`` defaults to the first
    defendant."""
    require(actor, "trial.work", court=judgment.lawsuit.court)
    locked = (
        Judgment.objects.select_for_update(of=("self",))
        .select_related("lawsuit", "lawsuit__case", "lawsuit__court", "document")
        .get(pk=judgment.pk)
    )
    if not locked.lawsuit.appealable:
        raise ConditionsNotMet(
            f"小额诉讼案件实行一审终审，不能上诉（{BASIS_SMALL_CLAIMS}）。", unmet=["small_claims"]
        )
    if locked.effective_on is not None:
        raise InvalidTransition(
            f"判决已于{locked.effective_on:%Y-%m-%d}发生法律效力，不能再上诉（{BASIS_APPEAL}）。"
        )
    creditors, debtors = _parties(locked.lawsuit.case)
    parties = creditors + debtors
    if appellant is None:
        appellant = debtors[0] if debtors else None
    if appellant is None or appellant.pk not in {p.pk for p in parties}:
        raise ConditionsNotMet("上诉人须为本案当事人。", unmet=["appellant"])
    if Appeal.objects.filter(judgment=locked, appellant=appellant).exists():
        raise InvalidTransition(f"{appellant.name}已提起上诉。")
    last_day = appeal_period_of(locked, appellant)
    if last_day is not None and _today(now) > last_day:
        raise ConditionsNotMet(
            f"{appellant.name}的上诉期已于{last_day:%Y-%m-%d}届满（判决书送达之日起十五日，{BASIS_APPEAL}）。",
            unmet=["appeal_period"],
        )
    others = [p for p in parties if p.pk != appellant.pk]
    higher = locked.lawsuit.court.parent.name if locked.lawsuit.court.parent_id else "上一级人民法院"  # type: ignore[union-attr]
    document = document_issue(
        case=locked.lawsuit.case,
        template_code="appeal_copy_notice",
        context={
            "appellant": appellant.name,
            "respondents_on_appeal": [p.name for p in others],
            "judgment_number": locked.document.number,
            "lodged_on": _today(now),
            "note": note.strip(),
            "higher_court": higher,
        },
        actor=actor,
        now=now,
    )
    Appeal.objects.create(
        judgment=locked,
        appellant=appellant,
        lodged_at=now,
        note=note.strip()[:500],
        document=document,
        recorded_by=actor,
    )
    if locked.appealed_at is None:
        locked.appealed_at = now
        locked.save(update_fields=["appealed_at"])
    service_dispatch(document=document, actor=actor, now=now, recipients=others)
    case_event_record(
        case=locked.lawsuit.case,
        kind=TrialEvent.APPEALED,
        summary=f"{appellant.name}提起上诉" + (f"：{note.strip()}" if note.strip() else ""),
        actor=actor,
        now=now,
        data={"appellant": appellant.pk, "document": document.pk, "last_day": last_day},
        legal_basis=BASIS_APPEAL,
    )
    return locked


@transaction.atomic
def judgment_service_fallback(*, judgment: Judgment, actor: User, now: datetime) -> list[ServiceOrder]:
    """Public notice of the judgment for the parties electronic service could not reach, in an
    ordinary-procedure case only: public notice is not used in simplified procedure or small
    claims (民诉解释 2022 art. 140), and after judgment the procedure can no longer be changed
    (CPL 2023 arts. 169–170; 民诉解释 2022 art. 258). Refusals change nothing."""
    require(actor, "trial.work", court=judgment.lawsuit.court)
    failed = list(ServiceOrder.objects.filter(document=judgment.document, status=OrderStatus.FAILED))
    if not failed:
        raise ConditionsNotMet("没有电子送达未成功的当事人。", unmet=["failed_service"])
    lawsuit = judgment.lawsuit
    if lawsuit.procedure != Procedure.ORDINARY:
        raise ConditionsNotMet(
            f"本案适用{Procedure(lawsuit.procedure).label}，不适用公告送达（{BASIS_NO_NOTICE_SIMPLIFIED}）；"
            f"判决作出后不能再转为普通程序（{cpl(170)}）。请以直接、留置、邮寄等方式送达。",
            unmet=["procedure"],
            details={"basis": BASIS_NO_NOTICE_SIMPLIFIED.as_dict()},
        )
    return [service_public_notice(order=o, actor=actor, now=now) for o in failed]


def trial_sweep(*, now: datetime) -> int:
    """Settle effective dates of served judgments; returns how many took effect."""
    n = 0
    for j in Judgment.objects.filter(effective_on__isnull=True, appealed_at__isnull=True):
        if judgment_effective_refresh(judgment=j, now=now).effective_on is not None:
            n += 1
    return n
