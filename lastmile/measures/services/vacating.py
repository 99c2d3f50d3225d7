"""腾房 (民事诉讼法 2023 art. 261: 强制迁出房屋由院长签发公告，责令被执行人在指定期间履行；逾期不履行
的，由执行员强制执行): the officer drafts the 腾房公告 of a seized home, the 院长 signs it (which issues
the 公告, serves it on both sides and starts its period), then the officer records the occupants'
voluntary vacating (the day, where they moved, whether into housing the applicant provides:
执行异议复议规定 2020 art. 20 ¶1(3)) or, once the period has run, the forced vacating, which the
guardrail refuses while the period runs (:func:`lastmile.measures.guardrails.home_disposal_evaluate`,
proposal ``vacate``). Each act is one transaction with its event; a refused act changes nothing."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case
from lastmile.cases.services import case_event_record
from lastmile.core.errors import ConditionsNotMet, InvalidTransition, NotFound
from lastmile.core.legal import LegalBasis, cpl
from lastmile.core.periods import period_end
from lastmile.parties.models import Party

from .. import rules
from ..documents import _applicants, _issue_and_serve
from ..guardrails import VACATE, home_disposal_evaluate, local_date
from ..guardrails.good_faith import home_grace_end
from ..kinds import MeasuresEvent
from ..models import HomeDesignation, VacateNotice, VacateStatus
from .common import _is_debtor

BASIS = cpl(261)
HOUSING_BASIS = LegalBasis(rules.OBJECTION_RULES, "2020", "20")


def vacate_notice_days_default() -> int:
    """The form's default period (民事诉讼法 2023 art. 261 "指定期间"; the setting VACATE_NOTICE_DAYS)."""
    return int(rules.measures_setting("VACATE_NOTICE_DAYS"))  # type: ignore[call-overload]


def _locked(notice_id: int, actor: User) -> VacateNotice:
    notice = (
        VacateNotice.objects.select_for_update()
        .select_related("case", "party", "drafted_by")
        .filter(pk=notice_id)
        .first()
    )
    if notice is None or notice.court_id != actor.court_id:
        raise NotFound("腾房公告不存在或无权查看。")
    return notice


def _event(
    notice: VacateNotice, kind: MeasuresEvent, summary: str, actor: User, now: datetime, **data: object
) -> None:
    case_event_record(
        case=notice.case,
        kind=kind,
        summary=summary,
        actor=actor,
        now=now,
        data={"vacate_notice": notice.pk, "party": notice.party_id, **data},
        legal_basis=BASIS,
    )


@transaction.atomic
def vacate_notice_draft(
    *,
    actor: User,
    case: Case,
    party: Party,
    property_ref: str,
    address: str,
    occupants: str,
    days: int,
    now: datetime,
    applicant_housing: str = "",
) -> VacateNotice:
    """Draft the 腾房公告 of the debtor's seized home for the 院长 to sign: where it is, who lives
    in it, the period the court sets (民事诉讼法 2023 art. 261) and the housing the applicant
    provides, if any (执行异议复议规定 2020 art. 20 ¶1(3)). One per home and case."""
    require(actor, "measure.propose", court=case.court)
    if not _is_debtor(case, party):
        raise ConditionsNotMet("腾房公告只能针对本案被执行人的房屋。", unmet=["party"])
    property_ref, address, occupants = property_ref.strip(), address.strip(), occupants.strip()
    if not property_ref or not address or not occupants:
        raise ConditionsNotMet("请填写不动产权证号、坐落和现居住使用人。", unmet=["property"])
    if not 1 <= days <= rules.VACATE_NOTICE_DAYS_MAX:
        raise ConditionsNotMet(
            f"腾房期间应为1至{rules.VACATE_NOTICE_DAYS_MAX}日（{BASIS}：指定期间）。", unmet=["days"]
        )
    if VacateNotice.objects.filter(case=case, property_ref=property_ref).exists():
        raise InvalidTransition("该房屋已有腾房公告。")
    notice = VacateNotice.objects.create(
        court_id=case.court_id,
        case=case,
        party=party,
        property_ref=property_ref[:64],
        address=address[:256],
        occupants=occupants[:256],
        applicant_housing=applicant_housing.strip()[:256],
        days=days,
        drafted_by=actor,
        drafted_at=now,
    )
    _event(
        notice,
        MeasuresEvent.VACATE_NOTICE_DRAFTED,
        f"拟制腾房公告：{notice.address}，腾房期间{days}日，报院长签发",
        actor,
        now,
        days=days,
    )
    return notice


@transaction.atomic
def vacate_notice_sign(*, actor: User, notice_id: int, now: datetime) -> VacateNotice:
    """The 院长 signs the 腾房公告 (民事诉讼法 2023 art. 261): it is issued, posted and served on both
    sides, and its period starts today. For the family's necessary home the period never ends
    before the three months' grace after the 执行通知 was served (执行异议复议规定 2020 art. 20 ¶2),
    and the 公告 cannot be signed before that notice was served."""
    notice = _locked(notice_id, actor)
    require(actor, "approve.president", court=notice.case.court)
    if notice.status != VacateStatus.DRAFTED:
        raise InvalidTransition("该腾房公告已经签发。")
    today = local_date(now)
    ends = period_end(today, notice.days)
    home = HomeDesignation.objects.filter(
        case=notice.case, party=notice.party, property_ref=notice.property_ref
    ).first()
    if home is not None and home.necessary_home:
        if home.notice_served_on is None:
            raise ConditionsNotMet(
                f"执行通知尚未送达，生活必需住房的三个月宽限期未起算（{HOUSING_BASIS}）。",
                unmet=["execution_notice"],
            )
        ends = max(ends, home_grace_end(home))
    notice.status = VacateStatus.ISSUED
    notice.signed_by = actor
    notice.signed_at = now
    notice.starts_on = today
    notice.ends_on = ends
    document = _issue_and_serve(
        notice.case,
        "vacate_notice",
        {
            "debtor": notice.party.name,
            "address": notice.address,
            "property_ref": notice.property_ref,
            "occupants": notice.occupants,
            "days": str((ends - today).days),
            "ends_on": ends.isoformat(),
            "applicant_housing": notice.applicant_housing,
            "president": actor.name,
        },
        recipients=[notice.party, *_applicants(notice.case)],
        actor=notice.drafted_by,  # the 院长 signs; the executing staff issue and serve
        now=now,
    )
    notice.document = document
    notice.save(update_fields=["status", "signed_by", "signed_at", "starts_on", "ends_on", "document"])
    _event(
        notice,
        MeasuresEvent.VACATE_NOTICE_ISSUED,
        f"院长签发腾房公告（{document.number}）：{notice.occupants}应于{ends:%Y-%m-%d}前搬离{notice.address}",
        actor,
        now,
        document=document.pk,
        ends_on=ends.isoformat(),
    )
    return notice


@transaction.atomic
def vacating_record(
    *,
    actor: User,
    notice_id: int,
    vacated_on: date,
    moved_to: str,
    moved_to_applicant_housing: bool,
    now: datetime,
    note: str = "",
) -> VacateNotice:
    """The occupants left of their own accord: the day, where they moved, and whether into the
    housing the applicant provides (执行异议复议规定 2020 art. 20 ¶1(3)). No forced vacating follows."""
    notice = _locked(notice_id, actor)
    require(actor, "measure.propose", court=notice.case.court)
    if notice.status != VacateStatus.ISSUED:
        raise InvalidTransition("腾房公告尚未签发，或腾退已经登记。")
    assert notice.starts_on is not None
    if not notice.starts_on <= vacated_on <= local_date(now):
        raise ConditionsNotMet("腾退日期应在公告之后、今天之前。", unmet=["vacated_on"])
    moved_to = moved_to.strip()
    if not moved_to:
        raise ConditionsNotMet("请填写迁往何处。", unmet=["moved_to"])
    notice.status = VacateStatus.VACATED
    notice.vacated_on = vacated_on
    notice.moved_to = moved_to[:256]
    notice.moved_to_applicant_housing = moved_to_applicant_housing
    notice.closed_by = actor
    notice.closed_at = now
    notice.note = note.strip()[:512]
    notice.save(
        update_fields=[
            "status",
            "vacated_on",
            "moved_to",
            "moved_to_applicant_housing",
            "closed_by",
            "closed_at",
            "note",
        ]
    )
    where = "申请执行人提供的住房" if moved_to_applicant_housing else "自行安排的住处"
    _event(
        notice,
        MeasuresEvent.VACATED,
        f"{notice.occupants}于{vacated_on:%Y-%m-%d}自行腾退{notice.address}，迁往{where}",
        actor,
        now,
        vacated_on=vacated_on.isoformat(),
        applicant_housing=moved_to_applicant_housing,
    )
    return notice


@transaction.atomic
def vacating_force_record(
    *, actor: User, notice_id: int, on: date, now: datetime, note: str = ""
) -> VacateNotice:
    """The officers moved the occupants out after the 公告's period ran out (民事诉讼法 2023 art. 261).
    Refused, and nothing written, while the period (or the necessary home's grace) runs, without a
    signed 公告, or once the occupants have left."""
    notice = _locked(notice_id, actor)
    require(actor, "measure.propose", court=notice.case.court)
    home_disposal_evaluate(
        case=notice.case, party=notice.party, property_ref=notice.property_ref, kind=VACATE, now=now
    ).raise_if_refused()
    if on != local_date(now):
        raise ConditionsNotMet("强制迁出应当在实施当日登记。", unmet=["on"])
    notice.status = VacateStatus.FORCED
    notice.forced_on = on
    notice.closed_by = actor
    notice.closed_at = now
    notice.note = note.strip()[:512]
    notice.save(update_fields=["status", "forced_on", "closed_by", "closed_at", "note"])
    _event(notice, MeasuresEvent.VACATE_FORCED, f"腾房期间届满，强制迁出{notice.address}", actor, now)
    return notice
