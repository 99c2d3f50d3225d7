"""Reads of the reference price. :func:`reference_price_for` is the seam the online auction reads
(its lot takes the price with its source and date, 网络司法拍卖规定 2016 art. 10: the starting
price is set by reference to it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from lastmile.cases.models import Case
from lastmile.core.clock import get_clock
from lastmile.inquiry.models import HOLDING_STATUSES, Asset

from .models import Method, ObjectionOutcome, Valuation, ValuationStatus


@dataclass(frozen=True)
class ReferencePrice:
    """A fixed reference price: ``value`` (yuan, to the fen), the ``method`` (agreement,
    directed, online, appraisal), the ``date`` it was fixed, the last day of its validity
    (``valid_until``, 确定财产处置参考价规定 2018 art. 27), and ``source`` in words."""

    value: Decimal
    method: str
    date: dt.date
    valid_until: dt.date
    source: str
    valuation_id: int

    @property
    def method_label(self) -> str:
        return str(Method(self.method).label)

    def is_valid_on(self, day: dt.date) -> bool:
        return day <= self.valid_until


def _final(today: dt.date) -> Q:
    """Fixed and beyond objection: FINAL, or PRICED with the window run and nothing pending."""
    return Q(status=ValuationStatus.FINAL) | (Q(status=ValuationStatus.PRICED) & Q(objection_due__lt=today))


def reference_price_for(asset: Asset | int, *, today: dt.date | None = None) -> ReferencePrice | None:
    """The asset's current reference price: the latest one fixed and beyond objection (议价 and
    定向询价 at once, art. 24; 网络询价 and 委托评估 once the 5-day window has run with no objection
    pending, arts. 22–23), or None. An expired price is returned with its ``valid_until``; the
    caller decides (art. 27: a first auction announced after it needs a new price)."""
    day = today or get_clock().today()
    asset_id = asset if isinstance(asset, int) else asset.pk
    v = (
        Valuation.objects.filter(asset_id=asset_id, price__isnull=False)
        .filter(_final(day))
        .exclude(objections__outcome=ObjectionOutcome.PENDING)
        .order_by("-priced_on", "-pk")
        .first()
    )
    if v is None or v.price is None or v.priced_on is None or v.valid_until is None:
        return None
    return ReferencePrice(
        value=v.price,
        method=v.method,
        date=v.priced_on,
        valid_until=v.valid_until,
        source=f"{v.get_method_display()}：{v.source}",
        valuation_id=v.pk,
    )


def case_valuations(*, case: Case) -> QuerySet[Valuation]:
    return (
        Valuation.objects.filter(case=case)
        .select_related("asset", "request_document", "result_document")
        .prefetch_related("answers", "objections__party")
        .order_by("-pk")
    )


def seized_assets(*, case: Case) -> list[Asset]:
    """The case's assets under a holding seizure (not money): what a reference price is for."""
    return list(
        Asset.objects.filter(case=case, freezes__is_money=False, freezes__status__in=HOLDING_STATUSES)
        .distinct()
        .order_by("pk")
    )


def case_panel_view(*, case: Case, today: dt.date) -> dict[str, Any]:
    rows = list(case_valuations(case=case))
    return {
        "valuations": rows,
        "assets": [
            {"asset": a, "price": reference_price_for(a, today=today)} for a in seized_assets(case=case)
        ],
    }
