"""Batch trial API (``/api/v1/trial``). Staff use their session; a bank uses its institution key
(header ``X-Api-Key``) for the one-click enforcement application of its own judgments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.security import django_auth

from lastmile.accounts.models import User
from lastmile.core.clock import get_clock
from lastmile.core.errors import NotFound, PermissionDenied
from lastmile.filing.api import InstitutionKey
from lastmile.filing.models import InstitutionClient

from . import selectors, services
from .models import Judgment, JudgmentBatch, Lawsuit
from .tasks import hearing_batch_summon_start, judgment_batch_start, summons_inline

router = Router(tags=["trial"])


def _user(request: HttpRequest) -> User:
    principal = request.auth  # type: ignore[attr-defined]
    if not isinstance(principal, User):
        raise PermissionDenied("该接口仅供法院工作人员使用。")
    return principal


class LawsuitOut(Schema):
    id: int
    case: str
    origin: str | None
    procedure: str
    status: str
    claimed: str
    fee: str
    fee_halved: bool
    fee_difference: str
    small_claims_limit: str | None
    small_claims_agreed: bool
    exclusions: list[str]


def _lawsuit(s: Lawsuit) -> LawsuitOut:
    return LawsuitOut(
        id=s.pk,
        case=s.case.number,
        origin=s.case.parent.number if s.case.parent_id else None,  # type: ignore[union-attr]
        procedure=s.procedure,
        status=s.status,
        claimed=str(s.claimed),
        fee=str(s.fee),
        fee_halved=s.fee_halved,
        fee_difference=str(s.fee_difference),
        small_claims_limit=str(s.small_claims_limit) if s.small_claims_limit is not None else None,
        small_claims_agreed=s.small_claims_agreed_at is not None,
        exclusions=list(s.exclusions),
    )


class JudgmentOut(Schema):
    id: int
    case: str
    number: str
    issued_at: datetime
    effective_on: date | None
    performance_deadline: date | None
    enforcement_case: str | None


def _judgment(j: Judgment) -> JudgmentOut:
    return JudgmentOut(
        id=j.pk,
        case=j.lawsuit.case.number,
        number=j.document.number,
        issued_at=j.issued_at,
        effective_on=j.effective_on,
        performance_deadline=j.performance_deadline,
        enforcement_case=j.enforcement_case.number if j.enforcement_case_id else None,  # type: ignore[union-attr]
    )


class JudgmentBatchOut(Schema):
    id: int
    status: str
    done: int
    total: int
    failures: dict[str, str]


def _batch(b: JudgmentBatch) -> JudgmentBatchOut:
    done, total = services.judgment_batch_progress(b)
    return JudgmentBatchOut(id=b.pk, status=b.status, done=done, total=total, failures=b.failures)


class IdsIn(Schema):
    ids: list[int]


class ScheduleIn(Schema):
    lawsuit_ids: list[int]
    judge_id: int
    starts_at: datetime
    slot_minutes: int | None = None


class NoteIn(Schema):
    note: str = ""


class ConvertIn(Schema):
    to: str
    reason: str = ""
    exclusions: list[str] = []


class AppealIn(Schema):
    appellant_id: int | None = None
    note: str = ""


class AppealOut(Schema):
    appellant: str
    lodged_at: datetime
    document: str | None


class AppealsOut(Schema):
    id: int
    appealed_at: datetime | None
    appeals: list[AppealOut]


@router.post("/lawsuits/from-mediation", response={201: list[LawsuitOut]}, summary="调解不成转立案（民初）")
def file_from_mediation(request: HttpRequest, body: IdsIn) -> Status:
    user = _user(request)
    mediations = list(selectors.failed_mediations_to_file(user).filter(pk__in=body.ids))
    if len(mediations) != len(set(body.ids)):
        raise NotFound("部分调解案件不存在、未调解不成或已转立案。")
    result = services.lawsuits_file_from_mediation(mediations=mediations, actor=user, now=get_clock().now())
    return Status(201, [_lawsuit(s) for s in result])


@router.post("/hearing-batches", response={201: dict[str, Any]}, summary="批量排期（在线庭审链接）")
def schedule(request: HttpRequest, body: ScheduleIn) -> Status:
    user = _user(request)
    lawsuits = list(selectors.lawsuits_visible_to(user).filter(pk__in=body.lawsuit_ids).order_by("pk"))
    judge = User.objects.filter(pk=body.judge_id, court_id=user.court_id or 0).first()
    if judge is None or len(lawsuits) != len(set(body.lawsuit_ids)):
        raise NotFound("审判员或案件不存在。")
    inline = summons_inline(len(lawsuits))
    batch = services.hearings_schedule_batch(
        lawsuits=lawsuits,
        judge=judge,
        starts_at=body.starts_at,
        slot_minutes=body.slot_minutes,
        actor=user,
        now=get_clock().now(),
        summon=inline,
    )
    if not inline:
        hearing_batch_summon_start(batch)
    return Status(
        201,
        {
            "id": batch.pk,
            "hearings": [
                {"case": h.lawsuit.case.number, "at": h.scheduled_at, "link": h.link}
                for h in batch.hearings.select_related("lawsuit__case")
            ],
        },
    )


@router.post("/hearings/{hearing_id}/record", response=dict[str, Any], summary="记录开庭")
def hearing_record(request: HttpRequest, hearing_id: int, body: NoteIn) -> dict[str, Any]:
    user = _user(request)
    h = services.hearing_record(
        hearing=selectors.hearing_get_for(actor=user, hearing_id=hearing_id),
        note=body.note,
        actor=user,
        now=get_clock().now(),
    )
    return {"id": h.pk, "held_at": h.held_at}


@router.post("/judgment-batches", response={201: JudgmentBatchOut}, summary="批量生成判决书")
def judgments_batch(request: HttpRequest, body: IdsIn) -> Status:
    user = _user(request)
    lawsuits = list(selectors.lawsuits_visible_to(user).filter(pk__in=body.ids).order_by("pk"))
    if len(lawsuits) != len(set(body.ids)):
        raise NotFound("部分案件不存在或您无权查看。")
    batch = services.judgments_batch_create(lawsuits=lawsuits, actor=user, now=get_clock().now())
    judgment_batch_start(batch)
    return Status(201, _batch(batch))


@router.get("/judgment-batches/{batch_id}", response=JudgmentBatchOut, summary="批量判决进度")
def judgment_batch(request: HttpRequest, batch_id: int) -> JudgmentBatchOut:
    return _batch(selectors.judgment_batch_get_for(actor=_user(request), batch_id=batch_id))


@router.get("/judgments", response=list[JudgmentOut], summary="判决（生效日期、执行案号）")
def judgments(request: HttpRequest) -> list[JudgmentOut]:
    return [_judgment(j) for j in selectors.judgments_visible_to(_user(request))[:200]]


@router.post("/judgments/{judgment_id}/serve", response=JudgmentOut, summary="电子送达判决书")
def serve(request: HttpRequest, judgment_id: int) -> JudgmentOut:
    user = _user(request)
    j = selectors.judgment_get_for(actor=user, judgment_id=judgment_id)
    return _judgment(services.judgment_serve(judgment=j, actor=user, now=get_clock().now()))


@router.post("/judgments/{judgment_id}/fallback", response=dict[str, Any], summary="电子送达未成功：公告送达")
def fallback(request: HttpRequest, judgment_id: int) -> dict[str, Any]:
    user = _user(request)
    j = selectors.judgment_get_for(actor=user, judgment_id=judgment_id)
    orders = services.judgment_service_fallback(judgment=j, actor=user, now=get_clock().now())
    return {"orders": [{"id": o.pk, "notice_ends_on": o.notice_ends_on} for o in orders]}


@router.post(
    "/judgments/{judgment_id}/enforcement",
    response={201: dict[str, Any]},
    auth=[InstitutionKey(), django_auth],
    summary="一键申请强制执行（机构密钥：网上申请；工作人员：窗口立案）",
)
def enforcement(request: HttpRequest, judgment_id: int) -> Status:
    principal = request.auth  # type: ignore[attr-defined]
    now = get_clock().now()
    if isinstance(principal, InstitutionClient):
        j = selectors.judgments_of_client_party(principal.party_id).filter(pk=judgment_id).first()
        if j is None:
            raise NotFound("判决不存在或您无权申请。")
        case = services.judgment_enforcement_file(judgment=j, actor=None, now=now)
    else:
        j = selectors.judgment_get_for(actor=principal, judgment_id=judgment_id)
        case = services.judgment_enforcement_file(judgment=j, actor=principal, now=now)
    return Status(201, {"id": case.pk, "number": case.number, "status": case.status})


@router.get("/lawsuits/{lawsuit_id}", response=LawsuitOut, summary="一审案件（程序、受理费、小额诉讼限额）")
def lawsuit(request: HttpRequest, lawsuit_id: int) -> LawsuitOut:
    return _lawsuit(selectors.lawsuit_get_for(actor=_user(request), lawsuit_id=lawsuit_id))


@router.post(
    "/lawsuits/{lawsuit_id}/small-claims-agreement",
    response=LawsuitOut,
    summary="记录当事人约定适用小额诉讼的程序（二倍以下）",
)
def small_claims_agree(request: HttpRequest, lawsuit_id: int, body: NoteIn) -> LawsuitOut:
    user = _user(request)
    s = selectors.lawsuit_get_for(actor=user, lawsuit_id=lawsuit_id)
    return _lawsuit(
        services.lawsuit_small_claims_agree(lawsuit=s, note=body.note, actor=user, now=get_clock().now())
    )


@router.post("/lawsuits/{lawsuit_id}/procedure", response=LawsuitOut, summary="转换审理程序（判决前）")
def procedure_convert(request: HttpRequest, lawsuit_id: int, body: ConvertIn) -> LawsuitOut:
    user = _user(request)
    s = selectors.lawsuit_get_for(actor=user, lawsuit_id=lawsuit_id)
    converted = services.lawsuit_procedure_convert(
        lawsuit=s,
        to=body.to,
        reason=body.reason,
        exclusions=body.exclusions,
        actor=user,
        now=get_clock().now(),
    )
    return _lawsuit(converted)


@router.post("/judgments/{judgment_id}/appeal", response={201: AppealsOut}, summary="记录上诉（上诉期内）")
def appeal(request: HttpRequest, judgment_id: int, body: AppealIn) -> Status:
    user = _user(request)
    j = selectors.judgment_get_for(actor=user, judgment_id=judgment_id)
    appellant = selectors.party_of_lawsuit(j.lawsuit, body.appellant_id)
    j = services.judgment_appeal_record(
        judgment=j, appellant=appellant, note=body.note, actor=user, now=get_clock().now()
    )
    rows = [
        AppealOut(
            appellant=a.appellant.name,
            lodged_at=a.lodged_at,
            document=a.document.number if a.document else None,
        )
        for a in selectors.appeals_of(j)
    ]
    return Status(201, AppealsOut(id=j.pk, appealed_at=j.appealed_at, appeals=rows))
