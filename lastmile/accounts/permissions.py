"""What each role may do, and the one check every service and selector calls.

Capabilities are plain strings (``"case.view"``) so that apps added later declare their own
without touching a central enum; :data:`ROLE_CAPABILITIES` is the single table that grants them.
Court scoping is separate and always applies: a capability never reaches another court's rows.

Two capabilities are held by a person, not by a role:

- ``approve.president`` (approvals the law reserves to the 院长, e.g. 民事诉讼法 2023 art. 119) is
  held by the 院长 (``User.is_president``) and, while a recorded :class:`PresidentDesignation` is in
  effect, by the deputy it names; never by every 院领导.
- ``control.deduct`` and ``control.release`` (扣划 and 解除冻结/查封) belong to the 执行法官: a
  划拨 is made by ruling (民事诉讼法 2023 art. 253) and so is a release (查封规定 2020 art. 28). The
  command center and an 执行员 may order inquiries and freezes, not these.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from lastmile.core.clock import get_clock
from lastmile.core.errors import PermissionDenied

from .models import PresidentDesignation, Role

if TYPE_CHECKING:
    from .models import Court, User

PRESIDENT_APPROVAL = "approve.president"

# Capabilities by role. Keep this table the only place that grants them.
_ALL_STAFF = {"case.view", "case.search", "workbench.view"}
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.FILING_CLERK: frozenset(_ALL_STAFF | {"case.file", "party.edit", "filing.batch"}),
    Role.MEDIATOR: frozenset(_ALL_STAFF | {"mediation.work", "party.edit", "service.work"}),
    Role.JUDGE: frozenset(_ALL_STAFF | {"trial.work", "document.issue", "service.work"}),
    Role.ENFORCEMENT_JUDGE: frozenset(
        _ALL_STAFF
        | {
            "enforcement.work",
            "enforcement.decide",
            "measure.propose",
            "inquiry.order",
            "control.deduct",
            "control.release",
            "document.issue",
            "party.edit",
            "service.work",
        }
    ),
    Role.ENFORCEMENT_OFFICER: frozenset(
        _ALL_STAFF
        | {
            "enforcement.work",
            "measure.propose",
            "inquiry.order",
            "party.edit",
            "document.issue",
            "service.work",
        }
    ),
    Role.COMMAND_CENTER: frozenset(
        _ALL_STAFF | {"inquiry.order", "alerts.view", "stats.view", "enforcement.dispatch"}
    ),
    Role.FINANCE: frozenset(_ALL_STAFF | {"funds.view", "funds.manage"}),
    Role.LEADER: frozenset(_ALL_STAFF | {"stats.view", "alerts.view", "funds.view", "enforcement.dispatch"}),
    Role.ADMIN: frozenset(_ALL_STAFF | {"config.edit", "stats.view", "staff.manage"}),
}


def designation_in_effect(user: User | Any, *, now: datetime | None = None) -> PresidentDesignation | None:
    """The recorded designation that lets ``user`` approve for the 院长 at ``now``, if any.

    Only a 院领导 of the designating 院长's own court can be a deputy."""
    court_id: int | None = getattr(user, "court_id", None)
    if getattr(user, "role", "") != Role.LEADER or court_id is None:
        return None
    at = now or get_clock().now()
    return (
        PresidentDesignation.objects.filter(
            deputy_id=user.pk, court_id=court_id, valid_from__lte=at, valid_until__gt=at
        )
        .filter(Q(revoked_at__isnull=True) | Q(revoked_at__gt=at))
        .order_by("-valid_from")
        .first()
    )


def capabilities_of(user: User | Any, *, now: datetime | None = None) -> frozenset[str]:
    """The capabilities an account holds at ``now`` (default: the edge clock): its role's, plus
    院长 approval when it is the 院长 or a deputy designated for the moment."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    caps = set(ROLE_CAPABILITIES.get(user.role, frozenset()))
    if getattr(user, "is_president", False) or designation_in_effect(user, now=now) is not None:
        caps.add(PRESIDENT_APPROVAL)
    return frozenset(caps)


def actor_can(user: User | Any, capability: str, *, now: datetime | None = None) -> bool:
    if capability == PRESIDENT_APPROVAL:
        return capability in capabilities_of(user, now=now)
    # Role capabilities do not depend on time: skip the designation lookup.
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return capability in ROLE_CAPABILITIES.get(user.role, frozenset())


def require(
    user: User | Any, capability: str, *, court: Court | None = None, now: datetime | None = None
) -> None:
    """Raise :class:`PermissionDenied` unless ``user`` holds ``capability`` (in ``court``, at ``now``)."""
    if not actor_can(user, capability, now=now):
        raise PermissionDenied("您没有执行此操作的权限。", details={"capability": capability})
    if court is not None and user.court_id != court.pk:
        raise PermissionDenied("不能操作其他法院的案件或数据。", details={"court": court.code})
