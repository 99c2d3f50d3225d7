"""``lastmile check --deploy``: the audit chain's key must be set for production."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Tags, register

from .audit import audit_key_deploy_problems


@register(Tags.security, deploy=True)
def audit_key_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    return [
        Error(problem, hint="见 docs/audit.md「密钥」一节。", id="lastmile.cases.E001")
        for problem in audit_key_deploy_problems()
    ]
