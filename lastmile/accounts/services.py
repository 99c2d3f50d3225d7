"""Writes for courts and staff."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from .models import Court, Department, Role, Team, User

COURTS_FILE = Path(__file__).parent / "data" / "courts.json"


@transaction.atomic
def courts_load(*, path: Path = COURTS_FILE) -> list[Court]:
    """Create or update courts from the court-code table (法〔2015〕137号 art. 12).

    Court codes are loaded, never computed: special courts break the GB/T 2260 rule
    (rules.md §1.2). Parents must appear before their children in the file.
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
) -> User:
    """Create a staff account in ``court`` with one role."""
    if role not in Role.values:
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
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user
