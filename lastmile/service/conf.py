"""Settings of pre-suit mediation, batch trial and electronic service:
``settings.LASTMILE["COURT_CASES"]``, each key with a default (docs/financial-cases.md).

Periods fixed by law (30-day public notice, 15/10-day appeal) are not settings; what is
UNVERIFIED (the Hunan small-claims threshold, the fee printed on a 诉前调书) is.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Pre-suit online mediation period in days from the mediator's acceptance (在线调解规则 art. 24).
    "MEDIATION_DAYS": 30,
    # Small claims (CPL 2023 art. 165): 50% of the province's previous-year average wage.
    # The current Hunan figure was not retrieved (docs/law.md "Trial"): UNVERIFIED placeholder.
    "SMALL_CLAIMS_LIMIT": "50000.00",
    # The fee a 诉前调书 prints: "halved" (诉讼费用交纳办法 2006 art. 15, 调解结案) or "none".
    "STATEMENT_FEE": "halved",
    # Who "主持调解" in a judicial-confirmation ruling when the mediator has no display name.
    "CONFIRMATION_MEDIATOR_LABEL": "诉前调解中心",
    # "于本判决生效之日起十日内" in the standard loan judgment.
    "PERFORMANCE_DAYS": 10,
    # Summons at least 3 days before the hearing (CPL 2023 art. 139).
    "HEARING_NOTICE_DAYS": 3,
    "HEARING_SLOT_MINUTES": 15,
    "SERVICE_ADAPTER": "lastmile.service.adapters.SimulatedServiceAdapter",
    "VIDEO_HEARING_ADAPTER": "lastmile.trial.adapters.PlaceholderVideoHearingAdapter",
    "VIDEO_HEARING_BASE_URL": "https://hearing.example.invalid/room/",
}


def court_cases_setting(key: str) -> Any:
    return getattr(settings, "LASTMILE", {}).get("COURT_CASES", {}).get(key, DEFAULTS[key])
