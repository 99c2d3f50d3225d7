# ruff: noqa: S311  (a seeded simulation, not cryptography)
"""The simulated court's staff: its departments, the two enforcement teams and the people who
work the year (created through the accounts service when missing; existing staff are reused)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from lastmile.accounts.models import Court, Role, TeamKind, User
from lastmile.accounts.services import department_ensure, staff_create, team_ensure
from lastmile.simulation.plans import GIVEN, STAFF, SURNAMES


@dataclass
class Staff:
    clerk: User
    president: User
    finance: User
    judges: list[User]
    officers: list[User]


def staff_ensure(court: Court, prefix: str) -> Staff:
    """The court's departments, the two enforcement teams and the simulation's staff (created
    through the accounts service when missing; existing staff are reused)."""
    dept_exec = department_ensure(court=court, name="执行局")
    dept_file = department_ensure(court=court, name="立案庭")
    teams = {
        "fast": team_ensure(court=court, name="快执团队", kind=TeamKind.FAST_TRACK, department=dept_exec),
        "complex": team_ensure(court=court, name="精执团队", kind=TeamKind.COMPLEX, department=dept_exec),
    }

    def ensure(username: str, name: str, role: str, **kw: Any) -> User:
        user = User.objects.filter(username=username).first()
        return user or staff_create(court=court, username=username, display_name=name, role=role, **kw)

    rng = random.Random(f"staff-{court.code}")
    judges: list[User] = []
    officers: list[User] = []
    for track, n in STAFF.items():
        for i in range(n):
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
            role = Role.ENFORCEMENT_JUDGE if i % 3 == 0 else Role.ENFORCEMENT_OFFICER
            user = ensure(f"{prefix}_{track}{i + 1:02d}", name, role, department=dept_exec, team=teams[track])
            (judges if role == Role.ENFORCEMENT_JUDGE else officers).append(user)
    ensure(f"{prefix}_admin", "系统管理员", Role.ADMIN)
    return Staff(
        clerk=ensure(f"{prefix}_clerk", "立案窗口", Role.FILING_CLERK, department=dept_file),
        president=ensure(f"{prefix}_president", "院长", Role.LEADER, is_president=True),
        finance=ensure(f"{prefix}_finance", "财务", Role.FINANCE),
        judges=judges,
        officers=officers,
    )
