"""Demo mode is explicit, and ``lastmile check --deploy`` refuses a production configuration
with anything of the demo or insecure settings (issue I.2); clean when configured from the
environment as docs/configuration.md says."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import Error, run_checks
from django.core.management import call_command

from lastmile.accounts.models import User
from lastmile.core.errors import ConditionsNotMet
from lastmile.filing.demo import DEMO_API_KEY
from lastmile.filing.services import api_key_issue, institution_client_upsert
from lastmile.inquiry import protocol
from lastmile.testing.factories import UserFactory
from lastmile.web.demo import demo_seed, demo_uscc

ROOT = Path(__file__).resolve().parents[3]
STRONG_KEY = "k" + secrets.token_urlsafe(60)

SECURE = {
    "DEBUG": False,
    "SECRET_KEY": STRONG_KEY,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31_536_000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
}


@pytest.fixture
def production(settings, monkeypatch):
    # The audit chain's key (lastmile.cases, issue I.7) is given as production gives it.
    monkeypatch.setenv("LASTMILE_AUDIT_KEY", "audit-" + "a" * 40)
    for name, value in SECURE.items():
        setattr(settings, name, value)
    settings.LASTMILE = {**settings.LASTMILE, "DEMO": False}
    return settings


def _lastmile_errors() -> set[str]:
    return {
        m.id
        for m in run_checks(include_deployment_checks=True)
        if isinstance(m, Error) and (m.id or "").startswith("lastmile.")
    }


@pytest.mark.django_db
def test_clean_production_configuration_passes(production, capsys):
    call_command("check", deploy=True)
    out = capsys.readouterr()
    assert "no issues" in out.out + out.err  # not even a warning


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setting", "value", "error"),
    [
        ("SECRET_KEY", "lastmile-embedded-demo-key-change-me-in-production-0123456789", "lastmile.E002"),
        ("SECRET_KEY", "short", "lastmile.E002"),
        ("DEBUG", True, "lastmile.E003"),
        ("SESSION_COOKIE_SECURE", False, "lastmile.E004"),
        ("CSRF_COOKIE_SECURE", False, "lastmile.E005"),
        ("SECURE_HSTS_SECONDS", 0, "lastmile.E006"),
        ("SECURE_SSL_REDIRECT", False, "lastmile.E007"),
    ],
)
def test_each_insecure_setting_is_refused(production, setting, value, error):
    setattr(production, setting, value)
    assert _lastmile_errors() == {error}
    with pytest.raises(Exception, match=error.replace(".", r"\.")):
        call_command("check", deploy=True)


@pytest.mark.django_db
def test_demo_mode_and_demo_keys_are_refused(production):
    production.LASTMILE = {**production.LASTMILE, "DEMO": True}
    assert _lastmile_errors() == {"lastmile.E001"}
    inquiry = {**production.LASTMILE["INQUIRY"], "KEYS": {"icbc": protocol.demo_key("icbc"), "ccb": "x" * 40}}
    production.LASTMILE = {**production.LASTMILE, "DEMO": False, "INQUIRY": inquiry}
    assert _lastmile_errors() == {"lastmile.E008"}


@pytest.mark.django_db
def test_demo_users_and_demo_api_key_are_refused(production, yuelu, now):
    UserFactory(court=yuelu, username="yl_zhifa")
    client = institution_client_upsert(
        name="演示银行", uscc=demo_uscc("91430104MA4L00002"), courts=[yuelu], now=now
    )
    api_key_issue(client=client, now=now, key=DEMO_API_KEY)
    assert _lastmile_errors() == {"lastmile.E009", "lastmile.E010"}
    User.objects.filter(username="yl_zhifa").update(is_active=False)
    assert _lastmile_errors() == {"lastmile.E010"}


@pytest.mark.django_db
def test_demo_data_loads_only_in_demo_mode(settings, now):
    settings.LASTMILE = {**settings.LASTMILE, "DEMO": False}
    with pytest.raises(ConditionsNotMet):
        demo_seed(now=now)
    assert not User.objects.exists()  # nothing created


@pytest.mark.slow
def test_production_settings_from_the_environment(tmp_path):
    """The real settings module, configured only through the environment."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LASTMILE_", "DATABASE_URL"))}
    base["LASTMILE_DATA_DIR"] = str(tmp_path)

    def check(**env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "lastmile.cli", "check", "--deploy"],
            cwd=ROOT,
            env={**base, **env},
            capture_output=True,
            text=True,
            timeout=180,
        )

    default = check()
    assert default.returncode != 0
    for error in ("E002", "E004", "E005", "E006", "E007"):
        assert f"lastmile.{error}" in default.stderr
    assert "lastmile.E001" not in default.stderr  # demo mode is off unless asked for

    clean = check(
        LASTMILE_SECRET_KEY=STRONG_KEY,
        LASTMILE_HTTPS="1",
        LASTMILE_ALLOWED_HOSTS="zhixing.example.gov.cn",
        LASTMILE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO",
        LASTMILE_INQUIRY_KEYS='{"icbc": "%s"}' % ("s" * 48),
        LASTMILE_AUDIT_KEY="audit-" + "a" * 40,
    )
    assert clean.returncode == 0, clean.stderr
    assert "no issues" in clean.stdout

    demo = check(LASTMILE_SECRET_KEY=STRONG_KEY, LASTMILE_HTTPS="1", LASTMILE_DEMO="1")
    assert demo.returncode != 0 and "lastmile.E001" in demo.stderr
