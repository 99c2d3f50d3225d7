"""Pages of the online judicial auction.

Public (anyone): the list of announced auctions, an auction's page with its countdown and the bid
history by bidder codes, and its state as JSON for the countdown; a logged-in user registers
under their real name and bids there. Nothing else is public: a round not yet announced is 404,
and no page shows a bidder's identity (网络司法拍卖规定 2016 art. 18).

Staff (the court's enforcement judges; finance for the money): the lots of the court, a lot
from a seizure, and the decisions of a lot.
"""

from __future__ import annotations

from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from lastmile.accounts.http import AuthedRequest
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import CaseParty, PartyRole
from lastmile.core.clock import get_clock
from lastmile.core.errors import ConditionsNotMet, DomainError, NotFound
from lastmile.core.inputs import int_or_none
from lastmile.core.money import parse_amount
from lastmile.ledger import selectors as ledger_selectors
from lastmile.ledger.services import secured_claim_record
from lastmile.parties.services import party_upsert

from . import selectors, services
from .models import DepositStatus, Round


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "web/error.html", {"message": exc.message}, status=exc.http_status)


def _moment(value: str | None) -> datetime:
    if not value or not value.strip():
        raise ConditionsNotMet("请填写时间。", unmet=["time"])
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ConditionsNotMet("时间格式不正确。", unmet=["time"]) from None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _day(value: str | None) -> date:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        raise ConditionsNotMet("日期格式不正确。", unmet=["date"]) from None


def _int(value: str | None) -> int:
    number = int_or_none(value)
    if number is None:
        raise NotFound("对象不存在。")
    return number


# --- public ---------------------------------------------------------------------------------


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    now = get_clock().now()
    return render(
        request, "auction/public_list.html", {"rounds": selectors.public_rounds(now=now)[:100], "now": now}
    )


def _detail_context(request: HttpRequest, rnd: Round, now: datetime) -> dict[str, object]:
    user = request.user if request.user.is_authenticated else None
    return {
        "rnd": rnd,
        "lot": rnd.lot,
        "present": selectors.lot_present_state(lot=rnd.lot),
        "state": selectors.round_state(rnd=rnd, now=now),
        "history": selectors.bid_history(rnd=rnd),
        "me": selectors.bidder_of(rnd=rnd, user=user),  # type: ignore[arg-type]
        "now": now,
        "is_staff_user": bool(user and getattr(user, "role", "")),
    }


@require_GET
def public_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    now = get_clock().now()
    try:
        rnd = selectors.public_round(round_id=round_id, now=now)
    except DomainError as exc:
        return _error(request, exc)
    return render(request, "auction/public_detail.html", _detail_context(request, rnd, now))


@require_GET
def public_state(request: HttpRequest, round_id: int) -> HttpResponse:
    now = get_clock().now()
    try:
        rnd = selectors.public_round(round_id=round_id, now=now)
    except DomainError as exc:
        return JsonResponse({"code": exc.code, "message": exc.message}, status=exc.http_status)
    state = selectors.round_state(rnd=rnd, now=now)
    state["history"] = [
        {
            "code": b.code,
            "amount": str(b.amount),
            "at": b.placed_at.isoformat(),
            "at_local": f"{timezone.localtime(b.placed_at):%H:%M:%S}",
            "matched": b.matched,
            "extended_to": b.extended_to.isoformat() if b.extended_to else None,
            "extended_to_local": f"{timezone.localtime(b.extended_to):%H:%M:%S}" if b.extended_to else None,
        }
        for b in selectors.bid_history(rnd=rnd, limit=20)
    ]
    return JsonResponse(state, json_dumps_params={"ensure_ascii": False})


def _is_staff(user: object) -> bool:
    return bool(getattr(user, "role", ""))


def public_signup(request: HttpRequest, round_id: int) -> HttpResponse:
    """A member of the public becomes a real-name bidder of a round: a login, the identity and the
    deposit (simulated card payment) in one form, then logged in and back on the auction page to
    bid (网络司法拍卖规定 2016 art. 17)."""
    now = get_clock().now()
    try:
        rnd = selectors.public_round(round_id=round_id, now=now)
    except DomainError as exc:
        return _error(request, exc)
    if request.user.is_authenticated:
        return redirect("auction:public_detail", round_id=round_id)
    form = {k: request.POST.get(k, "") for k in ("username", "real_name", "id_number", "deposit_card")}
    error = ""
    if request.method == "POST":
        try:
            bidder = services.bidder_signup(
                round_id=round_id,
                username=form["username"],
                password=request.POST.get("password", ""),
                real_name=form["real_name"],
                id_number=form["id_number"],
                deposit_card=form["deposit_card"],
                now=now,
            )
        except DomainError as exc:
            error = exc.message
        else:
            auth_login(request, bidder.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, f"报名成功，保证金{bidder.deposit}元已冻结（模拟支付）。您的竞买代码：{bidder.code}"
            )
            return redirect("auction:public_detail", round_id=round_id)
    return render(
        request,
        "auction/public_signup.html",
        {"rnd": rnd, "lot": rnd.lot, "form": form, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_POST
def public_register(request: AuthedRequest, round_id: int) -> HttpResponse:
    """Real-name registration with the deposit; staff accounts do not bid."""
    if _is_staff(request.user):
        return _error(request, NotFound("工作人员账号不能参加竞买。"))
    try:
        services.bidder_register(
            user=request.user,
            round_id=round_id,
            real_name=request.POST.get("real_name", ""),
            id_number=request.POST.get("id_number", ""),
            now=get_clock().now(),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        if isinstance(exc, NotFound):
            return _error(request, exc)
    else:
        messages.success(request, "报名成功，保证金已冻结。")
    return redirect("auction:public_detail", round_id=round_id)


@login_required
@require_POST
def public_bid(request: AuthedRequest, round_id: int) -> HttpResponse:
    """A bid from the page, timed by the server clock when it arrives (art. 20)."""
    if _is_staff(request.user):
        return _error(request, NotFound("工作人员账号不能参加竞买。"))
    try:
        amount = parse_amount(request.POST.get("amount", ""))
        result = services.bid_place(
            user=request.user, round_id=round_id, amount=amount, now=get_clock().now()
        )
    except DomainError as exc:
        if isinstance(exc, NotFound):
            return _error(request, exc)
        messages.error(request, exc.message)
    else:
        text = f"出价{result.current_price}元成功。"
        if result.extended:
            text += f"竞价延时至{timezone.localtime(result.ends_at):%H:%M:%S}。"
        messages.success(request, text)
    return redirect("auction:public_detail", round_id=round_id)


# --- staff ----------------------------------------------------------------------------------


@login_required
def staff_lots(request: AuthedRequest) -> HttpResponse:
    """The court's lots, and a new lot from a seizure (POST)."""
    try:
        if request.method == "POST":
            lot = services.lot_create(
                actor=request.user,
                seizure_id=_int(request.POST.get("seizure_id")),
                title=request.POST.get("title", ""),
                reference_price=parse_amount(request.POST.get("reference_price", "")),
                reference_source=request.POST.get("reference_source", ""),
                reference_on=_day(request.POST.get("reference_on")),
                description=request.POST.get("description", ""),
                costs=parse_amount(request.POST.get("costs") or "0"),
                now=get_clock().now(),
            )
            return redirect("auction:staff_lot", lot_id=lot.pk)
        lots = selectors.lots_for(actor=request.user)
        seizures = (
            selectors.seizures_available(actor=request.user) if actor_can(request.user, services.CAP) else []
        )
    except DomainError as exc:
        return _error(request, exc)
    return render(request, "auction/staff_lots.html", {"lots": lots, "seizures": seizures})


@login_required
@require_GET
def staff_lot(request: AuthedRequest, lot_id: int) -> HttpResponse:
    try:
        lot = selectors.lot_get_for(actor=request.user, lot_id=lot_id)
    except DomainError as exc:
        return _error(request, exc)
    rounds = list(lot.rounds.order_by("number"))
    applicants = [
        cp.party
        for cp in CaseParty.objects.filter(case=lot.case, role=PartyRole.APPLICANT).select_related("party")
    ]
    return render(
        request,
        "auction/staff_lot.html",
        {
            "lot": lot,
            "rounds": rounds,
            "last": rounds[-1] if rounds else None,
            "bidders": {r.pk: list(r.bidders.order_by("id")) for r in rounds if r.status != "announced"},
            "decisions": lot.decisions.order_by("decided_at"),
            "applicants": applicants,
            "forfeits": services.forfeiture_shares(lot),
            "can_decide": actor_can(request.user, services.CAP),
            "can_fund": actor_can(request.user, "funds.manage"),
            "frozen": DepositStatus.FROZEN,
            "secured": ledger_selectors.secured_claims(case=lot.case),
            "costs": ledger_selectors.execution_costs(case=lot.case),
        },
    )


@login_required
@require_POST
def staff_act(request: AuthedRequest, lot_id: int, action: str) -> HttpResponse:
    """One decision on a lot; refused acts change nothing and say why."""
    now = get_clock().now()
    post = request.POST
    user = request.user
    try:
        selectors.lot_get_for(actor=user, lot_id=lot_id)
        if action == "schedule":
            services.round_schedule(
                actor=user,
                lot_id=lot_id,
                starting_price=parse_amount(post.get("starting_price", "")),
                deposit=parse_amount(post.get("deposit", "")),
                increment=parse_amount(post.get("increment", "")),
                starts_at=_moment(post.get("starts_at")),
                ends_at=_moment(post.get("ends_at")),
                panel=post.get("panel", ""),
                now=now,
            )
        elif action == "reference":
            services.lot_reference_set(
                lot_id=lot_id,
                price=parse_amount(post.get("price", "")),
                source=post.get("source", ""),
                on=_day(post.get("on")),
                actor=user,
                now=now,
            )
        elif action == "preemption":
            id_number = post.get("id_number", "").strip().upper()
            holder = party_upsert(
                kind="person" if id_number[:17].isdigit() else "organisation",
                name=post.get("name", ""),
                id_type="resident_id" if id_number[:17].isdigit() else "uscc",
                id_number=id_number,
                now=now,
            )
            services.preemption_holder_add(
                lot_id=lot_id,
                party=holder,
                basis=post.get("basis", ""),
                rank=int_or_none(post.get("rank")) or 1,
                actor=user,
                now=now,
            )
        elif action == "confirm":
            services.sale_confirm(actor=user, lot_id=lot_id, now=now)
        elif action == "pay":
            services.payment_record(
                actor=user, lot_id=lot_id, now=now, bank_reference=post.get("reference", "")
            )
        elif action == "withdraw":
            services.withdrawal_record(actor=user, lot_id=lot_id, now=now, reason=post.get("reason", ""))
        elif action == "sale_off":
            services.sale_off_start(actor=user, lot_id=lot_id, panel=post.get("panel", ""), now=now)
        elif action == "set_off":
            lot = selectors.lot_get_for(actor=user, lot_id=lot_id)
            creditor = next(
                (
                    cp.party
                    for cp in CaseParty.objects.filter(
                        case=lot.case, role=PartyRole.APPLICANT, party_id=_int(post.get("creditor_id"))
                    ).select_related("party")
                ),
                None,
            )
            if creditor is None:
                raise NotFound("申请执行人不存在。")
            services.set_off_accept(
                actor=user, lot_id=lot_id, creditor=creditor, panel=post.get("panel", ""), now=now
            )
        elif action == "allocate":
            lot = selectors.lot_get_for(actor=user, lot_id=lot_id)
            secured = [
                cp.party
                for cp in CaseParty.objects.filter(case=lot.case, role=PartyRole.APPLICANT).select_related(
                    "party"
                )
                if post.get(f"secured_{cp.party_id}")
            ]
            services.proceeds_allocate(
                actor=user, lot_id=lot_id, secured=secured, now=now, panel=post.get("panel", "")
            )
        elif action == "secured":
            # a creditor with a security interest in the asset (a mortgagee bank), applicant or not
            lot = selectors.lot_get_for(actor=user, lot_id=lot_id)
            id_number = post.get("id_number", "").strip().upper()
            person = id_number[:17].isdigit()
            creditor = party_upsert(
                kind="person" if person else "organisation",
                name=post.get("name", ""),
                id_type="resident_id" if person else "uscc",
                id_number=id_number,
                now=now,
            )
            secured_claim_record(
                case=lot.case,
                party=creditor,
                amount=parse_amount(post.get("amount", "")),
                right=post.get("right", ""),
                actor=user,
                now=now,
            )
        elif action == "handover":
            services.handover_record(
                actor=user, lot_id=lot_id, on=_day(post.get("on")), now=now, note=post.get("note", "")
            )
        elif action == "sweep":
            services.auction_sweep(now=now)
        else:
            raise NotFound("操作不存在。")
    except DomainError as exc:
        if isinstance(exc, NotFound):
            return _error(request, exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, "已办理。")
    return redirect(reverse("auction:staff_lot", args=[lot_id]))
