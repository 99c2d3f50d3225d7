"""Deployment checks (``lastmile check --deploy``): a production configuration is refused while
it still has anything of the demo, or is insecure.

Every finding is an Error, so ``lastmile check --deploy`` exits non-zero and a deployment script
stops. Django's own deploy checks (security.W0xx) report the same settings as warnings; these
make them blocking for Lastmile. docs/configuration.md says which variable clears each one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError

from lastmile.core.demo import demo_mode

# The SECRET_KEY the settings fall back to when LASTMILE_SECRET_KEY is unset.
_DEMO_SECRET_KEY = "lastmile-embedded-demo-key-change-me-in-production-0123456789"  # noqa: S105
_MIN_HSTS_SECONDS = 31_536_000  # one year


def _fix(var: str) -> str:
    return f"Set {var} (docs/configuration.md)."


@register(Tags.security, deploy=True)
def check_production_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Settings: no demo mode, a real SECRET_KEY, no DEBUG, HTTPS-only cookies, HSTS, HTTPS."""
    errors: list[CheckMessage] = []
    if demo_mode():
        errors.append(
            Error(
                "Demo mode is on: demo logins, demo institution keys and the simulator are enabled.",
                hint="Unset LASTMILE_DEMO (only `lastmile run` on the embedded default sets it).",
                id="lastmile.E001",
            )
        )
    key = str(getattr(settings, "SECRET_KEY", ""))
    if (
        key in (_DEMO_SECRET_KEY, getattr(settings, "DEMO_SECRET_KEY", _DEMO_SECRET_KEY))
        or key.startswith("django-insecure")
        or len(key) < 50
        or len(set(key)) < 5
    ):
        errors.append(
            Error(
                "SECRET_KEY is the built-in demo key or too weak.",
                hint=_fix("LASTMILE_SECRET_KEY to at least 50 random characters"),
                id="lastmile.E002",
            )
        )
    if settings.DEBUG:
        errors.append(Error("DEBUG is on.", hint="Unset LASTMILE_DEBUG.", id="lastmile.E003"))
    if not settings.SESSION_COOKIE_SECURE:
        errors.append(
            Error(
                "SESSION_COOKIE_SECURE is off: the session cookie would travel over plain HTTP.",
                hint=_fix("LASTMILE_HTTPS=1"),
                id="lastmile.E004",
            )
        )
    if not settings.CSRF_COOKIE_SECURE:
        errors.append(
            Error(
                "CSRF_COOKIE_SECURE is off: the CSRF cookie would travel over plain HTTP.",
                hint=_fix("LASTMILE_HTTPS=1"),
                id="lastmile.E005",
            )
        )
    if int(settings.SECURE_HSTS_SECONDS or 0) < _MIN_HSTS_SECONDS:
        errors.append(
            Error(
                "SECURE_HSTS_SECONDS is below one year: browsers may be downgraded to HTTP.",
                hint=_fix("LASTMILE_HTTPS=1 (or LASTMILE_HSTS_SECONDS ≥ 31536000)"),
                id="lastmile.E006",
            )
        )
    if not settings.SECURE_SSL_REDIRECT:
        errors.append(
            Error(
                "SECURE_SSL_REDIRECT is off: plain HTTP requests are served.",
                hint=_fix("LASTMILE_HTTPS=1; behind a TLS-terminating proxy also LASTMILE_PROXY_SSL_HEADER"),
                id="lastmile.E007",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def check_institution_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """No institution key equal to the public demo key (anyone could sign a bank's answer)."""
    from lastmile.inquiry import protocol
    from lastmile.inquiry.conf import inquiry_setting

    keys = inquiry_setting("KEYS") or {}
    demo = sorted(code for code, secret in keys.items() if str(secret) == protocol.demo_key(str(code)))
    if not demo:
        return []
    return [
        Error(
            f"Institution keys equal to the public demo key: {', '.join(demo)}.",
            hint="Set the keys agreed with each institution in LASTMILE_INQUIRY_KEYS.",
            id="lastmile.E008",
        )
    ]


@register(Tags.security, deploy=True)
def check_demo_accounts(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """No active demo login and no active demo API key in the database (their password and key
    are published in the code and the README)."""
    from lastmile.accounts.models import User
    from lastmile.filing.demo import DEMO_API_KEY
    from lastmile.filing.models import InstitutionApiKey
    from lastmile.web.demo import demo_usernames

    try:
        users = sorted(
            User.objects.filter(username__in=demo_usernames(), is_active=True).values_list(
                "username", flat=True
            )
        )
        prefix = DEMO_API_KEY.split("_")[1]
        api_keys = InstitutionApiKey.objects.filter(prefix=prefix, revoked_at__isnull=True).exists()
    except DatabaseError:  # no database yet (before the first migrate): nothing to find
        return []
    errors: list[CheckMessage] = []
    if users:
        shown = ", ".join(users[:5]) + (" …" if len(users) > 5 else "")
        errors.append(
            Error(
                f"{len(users)} demo login(s) are active: {shown}.",
                hint="Deploy on a database without demo data, or deactivate these users.",
                id="lastmile.E009",
            )
        )
    if api_keys:
        errors.append(
            Error(
                "The demo institution API key (filing) is active.",
                hint="Revoke it in the admin (机构接口密钥).",
                id="lastmile.E010",
            )
        )
    return errors
