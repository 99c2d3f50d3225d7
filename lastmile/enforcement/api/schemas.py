"""Request and response schemas of the enforcement API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema


class PartyIn(Schema):
    kind: str  # "person" | "organisation"
    name: str
    id_type: str  # "resident_id" | "uscc" | "passport" | "other"
    id_number: str
    phone: str = ""
    address: str = ""


class CostIn(Schema):
    kind: str = "acceptance_fee"
    label: str
    amount: Decimal


class InstallmentIn(Schema):
    due_on: date
    amount: Decimal


class FilingIn(Schema):
    basis_kind: str
    basis_issuer: str
    basis_number: str
    effective_on: date
    performance_deadline: date | None = None
    basis_installments: list[InstallmentIn] = []
    principal: Decimal = Decimal("0")
    interest_kind: str = "none"
    interest_annual_rate: Decimal | None = None
    interest_lpr_multiple: Decimal | None = None
    interest_start: date | None = None
    costs: list[CostIn] = []
    non_money_acts: str = ""
    applicants: list[PartyIn]
    respondents: list[PartyIn]
    applied_on: date | None = None
    cause: str = ""
    known_assets: str = ""
    priority_claim: str = ""


class ConditionOut(Schema):
    key: str
    label: str
    met: bool
    detail: str


class EnforcementOut(Schema):
    id: int
    number: str
    type_code: str
    status: str
    status_label: str
    parent: str | None
    officer: str | None
    team: str | None
    channel: str
    basis_kind: str
    basis_issuer: str
    basis_number: str
    basis_effective_on: date
    performance_deadline: date | None
    principal: Decimal
    non_money_acts: str
    application_deadline: date
    late_application: bool
    track: str
    triage_score: int
    triage_reasons: list[str]
    time_limit_due_on: date | None
    extension_months: int
    closing_method: str
    closing_reason: str
    actions: list[str]
    zhongben_conditions: list[ConditionOut]


class CaseRowOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    track: str
    officer: str | None
    amount: Decimal | None
    received_at: datetime


class StepIn(Schema):
    kind: str
    done_on: date | None = None
    result: str = ""
    note: str = ""


class IdOut(Schema):
    id: int


class CaseRefOut(Schema):
    id: int
    number: str
    status: str


class PaymentIn(Schema):
    amount: Decimal
    idempotency_key: str
    source: str = "debtor_transfer"
    payer: str = ""
    paid_at: datetime | None = None
    note: str = ""


class PaymentReportOut(Schema):
    """An officer's 到账登记: ``pending`` until finance confirms it (then it counts)."""

    id: int
    amount: Decimal
    status: str
    paid_at: datetime
    outstanding: Decimal


class ConfirmIn(Schema):
    bank_reference: str = ""


class ReassignIn(Schema):
    reason: str
    track: str | None = None  # "fast" | "complex": changes the triage track
    officer_id: int | None = None  # the new 承办人


class OutstandingOut(Schema):
    outstanding: Decimal


class ReasonIn(Schema):
    reason: str = ""


class PauseIn(Schema):
    kind: str
    reason: str = ""
    started_on: date | None = None


class PauseEndIn(Schema):
    ended_on: date | None = None


class DecideIn(Schema):
    approve: bool
    note: str = ""


class ClueIn(Schema):
    kind: str
    description: str
    location: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    seen_at: datetime | None = None
    urgent: bool = False
    submitted_by: str = ""


class VerifyIn(Schema):
    valid: bool
    note: str


class EmergencyIn(Schema):
    team: str
    planned_at: datetime


class OutcomeIn(Schema):
    outcome: str


class AssistanceIn(Schema):
    kind: str
    to_court: str  # court code, e.g. "湘0702"
    matter: str


class ReplyIn(Schema):
    reply: str


class SettlementIn(Schema):
    agreed_on: date
    terms: str
    installments: list[InstallmentIn]


class InstallmentPayIn(Schema):
    amount: Decimal
    idempotency_key: str
    paid_on: date | None = None


class CloseIn(Schema):
    method: str
    reason: str = ""
    ground: str = ""
    confirm_full_performance: bool = False


class ZhongbenOpinionIn(Schema):
    signed_by: str
    content: str
    agrees: bool = True
    signed_on: date | None = None


class ZhongbenReviewIn(Schema):
    panel: str
    content: str
    signed_on: date | None = None


class RestoreIn(Schema):
    reason: str = ""
    clue_id: int | None = None


class RequeryIn(Schema):
    result: str
    note: str = ""


class ProgressOut(Schema):
    number: str
    court: str
    status: str
    status_label: str
    filed_on: date | None
    closing: str
    officer: dict[str, str]
    events: list[dict[str, Any]]
    next_steps: list[str]
