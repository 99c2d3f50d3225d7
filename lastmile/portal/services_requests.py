"""A party's requests made online on its own case, and the court's answers.

- The debtor side offers to pay (amount, number of instalments, first payment day): the
  voluntary performance the court encourages (民事诉讼法 2023 art. 241 on settlement in
  enforcement; 执行和解规定 2020 art. 1 lets the parties change the amount, time and manner).
- The debtor side asks for a freeze to be released, giving its reason (查封规定 2020 art. 28 lists
  when a freeze must be lifted; 民事诉讼法 2023 art. 254 keeps what the debtor and its family
  need to live). The Linxiang debtor had to telephone the judge for this.
- A party asks for the link of its online hearing: the court tells the parties of the hearing
  (民事诉讼法 2023 art. 139) and, for an online one, how to join it (practice); the link is given
  at once when the hearing is scheduled.

Each request writes one case event in the same transaction (the officer sees it on the case
timeline) and, for offers and releases, opens a deadline for the case officer's answer (the
workbench). The answer is an event the party that asked sees. A release, a settlement or a
payment is then recorded by the app that owns it; this module records only who asked, what, and
what the court answered.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can
from lastmile.cases.disclosure import Side
from lastmile.cases.models import Case
from lastmile.cases.services import case_event_record, deadline_complete, deadline_open
from lastmile.core.clock import court_date
from lastmile.core.errors import ConditionsNotMet, InvalidTransition, NotFound, PermissionDenied
from lastmile.core.legal import LegalBasis, cpl
from lastmile.core.money import format_yuan, to_money
from lastmile.core.periods import period_end

from .conf import portal_setting
from .kinds import PortalDeadline, PortalEvent
from .models import FreezeReleaseReason, PartyRequest, PortalAccount, RequestKind, RequestStatus
from .selectors import ANSWERING_CAPABILITIES, account_sides, case_has_active_freeze, next_hearing

NOT_DEBTOR = "not_debtor"
MAX_INSTALLMENTS = 36

OFFER_BASIS = cpl(241)
SETTLEMENT_BASIS = LegalBasis("最高人民法院关于执行和解若干问题的规定", "2020", "1")
RELEASE_BASIS = LegalBasis("最高人民法院关于人民法院民事执行中查封、扣押、冻结财产的规定", "2020", "28")
HEARING_BASIS = cpl(139)


def debtor_side_require(account: PortalAccount, case: Case, what: str) -> None:
    """Refuse anyone not on the debtor side of ``case`` (``details.reason == "not_debtor"``), and
    any request on a closed case."""
    if Side.DEBTOR not in account_sides(account=account, case=case):
        raise PermissionDenied(
            f"只有本案被执行人（被告、被申请人）可以{what}。", details={"reason": NOT_DEBTOR}
        )
    if case.is_closed:
        raise InvalidTransition("本案已结案，不能再提交申请。如有疑问，请联系承办人。")


def _submitted(request: PartyRequest, *, summary: str, basis: LegalBasis, now: datetime) -> None:
    """The event the officer sees on the case timeline (the party that asked sees it too), and
    the officer's deadline to answer (court management, ``REQUEST_ANSWER_DAYS``)."""
    case = request.case
    case_event_record(
        case=case,
        kind=PortalEvent.REQUEST_SUBMITTED,
        summary=summary,
        actor=request.account.user,
        now=now,
        data={"request": request.pk, "kind": request.kind, "recipient": request.account.party_id},
        legal_basis=basis,
    )
    today = court_date(now)
    deadline_open(
        case=case,
        kind=PortalDeadline.ANSWER,
        label=f"答复当事人网上申请（{request.get_kind_display()}）",
        starts_on=today,
        due_on=period_end(today, int(portal_setting("REQUEST_ANSWER_DAYS"))),
        source=request,
    )


@transaction.atomic
def payment_offer_submit(
    *,
    account: PortalAccount,
    case: Case,
    amount: Decimal,
    installments: int,
    first_due_on: date,
    text: str,
    now: datetime,
) -> PartyRequest:
    """The debtor offers to pay ``amount`` in ``installments`` from ``first_due_on``. Refused
    (nothing written) for anyone not on the debtor side, on a closed case, for a non-positive
    amount, more than 36 instalments or a first payment day in the past."""
    debtor_side_require(account, case, "提交履行方案")
    amount = to_money(amount)
    if amount <= 0:
        raise ConditionsNotMet("愿意支付的金额须大于0元。", unmet=["amount"])
    if not 1 <= installments <= MAX_INSTALLMENTS:
        raise ConditionsNotMet(f"分期数须在1至{MAX_INSTALLMENTS}期之间。", unmet=["installments"])
    if first_due_on < court_date(now):
        raise ConditionsNotMet("首期付款日不能早于今天。", unmet=["first_due_on"])
    request = PartyRequest.objects.create(
        case=case,
        account=account,
        kind=RequestKind.PAYMENT_OFFER,
        amount=amount,
        installments=installments,
        first_due_on=first_due_on,
        text=(text or "").strip()[:2000],
        submitted_at=now,
    )
    plan = "一次性支付" if installments == 1 else f"分{installments}期支付"
    _submitted(
        request,
        summary=(
            f"被执行人网上提交履行方案：愿意支付{format_yuan(amount)}元，{plan}，"
            f"首期{first_due_on:%Y年%m月%d日}"
        ),
        basis=OFFER_BASIS,
        now=now,
    )
    return request


@transaction.atomic
def freeze_release_request(
    *, account: PortalAccount, case: Case, reason: str, text: str, now: datetime
) -> PartyRequest:
    """The debtor asks for the release of the case's freezes, with its reason. Refused (nothing
    written) for anyone not on the debtor side, on a closed case, without a reason from the
    list, without an explanation for "other", or when the case holds no freeze in force."""
    debtor_side_require(account, case, "申请解除冻结")
    if reason not in FreezeReleaseReason.values:
        raise ConditionsNotMet("请选择申请解除冻结的理由。", unmet=["reason"])
    text = (text or "").strip()[:2000]
    if reason == FreezeReleaseReason.OTHER and not text:
        raise ConditionsNotMet("请说明申请解除冻结的理由。", unmet=["text"])
    if not case_has_active_freeze(case):
        raise InvalidTransition("本案目前没有已生效的冻结措施，无需申请解除。")
    if PartyRequest.objects.filter(
        case=case, account=account, kind=RequestKind.FREEZE_RELEASE, status=RequestStatus.PENDING
    ).exists():
        raise InvalidTransition("您已提交解除冻结申请，请等待法院答复。")
    request = PartyRequest.objects.create(
        case=case,
        account=account,
        kind=RequestKind.FREEZE_RELEASE,
        reason=reason,
        text=text,
        submitted_at=now,
    )
    _submitted(
        request,
        summary=f"被执行人网上申请解除冻结，理由：{FreezeReleaseReason(reason).label}",
        basis=RELEASE_BASIS,
        now=now,
    )
    return request


@transaction.atomic
def hearing_link_request(*, account: PortalAccount, case: Case, now: datetime) -> PartyRequest:
    """A party of the case asks for the link of its scheduled online hearing; it is given at
    once (recorded, with an event) and shown on the party's case page. Asking again for the same
    hearing returns the same record. Refused when no hearing is scheduled."""
    if not account_sides(account=account, case=case):
        raise NotFound("案件不存在或您无权查看。")
    hearing = next_hearing(case)
    if hearing is None or not hearing.link:
        raise InvalidTransition("本案尚未安排在线开庭，安排后可在此获取庭审链接。")
    existing = PartyRequest.objects.filter(
        case=case, account=account, kind=RequestKind.HEARING_LINK, hearing_id=hearing.pk
    ).first()
    if existing is not None:
        return existing
    request = PartyRequest.objects.create(
        case=case,
        account=account,
        kind=RequestKind.HEARING_LINK,
        hearing_id=hearing.pk,
        status=RequestStatus.GRANTED,
        submitted_at=now,
        answered_at=now,
    )
    case_event_record(
        case=case,
        kind=PortalEvent.HEARING_LINK_GIVEN,
        summary=f"当事人在线获取庭审链接（开庭时间{hearing.scheduled_at:%Y-%m-%d %H:%M}）",
        actor=account.user,
        now=now,
        data={"request": request.pk, "hearing": hearing.pk, "recipient": account.party_id},
        legal_basis=HEARING_BASIS,
    )
    return request


def _answerable(actor: User, request_id: int) -> PartyRequest:
    if not any(actor_can(actor, cap) for cap in ANSWERING_CAPABILITIES) or actor.court_id is None:
        raise PermissionDenied("您没有答复当事人申请的权限。")
    request = (
        PartyRequest.objects.select_for_update()
        .filter(pk=request_id, case__court_id=actor.court_id)
        .exclude(kind=RequestKind.HEARING_LINK)
        .select_related("case", "account")
        .first()
    )
    if request is None:
        raise NotFound("申请不存在或您无权查看。")
    return request


@transaction.atomic
def party_request_answer(*, actor: User, request_id: int, answer: str, now: datetime) -> PartyRequest:
    """The court's answer to a payment offer or a release request: shown to the party that asked
    (an event it sees), the officer's deadline closed. Staff of the case's court who work cases
    only; an empty answer or a request already answered is refused and nothing changes."""
    request = _answerable(actor, request_id)
    answer = (answer or "").strip()
    if not answer:
        raise ConditionsNotMet("请填写答复内容。", unmet=["answer"])
    if request.status != RequestStatus.PENDING:
        raise InvalidTransition("该申请已答复。")
    request.status = RequestStatus.ANSWERED
    request.answer = answer[:2000]
    request.answered_at = now
    request.answered_by = actor
    request.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    case_event_record(
        case=request.case,
        kind=PortalEvent.REQUEST_ANSWERED,
        summary=f"法院答复您的{request.get_kind_display()}：{request.answer}",
        actor=actor,
        now=now,
        data={"request": request.pk, "kind": request.kind, "recipient": request.account.party_id},
    )
    deadline_complete(case=request.case, kind=PortalDeadline.ANSWER, source=request, now=now)
    return request
