"""A judge concludes an agreement as a judicial confirmation ruling (诉前调确, CPL 2023 arts.
205–206) or a mediation statement (诉前调书), each a new case with its own number and document;
the document is served electronically and takes effect once every party is served."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case, CaseStatus, PartyRole
from lastmile.cases.services import (
    PartyInRole,
    case_event_record,
    case_register,
    case_status_change,
    deadline_complete,
)
from lastmile.core.clock import court_date as _today
from lastmile.core.errors import ConditionsNotMet, InvalidTransition
from lastmile.core.legal import LegalBasis
from lastmile.core.money import format_yuan, to_money
from lastmile.documents.markup import cn_date, cn_num
from lastmile.documents.services import document_issue
from lastmile.filing.models import LoanClaim
from lastmile.filing.selectors import loan_guarantor_ids
from lastmile.ledger.fees import HALVING_BASIS, acceptance_fee
from lastmile.mediation.kinds import MediationDeadline, MediationEvent
from lastmile.service.conf import court_cases_setting
from lastmile.service.ports import ElectronicServicePort
from lastmile.service.selectors import document_service_state
from lastmile.service.services import service_dispatch

from ..models import (
    RESULT_TYPE_CODES,
    Agreement,
    Mediation,
    MediationStage,
    MediationStatus,
    ResultKind,
)
from .common import BASIS_CONFIRMATION, BASIS_STATEMENT, _lock, _parties


def _schedule(agreement: Agreement, *, payer: str, payee: str) -> tuple[list[str], list[dict[str, object]]]:
    """The payment terms as a court writes them: one payment is one more numbered term; several
    are a schedule (a table in the document: 期次, 付款期限, 金额 to the fen) followed by the term
    that a missed installment makes the whole unpaid balance due (``after_terms``)."""
    rows = list(agreement.installments.order_by("seq"))
    if len(rows) == 1:
        return [
            f"{payer}于{cn_date(rows[0].due_on)}前一次性向{payee}给付人民币{format_yuan(rows[0].amount)}元；"
        ], []
    table: list[dict[str, object]] = [{"seq": r.seq, "due_on": r.due_on, "amount": r.amount} for r in rows]
    return [f"{payer}任何一期未按期足额给付的，{payee}有权就全部未付款项申请强制执行。"], table


def _document_terms(agreement: Agreement, *, payer: str, payee: str) -> dict[str, object]:
    """``terms`` (numbered paragraphs), ``installments`` (the schedule table, empty for one payment),
    ``after_terms`` (numbered on after the schedule) and ``total``."""
    extra, table = _schedule(agreement, payer=payer, payee=payee)
    return {
        "terms": [*agreement.terms, *extra] if not table else list(agreement.terms),
        "installments": table,
        "after_terms": extra if table else [],
        "total": agreement.total,
    }


def _claims_text(case: Case) -> str:
    claim = LoanClaim.objects.filter(case_id__in=[case.pk, case.parent_id]).order_by("-case_id").first()
    if claim is None:
        return f"申请人请求被申请人给付欠款人民币{format_yuan(case.amount_claimed or 0)}元。"
    return (
        f"申请人请求被申请人偿还借款本金人民币{format_yuan(claim.principal)}元、利息{format_yuan(claim.interest)}元、"
        f"罚息{format_yuan(claim.penalty)}元，合计{format_yuan(claim.claimed_total)}元（合同编号{claim.contract_no}）。"
    )


@transaction.atomic
def mediation_conclude(*, mediation: Mediation, kind: str, actor: User, now: datetime) -> Mediation:
    """A judge turns the agreement into a 诉前调确 ruling (CPL 2023 arts. 205–206) or a 诉前调书:
    a new case (its own number, ``parent`` = the 民诉前调 case) and its document, issued through
    :mod:`lastmile.documents`. The 民诉前调 case is closed (调解成功). All or nothing.

    A confirmation ruling needs the parties' joint application, recorded within the 30 days
    (:func:`lastmile.mediation.services.parties.mediation_confirmation_apply`); it is never refused
    later for time. In a suit, the agreement becomes a 民事调解书 of the same case instead."""
    require(actor, "trial.work", court=mediation.court)
    if kind not in ResultKind.values:
        raise ConditionsNotMet("请选择司法确认或出具调解书。", unmet=["kind"])
    locked = _lock(mediation)
    if locked.status != MediationStatus.AGREED:
        raise InvalidTransition("该案件尚未达成调解协议或已处理。", details={"status": locked.status})
    agreement = Agreement.objects.get(mediation=locked)
    today = _today(now)
    if locked.stage == MediationStage.IN_SUIT:
        return _conclude_in_suit(locked, mediation, agreement, kind=kind, actor=actor, now=now, today=today)
    if kind == ResultKind.CONFIRMATION and agreement.confirmation_applied_on is None:
        # The 30 days of CPL 2023 art. 205 are checked when the parties apply (services.parties).
        raise ConditionsNotMet(
            "各方当事人尚未共同申请司法确认，不能作出确认裁定（《民事诉讼法》第二百零五条、第二百零六条）。",
            unmet=["joint_application"],
        )
    statement = kind == ResultKind.STATEMENT
    basis = BASIS_STATEMENT if statement else BASIS_CONFIRMATION
    result_case = _result_case_register(locked, agreement, kind=kind, basis=basis, actor=actor, now=now)
    template, context = _result_document(locked, agreement, statement=statement, today=today)
    document = document_issue(case=result_case, template_code=template, context=context, actor=actor, now=now)
    closing = "出具调解书" if statement else "裁定确认调解协议有效"
    case_status_change(
        case=result_case,
        allowed_from=[CaseStatus.FILED],
        to_status=CaseStatus.CLOSED,
        kind=MediationEvent.RESULT_ISSUED,
        summary=f"{closing}（{document.number}）",
        actor=actor,
        now=now,
        legal_basis=basis,
        closing_method=closing,
        data={"document": document.pk, "fee_basis": HALVING_BASIS.as_dict() if statement else {}},
    )
    case_status_change(
        case=locked.case,
        allowed_from=[CaseStatus.IN_PROGRESS],
        to_status=CaseStatus.CLOSED,
        kind=MediationEvent.CONCLUDED,
        summary=f"调解成功，转{result_case.number}",
        actor=actor,
        now=now,
        closing_method="调解成功",
        data={"result_case": result_case.pk, "kind": kind},
    )
    deadline_complete(case=locked.case, kind=MediationDeadline.PERIOD, now=now)
    locked.status = MediationStatus.CONCLUDED
    locked.result_kind = kind
    locked.result_case = result_case
    locked.result_document = document
    locked.closed_at = now
    locked.save(update_fields=["status", "result_kind", "result_case", "result_document", "closed_at"])
    mediation.refresh_from_db()
    return locked


def _conclude_in_suit(
    locked: Mediation,
    mediation: Mediation,
    agreement: Agreement,
    *,
    kind: str,
    actor: User,
    now: datetime,
    today: date,
) -> Mediation:
    """In a suit the agreement becomes a 民事调解书 of the same case (CPL 2023 art. 100), never a
    confirmation ruling; the case closes when the 调解书 takes effect, on every party's receipt."""
    if kind != ResultKind.STATEMENT:
        raise ConditionsNotMet(
            "诉中调解达成协议的，人民法院应当制作调解书（《民事诉讼法》第一百条），不适用司法确认。",
            unmet=["kind"],
        )
    template, context = _result_document(locked, agreement, statement=True, today=today)
    document = document_issue(case=locked.case, template_code=template, context=context, actor=actor, now=now)
    case_event_record(
        case=locked.case,
        kind=MediationEvent.RESULT_ISSUED,
        summary=f"诉中调解达成协议，出具民事调解书（{document.number}），经双方当事人签收后生效",
        actor=actor,
        now=now,
        legal_basis=BASIS_STATEMENT,
        data={"document": document.pk},
    )
    deadline_complete(case=locked.case, kind=MediationDeadline.PERIOD, now=now)
    locked.status = MediationStatus.CONCLUDED
    locked.result_kind = ResultKind.STATEMENT
    locked.result_case = locked.case
    locked.result_document = document
    locked.closed_at = now
    locked.save(update_fields=["status", "result_kind", "result_case", "result_document", "closed_at"])
    mediation.refresh_from_db()
    return locked


def _result_case_register(
    locked: Mediation, agreement: Agreement, *, kind: str, basis: LegalBasis, actor: User, now: datetime
) -> Case:
    """The new case of the result (调确 or 调书), with the creditors and debtors in the roles of
    its kind and the agreed total as the amount."""
    creditors, debtors = _parties(locked.case)
    roles = (
        (PartyRole.PLAINTIFF, PartyRole.DEFENDANT)
        if kind == ResultKind.STATEMENT
        else (
            PartyRole.APPLICANT_MEDIATION,
            PartyRole.RESPONDENT_MEDIATION,
        )
    )
    return case_register(
        court=locked.court,
        type_code=RESULT_TYPE_CODES[ResultKind(kind)],
        parties=[PartyInRole(p, roles[0]) for p in creditors] + [PartyInRole(p, roles[1]) for p in debtors],
        actor=actor,
        now=now,
        cause=locked.case.cause,
        amount_claimed=agreement.total,
        parent=locked.case,
        officer=actor,
        legal_basis=basis,
        data={"mediation": locked.pk, "origin": locked.case.number},
    )


def _result_document(
    locked: Mediation, agreement: Agreement, *, statement: bool, today: date
) -> tuple[str, dict[str, object]]:
    """The template and context of the result document: the 调解书 with the claims, terms and fee
    (``STATEMENT_FEE``), or the confirmation ruling with the agreement and its mediator."""
    creditors, debtors = _parties(locked.case)
    if statement:
        claimed = locked.case.amount_claimed or agreement.total
        fee = acceptance_fee(claimed) if court_cases_setting("STATEMENT_FEE") == "halved" else to_money(0)
        half = acceptance_fee(claimed, halved=True) if fee else to_money(0)
        context: dict[str, object] = {
            "claims": _claims_text(locked.case),
            **_document_terms(agreement, payer="被告", payee="原告"),
            "court_fee": fee,
            "court_fee_half": half,
            "guarantor_ids": loan_guarantor_ids(locked.case),
        }
        return "mediation_statement", context
    mediator = locked.mediator.name
    label = str(court_cases_setting("CONFIRMATION_MEDIATOR_LABEL"))
    parts = _document_terms(
        agreement, payer="、".join(p.name for p in debtors), payee="、".join(p.name for p in creditors)
    )
    numbered = [*parts["terms"], *parts["after_terms"]]  # type: ignore[misc]
    context = {
        "agreed_on": agreement.agreed_on,
        "effective_on": agreement.effective_on,
        "mediator": f"{locked.court.short_name}{label}调解员{mediator}",
        **parts,
        # the whole agreement as one numbered text, for court-edited template versions that print it
        "agreement": "".join(f"{cn_num(n)}、{t}" for n, t in enumerate(numbered, start=1)),
        "applied_on": agreement.confirmation_applied_on,
        "guarantor_ids": loan_guarantor_ids(locked.case),
    }
    return "judicial_confirmation_ruling", context


def mediation_result_serve(
    *, mediation: Mediation, actor: User | None, now: datetime, port: ElectronicServicePort | None = None
) -> Mediation:
    """Serve the 调确/调书 on every party electronically; it takes effect once all are served."""
    if mediation.result_document is None:
        raise InvalidTransition("尚未出具调解书或确认裁定。")
    service_dispatch(document=mediation.result_document, actor=actor, now=now, port=port)
    return mediation_effective_refresh(mediation=mediation, now=now)


@transaction.atomic
def mediation_effective_refresh(*, mediation: Mediation, now: datetime) -> Mediation:
    """The 调解书 takes effect when every party has signed for it (CPL 2023 art. 100; 民诉解释 2022
    art. 149: the day the last party signs for it); the confirmation ruling is treated the same way
    (effective on service to all parties, UNVERIFIED, docs/financial-cases.md). The effective day
    is the last service day. A suit mediated to a 调解书 closes that day."""
    locked = _lock(mediation)
    if locked.effective_on is not None or locked.result_document is None:
        return locked
    state = document_service_state(locked.result_document)
    if not state.complete:
        return locked
    locked.effective_on = state.last_served_on
    locked.save(update_fields=["effective_on"])
    mediation.refresh_from_db()
    assert locked.result_case is not None
    case_event_record(
        case=locked.result_case,
        kind=MediationEvent.EFFECTIVE,
        summary=f"{locked.result_document.title}已送达全部当事人，于{locked.effective_on:%Y-%m-%d}发生法律效力",
        actor=None,
        now=now,
        data={"effective_on": locked.effective_on},
        legal_basis=BASIS_STATEMENT if locked.result_kind == ResultKind.STATEMENT else BASIS_CONFIRMATION,
    )
    if locked.stage == MediationStage.IN_SUIT:
        # the suit ends by mediation once its 调解书 is effective (CPL 2023 art. 100)
        case_status_change(
            case=locked.case,
            allowed_from=[CaseStatus.FILED, CaseStatus.IN_PROGRESS],
            to_status=CaseStatus.CLOSED,
            kind=MediationEvent.CONCLUDED,
            summary=f"民事调解书已生效，本案以调解方式结案（{locked.result_document.number}）",
            actor=None,
            now=now,
            closing_method="调解",
            legal_basis=BASIS_STATEMENT,
            data={"document": locked.result_document.pk},
        )
    return locked
