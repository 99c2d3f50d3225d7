"""Acts of the online judicial auction (网络司法拍卖规定 2016; 拍卖变卖规定 2020). Each act is one
transaction: a refused act names its legal basis and changes nothing; each decision the law
gives to a collegial panel is recorded (art. 27); each documented act issues its document and
serves it through :mod:`lastmile.service`.

Time is always passed in (``now``); a bid is timed by the server clock the caller passes, never
by anything the bidder sends (art. 20).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case, CaseParty, PartyRole
from lastmile.cases.services import case_event_record, deadline_cancel, deadline_complete, deadline_open
from lastmile.core.clock import court_date
from lastmile.core.errors import ConditionsNotMet, InvalidAmount, InvalidTransition, NotFound
from lastmile.core.identifiers import validate_resident_id, validate_uscc
from lastmile.core.legal import LegalBasis
from lastmile.core.money import format_yuan, to_money
from lastmile.core.periods import period_end
from lastmile.documents.models import Document
from lastmile.documents.services import document_issue
from lastmile.inquiry.models import AssetKind, Freeze, FreezeStatus
from lastmile.ledger.distribution import Claim, pro_rata
from lastmile.ledger.models import ExecutionCostKind, Payout, PayoutKind, ReceiptSource
from lastmile.ledger.selectors import (
    execution_costs_open,
    payee_owed,
    secured_claim_left,
    secured_claims,
)
from lastmile.ledger.services import (
    DistributionClaim,
    amount_outstanding,
    distribution_propose,
    execution_cost_record,
    payout_request,
    receipt_record,
    set_off_book,
)
from lastmile.measures.documents import execution_basis
from lastmile.measures.guardrails import AUCTION_HOME, home_disposal_evaluate, home_handover_evaluate
from lastmile.parties.models import Party
from lastmile.service.services import service_dispatch

from . import rules
from .error_codes import AuctionErrorCode
from .kinds import AuctionDeadline, AuctionEvent
from .models import (
    Bid,
    Bidder,
    Decision,
    DecisionSubject,
    DepositStatus,
    Lot,
    LotStatus,
    PreemptionHolder,
    PropertyKind,
    Round,
    RoundKind,
    RoundStatus,
)
from .selectors import lot_present_state

CAP = "enforcement.decide"  # the enforcement judge decides on disposal (民事诉讼法 2023 art. 258)


def _refuse(message: str, code: AuctionErrorCode, basis: LegalBasis, **details: Any) -> ConditionsNotMet:
    return ConditionsNotMet(f"{message}（{basis}）", unmet=[code.value], code=code, details=details)


def _event(
    lot: Lot,
    kind: AuctionEvent,
    summary: str,
    actor: User | None,
    now: datetime,
    basis: LegalBasis,
    **data: Any,
) -> None:
    case_event_record(
        case=lot.case,
        kind=kind,
        summary=summary,
        actor=actor,
        now=now,
        data={"lot": lot.pk, **data},
        legal_basis=basis,
    )


def _locked_lot(lot_id: int, actor: User, capability: str = CAP) -> Lot:
    lot = Lot.objects.select_for_update().select_related("case", "court").filter(pk=lot_id).first()
    if lot is None or actor.court_id != lot.court_id:
        raise NotFound("拍卖标的不存在或无权查看。")
    require(actor, capability, court=lot.court)
    return lot


def _decision(
    lot: Lot, rnd: Round | None, subject: str, panel: str, text: str, actor: User, now: datetime
) -> None:
    if not panel.strip():
        raise _refuse(
            "该事项应当由合议庭决定，请填写合议庭成员", AuctionErrorCode.PANEL_REQUIRED, rules.online("27")
        )
    Decision.objects.create(
        lot=lot,
        round=rnd,
        subject=subject,
        panel=panel.strip()[:128],
        text=text[:1024],
        decided_by=actor,
        decided_at=now,
    )


# --- lots -------------------------------------------------------------------------------------


@transaction.atomic
def lot_create(
    *,
    actor: User,
    seizure_id: int,
    title: str,
    reference_price: Decimal,
    reference_source: str,
    reference_on: date,
    now: datetime,
    description: str = "",
    costs: Decimal = Decimal("0"),
) -> Lot:
    """Offer a seized (查封/扣押) vehicle, real estate or equity for online auction. The family's
    necessary home may be seized but never auctioned (查封规定 2020 art. 4): the good-faith
    guardrail is asked first and its refusal is final here."""
    seizure = Freeze.objects.select_related("asset", "case").filter(pk=seizure_id, is_money=False).first()
    if seizure is None or seizure.court_id != actor.court_id:
        raise NotFound("查封、扣押记录不存在或无权查看。")
    require(actor, CAP, court=seizure.case.court)
    if seizure.status != FreezeStatus.ACTIVE:
        raise InvalidTransition("只有已生效的查封、扣押财产才能拍卖。")
    if Lot.objects.filter(seizure=seizure).exclude(status=LotStatus.UNSOLD).exists():
        raise InvalidTransition("该财产已在处置中。")
    asset = seizure.asset
    if asset.kind == AssetKind.REAL_ESTATE:
        evaluation = home_disposal_evaluate(
            case=seizure.case, party=asset.party, property_ref=asset.identifier, kind=AUCTION_HOME, now=now
        )
        if evaluation.refusals:
            r = evaluation.refusals[0]
            raise _refuse(r.message, AuctionErrorCode.NECESSARY_HOME, r.basis)
    price = to_money(reference_price)
    if price <= 0:
        raise InvalidAmount("参考价必须大于零。")
    if not reference_source.strip():
        raise InvalidAmount("请写明参考价的确定方式（议价、询价或评估）及其文书。")
    kind = (
        PropertyKind.REAL_ESTATE
        if asset.kind in (AssetKind.REAL_ESTATE, AssetKind.EQUITY)
        else PropertyKind.MOVABLE
    )
    lot = Lot.objects.create(
        court_id=seizure.court_id,
        case=seizure.case,
        seizure=seizure,
        title=(title or asset.label or str(asset))[:128],
        property_kind=kind,
        description=description[:1024],
        reference_price=price,
        reference_source=reference_source.strip()[:128],
        reference_on=reference_on,
        costs=to_money(costs),
        created_by=actor,
        created_at=now,
    )
    _lot_costs_post(lot, actor, now)
    _event(
        lot,
        AuctionEvent.LOT_CREATED,
        f"{lot.title}列入网络司法拍卖，参考价{format_yuan(price)}元",
        actor,
        now,
        rules.online("2"),
        reference=str(price),
    )
    return lot


def _lot_costs_post(lot: Lot, actor: User, now: datetime) -> None:
    """The lot's auction costs (auxiliary work: photographs, viewing, custody on the platform's
    behalf) are 执行费用 borne by the debtor (网络司法拍卖规定 2016 art. 7), posted to the case's
    ledger so the allocation pays them first (执行工作规定 2020 art. 34)."""
    execution_cost_record(
        case=lot.case,
        kind=ExecutionCostKind.AUCTION,
        label=f"拍卖辅助费用（{lot.title}）"[:128],
        amount=lot.costs,
        incurred_on=_local(now),
        source_key=f"auction-lot:{lot.pk}",
        actor=actor,
        now=now,
        basis=rules.online("7"),
        payee_name="拍卖辅助机构",
    )


@transaction.atomic
def lot_reference_set(
    *, lot_id: int, price: Decimal, source: str, on: date, actor: User, now: datetime
) -> Lot:
    """The seam for the reference price (确定财产处置参考价规定 2018): whoever fixed it (the officer
    from a report, or the valuation app) sets it here, before the first auction is announced."""
    lot = _locked_lot(lot_id, actor)
    if lot.rounds.exists():
        raise InvalidTransition("拍卖已公告，参考价不能再改。")
    lot.reference_price = to_money(price)
    lot.reference_source = source.strip()[:128]
    lot.reference_on = on
    lot.save(update_fields=["reference_price", "reference_source", "reference_on"])
    return lot


@transaction.atomic
def preemption_holder_add(
    *, lot_id: int, party: Party, basis: str, rank: int, actor: User, now: datetime
) -> PreemptionHolder:
    """A known pre-emption holder: notified of every auction (art. 16), may match the top bid (art. 21)."""
    lot = _locked_lot(lot_id, actor)
    return PreemptionHolder.objects.create(
        lot=lot, party=party, id_number=party.id_number, basis=basis[:128], rank=max(1, rank)
    )


# --- rounds -----------------------------------------------------------------------------------


def _next_kind(lot: Lot) -> tuple[str, Round | None]:
    last = lot.rounds.order_by("-number").first()
    if last is None:
        return RoundKind.FIRST, None
    if last.status == RoundStatus.ANNOUNCED or last.status == RoundStatus.SOLD:
        raise InvalidTransition("上一次拍卖尚未结束或已成交。")
    if last.status == RoundStatus.WITHDRAWN:
        return RoundKind.REAUCTION, last
    failed = lot.rounds.filter(status=RoundStatus.FAILED).exclude(kind=RoundKind.SALE_OFF).count()
    if failed >= 2 or last.kind == RoundKind.SALE_OFF:
        raise _refuse(
            "已经两次流拍，应当依法变卖或者以物抵债", AuctionErrorCode.NO_MORE_AUCTIONS, rules.online("26")
        )
    return RoundKind.SECOND, last


def _local(dt: datetime) -> date:
    return court_date(dt)


@transaction.atomic
def round_schedule(
    *,
    actor: User,
    lot_id: int,
    starting_price: Decimal,
    deposit: Decimal,
    increment: Decimal,
    starts_at: datetime,
    ends_at: datetime,
    panel: str,
    now: datetime,
) -> Round:
    """Announce the next auction of a lot, decided by the collegial panel (art. 27): the first
    at ≥ 70 % of the reference price (art. 10); after a 流拍 the second within 30 days at no more
    than 20 % less (art. 26); after a 悔拍 a re-auction (art. 24). Deposit 5 %–20 % of the
    starting price (art. 17); at least 24 hours of bidding (art. 20). The parties and the known
    pre-emption holders are served now, 3 days before the announcement (art. 16); bidding starts
    no earlier than 15 (movables) or 30 days (real estate) after the announcement (art. 12), 7 or
    15 for a second auction (art. 26), counted by the legal-period calculator."""
    lot = _locked_lot(lot_id, actor)
    kind, previous = _next_kind(lot)
    price, dep, inc = to_money(starting_price), to_money(deposit), to_money(increment)
    if inc <= 0:
        raise InvalidAmount("加价幅度必须大于零。")
    if kind == RoundKind.SECOND:
        assert previous is not None
        floor = rules.reduced_price_floor(previous.starting_price)
        if price < floor:
            raise _refuse(
                f"再次拍卖的起拍价降价幅度不得超过前次起拍价的百分之二十（不低于{format_yuan(floor)}元）",
                AuctionErrorCode.PRICE_RULE,
                rules.online("26"),
                floor=str(floor),
            )
        last_day = period_end(_local(previous.closed_at or previous.ends_at), rules.REAUCTION_WITHIN_DAYS)
        if _local(now) > last_day:
            raise _refuse("流拍后应当在三十日内再次拍卖", AuctionErrorCode.NOTICE_PERIOD, rules.online("26"))
        notice_days = rules.SECOND_NOTICE_DAYS[lot.property_kind]
        notice_basis = rules.online("26")
    else:
        floor = rules.starting_price_floor(lot.reference_price)
        if price < floor:
            raise _refuse(
                f"起拍价不得低于参考价的百分之七十（{format_yuan(floor)}元）",
                AuctionErrorCode.PRICE_RULE,
                rules.online("10"),
                floor=str(floor),
            )
        notice_days = rules.FIRST_NOTICE_DAYS[lot.property_kind]
        notice_basis = rules.online("12")
    low, high = rules.deposit_bounds(price)
    if not low <= dep <= high:
        raise _refuse(
            f"保证金应当在起拍价的百分之五至百分之二十之间（{format_yuan(low)}至{format_yuan(high)}元）",
            AuctionErrorCode.DEPOSIT_RULE,
            rules.online("17"),
        )
    announced_at = now + timedelta(days=rules.PARTY_NOTICE_LEAD_DAYS)
    earliest = period_end(_local(announced_at), notice_days)
    if _local(starts_at) < earliest:
        raise _refuse(
            f"拍卖公告期为{notice_days}日，竞价最早于{earliest:%Y年%m月%d日}开始",
            AuctionErrorCode.NOTICE_PERIOD,
            notice_basis,
            earliest=earliest.isoformat(),
        )
    if ends_at - starts_at < rules.MIN_BIDDING:
        raise _refuse("竞价时间不得少于二十四小时", AuctionErrorCode.DURATION, rules.online("20"))
    number = (previous.number + 1) if previous else 1
    rnd = Round.objects.create(
        lot=lot,
        court_id=lot.court_id,
        number=number,
        kind=kind,
        starting_price=price,
        deposit=dep,
        increment=inc,
        notified_at=now,
        announced_at=announced_at,
        starts_at=starts_at,
        ends_at=ends_at,
        scheduled_end=ends_at,
        created_by=actor,
    )
    subject = {
        RoundKind.FIRST.value: DecisionSubject.TERMS.value,
        RoundKind.SECOND.value: DecisionSubject.REDUCTION.value,
    }.get(str(kind), DecisionSubject.REAUCTION.value)
    _decision(
        lot,
        rnd,
        subject,
        panel,
        f"{rnd.get_kind_display()}：起拍价{price}元，保证金{dep}元，加价幅度{inc}元",
        actor,
        now,
    )
    _announce(lot, rnd, actor, now)
    lot.status = LotStatus.IN_AUCTION
    lot.save(update_fields=["status"])
    _event(
        lot,
        AuctionEvent.ROUND_ANNOUNCED,
        f"{rnd.get_kind_display()}公告：起拍价{format_yuan(price)}元",
        actor,
        now,
        notice_basis,
        round=rnd.pk,
    )
    return rnd


def _fmt(dt: datetime) -> str:
    local = timezone.localtime(dt)
    return f"{local:%Y年%m月%d日%H时%M分}"


def _announce(lot: Lot, rnd: Round, actor: User, now: datetime) -> None:
    """The announcement, issued and served on every party and known pre-emption holder (art. 16)."""
    label = {
        RoundKind.FIRST: "第一次拍卖",
        RoundKind.SECOND: "第二次拍卖",
        RoundKind.REAUCTION: "重新拍卖",
        RoundKind.SALE_OFF: "变卖",
    }[RoundKind(rnd.kind)]
    present = lot_present_state(lot=lot)  # 网络司法拍卖规定 2016 art. 13 item (5)
    doc = document_issue(
        case=lot.case,
        template_code="auction_announcement",
        context={
            "round_label": label,
            "property": lot.title,
            "ownership": present.ownership,
            "occupancy": present.occupancy,
            "reference_price": str(lot.reference_price),
            "reference_source": f"{lot.reference_source}，{lot.reference_on:%Y年%m月%d日}",
            "starting_price": str(rnd.starting_price),
            "deposit": str(rnd.deposit),
            "increment": str(rnd.increment),
            "starts_at": _fmt(rnd.starts_at),
            "ends_at": _fmt(rnd.ends_at),
        },
        actor=actor,
        now=now,
    )
    rnd.announcement = doc
    rnd.save(update_fields=["announcement"])
    recipients = _case_parties(lot.case) + [h.party for h in lot.preemption_holders.select_related("party")]
    service_dispatch(document=doc, actor=actor, now=now, recipients=_unique(recipients))


def _case_parties(case: Case) -> list[Party]:
    return [
        cp.party
        for cp in CaseParty.objects.filter(case=case).select_related("party").order_by("role", "position")
    ]


def _unique(parties: Sequence[Party]) -> list[Party]:
    seen: dict[int, Party] = {}
    for p in parties:
        seen.setdefault(p.pk, p)
    return list(seen.values())


# --- bidders and bids ---------------------------------------------------------------------------


def _identity(id_number: str) -> str:
    """A resident ID (GB 11643-1999) or a unified social credit code (GB 32100-2015), normalised."""
    s = id_number.strip().upper()
    if s[:17].isdigit():
        return validate_resident_id(s).number
    return validate_uscc(s)


@transaction.atomic
def bidder_register(*, user: User, round_id: int, real_name: str, id_number: str, now: datetime) -> Bidder:
    """Register a real-name bidder for a round with the deposit frozen (网络司法拍卖规定 2016 art.
    17); a known pre-emption holder is recognised by its identity (art. 21). The buyer who
    withdrew from this lot may not bid in its re-auction (art. 24)."""
    rnd = Round.objects.select_for_update().select_related("lot").filter(pk=round_id).first()
    if rnd is None or rnd.announced_at > now:
        raise NotFound("拍卖不存在。")
    if rnd.status != RoundStatus.ANNOUNCED or now >= rnd.ends_at:
        raise _refuse("本场拍卖已经结束", AuctionErrorCode.ENDED, rules.online("20"))
    name = real_name.strip()
    if not name:
        raise InvalidAmount("请填写真实姓名或名称。")
    ident = _identity(id_number)
    existing = Bidder.objects.filter(round=rnd, user=user).first()
    if existing is not None:
        return existing
    if (
        rnd.kind == RoundKind.REAUCTION
        and Bidder.objects.filter(
            round__lot=rnd.lot,
            round__status=RoundStatus.WITHDRAWN,
            deposit_status=DepositStatus.FORFEITED,
            id_number=ident,
        ).exists()
    ):
        raise _refuse(
            "悔拍后重新拍卖的，原买受人不得参加竞买", AuctionErrorCode.DEFAULTED_BUYER, rules.online("24")
        )
    holder = PreemptionHolder.objects.filter(lot=rnd.lot, id_number=ident).order_by("rank").first()
    seq = Bidder.objects.filter(round=rnd).count() + 1
    return Bidder.objects.create(
        round=rnd,
        user=user,
        code=rules.bidder_code(seq),
        real_name=name[:128],
        id_number=ident,
        preemption=holder,
        deposit=rnd.deposit,
        registered_at=now,
    )


@transaction.atomic
def bidder_signup(
    *,
    round_id: int,
    username: str,
    password: str,
    real_name: str,
    id_number: str,
    deposit_card: str,
    now: datetime,
) -> Bidder:
    """A member of the public signs up for a round: a login of its own (no court, no staff role),
    its real name and identity (网络司法拍卖规定 2016 art. 17), and the deposit paid from a bank
    card (simulated here: the card number is checked, ISO/IEC 7812 Luhn, and the deposit frozen).
    All or nothing: a refused identity, a taken username, a short password or a bad card leave no
    login behind."""
    from lastmile.accounts.models import User as UserModel
    from lastmile.accounts.services import MIN_PASSWORD, party_login_create
    from lastmile.ledger.services import luhn_valid

    name = username.strip()
    if not name or len(name) > 64 or not all(c.isalnum() or c in "_-." for c in name):
        raise InvalidAmount("用户名只能由字母、数字和 _ - . 组成。")
    if UserModel.objects.filter(username__iexact=name).exists():
        raise ConditionsNotMet("该用户名已被使用。", unmet=["username"])
    if len(password) < MIN_PASSWORD:
        raise ConditionsNotMet(f"密码至少{MIN_PASSWORD}位。", unmet=["password"])
    card = "".join(deposit_card.split())
    if not (12 <= len(card) <= 19 and luhn_valid(card)):
        raise InvalidAmount("银行卡号不正确，无法支付保证金。")
    _identity(id_number)  # refused before any login exists
    user = party_login_create(username=name, display_name=real_name.strip()[:64], password=password)
    return bidder_register(user=user, round_id=round_id, real_name=real_name, id_number=id_number, now=now)


@dataclass(frozen=True)
class BidResult:
    bid: Bid
    ends_at: datetime
    extended: bool
    current_price: Decimal


def bid_place(*, user: User, round_id: int, amount: Decimal, now: datetime) -> BidResult:
    """Accept one bid at the server's ``now``. The round row is locked for the write, and the
    price and the end are checked inside the lock, so parallel bids are ordered and none is lost:
    ascending from the starting price by at least the increment, a pre-emption holder matching
    the top bid takes the lead at the same price (art. 21), and a bid in the last 5 minutes moves
    the end to 5 minutes after it (art. 20). A 变卖 turns into 24 hours of bidding at its first bid.

    Before the lock, without waiting for it: the bidder's registration (fixed once made) and a
    bid already too low against the round as last committed, since the price only ever rises (a
    bid below that minimum is below every later one): such a bid is refused at once and never
    queues for the lock. Whether the round is still open is only decided inside the lock (an
    extension committed meanwhile may have moved the end)."""
    price = to_money(amount)
    # One read for the registration and the round as last committed.
    bidder = Bidder.objects.select_related("preemption", "round").filter(round_id=round_id, user=user).first()
    seen = (
        bidder.round if bidder is not None else Round.objects.filter(pk=round_id).only(*_BID_FIELDS).first()
    )
    if seen is None or seen.announced_at > now:
        raise NotFound("拍卖不存在。")
    if bidder is None or bidder.deposit_status != DepositStatus.FROZEN:
        raise _refuse("请先实名报名并交纳保证金", AuctionErrorCode.NOT_REGISTERED, rules.online("17"))
    if seen.status == RoundStatus.ANNOUNCED and now < seen.ends_at:
        _refuse_if_low(seen, bidder, price)
    with transaction.atomic():
        if bidder.preemption is None and seen.kind != RoundKind.SALE_OFF:
            done = _bid_in_one_statement(round_id, bidder, price, now)
            if done is not None:
                return done
        rnd = Round.objects.select_for_update().only(*_BID_FIELDS).get(pk=round_id)
        return _bid_locked(rnd, bidder, price, now)


# One ordinary bid on PostgreSQL (:func:`_bid_in_one_statement`); the tables are Round's and Bid's.
_BID_SQL = """
WITH cur AS (SELECT id, ends_at FROM auction_round WHERE id = %(round)s FOR UPDATE),
upd AS (
    UPDATE auction_round AS r SET
        current_price = %(amount)s,
        leader_id = %(bidder)s,
        bid_count = r.bid_count + 1,
        extensions = r.extensions + CASE WHEN cur.ends_at - %(now)s < %(window)s THEN 1 ELSE 0 END,
        ends_at = CASE WHEN cur.ends_at - %(now)s < %(window)s
                       THEN GREATEST(cur.ends_at, %(now)s + %(extension)s) ELSE cur.ends_at END
    FROM cur
    WHERE r.id = cur.id AND r.status = %(announced)s AND r.kind <> %(sale_off)s
      AND r.starts_at <= %(now)s AND %(now)s < cur.ends_at
      AND %(amount)s >= COALESCE(r.current_price + r.increment, r.starting_price)
    RETURNING r.id, r.ends_at, cur.ends_at AS old_end
),
ins AS (
    INSERT INTO auction_bid (round_id, bidder_id, amount, placed_at, matched, extended_to)
    SELECT upd.id, %(bidder)s, %(amount)s, %(now)s, false,
           CASE WHEN upd.ends_at <> upd.old_end THEN upd.ends_at END
    FROM upd
    RETURNING id
)
SELECT ins.id, upd.ends_at, upd.old_end FROM upd, ins"""


def _bid_in_one_statement(round_id: int, bidder: Bidder, price: Decimal, now: datetime) -> BidResult | None:
    """PostgreSQL: an ordinary bid (not a pre-emption holder's, not a 变卖's) in one statement that
    locks the round, checks it is open and the price at least the minimum, moves the end by the
    same rule as :func:`.rules.extended_end` and inserts the bid, so the round's lock is held for
    one round trip and the commit. None when it does not apply or a check fails: the caller then
    takes the ordinary path, which refuses with the reason."""
    if connection.vendor != "postgresql":
        return None
    params: dict[str, Any] = {
        "round": round_id,
        "bidder": bidder.pk,
        "amount": price,
        "now": now,
        "window": rules.EXTENSION_WINDOW,
        "extension": rules.EXTENSION,
        "announced": RoundStatus.ANNOUNCED.value,
        "sale_off": RoundKind.SALE_OFF.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(_BID_SQL, params)
        row = cursor.fetchone()
    if row is None:
        return None
    bid_id, ends_at, old_end = row
    extended = ends_at != old_end
    bid = Bid(
        pk=bid_id,
        round_id=round_id,
        bidder=bidder,
        amount=price,
        placed_at=now,
        matched=False,
        extended_to=ends_at if extended else None,
    )
    return BidResult(bid=bid, ends_at=ends_at, extended=extended, current_price=price)


# The columns a bid reads and writes: the rest of the round row is not fetched per bid.
_BID_FIELDS = (
    "id",
    "kind",
    "status",
    "starting_price",
    "increment",
    "announced_at",
    "starts_at",
    "ends_at",
    "scheduled_end",
    "current_price",
    "leader",
    "bid_count",
    "extensions",
)


def _matches(rnd: Round, bidder: Bidder, price: Decimal) -> bool:
    """A pre-emption holder offering the top bid's price takes the lead (art. 21)."""
    return (
        bidder.preemption is not None
        and rnd.current_price is not None
        and price == rnd.current_price
        and rnd.leader_id != bidder.pk
        and not _leader_outranks(rnd, bidder)
    )


def _refuse_if_low(rnd: Round, bidder: Bidder, price: Decimal) -> None:
    minimum = rules.next_minimum(
        starting_price=rnd.starting_price, current_price=rnd.current_price, increment=rnd.increment
    )
    if price < minimum and not (bidder.preemption is not None and price == rnd.current_price):
        raise _refuse(
            f"出价不得低于{format_yuan(minimum)}元",
            AuctionErrorCode.BID_TOO_LOW,
            rules.online("20"),
            minimum=str(minimum),
        )


def _bid_locked(rnd: Round, bidder: Bidder, price: Decimal, now: datetime) -> BidResult:
    if rnd.status != RoundStatus.ANNOUNCED or now >= rnd.ends_at:
        raise _refuse(
            "竞价已经结束", AuctionErrorCode.ENDED, rules.online("20"), ends_at=rnd.ends_at.isoformat()
        )
    if now < rnd.starts_at:
        raise _refuse("竞价尚未开始", AuctionErrorCode.NOT_OPEN, rules.online("20"))
    matched = _matches(rnd, bidder, price)
    if not matched:
        minimum = rules.next_minimum(
            starting_price=rnd.starting_price, current_price=rnd.current_price, increment=rnd.increment
        )
        if price < minimum:
            raise _refuse(
                f"出价不得低于{format_yuan(minimum)}元",
                AuctionErrorCode.BID_TOO_LOW,
                rules.online("20"),
                minimum=str(minimum),
            )
    opens_sale_off = rnd.kind == RoundKind.SALE_OFF and rnd.bid_count == 0
    if opens_sale_off:
        new_end = now + rules.SALE_OFF_BIDDING
        rnd.scheduled_end = new_end
    else:
        new_end = rules.extended_end(ends_at=rnd.ends_at, bid_at=now)
    extended = new_end != rnd.ends_at and not opens_sale_off
    bid = Bid.objects.create(
        round_id=rnd.pk,
        bidder=bidder,
        amount=price,
        placed_at=now,
        matched=matched,
        extended_to=new_end if extended else None,
    )
    rnd.current_price = price
    rnd.leader_id = bidder.pk
    rnd.bid_count += 1
    if extended:
        rnd.extensions += 1
    rnd.ends_at = new_end
    rnd.save(update_fields=["current_price", "leader", "bid_count", "extensions", "ends_at", "scheduled_end"])
    return BidResult(bid=bid, ends_at=new_end, extended=extended, current_price=price)


def _leader_outranks(rnd: Round, bidder: Bidder) -> bool:
    """Between pre-emption holders the earlier-ranked keeps the lead (art. 21)."""
    if rnd.leader_id is None:
        return False
    leader = Bidder.objects.select_related("preemption").get(pk=rnd.leader_id)
    if leader.preemption is None or bidder.preemption is None:
        return False
    return leader.preemption.rank <= bidder.preemption.rank


# --- the end of a round -------------------------------------------------------------------------


@transaction.atomic
def round_close(*, round_id: int, now: datetime) -> Round:
    """End a round whose time is up (at the server clock): the leader wins at the current price,
    or nobody bid (流拍). The losers' deposits are released at once, well within 24 hours (art. 23);
    the winner's stays frozen to be applied to the price."""
    rnd = Round.objects.select_for_update().select_related("lot", "lot__case").get(pk=round_id)
    if rnd.status != RoundStatus.ANNOUNCED or now < rnd.ends_at:
        return rnd
    lot = Lot.objects.select_for_update().get(pk=rnd.lot_id)
    rnd.closed_at = now
    if rnd.leader_id is not None:
        rnd.status = RoundStatus.SOLD
        winner = Bidder.objects.get(pk=rnd.leader_id or 0)
        lot.status = LotStatus.SOLD
        lot.buyer_name = winner.real_name
        lot.final_price = rnd.current_price
        lot.save(update_fields=["status", "buyer_name", "final_price"])
        summary = f"{rnd.get_kind_display()}成交：竞买人{winner.code}以{format_yuan(rnd.current_price)}元竞得"
        _event(
            lot,
            AuctionEvent.SOLD,
            summary,
            None,
            now,
            rules.online("20"),
            round=rnd.pk,
            price=str(rnd.current_price),
            bids=rnd.bid_count,
            extensions=rnd.extensions,
        )
    else:
        rnd.status = RoundStatus.FAILED
        _event(
            lot,
            AuctionEvent.FAILED,
            f"{rnd.get_kind_display()}流拍",
            None,
            now,
            rules.online("26"),
            round=rnd.pk,
        )
        if rnd.kind == RoundKind.SALE_OFF:
            lot.status = LotStatus.UNSOLD
            lot.save(update_fields=["status"])
    rnd.save(update_fields=["status", "closed_at"])
    deposits_refund(round_id=rnd.pk, now=now)
    return rnd


def deposits_refund(*, round_id: int, now: datetime) -> int:
    """Release the frozen deposits of every bidder of an ended round but the winner (art. 23)."""
    rnd = Round.objects.get(pk=round_id)
    if rnd.status == RoundStatus.ANNOUNCED:
        return 0
    qs = Bidder.objects.filter(round=rnd, deposit_status=DepositStatus.FROZEN)
    if rnd.status == RoundStatus.SOLD and rnd.leader_id is not None:
        qs = qs.exclude(pk=rnd.leader_id)
    return qs.update(deposit_status=DepositStatus.REFUNDED, deposit_settled_at=now)


def auction_sweep(*, now: datetime) -> int:
    """Close every round whose (possibly extended) end has passed; returns how many."""
    ids = list(
        Round.objects.filter(status=RoundStatus.ANNOUNCED, ends_at__lte=now).values_list("pk", flat=True)
    )
    for pk in ids:
        round_close(round_id=pk, now=now)
    return len(ids)


def _last_round(lot: Lot) -> Round:
    rnd = lot.rounds.order_by("-number").first()
    if rnd is None:
        raise InvalidTransition("该标的尚未拍卖。")
    return rnd


def _applicants(case: Case) -> list[Party]:
    return [
        cp.party
        for cp in CaseParty.objects.filter(case=case, role=PartyRole.APPLICANT)
        .select_related("party")
        .order_by("position")
    ]


def _source_document(case: Case) -> str:
    return execution_basis(case) or "执行依据"


@transaction.atomic
def sale_confirm(*, actor: User, lot_id: int, now: datetime) -> Lot:
    """Issue the 成交裁定 and serve it on the parties (拍卖变卖规定 2020 art. 26); the asset is to be
    handed over within 15 days (art. 27). Interest stops on the day it takes effect
    (法释〔2014〕8号 art. 3), which is the day the receipt of the price carries."""
    lot = _locked_lot(lot_id, actor)
    rnd = _last_round(lot)
    if lot.status != LotStatus.SOLD or rnd.status != RoundStatus.SOLD or lot.confirmation_id:
        raise InvalidTransition("只有已成交且尚未裁定的拍卖才能作出成交裁定。")
    label = {"first": "第一次拍卖", "second": "第二次拍卖", "reauction": "重新拍卖", "sale_off": "变卖"}[
        rnd.kind
    ]
    doc = document_issue(
        case=lot.case,
        template_code="auction_confirmation",
        context={
            "source_document": _source_document(lot.case),
            "round_label": label,
            "property": lot.title,
            "buyer": lot.buyer_name,
            "price": str(lot.final_price),
        },
        actor=actor,
        now=now,
    )
    service_dispatch(document=doc, actor=actor, now=now, recipients=_case_parties(lot.case))
    _confirmed(lot, doc, now)
    _event(
        lot,
        AuctionEvent.CONFIRMED,
        f"作出拍卖成交裁定（{doc.number}），买受人{lot.buyer_name}",
        actor,
        now,
        rules.sale("26"),
        document=doc.pk,
    )
    return lot


def _confirmed(lot: Lot, doc: Document, now: datetime) -> None:
    today = _local(now)
    lot.confirmation = doc
    lot.confirmed_on = today
    lot.handover_due = period_end(today, rules.HANDOVER_DAYS)
    lot.save(update_fields=["confirmation", "confirmed_on", "handover_due"])
    deadline_open(
        case=lot.case,
        kind=AuctionDeadline.HANDOVER,
        label=f"交付{lot.title}",
        starts_on=today,
        due_on=lot.handover_due,
        source=lot,
        legal_basis=rules.sale("27"),
    )


@transaction.atomic
def payment_record(*, actor: User, lot_id: int, now: datetime, bank_reference: str = "") -> Lot:
    """The buyer's price (deposit applied, balance paid) enters the case account as an auction
    receipt whose interest-stopping day is the day the 成交裁定 took effect (法释〔2014〕8号 art. 3).
    For 以物抵债 only the excess over the creditor's claim is paid in."""
    lot = _locked_lot(lot_id, actor, "funds.manage")
    if lot.confirmed_on is None or lot.paid_at is not None:
        raise InvalidTransition("尚无生效的成交或抵债裁定，或价款已经到账。")
    due = to_money(lot.final_price or 0)
    if lot.status == LotStatus.SET_OFF:
        due = lot.excess_due
        # The debt the creditor took the asset for is paid on the ruling's day (拍卖变卖规定 2020
        # art. 16; interest stops then, 法释〔2014〕8号 art. 3): booked as a set-off, no money moves.
        set_off_book(
            case=lot.case,
            creditor=_set_off_creditor(lot),
            amount=to_money(lot.final_price or 0) - lot.excess_due,
            effective_on=lot.confirmed_on,
            idempotency_key=f"auction-setoff:{lot.pk}",
            actor=actor,
            now=now,
            note=f"以物抵债：{lot.title}，保留价{lot.final_price}元",
        )
    if due > 0:
        receipt = receipt_record(
            case=lot.case,
            amount=due,
            source=ReceiptSource.AUCTION,
            idempotency_key=f"auction:{lot.pk}",
            received_at=now,
            actor=actor,
            payer=lot.buyer_name,
            note=f"拍卖价款 {lot.title} {bank_reference}".strip(),
            effective_on=lot.confirmed_on,
        )
        lot.receipt_id = receipt.pk
    Bidder.objects.filter(
        round__lot=lot, round__status=RoundStatus.SOLD, deposit_status=DepositStatus.FROZEN
    ).update(deposit_status=DepositStatus.APPLIED, deposit_settled_at=now)
    lot.paid_at = now
    lot.save(update_fields=["paid_at", "receipt_id"])
    _event(
        lot,
        AuctionEvent.PAID,
        f"拍卖价款{format_yuan(due)}元到账（停止计息日{lot.confirmed_on:%Y-%m-%d}）",
        actor,
        now,
        LegalBasis(rules.INTEREST_RULES, "2014", "3"),
        amount=str(due),
    )
    return lot


def _set_off_creditor(lot: Lot) -> Party:
    for party in _applicants(lot.case):
        if party.name == lot.buyer_name:
            return party
    raise InvalidTransition(f"找不到接受抵债的申请执行人{lot.buyer_name}。")


@transaction.atomic
def withdrawal_record(*, actor: User, lot_id: int, now: datetime, reason: str = "") -> Round:
    """悔拍: the buyer did not pay; the deposit is forfeited and applied in the legal order
    (art. 24: costs, the resale shortfall, the debt), entering the case account now, and the lot
    goes to a re-auction in which that buyer may not bid."""
    lot = _locked_lot(lot_id, actor)
    rnd = _last_round(lot)
    if rnd.status != RoundStatus.SOLD or lot.paid_at is not None:
        raise InvalidTransition("只有已成交而未付款的拍卖才能认定悔拍。")
    winner = Bidder.objects.select_for_update().get(pk=rnd.leader_id or 0)
    winner.deposit_status = DepositStatus.FORFEITED
    winner.deposit_settled_at = now
    winner.save(update_fields=["deposit_status", "deposit_settled_at"])
    rnd.status = RoundStatus.WITHDRAWN
    rnd.save(update_fields=["status"])
    receipt_record(
        case=lot.case,
        amount=winner.deposit,
        source=ReceiptSource.AUCTION,
        idempotency_key=f"auction-forfeit:{rnd.pk}",
        received_at=now,
        actor=actor,
        payer=winner.real_name,
        note="悔拍保证金不予退还",
    )
    deadline_cancel(case=lot.case, kinds=[AuctionDeadline.HANDOVER], source=lot, now=now)
    lot.status = LotStatus.IN_AUCTION
    lot.buyer_name = ""
    lot.final_price = None
    lot.confirmation = None
    lot.confirmed_on = None
    lot.handover_due = None
    lot.save(
        update_fields=["status", "buyer_name", "final_price", "confirmation", "confirmed_on", "handover_due"]
    )
    shares = rules.forfeiture_apply(
        deposit=winner.deposit,
        costs=lot.costs,
        withdrawn_price=rnd.current_price or Decimal(0),
        resale_price=None,
    )
    _event(
        lot,
        AuctionEvent.WITHDRAWN,
        f"买受人{winner.code}悔拍，保证金{format_yuan(winner.deposit)}元不予退还（{reason or '未按期付款'}）",
        actor,
        now,
        rules.online("24"),
        round=rnd.pk,
        shares=[{"item": s.item, "amount": str(s.amount)} for s in shares],
    )
    return rnd


def forfeiture_shares(lot: Lot) -> list[rules.ForfeitShare]:
    """How the forfeited deposits of this lot are applied (art. 24), with the resale price once known."""
    out: list[rules.ForfeitShare] = []
    resale = lot.final_price if lot.status == LotStatus.SOLD else None
    for rnd in lot.rounds.filter(status=RoundStatus.WITHDRAWN):
        winner = Bidder.objects.get(pk=rnd.leader_id or 0)
        out += rules.forfeiture_apply(
            deposit=winner.deposit,
            costs=lot.costs,
            withdrawn_price=rnd.current_price or Decimal(0),
            resale_price=resale,
        )
    return out


@transaction.atomic
def sale_off_start(*, actor: User, lot_id: int, panel: str, now: datetime) -> Round:
    """After a second 流拍: 变卖 on the same platform for 60 days at the second auction's starting
    price (art. 26; practice in docs/law.md); the first bid opens 24 hours of bidding."""
    lot = _locked_lot(lot_id, actor)
    rnd = _last_round(lot)
    failed = lot.rounds.filter(status=RoundStatus.FAILED).exclude(kind=RoundKind.SALE_OFF).count()
    if rnd.status != RoundStatus.FAILED or failed < 2 or rnd.kind == RoundKind.SALE_OFF:
        raise _refuse("两次拍卖流拍后方可变卖", AuctionErrorCode.NO_MORE_AUCTIONS, rules.online("26"))
    end = now + timedelta(days=rules.SALE_OFF_DAYS)
    sale = Round.objects.create(
        lot=lot,
        court_id=lot.court_id,
        number=rnd.number + 1,
        kind=RoundKind.SALE_OFF,
        starting_price=rnd.starting_price,
        deposit=rnd.deposit,
        increment=rnd.increment,
        notified_at=now,
        announced_at=now,
        starts_at=now,
        ends_at=end,
        scheduled_end=end,
        created_by=actor,
    )
    _decision(
        lot,
        sale,
        DecisionSubject.SALE_OFF,
        panel,
        f"二拍流拍，变卖{rules.SALE_OFF_DAYS}日，变卖价{sale.starting_price}元",
        actor,
        now,
    )
    _announce(lot, sale, actor, now)
    _event(
        lot,
        AuctionEvent.ROUND_ANNOUNCED,
        f"变卖公告：变卖价{format_yuan(sale.starting_price)}元",
        actor,
        now,
        rules.online("26"),
        round=sale.pk,
    )
    return sale


@transaction.atomic
def set_off_accept(*, actor: User, lot_id: int, creditor: Party, panel: str, now: datetime) -> Lot:
    """以物抵债: after a 流拍 an applicant takes the asset at that round's reserve price (拍卖变卖规定
    2020 art. 16), decided by the panel; the ruling is issued and served, and the creditor pays in
    whatever the price exceeds its claim."""
    lot = _locked_lot(lot_id, actor)
    rnd = _last_round(lot)
    if rnd.status != RoundStatus.FAILED:
        raise _refuse("流拍后方可以物抵债", AuctionErrorCode.NO_MORE_AUCTIONS, rules.sale("16"))
    if creditor.pk not in {p.pk for p in _applicants(lot.case)}:
        raise _refuse(
            "只有到场的申请执行人或其他执行债权人可以接受以物抵债",
            AuctionErrorCode.NOT_A_CREDITOR,
            rules.sale("16"),
        )
    price = rnd.starting_price
    share = _set_off_share(lot, price, _local(now))
    excess = price - share
    _decision(lot, rnd, DecisionSubject.SET_OFF, panel, f"{creditor.name}以{price}元接受以物抵债", actor, now)
    doc = document_issue(
        case=lot.case,
        template_code="auction_set_off",
        context={
            "source_document": _source_document(lot.case),
            "round_label": rnd.get_kind_display(),
            "property": lot.title,
            "buyer": creditor.name,
            "price": str(price),
            "excess": str(excess),
        },
        actor=actor,
        now=now,
    )
    service_dispatch(document=doc, actor=actor, now=now, recipients=_case_parties(lot.case))
    lot.status = LotStatus.SET_OFF
    lot.buyer_name = creditor.name
    lot.final_price = price
    lot.excess_due = excess
    lot.save(update_fields=["status", "buyer_name", "final_price", "excess_due"])
    _confirmed(lot, doc, now)
    _event(
        lot,
        AuctionEvent.SET_OFF,
        f"{creditor.name}以保留价{format_yuan(price)}元接受以物抵债（{doc.number}）",
        actor,
        now,
        rules.sale("16"),
        document=doc.pk,
        price=str(price),
        excess=str(excess),
    )
    return lot


def _ahead_of_creditor(lot: Lot) -> Decimal:
    """What the price pays before the case's own creditor: the 执行费用 not yet paid (执行工作规定
    2020 art. 34) and what is left of the claims secured on the asset held by others (拍卖变卖规定
    2020 art. 28)."""
    costs = sum((o.left for o in execution_costs_open(case=lot.case)), Decimal("0.00"))
    secured = sum(
        (secured_claim_left(case=lot.case, claim=c) for c in secured_claims(case=lot.case)), Decimal("0.00")
    )
    return costs + secured


def _set_off_share(lot: Lot, price: Decimal, today: date) -> Decimal:
    """What the creditor who takes the asset at ``price`` is to receive from it (拍卖变卖规定 2020
    art. 16, 应受清偿的债权额): its outstanding claim, but no more than the price leaves after the
    执行费用 and the claims secured on the asset ahead of it. The rest of the price (the 差额) it
    pays in, and that money pays those costs and claims."""
    owed = amount_outstanding(case=lot.case, as_of=today)
    room = max(Decimal("0.00"), to_money(price) - _ahead_of_creditor(lot))
    return min(max(owed, Decimal("0.00")), room)


@transaction.atomic
def proceeds_allocate(
    *, actor: User, lot_id: int, secured: Sequence[Party], now: datetime, panel: str
) -> list[Payout]:
    """Allocate the price in the case account, in the legal order, each share a payout through
    the ledger (approved, then paid to the payee's account like any other):

    1. the 执行费用 posted to the case's ledger and not yet paid (the auction's, the reference
       price's, keeping a distrained movable), pro rata if the price falls short: taken from the
       price first (执行工作规定 2020 art. 34; 民诉解释 2022 arts. 508, 514); each to whoever
       advanced it or is owed it;
    2. the claims secured on the asset by creditors who are not the applicant (a mortgagee
       bank), in the order recorded (拍卖变卖规定 2020 art. 28; 执行工作规定 2020 arts. 31, 55);
    3. the applicants, a mortgagee applicant (``secured``) first, then the others by law (参与分配
       or order of seizure, :func:`lastmile.ledger.services.distribution_propose`), each up to
       what the rest of the price paid of the debt;
    4. the surplus back to the debtor (执行工作规定 2020 art. 34).

    For 以物抵债 the money to share is the difference the creditor paid in (拍卖变卖规定 2020
    art. 16); the debt it took the asset for was booked when the price was recorded."""
    lot = _locked_lot(lot_id, actor, "funds.manage")
    if (
        lot.paid_at is None
        or lot.allocated_at is not None
        or lot.status not in (LotStatus.SOLD, LotStatus.SET_OFF)
    ):
        raise InvalidTransition("拍卖价款尚未到账，或已经分配。")
    total = to_money(lot.final_price or 0) if lot.status == LotStatus.SOLD else lot.excess_due
    left = total
    payouts: list[Payout] = []
    key = f"auction-alloc:{lot.pk}"
    open_costs = execution_costs_open(case=lot.case)
    cost_shares = pro_rata(left, [Claim(f"c{o.cost.pk}", o.left, 0) for o in open_costs])
    for o in open_costs:
        share = cost_shares[f"c{o.cost.pk}"]
        if share <= 0:
            continue
        payouts.append(
            payout_request(
                case=lot.case,
                kind=PayoutKind.EXECUTION_COST,
                amount=share,
                actor=actor,
                now=now,
                idempotency_key=f"{key}:cost{o.cost.pk}",
                execution_cost=o.cost,
                note=f"执行费用优先扣除：{o.cost.label}"[:256],
            )
        )
        left -= share
    costs_paid = total - left
    for claim in secured_claims(case=lot.case):
        share = min(left, secured_claim_left(case=lot.case, claim=claim))
        if share <= 0:
            continue
        payouts.append(
            payout_request(
                case=lot.case,
                kind=PayoutKind.SECURED,
                amount=share,
                actor=actor,
                now=now,
                idempotency_key=f"{key}:secured{claim.party_id}",
                payee_party=claim.party,
                note=f"优先受偿：{claim.right}"[:256],
            )
        )
        left -= share
    secured_ids = {p.pk for p in secured}
    # What the rest of the price paid of the case's debt (the ledger's statement leaves out the
    # money just asked for the costs and the secured creditors) is the applicants' due.
    owed = payee_owed(case=lot.case, kind=PayoutKind.APPLICANT, payee_case=None, as_of=_local(now)).owed
    claims = [
        DistributionClaim(party=p, amount=owed, rank=1 if p.pk in secured_ids else 2)
        for p in _applicants(lot.case)
    ]
    Decision.objects.create(
        lot=lot,
        subject=DecisionSubject.ALLOCATION,
        panel=panel.strip()[:128] or actor.name,
        text=f"价款{total}元：执行费用{costs_paid}元、优先受偿{total - left - costs_paid}元，"
        f"余款{left}元按法定顺序分配",
        decided_by=actor,
        decided_at=now,
    )
    if left > 0:
        payouts += distribution_propose(
            case=lot.case, amount=left, claims=claims, actor=actor, now=now, idempotency_key=key
        )
    lot.allocated_at = now
    lot.save(update_fields=["allocated_at"])
    _event(
        lot,
        AuctionEvent.ALLOCATED,
        f"价款{format_yuan(total)}元按法定顺序分配，共{len(payouts)}笔",
        actor,
        now,
        LegalBasis("最高人民法院关于适用《中华人民共和国民事诉讼法》的解释", "2022", "508"),
        payouts=[p.pk for p in payouts],
    )
    return payouts


@transaction.atomic
def handover_record(*, actor: User, lot_id: int, on: date, now: datetime, note: str = "") -> Lot:
    """The asset handed to the buyer; due within 15 days of the ruling (拍卖变卖规定 2020 art. 27).
    An occupied home waits for its occupants to leave (:func:`home_handover_evaluate`)."""
    lot = _locked_lot(lot_id, actor)
    if lot.confirmed_on is None or lot.handed_over_on is not None:
        raise InvalidTransition("尚无生效的成交或抵债裁定，或已经交付。")
    if on < lot.confirmed_on or on > _local(now):
        raise InvalidAmount("交付日期应在裁定之后、今天之前。")
    asset = Freeze.objects.select_related("asset__party").get(pk=lot.seizure_id).asset
    if asset.kind == AssetKind.REAL_ESTATE:
        # A home still lived in is handed over only once its occupants have left or been moved
        # out after the 腾房公告's period (民事诉讼法 2023 art. 261), as the measures app records.
        evaluation = home_handover_evaluate(
            case=lot.case, party=asset.party, property_ref=asset.identifier, now=now
        )
        if evaluation.refusals:
            r = evaluation.refusals[0]
            raise _refuse(r.message, AuctionErrorCode.HOME_OCCUPIED, r.basis)
    lot.handed_over_on = on
    lot.save(update_fields=["handed_over_on"])
    deadline_complete(case=lot.case, kind=AuctionDeadline.HANDOVER, source=lot, now=now)
    late = lot.handover_due is not None and on > lot.handover_due
    _event(
        lot,
        AuctionEvent.HANDED_OVER,
        f"{lot.title}已交付{lot.buyer_name}" + ("（超过十五日交付期限）" if late else ""),
        actor,
        now,
        rules.sale("27"),
        late=late,
        note=note[:256],
    )
    return lot
