"""Mediation of loan cases, before a suit (诉前调解) and during one (诉中调解).

A 民诉前调 case (created by :mod:`lastmile.filing`) goes to a mediator: one :class:`Mediation`
per case, its online sessions, and the outcome. An agreement (:class:`Agreement`, often paid in
:class:`Installment` s) takes effect once every party has signed it (:class:`PartyAct`,
人民调解法 2010 art. 29); on the parties' joint application (within 30 days, CPL 2023 art. 205)
it becomes a 诉前调确 (judicial confirmation) case, or it becomes a 诉前调书 case, each with its own
number and document; a failed mediation goes to trial (``lastmile.trial``) as 民初.

A 民初 case under trial may be mediated too (``stage = in_suit``, CPL 2023 arts. 96–102): the
agreement becomes a 民事调解书 in the same case, or the case returns to trial.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MediationStatus(models.TextChoices):
    MEDIATING = "mediating", _("调解中")
    AGREED = "agreed", _("已达成协议")
    CONCLUDED = "concluded", _("已出具调确/调书")
    FAILED = "failed", _("调解不成")


class MediationStage(models.TextChoices):
    PRE_SUIT = "pre_suit", _("诉前调解")
    IN_SUIT = "in_suit", _("诉中调解")


class ResultKind(models.TextChoices):
    CONFIRMATION = "confirmation", _("司法确认（诉前调确）")
    STATEMENT = "statement", _("出具调解书（诉前调书）")


RESULT_TYPE_CODES = {ResultKind.CONFIRMATION: "诉前调确", ResultKind.STATEMENT: "诉前调书"}


class Mediation(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="mediation")
    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(
        _("阶段"), max_length=8, choices=MediationStage.choices, default=MediationStage.PRE_SUIT
    )
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("调解员"),
        on_delete=models.PROTECT,
        related_name="mediations",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=MediationStatus.choices, default=MediationStatus.MEDIATING
    )
    accepted_on = models.DateField(_("调解受理日"))
    period_ends_on = models.DateField(_("调解期限届满日"))
    period_provisional = models.BooleanField(_("届满日待复核"), default=False)
    assigned_at = models.DateTimeField(_("分派时间"))
    closed_at = models.DateTimeField(_("调解结束时间"), null=True, blank=True)
    failure_reason = models.CharField(_("调解不成原因"), max_length=256, blank=True)
    result_kind = models.CharField(_("结果"), max_length=16, choices=ResultKind.choices, blank=True)
    result_case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("诉前调确/调书案件"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mediation_result",
    )
    result_document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("调解")
        verbose_name_plural = _("调解")
        ordering = ["period_ends_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_ends_on__gte=models.F("accepted_on")), name="mediation_period_order"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="concluded")
                | models.Q(result_case__isnull=False, result_document__isnull=False),
                name="mediation_concluded_has_result",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="failed") | ~models.Q(failure_reason=""),
                name="mediation_failed_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(stage="in_suit") | ~models.Q(result_kind="confirmation"),
                name="mediation_in_suit_no_confirmation",
            ),
        ]
        indexes = [models.Index(fields=["court", "status"]), models.Index(fields=["mediator", "status"])]

    def __str__(self) -> str:
        return f"{self.case} {self.get_status_display()}"


class MediationSession(models.Model):
    """An online mediation session (在线调解), scheduled and then recorded."""

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="sessions")
    scheduled_at = models.DateTimeField(_("调解时间"))
    link = models.CharField(_("在线调解链接"), max_length=255, blank=True)
    held_at = models.DateTimeField(_("实际进行时间"), null=True, blank=True)
    record = models.TextField(_("调解笔录"), blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("调解场次")
        verbose_name_plural = _("调解场次")
        ordering = ["scheduled_at", "pk"]

    def __str__(self) -> str:
        return f"{self.mediation_id}@{self.scheduled_at:%Y-%m-%d %H:%M}"


class Agreement(models.Model):
    """The mediation agreement (调解协议): what the debtors pay, and when."""

    mediation = models.OneToOneField(Mediation, on_delete=models.PROTECT, related_name="agreement")
    agreed_on = models.DateField(_("达成协议日期"))
    total = models.DecimalField(_("协议给付总额"), max_digits=16, decimal_places=2)
    terms = models.JSONField(_("协议条款"), default=list)
    effective_on = models.DateField(
        _("协议生效日期"), null=True, blank=True, help_text=_("各方当事人签署之日（人民调解法第二十九条）")
    )
    confirmation_applied_on = models.DateField(
        _("共同申请司法确认日期"), null=True, blank=True, help_text=_("各方当事人均已申请之日")
    )
    defaulted_on = models.DateField(_("未按期履行日"), null=True, blank=True)
    enforcement_case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("调解协议")
        verbose_name_plural = _("调解协议")
        constraints = [
            models.CheckConstraint(condition=models.Q(total__gt=0), name="agreement_total_positive"),
            models.CheckConstraint(
                condition=models.Q(confirmation_applied_on__isnull=True)
                | models.Q(effective_on__isnull=False, confirmation_applied_on__gte=models.F("effective_on")),
                name="agreement_applied_after_effective",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mediation_id} {self.total}"


class Installment(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="installments")
    seq = models.PositiveSmallIntegerField(_("期次"))
    due_on = models.DateField(_("应付日期"))
    amount = models.DecimalField(_("应付金额"), max_digits=16, decimal_places=2)
    paid = models.DecimalField(_("已付金额"), max_digits=16, decimal_places=2, default=0)
    paid_on = models.DateField(_("付清日期"), null=True, blank=True)
    missed_on = models.DateField(_("逾期认定日"), null=True, blank=True)

    class Meta:
        verbose_name = _("分期")
        verbose_name_plural = _("分期")
        ordering = ["agreement", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "seq"], name="mediation_installment_unique_seq"),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0, paid__gte=0, paid__lte=models.F("amount")),
                name="mediation_installment_amounts",
            ),
        ]

    def __str__(self) -> str:
        return f"第{self.seq}期 {self.due_on} {self.amount}"

    @property
    def outstanding(self):  # type: ignore[no-untyped-def]
        return self.amount - self.paid


class PartyActKind(models.TextChoices):
    JOINED = "joined", _("确认参加调解")
    SIGNED = "signed", _("签署调解协议")
    APPLIED = "applied", _("申请司法确认")


class ActMethod(models.TextChoices):
    ONLINE = "online", _("在线（当事人账号）")
    ON_SITE = "on_site", _("当面签字（调解员登记）")
    COUNTER = "counter", _("窗口（法院登记）")


class PartyAct(models.Model):
    """What one party did in a mediation, once each: joined it, signed the agreement, applied for
    judicial confirmation. Who, when and how (online through its portal account, or on paper as
    recorded by the mediator or at the counter)."""

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="party_acts")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("行为"), max_length=8, choices=PartyActKind.choices)
    method = models.CharField(_("方式"), max_length=8, choices=ActMethod.choices)
    at = models.DateTimeField(_("时间"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("当事人调解行为")
        verbose_name_plural = _("当事人调解行为")
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["mediation", "party", "kind"], name="mediation_party_act_once"),
            models.CheckConstraint(
                condition=~models.Q(method="online") | models.Q(recorded_by__isnull=True),
                name="mediation_party_act_online_by_party",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party_id} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
