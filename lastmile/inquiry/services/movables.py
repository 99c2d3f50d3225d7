"""扣押 of a movable found on site (e.g. a 摊铺机 found in 马鞍山, distrained with the local court's
help): the ruling, served on both sides, the custody (who keeps it and where) and its costs, and
its release (民事诉讼法 2023 art. 255; 查封规定 2020 arts. 1, 8–10, 28). The vehicle seizure through
the registry stays :func:`~lastmile.inquiry.services.asset_seize`; a movable has no registry, so the
court's own act is recorded as a finished order with its asset and an active freeze, which the
reference price and the auction then read like any other seizure."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case
from lastmile.core.clock import court_date
from lastmile.core.errors import ConditionsNotMet, Conflict, InvalidAmount, InvalidTransition
from lastmile.core.legal import LegalBasis
from lastmile.core.money import format_yuan, to_money
from lastmile.inquiry.kinds import InquiryEvent
from lastmile.ledger.models import ExecutionCostKind
from lastmile.ledger.services import execution_cost_record
from lastmile.parties.models import Party

from .. import rules
from ..documents import catalog_document_issue
from ..models import (
    HOLDING_STATUSES,
    Asset,
    AssetKind,
    Custody,
    Freeze,
    FreezeStatus,
    Order,
    OrderKind,
    OrderStatus,
)
from .common import _control_lock, _event, _freeze_end, _new_key
from .takings_common import BASIS_DISTRAIN, debtor_of, serve_on_sides, working_case

BASIS_CUSTODY_COSTS = LegalBasis("最高人民法院关于人民法院网络司法拍卖若干问题的规定", "2016", "7")

#: The "institution" of a movable the court distrains itself (no registry is asked).
COURT_ACT = "本院扣押"
MOVABLE_YEARS = 2  # 民诉解释 2022 art. 485: movables are seized for two years at most


@transaction.atomic
def movable_distrain(
    *,
    case: Case,
    party: Party,
    description: str,
    identifier: str,
    custodian: str,
    place: str,
    actor: User,
    now: datetime,
    assisting_court: str = "",
    costs: Decimal | str = "0",
    costs_note: str = "",
) -> Freeze:
    """Distrain the debtor's movable by ruling (served on both sides) and record who keeps it,
    where, with whose help, and the costs (borne by the debtor as execution costs). Refused: a
    party who is not the debtor, no custodian or place, negative costs, a second seizure of the
    same item in the case; nothing is written then."""
    require(actor, "inquiry.order", court=case.court)
    working_case(case)
    debtor_of(case, party, BASIS_DISTRAIN)
    description, identifier = description.strip(), identifier.strip()
    custodian, place = custodian.strip(), place.strip()
    if not (description and identifier and custodian and place):
        raise ConditionsNotMet(
            f"扣押须写明财产、编号、保管人和存放地点（{BASIS_DISTRAIN}）。",
            unmet=[
                k
                for k, v in {
                    "description": description,
                    "identifier": identifier,
                    "custodian": custodian,
                    "place": place,
                }.items()
                if not v
            ],
        )
    try:
        cost = to_money(costs or "0")
    except Exception:
        raise InvalidAmount("费用格式不正确。") from None
    if cost < 0:
        raise InvalidAmount("费用不能为负数。")
    _control_lock(case)
    if Asset.objects.filter(case=case, institution=COURT_ACT, identifier=identifier[:64]).exists():
        raise Conflict("本案已扣押该财产。")
    today = court_date(now)
    order = Order.objects.create(
        court_id=case.court_id,
        case=case,
        institution=COURT_ACT,
        kind=OrderKind.SEIZE,
        party=party,
        key=_new_key("seize"),
        status=OrderStatus.DONE,
        note=(f"{assisting_court}协助" if assisting_court else "本院现场扣押")[:128],
        created_at=now,
        sent_at=now,
        finished_at=now,
        created_by=actor,
    )
    asset = Asset.objects.create(
        court_id=case.court_id,
        case=case,
        party=party,
        institution=COURT_ACT,
        kind=AssetKind.MOVABLE,
        identifier=identifier[:64],
        label=description[:128],
        found_at=now,
        order=order,
    )
    freeze = Freeze.objects.create(
        court_id=case.court_id,
        case=case,
        asset=asset,
        is_money=False,
        status=FreezeStatus.ACTIVE,
        freeze_ref=order.key,
        starts_on=today,
        expires_on=rules.freeze_expiry(today, MOVABLE_YEARS),
        created_at=now,
    )
    order.freeze = freeze
    context = {
        "debtor": party.name,
        "property": f"{description}（编号{identifier}）",
        "custodian": custodian,
        "place": place,
    }
    if assisting_court:
        context["assisting"] = assisting_court
    ruling = catalog_document_issue(
        case=case, code="ruling_distrain_movable", context=context, actor=actor, now=now
    )
    order.ruling = ruling
    order.save(update_fields=["freeze", "ruling"])
    Custody.objects.create(
        freeze=freeze,
        custodian=custodian[:128],
        place=place[:256],
        assisting_court=assisting_court[:128],
        costs=cost,
        costs_note=costs_note[:256],
        recorded_at=now,
        recorded_by=actor,
    )
    # Keeping the distrained item is a 执行费用 borne by the debtor (网络司法拍卖规定 2016 art. 7;
    # 诉讼费用交纳办法 2006 art. 12), owed to the custodian and paid first from the proceeds
    # (执行工作规定 2020 art. 34): posted to the case's ledger.
    execution_cost_record(
        case=case,
        kind=ExecutionCostKind.CUSTODY,
        label=f"扣押及保管费用（{description}）"[:128],
        amount=cost,
        incurred_on=today,
        source_key=f"custody:{freeze.pk}",
        actor=actor,
        now=now,
        basis=BASIS_CUSTODY_COSTS,
        payee_name=custodian,
    )
    serve_on_sides(ruling, case, party, now)
    _event(
        case,
        InquiryEvent.MOVABLE_DISTRAINED,
        f"扣押{description}（{identifier}），由{custodian}于{place}保管"
        + (f"，{assisting_court}协助" if assisting_court else "")
        + (f"，费用{format_yuan(cost)}元" if cost else ""),
        now,
        actor,
        data={"freeze": freeze.pk, "asset": asset.pk, "costs": str(cost)},
        legal_basis=BASIS_DISTRAIN,
    )
    return freeze


@transaction.atomic
def movable_release(*, freeze: Freeze, actor: User, now: datetime, reason: str = "") -> Freeze:
    """Lift the 扣押 of a movable by ruling (查封规定 2020 art. 28), served on both sides; a
    轮候查封 waiting on the item takes effect (art. 26, through the freeze's end)."""
    require(actor, "control.release", court=freeze.case.court)
    _control_lock(freeze.case)
    locked = Freeze.objects.select_for_update().select_related("asset", "case").get(pk=freeze.pk)
    if locked.asset.kind != AssetKind.MOVABLE or locked.status not in HOLDING_STATUSES:
        raise InvalidTransition("只有生效中的动产扣押可以在此解除。")
    reason = reason.strip() or "本院认为应当解除"
    ruling = catalog_document_issue(
        case=locked.case,
        code="ruling_unfreeze",
        context={
            "debtor": locked.asset.party.name,
            "reason": reason,
            "targets": f"{locked.asset.label}（编号{locked.asset.identifier}）",
        },
        actor=actor,
        now=now,
    )
    _freeze_end(locked, FreezeStatus.RELEASED, reason, now)
    serve_on_sides(ruling, locked.case, locked.asset.party, now)
    _event(
        locked.case,
        InquiryEvent.RELEASED,
        f"解除扣押{locked.asset.label}：{reason}",
        now,
        actor,
        data={"freeze": locked.pk},
    )
    return locked
