"""Writes for courts and staff."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction

from lastmile.core.errors import ConditionsNotMet, InvalidTransition, NotFound, PermissionDenied

from .models import Court, Department, PresidentDesignation, Role, Team, TeamKind, User
from .permissions import require

COURTS_FILE = Path(__file__).parent / "data" / "courts.json"


@transaction.atomic
def courts_load(*, path: Path = COURTS_FILE) -> list[Court]:
    """Create or update courts from the court-code table (法〔2015〕137号 art. 12).

    Court codes are loaded, never computed: special courts break the GB/T 2260 rule
    (案号意见 arts. 5–6, 12; see docs/law.md). Parents must appear before their children in the file.
    """
    rows: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["courts"]
    courts: dict[str, Court] = {}
    for row in rows:
        parent_code = row.get("parent")
        parent = courts.get(parent_code) if parent_code else None
        if parent_code and parent is None:
            parent = Court.objects.get(code=parent_code)
        court, _ = Court.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "short_name": row.get("short_name", ""),
                "level": row["level"],
                "parent": parent,
                "admin_division_code": row.get("admin_division_code", ""),
                "address": row.get("address", ""),
            },
        )
        courts[court.code] = court
    return list(courts.values())


def court_phone_set(*, court: Court, phone: str) -> Court:
    """Record the court's telephone (printed under every page of its documents)."""
    Court.objects.filter(pk=court.pk).update(phone=phone.strip())
    court.phone = phone.strip()
    return court


def department_ensure(*, court: Court, name: str) -> Department:
    """The court's department called ``name``, created when missing."""
    department, _ = Department.objects.get_or_create(court=court, name=name)
    return department


def team_ensure(*, court: Court, name: str, kind: str, department: Department | None = None) -> Team:
    """The court's team called ``name``, created (of ``kind``, in ``department``) when missing."""
    team, _ = Team.objects.get_or_create(
        court=court, name=name, defaults={"kind": kind, "department": department}
    )
    return team


def party_login_create(*, username: str, display_name: str, password: str) -> User:
    """A login for a party outside the court: no court and no staff role (the portal links it to
    its party and scopes every read to that party's cases)."""
    user = User(username=username, display_name=display_name, role="")
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def staff_create(
    *,
    court: Court,
    username: str,
    display_name: str,
    role: str,
    password: str | None = None,
    department: Department | None = None,
    team: Team | None = None,
    is_president: bool = False,
    clerk: User | None = None,
) -> User:
    """Create a staff account in ``court`` with one role, or with none (``role=""``: an account that
    can do nothing, e.g. a 书记员 named on the documents of the judge it works with, ``User.clerk``).
    ``clerk``: the 书记员 this account works with."""
    if role and role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    user = User(
        username=username,
        display_name=display_name,
        court=court,
        role=role,
        department=department,
        team=team,
        is_president=is_president,
        is_staff=role == Role.ADMIN,
        clerk=clerk,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def president_designate(
    *,
    actor: User,
    deputy: User,
    valid_from: datetime,
    valid_until: datetime,
    legal_basis: str,
    reason: str,
    now: datetime,
) -> PresidentDesignation:
    """The 院长 designates a 院领导 of the same court to approve, from ``valid_from`` until
    ``valid_until``, what the law reserves to the 院长 (see :class:`PresidentDesignation`).

    Only the 院长 designates; the deputy must be an active 院领导 of the same court; the basis
    (e.g. the court's written authorisation) and the reason (e.g. the 院长's leave) are required.
    """
    if not (actor.is_authenticated and actor.is_active and actor.is_president and actor.court_id):
        raise PermissionDenied("只有院长可以指定代为审批的院领导。")
    if deputy.court_id != actor.court_id:
        raise NotFound("工作人员不存在。")
    if not deputy.is_active or deputy.role != Role.LEADER or deputy.is_president or deputy.pk == actor.pk:
        raise ConditionsNotMet("只能指定本院其他在职院领导代为审批。", unmet=["deputy"])
    unmet = [name for name, value in (("legal_basis", legal_basis), ("reason", reason)) if not value.strip()]
    if unmet:
        raise ConditionsNotMet("指定代为审批须写明依据和事由。", unmet=unmet)
    if valid_until <= valid_from:
        raise ConditionsNotMet("授权终止时间须晚于生效时间。", unmet=["valid_until"])
    if valid_until <= now:
        raise ConditionsNotMet("授权终止时间已过。", unmet=["valid_until"])
    return PresidentDesignation.objects.create(
        court_id=actor.court_id,
        deputy=deputy,
        designated_by=actor,
        valid_from=valid_from,
        valid_until=valid_until,
        legal_basis=legal_basis.strip()[:200],
        reason=reason.strip()[:200],
        created_at=now,
    )


@transaction.atomic
def president_designation_revoke(*, actor: User, designation_id: int, now: datetime) -> PresidentDesignation:
    """The 院长 ends a designation early; the row stays as the record of what was in effect."""
    if not (actor.is_authenticated and actor.is_active and actor.is_president and actor.court_id):
        raise PermissionDenied("只有院长可以撤销代为审批的指定。")
    d = (
        PresidentDesignation.objects.select_for_update()
        .filter(pk=designation_id, court_id=actor.court_id)
        .first()
    )
    if d is None:
        raise NotFound("指定记录不存在。")
    if d.revoked_at is not None or d.valid_until <= now:
        raise InvalidTransition("该指定已终止。")
    d.revoked_at = now
    d.revoked_by = actor
    d.save(update_fields=["revoked_at", "revoked_by"])
    return d


@transaction.atomic
def court_from_directory(*, code: str) -> Court:
    """The court with 法院代字 ``code``: the platform's row when it has one, else created from the
    court directory (its superior courts first), so a request may go to any court in China."""
    from .selectors import court_directory

    code = (code or "").strip()
    existing = Court.objects.filter(code=code).first()
    if existing is not None:
        return existing
    entry = court_directory().get(code)
    if entry is None:
        raise NotFound(f"法院代字“{code}”不在全国法院名录中。", details={"code": code})
    parent = court_from_directory(code=entry.parent) if entry.parent else None
    court, _ = Court.objects.get_or_create(
        code=entry.code,
        defaults={
            "name": entry.name,
            "level": entry.level,
            "parent": parent,
            "admin_division_code": entry.division,
        },
    )
    return court


# --- staff management by the court's 管理员 (staff.manage; issue M item 1) ------------------------------

MIN_PASSWORD = 8


def _manager(actor: User) -> Court:
    require(actor, "staff.manage")
    if actor.court is None:
        raise PermissionDenied("您没有所属法院。")
    return actor.court


def _own_staff(court: Court, user_id: int) -> User:
    user = User.objects.select_for_update().filter(pk=user_id, court=court).first()
    if user is None:
        raise NotFound("工作人员不存在。")
    return user


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ConditionsNotMet(f"密码至少{MIN_PASSWORD}位。", unmet=["password"])


@transaction.atomic
def staff_account_create(
    *,
    actor: User,
    username: str,
    display_name: str,
    role: str,
    password: str,
    department_id: int | None = None,
    team_id: int | None = None,
    clerk_id: int | None = None,
) -> User:
    """The 管理员 opens a staff account in the own court: one role (or none, for a 书记员 named on
    documents), its department and team, and the 书记员 who works with it."""
    court = _manager(actor)
    username = username.strip()
    if not username or not display_name.strip():
        raise ConditionsNotMet("请填写用户名和姓名。", unmet=["username", "display_name"])
    if role and role not in Role.values:
        raise ConditionsNotMet("岗位角色不存在。", unmet=["role"])
    if User.objects.filter(username=username).exists():
        raise ConditionsNotMet("该用户名已被使用。", unmet=["username"])
    _check_password(password)
    department = Department.objects.filter(pk=department_id, court=court).first() if department_id else None
    team = Team.objects.filter(pk=team_id, court=court).first() if team_id else None
    clerk = User.objects.filter(pk=clerk_id, court=court, is_active=True).first() if clerk_id else None
    if (department_id and department is None) or (team_id and team is None) or (clerk_id and clerk is None):
        raise NotFound("部门、团队或书记员不属于本院。")
    user = staff_create(
        court=court,
        username=username,
        display_name=display_name.strip(),
        role=role,
        password=password,
        department=department,
        team=team,
    )
    if clerk is not None:
        user.clerk = clerk
        user.save(update_fields=["clerk"])
    return user


@transaction.atomic
def staff_deactivate(*, actor: User, user_id: int) -> User:
    """The account can no longer log in; it stays as the record of what it did."""
    court = _manager(actor)
    user = _own_staff(court, user_id)
    if user.pk == actor.pk:
        raise ConditionsNotMet("不能停用自己的账号。", unmet=["self"])
    if not user.is_active:
        raise InvalidTransition("该账号已停用。")
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def staff_password_reset(*, actor: User, user_id: int, password: str) -> User:
    """The 管理员 sets a new password for a staff account of the own court."""
    court = _manager(actor)
    user = _own_staff(court, user_id)
    _check_password(password)
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def department_add(*, actor: User, name: str) -> Department:
    court = _manager(actor)
    if not name.strip():
        raise ConditionsNotMet("请填写部门名称。", unmet=["name"])
    return department_ensure(court=court, name=name.strip()[:64])


def team_add(*, actor: User, name: str, kind: str, department_id: int | None = None) -> Team:
    court = _manager(actor)
    if not name.strip():
        raise ConditionsNotMet("请填写团队名称。", unmet=["name"])
    if kind not in TeamKind.values:
        raise ConditionsNotMet("团队类型不存在。", unmet=["kind"])
    department = Department.objects.filter(pk=department_id, court=court).first() if department_id else None
    if department_id and department is None:
        raise NotFound("部门不属于本院。")
    return team_ensure(court=court, name=name.strip()[:64], kind=kind, department=department)


def court_phone_update(*, actor: User, phone: str) -> Court:
    """The 管理员 records the own court's telephone (printed under its documents)."""
    court = _manager(actor)
    if len(phone.strip()) > 32:
        raise ConditionsNotMet("电话号码过长。", unmet=["phone"])
    return court_phone_set(court=court, phone=phone)
