"""Real-name sign-up of a natural person (实名注册) on the party portal.

A person registers with their name, their resident ID number (checked by
:func:`lastmile.parties.identity.resident_id_verify`: check character, birth date, address code),
a mobile number confirmed by a one-time code sent through the service adapter
(:mod:`lastmile.service.ports`), and a password. The account is linked to the party the court
already holds under that ID number — only when the name matches and, if the court has phone
numbers on record for that party, the confirmed number is one of them — or to a new party.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.crypto import constant_time_compare, salted_hmac

from lastmile.accounts.models import User
from lastmile.core.clock import court_date
from lastmile.core.errors import ConditionsNotMet, Conflict, InvalidIdentifier, PermissionDenied
from lastmile.parties.identity import resident_id_verify
from lastmile.parties.models import ElectronicAddress, IdType, Party, PartyKind, ServiceChannel
from lastmile.parties.services import e_address_record, party_upsert
from lastmile.service.ports import ElectronicServicePort, OutgoingMessage, service_port

from .conf import portal_setting
from .models import PhoneCode, PortalAccount
from .services import portal_account_create

SIGNUP = "signup"
_PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
_CODE_RE = re.compile(r"^\d{6}$")


def phone_normalise(phone: str) -> str:
    """A mainland mobile number as 11 digits (spaces, dashes and a +86 prefix removed), or
    :class:`InvalidIdentifier`."""
    digits = re.sub(r"[\s\-]", "", phone or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    if not _PHONE_RE.match(digits):
        raise InvalidIdentifier("请填写正确的11位手机号码。")
    return digits


def _digest(phone: str, code: str) -> str:
    return salted_hmac("lastmile.portal.phone_code", f"{phone}:{code}", algorithm="sha256").hexdigest()


def phone_code_send(
    *, phone: str, now: datetime, port: ElectronicServicePort | None = None, purpose: str = SIGNUP
) -> PhoneCode:
    """Send a 6-digit one-time code to ``phone`` by SMS through the service adapter.

    Only a keyed digest is stored. One code per number per ``CODE_RESEND_SECONDS`` and at most
    ``CODE_MAX_PER_HOUR`` an hour (:class:`Conflict` otherwise); a send the SMS channel refuses
    raises :class:`ConditionsNotMet` and keeps nothing."""
    phone = phone_normalise(phone)
    recent = list(
        PhoneCode.objects.filter(phone=phone, purpose=purpose, sent_at__gt=now - timedelta(hours=1))
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
    )
    wait = int(portal_setting("CODE_RESEND_SECONDS"))
    if recent and (now - recent[0]).total_seconds() < wait:
        left = wait - int((now - recent[0]).total_seconds())
        raise Conflict(f"验证码已发送，请{left}秒后再获取。", details={"retry_after": left})
    if len(recent) >= int(portal_setting("CODE_MAX_PER_HOUR")):
        raise Conflict("该手机号码获取验证码过于频繁，请一小时后再试。")
    code = f"{secrets.randbelow(10**6):06d}"
    minutes = int(portal_setting("CODE_MINUTES"))
    failed = ""
    with transaction.atomic():
        row = PhoneCode.objects.create(
            phone=phone,
            purpose=purpose,
            digest=_digest(phone, code),
            sent_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        text = (
            f"【{portal_setting('SMS_SIGNATURE')}】您的验证码为{code}，用于诉讼服务门户实名注册，"
            f"{minutes}分钟内有效。如非本人操作，请忽略本短信。"
        )
        receipt = (port or service_port()).send(
            OutgoingMessage(
                channel=ServiceChannel.SMS,
                address=phone,
                case_number="",
                title=text,
                document_number="",
                document_sha256=hashlib.sha256(f"code:{row.pk}".encode()).hexdigest(),
            ),
            now=now,
        )
        if not receipt.accepted:
            transaction.set_rollback(True)  # the code that was not sent is not kept
            failed = receipt.error or "短信通道未受理"
    if failed:
        raise ConditionsNotMet(f"验证码短信发送失败：{failed}。请核对手机号码。", unmet=["sms"])
    return row


def _code_take(*, phone: str, code: str, now: datetime) -> PhoneCode:
    """The newest unused code of ``phone`` if ``code`` matches it. A wrong code counts one try
    (kept even though the sign-up is refused); after ``CODE_MAX_ATTEMPTS`` the code is spent."""
    code = (code or "").strip()
    limit = int(portal_setting("CODE_MAX_ATTEMPTS"))
    error = ""
    with transaction.atomic():
        row = (
            PhoneCode.objects.select_for_update()
            .filter(phone=phone, purpose=SIGNUP, used_at__isnull=True)
            .order_by("-sent_at", "-pk")
            .first()
        )
        if row is None or row.expires_at <= now:
            error = "验证码已失效，请重新获取。"
        elif row.attempts >= limit:
            error = "验证码错误次数过多，请重新获取。"
        elif not _CODE_RE.match(code) or not constant_time_compare(row.digest, _digest(phone, code)):
            PhoneCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
            left = limit - row.attempts - 1
            error = f"验证码错误，还可尝试{left}次。" if left > 0 else "验证码错误次数过多，请重新获取。"
    if error or row is None:
        raise ConditionsNotMet(error, unmet=["phone_code"])
    return row


def _phones_on_record(party: Party) -> set[str]:
    sms = ElectronicAddress.objects.filter(party=party, channel=ServiceChannel.SMS)
    numbers = [party.phone, *sms.values_list("address", flat=True)]
    known = set()
    for number in numbers:
        try:
            known.add(phone_normalise(number))
        except InvalidIdentifier:
            continue
    return known


#: Chinese words for the password validators' refusals (settings.AUTH_PASSWORD_VALIDATORS).
_PASSWORD_MESSAGES = {
    "password_too_short": "密码长度至少{min_length}位。",
    "password_too_similar": "密码与个人信息过于相似。",
    "password_too_common": "密码过于常见。",
    "password_entirely_numeric": "密码不能全部为数字。",
}


def _password_check(password: str) -> None:
    try:
        validate_password(password)
    except ValidationError as exc:
        words = [
            _PASSWORD_MESSAGES.get(e.code or "", "密码不符合要求。").format(**(e.params or {}))
            for e in exc.error_list
        ]
        raise InvalidIdentifier("".join(words) + "请重新设置密码。") from None


@dataclass(frozen=True)
class SignupIn:
    name: str
    id_number: str
    phone: str
    code: str
    password: str
    e_service_consent: bool = False


def party_signup(*, data: SignupIn, now: datetime) -> PortalAccount:
    """Register a natural person under their real name; returns the new portal account (its
    login name is the confirmed phone number).

    Refused with a Chinese message, and no account or party written, when: the ID number fails
    the check (GB 11643-1999, GB/T 2260); the password is too weak; the phone number is already
    a login; the code is wrong, expired or spent (a wrong code counts one try); the court holds
    that ID under another name, or for a party that already has an account, or with phone
    numbers among which the confirmed one is not (the code is then spent: the identity is only
    checked for the holder of the phone, one try per code). With ``e_service_consent`` the
    confirmed number becomes an electronic-service address with express consent (民事诉讼法 2023
    art. 90; 在线诉讼规则 2021 art. 29)."""
    name = re.sub(r"\s+", "", data.name or "")
    if not name:
        raise InvalidIdentifier("请填写姓名。")
    rid = resident_id_verify(data.id_number, today=court_date(now))
    phone = phone_normalise(data.phone)
    _password_check(data.password)
    if User.objects.filter(username=phone).exists():
        raise Conflict("该手机号码已注册，请直接登录。")
    # The code first: only the holder of the phone learns anything about the ID number, and a
    # refused identity spends the code, so each probe costs a (throttled) SMS.
    code = _code_take(phone=phone, code=data.code, now=now)
    existing = Party.objects.filter(id_type=IdType.RESIDENT_ID, id_number=rid.number).first()
    if existing is not None:
        try:
            _existing_party_check(existing, name=name, phone=phone)
        except (PermissionDenied, Conflict):
            PhoneCode.objects.filter(pk=code.pk, used_at__isnull=True).update(used_at=now)
            raise
    try:
        with transaction.atomic():
            if not PhoneCode.objects.filter(pk=code.pk, used_at__isnull=True).update(used_at=now):
                raise ConditionsNotMet("验证码已使用，请重新获取。", unmet=["phone_code"])
            if existing is not None:
                party = Party.objects.select_for_update().get(pk=existing.pk)
                _existing_party_check(party, name=name, phone=phone)
            else:
                party = party_upsert(
                    kind=PartyKind.PERSON,
                    name=name,
                    id_type=IdType.RESIDENT_ID,
                    id_number=rid.number,
                    phone=phone,
                    now=now,
                )
            if data.e_service_consent:
                e_address_record(
                    party=party,
                    channel=ServiceChannel.SMS,
                    address=phone,
                    now=now,
                    consent_kind="express",
                    confirmed=True,
                    renew_consent=True,
                )
            return portal_account_create(party=party, username=phone, password=data.password, now=now)
    except IntegrityError:
        # Another registration with the same ID or number committed first.
        raise Conflict("该身份证号码或手机号码已注册，请直接登录。") from None


def _existing_party_check(party: Party, *, name: str, phone: str) -> None:
    if party.kind != PartyKind.PERSON or re.sub(r"\s+", "", party.name) != name:
        raise PermissionDenied(
            "姓名与身份证号码不一致，请核对后重新填写。", details={"reason": "identity_mismatch"}
        )
    if PortalAccount.objects.filter(party=party).exists():
        raise Conflict("该身份证号码已注册账号，请直接登录；如忘记密码，请携带身份证到法院诉讼服务中心办理。")
    known = _phones_on_record(party)
    if known and phone not in known:
        raise PermissionDenied(
            "手机号码与法院登记的联系电话不一致。为保护您的信息，请使用登记的手机号码注册，"
            "或携带身份证到法院诉讼服务中心办理。",
            details={"reason": "phone_mismatch"},
        )
