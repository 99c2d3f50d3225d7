"""HTTP API of the reference price (thin: one service or selector call each; refusals are
answered with the error's code by the API's handler)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from lastmile.accounts.http import AuthedRequest
from lastmile.cases.selectors import case_get_for
from lastmile.core.clock import get_clock
from lastmile.core.errors import NotFound
from lastmile.inquiry.models import Asset

from . import selectors, services
from .models import Valuation

router = Router(tags=["财产处置参考价"])


class AnswerOut(Schema):
    source: str
    value: Decimal | None
    on_time: bool
    excluded: bool


class ValuationOut(Schema):
    id: int
    asset_id: int
    method: str
    status: str
    answer_due: dt.date | None
    price: Decimal | None
    source: str
    priced_on: dt.date | None
    objection_due: dt.date | None
    valid_until: dt.date | None
    cost: Decimal
    firms: list[str]
    answers: list[AnswerOut]


class StartIn(Schema):
    asset_id: int
    method: str
    applicant_price: Decimal | None = None
    debtor_price: Decimal | None = None
    firms: list[str] | None = None
    cost: Decimal | None = None


class ReferencePriceOut(Schema):
    asset_id: int
    value: Decimal
    method: str
    date: dt.date
    valid_until: dt.date
    source: str


def _out(v: Valuation) -> ValuationOut:
    return ValuationOut(
        id=v.pk,
        asset_id=v.asset_id,
        method=v.method,
        status=v.status,
        answer_due=v.answer_due,
        price=v.price,
        source=v.source,
        priced_on=v.priced_on,
        objection_due=v.objection_due,
        valid_until=v.valid_until,
        cost=v.cost,
        firms=list(v.firms or []),
        answers=[
            AnswerOut(source=a.source, value=a.value, on_time=a.on_time, excluded=a.excluded)
            for a in v.answers.all()
        ],
    )


def _valuation(request: AuthedRequest, valuation_id: int) -> Valuation:
    v = Valuation.objects.filter(pk=valuation_id).first()
    if v is None:
        raise NotFound("记录不存在。")
    case_get_for(actor=request.user, case_id=v.case_id)
    return v


@router.get("/cases/{case_id}", response=list[ValuationOut])
def case_valuations(request: HttpRequest, case_id: int) -> list[ValuationOut]:
    case = case_get_for(actor=request.user, case_id=case_id)  # type: ignore[arg-type]
    return [_out(v) for v in selectors.case_valuations(case=case)]


@router.post("/cases/{case_id}", response={201: ValuationOut})
def valuation_start(request: HttpRequest, case_id: int, payload: StartIn) -> tuple[int, ValuationOut]:
    case = case_get_for(actor=request.user, case_id=case_id)  # type: ignore[arg-type]
    asset = Asset.objects.filter(case=case, pk=payload.asset_id).first()
    if asset is None:
        raise NotFound("财产不存在。")
    v = services.valuation_start(
        asset=asset,
        method=payload.method,
        actor=request.user,  # type: ignore[arg-type]
        now=get_clock().now(),
        applicant_price=payload.applicant_price,
        debtor_price=payload.debtor_price,
        firms=payload.firms,
        cost=payload.cost,
    )
    return 201, _out(v)


@router.post("/{valuation_id}/collect", response=ValuationOut)
def valuation_collect(request: HttpRequest, valuation_id: int) -> ValuationOut:
    v = _valuation(request, valuation_id)  # type: ignore[arg-type]
    return _out(services.valuation_collect(valuation=v, actor=request.user, now=get_clock().now()))  # type: ignore[arg-type]


@router.get("/assets/{asset_id}/reference-price", response={200: ReferencePriceOut, 404: dict})
def reference_price(request: HttpRequest, asset_id: int) -> ReferencePriceOut:
    asset = Asset.objects.filter(pk=asset_id).first()
    if asset is None:
        raise NotFound("财产不存在。")
    case_get_for(actor=request.user, case_id=asset.case_id)  # type: ignore[arg-type]
    price = selectors.reference_price_for(asset)
    if price is None:
        raise NotFound("该财产尚无有效的参考价。")
    return ReferencePriceOut(
        asset_id=asset.pk,
        value=price.value,
        method=price.method,
        date=price.date,
        valid_until=price.valid_until,
        source=price.source,
    )
