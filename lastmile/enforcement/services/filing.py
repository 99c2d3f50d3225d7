"""Filing an enforcement case (执): counter and online filing, acceptance of an online
application, and what starts once a case is filed (triage, assignment, time limit)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from lastmile.accounts.models import Court, User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case, CaseStatus, PartyRole
from lastmile.cases.services import (
    PartyInRole,
    case_enforcement_track_set,
    case_event_record,
    case_register,
    case_status_change,
    deadline_complete,
    deadline_open,
)
from lastmile.core.clock import court_date as _today
from lastmile.core.errors import PermissionDenied
from lastmile.core.money import to_money
from lastmile.core.periods import ProvisionalDate, period_end_provisional
from lastmile.enforcement.kinds import EnforcementDeadline, EnforcementEvent
from lastmile.ledger.fees import execution_fee
from lastmile.ledger.services import CostItem, InstallmentDue, InterestTerms, obligation_record
from lastmile.parties.models import Party
from lastmile.parties.services import party_upsert

from .. import rules
from ..models import BasisKind, Channel, EnforcementCase, PriorityClaim
from ..transitions import ACTIONS, status_after
from .common import InvalidFiling, _guard
from .time_limit import _time_limit_refresh
from .triage import _assign, triage_score


@dataclass(frozen=True)
class ExecutionBasisIn:
    """The execution basis (执行依据) as filed: what it is and the obligations it fixes."""

    kind: str
    issuer: str
    number: str
    effective_on: date
    performance_deadline: date | None = None
    installments: Sequence[InstallmentDue] = ()
    principal: Decimal = Decimal("0")
    interest: InterestTerms | None = None
    costs: Sequence[CostItem] = ()
    non_money_acts: str = ""


EXECUTION_FEE_KIND = "execution_fee"
EXECUTION_FEE_LABEL = "申请执行费"


def enforced_amount(basis: ExecutionBasisIn) -> Decimal:
    """The amount to be enforced on which the 申请执行费 is charged (诉讼费用交纳办法 2006 art. 14(1)
    "执行金额"): the money the execution basis orders the debtor to pay, as applied for: the
    principal, the interest it fixes as an amount and the costs it puts on the debtor (never the
    execution fee itself, nor interest still to accrue)."""
    fixed = sum((to_money(c.amount) for c in basis.costs if c.kind != EXECUTION_FEE_KIND), Decimal("0.00"))
    return to_money(basis.principal) + fixed


def _costs_with_execution_fee(basis: ExecutionBasisIn) -> list[CostItem]:
    """The basis's costs, and the 申请执行费 computed at filing from the amount to be enforced
    (诉讼费用交纳办法 2006 art. 14(1)); it is not prepaid by the applicant and the debtor bears it
    (arts. 20, 38), so it is a cost of the debtor's money debt. A fee already listed on the basis
    is kept as given."""
    costs = list(basis.costs)
    if not any(c.kind == EXECUTION_FEE_KIND for c in costs):
        fee = execution_fee(enforced_amount(basis))
        costs.append(CostItem(kind=EXECUTION_FEE_KIND, label=EXECUTION_FEE_LABEL, amount=fee))
    return costs


def _validate_basis(basis: ExecutionBasisIn, applied_on: date) -> None:
    problems = []
    if basis.kind not in BasisKind.values:
        problems.append("执行依据种类不正确")
    if not basis.issuer.strip():
        problems.append("请填写执行依据的作出机构")
    if not basis.number.strip():
        problems.append("请填写执行依据的文书编号")
    if basis.effective_on > applied_on:
        problems.append("执行依据生效日期不能晚于申请日期")
    if to_money(basis.principal) < 0:
        problems.append("给付金额不能为负数")
    if to_money(basis.principal) == 0 and not basis.non_money_acts.strip():
        problems.append("请填写给付金额或非金钱给付义务")
    if basis.performance_deadline and basis.performance_deadline < basis.effective_on:
        problems.append("履行期限不能早于生效日期")
    if problems:
        raise InvalidFiling("；".join(problems) + "。", details={"problems": problems})


@transaction.atomic
def enforcement_file(
    *,
    court: Court,
    basis: ExecutionBasisIn,
    applicants: Sequence[Party],
    respondents: Sequence[Party],
    actor: User | None,
    now: datetime,
    guarantors: Sequence[Party] = (),
    channel: str = Channel.COUNTER,
    applied_on: date | None = None,
    cause: str = "",
    known_assets: str = "",
    priority_claim: str = "",
    submitted_by: str = "",
    attachments: Sequence[dict[str, Any]] = (),
) -> Case:
    """File an enforcement case (执) from an execution basis.

    At the counter (``channel="counter"``) a clerk with ``case.file`` files it at once: the case
    is triaged, assigned and its time limit starts. Online (``channel="online"``, ``actor`` may be
    None for an applicant on the portal) the application is received and waits for a clerk to
    accept it (:func:`enforcement_accept`) within 7 days (审限规定 2000 art. 6).

    The 2-year application period (民诉法 2023 art. 250) is computed; a late application is recorded
    and flagged, never refused (民诉解释 2022 art. 481). The 10-day deadlines for the 执行通知
    and the 报告财产令 run from receipt (民诉解释 2022 art. 480; 财产调查规定 2020 art. 3).

    ``guarantors`` are respondents liable as guarantors under the basis (e.g. a loan's 连带责任保证人):
    they are 被执行人 too, recorded in the 担保人 role (``PartyRole.GUARANTOR``, one of
    ``DEBTOR_ROLES``) so documents print them as 被执行人（连带责任保证人） and inquiry and measures
    reach them like every debtor.
    """
    if channel not in Channel.values:
        raise InvalidFiling("立案渠道不正确。")
    if channel == Channel.COUNTER or actor is not None:
        if actor is None:
            raise PermissionDenied("窗口立案须由立案人员办理。")
        require(actor, "case.file", court=court)
    if not applicants or not [p for p in respondents if p.pk not in {g.pk for g in guarantors}]:
        raise InvalidFiling("申请执行人和被执行人均不能为空（担保人之外，还须列明主债务人）。")
    if priority_claim not in PriorityClaim.values:
        raise InvalidFiling("优先债权类型不正确。")
    received_on = _today(now)
    applied_on = applied_on or received_on
    _validate_basis(basis, applied_on)
    principal = to_money(basis.principal)

    start = rules.application_period_start(
        effective_on=basis.effective_on,
        performance_deadline=basis.performance_deadline,
        installment_dates=[i.due_on for i in basis.installments],
    )
    deadline = rules.application_deadline(start)
    late = applied_on > deadline.day
    online = channel == Channel.ONLINE
    guarantor_ids = {p.pk for p in guarantors}
    parties = [
        *(PartyInRole(p, PartyRole.APPLICANT) for p in applicants),
        *(PartyInRole(p, PartyRole.RESPONDENT) for p in respondents if p.pk not in guarantor_ids),
        *(PartyInRole(p, PartyRole.GUARANTOR) for p in guarantors),
    ]
    case = case_register(
        court=court,
        type_code="执",
        parties=parties,
        actor=actor,
        now=now,
        cause=cause,
        amount_claimed=principal,
        status=CaseStatus.RECEIVED if online else CaseStatus.FILED,
        summary=None,
        data={"channel": channel},
    )
    ec = EnforcementCase.objects.create(
        case=case,
        channel=channel,
        submitted_by=submitted_by or (actor.name if actor else ""),
        attachments=list(attachments),
        basis_kind=basis.kind,
        basis_issuer=basis.issuer.strip(),
        basis_number=basis.number.strip(),
        basis_effective_on=basis.effective_on,
        performance_deadline=basis.performance_deadline,
        basis_installments=[
            {"due_on": i.due_on.isoformat(), "amount": str(to_money(i.amount))} for i in basis.installments
        ],
        principal=principal,
        non_money_acts=basis.non_money_acts.strip(),
        applied_on=applied_on,
        application_period_starts_on=start,
        application_deadline=deadline.day,
        application_deadline_provisional=deadline.provisional,
        late_application=late,
        known_assets=known_assets.strip(),
        priority_claim=priority_claim,
    )
    case_enforcement_track_set(case=case, track=ec.track)
    if principal > 0:
        obligation_record(
            case=case,
            actor=actor,
            now=now,
            principal=principal,
            basis_effective_on=basis.effective_on,
            performance_deadline=basis.performance_deadline,
            interest=basis.interest,
            costs=_costs_with_execution_fee(basis),
            installments=basis.installments,
        )
    _filing_events_record(
        case=case,
        ec=ec,
        basis=basis,
        late=late,
        applied_on=applied_on,
        start=start,
        deadline=deadline,
        actor=actor,
        now=now,
    )
    _receipt_deadlines_open(case=case, received_on=received_on)
    if not online:
        _start_after_filing(case=case, ec=ec, actor=actor, now=now)
    case.refresh_from_db()
    return case


def _filing_events_record(
    *,
    case: Case,
    ec: EnforcementCase,
    basis: ExecutionBasisIn,
    late: bool,
    applied_on: date,
    start: date,
    deadline: ProvisionalDate,
    actor: User | None,
    now: datetime,
) -> None:
    """The filing (or online receipt) event, and the late-application event when the 2-year
    period has run (recorded, never refused: 民诉解释 2022 art. 481)."""
    online = ec.channel == Channel.ONLINE
    case_event_record(
        case=case,
        kind=EnforcementEvent.RECEIVED_ONLINE if online else EnforcementEvent.FILED,
        summary=(
            f"收到网上执行申请（{ec.get_basis_kind_display()} {ec.basis_number}），待立案审查"
            if online
            else f"窗口立案（{ec.get_basis_kind_display()} {ec.basis_number}）"
        ),
        actor=actor,
        now=now,
        data={
            "basis_kind": basis.kind,
            "basis_issuer": ec.basis_issuer,
            "basis_number": ec.basis_number,
            "effective_on": basis.effective_on,
            "performance_deadline": basis.performance_deadline,
            "principal": ec.principal,
            "non_money_acts": ec.non_money_acts,
            "application_deadline": deadline.day,
            "submitted_by": ec.submitted_by,
        },
        legal_basis=rules.BASIS_APPLICATION_PERIOD,
    )
    if late:
        case_event_record(
            case=case,
            kind=EnforcementEvent.LATE_APPLICATION,
            summary=(
                f"申请日期{applied_on:%Y-%m-%d}已超过申请执行期间（{deadline.day:%Y-%m-%d}届满），"
                "依法予以受理并记录；被执行人提出异议成立的，裁定不予执行"
            ),
            actor=actor,
            now=now,
            data={"applied_on": applied_on, "deadline": deadline.day, "period_start": start},
            legal_basis=rules.BASIS_LATE_ACCEPTED,
        )


def _receipt_deadlines_open(*, case: Case, received_on: date) -> None:
    """The deadlines that run from receipt: filing review within 7 days (审限规定 2000 art. 6), the
    执行通知 and the 报告财产令 within 10 days (民诉解释 2022 art. 480; 财产调查规定 2020 art. 3)."""
    filing_due = period_end_provisional(received_on, 7)
    deadline_open(
        case=case,
        kind=EnforcementDeadline.FILING,
        label="审查立案（收到申请之日起7日内）",
        starts_on=received_on,
        due_on=filing_due.day,
        provisional=filing_due.provisional,
        legal_basis=rules.BASIS_FILING_7_DAYS,
    )
    notice_due = period_end_provisional(received_on, 10)
    deadline_open(
        case=case,
        kind=EnforcementDeadline.EXECUTION_NOTICE,
        label="发出执行通知书（收到申请之日起10日内）",
        starts_on=received_on,
        due_on=notice_due.day,
        provisional=notice_due.provisional,
        legal_basis=rules.BASIS_NOTICE_10_DAYS,
    )
    deadline_open(
        case=case,
        kind=EnforcementDeadline.PROPERTY_REPORT_ORDER,
        label="发出报告财产令（与执行通知书同时发出）",
        starts_on=received_on,
        due_on=notice_due.day,
        provisional=notice_due.provisional,
        legal_basis=rules.BASIS_REPORT_ORDER,
    )


_PARTY_FIELDS = ("kind", "name", "id_type", "id_number", "phone", "address")


@transaction.atomic
def enforcement_file_with_parties(
    *,
    court: Court,
    basis: ExecutionBasisIn,
    applicants: Sequence[dict[str, Any]],
    respondents: Sequence[dict[str, Any]],
    actor: User | None,
    now: datetime,
    **options: Any,
) -> Case:
    """Find or create the parties (identities validated, GB 11643 / GB 32100) and file the case
    with :func:`enforcement_file`, all or nothing. Each party is a mapping with ``kind``, ``name``,
    ``id_type``, ``id_number`` and optionally ``phone`` and ``address``; a respondent marked
    ``guarantor`` (the filing forms' 担保人 box) is filed as a guarantor."""
    if actor is not None:
        require(actor, "case.file", court=court)
    if not applicants or not respondents:
        raise InvalidFiling("申请执行人和被执行人均不能为空。")

    def upsert(p: dict[str, Any]) -> Party:
        v = {k: str(p.get(k) or "") for k in _PARTY_FIELDS}
        return party_upsert(
            kind=v["kind"],
            name=v["name"],
            id_type=v["id_type"],
            id_number=v["id_number"],
            now=now,
            phone=v["phone"],
            address=v["address"],
        )

    debtors = [(upsert(p), bool(p.get("guarantor"))) for p in respondents]
    return enforcement_file(
        court=court,
        basis=basis,
        applicants=[upsert(p) for p in applicants],
        respondents=[p for p, _ in debtors],
        guarantors=[p for p, guarantor in debtors if guarantor],
        actor=actor,
        now=now,
        **options,
    )


@transaction.atomic
def enforcement_accept(*, case: Case, actor: User, now: datetime) -> Case:
    """Accept an online application (立案): the case is numbered already; it is filed now,
    triaged, assigned and its time limit starts (审限规定 2000 arts. 5–6)."""
    locked, ec = _guard(case, "accept", actor)
    case_status_change(
        case=locked,
        allowed_from=ACTIONS["accept"].allowed_from,
        to_status=status_after("accept"),
        kind=EnforcementEvent.ACCEPTED,
        summary="网上执行申请审查通过，立案受理",
        actor=actor,
        now=now,
        legal_basis=rules.BASIS_FILING_7_DAYS,
        filed_at=now,
    )
    locked.refresh_from_db()
    _start_after_filing(case=locked, ec=ec, actor=actor, now=now)
    case.refresh_from_db()
    return case


def _start_after_filing(*, case: Case, ec: EnforcementCase, actor: User | None, now: datetime) -> None:
    deadline_complete(case=case, kind=EnforcementDeadline.FILING, now=now)
    result = triage_score(case=case, ec=ec)
    ec.track = result.track
    ec.triage_score = result.score
    ec.triage_reasons = result.reasons
    ec.time_limit_starts_on = _today(case.filed_at or now)
    ec.save(update_fields=["track", "triage_score", "triage_reasons", "time_limit_starts_on"])
    case_enforcement_track_set(case=case, track=ec.track)
    case_event_record(
        case=case,
        kind=EnforcementEvent.TRIAGED,
        summary=f"繁简分流：{ec.get_track_display()}（评分{result.score}）",
        actor=actor,
        now=now,
        data={"score": result.score, "track": result.track, "reasons": result.reasons},
    )
    _assign(case=case, track=result.track, actor=actor, now=now)
    _time_limit_refresh(case=case, ec=ec, now=now)
