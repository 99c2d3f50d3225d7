"""What every enforcement action shares: the enforcement roles, the filing error and the guard
that locks the case and checks the transition table (:mod:`lastmile.enforcement.transitions`)."""

from __future__ import annotations

from datetime import datetime

from lastmile.accounts.models import Role, User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case, CaseStatus
from lastmile.cases.services import case_lock
from lastmile.core.errors import DomainError, InvalidTransition

from ..error_codes import EnforcementErrorCode
from ..models import EnforcementCase
from ..transitions import ACTIONS, action_allowed

ENFORCEMENT_ROLES = (Role.ENFORCEMENT_JUDGE, Role.ENFORCEMENT_OFFICER)


class InvalidFiling(DomainError):
    """The filing or form data is incomplete or inconsistent."""

    code = EnforcementErrorCode.INVALID_FILING


def _guard(
    case: Case, action: str, actor: User | None, *, now: datetime | None = None
) -> tuple[Case, EnforcementCase]:
    """Check capability (held at ``now``) and the transition table on the locked case; return the
    locked rows."""
    spec = ACTIONS[action]
    if actor is not None:
        require(actor, spec.capability, court=case.court, now=now)
    locked = case_lock(case)
    ec = EnforcementCase.objects.select_for_update().filter(case=locked).first()
    if ec is None:
        raise InvalidTransition("该案件不是执行实施案件。")
    if not action_allowed(action, status=locked.status, closing_method=ec.closing_method):
        state = locked.get_status_display()
        if locked.status == CaseStatus.CLOSED and ec.closing_method:
            state += f"（{ec.get_closing_method_display()}）"
        raise InvalidTransition(
            f"案件当前状态为“{state}”，不能{spec.label}。",
            details={"status": locked.status, "action": action},
        )
    return locked, ec
