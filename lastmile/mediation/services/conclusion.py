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
from lastmile.core.periods import period_end
from lastmile.documents.services import document_issue
from lastmile.filing.models import LoanClaim
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
    MediationStatus,
    ResultKind,
)
from .common import BASIS_CONFIRMATION, BASIS_STATEMENT, _lock, _parties

CONFIRMATION_APPLY_DAYS = 30  # CPL 2023 art. 205: within 30 days of the agreement taking effect


def _schedule_text(agreement: Agreement) -> list[str]:
    rows = list(agreement.installments.order_by("seq"))
    if len(rows) == 1:
        return [
            f"被申请人于{rows[0].due_on:%Y年%m月%d日}前一次性给付申请人人民币{format_yuan(rows[0].amount)}元；"
        ]
    lines = [f"被申请人分{len(rows)}期给付申请人人民币{format_yuan(agreement.total)}元："]
    lines += [f"第{r.seq}期于{r.due_on:%Y年%m月%d日}前给付{format_yuan(r.amount)}元；" for r in rows]
    lines.append("被申请人任何一期未按期足额给付的，申请人有权就全部未付款项申请强制执行。")
    return lines


def _claims_text(case: Case) -> str:
    claim = LoanClaim.objects.filter(case=case).first()
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
    :mod:`lastmile.documents`. The 民诉前调 case is closed (调解成功). All or nothing."""
    require(actor, "trial.work", court=mediation.court)
    if kind not in ResultKind.values:
        raise ConditionsNotMet("请选择司法确认或出具调解书。", unmet=["kind"])
    locked = _lock(mediation)
    if locked.status != MediationStatus.AGREED:
        raise InvalidTransition("该案件尚未达成调解协议或已处理。", details={"status": locked.status})
    agreement = Agreement.objects.get(mediation=locked)
    today = _today(now)
    if kind == ResultKind.CONFIRMATION and today > period_end(agreement.agreed_on, CONFIRMATION_APPLY_DAYS):
        raise ConditionsNotMet(
            "已超过申请司法确认的期限（调解协议生效之日起三十日）。", unmet=["confirmation_period"]
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
    schedule = _schedule_text(agreement)
    if statement:
        claimed = locked.case.amount_claimed or agreement.total
        fee = acceptance_fee(claimed) if court_cases_setting("STATEMENT_FEE") == "halved" else to_money(0)
        half = acceptance_fee(claimed, halved=True) if fee else to_money(0)
        context: dict[str, object] = {
            "claims": _claims_text(locked.case),
            "terms": [*agreement.terms, *schedule],
            "court_fee": fee,
            "court_fee_half": half,
        }
        return "mediation_statement", context
    mediator = locked.mediator.name
    label = str(court_cases_setting("CONFIRMATION_MEDIATOR_LABEL"))
    context = {
        "agreed_on": agreement.agreed_on,
        "mediator": f"{locked.court.short_name}{label}调解员{mediator}",
        "agreement": "".join([*agreement.terms, *schedule]),
        "applied_on": today,
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
    """The 调解书 takes effect when every party has signed for it (CPL 2023 art. 100, article
    number UNVERIFIED); the confirmation ruling is treated the same way (effective on service to
    all parties, UNVERIFIED, docs/financial-cases.md). The effective day is the last service day."""
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
    return locked
