"""The documents of control acts (issue K: every act issues its document and serves it).

Every 冻结, 查封, 扣押, 扣划, 解除 and 续行 is made by a ruling (执行裁定书: 民事诉讼法 2023
arts. 253, 255; 民诉解释 2022 arts. 484, 485; 查封规定 2020 arts. 1, 28) and carried to the
institution by a 协助执行通知书 (民事诉讼法 2023 art. 253). Both are issued from the catalog when
the order is made, in the order's transaction (numbered, sealed and stored by
:func:`lastmile.documents.services.document_issue`); the notice goes out with the order: its
number is kept on the :class:`~lastmile.inquiry.models.Order` row and sent on the wire, so the
institution's answer refers to it.

The ruling is served on the debtor it reaches and on the applicants (查封规定 2020 art. 1: the
ruling is served on 被执行人 and 申请执行人) once the act has landed, never while the order is in
flight: until then nobody is told (docs/disclosure.md), so the debtor cannot move the money first.

:func:`catalog_document_issue` is the one issuing function of a control ruling; the enforcement
app's 解除 after a settlement (执行和解规定 2020 art. 3) issues its ruling through it and hands
it to :func:`~lastmile.inquiry.services.controls_release_all`, which gives each unfreeze order its
notice (:func:`orders_documents_issue` with ``ruling``). See docs/law.md "Documents".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import Case, CaseParty, PartyRole
from lastmile.core.db import bulk_set
from lastmile.core.money import plain_yuan
from lastmile.documents.markup import cn_num
from lastmile.documents.models import Document
from lastmile.documents.selectors import execution_basis_recited
from lastmile.documents.services import IssueRequest, document_issue, documents_issue_many
from lastmile.service.services import service_dispatch

from . import rules
from .models import AssetKind, Freeze, Order, OrderKind

ASSISTANCE_NOTICE = "assistance_notice"

#: The ruling of a freeze or seizure by the kind of the asset it reaches (民事诉讼法 2023 arts. 253,
#: 255): money is frozen, real estate sealed up (查封), a vehicle distrained (扣押), a share or
#: securities holding frozen as a property right.
FREEZE_RULINGS: dict[str, str] = {
    AssetKind.DEPOSIT: "ruling_freeze",
    AssetKind.REAL_ESTATE: "ruling_seal_up",
    AssetKind.VEHICLE: "ruling_distrain",
    AssetKind.EQUITY: "ruling_freeze_property",
    AssetKind.SECURITIES: "ruling_freeze_property",
    AssetKind.PROVIDENT_FUND: "ruling_freeze_property",
    AssetKind.SOCIAL_INSURANCE: "ruling_freeze_property",
}

#: The ruling of each other control act.
ACT_RULINGS: dict[str, str] = {
    OrderKind.DEDUCT: "ruling_deduct",  # 民事诉讼法 2023 art. 253; 民诉解释 2022 art. 484
    OrderKind.UNFREEZE: "ruling_unfreeze",  # 查封规定 2020 art. 28
    OrderKind.RENEW: "ruling_renew",  # 民诉解释 2022 art. 485
}

ISSUING_CAPABILITY = "document.issue"


def ruling_code(order: Order) -> str:
    """The catalog code of the ruling that makes ``order``'s act."""
    if order.kind in (OrderKind.FREEZE, OrderKind.SEIZE):
        kind = order.asset.kind if order.asset is not None else AssetKind.DEPOSIT
        return FREEZE_RULINGS[kind]
    return ACT_RULINGS[order.kind]


def execution_basis(case: Case) -> str:
    """The 执行依据 a ruling recites: as the served 执行通知书 states it, else the case the
    enforcement came from, else the basis in general words."""
    recited = execution_basis_recited(case)
    if recited:
        return recited
    if case.parent_id:
        return f"{case.parent.number}案的执行依据"  # type: ignore[union-attr]
    return "据以执行的生效法律文书"


def _issuer(actor: User | None) -> User | None:
    """The actor when they may issue documents; else the court's system issues the ruling (the
    command center orders freezes and seizures but issues no documents: the order's event names
    who ordered it)."""
    return actor if actor is not None and actor_can(actor, ISSUING_CAPABILITY) else None


def catalog_document_issue(
    *, case: Case, code: str, context: dict[str, Any], actor: User | None, now: datetime
) -> Document:
    """Issue one document of ``case`` from the catalog (numbered, a ruling in the 执行裁定书
    series, sealed and stored). The 执行依据 is recited unless the caller gives it. The one
    issuing function of control rulings, also used by the enforcement app for its rulings and
    notices (a 解除 after a settlement, 终结执行, 结案, 恢复执行)."""
    return document_issue(
        case=case,
        template_code=code,
        context={"source_document": execution_basis(case), **context},
        actor=_issuer(actor),
        now=now,
    )


def _held_amount(order: Order) -> Decimal:
    """What the order moves: its amount, or (an unfreeze of the whole) what the freeze holds."""
    if order.amount > 0:
        return order.amount
    freeze = order.freeze
    if freeze is None:
        return Decimal("0.00")
    return freeze.amount_held if freeze.is_money else freeze.amount_frozen


def _target(order: Order) -> str:
    """The asset as a ruling lists it."""
    asset = order.asset
    if asset is None:
        return order.institution_name
    if asset.kind == AssetKind.DEPOSIT:
        return (
            f"{asset.institution_name}账户{asset.identifier}内的存款人民币{plain_yuan(_held_amount(order))}元"
        )
    return f"{asset.get_kind_display()}{asset.label or asset.identifier}（{asset.institution_name}登记）"


def _period(asset_kind: str) -> str:
    return f"{cn_num(rules.freeze_years(asset_kind))}年"


def _renewed_until(freeze: Freeze) -> str:
    assert freeze.expires_on is not None
    years = rules.freeze_years(freeze.asset.kind)
    return rules.freeze_expiry(freeze.expires_on + timedelta(days=1), years).isoformat()


def _ruling_context(orders: Sequence[Order], code: str, reason: str) -> dict[str, Any]:
    first = orders[0]
    asset = first.asset
    debtor = first.party.name
    if code in ("ruling_freeze", "ruling_deduct"):
        return {
            "debtor": debtor,
            "institution": "、".join(
                f"{o.institution_name}（账号{o.asset.identifier if o.asset else ''}）" for o in orders
            ),
            "amount": plain_yuan(sum((o.amount for o in orders), Decimal("0.00"))),
        }
    if code == "ruling_seal_up":
        return {"debtor": debtor, "property": asset.label or asset.identifier if asset else ""}
    if code == "ruling_distrain":
        return {"debtor": debtor, "vehicle": asset.label or asset.identifier if asset else ""}
    if code == "ruling_freeze_property":
        return {
            "debtor": debtor,
            "property_kind": asset.get_kind_display() if asset else "财产权",
            "property": f"{asset.label or asset.identifier}（{asset.institution_name}登记）" if asset else "",
            "period": _period(asset.kind if asset else AssetKind.EQUITY),
        }
    targets = "；".join(_target(o) for o in orders)
    if code == "ruling_renew":
        assert first.freeze is not None
        return {"debtor": debtor, "until": _renewed_until(first.freeze), "targets": targets}
    return {"debtor": debtor, "reason": reason or "本院认为应当解除", "targets": targets}


def _request(order: Order) -> str:
    """What the 协助执行通知书 asks the institution to do."""
    asset = order.asset
    amount = plain_yuan(_held_amount(order))
    if order.kind in (OrderKind.FREEZE, OrderKind.SEIZE):
        if asset is None or asset.kind == AssetKind.DEPOSIT:
            return f"冻结被执行人在你单位的存款人民币{amount}元，冻结期限一年，自冻结之日起计算。"
        return f"查封（冻结）被执行人在你单位登记的下列财产，期限{_period(asset.kind)}，自登记之日起计算。"
    if order.kind == OrderKind.DEDUCT:
        return f"将被执行人在你单位已冻结的存款人民币{amount}元划至本院执行款专户。"
    if order.kind == OrderKind.RENEW:
        assert order.freeze is not None
        return f"继续查封、扣押、冻结被执行人在你单位的下列财产，期限至{_renewed_until(order.freeze)}。"
    if order.amount > 0:
        return f"解除对被执行人在你单位下列账户内存款人民币{amount}元的冻结，其余部分继续冻结。"
    return "解除对被执行人在你单位下列财产的查封、扣押、冻结。"


def _notice_context(order: Order, ruling: Document) -> dict[str, Any]:
    asset = order.asset
    return {
        "institution": order.institution_name,
        "ruling_number": ruling.number,
        "request": _request(order),
        "target": (asset.label or asset.identifier) if asset is not None else order.institution_name,
        "amount": plain_yuan(_held_amount(order)),
    }


def _issue_all(requests: list[IssueRequest], actor: User | None, now: datetime) -> list[Document]:
    """Issue ``requests`` in one :func:`documents_issue_many` call (one chunk: the cases' contexts,
    templates and series read once, the documents and their events inserted in bulk); a refusal
    raises, so the caller's transaction leaves nothing behind, as :func:`document_issue` does."""
    if not requests:
        return []
    outcomes = documents_issue_many(requests=requests, actor=_issuer(actor), now=now)
    for outcome in outcomes:
        if outcome.error is not None:
            raise outcome.error
    return [o.document for o in outcomes if o.document is not None]


def orders_documents_issue(
    *,
    orders: Sequence[Order],
    actor: User | None,
    now: datetime,
    reason: str = "",
    ruling: Document | None = None,
) -> list[Document]:
    """Issue the ruling of each act among ``orders`` (one per debtor and kind of ruling: the
    accounts of one debtor frozen together are one ruling) unless ``ruling`` is given (the
    court's decision made elsewhere, e.g. a 解除 after a settlement), then the 协助执行通知书 of
    each order, and record both on the order. ``reason`` is the ground of a 解除. Returns the
    rulings issued (or ``[ruling]``).

    Two calls of :func:`documents_issue_many` whatever the number of orders: all the rulings,
    then all the notices (a notice cites its ruling's number), and the orders saved in one
    statement."""
    if not orders:
        return []
    groups: dict[tuple[int, str], list[Order]] = {}
    for order in orders:
        groups.setdefault((order.party_id, ruling_code(order)), []).append(order)
    bases: dict[int, str] = {}

    def basis(case: Case) -> str:
        if case.pk not in bases:
            bases[case.pk] = execution_basis(case)
        return bases[case.pk]

    if ruling is not None:
        rulings = [ruling] * len(groups)
    else:
        rulings = _issue_all(
            [
                IssueRequest(
                    case=group[0].case,
                    template_code=code,
                    context={"source_document": basis(group[0].case), **_ruling_context(group, code, reason)},
                )
                for (_party, code), group in groups.items()
            ],
            actor,
            now,
        )
    issued: list[Document] = []
    pairs: list[tuple[Order, Document]] = []
    for group, group_ruling in zip(groups.values(), rulings, strict=True):
        if group_ruling not in issued:
            issued.append(group_ruling)
        pairs.extend((order, group_ruling) for order in group)
    notices = _issue_all(
        [
            IssueRequest(
                case=order.case,
                template_code=ASSISTANCE_NOTICE,
                context={"source_document": basis(order.case), **_notice_context(order, group_ruling)},
            )
            for order, group_ruling in pairs
        ],
        actor,
        now,
    )
    for (order, group_ruling), notice in zip(pairs, notices, strict=True):
        order.ruling = group_ruling
        order.notice = notice
        order.notice_number = notice.number[:64]
    bulk_set(Order, [o for o, _ in pairs], ["ruling", "notice", "notice_number"])
    return issued


def order_ruling_serve(*, order: Order, now: datetime) -> None:
    """Serve the ruling of a landed act on the debtor it reaches and on the applicants (查封规定
    2020 art. 1). Idempotent: a recipient already served or being served is skipped (several
    orders may share one ruling)."""
    if order.ruling_id is None:
        return
    ruling = Document.objects.get(pk=order.ruling_id)
    applicants = [
        cp.party
        for cp in CaseParty.objects.filter(case_id=order.case_id, role=PartyRole.APPLICANT)
        .select_related("party")
        .order_by("position", "pk")
    ]
    service_dispatch(document=ruling, actor=None, now=now, recipients=[order.party, *applicants])
