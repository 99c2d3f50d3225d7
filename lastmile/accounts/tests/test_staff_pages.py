"""The 管理员's staff page (issue M item 1): staff of the own court only; open an account with its
role, department, team and 书记员; deactivate; reset a password; departments and teams; refusals
change nothing; no one else reaches it. ``courts_load`` is a command."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse

from lastmile.accounts.models import Court, Department, Role, Team, User
from lastmile.accounts.services import staff_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(yuelu):
    return staff_create(court=yuelu, role=Role.ADMIN, username="yl_admin", display_name="管理员")


def _act(client, **data):
    """The message the act left (the redirect is not followed, so earlier ones are still queued)."""
    r = client.post(reverse("accounts:staff_act"), data)
    return [str(m) for m in get_messages(r.wsgi_request)][-1:]


def test_the_admin_opens_an_account_that_logs_in_then_resets_and_deactivates_it(
    client, admin_user, yuelu, officer
):
    client.force_login(admin_user)
    assert "已就绪" in _act(client, action="department", name="执行局")[0]
    dept = Department.objects.get(court=yuelu, name="执行局")
    _act(client, action="team", name="快执一组", kind="fast_track", department=dept.pk)
    team = Team.objects.get(court=yuelu, name="快执一组")
    assert team.department == dept and team.kind == "fast_track"
    notes = _act(
        client,
        action="create",
        username="new_judge",
        display_name="李执行",
        role=Role.ENFORCEMENT_JUDGE,
        password="s3cret-pass",
        department=dept.pk,
        team=team.pk,
        clerk=officer.pk,
    )
    assert notes == ["已开设账号new_judge。"]
    user = User.objects.get(username="new_judge")
    assert (user.court, user.role, user.department, user.team, user.clerk) == (
        yuelu,
        Role.ENFORCEMENT_JUDGE,
        dept,
        team,
        officer,
    )
    page = client.get(reverse("accounts:staff"), {"q": "李执行"}).content.decode()
    assert "共 1 人" in page and "new_judge" in page
    assert client.login(username="new_judge", password="s3cret-pass")
    client.force_login(admin_user)
    assert _act(client, action="password", user=user.pk, password="short") == ["密码至少8位。"]
    _act(client, action="password", user=user.pk, password="another-pass")
    user.refresh_from_db()
    assert user.check_password("another-pass")
    _act(client, action="deactivate", user=user.pk)
    user.refresh_from_db()
    assert not user.is_active
    _act(client, action="phone", phone="0731-88888888")
    yuelu.refresh_from_db()
    assert yuelu.phone == "0731-88888888"


def test_refusals_change_nothing_and_other_courts_are_out_of_reach(client, admin_user, wuling, officer):
    client.force_login(admin_user)
    count = User.objects.count()
    assert _act(
        client, action="create", username="officer", display_name="重复", role="", password="12345678"
    ) == ["该用户名已被使用。"]
    stranger = staff_create(court=wuling, role=Role.JUDGE, username="wl_judge", display_name="外院")
    assert _act(client, action="deactivate", user=stranger.pk) == ["工作人员不存在。"]
    assert _act(client, action="deactivate", user=admin_user.pk) == ["不能停用自己的账号。"]
    stranger.refresh_from_db()
    assert stranger.is_active and User.objects.count() == count + 1
    assert stranger.username not in client.get(reverse("accounts:staff")).content.decode()
    # a judge is not the 管理员
    client.force_login(officer)
    assert client.get(reverse("accounts:staff")).status_code == 403
    assert "权限" in _act(client, action="department", name="x")[0]
    assert not Department.objects.filter(name="x").exists()


def test_courts_load_is_a_command():
    call_command("courts_load")
    assert Court.objects.filter(code="湘0104").exists()
