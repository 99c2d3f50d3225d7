"""Reads of 扣押 of movables, income withholding, 到期债权 and 轮候查封 for the case page (the
caller has already fetched the case through :func:`lastmile.cases.selectors.case_get_for`)."""

from __future__ import annotations

from typing import Any

from lastmile.cases.models import Case, CaseParty, PartyRole

from .models import HOLDING_STATUSES, Asset, AssetKind, Freeze, IncomeWithholding, Receivable, WaitingSeizure


def case_takings(*, case: Case) -> dict[str, Any]:
    return {
        "movables": list(
            Freeze.objects.filter(case=case, asset__kind=AssetKind.MOVABLE)
            .select_related("asset", "custody")
            .order_by("-pk")
        ),
        "withholdings": list(
            IncomeWithholding.objects.filter(case=case)
            .select_related("party")
            .prefetch_related("payments")
            .order_by("-pk")
        ),
        "receivables": list(Receivable.objects.filter(case=case).select_related("party").order_by("-pk")),
        "waiting": list(
            WaitingSeizure.objects.filter(case=case).select_related("asset").order_by("registered_at")
        ),
        "debtors": [
            cp.party
            for cp in CaseParty.objects.filter(case=case, role=PartyRole.RESPONDENT)
            .select_related("party")
            .order_by("position")
        ],
        # What a 轮候查封 may be registered on: the case's non-money assets it does not hold itself.
        "waitable": list(
            Asset.objects.filter(case=case)
            .exclude(kind=AssetKind.DEPOSIT)
            .exclude(freezes__status__in=HOLDING_STATUSES)
            .order_by("pk")
        ),
    }
