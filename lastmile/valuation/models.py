"""Rows of the reference-price procedure (确定财产处置参考价规定 2018): one :class:`Valuation` per
attempt to price one seized asset, the :class:`Answer` of each platform, pricing body or appraisal
firm asked, and the parties' :class:`Objection` with its decision.

A valuation is OPEN while answers are awaited, PRICED once the price is fixed (an online or
appraised price may still be objected to until ``objection_due``), FINAL when no objection is
possible or pending, FAILED when no valid answer came (online inquiry failed: the next attempt is
an appraisal, art. 14), and VOID when an objection was upheld.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def _money(label: object, **kw: object) -> models.DecimalField:
    return models.DecimalField(label, max_digits=16, decimal_places=2, **kw)  # type: ignore[arg-type]


class Method(models.TextChoices):
    AGREEMENT = "agreement", _("当事人议价")
    DIRECTED = "directed", _("定向询价")
    ONLINE = "online", _("网络询价")
    APPRAISAL = "appraisal", _("委托评估")


class ValuationStatus(models.TextChoices):
    OPEN = "open", _("询价评估中")
    PRICED = "priced", _("已确定，异议期内")
    FINAL = "final", _("已确定")
    FAILED = "failed", _("询价不成")
    VOID = "void", _("异议成立，已撤销")


PRICED_STATUSES = (ValuationStatus.PRICED, ValuationStatus.FINAL)


class Valuation(models.Model):
    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="valuations")
    asset = models.ForeignKey("inquiry.Asset", on_delete=models.PROTECT, related_name="valuations")
    method = models.CharField(_("确定方式"), max_length=16, choices=Method.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=ValuationStatus.choices, default=ValuationStatus.OPEN
    )
    key = models.CharField(_("请求编号"), max_length=64, unique=True)
    started_on = models.DateField(_("发起日"))
    answer_due = models.DateField(_("回复期限"), null=True, blank=True)
    extensions = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    # 委托评估: the three firms in order (by agreement or by lot), the seed of the lot, and which
    # firm is commissioned now (0-based).
    firms = models.JSONField(_("评估机构"), default=list, blank=True)
    firms_chosen_by = models.CharField(_("评估机构确定方式"), max_length=16, blank=True)
    lot_seed = models.CharField(_("摇号种子"), max_length=64, blank=True)
    firm_index = models.PositiveSmallIntegerField(default=0)
    price = _money(_("参考价"), null=True, blank=True)
    source = models.CharField(_("参考价来源"), max_length=256, blank=True)
    priced_on = models.DateField(_("确定日"), null=True, blank=True)
    objection_due = models.DateField(_("异议期限"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    cost = _money(_("询价评估费用"), default=0)
    cost_advanced_by = models.ForeignKey(
        "parties.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=256, blank=True)
    request_document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    result_document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("参考价")
        verbose_name_plural = _("参考价")
        ordering = ["-id"]
        indexes = [models.Index(fields=["asset", "status"]), models.Index(fields=["court", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gt=0), name="valuation_price_positive"
            ),
            models.CheckConstraint(condition=Q(cost__gte=0), name="valuation_cost_not_negative"),
            models.CheckConstraint(
                condition=Q(method__in=[m.value for m in Method]), name="valuation_method_known"
            ),
            # One attempt at a time per asset (the open one must end before the next starts).
            models.UniqueConstraint(
                fields=["asset"], condition=Q(status="open"), name="valuation_one_open_per_asset"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.asset_id} {self.price or ''}"


class Answer(models.Model):
    """One source asked: a platform (网络询价), a pricing body (定向询价) or a firm (委托评估)."""

    valuation = models.ForeignKey(Valuation, on_delete=models.CASCADE, related_name="answers")
    source = models.CharField(_("询价对象"), max_length=128)
    value = _money(_("结果"), null=True, blank=True)
    answered_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    on_time = models.BooleanField(_("按期回复"), default=False)
    # A report validly challenged by a party (art. 13): left out of the mean.
    excluded = models.BooleanField(_("已剔除"), default=False)
    reference = models.CharField(_("报告编号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("询价评估结果")
        verbose_name_plural = _("询价评估结果")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["valuation", "source"], name="valuation_answer_unique"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gt=0), name="valuation_answer_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.value or ''}"


class ObjectionOutcome(models.TextChoices):
    PENDING = "pending", _("待审查")
    UPHELD = "upheld", _("异议成立")
    REJECTED = "rejected", _("驳回异议")


class Objection(models.Model):
    valuation = models.ForeignKey(Valuation, on_delete=models.CASCADE, related_name="objections")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    grounds = models.CharField(_("异议理由"), max_length=512)
    filed_on = models.DateField(_("提出日"))
    outcome = models.CharField(
        _("审查结果"), max_length=16, choices=ObjectionOutcome.choices, default=ObjectionOutcome.PENDING
    )
    decided_at = models.DateTimeField(_("审查时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ruling = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("参考价异议")
        verbose_name_plural = _("参考价异议")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.party_id} {self.get_outcome_display()}"
