"""Case funds. (Interface stub written for the foundation: issue C replaces the internals.)"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InterestKind(models.TextChoices):
    NONE = "none", _("不计一般债务利息")
    FIXED = "fixed", _("固定年利率")
    LPR_MULTIPLE = "lpr_multiple", _("LPR倍数")


class Obligation(models.Model):
    """The money debt fixed by the execution basis (执行依据) of a case."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="obligation")
    principal = models.DecimalField(_("本金"), max_digits=16, decimal_places=2)
    interest_kind = models.CharField(
        _("一般债务利息"), max_length=16, choices=InterestKind.choices, default=InterestKind.NONE
    )
    interest_rate = models.DecimalField(_("年利率"), max_digits=9, decimal_places=6, null=True, blank=True)
    lpr_multiple = models.DecimalField(_("LPR倍数"), max_digits=6, decimal_places=3, null=True, blank=True)
    interest_start = models.DateField(_("利息起算日"), null=True, blank=True)
    costs = models.JSONField(_("费用"), default=list, blank=True)
    performance_deadline = models.DateField(_("履行期限届满日"), null=True, blank=True)
    basis_effective_on = models.DateField(_("执行依据生效日"))
    installments = models.JSONField(_("分期履行"), default=list, blank=True)
    allocation_order = models.CharField(_("约定清偿顺序"), max_length=64, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("执行依据确定的金钱债务")
        verbose_name_plural = verbose_name
        constraints = [
            models.CheckConstraint(
                condition=models.Q(principal__gte=0), name="obligation_principal_not_negative"
            ),
        ]


class ReceiptSource(models.TextChoices):
    DEBTOR_TRANSFER = "debtor_transfer", _("被执行人转账")
    BANK_DEDUCTION = "bank_deduction", _("银行扣划")
    AUCTION = "auction", _("拍卖款")
    SETTLEMENT_INSTALLMENT = "settlement_installment", _("和解分期款")
    CASH = "cash", _("现金缴纳")


class Receipt(models.Model):
    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="receipts"
    )
    amount = models.DecimalField(_("金额"), max_digits=16, decimal_places=2)
    source = models.CharField(_("来源"), max_length=32, choices=ReceiptSource.choices)
    idempotency_key = models.CharField(max_length=128, unique=True)
    received_at = models.DateTimeField(_("到账时间"))
    payer = models.CharField(_("付款人"), max_length=128, blank=True)
    note = models.CharField(_("备注"), max_length=256, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("收款")
        verbose_name_plural = _("收款")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="receipt_amount_positive"),
        ]
