"""The wire protocol between the platform and the institutions (banks, payment platforms,
registries): which institutions exist, what each answers, and how every message is signed.

Pure standard library, no Django: the institutions simulator imports it too, so both ends of
the wire share one definition.

A message is JSON sent over HTTP POST with four headers:

- ``X-Institution``: the institution's code (``icbc``, ``wechatpay``, …);
- ``X-Timestamp``: Unix seconds when the message was signed;
- ``X-Idempotency-Key``: the order id (platform → institution) or the message id
  (institution → platform); a repeat with the same key changes nothing;
- ``X-Signature``: hex HMAC-SHA256, with the institution's key, over
  ``METHOD \\n PATH \\n TIMESTAMP \\n IDEMPOTENCY-KEY \\n sha256(BODY)``.

A receiver refuses a stale timestamp (outside ±``max_skew`` seconds) with ``stale_timestamp``
and a wrong signature with ``bad_signature``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from .error_codes import InquiryErrorCode

__all__ = [
    "INSTITUTIONS",
    "Institution",
    "SignatureError",
    "canonical",
    "demo_key",
    "dumps",
    "institution",
    "sign",
    "signed_headers",
    "verify",
]

# Order kinds. ``seize`` is the registration of a seizure (查封登记) of a vehicle or real estate.
INQUIRE, FREEZE, DEDUCT, UNFREEZE, RENEW, SEIZE = "inquire", "freeze", "deduct", "unfreeze", "renew", "seize"
ORDER_KINDS = (INQUIRE, FREEZE, DEDUCT, UNFREEZE, RENEW, SEIZE)

# Asset kinds an inquiry can find.
DEPOSIT = "deposit"  # bank deposit, WeChat Pay / Alipay balance: money that can be frozen and deducted
SECURITIES = "securities"
VEHICLE = "vehicle"
REAL_ESTATE = "real_estate"
EQUITY = "equity"
PROVIDENT_FUND = "provident_fund"
SOCIAL_INSURANCE = "social_insurance"

MONEY_OPS = frozenset({INQUIRE, FREEZE, DEDUCT, UNFREEZE, RENEW})
REGISTRY_OPS = frozenset({INQUIRE, SEIZE, UNFREEZE, RENEW})


@dataclass(frozen=True)
class Institution:
    code: str
    name: str
    kind: str  # bank, payment, securities, vehicle_registry, real_estate_registry, enterprise_registry, fund
    ops: frozenset[str]
    channel: str  # 总对总 or 点对点 (网络查询冻结规定 2013; the channel names are practice)


INSTITUTIONS: tuple[Institution, ...] = (
    Institution("icbc", "中国工商银行", "bank", MONEY_OPS, "总对总"),
    Institution("ccb", "中国建设银行", "bank", MONEY_OPS, "总对总"),
    Institution("abc", "中国农业银行", "bank", MONEY_OPS, "总对总"),
    Institution("boc", "中国银行", "bank", MONEY_OPS, "总对总"),
    Institution("bankcs", "长沙银行", "bank", MONEY_OPS, "点对点"),
    Institution("hnrcu", "湖南农信", "bank", MONEY_OPS, "点对点"),
    Institution("wechatpay", "微信支付（财付通）", "payment", MONEY_OPS, "总对总"),
    Institution("alipay", "支付宝", "payment", MONEY_OPS, "总对总"),
    Institution("cfzq", "财信证券", "securities", MONEY_OPS, "总对总"),
    Institution("vehicle", "公安交管车辆登记", "vehicle_registry", REGISTRY_OPS, "总对总"),
    Institution("realestate", "不动产登记中心", "real_estate_registry", REGISTRY_OPS, "点对点"),
    Institution("samr", "市场监管（股权登记）", "enterprise_registry", REGISTRY_OPS, "总对总"),
    Institution("hpf", "住房公积金管理中心", "fund", frozenset({INQUIRE}), "点对点"),
    Institution("social", "社会保险经办机构", "fund", frozenset({INQUIRE}), "点对点"),
)
_BY_CODE = {i.code: i for i in INSTITUTIONS}


def institution(code: str) -> Institution:
    """The institution with ``code``; ``KeyError`` when unknown."""
    return _BY_CODE[code]


class SignatureError(Exception):
    """A message failed verification; ``code`` is ``bad_signature``, ``stale_timestamp`` or
    ``unknown_institution``."""

    def __init__(self, code: InquiryErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def demo_key(code: str) -> str:
    """The demo key of an institution: derived from a constant anyone can read, so it
    authenticates nothing. The simulator signs with it and the platform accepts it in demo mode
    only; production keys come from ``LASTMILE["INQUIRY"]["KEYS"]`` and the deploy check refuses a
    configured key equal to this one."""
    return hmac.new(b"lastmile-demo-institution-key", code.encode(), hashlib.sha256).hexdigest()


def dumps(payload: dict[str, Any]) -> bytes:
    """The JSON body as sent: UTF-8, no spaces, keys sorted (so a resend is byte-identical)."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def canonical(method: str, path: str, timestamp: str, key: str, body: bytes) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return "\n".join([method.upper(), path, timestamp, key, digest]).encode()


def sign(secret: str, method: str, path: str, timestamp: str, key: str, body: bytes) -> str:
    return hmac.new(
        secret.encode(), canonical(method, path, timestamp, key, body), hashlib.sha256
    ).hexdigest()


def signed_headers(
    *, institution_code: str, secret: str, method: str, path: str, key: str, body: bytes, now: float
) -> dict[str, str]:
    ts = str(int(now))
    return {
        "Content-Type": "application/json; charset=utf-8",
        "X-Institution": institution_code,
        "X-Timestamp": ts,
        "X-Idempotency-Key": key,
        "X-Signature": sign(secret, method, path, ts, key, body),
    }


def verify(
    *,
    secret: str | None,
    method: str,
    path: str,
    timestamp: str,
    key: str,
    body: bytes,
    signature: str,
    now: float,
    max_skew: int = 300,
) -> None:
    """Raise :class:`SignatureError` unless the message is fresh and correctly signed."""
    if secret is None:
        raise SignatureError(InquiryErrorCode.UNKNOWN_INSTITUTION, "未知的机构")
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        raise SignatureError(InquiryErrorCode.STALE_TIMESTAMP, "时间戳无效") from None
    if abs(now - ts) > max_skew:
        raise SignatureError(InquiryErrorCode.STALE_TIMESTAMP, "时间戳超出允许范围")
    if not key:
        raise SignatureError(InquiryErrorCode.BAD_SIGNATURE, "缺少幂等键")
    expected = sign(secret, method, path, timestamp, key, body)
    if not hmac.compare_digest(expected, signature or ""):
        raise SignatureError(InquiryErrorCode.BAD_SIGNATURE, "签名校验失败")
