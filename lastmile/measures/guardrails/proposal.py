"""What the guardrails are asked and what they answer: a :class:`Proposal` (the measure someone
wants to take, with the facts the rules need) and its :class:`Evaluation` (a verdict and each
:class:`Reason` with its legal basis), the errors a refused or unacknowledged evaluation raises,
and the kinds of act beyond the measures that the guardrails also judge."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from lastmile.cases.models import Case
from lastmile.core.errors import DomainError
from lastmile.core.legal import LegalBasis
from lastmile.parties.models import Party

from ..error_codes import GuardrailReason, MeasureErrorCode
from ..models import MeasureKind

Verdict = Literal["allowed", "warn", "refused"]

AUCTION_HOME = "auction_home"
VACATE = "vacate"
FREEZE_BASIC_ACCOUNT = "freeze_basic_account"
PUBLISH = "publish"
EXTRA_KINDS = (AUCTION_HOME, VACATE, FREEZE_BASIC_ACCOUNT, PUBLISH)

# Rules a 院长 may override in writing ("generally not", "unless the 院长 decides otherwise").
OVERRIDABLE = frozenset({GuardrailReason.CAMPUS_LOAN_STUDENT, GuardrailReason.ENTERPRISE_STRUGGLING})
CREDIT_KINDS = (MeasureKind.DISHONEST_LISTING, MeasureKind.CONSUMPTION_RESTRICTION)


class GuardrailRefused(DomainError):
    """A proposed measure was refused by a 善意文明执行 rule or a legal limit; nothing was written."""

    code = MeasureErrorCode.GUARDRAIL_REFUSED


class WarningsNotAcknowledged(DomainError):
    code = MeasureErrorCode.GUARDRAIL_WARNINGS_UNACKNOWLEDGED


@dataclass(frozen=True)
class Proposal:
    """A measure someone wants to take, with the facts the rules need."""

    kind: str
    case: Case
    subject: Party
    ground: int | None = None
    amount: Decimal | None = None
    days: int | None = None
    hours: int | None = None
    summons_count: int | None = None
    detention_may_follow: bool = False
    extension_years: int = 0
    security_amount: Decimal = Decimal("0")
    controlled_value: Decimal = Decimal("0")
    property_ref: str = ""
    # 失信规定 2017 art. 2: why a listing is extended by 1–3 years (see EXTENSION_FACTS).
    extension_fact: str = ""
    # 失信规定 2017 art. 4: the birth date when the debtor's ID does not carry one.
    birth_date: date | None = None
    # 民事诉讼法 2023 art. 114 ¶2; 民诉解释 2022 art. 482: the organisation debtor whose person
    # ``subject`` is reached, in ``capacity`` (rules.REACHING_CAPACITIES); ``responsibility`` is
    # the finding that makes a 直接责任人员 directly responsible.
    organisation: Party | None = None
    capacity: str = ""
    responsibility: str = ""


# 失信规定 2017 art. 2: the extension needs serious violence or threats (ground 2) or several
# dishonest acts.
EXTENSION_FACTS = {
    "violence": "以暴力、威胁方法妨碍、抗拒执行情节严重",
    "multiple": "具有多项失信行为",
}


@dataclass(frozen=True)
class Reason:
    code: GuardrailReason
    message: str
    basis: LegalBasis
    severity: Literal["refuse", "warn"]
    override: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "basis": self.basis.as_dict(),
            "basis_text": str(self.basis),
            "severity": self.severity,
            "override": self.override,
        }


@dataclass(frozen=True)
class Evaluation:
    verdict: Verdict
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    @property
    def refusals(self) -> list[Reason]:
        return [r for r in self.reasons if r.severity == "refuse"]

    @property
    def warnings(self) -> list[Reason]:
        return [r for r in self.reasons if r.severity == "warn"]

    def as_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "reasons": [r.as_dict() for r in self.reasons]}

    def raise_if_refused(self, **extra: Any) -> None:
        """Raise :class:`GuardrailRefused` naming each refusing rule and its legal basis;
        ``extra`` is added to the error's details (e.g. the measure a duplicate duplicates)."""
        if self.verdict == "refused":
            text = "；".join(f"{r.message}（{r.basis}）" for r in self.refusals)
            raise GuardrailRefused(f"不得采取该措施：{text}", details={**self.as_dict(), **extra})

    def require_acknowledged(self, acknowledged: bool) -> None:
        self.raise_if_refused()
        if self.verdict == "warn" and not acknowledged:
            text = "；".join(f"{r.message}（{r.basis}）" for r in self.warnings)
            raise WarningsNotAcknowledged(f"请确认以下风险提示后再提交：{text}", details=self.as_dict())
