"""Real-name sign-up of a natural person: ID checked by the kernel, phone confirmed by a one-time
code sent through the service adapter, account linked only to the party whose ID matches."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from lastmile.core.errors import ConditionsNotMet, Conflict, InvalidIdentifier, PermissionDenied
from lastmile.parties.identity import resident_id_verify
from lastmile.parties.models import ElectronicAddress, Party
from lastmile.portal.models import PhoneCode, PortalAccount
from lastmile.portal.services_signup import SignupIn, party_signup, phone_code_send
from lastmile.service.adapters import SimulatedServiceAdapter
from lastmile.testing.factories import PersonFactory, make_resident_id

pytestmark = pytest.mark.django_db

PHONE = "13807310001"
GOOD_ID = make_resident_id(birth="19850312", seq=123)
PASSWORD = "Xiangjiang-2025"


def _code(port: SimulatedServiceAdapter) -> str:
    match = re.search(r"验证码为(\d{6})", port.sent[-1].title)
    assert match, port.sent[-1].title
    return match.group(1)


def _signup(now, code: str, *, name="李春花", id_number=GOOD_ID, phone=PHONE, consent=False):
    return party_signup(
        data=SignupIn(
            name=name,
            id_number=id_number,
            phone=phone,
            code=code,
            password=PASSWORD,
            e_service_consent=consent,
        ),
        now=now,
    )


def test_the_kernel_checks_checksum_birth_date_and_region(now):
    today = now.date()
    assert resident_id_verify("11010519491231002X", today=today).number == "11010519491231002X"
    with pytest.raises(InvalidIdentifier, match="校验位"):
        resident_id_verify("110105194912310021", today=today)
    with pytest.raises(InvalidIdentifier, match="出生日期"):
        resident_id_verify(make_resident_id(birth="19850230"), today=today)
    with pytest.raises(InvalidIdentifier, match="出生日期"):
        resident_id_verify(make_resident_id(birth="20990101"), today=today)
    with pytest.raises(InvalidIdentifier, match="地址码"):
        resident_id_verify(make_resident_id(region="990101"), today=today)
    with pytest.raises(InvalidIdentifier, match="18位"):
        resident_id_verify("110105491231002", today=today)


def test_code_goes_through_the_adapter_and_only_its_digest_is_kept(now):
    port = SimulatedServiceAdapter()
    row = phone_code_send(phone="138-0731-0001", now=now, port=port)
    assert [(m.channel, m.address) for m in port.sent] == [("sms", PHONE)]
    code = _code(port)
    assert code not in row.digest and row.phone == PHONE
    assert row.expires_at == now + timedelta(minutes=10)


def test_codes_are_throttled_per_number(now):
    port = SimulatedServiceAdapter()
    phone_code_send(phone=PHONE, now=now, port=port)
    with pytest.raises(Conflict, match="秒后"):
        phone_code_send(phone=PHONE, now=now + timedelta(seconds=30), port=port)
    for i in range(1, 5):
        phone_code_send(phone=PHONE, now=now + timedelta(minutes=2 * i), port=port)
    with pytest.raises(Conflict, match="过于频繁"):
        phone_code_send(phone=PHONE, now=now + timedelta(minutes=12), port=port)
    assert PhoneCode.objects.filter(phone=PHONE).count() == 5
    phone_code_send(phone=PHONE, now=now + timedelta(minutes=61), port=port)  # the hour has passed


def test_a_refused_sms_keeps_no_code(now):
    port = SimulatedServiceAdapter(fail=[PHONE])
    with pytest.raises(ConditionsNotMet, match="发送失败"):
        phone_code_send(phone=PHONE, now=now, port=port)
    assert not PhoneCode.objects.exists()


def test_sign_up_creates_the_party_and_its_account(now):
    port = SimulatedServiceAdapter()
    phone_code_send(phone=PHONE, now=now, port=port)
    account = _signup(now, _code(port), consent=True)
    party = account.party
    assert (party.name, party.id_number, party.phone, party.kind) == ("李春花", GOOD_ID, PHONE, "person")
    assert account.user.username == PHONE and account.user.check_password(PASSWORD)
    assert account.user.role == "" and account.user.court_id is None and account.verified_at == now
    address = ElectronicAddress.objects.get(party=party, channel="sms")
    assert (address.address, address.consent_kind, address.confirmed) == (PHONE, "express", True)
    assert PhoneCode.objects.get().used_at == now
    # The code is spent: it cannot open a second account.
    with pytest.raises((ConditionsNotMet, Conflict)):
        _signup(now, _code(port), phone=PHONE)


def test_sign_up_links_to_the_existing_party_with_that_id(now):
    borrower = PersonFactory(name="李春花", id_number=GOOD_ID, phone=PHONE)
    port = SimulatedServiceAdapter()
    phone_code_send(phone=PHONE, now=now, port=port)
    account = _signup(now, _code(port))
    assert account.party_id == borrower.pk
    assert Party.objects.count() == 1


def test_never_linked_to_someone_elses_party(now):
    PersonFactory(name="李春花", id_number=GOOD_ID, phone="13900000000")
    port = SimulatedServiceAdapter()
    phone_code_send(phone=PHONE, now=now, port=port)
    code = _code(port)
    with pytest.raises(ConditionsNotMet, match="验证码错误"):
        _signup(now, "000000" if code != "000000" else "111111", name="张三")  # no code, no answer
    with pytest.raises(PermissionDenied, match="姓名与身份证号码不一致"):
        _signup(now, code, name="张三")
    with pytest.raises(ConditionsNotMet, match="已失效"):
        _signup(now, code)  # a refused identity spent the code: one probe per SMS
    phone_code_send(phone=PHONE, now=now + timedelta(minutes=2), port=port)
    with pytest.raises(PermissionDenied, match="手机号码与法院登记的联系电话不一致"):
        _signup(now + timedelta(minutes=2), _code(port))
    assert not PortalAccount.objects.exists()


def test_one_account_per_person(now):
    borrower = PersonFactory(name="李春花", id_number=GOOD_ID, phone=PHONE)
    PortalAccount.objects.create(
        user=get_user_model().objects.create(username="earlier"), party=borrower, verified_at=now
    )
    port = SimulatedServiceAdapter()
    phone_code_send(phone=PHONE, now=now, port=port)
    with pytest.raises(Conflict, match="已注册账号"):
        _signup(now, _code(port))


def test_wrong_codes_are_counted_and_the_code_then_spent(now):
    port = SimulatedServiceAdapter()
    phone_code_send(phone=PHONE, now=now, port=port)
    good = _code(port)
    wrong = "000000" if good != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(ConditionsNotMet, match=f"还可尝试{left}次"):
            _signup(now, wrong)
    with pytest.raises(ConditionsNotMet, match="错误次数过多"):
        _signup(now, wrong)
    with pytest.raises(ConditionsNotMet, match="错误次数过多"):
        _signup(now, good)  # even the right code, once the tries are used up
    assert not PortalAccount.objects.exists() and not Party.objects.exists()


def test_an_expired_code_is_refused(now):
    port = SimulatedServiceAdapter()
    phone_code_send(phone=PHONE, now=now, port=port)
    with pytest.raises(ConditionsNotMet, match="已失效"):
        _signup(now + timedelta(minutes=11), _code(port))
    assert not PortalAccount.objects.exists()


def test_bad_id_or_phone_or_password_is_refused_in_chinese(now):
    port = SimulatedServiceAdapter()
    phone_code_send(phone=PHONE, now=now, port=port)
    code = _code(port)
    with pytest.raises(InvalidIdentifier, match="校验位"):
        _signup(now, code, id_number=GOOD_ID[:17] + ("0" if GOOD_ID[17] != "0" else "1"))
    with pytest.raises(InvalidIdentifier, match="手机号码"):
        _signup(now, code, phone="12345")
    with pytest.raises(InvalidIdentifier, match="密码"):
        party_signup(
            data=SignupIn(name="李春花", id_number=GOOD_ID, phone=PHONE, code=code, password="123"), now=now
        )
    assert not PortalAccount.objects.exists() and not Party.objects.exists()


@pytest.fixture
def outbox(settings):
    """Route the service adapter to a recording one whose messages a test can read."""
    from lastmile.portal.tests import outbox as box

    box.OUTBOX.clear()
    settings.LASTMILE = {
        **settings.LASTMILE,
        "COURT_CASES": {
            **settings.LASTMILE.get("COURT_CASES", {}),
            "SERVICE_ADAPTER": "lastmile.portal.tests.outbox.OutboxAdapter",
        },
    }
    return box.OUTBOX


def test_sign_up_page_sends_the_code_and_registers(client, outbox, clock):
    url = reverse("portal:party_signup")
    assert "实名注册" in client.get(url).content.decode()
    form = {
        "name": "李春花",
        "id_number": GOOD_ID,
        "phone": PHONE,
        "password": PASSWORD,
        "password2": PASSWORD,
    }
    page = client.post(url, {**form, "action": "code"}).content.decode()
    assert "验证码已发送至138****0001" in page
    code = re.search(r"验证码为(\d{6})", outbox[-1].title).group(1)  # type: ignore[union-attr]
    page = client.post(url, {**form, "action": "signup", "code": "999999" if code != "999999" else "0"})
    assert "验证码错误" in page.content.decode() and not PortalAccount.objects.exists()
    response = client.post(url, {**form, "action": "signup", "code": code})
    assert response.status_code == 302 and response["Location"] == reverse("portal:party_home")
    assert "我的案件" in client.get(reverse("portal:party_home")).content.decode()  # logged in


def test_sign_up_page_shows_a_bad_id_in_chinese(client, outbox, clock):
    page = client.post(
        reverse("portal:party_signup"),
        {
            "action": "signup",
            "name": "李春花",
            "id_number": "110105194912310021",
            "phone": PHONE,
            "code": "123456",
            "password": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert page.status_code == 200 and "身份证号码校验位错误" in page.content.decode()


def test_sign_up_page_is_rate_limited_per_address(client, outbox, clock, settings):
    settings.LASTMILE = {**settings.LASTMILE, "PORTAL": {"SIGNUP_PER_ADDRESS_PER_HOUR": 2}}
    url = reverse("portal:party_signup")
    for phone in ("13807310001", "13807310002"):
        assert client.post(url, {"action": "code", "phone": phone}).status_code == 200
    response = client.post(url, {"action": "code", "phone": "13807310003"})
    assert response.status_code == 429 and "操作过于频繁" in response.content.decode()
    assert len(outbox) == 2


def test_sign_up_page_refuses_a_bad_phone_without_judging_the_rest(client, outbox, clock):
    response = client.post(
        reverse("portal:party_signup"), {"action": "code", "phone": "12345", "name": "李春花"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "请填写正确的11位手机号码" in page and "李春花" in page
    assert outbox == []
