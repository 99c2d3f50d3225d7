"""Every menu entry leads somewhere, and each role finds its own work in its menu."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lastmile.accounts.models import Role
from lastmile.testing.factories import UserFactory
from lastmile.web.context_processors import NAV

pytestmark = pytest.mark.django_db


def test_every_menu_entry_resolves():
    for _label, name, _cap in NAV:
        reverse(name)  # a missing page would hide the entry from everyone


@pytest.mark.parametrize(
    ("role", "entries"),
    [
        (Role.FINANCE, {"执行案款"}),
        (Role.LEADER, {"执行案款", "指挥中心"}),
        (Role.ENFORCEMENT_JUDGE, {"执行案件", "查控指令", "批量文书"}),
        (Role.FILING_CLERK, {"批量立案"}),
    ],
)
def test_each_role_reaches_its_work_from_the_menu(client, yuelu, role, entries):
    client.force_login(UserFactory(court=yuelu, role=role, username=f"nav_{role}"))
    page = client.get(reverse("web:workbench")).content.decode()
    for label in entries:
        assert f">{label}</a>" in page, (role, label)
    assert client.get(reverse("ledger:unclaimed")).status_code == (200 if "执行案款" in entries else 403)
