"""Service by the methods of the law other than electronic, each with its proof and its legal date
of service, and public notice only when the law allows it (CPL 2023 arts. 87–95).

- Direct service (art. 88): the 送达回证 is signed by the recipient; if absent, by an adult family
  member living with a natural person; for an organisation by its legal representative or person
  in charge or whoever is responsible for receiving mail (民诉解释 2022 art. 130); or by the
  litigation agent or the receiver the recipient designated. The date signed is the date of
  service (arts. 87–88).
- 留置送达 (art. 89): the recipient or family member refuses; the server records the reason and
  the date with witnesses (a representative of the local organisation or employer) or records
  the leaving by photo or video; the documents are deemed served on the day they are left.
- Mail (art. 91): the date of receipt on the return receipt is the date of service; the EMS
  number is recorded when sent.
- Commissioned service (art. 91; 民诉解释 2022 art. 134): another court serves, with a 委托函; the
  date signed on the 送达回证 is the date of service.
- Transfer (arts. 92–94): through the political organ of a soldier's unit (regiment or above),
  the prison, or the compulsory education institution; the date signed on the 送达回证 (art. 94).
- Public notice (art. 95): ONLY when the recipient's whereabouts are unknown or the other methods
  of this section cannot serve; served when 30 days have passed since publication (period counted
  under art. 85 with :func:`lastmile.core.periods.period_end`). The file records the reason and
  the course (art. 95); a 公告 document is issued. Not used in simplified procedure (民诉解释 2022
  art. 140): a first-instance civil case goes through the trial stage, which converts first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can
from lastmile.core.clock import court_date as _local_day
from lastmile.core.errors import ConditionsNotMet, Conflict, InvalidTransition
from lastmile.core.legal import LegalBasis
from lastmile.core.periods import period_end
from lastmile.documents.context import party_context
from lastmile.documents.models import Document
from lastmile.documents.services import document_issue
from lastmile.parties.models import ElectronicAddress, Party, ServiceChannel
from lastmile.service.error_codes import ServiceErrorCode
from lastmile.service.kinds import ServiceEvent

from ..models import (
    ATTEMPT_METHODS,
    AttemptOutcome,
    OrderStatus,
    ServiceAttempt,
    ServiceMethod,
    ServiceOrder,
    SignerRelation,
    TransferVia,
)
from ..procedure import ORDINARY, case_procedure
from .common import (
    BASIS_COMMISSION_LETTER,
    BASIS_DIRECT,
    BASIS_LEFT,
    BASIS_MAIL_OR_COMMISSION,
    BASIS_PUBLIC_NOTICE,
    BASIS_TRANSFER_ARMY,
    BASIS_TRANSFER_CUSTODY,
    BASIS_TRANSFER_DATE,
    PUBLIC_NOTICE_DAYS,
    order_event,
    service_actor_check,
)

# 法院专递 goes by EMS: a domestic 13-digit number or the UPU S10 form (two letters, nine digits,
# two letters).
TRACKING_RE = re.compile(r"^(\d{13}|[A-Z]{2}\d{9}[A-Z]{2})$")
DEFAULT_NOTICE_MEDIUM = "人民法院公告网"
# Case types tried in first instance: public notice only in ordinary procedure, as the trial stage
# says through lastmile.service.procedure (a simplified case is converted first, 民诉解释 2022 art. 140).
TRIAL_TYPE_CODES = ("民初",)
PERSON_ONLY = (SignerRelation.SELF, SignerRelation.FAMILY)
ORGANISATION_ONLY = (SignerRelation.LEGAL_REP, SignerRelation.RECEIVER)
START_BASIS: dict[str, LegalBasis] = {
    ServiceMethod.DIRECT: BASIS_DIRECT,
    ServiceMethod.MAIL: BASIS_MAIL_OR_COMMISSION,
    ServiceMethod.COMMISSIONED: BASIS_COMMISSION_LETTER,
    ServiceMethod.TRANSFERRED: BASIS_TRANSFER_DATE,
}
TRANSFER_ARTICLE = {
    TransferVia.ARMY: ("服役", "第九十二条", BASIS_TRANSFER_ARMY),
    TransferVia.PRISON: ("被监禁", "第九十三条", BASIS_TRANSFER_CUSTODY),
    TransferVia.EDUCATION: ("被采取强制性教育措施", "第九十三条", BASIS_TRANSFER_CUSTODY),
}


def recipient_address(party: Party) -> str:
    """The address documents go to: the confirmed 送达地址, else the domicile."""
    return (party.service_address or party.address or "").strip()


def _doc_actor(actor: User | None) -> User | None:
    """The 送达回证, 委托函, 转交函 and 公告 are issued as part of the serving act the actor may do; a
    server who cannot issue documents in general (a mediator) has them issued by the system."""
    return actor if actor is not None and actor_can(actor, "document.issue") else None


def _lock(order: ServiceOrder) -> ServiceOrder:
    return (
        ServiceOrder.objects.select_for_update(of=("self",))
        .select_related("case", "case__court", "document", "recipient")
        .get(pk=order.pk)
    )


def _served_documents(order: ServiceOrder) -> str:
    return f"{order.document.title}（{order.document.number}）"


@dataclass(frozen=True)
class AttemptStart:
    """How to start one attempt: the method and what it needs (EMS number for mail; the court for
    委托; the body and its kind for 转交; an address other than the recipient's on record)."""

    method: str
    tracking_number: str = ""
    agency: str = ""
    transfer_via: str = ""
    address: str = ""


def attempt_start_problems(order: ServiceOrder, start: AttemptStart) -> list[tuple[str, str, str]]:
    """What stops ``start`` on ``order``: ``(field, code, Chinese message)`` triples, empty when
    it may go ahead. Pure reads, so a batch can check every row before writing any."""
    problems: list[tuple[str, str, str]] = []
    if start.method not in ATTEMPT_METHODS:
        return [
            (
                "method",
                ServiceErrorCode.METHOD_INVALID,
                "送达方式应为直接送达、邮寄送达、委托送达或转交送达。",
            )
        ]
    if order.status == OrderStatus.SERVED:
        problems.append(("order", ServiceErrorCode.ALREADY_SERVED, "该文书已向受送达人送达。"))
    elif order.status == OrderStatus.NOTICE:
        problems.append(("order", ServiceErrorCode.IN_NOTICE, "该文书正在公告期间。"))
    if order.pk and order.service_attempts.filter(outcome=AttemptOutcome.PENDING).exists():
        problems.append(("order", ServiceErrorCode.ATTEMPT_PENDING, "已有送达中的记录，请先登记其结果。"))
    address = start.address.strip() or recipient_address(order.recipient)
    if start.method in (ServiceMethod.DIRECT, ServiceMethod.MAIL, ServiceMethod.COMMISSIONED) and not address:
        problems.append(
            (
                "address",
                ServiceErrorCode.ADDRESS_MISSING,
                "受送达人没有送达地址或住所地，无法直接、邮寄或委托送达。",
            )
        )
    if start.method == ServiceMethod.MAIL:
        number = start.tracking_number.strip().upper()
        if not TRACKING_RE.match(number):
            problems.append(
                (
                    "tracking_number",
                    ServiceErrorCode.TRACKING_INVALID,
                    "邮件单号应为13位数字或两位字母、九位数字、两位字母。",
                )
            )
        elif ServiceAttempt.objects.filter(tracking_number=number).exists():
            problems.append(
                ("tracking_number", ServiceErrorCode.TRACKING_DUPLICATE, f"邮件单号{number}已登记过。")
            )
    if start.method == ServiceMethod.COMMISSIONED and not start.agency.strip():
        problems.append(("agency", ServiceErrorCode.AGENCY_MISSING, "委托送达须写明受委托的人民法院。"))
    if start.method == ServiceMethod.TRANSFERRED:
        if start.transfer_via not in TransferVia.values:
            problems.append(
                (
                    "transfer_via",
                    ServiceErrorCode.TRANSFER_VIA_INVALID,
                    "转交送达须选择所在部队、监所或强制性教育机构。",
                )
            )
        if not start.agency.strip():
            problems.append(
                ("agency", ServiceErrorCode.AGENCY_MISSING, "转交送达须写明代为转交的机关或单位名称。")
            )
    return problems


def service_attempt_start(
    *, order: ServiceOrder, start: AttemptStart, actor: User | None, now: datetime
) -> ServiceAttempt:
    """Start serving ``order`` by ``start.method``: issue the documents that go with it (the
    送达回证 for direct, commissioned and transferred service; the 委托函 or 转交函), record the
    attempt with the EMS number or the body that serves, and mark the order as being served.
    Refusals raise and change nothing."""
    with transaction.atomic():
        locked = _lock(order)
        service_actor_check(actor, locked.case)
        problems = attempt_start_problems(locked, start)
        if problems:
            _field, code, message = problems[0]
            raise ConditionsNotMet(message, code=code, unmet=[p[0] for p in problems])
        address = start.address.strip() or recipient_address(locked.recipient)
        receipt = letter = None
        method_label = str(ServiceMethod(start.method).label)
        if start.method != ServiceMethod.MAIL:
            receipt = service_receipt_issue(
                order=locked, actor=actor, now=now, method=method_label, address=address
            )
        if start.method == ServiceMethod.COMMISSIONED:
            letter = document_issue(
                case=locked.case,
                template_code="service_commission_letter",
                context={
                    "agency": start.agency.strip(),
                    "served_documents": _served_documents(locked),
                    "recipient": party_context(locked.recipient),
                    "address": address,
                },
                actor=_doc_actor(actor),
                now=now,
            )
        elif start.method == ServiceMethod.TRANSFERRED:
            via, article, _basis = TRANSFER_ARTICLE[TransferVia(start.transfer_via)]
            letter = document_issue(
                case=locked.case,
                template_code="service_transfer_letter",
                context={
                    "agency": start.agency.strip(),
                    "served_documents": _served_documents(locked),
                    "recipient": party_context(locked.recipient),
                    "via": via,
                    "article": article,
                },
                actor=_doc_actor(actor),
                now=now,
            )
        basis = START_BASIS[start.method]
        if start.method == ServiceMethod.TRANSFERRED:
            basis = TRANSFER_ARTICLE[TransferVia(start.transfer_via)][2]
        try:
            with transaction.atomic():
                attempt = ServiceAttempt.objects.create(
                    order=locked,
                    method=start.method,
                    started_at=now,
                    started_by=actor,
                    address=address,
                    tracking_number=start.tracking_number.strip().upper()
                    if start.method == ServiceMethod.MAIL
                    else "",
                    agency=start.agency.strip(),
                    transfer_via=start.transfer_via if start.method == ServiceMethod.TRANSFERRED else "",
                    receipt_document=receipt,
                    letter_document=letter,
                    legal_basis=basis.as_dict(),
                )
        except IntegrityError as exc:
            raise Conflict("邮件单号已登记过。", code=ServiceErrorCode.TRACKING_DUPLICATE) from exc
        locked.method = start.method
        locked.status = OrderStatus.SENT
        locked.reason = ""
        locked.legal_basis = basis.as_dict()
        locked.save(update_fields=["method", "status", "reason", "legal_basis"])
        detail: str = {
            str(ServiceMethod.MAIL): f"，邮件单号{attempt.tracking_number}",
            str(ServiceMethod.COMMISSIONED): f"，委托{attempt.agency}代为送达",
            str(ServiceMethod.TRANSFERRED): f"，通过{attempt.agency}转交",
        }.get(start.method, "")
        order_event(
            locked,
            kind=ServiceEvent.ATTEMPT,
            summary=f"向{locked.recipient.name}{method_label}{locked.document.title}{detail}",
            actor=actor,
            now=now,
            legal_basis=basis,
            attempt=attempt.pk,
            method=start.method,
            tracking_number=attempt.tracking_number,
        )
    return attempt


@dataclass(frozen=True)
class AttemptResult:
    """What came back from one attempt.

    ``outcome`` is ``signed`` (the 送达回证 or the mail receipt signed), ``left`` (留置: refused,
    left with witnesses or a photo/video record) or ``failed`` (returned, nobody found).
    ``on`` is the date signed, the date left, the date of receipt on the mail receipt, or the date
    the failure was reported."""

    outcome: str
    on: date | None = None
    signer: str = ""
    relation: str = ""
    refusal: str = ""
    witnesses: str = ""
    record_ref: str = ""
    failure: str = ""


OUTCOMES = ("signed", "left", "failed")


def attempt_result_problems(
    attempt: ServiceAttempt, result: AttemptResult, *, today: date
) -> list[tuple[str, str, str]]:
    """What stops recording ``result`` on ``attempt``: ``(field, code, Chinese message)``."""
    problems: list[tuple[str, str, str]] = []
    if attempt.outcome != AttemptOutcome.PENDING:
        return [("attempt", ServiceErrorCode.RESULT_RECORDED, "该次送达已登记结果。")]
    if result.outcome not in OUTCOMES:
        return [("outcome", ServiceErrorCode.OUTCOME_INVALID, "结果应为签收、留置或未能送达。")]
    started = _local_day(attempt.started_at)
    if result.outcome in ("signed", "left") and result.on is None:
        problems.append(("on", ServiceErrorCode.DATE_MISSING, "请填写签收、留置或回执上的收件日期。"))
    if result.on is not None and result.on < started:
        problems.append(
            ("on", ServiceErrorCode.DATE_BEFORE_SENT, f"日期不能早于发出之日（{started:%Y-%m-%d}）。")
        )
    if result.on is not None and result.on > today:
        problems.append(("on", ServiceErrorCode.DATE_IN_FUTURE, "日期不能晚于今天。"))
    party = attempt.order.recipient
    if result.outcome == "signed":
        if not result.signer.strip():
            problems.append(("signer", ServiceErrorCode.SIGNER_MISSING, "请填写签收人。"))
        relation = result.relation
        if attempt.method != ServiceMethod.MAIL or relation:
            if relation not in SignerRelation.values:
                problems.append(("relation", ServiceErrorCode.RELATION_INVALID, "请选择签收人的身份。"))
            elif relation in PERSON_ONLY and not party.is_person:
                problems.append(
                    (
                        "relation",
                        ServiceErrorCode.RELATION_INVALID,
                        "受送达人是法人或其他组织，应由法定代表人、主要负责人或负责收件的人签收（民事诉讼法第八十八条）。",
                    )
                )
            elif relation in ORGANISATION_ONLY and party.is_person:
                problems.append(
                    (
                        "relation",
                        ServiceErrorCode.RELATION_INVALID,
                        "受送达人是自然人，应由本人或其同住成年家属签收（民事诉讼法第八十八条）。",
                    )
                )
            elif attempt.method == ServiceMethod.TRANSFERRED and relation != SignerRelation.SELF:
                problems.append(
                    (
                        "relation",
                        ServiceErrorCode.RELATION_INVALID,
                        "转交送达应交受送达人本人签收（民事诉讼法第九十四条）。",
                    )
                )
    elif result.outcome == "left":
        if attempt.method not in (ServiceMethod.DIRECT, ServiceMethod.COMMISSIONED):
            problems.append(
                (
                    "outcome",
                    ServiceErrorCode.LEFT_NOT_ALLOWED,
                    "只有直接送达或委托送达可以留置送达（民事诉讼法第八十九条）。",
                )
            )
        if not result.refusal.strip():
            problems.append(("refusal", ServiceErrorCode.REFUSAL_MISSING, "留置送达须记明拒收事由。"))
        if not (result.witnesses.strip() or result.record_ref.strip()):
            problems.append(
                (
                    "witnesses",
                    ServiceErrorCode.WITNESS_MISSING,
                    "留置送达须有见证人签名，或以拍照、录像等方式记录送达过程（民事诉讼法第八十九条）。",
                )
            )
    elif not result.failure.strip():
        problems.append(
            (
                "failure",
                ServiceErrorCode.FAILURE_MISSING,
                "请填写未能送达的原因（如：查无此人、迁移新址不明）。",
            )
        )
    return problems


def _result_basis(attempt: ServiceAttempt, result: AttemptResult) -> LegalBasis:
    if result.outcome == "left":
        return BASIS_LEFT
    if attempt.method == ServiceMethod.TRANSFERRED:
        return BASIS_TRANSFER_DATE
    if attempt.method == ServiceMethod.COMMISSIONED:
        return BASIS_COMMISSION_LETTER
    if attempt.method == ServiceMethod.MAIL:
        return BASIS_MAIL_OR_COMMISSION
    return BASIS_DIRECT


def served_on_for(attempt: ServiceAttempt, result: AttemptResult) -> date | None:
    """The legal date of service of a successful attempt: the day signed on the 送达回证 (CPL 2023
    arts. 87, 88, 94; 民诉解释 2022 art. 134), the day left (art. 89), or the date of receipt on the
    mail's return receipt (art. 91) — never the day the result is entered."""
    return result.on if result.outcome in ("signed", "left") else None


def service_attempt_result_record(
    *, attempt: ServiceAttempt, result: AttemptResult, actor: User | None, now: datetime
) -> ServiceAttempt:
    """Record what came back; a served attempt serves the order on its legal date (see
    :func:`served_on_for`); a failed one leaves the order waiting for another method. Refusals
    raise and change nothing."""
    with transaction.atomic():
        order = _lock(attempt.order)
        service_actor_check(actor, order.case)
        locked = ServiceAttempt.objects.select_for_update().get(pk=attempt.pk)
        locked.order = order
        problems = attempt_result_problems(locked, result, today=_local_day(now))
        if problems:
            _field, code, message = problems[0]
            raise ConditionsNotMet(message, code=code, unmet=[p[0] for p in problems])
        return _result_write(order, locked, result, actor=actor, now=now)


def _result_write(
    order: ServiceOrder, attempt: ServiceAttempt, result: AttemptResult, *, actor: User | None, now: datetime
) -> ServiceAttempt:
    basis = _result_basis(attempt, result)
    attempt.recorded_at, attempt.recorded_by = now, actor
    attempt.legal_basis = basis.as_dict()
    attempt.signed_on = result.on if result.outcome != "failed" else None
    if result.outcome == "failed":
        attempt.outcome = AttemptOutcome.FAILED
        attempt.failure = result.failure.strip()[:256]
        attempt.save()
        in_hand = order.status in (OrderStatus.SERVED, OrderStatus.NOTICE)
        if not in_hand and not order.service_attempts.filter(outcome=AttemptOutcome.PENDING).exists():
            order.status = OrderStatus.FAILED
            order.reason = f"{attempt.get_method_display()}未能送达：{attempt.failure}"[:256]
            order.save(update_fields=["status", "reason"])
        order_event(
            order,
            kind=ServiceEvent.FAILED,
            summary=f"{order.document.title}向{order.recipient.name}{attempt.get_method_display()}未能送达：{attempt.failure}",
            actor=actor,
            now=now,
            legal_basis=basis,
            attempt=attempt.pk,
        )
        return attempt
    served_on = served_on_for(attempt, result)
    assert served_on is not None
    if result.outcome == "left":
        attempt.method = ServiceMethod.LEFT
        attempt.refusal = result.refusal.strip()[:256]
        attempt.witnesses = result.witnesses.strip()[:256]
        attempt.record_ref = result.record_ref.strip()[:256]
    else:
        attempt.signer = result.signer.strip()[:64]
        attempt.signer_relation = result.relation
    attempt.outcome = AttemptOutcome.SERVED
    attempt.served_on = served_on
    attempt.save()
    if order.status == OrderStatus.SERVED and order.served_on is not None and order.served_on <= served_on:
        # already served (e.g. electronically while the mail was on its way): the first valid
        # service counts; this attempt's proof is kept
        return attempt
    order.status = OrderStatus.SERVED
    order.method = attempt.method
    order.served_on = served_on
    order.served_at = None
    order.reason = ""
    order.legal_basis = basis.as_dict()
    order.save(update_fields=["status", "method", "served_on", "served_at", "reason", "legal_basis"])
    proof = (
        f"拒收事由：{attempt.refusal}；"
        + (f"见证人：{attempt.witnesses}" if attempt.witnesses else f"记录：{attempt.record_ref}")
        if result.outcome == "left"
        else f"签收人：{attempt.signer}"
        + (f"（{attempt.get_signer_relation_display()}）" if attempt.signer_relation else "")
    )
    order_event(
        order,
        kind=ServiceEvent.SERVED,
        summary=f"{order.document.title}已向{order.recipient.name}{attempt.get_method_display()}（{served_on:%Y-%m-%d}，{proof}）",
        actor=actor,
        now=now,
        legal_basis=basis,
        attempt=attempt.pk,
        served_on=served_on,
    )
    return attempt


# --- public notice (公告送达) -------------------------------------------------------------------


def _consented(party: Party) -> bool:
    return ElectronicAddress.objects.filter(party=party).exclude(consent_kind="", confirmed=False).exists()


def public_notice_grounds(order: ServiceOrder, *, whereabouts: str = "") -> str | None:
    """Why the law allows public notice for ``order`` (CPL 2023 art. 95), as the reason and course
    the file must record, or None when it does not:

    - the other methods of the section were tried and could not serve (a direct, mail,
      commissioned or transferred attempt failed) — an electronic failure alone is not enough, and
      without consent electronic service was never a method at all (art. 90);
    - the whereabouts are unknown: no address and no consented electronic address on record, or
      the server states the search made (``whereabouts``, e.g. 经向住所地居委会查询，已搬离)."""
    failed = [
        a
        for a in order.service_attempts.all()
        if a.outcome == AttemptOutcome.FAILED and a.method in ATTEMPT_METHODS
    ]
    if failed:
        tried = "；".join(
            f"{a.get_method_display()}"
            + (f"（邮件单号{a.tracking_number}）" if a.tracking_number else "")
            + f"未能送达：{a.failure}"
            for a in failed
        )
        return f"经{tried}，用其他方式无法送达"
    party = order.recipient
    if not recipient_address(party) and not _consented(party):
        return "因受送达人下落不明（无住所地、送达地址和经同意的电子送达地址）"
    if whereabouts.strip():
        return f"因受送达人下落不明（{whereabouts.strip()[:200]}）"
    return None


def service_public_notice(
    *,
    order: ServiceOrder,
    actor: User | None,
    now: datetime,
    medium: str = "",
    whereabouts: str = "",
    published_on: date | None = None,
) -> ServiceOrder:
    """Publish a public notice for an order the other methods could not serve or whose recipient
    cannot be found (CPL 2023 art. 95): issue the 公告 with the reason and course, record the
    medium and the date; served when 30 days have passed (:func:`service_sweep`). Otherwise
    refused, naming art. 95, and nothing changes.

    The caller answers for the procedure: public notice is not used in simplified procedure
    (民诉解释 2022 art. 140); the trial stage checks it for a judgment, and the service page and API
    go through :func:`service_public_notice_request`.

    ``published_on`` is the day the notice was last posted or printed (民诉解释 2022 art. 138),
    default today; it cannot be in the future. The 30 days run from it."""
    with transaction.atomic():
        locked = _lock(order)
        service_actor_check(actor, locked.case)
        if locked.status != OrderStatus.FAILED:
            raise InvalidTransition(
                "只有尚未送达、且没有送达中记录的文书才能公告送达。", details={"status": locked.status}
            )
        grounds = public_notice_grounds(locked, whereabouts=whereabouts)
        if grounds is None:
            raise ConditionsNotMet(
                "受送达人下落明确，且尚未以直接送达、邮寄送达、委托或转交送达等方式送达，"
                "不能公告送达（《中华人民共和国民事诉讼法》第九十五条）。",
                code=ServiceErrorCode.NOTICE_NO_GROUNDS,
                unmet=["other_methods_or_whereabouts"],
                details={"legal_basis": BASIS_PUBLIC_NOTICE.as_dict()},
            )
        published = published_on or _local_day(now)
        if published > _local_day(now):
            raise ConditionsNotMet(
                "公告发布日不能晚于今天。", code=ServiceErrorCode.DATE_IN_FUTURE, unmet=["published_on"]
            )
        ends = period_end(published, PUBLIC_NOTICE_DAYS)
        medium = medium.strip() or DEFAULT_NOTICE_MEDIUM
        notice_doc = document_issue(
            case=locked.case,
            template_code="service_public_notice",
            context={
                "recipient": party_context(locked.recipient),
                "grounds": grounds,
                "served_documents": _served_documents(locked),
                "ends_on": ends.isoformat(),
                "medium": medium,
            },
            actor=_doc_actor(actor),
            now=now,
        )
        attempt = ServiceAttempt.objects.create(
            order=locked,
            method=ServiceMethod.PUBLIC_NOTICE,
            outcome=AttemptOutcome.NOTICE,
            started_at=now,
            started_by=actor,
            medium=medium[:128],
            grounds=grounds[:512],
            published_on=published,
            letter_document=notice_doc,
            legal_basis=BASIS_PUBLIC_NOTICE.as_dict(),
        )
        locked.method = ServiceMethod.PUBLIC_NOTICE
        locked.status = OrderStatus.NOTICE
        locked.notice_published_on = published
        locked.notice_ends_on = ends
        locked.reason = grounds[:256]
        locked.legal_basis = BASIS_PUBLIC_NOTICE.as_dict()
        locked.save(
            update_fields=[
                "method",
                "status",
                "notice_published_on",
                "notice_ends_on",
                "reason",
                "legal_basis",
            ]
        )
        order_event(
            locked,
            kind=ServiceEvent.PUBLIC_NOTICE,
            summary=f"向{locked.recipient.name}公告送达{locked.document.title}（{medium}），公告期满日{ends:%Y-%m-%d}",
            actor=actor,
            now=now,
            legal_basis=BASIS_PUBLIC_NOTICE,
            published_on=published,
            ends_on=ends,
            attempt=attempt.pk,
            grounds=grounds,
        )
    return locked


def service_public_notice_request(
    *,
    order: ServiceOrder,
    actor: User,
    now: datetime,
    medium: str = "",
    whereabouts: str = "",
    published_on: date | None = None,
) -> ServiceOrder:
    """Public notice asked for on the service page or API. A first-instance civil case (民初) may
    be served by public notice only in ordinary procedure (民诉解释 2022 art. 140): the trial stage
    says which procedure the case is in (:func:`lastmile.service.procedure.case_procedure`); in
    simplified procedure or small claims, or when nothing says, it is refused and the case must be
    converted to ordinary procedure on the trial page first (CPL 2023 art. 170). Any document of an
    ordinary-procedure case (a 传票, a judgment …) then goes to :func:`service_public_notice`, as
    do other cases."""
    if order.case.type_code in TRIAL_TYPE_CODES and case_procedure(order.case) != ORDINARY:
        raise ConditionsNotMet(
            "一审民事案件只有适用普通程序的才能公告送达：简易程序和小额诉讼不适用公告送达"
            "（《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第一百四十条），"
            "请先在审理页面转为普通程序。",
            code=ServiceErrorCode.NOTICE_VIA_TRIAL,
            unmet=["procedure"],
            details={"procedure": case_procedure(order.case) or ""},
        )
    return service_public_notice(
        order=order, actor=actor, now=now, medium=medium, whereabouts=whereabouts, published_on=published_on
    )


def service_sweep(*, now: datetime) -> int:
    """Public notices whose 30 days have passed are served, on the last day of the period
    (CPL 2023 arts. 85, 95)."""
    today = _local_day(now)
    done = 0
    for pk in ServiceOrder.objects.filter(status=OrderStatus.NOTICE, notice_ends_on__lte=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            order = (
                ServiceOrder.objects.select_for_update(of=("self",))
                .select_related("case", "document", "recipient")
                .get(pk=pk)
            )
            if order.status != OrderStatus.NOTICE or order.notice_ends_on is None:
                continue
            order.status = OrderStatus.SERVED
            order.served_on = order.notice_ends_on
            order.save(update_fields=["status", "served_on"])
            ServiceAttempt.objects.filter(
                order=order, method=ServiceMethod.PUBLIC_NOTICE, outcome=AttemptOutcome.NOTICE
            ).update(outcome=AttemptOutcome.SERVED, served_on=order.served_on)
            order_event(
                order,
                kind=ServiceEvent.SERVED,
                summary=f"{order.document.title}公告期满，视为已向{order.recipient.name}送达",
                actor=None,
                now=now,
                legal_basis=BASIS_PUBLIC_NOTICE,
                served_on=order.served_on,
            )
            done += 1
    return done


def service_receipt_issue(
    *, order: ServiceOrder, actor: User | None, now: datetime, method: str = "", address: str = ""
) -> Document:
    """The 送达回证 of an order (template ``service_receipt``; CPL 2023 art. 87), issued through
    documents: it goes with direct, commissioned and transferred service to be signed."""
    label = method or str(order.get_method_display())
    if order.method == ServiceMethod.ELECTRONIC and not method:
        labels = dict(ServiceChannel.choices)
        channels = sorted(
            {str(labels.get(a.channel, a.channel)) for a in order.attempts.all() if a.status == "delivered"}
        )
        if channels:
            label += "（" + "、".join(channels) + "）"
    recipient = party_context(order.recipient)
    if address:
        recipient = {**recipient, "service_address": address}
    return document_issue(
        case=order.case,
        template_code="service_receipt",
        context={
            "served_documents": _served_documents(order),
            "method": label,
            "recipient": recipient,
        },
        actor=_doc_actor(actor),
        now=now,
    )
