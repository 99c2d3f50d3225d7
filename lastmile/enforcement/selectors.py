"""Reads of enforcement cases. Staff reads are scoped to the actor's court through
:func:`lastmile.cases.selectors.cases_visible_to`; the party-facing progress view is given a case
the portal has already authorised and returns only public-safe text."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can
from lastmile.cases.disclosure import Side, party_events
from lastmile.cases.models import DEBTOR_ROLES, Case, CaseParty, CaseStatus, Deadline
from lastmile.cases.selectors import case_get_for, cases_visible_to
from lastmile.core.clock import court_date as _local_date
from lastmile.core.errors import NotFound
from lastmile.documents.models import Document
from lastmile.enforcement.kinds import EnforcementEvent
from lastmile.inquiry.selectors import control_in_flight, inquiry_coverage
from lastmile.measures.selectors import (
    debtors_without_restriction_in_force,
    dishonest_listing_status,
    obstruction_status,
)
from lastmile.parties.models import Party
from lastmile.service.selectors import document_service_state, orders_of_case

from . import rules
from .documents import TEMPLATE_BY_STEP
from .models import (
    RETIRED_STEP_KINDS,
    ApprovalStatus,
    AssistanceRequest,
    Clue,
    ClueKind,
    ClueStatus,
    EmergencyAction,
    EnforcementCase,
    ProcedureStep,
    PropertyRequery,
    Settlement,
    SettlementInstallment,
    StepKind,
    TimeLimitExtension,
    TimeLimitPause,
    ZhongbenAssent,
    ZhongbenAssentKind,
    ZhongbenPublication,
)
from .transitions import ACTIONS, action_allowed

ENFORCEMENT_TYPES = ("执", "执恢")


def enforcement_cases_visible_to(actor: User) -> QuerySet[Case]:
    """The actor's court's enforcement implementation cases (执, 执恢)."""
    return cases_visible_to(actor).filter(type_code__in=ENFORCEMENT_TYPES, enforcement__isnull=False)


def enforcement_case_list(
    *,
    actor: User,
    today: date,
    status: str = "",
    track: str = "",
    officer_id: int | None = None,
    team_id: int | None = None,
    overdue: bool = False,
    query: str = "",
    received_from: date | None = None,
    received_to: date | None = None,
    amount_min: Decimal | None = None,
    amount_max: Decimal | None = None,
) -> QuerySet[Case]:
    """Enforcement cases filtered by status, track, officer, team, dates received, amount and "has an
    overdue duty"; ``query`` finds a case by its number, a party's name or ID number, the loan
    contract number or the number of the 执行依据."""
    qs = enforcement_cases_visible_to(actor)
    if status:
        qs = qs.filter(status=status)
    if track:
        qs = qs.filter(enforcement__track=track)
    if officer_id:
        qs = qs.filter(officer_id=officer_id)
    if team_id:
        qs = qs.filter(team_id=team_id)
    if query:
        qs = _case_search(qs, query)
    if received_from:
        qs = qs.filter(received_at__date__gte=received_from)
    if received_to:
        qs = qs.filter(received_at__date__lte=received_to)
    if amount_min is not None:
        qs = qs.filter(amount_claimed__gte=amount_min)
    if amount_max is not None:
        qs = qs.filter(amount_claimed__lte=amount_max)
    if overdue:
        late = Deadline.objects.filter(
            case=OuterRef("pk"), done_at__isnull=True, cancelled_at__isnull=True, due_on__lt=today
        )
        qs = qs.filter(Exists(late))
    return qs.select_related("officer", "team", "enforcement").order_by("-received_at", "-id")


def _case_search(qs: QuerySet[Case], query: str) -> QuerySet[Case]:
    query = query.strip()[:64]
    partial = query.replace("(", "（").replace(")", "）")
    matching = Case.objects.filter(
        Q(number__contains=partial)
        | Q(case_parties__party__name__contains=query)
        | Q(case_parties__party__id_number=query.upper())
        | Q(loan_claim__contract_no=query)
        | Q(enforcement__basis_number__contains=partial)
    )
    return qs.filter(pk__in=matching.values("pk"))


def enforcement_case_get(*, actor: User, case_id: int) -> Case:
    """An enforcement case of the actor's court, or :class:`NotFound`."""
    case = case_get_for(actor=actor, case_id=case_id)
    if not EnforcementCase.objects.filter(case=case).exists():
        raise NotFound("该案件不是执行实施案件。")
    return case


@dataclass(frozen=True)
class Condition:
    key: str
    label: str
    met: bool
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "met": self.met, "detail": self.detail}


ZHONGBEN_LABELS = {
    "notice_and_report": "已发出并送达执行通知书，责令被执行人报告财产",
    "restriction_and_dishonest": "已对每名被执行人发出限制消费令，并将符合条件的被执行人纳入失信名单",
    "property_investigation": "已穷尽财产调查措施，未发现可供执行的财产或财产不能处置",
    "three_months": "自立案之日起已超过三个月",
    "search_and_obstruction": "被执行人下落不明的已依法查找，妨害执行的已依法处罚",
    "applicant_interviewed": "已约谈申请执行人并告知终本事宜",
    "applicant_assent": "申请执行人签字确认，或经合议庭审查核实并经院长批准",
}

#: 网络查控 counts for 终本 when answered within this many months (终本规定 2016 art. 3 reads "已穷尽";
#: a query older than this no longer shows what the debtor holds now: docs/law.md "Closing and 终本").
INQUIRY_FRESH_MONTHS = 3


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def _served_documents_gaps(case: Case, debtors: list[Party]) -> list[str]:
    """终本规定 2016 art. 1(1): the 执行通知书 and the 报告财产令 issued (documents) and served on
    every debtor (the service app's orders)."""
    gaps = []
    for code, title in (
        (TEMPLATE_BY_STEP[StepKind.EXECUTION_NOTICE], "执行通知书"),
        (TEMPLATE_BY_STEP[StepKind.PROPERTY_REPORT_ORDER], "报告财产令"),
    ):
        document = (
            Document.objects.filter(case=case, template_version__template__code=code).order_by("pk").first()
        )
        if document is None:
            gaps.append(f"尚未发出{title}")
            continue
        served = document_service_state(document).served_on
        unserved = [p.name for p in debtors if served.get(p.pk) is None]
        if unserved:
            gaps.append(f"{title}尚未送达{'、'.join(unserved)}")
    return gaps


def zhongben_conditions(*, case: Case, as_of: date) -> list[Condition]:
    """The conditions of 终结本次执行程序, each read from the rows of the app that owns the fact.

    终本规定 2016 art. 1 (all must hold) and 民诉解释 2022 art. 517:

    1. the 执行通知书 and the 报告财产令 issued and served on every debtor (documents, service);
    2. a 限制消费令 in force against every debtor, and every debtor on the 失信 list or recorded as
       not listable with the reason (:mod:`lastmile.measures.selectors`);
    3. property investigation exhausted (art. 3): 网络查控 of every debtor answered by every
       institution within the last 3 months, no freeze still holding money and no seized
       property awaiting disposal (:mod:`lastmile.inquiry.selectors`), every applicant clue
       checked (on-site investigation too when ``ZHONGBEN_REQUIRE_ONSITE``);
    4. more than 3 months since filing;
    5. a debtor served by public notice or with a verified whereabouts clue searched for, and
       obstruction on record (a listing for obstructing) punished by a fine, detention or a 拒执
       referral;
    then the applicant interviewed (约谈) and, per art. 517, the applicant's signed agreement or a
    合议庭 review approved by the 院长.

    Procedure steps of the retired kinds (:data:`~.models.RETIRED_STEP_KINDS`) are history: they
    are not read.
    """
    steps = list(ProcedureStep.objects.filter(case=case).exclude(kind__in=RETIRED_STEP_KINDS))
    kinds = {s.kind for s in steps}
    debtors = [
        cp.party
        for cp in CaseParty.objects.filter(case=case, role__in=DEBTOR_ROLES)
        .select_related("party")
        .order_by("position", "pk")
    ]

    def condition(key: str, gaps: list[str]) -> Condition:
        return Condition(key, ZHONGBEN_LABELS[key], not gaps, "；".join(gaps))

    out: list[Condition] = [condition("notice_and_report", _served_documents_gaps(case, debtors))]

    gaps = []
    unrestricted = debtors_without_restriction_in_force(case)
    if unrestricted:
        gaps.append(f"未对{'、'.join(unrestricted)}发出生效的限制消费令")
    listing = dishonest_listing_status(case)
    unresolved = [p.name for p in debtors if p.pk in listing.unresolved_party_ids]
    if unresolved:
        gaps.append(f"{'、'.join(unresolved)}尚未纳入失信名单，也未记录不予纳入的理由")
    out.append(condition("restriction_and_dishonest", gaps))

    gaps = []
    coverage = inquiry_coverage(case=case, since=_months_before(as_of, INQUIRY_FRESH_MONTHS))
    if coverage.missing:
        shown = "、".join(f"{who}（{where}）" for who, where in coverage.missing[:3])
        more = f"等{len(coverage.missing)}项" if len(coverage.missing) > 3 else ""
        gaps.append(f"近三个月内网络查控未完成：{shown}{more}")
    if coverage.money_frozen:
        gaps.append(f"尚有{coverage.money_frozen}项冻结款项未处理")
    if coverage.seized:
        gaps.append(f"尚有{coverage.seized}项查封、扣押的财产待处置")
    onsite = [s.done_on for s in steps if s.kind == StepKind.ONSITE_INVESTIGATION]
    if rules.setting("ZHONGBEN_REQUIRE_ONSITE") and not onsite:
        gaps.append("尚未进行现场调查")
    pending = Clue.objects.filter(case=case, status=ClueStatus.PENDING).count()
    if pending:
        gaps.append(f"尚有{pending}条线索未核查")
    last_check = max([d for d in (coverage.last_answered_on, *onsite) if d is not None], default=None)
    for clue in Clue.objects.filter(case=case, status=ClueStatus.VALID, kind=ClueKind.ASSET):
        if clue.verified_at is None or last_check is None or _local_date(clue.verified_at) > last_check:
            gaps.append("核查属实的财产线索尚未处置或调查")
            break
    out.append(condition("property_investigation", gaps))

    if case.filed_at is None:
        out.append(Condition("three_months", ZHONGBEN_LABELS["three_months"], False, "案件尚未立案"))
    else:
        earliest = rules.zhongben_earliest(_local_date(case.filed_at))
        met = as_of > earliest.day
        detail = "" if met else f"三个月期间于{earliest.day:%Y年%m月%d日}届满，此后方可终本"
        if earliest.provisional:
            detail += "（节假日安排未公布，暂计）"
        out.append(Condition("three_months", ZHONGBEN_LABELS["three_months"], met, detail))

    gaps = []
    debtor_ids = {p.pk for p in debtors}
    by_notice = sorted(
        {
            o.recipient.name
            for o in orders_of_case(case)
            if o.method == "public_notice" and o.recipient_id in debtor_ids
        }
    )
    whereabouts = Clue.objects.filter(case=case, status=ClueStatus.VALID, kind=ClueKind.WHEREABOUTS).exists()
    if (by_notice or whereabouts) and StepKind.DEBTOR_SEARCH not in kinds:
        why = f"{'、'.join(by_notice)}系公告送达" if by_notice else "有核查属实的下落线索"
        gaps.append(f"{why}，尚未依法查找被执行人")
    obstruction = obstruction_status(case)
    if obstruction.recorded and not obstruction.punished:
        gaps.append("被执行人妨害执行已记录，尚未依法罚款、拘留或移送追究刑事责任")
    out.append(condition("search_and_obstruction", gaps))

    interviewed = StepKind.APPLICANT_INTERVIEW in kinds
    out.append(condition("applicant_interviewed", [] if interviewed else ["尚未约谈申请执行人"]))

    assents = list(ZhongbenAssent.objects.filter(case=case))
    gaps = []
    if not any(a.counts for a in assents):
        if any(
            a.kind == ZhongbenAssentKind.COLLEGIAL_REVIEW and a.agrees and a.approved_at is None
            for a in assents
        ):
            gaps.append("合议庭审查意见尚待院长批准")
        else:
            gaps.append("尚无申请执行人同意终本的签字确认，也无经院长批准的合议庭审查意见")
    out.append(condition("applicant_assent", gaps))
    return out


def actions_available(*, case: Case, actor: User) -> list[str]:
    """The actions the transition table allows for this case now and the actor may take."""
    if actor.court_id != case.court_id:
        return []
    ec = getattr(case, "enforcement", None)
    closing = ec.closing_method if ec is not None else ""
    return [
        name
        for name, action in ACTIONS.items()
        if action_allowed(name, status=case.status, closing_method=closing)
        and actor_can(actor, action.capability)
    ]


def pending_extension(*, case: Case) -> TimeLimitExtension | None:
    return TimeLimitExtension.objects.filter(case=case, status=ApprovalStatus.PENDING).first()


# --- Party-facing progress ------------------------------------------------------------------


@dataclass
class PartyProgress:
    number: str
    court: str
    status: str
    status_label: str
    filed_on: date | None
    closing: str
    officer: dict[str, str]
    events: list[dict[str, Any]] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)


def case_progress_for_party(
    case: Case,
    *,
    sides: Iterable[Side] | None = None,
    party_id: int | None = None,
    today: date | None = None,
) -> PartyProgress:
    """What a party of ``case`` may see about its progress, as decided by
    :mod:`lastmile.cases.disclosure` (deny by default): key events in public-safe wording, the
    next steps and whom to contact. ``sides`` are the viewer's sides of the case; without them
    the result is what the applicant sees (the staff preview). The caller (the portal) must
    already have checked that the viewer is a party."""
    ec = EnforcementCase.objects.filter(case=case).first()
    side_list = [Side.APPLICANT] if sides is None else list(sides)
    events = []
    for ev in party_events(
        case=case,
        sides=side_list,
        party_id=party_id,
        control_in_flight=control_in_flight(case=case),
    ):
        text = ev.text
        if ev.kind == EnforcementEvent.CLOSED and ec is not None and ec.closing_method:
            text = f"案件已结案（{ec.get_closing_method_display()}）"
        events.append({"on": _local_date(ev.at), "text": text})
    officer = case.officer
    if officer is not None:
        contact = {
            "name": officer.name,
            "role": officer.get_role_display(),
            "phone": officer.phone or case.court.phone,
        }
    else:
        contact = {"name": "值班执行干警", "role": "执行局", "phone": case.court.phone}
    return PartyProgress(
        number=case.number,
        court=case.court.name,
        status=case.status,
        status_label=str(case.get_status_display()),
        filed_on=_local_date(case.filed_at) if case.filed_at else None,
        closing=ec.get_closing_method_display() if ec is not None and ec.closing_method else "",
        officer=contact,
        events=events,
        next_steps=_next_steps(case, ec, applicant=Side.APPLICANT in side_list),
    )


def _next_steps(case: Case, ec: EnforcementCase | None, *, applicant: bool) -> list[str]:
    """The next steps in words. Only the applicant is told what the court is about to do
    (inquiry, control); the debtor is told what it must do (民事诉讼法 2023 art. 251)."""
    steps: list[str] = []
    if not applicant:
        if case.status in (CaseStatus.FILED, CaseStatus.IN_PROGRESS):
            steps.append("请按执行通知书指定的期间履行生效法律文书确定的义务，并如实报告财产。")
        elif case.status == CaseStatus.SETTLEMENT:
            steps.append("请按和解协议按期履行；未按期履行的，申请执行人可申请恢复执行。")
        return steps
    if case.status == CaseStatus.RECEIVED:
        steps.append("法院将在收到申请之日起七日内审查并决定是否立案。")
    elif case.status in (CaseStatus.FILED, CaseStatus.IN_PROGRESS):
        done = set(ProcedureStep.objects.filter(case=case).values_list("kind", flat=True))
        if StepKind.EXECUTION_NOTICE not in done:
            steps.append("法院将在收到申请之日起十日内向被执行人发出执行通知书和报告财产令。")
        else:
            steps.append("法院正在查询和控制被执行人财产。")
        steps.append("如您掌握被执行人的财产或下落线索，可随时提交，法院将在七日内核查（紧急线索三日内）。")
    elif case.status == CaseStatus.SETTLEMENT:
        steps.append("被执行人正在按和解协议分期履行；如其未按期履行，您可申请恢复执行，已履行部分将予扣除。")
    elif case.status == CaseStatus.SUSPENDED:
        steps.append("执行已中止，中止事由消除后将恢复执行。")
    elif case.status == CaseStatus.CLOSED and ec is not None and ec.closing_method == "no_property":
        steps.append("本次执行程序已终结；法院在五年内每六个月查询一次被执行人财产并告知您。")
        steps.append("发现被执行人财产的，您可随时提交线索申请恢复执行，不受申请执行期间限制。")
    return steps


def case_row_get_for(*, actor: User, model: type[Any], pk: int) -> Any:
    """A row hanging on a case (clue, pause, instalment …) if its case is visible to ``actor``;
    another court's row is simply not found."""
    visible = cases_visible_to(actor)
    if model is SettlementInstallment:
        row = (
            model.objects.filter(pk=pk, settlement__case__in=visible)
            .select_related("settlement__case")
            .first()
        )
    else:
        row = model.objects.filter(pk=pk, case__in=visible).select_related("case").first()
    if row is None:
        raise NotFound("记录不存在或您无权查看。")
    return row


@dataclass(frozen=True)
class CaseSheet:
    """Everything the case panel and the API detail show about an enforcement case."""

    case: Case
    ec: EnforcementCase
    steps: list[ProcedureStep]
    conditions: list[Condition]
    clues: list[Clue]
    emergencies: list[EmergencyAction]
    pauses: list[TimeLimitPause]
    extension: TimeLimitExtension | None
    settlements: list[Settlement]
    assistance: list[AssistanceRequest]
    requeries: list[PropertyRequery]
    restored_cases: list[Case]
    actions: list[str]
    assents: list[ZhongbenAssent]
    publications: list[ZhongbenPublication]


def enforcement_sheet(*, case: Case, actor: User, today: date) -> CaseSheet:
    ec = EnforcementCase.objects.get(case=case)
    return CaseSheet(
        case=case,
        ec=ec,
        steps=list(ProcedureStep.objects.filter(case=case).select_related("recorded_by")),
        conditions=zhongben_conditions(case=case, as_of=today),
        clues=list(Clue.objects.filter(case=case)),
        emergencies=list(EmergencyAction.objects.filter(case=case).select_related("clue")),
        pauses=list(TimeLimitPause.objects.filter(case=case)),
        extension=pending_extension(case=case),
        settlements=list(Settlement.objects.filter(case=case).prefetch_related("installments")),
        assistance=list(AssistanceRequest.objects.filter(case=case).select_related("to_court")),
        requeries=list(PropertyRequery.objects.filter(case=case, cancelled=False)),
        restored_cases=list(Case.objects.filter(parent=case, type_code="执恢")),
        actions=actions_available(case=case, actor=actor),
        assents=list(ZhongbenAssent.objects.filter(case=case).select_related("approved_by")),
        publications=list(ZhongbenPublication.objects.filter(case=case)),
    )


def public_zhongben_search(*, name: str, identity: str = "", limit: int = 50) -> list[ZhongbenPublication]:
    """The public 终本案件信息 (终本规定 2016 art. 10) of a debtor: by exact name, narrowed by the
    identifier when one is given (its normalised form, :func:`lastmile.parties` stores the same).
    Withdrawn entries (the case was restored) are not shown. Only the published, masked fields
    are read."""
    name = name.strip()
    if not name:
        return []
    rows = ZhongbenPublication.objects.filter(name=name, withdrawn_on__isnull=True)
    if identity:
        rows = rows.filter(party__id_number=identity)
    return list(rows.order_by("-published_on", "-id")[:limit])
