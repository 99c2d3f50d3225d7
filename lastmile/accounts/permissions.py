"""What each role may do, and the one check every service and selector calls.

Capabilities are plain strings (``"case.view"``) so that apps added later declare their own
without touching a central enum; :data:`ROLE_CAPABILITIES` is the single table that grants them.
Court scoping is separate and always applies: a capability never reaches another court's rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lastmile.core.errors import PermissionDenied

from .models import Role

if TYPE_CHECKING:
    from .models import Court, User

# Capabilities by role. Keep this table the only place that grants them.
_ALL_STAFF = {"case.view", "case.search", "workbench.view"}
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.FILING_CLERK: frozenset(_ALL_STAFF | {"case.file", "party.edit", "filing.batch"}),
    Role.MEDIATOR: frozenset(_ALL_STAFF | {"mediation.work", "party.edit"}),
    Role.JUDGE: frozenset(_ALL_STAFF | {"trial.work", "document.issue"}),
    Role.ENFORCEMENT_JUDGE: frozenset(
        _ALL_STAFF
        | {
            "enforcement.work",
            "enforcement.decide",
            "measure.propose",
            "inquiry.order",
            "document.issue",
            "party.edit",
        }
    ),
    Role.ENFORCEMENT_OFFICER: frozenset(
        _ALL_STAFF | {"enforcement.work", "measure.propose", "inquiry.order", "party.edit", "document.issue"}
    ),
    Role.COMMAND_CENTER: frozenset(
        _ALL_STAFF | {"inquiry.order", "alerts.view", "stats.view", "enforcement.dispatch"}
    ),
    Role.FINANCE: frozenset(_ALL_STAFF | {"funds.view", "funds.manage"}),
    Role.LEADER: frozenset(
        _ALL_STAFF | {"stats.view", "alerts.view", "approve.president", "funds.view", "enforcement.dispatch"}
    ),
    Role.ADMIN: frozenset(_ALL_STAFF | {"config.edit", "stats.view", "staff.manage"}),
}


def capabilities_of(user: User | Any) -> frozenset[str]:
    """The capabilities an account holds: its role's, plus 院长 approval when it is the president."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    caps = set(ROLE_CAPABILITIES.get(user.role, frozenset()))
    if getattr(user, "is_president", False):
        caps.add("approve.president")
    return frozenset(caps)


def actor_can(user: User | Any, capability: str) -> bool:
    return capability in capabilities_of(user)


def require(user: User | Any, capability: str, *, court: Court | None = None) -> None:
    """Raise :class:`PermissionDenied` unless ``user`` holds ``capability`` (in ``court``)."""
    if not actor_can(user, capability):
        raise PermissionDenied("您没有执行此操作的权限。", details={"capability": capability})
    if court is not None and user.court_id != court.pk:
        raise PermissionDenied("不能操作其他法院的案件或数据。", details={"court": court.code})
