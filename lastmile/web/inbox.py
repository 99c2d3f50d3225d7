"""Inboxes by role (issue M item 2): what waits for the person who is looking, oldest first.

Each queue is a query over the row that owns the fact (a proposed measure, a requested payout, a
pending extension…), never a copy: an item leaves the queue when its own row changes state. A
queue is shown to whoever holds its capability in the viewer's own court; the 院长's queues need
``approve.president`` (the 院长 or a deputy designated for the moment). The acts a queue offers
call the same services as the case pages (:data:`ACTS`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from lastmile.accounts.models import User
from lastmile.accounts.permissions import PRESIDENT_APPROVAL, capabilities_of
from lastmile.cases.models import Case, CaseStatus
from lastmile.core.errors import DomainError, NotFound
from lastmile.enforcement import services as enforcement_services
from lastmile.enforcement.models import (
    ApprovalStatus,
    AssistanceRequest,
    SettlementRelease,
    TimeLimitExtension,
    ZhongbenAssent,
    ZhongbenAssentKind,
)
from lastmile.enforcement.selectors_assistance import assistance_incoming
from lastmile.ledger import services as ledger_services
from lastmile.ledger.models import PaymentReport, PaymentReportStatus, Payout, PayoutStatus, Receipt
from lastmile.measures import services as measure_services
from lastmile.measures.models import Measure, MeasureStatus, VacateNotice, VacateStatus

#: How many rows of a queue the page lists; the count is always the whole queue's.
SHOWN = 50


@dataclass(frozen=True)
class Item:
    pk: int
    case_id: int | None
    case_number: str
    title: str
    detail: str
    since: datetime
    amount: Decimal | None = None
    url: str = ""  # where the item is handled, when not on the case page (another court's request)
    document_id: int | None = None  # a document to open from the row (a payout's 付款指令)
    document_label: str = ""


@dataclass(frozen=True)
class Queue:
    key: str
    title: str
    capability: str
    rows: Callable[[User], QuerySet[Any]]
    item: Callable[[Any], Item]
    actions: tuple[tuple[str, str], ...] = ()  # (action, button label)
    needs_note: frozenset[str] = frozenset()  # actions that require a reason
    needs_reference: frozenset[str] = frozenset()  # actions that require the bank's reference
    link: str = ""  # URL name of the full list, when there is one


@dataclass
class Section:
    queue: Queue
    total: int
    items: list[Item] = field(default_factory=list)

    @property
    def bulk(self) -> tuple[str, str] | None:
        """The act this queue offers on several ticked items at once, if any."""
        return next(
            ((a, label) for a, label in self.queue.actions if (self.queue.key, a) in BULK_ACTIONS), None
        )


def _case_bits(case: Case | None) -> dict[str, Any]:
    return {"case_id": case.pk if case else None, "case_number": case.number if case else ""}


def _measure(m: Measure) -> Item:
    return Item(
        pk=m.pk,
        **_case_bits(m.case),
        title=f"{m.get_kind_display()} · {m.subject.name}",
        detail=m.reason,
        since=m.proposed_at,
        amount=m.amount or None,
    )


def _vacate(v: VacateNotice) -> Item:
    housing = f"；申请执行人提供居住房屋：{v.applicant_housing}" if v.applicant_housing else ""
    return Item(
        pk=v.pk,
        **_case_bits(v.case),
        title=f"腾房公告 · {v.party.name} · {v.address}",
        detail=f"占有使用人：{v.occupants}；拟定腾房期间{v.days}日{housing}（民事诉讼法 2023 第261条）",
        since=v.drafted_at,
    )


def _payout(p: Payout) -> Item:
    since = p.approved_at if p.status == PayoutStatus.APPROVED and p.approved_at else p.requested_at
    if p.payee_account:
        check = "已校验" if p.payee_account_checked else "未校验"
        detail = f"{p.payee_bank} {p.payee_account_name} 账号 {p.payee_account}（{check}）"
    elif p.kind in ledger_services.PARTY_KINDS:
        detail = "尚未登记收款账户：请财务人员在案件执行案款页补录后再审批"
    else:
        detail = ""
    return Item(
        pk=p.pk,
        **_case_bits(p.case),
        title=f"{p.get_kind_display()} · {p.payee_name}",
        detail=detail,
        since=since,
        amount=p.amount,
        document_id=p.instruction_id,
        document_label="付款指令（执行款发放审批表）" if p.instruction_id else "",
    )


def _review(r: ZhongbenAssent) -> Item:
    return Item(
        pk=r.pk,
        **_case_bits(r.case),
        title="合议庭终本审查意见",
        detail=f"{r.signed_by}：{r.content}",
        since=r.recorded_at,
    )


def _extension(e: TimeLimitExtension) -> Item:
    return Item(
        pk=e.pk,
        **_case_bits(e.case),
        title=f"延长执行期限{e.months}个月",
        detail=e.reason,
        since=e.requested_at,
    )


def _release(r: SettlementRelease) -> Item:
    return Item(
        pk=r.pk,
        **_case_bits(r.case),
        title=f"和解后申请解除冻结 · {r.applicant.name}",
        detail=r.content,
        since=r.recorded_at,
    )


def _receipt(r: Receipt) -> Item:
    return Item(
        pk=r.pk,
        case_id=None,
        case_number="",
        title=f"{r.get_source_display()} · {r.payer or '付款人未知'}",
        detail=r.note,
        since=r.received_at,
        amount=r.amount,
    )


def _report(r: PaymentReport) -> Item:
    who = r.reported_by.display_name or r.reported_by.username
    return Item(
        pk=r.pk,
        **_case_bits(r.case),
        title=f"到账登记 · {r.get_source_display()} · {r.payer or '付款人未填'}",
        detail=f"{who}登记，报称{r.paid_at:%Y-%m-%d}到账{('；' + r.note) if r.note else ''}",
        since=r.reported_at,
        amount=r.amount,
    )


def _assistance(r: AssistanceRequest) -> Item:
    """Another court's request: only the request, never a link into that court's case."""
    due = f"立案期限 {r.accept_due_on:%Y-%m-%d}；" if r.accept_due_on else ""
    return Item(
        pk=r.pk,
        case_id=None,
        case_number=r.case.number,
        title=f"{r.case.court.name} · {r.get_kind_display()}（{r.get_status_display()}）",
        detail=f"{due}开始期限 {r.start_due_on:%Y-%m-%d}；{r.matter}",
        since=timezone.make_aware(datetime.combine(r.sent_on, time())),
        url=reverse("enforcement:assistance_detail", args=[r.pk]),
    )


def _filing(c: Case) -> Item:
    return Item(
        pk=c.pk,
        **_case_bits(c),
        title=f"网上申请执行 · {c.cause or c.number}",
        detail="",
        since=c.received_at,
        amount=c.amount_claimed,
    )


QUEUES: tuple[Queue, ...] = (
    Queue(
        "measure",
        "强制措施待审批",
        PRESIDENT_APPROVAL,
        lambda u: (
            Measure.objects.filter(court=u.court, status=MeasureStatus.PROPOSED)
            .select_related("case", "subject")
            .order_by("proposed_at", "pk")
        ),
        _measure,
        (("approve", "批准"), ("reject", "退回")),
    ),
    Queue(
        "vacate",
        "腾房公告待签发",
        PRESIDENT_APPROVAL,
        lambda u: (
            VacateNotice.objects.filter(court=u.court, status=VacateStatus.DRAFTED)
            .select_related("case", "party")
            .order_by("drafted_at", "pk")
        ),
        _vacate,
        (("sign", "签发腾房公告"),),
    ),
    Queue(
        "payout",
        "案款发放待审批",
        PRESIDENT_APPROVAL,
        lambda u: (
            Payout.objects.filter(court=u.court, status=PayoutStatus.REQUESTED)
            .select_related("case")
            .order_by("requested_at", "pk")
        ),
        _payout,
        (("approve", "批准"), ("reject", "退回")),
    ),
    Queue(
        "zhongben_review",
        "终本合议意见待批准",
        PRESIDENT_APPROVAL,
        lambda u: (
            ZhongbenAssent.objects.filter(
                case__court=u.court,
                kind=ZhongbenAssentKind.COLLEGIAL_REVIEW,
                agrees=True,
                approved_at__isnull=True,
            )
            .exclude(case__status=CaseStatus.CLOSED)
            .select_related("case")
            .order_by("recorded_at", "pk")
        ),
        _review,
        (("approve", "批准"),),
    ),
    Queue(
        "extension",
        "延长执行期限待审批",
        PRESIDENT_APPROVAL,
        lambda u: (
            TimeLimitExtension.objects.filter(case__court=u.court, status=ApprovalStatus.PENDING)
            .select_related("case")
            .order_by("requested_at", "pk")
        ),
        _extension,
        (("approve", "批准"), ("refuse", "不予批准")),
    ),
    Queue(
        "release",
        "和解后解除冻结申请待决定",
        "control.release",
        lambda u: (
            SettlementRelease.objects.filter(case__court=u.court, status=ApprovalStatus.PENDING)
            .select_related("case", "applicant")
            .order_by("recorded_at", "pk")
        ),
        _release,
        (("approve", "准予解除"), ("refuse", "不予解除")),
        needs_note=frozenset({"refuse"}),
    ),
    Queue(
        "payout_settle",
        "已审批待划付",
        "funds.manage",
        lambda u: (
            Payout.objects.filter(court=u.court, status=PayoutStatus.APPROVED)
            .select_related("case")
            .order_by("approved_at", "pk")
        ),
        _payout,
        (("settle", "已划付"),),
        needs_reference=frozenset({"settle"}),
    ),
    Queue(
        "payment_report",
        "待确认到账登记",
        "funds.manage",
        lambda u: (
            PaymentReport.objects.filter(court=u.court, status=PaymentReportStatus.PENDING)
            .exclude(reported_by=u)
            .select_related("case", "reported_by")
            .order_by("reported_at", "pk")
        ),
        _report,
        (("confirm", "核对无误，确认到账"), ("reject", "未到账，退回")),
        needs_note=frozenset({"reject"}),
        needs_reference=frozenset({"confirm"}),
    ),
    Queue(
        "receipt",
        "到账未认领款项",
        "funds.manage",
        lambda u: Receipt.objects.filter(court=u.court, case__isnull=True).order_by("received_at", "pk"),
        _receipt,
        link="ledger:unclaimed",
    ),
    Queue(
        "assistance",
        "委托/协助执行请求",
        "enforcement.work",
        lambda u: assistance_incoming(user=u),
        _assistance,
        link="enforcement:assistance_list",
    ),
    Queue(
        "filing",
        "网上立案待审查",
        "case.file",
        lambda u: Case.objects.filter(court=u.court, status=CaseStatus.RECEIVED).order_by(
            "received_at", "pk"
        ),
        _filing,
        (("accept", "受理立案"),),
    ),
)

_BY_KEY = {q.key: q for q in QUEUES}


def queues_for(user: User, *, now: datetime) -> list[Queue]:
    """The queues ``user`` works from (none for a portal login or an account without a court)."""
    if not getattr(user, "role", "") or user.court_id is None:
        return []
    caps = capabilities_of(user, now=now)
    return [q for q in QUEUES if q.capability in caps]


def inbox_count(user: User, *, now: datetime) -> int:
    """Items waiting for ``user`` across its queues (the badge in the navigation)."""
    return sum(q.rows(user).count() for q in queues_for(user, now=now))


def inbox_for(user: User, *, now: datetime) -> list[Section]:
    """Each of ``user``'s queues with its total and its oldest :data:`SHOWN` items."""
    sections = []
    for q in queues_for(user, now=now):
        rows = q.rows(user)
        sections.append(Section(queue=q, total=rows.count(), items=[q.item(r) for r in rows[:SHOWN]]))
    return sections


# --- acts ----------------------------------------------------------------------------------


def _own(model: type[Model], user: User, pk: int, **filters: Any) -> Any:
    row = model._default_manager.filter(pk=pk, **filters).first()
    if row is None:
        raise NotFound("没有找到该待办事项，可能已由他人处理。")
    return row


def _note(data: QueryDict) -> str:
    return (data.get("note") or "").strip()


def _release_decide(user: User, pk: int, now: datetime, data: QueryDict, *, approve: bool) -> None:
    application = _own(SettlementRelease, user, pk, case__court=user.court)
    enforcement_services.settlement_release_decide(
        application=application, approve=approve, actor=user, now=now, note=_note(data)
    )


def _settle(user: User, pk: int, now: datetime, data: QueryDict) -> None:
    reference = (data.get("bank_reference") or "").strip()
    if not reference:
        raise DomainError("请填写银行交易流水号。")
    ledger_services.payout_settle(payout_id=pk, actor=user, now=now, bank_reference=reference)


def _report_confirm(user: User, pk: int, now: datetime, data: QueryDict) -> None:
    reference = (data.get("bank_reference") or "").strip()
    if not reference:
        raise DomainError("请填写执行款专户中该笔款项的银行交易流水号。")
    report = _own(PaymentReport, user, pk, court=user.court)
    enforcement_services.payment_confirm(report_id=report.pk, actor=user, now=now, bank_reference=reference)


def _report_reject(user: User, pk: int, now: datetime, data: QueryDict) -> None:
    report = _own(PaymentReport, user, pk, court=user.court)
    enforcement_services.payment_reject(report_id=report.pk, actor=user, now=now, reason=_note(data))


Act = Callable[[User, int, datetime, QueryDict], Any]

#: (queue, action) -> the service call. Each service checks the capability, the court and the
#: state itself; a refusal changes nothing and its message is shown on the inbox.
ACTS: dict[tuple[str, str], Act] = {
    ("measure", "approve"): lambda u, pk, now, d: measure_services.measure_approve(
        actor=u, measure_id=pk, now=now, document_number=d.get("document_number", ""), note=_note(d)
    ),
    ("measure", "reject"): lambda u, pk, now, d: measure_services.measure_reject(
        actor=u, measure_id=pk, note=_note(d), now=now
    ),
    ("vacate", "sign"): lambda u, pk, now, d: measure_services.vacate_notice_sign(
        actor=u, notice_id=pk, now=now
    ),
    ("payout", "approve"): lambda u, pk, now, d: ledger_services.payout_approve(
        payout_id=pk, actor=u, now=now
    ),
    ("payout", "reject"): lambda u, pk, now, d: ledger_services.payout_reject(
        payout_id=pk, actor=u, now=now, reason=_note(d)
    ),
    ("zhongben_review", "approve"): lambda u, pk, now, d: enforcement_services.zhongben_review_approve(
        review=_own(ZhongbenAssent, u, pk, case__court=u.court), actor=u, now=now
    ),
    ("extension", "approve"): lambda u, pk, now, d: enforcement_services.time_limit_extension_decide(
        extension=_own(TimeLimitExtension, u, pk, case__court=u.court),
        actor=u,
        now=now,
        approve=True,
        note=_note(d),
    ),
    ("extension", "refuse"): lambda u, pk, now, d: enforcement_services.time_limit_extension_decide(
        extension=_own(TimeLimitExtension, u, pk, case__court=u.court),
        actor=u,
        now=now,
        approve=False,
        note=_note(d),
    ),
    ("release", "approve"): lambda u, pk, now, d: _release_decide(u, pk, now, d, approve=True),
    ("release", "refuse"): lambda u, pk, now, d: _release_decide(u, pk, now, d, approve=False),
    ("payout_settle", "settle"): _settle,
    ("payment_report", "confirm"): _report_confirm,
    ("payment_report", "reject"): _report_reject,
    ("filing", "accept"): lambda u, pk, now, d: enforcement_services.enforcement_accept(
        case=_own(Case, u, pk, court=u.court), actor=u, now=now
    ),
}


def inbox_act(*, user: User, queue: str, action: str, pk: int, now: datetime, data: QueryDict) -> None:
    """Carry out ``action`` on item ``pk`` of ``queue`` for ``user`` (one of :data:`ACTS`)."""
    act = ACTS.get((queue, action))
    if act is None or _BY_KEY[queue] not in queues_for(user, now=now):
        raise NotFound("没有这项待办操作。")
    act(user, pk, now, data)


#: Acts that may be applied to several items at once (never those that need a reason or a
#: reference typed per item).
BULK_ACTIONS = frozenset(
    {("measure", "approve"), ("payout", "approve"), ("extension", "approve"), ("filing", "accept")}
)


@dataclass(frozen=True)
class BulkResult:
    done: list[int]
    refused: list[tuple[int, str]]


def inbox_act_many(
    *, user: User, queue: str, action: str, pks: list[int], now: datetime, data: QueryDict
) -> BulkResult:
    """``action`` on each of ``pks``, each in its own transaction: one refusal (its reason kept)
    does not undo or stop the others."""
    if (queue, action) not in BULK_ACTIONS:
        raise NotFound("这项操作不能批量办理。")
    done: list[int] = []
    refused: list[tuple[int, str]] = []
    for pk in dict.fromkeys(pks):
        try:
            with transaction.atomic():
                inbox_act(user=user, queue=queue, action=action, pk=pk, now=now, data=data)
        except DomainError as exc:
            refused.append((pk, exc.message))
        else:
            done.append(pk)
    return BulkResult(done=done, refused=refused)
