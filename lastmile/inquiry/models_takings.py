"""Rows of the other ways property and money are taken (issue N): the custody of a movable
distrained on site (扣押, 民事诉讼法 2023 art. 255), income withheld through the employer (扣留、
提取收入, art. 254), a debt a third party owes the debtor (到期债权, 执行工作规定 2020 arts. 45–53)
and a waiting-list seizure (轮候查封, 查封规定 2020 art. 26).

Imported by :mod:`lastmile.inquiry.models` so Django registers them with the inquiry app."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0.00")


def _money(label: object, **kw: object) -> models.DecimalField:
    return models.DecimalField(label, max_digits=16, decimal_places=2, **kw)  # type: ignore[arg-type]


class Custody(models.Model):
    """Who keeps a distrained movable, where, with whose help, and what keeping it costs (查封规定
    2020 arts. 8–10: the court may keep it, entrust it to a custodian, or leave it with the debtor)."""

    freeze = models.OneToOneField("inquiry.Freeze", on_delete=models.PROTECT, related_name="custody")
    custodian = models.CharField(_("保管人"), max_length=128)
    place = models.CharField(_("存放地点"), max_length=256)
    assisting_court = models.CharField(_("协助执行法院"), max_length=128, blank=True)
    costs = _money(_("扣押及保管费用"), default=ZERO)
    costs_note = models.CharField(_("费用说明"), max_length=256, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("扣押物保管")
        verbose_name_plural = _("扣押物保管")
        constraints = [
            models.CheckConstraint(condition=Q(costs__gte=0), name="inquiry_custody_costs_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.custodian} {self.place}"


class WithholdingStatus(models.TextChoices):
    ACTIVE = "active", _("扣留中")
    COMPLETED = "completed", _("已扣足")
    RELEASED = "released", _("已解除")


class IncomeWithholding(models.Model):
    """扣留、提取 the debtor's income at an employer: so much a month until ``total``, always leaving
    ``retained`` a month for the debtor and dependants (民事诉讼法 2023 art. 254; 查封规定 2020 art. 3)."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="income_withholdings")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    employer = models.CharField(_("协助单位"), max_length=128)
    monthly_income = _money(_("月收入"))
    dependants = models.PositiveSmallIntegerField(_("所扶养家属人数"), default=0)
    retained = _money(_("每月保留生活费"))
    monthly_amount = _money(_("每月扣留额"))
    total = _money(_("扣留总额"))
    withheld = _money(_("已扣留"), default=ZERO)
    status = models.CharField(
        _("状态"), max_length=16, choices=WithholdingStatus.choices, default=WithholdingStatus.ACTIVE
    )
    ruling = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+")
    notice = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField(_("开始日"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=256, blank=True)
    release_ruling = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("扣留提取收入")
        verbose_name_plural = _("扣留提取收入")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_amount__gt=0), name="inquiry_withholding_monthly_positive"
            ),
            models.CheckConstraint(
                condition=Q(withheld__lte=F("total")), name="inquiry_withholding_within_total"
            ),
            models.CheckConstraint(
                condition=Q(monthly_amount__lte=F("monthly_income") - F("retained")),
                name="inquiry_withholding_keeps_living",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} {self.monthly_amount}"

    @property
    def remaining(self) -> Decimal:
        return self.total - self.withheld


class IncomePayment(models.Model):
    """One month's amount the employer paid over (one row per month: a month is paid once)."""

    withholding = models.ForeignKey(IncomeWithholding, on_delete=models.CASCADE, related_name="payments")
    month = models.CharField(_("月份"), max_length=7)  # YYYY-MM
    amount = _money(_("金额"))
    paid_on = models.DateField(_("汇入日"))
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("收入扣留记录")
        verbose_name_plural = _("收入扣留记录")
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(
                fields=["withholding", "month"], name="inquiry_income_payment_once_a_month"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="inquiry_income_payment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.amount}"


class ReceivableStatus(models.TextChoices):
    ISSUED = "issued", _("待送达")
    SERVED = "served", _("异议期内")
    OBJECTED = "objected", _("第三人异议，停止执行")
    ENFORCEABLE = "enforceable", _("可强制执行")
    ENFORCED = "enforced", _("已裁定强制执行")


class Receivable(models.Model):
    """A debt a third party owes the debtor, reached by a 履行到期债务通知书 (执行工作规定 2020
    art. 45): served directly on the third party, who pays the applicant or objects within 15
    days; a timely objection stops enforcement of what it disputes (arts. 46–48); silence lets the
    court rule to enforce against the third party (art. 49)."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="receivables")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    third_party = models.CharField(_("第三人"), max_length=128)
    third_party_address = models.CharField(_("第三人地址"), max_length=256, blank=True)
    amount = _money(_("到期债务金额"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ReceivableStatus.choices, default=ReceivableStatus.ISSUED
    )
    notice = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+")
    served_on = models.DateField(_("送达日"), null=True, blank=True)
    objection_due = models.DateField(_("异议期限"), null=True, blank=True)
    objection = models.CharField(_("第三人异议"), max_length=512, blank=True)
    admitted = _money(_("第三人承认的数额"), null=True, blank=True)
    objected_on = models.DateField(_("异议日"), null=True, blank=True)
    ruling = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enforced_amount = _money(_("强制执行数额"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("到期债权")
        verbose_name_plural = _("到期债权")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="inquiry_receivable_amount_positive"),
            models.CheckConstraint(
                condition=Q(admitted__isnull=True) | (Q(admitted__gte=0) & Q(admitted__lte=F("amount"))),
                name="inquiry_receivable_admitted_within",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.third_party} {self.amount}"


class WaitingStatus(models.TextChoices):
    WAITING = "waiting", _("轮候中")
    EFFECTIVE = "effective", _("已生效")
    WITHDRAWN = "withdrawn", _("已撤回")


class WaitingSeizure(models.Model):
    """A 轮候查封 of property another seizure holds: registered in order, it takes effect by itself
    when the earlier seizure ends, the earliest-registered first (查封规定 2020 art. 26)."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="waiting_seizures")
    asset = models.ForeignKey("inquiry.Asset", on_delete=models.PROTECT, related_name="waiting_seizures")
    # The registration number the seizures share (certificate, plate, registration of the share).
    identifier = models.CharField(_("登记号"), max_length=64, db_index=True)
    asset_kind = models.CharField(_("财产类型"), max_length=24)
    ahead = models.CharField(_("在先查封"), max_length=128)
    registered_at = models.DateTimeField(_("轮候登记时间"))
    status = models.CharField(
        _("状态"), max_length=16, choices=WaitingStatus.choices, default=WaitingStatus.WAITING
    )
    ruling = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+")
    effective_at = models.DateTimeField(_("生效时间"), null=True, blank=True)
    freeze = models.OneToOneField(
        "inquiry.Freeze", on_delete=models.PROTECT, null=True, blank=True, related_name="from_waiting"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("轮候查封")
        verbose_name_plural = _("轮候查封")
        ordering = ["registered_at", "id"]
        indexes = [models.Index(fields=["identifier", "status", "registered_at"])]

    def __str__(self) -> str:
        return f"{self.identifier} {self.get_status_display()}"
