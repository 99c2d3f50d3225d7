"""Settings of network inquiry and control: ``settings.LASTMILE["INQUIRY"]``, each key with a
default. docs/inquiry.md explains each one; the local living-allowance figures are UNVERIFIED
placeholders a court must replace with its own published 最低生活保障 standard."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from lastmile.core.demo import demo_mode

from . import protocol
from .ports import ControlGuard, InstitutionGateway, NoGuard

DEFAULTS: dict[str, Any] = {
    # The adapter that talks to institutions (dotted path to a class implementing the port).
    "GATEWAY": "lastmile.integrations.gateway.http.HttpGateway",
    # The simulator's entry point (``lastmile institutions-sim``), an adapter like GATEWAY.
    "SIMULATOR": "lastmile.integrations.simulator.server.main",
    # Where the institutions (or the 点对点/总对总 gateway, or the simulator) listen.
    "GATEWAY_URL": "http://127.0.0.1:8765",
    # Where institutions post their signed results.
    "CALLBACK_URL": "http://127.0.0.1:8000/inquiry/callback/",
    # Per-institution HMAC keys {code: secret}. In demo mode only (lastmile.core.demo),
    # institutions missing here use the simulator's demo key; outside it they are unknown.
    "KEYS": {},
    # Signed messages older or newer than this many seconds are refused.
    "MAX_SKEW_SECONDS": 300,
    # One HTTP request may take this long.
    "SEND_TIMEOUT_SECONDS": 5.0,
    # Sends per order before it is marked failed (network errors, 5xx, unanswered re-queries).
    "MAX_ATTEMPTS": 6,
    # Exponential backoff: base × 2^(attempt-1), capped.
    "BACKOFF_BASE_SECONDS": 2.0,
    "BACKOFF_MAX_SECONDS": 300.0,
    # An accepted order with no result after this long is asked again (lost callbacks).
    "RESULT_TIMEOUT_SECONDS": 60.0,
    # Orders sent per dispatcher round, and HTTP requests in flight at once.
    "DISPATCH_BATCH": 200,
    "DISPATCH_CONCURRENCY": 16,
    # Found balances are frozen in this order of institutions (the rest after, in catalogue order).
    "INSTITUTION_ORDER": [
        "wechatpay",
        "alipay",
        "bankcs",
        "hnrcu",
        "icbc",
        "ccb",
        "abc",
        "boc",
        "cfzq",
    ],
    # Freezing waits until every inquiry of the round has answered, or this many seconds.
    "ORDER_WAIT_SECONDS": 120.0,
    # Living allowance left to a natural-person debtor (查封规定 2020 art. 3: the local 最低生活保障
    # standard). monthly × months, per court code; "default" for courts not listed. UNVERIFIED.
    "LIVING_ALLOWANCE": {
        "default": {"monthly": "800.00", "months": 2},
        "湘0104": {"monthly": "930.00", "months": 2},
        "湘0702": {"monthly": "750.00", "months": 2},
        "湘0682": {"monthly": "700.00", "months": 2},
    },
    # Maximum period of one freeze or seizure, in years (民诉解释 2022 art. 485).
    "FREEZE_YEARS": {"deposit": 1, "vehicle": 2, "real_estate": 3, "equity": 3, "securities": 3},
    # Renewal reminder this many days before a freeze expires.
    "RENEWAL_REMIND_DAYS": 15,
    # The good-faith facts control consults (法发〔2019〕35号; 查封规定 2020 arts. 4, 10): the
    # enterprise screening and the family home are recorded in the measures app, a sibling inquiry
    # may not import, and are decided in the worker when answers arrive, long after the 一键查控
    # click; so the enforcement app above both provides them through the port
    # (ports.ControlGuard), chosen here by dotted path like GATEWAY. "" for none.
    "GOOD_FAITH_GUARD": "lastmile.enforcement.good_faith.GoodFaithGuard",
}


def inquiry_setting(key: str) -> Any:
    return getattr(settings, "LASTMILE", {}).get("INQUIRY", {}).get(key, DEFAULTS[key])


def institution_key(code: str) -> str | None:
    """The HMAC key shared with institution ``code`` (None when unknown). The demo key of a
    catalogue institution is used only in demo mode, never in production."""
    keys = inquiry_setting("KEYS")
    if code in keys:
        return str(keys[code])
    try:
        protocol.institution(code)
    except KeyError:
        return None
    return protocol.demo_key(code) if demo_mode() else None


def institution_order() -> list[str]:
    """Every institution code, in the configured freezing order."""
    preferred = [
        c for c in inquiry_setting("INSTITUTION_ORDER") if c in {i.code for i in protocol.INSTITUTIONS}
    ]
    return preferred + [i.code for i in protocol.INSTITUTIONS if i.code not in preferred]


@lru_cache(maxsize=4)
def _gateway(path: str) -> InstitutionGateway:
    cls = import_string(path)
    return cls()  # type: ignore[no-any-return]


def gateway() -> InstitutionGateway:
    """The configured adapter (one per process)."""
    return _gateway(inquiry_setting("GATEWAY"))


@lru_cache(maxsize=4)
def _control_guard(path: str) -> ControlGuard:
    if not path:
        return NoGuard()
    cls = import_string(path)
    return cls()  # type: ignore[no-any-return]


def control_guard() -> ControlGuard:
    """The configured good-faith guard (one per process; :class:`ports.NoGuard` when unset)."""
    return _control_guard(inquiry_setting("GOOD_FAITH_GUARD"))
