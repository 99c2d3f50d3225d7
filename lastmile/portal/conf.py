"""Settings of the party portal: ``settings.LASTMILE["PORTAL"]``, each key with a default.

None of these is a period fixed by law: they are the court's own management choices.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # One-time SMS code of the real-name sign-up: minutes valid, wrong tries allowed, the wait
    # before another code to the same number, and codes per number per hour.
    "CODE_MINUTES": 10,
    "CODE_MAX_ATTEMPTS": 5,
    "CODE_RESEND_SECONDS": 60,
    "CODE_MAX_PER_HOUR": 5,
    # Sign-up attempts and code requests per client address per hour (the pages' rate limit).
    "SIGNUP_PER_ADDRESS_PER_HOUR": 20,
    # Days the case officer is given to answer a party's online request (workbench deadline).
    "REQUEST_ANSWER_DAYS": 7,
    # The sender's name at the head of an SMS (短信签名).
    "SMS_SIGNATURE": "人民法院诉讼服务",
}


def portal_setting(key: str) -> Any:
    return getattr(settings, "LASTMILE", {}).get("PORTAL", {}).get(key, DEFAULTS[key])
