"""A coercive measure or credit punishment (:class:`Measure`) with its subjects, its temporary
lifts (限制消费令) and its reviews (复议), and the choices they use.

:class:`Measure` is one 拘传, 罚款, 司法拘留, 限制消费, 失信 decision, 限制出境 or vehicle seizure,
with its legal basis, approval chain, document number, start and end, and the guardrail
evaluation it passed (善意文明执行, 法发〔2019〕35号)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MeasureKind(models.TextChoices):
    SUMMONS_BY_FORCE = "summons_by_force", _("拘传")
    FINE = "fine", _("罚款")
    DETENTION = "detention", _("司法拘留")
    CONSUMPTION_RESTRICTION = "consumption_restriction", _("限制消费")
    DISHONEST_LISTING = "dishonest_listing", _("纳入失信被执行人名单")
    EXIT_RESTRICTION = "exit_restriction", _("限制出境")
    VEHICLE_SEIZURE = "vehicle_seizure", _("扣押车辆")


class MeasureStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审批")
    APPROVED = "approved", _("已批准待执行")
    IN_FORCE = "in_force", _("执行中")
    EXPIRED = "expired", _("期满")
    LIFTED = "lifted", _("已解除")
    REVOKED = "revoked", _("已撤销")
    REJECTED = "rejected", _("未批准")
    # 拘传 released after questioning, 拘留 served out, 罚款 paid in full (issue K item 2).
    CARRIED_OUT = "carried_out", _("已执行完毕")


ACTIVE_STATUSES = (MeasureStatus.APPROVED, MeasureStatus.IN_FORCE)
# A proposal awaiting the 院长 counts too: a second one for the same debtor and case is a duplicate.
PENDING_OR_ACTIVE = (MeasureStatus.PROPOSED, *ACTIVE_STATUSES)
# Kinds a debtor may bear several of at once in one case: a new fine for a new act
# (民事诉讼法 2023 art. 118), one seizure per vehicle.
REPEATABLE_KINDS = ("fine", "vehicle_seizure")


class DishonestGround(models.IntegerChoices):
    """失信规定 2017 art. 1."""

    ABLE_BUT_REFUSES = 1, _("有履行能力而拒不履行生效法律文书确定义务")
    OBSTRUCTS = 2, _("以伪造证据、暴力、威胁等方法妨碍、抗拒执行")
    EVADES = 3, _("以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行")
    PROPERTY_REPORT = 4, _("违反财产报告制度")
    BREACHES_RESTRICTION = 5, _("违反限制消费令")
    BREACHES_SETTLEMENT = 6, _("无正当理由拒不履行执行和解协议")


class Measure(models.Model):
    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="measures")
    subject = models.ForeignKey(
        "parties.Party", verbose_name=_("被采取措施人"), on_delete=models.PROTECT, related_name="measures"
    )
    # 民事诉讼法 2023 art. 114 ¶2; 民诉解释 2022 art. 482: 拘传, 罚款 and 拘留 reach the people behind
    # an organisation debtor. ``organisation`` is that debtor, ``subject`` the person, ``capacity``
    # what the person is to it (empty: the subject is the debtor itself).
    organisation = models.ForeignKey(
        "parties.Party",
        verbose_name=_("被执行单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    capacity = models.CharField(_("身份"), max_length=24, blank=True)
    kind = models.CharField(_("措施"), max_length=32, choices=MeasureKind.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.PROPOSED
    )
    reason = models.CharField(_("事由"), max_length=512)
    legal_basis = models.JSONField(_("法律依据"), default=dict)
    needs_president = models.BooleanField(_("须院长批准"), default=False)
    # kind-specific terms
    amount = models.DecimalField(_("罚款金额"), max_digits=12, decimal_places=2, null=True, blank=True)
    days = models.PositiveSmallIntegerField(_("拘留日数"), null=True, blank=True)
    hours = models.PositiveSmallIntegerField(_("拘传询问时限（小时）"), null=True, blank=True)
    summons_count = models.PositiveSmallIntegerField(_("已传唤次数"), null=True, blank=True)
    ground = models.PositiveSmallIntegerField(
        _("失信情形"), choices=DishonestGround.choices, null=True, blank=True
    )
    extension_years = models.PositiveSmallIntegerField(_("延长年限"), default=0)
    plate = models.CharField(_("车牌号码"), max_length=16, blank=True)
    # proposal, evaluation and approval
    evaluation = models.JSONField(_("善意文明执行审查"), default=dict)
    warnings_acknowledged = models.BooleanField(_("已确认风险提示"), default=False)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("提出时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=512, blank=True)
    document_number = models.CharField(_("文书字号"), max_length=64, blank=True)
    # life
    starts_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    ends_at = models.DateTimeField(_("届满时间"), null=True, blank=True)
    family_notice_due_at = models.DateTimeField(_("通知家属期限"), null=True, blank=True)
    family_notified_at = models.DateTimeField(_("通知家属时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("终止时间"), null=True, blank=True)
    close_reason = models.CharField(_("终止原因"), max_length=256, blank=True)
    # carrying out (issue K item 2): 拘传 questioning and release (民诉解释 2022 art. 482), the
    # custody a detainee is delivered to and the release (arts. 178, 182).
    place = models.CharField(_("拘传应到处所"), max_length=128, blank=True)
    custody = models.CharField(_("看管场所"), max_length=128, blank=True)
    questioning_record = models.CharField(_("调查询问情况"), max_length=512, blank=True)
    released_at = models.DateTimeField(_("释放时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("强制措施")
        verbose_name_plural = _("强制措施")
        ordering = ["-proposed_at", "-id"]
        indexes = [
            models.Index(fields=["case", "kind", "status"]),
            models.Index(fields=["court", "kind", "starts_at"]),
            models.Index(fields=["status", "ends_at"]),
        ]
        constraints = [
            # 民事诉讼法 (2023) art. 118: individual fine ≤ 100,000; unit fine ≤ 1,000,000.
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gt=0, amount__lte=1_000_000),
                name="measure_fine_bounds",
            ),
            # art. 118: detention at most 15 days.
            models.CheckConstraint(
                condition=models.Q(days__isnull=True) | models.Q(days__gte=1, days__lte=15),
                name="measure_detention_days",
            ),
            # 民诉解释 (2022) art. 482: questioning ≤ 24 hours.
            models.CheckConstraint(
                condition=models.Q(hours__isnull=True) | models.Q(hours__gte=1, hours__lte=24),
                name="measure_summons_hours",
            ),
            models.CheckConstraint(
                condition=models.Q(extension_years__lte=3), name="measure_listing_extension"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="dishonest_listing") | models.Q(ground__gte=1, ground__lte=6),
                name="measure_listing_has_ground",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(starts_at__isnull=False, ends_at__gt=models.F("starts_at")),
                name="measure_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(released_at__isnull=True)
                | models.Q(starts_at__isnull=False, released_at__gte=models.F("starts_at")),
                name="measure_released_after_start",
            ),
            # a person reached behind an organisation says in what capacity
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=True) | ~models.Q(capacity=""),
                name="measure_organisation_capacity",
            ),
            # the approver is never the proposer (two-person rule for 院长 approval)
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True) | ~models.Q(decided_by=models.F("proposed_by")),
                name="measure_approver_not_proposer",
            ),
            # One pending or active measure of a kind per debtor and case, whatever runs in
            # parallel (the guardrail's duplicate rule, held by the database).
            models.UniqueConstraint(
                fields=["case", "subject", "kind"],
                condition=models.Q(status__in=PENDING_OR_ACTIVE) & ~models.Q(kind__in=REPEATABLE_KINDS),
                name="measure_one_active_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.subject}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class SubjectCapacity(models.TextChoices):
    DEBTOR = "debtor", _("被执行人")
    LEGAL_REPRESENTATIVE = "legal_representative", _("法定代表人")
    PRINCIPAL = "principal", _("主要负责人")
    ACTUAL_CONTROLLER = "actual_controller", _("实际控制人")
    DIRECT_RESPONSIBLE = "direct_responsible", _("直接责任人员")


class MeasureSubject(models.Model):
    """Who a 限制消费令 reaches: the debtor and, for an organisation, its legal representative,
    principal responsible person and actual controller (限消规定 2015 art. 3)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="subjects")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    capacity = models.CharField(_("身份"), max_length=24, choices=SubjectCapacity.choices)

    class Meta:
        verbose_name = _("限制消费对象")
        verbose_name_plural = _("限制消费对象")
        constraints = [
            models.UniqueConstraint(fields=["measure", "party", "capacity"], name="measure_subject_unique"),
        ]


class LiftStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class TemporaryLift(models.Model):
    """Temporary lifting of a 限制消费令 for at most one month with 院长 approval
    (善意文明执行意见 法发〔2019〕35号 item 17)."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="temporary_lifts")
    reason_kind = models.CharField(
        _("事由"),
        max_length=16,
        choices=[
            ("illness", _("本人或近亲属重大疾病就医")),
            ("funeral", _("近亲属丧葬")),
            ("duty", _("本人执行或配合执行公务")),
            ("foreign", _("参加外事活动")),
            ("exam", _("重要考试")),
        ],
    )
    note = models.CharField(_("说明"), max_length=256, blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=LiftStatus.choices, default=LiftStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("限制消费临时解除")
        verbose_name_plural = _("限制消费临时解除")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="lift_dates"),
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True) | ~models.Q(decided_by=models.F("proposed_by")),
                name="lift_approver_not_proposer",
            ),
        ]


class ReviewOutcome(models.TextChoices):
    PENDING = "", _("审查中")
    UPHELD = "upheld", _("驳回复议，维持原决定")
    REVOKED = "revoked", _("撤销原决定")
    MODIFIED = "modified", _("变更原决定")


class MeasureReview(models.Model):
    """复议 against a 拘传/罚款/拘留 decision: apply within 3 days, decided within 5; the measure
    is not suspended meanwhile (民事诉讼法 2023 art. 119; 民诉解释 2022 art. 185)."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="reviews")
    applied_on = models.DateField(_("申请日期"))
    decide_by = models.DateField(_("应决定日期"))
    grounds = models.CharField(_("复议理由"), max_length=512)
    outcome = models.CharField(_("结果"), max_length=16, choices=ReviewOutcome.choices, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("复议")
        verbose_name_plural = _("复议")


class FinePayment(models.Model):
    """A payment of a 罚款 (民事诉讼法 2023 art. 118). A fine goes to the state treasury, not to
    the applicant: it is recorded here with its receipt, never booked as case money."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("缴纳金额"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("缴纳日期"))
    receipt_number = models.CharField(_("票据号码"), max_length=64)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("罚款缴纳")
        verbose_name_plural = _("罚款缴纳")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="fine_payment_positive"),
            models.CheckConstraint(condition=~models.Q(receipt_number=""), name="fine_payment_receipt"),
        ]
