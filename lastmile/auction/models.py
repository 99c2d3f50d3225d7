"""Rows of the online judicial auction: a lot (one seized asset with its reference price), its
rounds (first auction, second auction, re-auction after 悔拍, 变卖), the registered bidders with
their deposits, the bids, the known pre-emption holders and the collegial decisions.

The reference price is an input: ``reference_price`` with ``reference_source`` and
``reference_on`` (确定财产处置参考价规定 2018), supplied by whoever fixed it (the valuation app when
it exists, or the officer from the report); :func:`.services.lot_reference_set` is the seam.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


def _money(label: Any, **kw: Any) -> models.DecimalField:
    return models.DecimalField(label, max_digits=16, decimal_places=2, **kw)


class PropertyKind(models.TextChoices):
    REAL_ESTATE = "real_estate", _("不动产及其他财产权")
    MOVABLE = "movable", _("动产")


class LotStatus(models.TextChoices):
    PREPARING = "preparing", _("准备拍卖")
    IN_AUCTION = "in_auction", _("拍卖中")
    SOLD = "sold", _("已成交")
    SET_OFF = "set_off", _("以物抵债")
    UNSOLD = "unsold", _("变卖不成")


class Lot(models.Model):
    """One seized asset offered for sale, with the reference price the starting price follows."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="auction_lots")
    seizure = models.ForeignKey("inquiry.Freeze", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("标的物"), max_length=128)
    property_kind = models.CharField(_("财产类别"), max_length=16, choices=PropertyKind.choices)
    description = models.CharField(_("标的物介绍"), max_length=1024, blank=True)
    reference_price = _money(_("参考价"))
    reference_source = models.CharField(_("参考价来源"), max_length=128)
    reference_on = models.DateField(_("参考价确定日"))
    status = models.CharField(
        _("状态"), max_length=16, choices=LotStatus.choices, default=LotStatus.PREPARING
    )
    costs = _money(_("拍卖及执行费用"), default=0)
    # The sale (or 以物抵债) and what follows it.
    buyer_name = models.CharField(_("买受人"), max_length=128, blank=True)
    final_price = _money(_("成交价"), null=True, blank=True)
    # 以物抵债: what the price exceeds the creditor's claim by, paid in (拍卖变卖规定 2020 art. 16).
    excess_due = _money(_("抵债差价"), default=0)
    confirmation = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_on = models.DateField(_("裁定生效日"), null=True, blank=True)
    paid_at = models.DateTimeField(_("付款时间"), null=True, blank=True)
    receipt_id = models.BigIntegerField(_("到账记录"), null=True, blank=True)
    allocated_at = models.DateTimeField(_("分配时间"), null=True, blank=True)
    handover_due = models.DateField(_("交付期限"), null=True, blank=True)
    handed_over_on = models.DateField(_("交付日"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("拍卖标的")
        verbose_name_plural = _("拍卖标的")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(reference_price__gt=0), name="auction_lot_reference_positive"),
            models.CheckConstraint(condition=Q(costs__gte=0), name="auction_lot_costs_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title


class RoundKind(models.TextChoices):
    FIRST = "first", _("一拍")
    SECOND = "second", _("二拍")
    REAUCTION = "reauction", _("悔拍后重新拍卖")
    SALE_OFF = "sale_off", _("变卖")


class RoundStatus(models.TextChoices):
    ANNOUNCED = "announced", _("公告中")
    SOLD = "sold", _("已成交")
    FAILED = "failed", _("流拍")
    WITHDRAWN = "withdrawn", _("悔拍")


class Round(models.Model):
    """One auction (or 变卖) of a lot on the platform: its prices, its periods and its result."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="rounds")
    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("拍次"))
    kind = models.CharField(_("类型"), max_length=16, choices=RoundKind.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.ANNOUNCED
    )
    starting_price = _money(_("起拍价"))
    deposit = _money(_("保证金"))
    increment = _money(_("加价幅度"))
    notified_at = models.DateTimeField(_("通知当事人时间"))
    announced_at = models.DateTimeField(_("公告时间"))
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))  # moved by each bid in the last 5 minutes
    scheduled_end = models.DateTimeField(_("原定结束时间"))
    current_price = _money(_("当前价"), null=True, blank=True)
    leader = models.ForeignKey(
        "Bidder", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("领先")
    )
    bid_count = models.PositiveIntegerField(_("出价次数"), default=0)
    extensions = models.PositiveIntegerField(_("延时次数"), default=0)
    closed_at = models.DateTimeField(_("结束处理时间"), null=True, blank=True)
    announcement = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("拍卖场次")
        verbose_name_plural = _("拍卖场次")
        ordering = ["lot", "number"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "number"], name="auction_round_number_unique"),
            models.CheckConstraint(condition=Q(starting_price__gt=0), name="auction_round_price_positive"),
            models.CheckConstraint(condition=Q(increment__gt=0), name="auction_round_increment_positive"),
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("scheduled_end")), name="auction_round_end_only_later"
            ),
            models.CheckConstraint(
                condition=Q(current_price__isnull=True) | Q(current_price__gte=F("starting_price")),
                name="auction_round_price_at_least_start",
            ),
        ]
        indexes = [models.Index(fields=["status", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.lot} · {self.get_kind_display()}"


class DepositStatus(models.TextChoices):
    FROZEN = "frozen", _("已冻结")
    REFUNDED = "refunded", _("已退还")
    APPLIED = "applied", _("已抵作价款")
    FORFEITED = "forfeited", _("不予退还")


class Bidder(models.Model):
    """A real-name registration for one round, with the deposit frozen (网络司法拍卖规定 2016
    art. 17). ``code`` is all the public ever sees until the end (art. 18)."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="bidders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("竞买代码"), max_length=8)
    real_name = models.CharField(_("真实姓名或名称"), max_length=128)
    id_number = models.CharField(_("身份证号码或统一社会信用代码"), max_length=20)
    preemption = models.ForeignKey(
        "PreemptionHolder", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deposit = _money(_("保证金"))
    deposit_status = models.CharField(
        _("保证金状态"), max_length=16, choices=DepositStatus.choices, default=DepositStatus.FROZEN
    )
    registered_at = models.DateTimeField()
    deposit_settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("竞买人")
        verbose_name_plural = _("竞买人")
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="auction_bidder_once"),
            models.UniqueConstraint(fields=["round", "code"], name="auction_bidder_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code


class Bid(models.Model):
    """One accepted bid, timed at the server (网络司法拍卖规定 2016 art. 20)."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="bids")
    bidder = models.ForeignKey(Bidder, on_delete=models.PROTECT, related_name="bids")
    amount = _money(_("出价"))
    placed_at = models.DateTimeField(_("出价时间"))
    matched = models.BooleanField(_("优先购买权人同价应买"), default=False)
    extended_to = models.DateTimeField(_("延时至"), null=True, blank=True)

    class Meta:
        verbose_name = _("出价")
        verbose_name_plural = _("出价")
        ordering = ["-amount", "-placed_at"]
        constraints = [
            # Ascending: no two ordinary bids at one price; only a pre-emption holder matches.
            models.UniqueConstraint(
                fields=["round", "amount"], condition=Q(matched=False), name="auction_bid_price_unique"
            ),
        ]


class PreemptionHolder(models.Model):
    """A known holder of a right of pre-emption (co-owner, tenant …): notified (art. 16) and
    allowed to match the top bid (art. 21); a lower ``rank`` comes first."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="preemption_holders")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    id_number = models.CharField(_("身份证号码或统一社会信用代码"), max_length=20)
    basis = models.CharField(_("优先购买权依据"), max_length=128)
    rank = models.PositiveSmallIntegerField(_("顺序"), default=1)

    class Meta:
        verbose_name = _("优先购买权人")
        verbose_name_plural = _("优先购买权人")
        ordering = ["rank", "id"]


class DecisionSubject(models.TextChoices):
    TERMS = "terms", _("起拍价、保证金、加价幅度")
    REDUCTION = "reduction", _("降价再拍")
    REAUCTION = "reauction", _("悔拍后重新拍卖")
    SALE_OFF = "sale_off", _("变卖")
    SET_OFF = "set_off", _("以物抵债")
    ALLOCATION = "allocation", _("价款分配")


class Decision(models.Model):
    """A collegial panel's decision where the law wants one (网络司法拍卖规定 2016 art. 27)."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="decisions")
    round = models.ForeignKey(Round, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    subject = models.CharField(_("事项"), max_length=16, choices=DecisionSubject.choices)
    panel = models.CharField(_("合议庭成员"), max_length=128)
    text = models.CharField(_("决定内容"), max_length=1024)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        verbose_name = _("合议庭决定")
        verbose_name_plural = _("合议庭决定")
        ordering = ["decided_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(panel=""), name="auction_decision_has_panel")]
