"""Reads of the online judicial auction. Public reads show only announced rounds and never a
bidder's identity: bidders appear by their codes (网络司法拍卖规定 2016 art. 18). Staff reads are
scoped to the viewer's court."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.core.errors import NotFound
from lastmile.inquiry.models import AssetKind, Freeze, FreezeStatus
from lastmile.measures.selectors import home_occupancy

from . import rules
from .models import Bid, Bidder, Lot, LotStatus, Round, RoundStatus


def public_rounds(*, now: datetime) -> QuerySet[Round]:
    """Every round announced by ``now``, the open ones first."""
    return (
        Round.objects.filter(announced_at__lte=now)
        .select_related("lot", "court")
        .order_by("status", "-ends_at")
    )


def public_round(*, round_id: int, now: datetime) -> Round:
    rnd = (
        Round.objects.select_related("lot__seizure__asset", "court")
        .filter(pk=round_id, announced_at__lte=now)
        .first()
    )
    if rnd is None:
        raise NotFound("拍卖不存在。")
    return rnd


@dataclass(frozen=True)
class PresentState:
    """拍卖财产权属、占有使用等现状的文字说明 (网络司法拍卖规定 2016 art. 13 item (5)), read from
    the records that hold it: the asset and its seizure (inquiry) and its occupancy (the 腾房公告,
    measures). Nothing of it is typed again on the lot."""

    label: str  # where it is or what it is, as the registry or the inquiry found it
    ownership: str
    occupancy: str


def lot_present_state(*, lot: Lot) -> PresentState:
    """The present state of ``lot``'s asset for its public page: what it is and that it is seized,
    then who occupies it. A home with no 腾房公告 says so; a movable is in the court's keeping."""
    seizure = lot.seizure
    asset = seizure.asset
    acts: dict[str, str] = {AssetKind.REAL_ESTATE: "查封", AssetKind.EQUITY: "冻结"}
    act = acts.get(asset.kind, "扣押")
    owner = "为被执行人所有" if asset.kind == AssetKind.MOVABLE else "登记于被执行人名下"
    ownership = f"{asset.get_kind_display()}（{asset.identifier}），{owner}"
    if seizure.status == FreezeStatus.ACTIVE:
        ownership += f"，已由本院{act}"
    if asset.kind == AssetKind.REAL_ESTATE:
        found = home_occupancy(case_id=lot.case_id, property_ref=asset.identifier)
        occupancy = found.text if found else "未发布腾房公告；以实物现状为准，竞买人可以申请实地看样"
    else:
        occupancy = "以实物现状为准，竞买人可以申请实地看样"
    return PresentState(label=asset.label, ownership=ownership, occupancy=occupancy)


@dataclass(frozen=True)
class PublicBid:
    code: str
    amount: Decimal
    placed_at: datetime
    matched: bool
    extended_to: datetime | None


def bid_history(*, rnd: Round, limit: int = 200) -> list[PublicBid]:
    """The public bid history: bidder codes only, newest first."""
    rows = Bid.objects.filter(round=rnd).select_related("bidder").order_by("-placed_at", "-id")[:limit]
    return [PublicBid(b.bidder.code, b.amount, b.placed_at, b.matched, b.extended_to) for b in rows]


def round_state(*, rnd: Round, now: datetime) -> dict[str, object]:
    """What the countdown and the API show; ``server_now`` lets the page correct its clock."""
    leader = (
        Bidder.objects.filter(pk=rnd.leader_id).values_list("code", flat=True).first()
        if rnd.leader_id
        else None
    )
    minimum = rules.next_minimum(
        starting_price=rnd.starting_price, current_price=rnd.current_price, increment=rnd.increment
    )
    return {
        "id": rnd.pk,
        "status": rnd.status,
        "status_label": rnd.get_status_display(),
        "kind": rnd.kind,
        "starting_price": str(rnd.starting_price),
        "current_price": str(rnd.current_price) if rnd.current_price is not None else None,
        "next_minimum": str(minimum),
        "increment": str(rnd.increment),
        "deposit": str(rnd.deposit),
        "leader": leader,
        "bid_count": rnd.bid_count,
        "extensions": rnd.extensions,
        "starts_at": rnd.starts_at.isoformat(),
        "ends_at": rnd.ends_at.isoformat(),
        "ends_at_local": f"{timezone.localtime(rnd.ends_at):%Y-%m-%d %H:%M:%S}",
        "scheduled_end": rnd.scheduled_end.isoformat(),
        "server_now": now.isoformat(),
        "open": rnd.status == RoundStatus.ANNOUNCED and rnd.starts_at <= now < rnd.ends_at,
    }


def bidder_of(*, rnd: Round, user: User | None) -> Bidder | None:
    if user is None or not user.is_authenticated:
        return None
    return Bidder.objects.filter(round=rnd, user=user).first()


def _court_id(actor: User) -> int:
    if actor.court_id is None:
        raise NotFound("拍卖标的不存在或无权查看。")
    return actor.court_id


def lots_for(*, actor: User) -> QuerySet[Lot]:
    require(actor, "case.view", court=actor.court)
    return Lot.objects.filter(court_id=_court_id(actor)).select_related("case").order_by("-id")


def lot_get_for(*, actor: User, lot_id: int) -> Lot:
    require(actor, "case.view", court=actor.court)
    lot = Lot.objects.select_related("case").filter(pk=lot_id, court_id=_court_id(actor)).first()
    if lot is None:
        raise NotFound("拍卖标的不存在或无权查看。")
    return lot


def seizures_available(*, actor: User) -> QuerySet[Freeze]:
    """Seized vehicles, real estate and equity of the viewer's court not yet in a live disposal."""
    busy = Lot.objects.exclude(status=LotStatus.UNSOLD).values("seizure_id")
    return (
        Freeze.objects.filter(court_id=_court_id(actor), is_money=False, status=FreezeStatus.ACTIVE)
        .exclude(pk__in=busy)
        .select_related("asset", "case")
        .order_by("-id")
    )
