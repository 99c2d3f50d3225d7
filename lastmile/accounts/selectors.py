"""Reads for courts and staff, scoped to the actor's court."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Court, Role, User


def court_get_by_code(*, code: str) -> Court:
    return Court.objects.get(code=code)


def court_staff(*, court: Court, roles: list[str] | None = None) -> QuerySet[User]:
    qs = User.objects.filter(court=court, is_active=True)
    if roles:
        qs = qs.filter(role__in=roles)
    return qs.order_by("username")


def court_presidents(*, court: Court) -> QuerySet[User]:
    return User.objects.filter(court=court, is_active=True, is_president=True)


ENFORCEMENT_ROLES = [Role.ENFORCEMENT_JUDGE, Role.ENFORCEMENT_OFFICER]
