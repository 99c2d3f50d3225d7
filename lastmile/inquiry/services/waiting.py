"""轮候查封 (查封规定 2020 art. 26): a seizure registered behind another court's or case's seizure
of the same property, which takes effect by itself when the earlier seizure ends, the
earliest-registered first. :func:`waiting_seizures_promote` is called from the one place a freeze
or seizure ends (:func:`.common._freeze_end`), so every release and lapse reaches it."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.services import case_event_record
from lastmile.core.clock import court_date
from lastmile.core.errors import ConditionsNotMet, Conflict, InvalidTransition
from lastmile.inquiry.kinds import InquiryEvent

from .. import rules
from ..documents import catalog_document_issue
from ..models import HOLDING_STATUSES, Asset, AssetKind, Freeze, FreezeStatus, WaitingSeizure, WaitingStatus
from .takings_common import BASIS_WAITING, debtor_of, serve_on_sides, working_case


def _years(kind: str) -> int:
    return 2 if kind == AssetKind.MOVABLE else rules.freeze_years(kind)


def _holding(identifier: str) -> Freeze | None:
    return (
        Freeze.objects.filter(asset__identifier=identifier, is_money=False, status__in=HOLDING_STATUSES)
        .select_related("case")
        .order_by("pk")
        .first()
    )


@transaction.atomic
def waiting_seizure_register(*, asset: Asset, actor: User, now: datetime, ahead: str = "") -> WaitingSeizure:
    """Register a 轮候查封 of ``asset`` by ruling, served on both sides. The earlier seizure is the
    one this court's records hold on the same registration number, or, when another court holds
    it, ``ahead`` names that court. Refused (nothing written): money (a deposit is frozen, not
    seized), property not seized by anyone (seize it directly), property this case already
    holds or already waits for."""
    case = asset.case
    require(actor, "inquiry.order", court=case.court)
    working_case(case)
    debtor_of(case, asset.party, BASIS_WAITING)
    if asset.kind == AssetKind.DEPOSIT:
        raise InvalidTransition("存款应当冻结，不办理轮候查封。")
    first = _holding(asset.identifier)
    if first is not None and first.case_id == case.pk:
        raise Conflict("本案已查封该财产。")
    ahead = ahead.strip()
    if first is None and not ahead:
        raise ConditionsNotMet(
            f"该财产未被查封，应当直接查封；轮候查封只适用于已被查封的财产（{BASIS_WAITING}）。",
            unmet=["seized_elsewhere"],
            details={"basis": BASIS_WAITING.as_dict()},
        )
    if WaitingSeizure.objects.filter(
        case=case, identifier=asset.identifier, status=WaitingStatus.WAITING
    ).exists():
        raise Conflict("本案已对该财产轮候查封。")
    ahead_name = ahead or (f"本院{first.case.number}案" if first is not None else "")
    ruling = catalog_document_issue(
        case=case,
        code="ruling_waiting_seizure",
        context={
            "debtor": asset.party.name,
            "property": f"{asset.get_kind_display()}{asset.label or asset.identifier}",
            "ahead": ahead_name,
        },
        actor=actor,
        now=now,
    )
    waiting = WaitingSeizure.objects.create(
        court_id=case.court_id,
        case=case,
        asset=asset,
        identifier=asset.identifier,
        asset_kind=asset.kind,
        ahead=ahead_name[:128],
        registered_at=now,
        ruling=ruling,
        created_by=actor,
    )
    serve_on_sides(ruling, case, asset.party, now)
    case_event_record(
        case=case,
        kind=InquiryEvent.WAITING_REGISTERED,
        summary=f"轮候查封{asset.label or asset.identifier}（在先查封：{ahead_name}）"[:256],
        actor=actor,
        now=now,
        data={"waiting": waiting.pk, "asset": asset.pk},
        legal_basis=BASIS_WAITING,
    )
    return waiting


def waiting_seizures_promote(
    *, identifier: str, now: datetime, actor: User | None = None
) -> WaitingSeizure | None:
    """When no seizure holds ``identifier`` any more, the earliest-registered waiting seizure takes
    effect (art. 26): a new active seizure of its case, from today for its kind's period (民诉解释
    2022 art. 485). Returns it, or None. Runs inside the transaction that ended the earlier one."""
    if _holding(identifier) is not None:
        return None
    waiting = (
        WaitingSeizure.objects.select_for_update()
        .filter(identifier=identifier, status=WaitingStatus.WAITING)
        .select_related("asset", "case")
        .order_by("registered_at", "pk")
        .first()
    )
    if waiting is None:
        return None
    today = court_date(now)
    freeze = Freeze.objects.create(
        court_id=waiting.court_id,
        case=waiting.case,
        asset=waiting.asset,
        is_money=False,
        status=FreezeStatus.ACTIVE,
        starts_on=today,
        expires_on=rules.freeze_expiry(today, _years(waiting.asset_kind)),
        created_at=now,
    )
    waiting.status = WaitingStatus.EFFECTIVE
    waiting.effective_at = now
    waiting.freeze = freeze
    waiting.save(update_fields=["status", "effective_at", "freeze"])
    case_event_record(
        case=waiting.case,
        kind=InquiryEvent.WAITING_EFFECTIVE,
        summary=f"在先查封解除，轮候查封自动生效：{waiting.asset.label or identifier}"[:200]
        + f"，期限至{freeze.expires_on}",
        actor=actor,
        now=now,
        data={"waiting": waiting.pk, "freeze": freeze.pk},
        legal_basis=BASIS_WAITING,
    )
    return waiting


@transaction.atomic
def waiting_seizure_ahead_released(*, waiting: WaitingSeizure, actor: User, now: datetime) -> WaitingSeizure:
    """Record that the earlier seizure held by another court has ended (its notice received): the
    waiting seizure takes effect if it is first in line here (art. 26)."""
    require(actor, "inquiry.order", court=waiting.case.court)
    if waiting.status != WaitingStatus.WAITING:
        raise InvalidTransition("该轮候查封不在轮候中。")
    promoted = waiting_seizures_promote(identifier=waiting.identifier, now=now, actor=actor)
    if promoted is None or promoted.pk != waiting.pk:
        raise ConditionsNotMet(
            f"该财产仍被查封或另有在先轮候，轮候查封尚不能生效（{BASIS_WAITING}）。", unmet=["first_in_line"]
        )
    return promoted
