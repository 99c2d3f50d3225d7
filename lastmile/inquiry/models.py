"""Network inquiry and control (网络查控): orders to institutions, their signed answers, the assets
found and the freezes and seizures in force.

Money invariant (查封规定 2020 art. 19, no over-freezing): for every case, the sum of
``Freeze.amount_held`` over pending and active money freezes never exceeds what is owed when the
freeze is decided. Decisions are taken under a lock on the case's :class:`Control` row.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from . import protocol

ZERO = Decimal("0.00")


def _money(verbose: Any, **kw: Any) -> models.DecimalField:
    return models.DecimalField(verbose, max_digits=16, decimal_places=2, default=ZERO, **kw)


class Control(models.Model):
    """The case's control state and the row locked while any freeze of the case is decided."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="inquiry_control")
    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    round = models.PositiveIntegerField(_("查控轮次"), default=0)
    round_started_at = models.DateTimeField(_("本轮发起时间"), null=True, blank=True)
    # Freezing of this round waits for all inquiries, or until this moment.
    plan_after = models.DateTimeField(_("最迟冻结时间"), null=True, blank=True)
    released_at = models.DateTimeField(_("全部解除时间"), null=True, blank=True)
    # The last round whose freezing has run past the wait (the sweep skips it afterwards).
    planned_round = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("案件查控")
        verbose_name_plural = _("案件查控")

    def __str__(self) -> str:
        return f"查控 {self.case_id}"


class OrderKind(models.TextChoices):
    INQUIRE = protocol.INQUIRE, _("查询")
    FREEZE = protocol.FREEZE, _("冻结")
    DEDUCT = protocol.DEDUCT, _("扣划")
    UNFREEZE = protocol.UNFREEZE, _("解除冻结")
    RENEW = protocol.RENEW, _("续行冻结")
    SEIZE = protocol.SEIZE, _("查封登记")


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    ACKNOWLEDGED = "acknowledged", _("机构已受理")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    # The institution's result was not booked: it is waiting for staff review (HeldResult).
    HELD = "held", _("结果待核对")


OPEN_ORDER_STATUSES = (OrderStatus.PENDING, OrderStatus.SENT, OrderStatus.ACKNOWLEDGED)


class Order(models.Model):
    """One order to one institution. ``key`` is its idempotency key on the wire."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="inquiry_orders")
    institution = models.CharField(_("协助机构"), max_length=16)
    kind = models.CharField(_("指令类型"), max_length=16, choices=OrderKind.choices)
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    asset = models.ForeignKey("Asset", on_delete=models.PROTECT, null=True, blank=True, related_name="orders")
    freeze = models.ForeignKey(
        "Freeze", on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    amount = _money(_("金额"))
    round = models.PositiveIntegerField(_("查控轮次"), default=0)
    key = models.CharField(_("幂等键"), max_length=64, unique=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次发送时间"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=256, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    note = models.CharField(_("事由"), max_length=128, blank=True)
    # A failed freeze that was decided afresh (its replacement is a new order).
    superseded = models.BooleanField(_("已重新办理"), default=False)
    created_at = models.DateTimeField(_("创建时间"))
    sent_at = models.DateTimeField(_("首次发送时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The ruling that orders the act (served on the parties once the act has landed) and the
    # 协助执行通知书 the institution receives with the order; its number goes out on the wire so
    # the institution's answer references it (民事诉讼法 2023 art. 253; docs/law.md "Documents").
    ruling = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notice = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notice_number = models.CharField(_("协助执行通知书文号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("查控指令")
        verbose_name_plural = _("查控指令")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["court", "status"]),
            models.Index(fields=["case", "round"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="inquiry_order_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(kind__in=protocol.ORDER_KINDS), name="inquiry_order_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.institution} {self.key}"

    @property
    def institution_name(self) -> str:
        try:
            return protocol.institution(self.institution).name
        except KeyError:
            return self.institution

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ORDER_STATUSES


class InboxMessage(models.Model):
    """A signed message from an institution, stored before it is processed. The unique
    (institution, message id) makes duplicates harmless; processing is idempotent."""

    institution = models.CharField(max_length=16)
    message_id = models.CharField(max_length=80)
    order_key = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=16)  # accepted / done / rejected
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=256, blank=True)

    class Meta:
        verbose_name = _("机构回执")
        verbose_name_plural = _("机构回执")
        constraints = [
            models.UniqueConstraint(fields=["institution", "message_id"], name="inquiry_inbox_unique"),
        ]
        indexes = [models.Index(fields=["processed_at", "received_at"])]

    def __str__(self) -> str:
        return f"{self.institution}:{self.message_id}"


class AssetKind(models.TextChoices):
    DEPOSIT = protocol.DEPOSIT, _("存款或支付账户余额")
    SECURITIES = protocol.SECURITIES, _("证券")
    VEHICLE = protocol.VEHICLE, _("车辆")
    REAL_ESTATE = protocol.REAL_ESTATE, _("不动产")
    EQUITY = protocol.EQUITY, _("股权")
    PROVIDENT_FUND = protocol.PROVIDENT_FUND, _("住房公积金")
    SOCIAL_INSURANCE = protocol.SOCIAL_INSURANCE, _("社会保险")
    # A movable found on site and distrained by the court itself (扣押; no registry): equipment.
    MOVABLE = "movable", _("动产")


class Asset(models.Model):
    """Something an inquiry found for a debtor of the case."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="inquiry_assets")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    institution = models.CharField(_("协助机构"), max_length=16)
    kind = models.CharField(_("财产类型"), max_length=24, choices=AssetKind.choices)
    identifier = models.CharField(_("账号或登记号"), max_length=64)
    label = models.CharField(_("说明"), max_length=128, blank=True)
    balance = models.DecimalField(_("余额或价值"), max_digits=16, decimal_places=2, null=True, blank=True)
    details = models.JSONField(_("明细"), default=dict, blank=True)
    found_at = models.DateTimeField(_("查得时间"))
    # The last round whose freezing considered this asset (so it is decided once per round).
    planned_round = models.PositiveIntegerField(default=0)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="+")
    # Why a good-faith rule kept control off this asset, with its basis (法发〔2019〕35号; 查封规定
    # 2020 arts. 4, 10), as last decided; shown on the case page.
    guard_note = models.CharField(_("善意执行说明"), max_length=256, blank=True)

    class Meta:
        verbose_name = _("查得财产")
        verbose_name_plural = _("查得财产")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "institution", "identifier"], name="inquiry_asset_unique"
            ),
        ]
        # The same property across cases and courts (轮候查封: who holds it first) is found by
        # its registration number.
        indexes = [models.Index(fields=["identifier"], name="inquiry_asset_identifier")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.identifier}"

    @property
    def institution_name(self) -> str:
        try:
            return protocol.institution(self.institution).name
        except KeyError:
            return self.institution

    @property
    def is_seizable(self) -> bool:
        return self.kind in (AssetKind.VEHICLE, AssetKind.REAL_ESTATE, AssetKind.EQUITY)


class FreezeStatus(models.TextChoices):
    PENDING = "pending", _("冻结中")
    ACTIVE = "active", _("已冻结")
    RELEASED = "released", _("已解除")
    DEDUCTED = "deducted", _("已扣划")
    LAPSED = "lapsed", _("已失效")
    FAILED = "failed", _("未冻结")


HOLDING_STATUSES = (FreezeStatus.PENDING, FreezeStatus.ACTIVE)


class Freeze(models.Model):
    """A freeze of money (with an amount) or a seizure of a vehicle, real estate or equity.

    ``amount_held`` is what the freeze holds against the case's budget: the requested amount
    while the order is pending, the frozen amount less what was deducted or released once active,
    0 when it has ended.
    """

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="inquiry_freezes")
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="freezes")
    is_money = models.BooleanField(_("资金冻结"), default=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=FreezeStatus.choices, default=FreezeStatus.PENDING
    )
    amount_requested = _money(_("申请冻结金额"))
    amount_frozen = _money(_("实际冻结金额"))
    amount_deducted = _money(_("已扣划金额"))
    amount_released = _money(_("已解除金额"))
    amount_held = _money(_("占用额度"))
    freeze_ref = models.CharField(_("冻结编号"), max_length=64, blank=True)
    starts_on = models.DateField(_("冻结起始日"), null=True, blank=True)
    expires_on = models.DateField(_("冻结届满日"), null=True, blank=True)
    renewals = models.PositiveSmallIntegerField(_("续行次数"), default=0)
    # 活封: the seized item stays in the debtor's use (查封规定 2020 art. 10); the family's necessary
    # home is only ever seized so (art. 4).
    live_seal = models.BooleanField(_("活封"), default=False)
    created_at = models.DateTimeField(_("创建时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("冻结查封")
        verbose_name_plural = _("冻结查封")
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "expires_on"]), models.Index(fields=["case", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount_held__gte=0), name="inquiry_freeze_held_not_negative"),
            models.CheckConstraint(
                condition=Q(amount_deducted__lte=F("amount_frozen")),
                name="inquiry_freeze_deduct_within_frozen",
            ),
            models.CheckConstraint(
                condition=Q(amount_frozen__lte=F("amount_requested")) | Q(is_money=False),
                name="inquiry_freeze_within_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.asset_id} {self.amount_held}"

    @property
    def is_holding(self) -> bool:
        return self.status in HOLDING_STATUSES


class HoldReason(models.TextChoices):
    OVER_AMOUNT = "over_amount", _("回报金额超出指令金额")
    NOT_IN_FLIGHT = "not_in_flight", _("指令不在办理中")
    FREEZE_ENDED = "freeze_ended", _("冻结已结束")


class HeldResult(models.Model):
    """A signed deduction result that was not booked to the ledger and waits for review: it
    claims more than the order asked for, or arrived for an order that was no longer in flight
    (failed, or its freeze had ended). A valid signature proves who sent a message, not that
    the money moved; staff compare it with the institution's statement before anything is
    booked (by a receipt in the ledger, never from this row)."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="inquiry_held_results")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="held_results")
    message = models.OneToOneField(InboxMessage, on_delete=models.PROTECT, related_name="held")
    reason = models.CharField(_("原因"), max_length=16, choices=HoldReason.choices)
    amount = _money(_("机构回报金额"))
    order_amount = _money(_("指令金额"))
    order_status = models.CharField(_("收到时指令状态"), max_length=16)
    created_at = models.DateTimeField(_("收到时间"))
    reviewed_at = models.DateTimeField(_("核对时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = models.CharField(_("核对意见"), max_length=256, blank=True)

    class Meta:
        verbose_name = _("待核对的机构回报")
        verbose_name_plural = _("待核对的机构回报")
        ordering = ["-id"]
        indexes = [models.Index(fields=["court", "reviewed_at"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.order_id} {self.amount}"


# The rows of 扣押 custody, income withholding, 到期债权 and 轮候查封 (issue N) live in their own module.
from .models_takings import (  # noqa: E402, F401
    Custody,
    IncomePayment,
    IncomeWithholding,
    Receivable,
    ReceivableStatus,
    WaitingSeizure,
    WaitingStatus,
    WithholdingStatus,
)
