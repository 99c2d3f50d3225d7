"""What the parties do in a mediation, each once: join it (确认参加调解), sign the agreement
(签署调解协议) and apply jointly for judicial confirmation (共同申请司法确认).

A party acts online through its portal account (``method = online``, the party itself), or on
paper, recorded by the mediator (当面签字) or at the counter (窗口申请). The agreement takes effect
the day the last party signs it (人民调解法 2010 art. 29: a written agreement takes effect when
every party has signed it and the mediator has signed it; recording the agreement is the
mediator's signature). The joint application for judicial confirmation must be made within 30
days of that day (CPL 2023 art. 205; 人民调解法 2010 art. 33); it is complete when every party has
applied (司法确认规定 2011 art. 1: the parties apply jointly). The 30 days are
checked when each party applies, never later at the ruling.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.db import IntegrityError, transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can, require
from lastmile.cases.services import case_event_record
from lastmile.core.clock import court_date as _today
from lastmile.core.errors import ConditionsNotMet, InvalidTransition, NotFound, PermissionDenied
from lastmile.core.legal import LegalBasis
from lastmile.core.periods import period_end
from lastmile.mediation.kinds import MediationEvent
from lastmile.parties.models import Party

from ..models import ActMethod, Agreement, Mediation, MediationStage, MediationStatus, PartyAct, PartyActKind
from .common import _lock, _parties

CONFIRMATION_APPLY_DAYS = 30  # CPL 2023 art. 205; 人民调解法 2010 art. 33
BASIS_AGREEMENT_EFFECT = LegalBasis("人民调解法", "2010", "29")
BASIS_APPLY_CONFIRMATION = LegalBasis("民事诉讼法", "2023", "205")


def mediation_parties(mediation: Mediation) -> list[Party]:
    """Who must sign and apply: the creditors and debtors of the mediated case, in that order."""
    creditors, debtors = _parties(mediation.case)
    return [*creditors, *debtors]


def confirmation_apply_last_day(agreement: Agreement) -> date | None:
    """The last day for the joint application: 30 days from the agreement's effect (CPL 2023
    art. 205), the first day not counted and a last day on a rest day moved (art. 85)."""
    if agreement.effective_on is None:
        return None
    return period_end(agreement.effective_on, CONFIRMATION_APPLY_DAYS)


def _acted(mediation: Mediation, kind: str) -> set[int]:
    return set(PartyAct.objects.filter(mediation=mediation, kind=kind).values_list("party_id", flat=True))


def _record(
    locked: Mediation, party: Party, kind: str, method: str, *, actor: User | None, now: datetime
) -> PartyAct:
    try:
        with transaction.atomic():
            return PartyAct.objects.create(
                mediation=locked, party=party, kind=kind, method=method, at=now, recorded_by=actor
            )
    except IntegrityError as exc:  # the unique row: a second act of the same kind
        raise InvalidTransition(f"{party.name}已{PartyActKind(kind).label}。") from exc


def _require_party(locked: Mediation, party: Party) -> None:
    if party.pk not in {p.pk for p in mediation_parties(locked)}:
        raise NotFound("调解案件不存在或您无权查看。")


@transaction.atomic
def mediation_party_join(*, mediation: Mediation, party: Party, now: datetime) -> PartyAct:
    """A party accepts the invitation to mediate (mediation is voluntary: 人民调解法 2010 art. 3);
    while the mediation is open, before or after an agreement is drafted."""
    locked = _lock(mediation)
    _require_party(locked, party)
    if locked.status not in (MediationStatus.MEDIATING, MediationStatus.AGREED):
        raise InvalidTransition("该调解已结束。", details={"status": locked.status})
    act = _record(locked, party, PartyActKind.JOINED, ActMethod.ONLINE, actor=None, now=now)
    case_event_record(
        case=locked.case,
        kind=MediationEvent.PARTY_JOINED,
        summary=f"{party.name}在线确认参加调解",
        actor=None,
        now=now,
        data={"party": party.pk, "method": ActMethod.ONLINE},
    )
    return act


def _sign(
    locked: Mediation, agreement: Agreement, party: Party, method: str, *, actor: User | None, now: datetime
) -> PartyAct:
    act = _record(locked, party, PartyActKind.SIGNED, method, actor=actor, now=now)
    case_event_record(
        case=locked.case,
        kind=MediationEvent.AGREEMENT_SIGNED,
        summary=f"{party.name}签署调解协议（{ActMethod(method).label}）",
        actor=actor,
        now=now,
        data={"party": party.pk, "method": method, "agreement": agreement.pk},
        legal_basis=BASIS_AGREEMENT_EFFECT,
    )
    everyone = {p.pk for p in mediation_parties(locked)}
    if everyone <= _acted(locked, PartyActKind.SIGNED) and agreement.effective_on is None:
        agreement.effective_on = _today(now)
        agreement.save(update_fields=["effective_on"])
        case_event_record(
            case=locked.case,
            kind=MediationEvent.AGREEMENT_EFFECTIVE,
            summary=f"各方当事人均已签署，调解协议于{agreement.effective_on:%Y-%m-%d}生效",
            actor=actor,
            now=now,
            data={"agreement": agreement.pk, "effective_on": agreement.effective_on},
            legal_basis=BASIS_AGREEMENT_EFFECT,
        )
    return act


def _agreement_to_sign(locked: Mediation) -> Agreement:
    if locked.status != MediationStatus.AGREED:
        raise InvalidTransition("尚无待签署的调解协议。", details={"status": locked.status})
    return Agreement.objects.select_for_update().get(mediation=locked)


@transaction.atomic
def mediation_agreement_sign(
    *, mediation: Mediation, party: Party, typed_name: str, now: datetime
) -> PartyAct:
    """A party signs the agreement online (在线签名) by typing its own name, after having joined
    the mediation. When the last party signs, the agreement takes effect that day (人民调解法 2010
    art. 29)."""
    locked = _lock(mediation)
    _require_party(locked, party)
    agreement = _agreement_to_sign(locked)
    if "".join(typed_name.split()) != "".join(party.name.split()):
        raise ConditionsNotMet("签名须与当事人姓名（名称）一致。", unmet=["typed_name"])
    if party.pk not in _acted(locked, PartyActKind.JOINED):
        raise ConditionsNotMet("请先确认参加调解，再签署调解协议。", unmet=["joined"])
    return _sign(locked, agreement, party, ActMethod.ONLINE, actor=None, now=now)


@transaction.atomic
def mediation_agreement_sign_on_site(
    *, mediation: Mediation, parties: Sequence[Party], actor: User, now: datetime
) -> list[PartyAct]:
    """The mediator records that the given parties signed the paper agreement in person (当面签字).
    All or nothing: a party who has signed already refuses the whole call."""
    require(actor, "mediation.work", court=mediation.court)
    locked = _lock(mediation)
    agreement = _agreement_to_sign(locked)
    if not parties:
        raise ConditionsNotMet("请选择签字的当事人。", unmet=["parties"])
    for party in parties:
        _require_party(locked, party)
    return [_sign(locked, agreement, p, ActMethod.ON_SITE, actor=actor, now=now) for p in parties]


def _apply(locked: Mediation, party: Party, method: str, *, actor: User | None, now: datetime) -> PartyAct:
    """One party's application, inside the 30 days (CPL 2023 art. 205); the last one completes
    the joint application, naming every applicant."""
    if locked.stage != MediationStage.PRE_SUIT:
        raise ConditionsNotMet("诉中调解达成协议的，由人民法院制作调解书，不适用司法确认。", unmet=["stage"])
    if locked.status != MediationStatus.AGREED:
        raise InvalidTransition("尚无可申请司法确认的调解协议。", details={"status": locked.status})
    agreement = Agreement.objects.select_for_update().get(mediation=locked)
    last_day = confirmation_apply_last_day(agreement)
    today = _today(now)
    if last_day is None:
        raise ConditionsNotMet(
            "调解协议尚未经各方当事人签署生效，不能申请司法确认（《人民调解法》第二十九条、"
            "《民事诉讼法》第二百零五条）。",
            unmet=["agreement_effective"],
        )
    if today > last_day:
        raise ConditionsNotMet(
            f"已超过申请司法确认的期限：应自调解协议生效之日（{agreement.effective_on:%Y-%m-%d}）起三十日内，"
            f"即{last_day:%Y-%m-%d}前共同申请（《民事诉讼法》第二百零五条）。",
            unmet=["confirmation_period"],
        )
    act = _record(locked, party, PartyActKind.APPLIED, method, actor=actor, now=now)
    everyone = mediation_parties(locked)
    applied = _acted(locked, PartyActKind.APPLIED)
    complete = {p.pk for p in everyone} <= applied
    if complete:
        agreement.confirmation_applied_on = today
        agreement.save(update_fields=["confirmation_applied_on"])
    names = "、".join(p.name for p in everyone)
    waiting = f"{party.name}申请司法确认，待其他当事人申请"
    case_event_record(
        case=locked.case,
        kind=MediationEvent.CONFIRMATION_APPLIED,
        summary=f"申请人{names}共同申请司法确认" if complete else waiting,
        actor=actor,
        now=now,
        data={"party": party.pk, "method": method, "complete": complete, "last_day": last_day},
        legal_basis=BASIS_APPLY_CONFIRMATION,
    )
    return act


@transaction.atomic
def mediation_confirmation_apply(*, mediation: Mediation, party: Party, now: datetime) -> PartyAct:
    """A party applies online for judicial confirmation of the effective agreement."""
    locked = _lock(mediation)
    _require_party(locked, party)
    return _apply(locked, party, ActMethod.ONLINE, actor=None, now=now)


@transaction.atomic
def mediation_confirmation_apply_at_counter(
    *, mediation: Mediation, parties: Sequence[Party], actor: User, now: datetime
) -> list[PartyAct]:
    """The court records the application of parties who applied in person at the counter, with
    the application and the agreement (司法确认规定 2011 arts. 1, 3). All or nothing."""
    if not any(actor_can(actor, c) for c in ("case.file", "mediation.work", "trial.work")):
        raise PermissionDenied("您没有登记司法确认申请的权限。", details={"capability": "mediation.work"})
    require(actor, "case.view", court=mediation.court)
    locked = _lock(mediation)
    if not parties:
        raise ConditionsNotMet("请选择申请的当事人。", unmet=["parties"])
    for party in parties:
        _require_party(locked, party)
    return [_apply(locked, p, ActMethod.COUNTER, actor=actor, now=now) for p in parties]
