"""Service of the judgment, appeal and the effective date.

- Appeal: 15 days from service of a judgment (CPL 2023 art. 171), per party; the judgment takes
  effect the day after the last party's period ends without an appeal. Small-claims judgments are
  final and take effect on service (art. 165).
- Service fallback: public notice (art. 95) is not used in simplified procedure (民诉解释 2022
  art. 140); when electronic service of a simplified or small-claims case fails, the judge
  converts the case to ordinary procedure and the notice is published
  (:func:`judgment_service_fallback`).
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
from lastmile.service.conf import court_cases_setting
from lastmile.service.models import OrderStatus, ServiceOrder
from lastmile.service.ports import ElectronicServicePort
from lastmile.service.selectors import document_service_state
from lastmile.service.services import service_dispatch, service_public_notice
from lastmile.trial.kinds import TrialEvent

from ..models import (
    Judgment,
    Lawsuit,
    Procedure,
)

BASIS_APPEAL = cpl(171)
BASIS_SMALL_CLAIMS = cpl(165)

BASIS_NO_NOTICE_SIMPLIFIED = LegalBasis(
    "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释", "2022", "140"
)
APPEAL_DAYS_JUDGMENT = 15  # CPL 2023 art. 171 (10 days against rulings)


def judgment_serve(
    *, judgment: Judgment, actor: User | None, now: datetime, port: ElectronicServicePort | None = None
) -> Judgment:
    """Serve the judgment on every party electronically (lastmile.service)."""
    service_dispatch(document=judgment.document, actor=actor, now=now, port=port)
    return judgment_effective_refresh(judgment=judgment, now=now)


def appeal_last_day(served_on: date) -> date:
    """Last day to appeal a judgment served on ``served_on`` (CPL 2023 arts. 85, 171)."""
    return period_end(served_on, APPEAL_DAYS_JUDGMENT)


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


@transaction.atomic
def judgment_appeal_record(*, judgment: Judgment, actor: User, now: datetime, note: str = "") -> Judgment:
    """A party appealed within its period (CPL 2023 art. 171): the judgment does not take effect."""
    require(actor, "trial.work", court=judgment.lawsuit.court)
    locked = (
        Judgment.objects.select_for_update(of=("self",))
        .select_related("lawsuit", "lawsuit__case", "document")
        .get(pk=judgment.pk)
    )
    if not locked.lawsuit.appealable:
        raise ConditionsNotMet("小额诉讼案件实行一审终审，不能上诉。", unmet=["small_claims"])
    if locked.effective_on is not None or locked.appealed_at is not None:
        raise InvalidTransition("判决已生效或已记录上诉。")
    served = [d for d in document_service_state(locked.document).served_on.values() if d is not None]
    if served and _today(now) > max(appeal_last_day(d) for d in served):
        raise ConditionsNotMet("上诉期已届满。", unmet=["appeal_period"])
    locked.appealed_at = now
    locked.save(update_fields=["appealed_at"])
    case_event_record(
        case=locked.lawsuit.case,
        kind=TrialEvent.APPEALED,
        summary="当事人提起上诉" + (f"：{note.strip()}" if note.strip() else ""),
        actor=actor,
        now=now,
        legal_basis=BASIS_APPEAL,
    )
    return locked


@transaction.atomic
def judgment_service_fallback(*, judgment: Judgment, actor: User, now: datetime) -> list[ServiceOrder]:
    """Public notice for the parties electronic service could not reach. A simplified or
    small-claims case is first converted to ordinary procedure, since public notice is not used in
    simplified procedure (民诉解释 2022 art. 140); the conversion is recorded on the timeline."""
    require(actor, "trial.work", court=judgment.lawsuit.court)
    failed = list(ServiceOrder.objects.filter(document=judgment.document, status=OrderStatus.FAILED))
    if not failed:
        raise ConditionsNotMet("没有电子送达未成功的当事人。", unmet=["failed_service"])
    lawsuit = (
        Lawsuit.objects.select_for_update(of=("self",)).select_related("case").get(pk=judgment.lawsuit_id)
    )
    if lawsuit.procedure != Procedure.ORDINARY:
        previous = lawsuit.procedure
        lawsuit.procedure = Procedure.ORDINARY
        lawsuit.save(update_fields=["procedure"])
        case_event_record(
            case=lawsuit.case,
            kind=TrialEvent.PROCEDURE_CONVERTED,
            summary=f"电子送达未成功，{Procedure(previous).label}不适用公告送达，转为普通程序",
            actor=actor,
            now=now,
            data={"from": previous, "to": Procedure.ORDINARY},
            legal_basis=BASIS_NO_NOTICE_SIMPLIFIED,
        )
    return [service_public_notice(order=o, actor=actor, now=now) for o in failed]


def trial_sweep(*, now: datetime) -> int:
    """Settle effective dates of served judgments; returns how many took effect."""
    n = 0
    for j in Judgment.objects.filter(effective_on__isnull=True, appealed_at__isnull=True):
        if judgment_effective_refresh(judgment=j, now=now).effective_on is not None:
            n += 1
    return n
