"""The payee's bank account on a payout: what can be checked, and what cannot.

Only a bank card carries a check digit: card numbers follow ISO/IEC 7812-1 (an issuer prefix,
16 to 19 digits in China, the last digit a Luhn check digit; UnionPay cards start with 62, Visa
with 4, Mastercard with 5). A corporate settlement account (单位银行结算账户) or a passbook account
has no published check digit and its length differs from bank to bank: it is recorded as given
and shown as 未校验, never reported as verified. Every number is digits only, 8 to 30 long.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lastmile.core.errors import InvalidAmount

from ..models import PayeeAccountKind
from .accounts import luhn_valid

_SEPARATORS = re.compile(r"[\s-]+")
_CARD_PREFIX = re.compile(r"^(62|4|5)")


@dataclass(frozen=True)
class CheckedAccount:
    number: str
    kind: str
    checked: bool  # True only when a check digit was verified

    @property
    def check_label(self) -> str:
        return "已校验（银行卡校验位）" if self.checked else "未校验"


def looks_like_card(number: str) -> bool:
    return 16 <= len(number) <= 19 and bool(_CARD_PREFIX.match(number))


def payee_account_check(*, number: str, kind: str = "", payee_is_person: bool = False) -> CheckedAccount:
    """Normalise and check a payee account. ``kind`` is a :class:`PayeeAccountKind` or empty: then a
    natural person's card-like number (16–19 digits starting 62, 4 or 5) is taken for a bank card.
    A bank card whose Luhn digit fails is refused (nothing is written); any other account is
    recorded unchecked. Raises :class:`InvalidAmount` with a Chinese message."""
    digits = _SEPARATORS.sub("", number or "")
    if not digits:
        raise InvalidAmount("请填写收款账号。")
    if not digits.isdigit():
        raise InvalidAmount("收款账号只能由数字组成。", details={"account": number})
    if not 8 <= len(digits) <= 30:
        raise InvalidAmount("收款账号应为8至30位数字。", details={"account": number})
    if kind and kind not in PayeeAccountKind.values:
        raise InvalidAmount("账户类型无法识别。", details={"kind": kind})
    if not kind:
        kind = (
            PayeeAccountKind.PERSONAL_CARD
            if payee_is_person and looks_like_card(digits)
            else PayeeAccountKind.OTHER
            if payee_is_person
            else PayeeAccountKind.CORPORATE
        )
    if kind == PayeeAccountKind.PERSONAL_CARD:
        if not 16 <= len(digits) <= 19:
            raise InvalidAmount("个人银行卡号应为16至19位。", details={"account": number})
        if not luhn_valid(digits):
            raise InvalidAmount(
                "银行卡号校验位不符（ISO/IEC 7812），请核对卡号；如为存折等其他账户，请选择相应的账户类型。",
                details={"account": number},
            )
        return CheckedAccount(digits, kind, True)
    return CheckedAccount(digits, kind, False)
