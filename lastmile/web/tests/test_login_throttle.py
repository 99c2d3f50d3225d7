"""Login throttling, on the staff login and on the party portal login: after N wrong passwords for
a username (or M from one address) within the window, both are locked out with the remaining wait
in Chinese, even with the right password; a correct password resets the username's count."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lastmile.accounts.models import Role
from lastmile.portal.services import portal_account_create
from lastmile.testing.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-123456"


@pytest.fixture
def throttle(settings):
    settings.LASTMILE = {
        **settings.LASTMILE,
        "LOGIN_THROTTLE": {
            "MAX_FAILURES": 3,
            "MAX_FAILURES_PER_ADDRESS": 6,
            "WINDOW_SECONDS": 600,
            "LOCKOUT_SECONDS": 900,
        },
    }


@pytest.fixture
def staff(yuelu):
    return UserFactory(court=yuelu, role=Role.ENFORCEMENT_JUDGE, username="yl_zhifa")


@pytest.fixture
def party_user(now):
    return portal_account_create(
        party=OrganisationFactory(), username="bank_agent", password=PASSWORD, now=now
    ).user


def _login(client, url, username, password, addr="198.51.100.20"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=addr)


@pytest.mark.parametrize(
    ("url_name", "who"),
    [("web:login", "staff"), ("portal:party_login", "party_user")],
    ids=["staff", "party"],
)
def test_wrong_passwords_lock_the_account_with_the_remaining_wait(
    request, client, throttle, clock, url_name, who
):
    user = request.getfixturevalue(who)
    url = reverse(url_name)
    for _ in range(2):
        r = _login(client, url, user.username, "wrong")
        assert r.status_code == 200 and "用户名或密码错误" in r.content.decode()
    third = _login(client, url, user.username, "wrong")
    assert third.status_code == 429
    assert "剩余等待时间：15分0秒" in third.content.decode()
    # the right password is refused too while the lock lasts, from any address
    clock.advance(minutes=5)
    locked = _login(client, url, user.username, PASSWORD, addr="203.0.113.50")
    assert locked.status_code == 429 and "剩余等待时间：10分0秒" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # once the lock has run out, the right password works
    clock.advance(minutes=10, seconds=1)
    ok = _login(client, url, user.username, PASSWORD)
    assert ok.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)


def test_a_successful_login_resets_the_count(client, throttle, clock, staff):
    url = reverse("web:login")
    for _ in range(2):
        _login(client, url, staff.username, "wrong")
    assert _login(client, url, staff.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        assert _login(client, url, staff.username, "wrong").status_code == 200  # counted from zero again
    assert _login(client, url, staff.username, PASSWORD).status_code == 302


def test_one_address_spraying_many_usernames_is_locked(client, throttle, clock, staff):
    url = reverse("web:login")
    codes = [_login(client, url, f"guess{i}", "wrong", addr="192.0.2.66").status_code for i in range(6)]
    assert codes == [200] * 5 + [429]
    # the real user elsewhere is not affected; the spraying address is, even for a real account
    assert _login(client, url, staff.username, PASSWORD, addr="192.0.2.67").status_code == 302
    client.logout()
    assert _login(client, url, staff.username, PASSWORD, addr="192.0.2.66").status_code == 429


def test_unknown_usernames_are_throttled_like_real_ones(client, throttle, clock):
    url = reverse("portal:party_login")
    codes = [_login(client, url, "nobody", "wrong").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
