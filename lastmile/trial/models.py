"""Batch trial of standard loan cases: the first-instance suit (民初) a failed mediation becomes,
hearings scheduled in batches on an external video-hearing system, the standard judgment issued in
batch, its service, the effective date, and the one-click move into enforcement."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Procedure(models.TextChoices):
    SMALL_CLAIMS = "small_claims", _("小额诉讼程序")
    SIMPLIFIED = "simplified", _("简易程序")
    ORDINARY = "ordinary", _("普通程序")


class SmallClaimsExclusion(models.TextChoices):
    """Cases the small-claims procedure may not try (民事诉讼法 2023 art. 166)."""

    PERSONAL_OR_TITLE = "personal_or_title", _("人身关系、财产确权案件")
    FOREIGN = "foreign", _("涉外案件")
    APPRAISAL = "appraisal", _("需要评估、鉴定或者对诉前评估、鉴定结果有异议的案件")
    WHEREABOUTS_UNKNOWN = "whereabouts_unknown", _("一方当事人下落不明的案件")
    COUNTERCLAIM = "counterclaim", _("当事人提出反诉的案件")
    OTHER = "other", _("其他不宜适用小额诉讼的程序审理的案件")


class LawsuitStatus(models.TextChoices):
    FILED = "filed", _("已立案")
    SCHEDULED = "scheduled", _("已排期")
    HEARD = "heard", _("已开庭")
    JUDGED = "judged", _("已判决")
    MEDIATED = "mediated", _("调解结案")


class Lawsuit(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="lawsuit")
    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    mediation = models.OneToOneField(
        "mediation.Mediation",
        verbose_name=_("诉前调解"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lawsuit",
    )
    loan_claim = models.ForeignKey(
        "filing.LoanClaim", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    procedure = models.CharField(_("审理程序"), max_length=16, choices=Procedure.choices)
    status = models.CharField(
        _("状态"), max_length=12, choices=LawsuitStatus.choices, default=LawsuitStatus.FILED
    )
    claimed = models.DecimalField(_("诉讼请求金额"), max_digits=16, decimal_places=2)
    fee = models.DecimalField(_("案件受理费"), max_digits=12, decimal_places=2)
    fee_halved = models.BooleanField(_("减半收取"), default=False)
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    filed_at = models.DateTimeField(_("立案时间"))
    small_claims_limit = models.DecimalField(
        _("小额诉讼标的限额"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    small_claims_basis = models.JSONField(_("限额依据（年平均工资）"), default=dict, blank=True)
    small_claims_agreed_at = models.DateTimeField(_("当事人约定适用小额诉讼时间"), null=True, blank=True)
    exclusions = models.JSONField(_("不适用小额诉讼的情形"), default=list, blank=True)
    fee_difference = models.DecimalField(_("转换程序补交受理费"), max_digits=12, decimal_places=2, default=0)
    converted_at = models.DateTimeField(_("程序转换时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("一审案件")
        verbose_name_plural = _("一审案件")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fee__gte=0, claimed__gt=0, fee_difference__gte=0), name="lawsuit_amounts"
            ),
        ]
        indexes = [models.Index(fields=["court", "status"])]

    def __str__(self) -> str:
        return str(self.case)

    @property
    def appealable(self) -> bool:
        return self.procedure != Procedure.SMALL_CLAIMS


class HearingBatch(models.Model):
    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("开庭开始时间"))
    slot_minutes = models.PositiveSmallIntegerField(_("每案时长（分钟）"))
    provider = models.CharField(_("庭审系统"), max_length=32)
    created_at = models.DateTimeField(_("创建时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("批量排期")
        verbose_name_plural = _("批量排期")
        ordering = ["-starts_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.starts_at:%Y-%m-%d %H:%M}"


class Hearing(models.Model):
    lawsuit = models.ForeignKey(Lawsuit, on_delete=models.CASCADE, related_name="hearings")
    batch = models.ForeignKey(HearingBatch, on_delete=models.PROTECT, related_name="hearings")
    scheduled_at = models.DateTimeField(_("开庭时间"))
    meeting_id = models.CharField(_("会议号"), max_length=64)
    link = models.CharField(_("在线庭审链接"), max_length=255)
    held_at = models.DateTimeField(_("开庭记录时间"), null=True, blank=True)
    note = models.TextField(_("庭审情况"), blank=True)
    record_document = models.OneToOneField(
        "documents.Document",
        verbose_name=_("庭审笔录"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("开庭")
        verbose_name_plural = _("开庭")
        ordering = ["scheduled_at", "pk"]

    def __str__(self) -> str:
        return f"{self.lawsuit} @ {self.scheduled_at:%Y-%m-%d %H:%M}"


class HearingSummons(models.Model):
    """The 传票 of one hearing to one party (民事诉讼法 2023 art. 139; 民诉解释 2022 art. 227)."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="summonses")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    document = models.OneToOneField("documents.Document", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("传票")
        verbose_name_plural = _("传票")
        ordering = ["hearing", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["hearing", "party"], name="hearing_summons_once"),
        ]

    def __str__(self) -> str:
        return f"{self.hearing} → {self.party}"


class RunStatus(models.TextChoices):
    PENDING = "pending", _("待生成")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("部分失败")


class JudgmentBatch(models.Model):
    """Judgments issued together; progress is counted from the judgments (and the failures)."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    lawsuits = models.ManyToManyField(Lawsuit, related_name="+")
    status = models.CharField(max_length=12, choices=RunStatus.choices, default=RunStatus.PENDING)
    total = models.PositiveIntegerField(default=0)
    failures = models.JSONField(_("失败明细"), default=dict, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("批量判决")
        verbose_name_plural = _("批量判决")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk}×{self.total}"


class Judgment(models.Model):
    lawsuit = models.OneToOneField(Lawsuit, on_delete=models.PROTECT, related_name="judgment")
    batch = models.ForeignKey(
        JudgmentBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="judgments"
    )
    document = models.OneToOneField("documents.Document", on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("判决时间"))
    principal = models.DecimalField(_("判决本金"), max_digits=16, decimal_places=2)
    interest = models.DecimalField(_("利息罚息"), max_digits=16, decimal_places=2)
    interest_until = models.DateField(_("利息计至"))
    overdue_rate = models.DecimalField(max_digits=10, decimal_places=8, null=True, blank=True)
    court_fee = models.DecimalField(_("案件受理费"), max_digits=12, decimal_places=2)
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    performance_deadline = models.DateField(_("履行期限届满日"), null=True, blank=True)
    appealed_at = models.DateTimeField(_("上诉时间"), null=True, blank=True)
    paid_at = models.DateTimeField(_("履行完毕登记时间"), null=True, blank=True)
    enforcement_case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("执行案件"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("判决")
        verbose_name_plural = _("判决")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_on__isnull=True) | models.Q(appealed_at__isnull=True),
                name="judgment_appealed_not_effective",
            ),
        ]

    def __str__(self) -> str:
        return self.document.number if self.document_id else str(self.pk)


class Appeal(models.Model):
    """A party's appeal against a judgment, lodged within its period (民事诉讼法 2023 art. 171);
    the copy of the petition is served on the other parties (art. 174) by ``document``."""

    judgment = models.ForeignKey(Judgment, on_delete=models.PROTECT, related_name="appeals")
    appellant = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    lodged_at = models.DateTimeField(_("上诉时间"))
    note = models.CharField(_("上诉请求"), max_length=500, blank=True)
    document = models.OneToOneField(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("上诉")
        verbose_name_plural = _("上诉")
        ordering = ["lodged_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["judgment", "appellant"], name="appeal_once_per_party"),
        ]

    def __str__(self) -> str:
        return f"{self.appellant} → {self.judgment}"
