"""专项行动 (:class:`SpecialOperation`) and their targets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SpecialOperation(models.Model):
    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("行动名称"), max_length=64)
    criteria = models.JSONField(_("筛选条件"), default=dict)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="operation_dates"
            ),
            models.UniqueConstraint(fields=["court", "name"], name="operation_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class TargetOutcome(models.TextChoices):
    PENDING = "pending", _("待执行")
    SUMMONED = "summoned", _("拘传到案")
    DETAINED = "detained", _("司法拘留")
    PAID_FULL = "paid_full", _("全部履行")
    SETTLED = "settled", _("达成和解")
    NOT_FOUND = "not_found", _("未找到被执行人")


class OperationTarget(models.Model):
    operation = models.ForeignKey(SpecialOperation, on_delete=models.CASCADE, related_name="targets")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scheduled_on = models.DateField(_("计划日期"), null=True, blank=True)
    outcome = models.CharField(
        _("结果"), max_length=16, choices=TargetOutcome.choices, default=TargetOutcome.PENDING
    )
    amount_recovered = models.DecimalField(_("执行到位金额"), max_digits=16, decimal_places=2, default=0)
    note = models.CharField(_("说明"), max_length=512, blank=True)
    # The measures this target's outcome came from (a 拘传 to court, a 拘留): the report counts
    # what the operation produced, not everything the court did in its dates.
    measures = models.ManyToManyField("measures.Measure", blank=True, related_name="operation_targets")

    class Meta:
        verbose_name = _("行动对象")
        verbose_name_plural = _("行动对象")
        constraints = [
            models.UniqueConstraint(fields=["operation", "case", "party"], name="operation_target_unique"),
            models.CheckConstraint(condition=models.Q(amount_recovered__gte=0), name="target_amount_nonneg"),
        ]
