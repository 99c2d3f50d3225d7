"""Coercive measures (强制措施) and credit punishment (信用惩戒): their rows and constraints.

- :class:`Measure`: one 拘传, 罚款, 司法拘留, 限制消费, 失信 decision, 限制出境 or vehicle seizure,
  with its legal basis, approval chain, document number, start and end, and the guardrail
  evaluation it passed (善意文明执行, 法发〔2019〕35号).
- :class:`DishonestListing`: the published 失信 entry (失信规定 2017 art. 6), denormalised so the
  public query reads one indexed table; the full ID number is kept only as a search key.
- Guardrail inputs: :class:`DebtorProfile` (campus loan, full-time student),
  :class:`EnterpriseScreening` (struggling vs. evading), :class:`GracePeriod`,
  :class:`HomeDesignation` (the family's necessary home), :class:`GuardrailOverride`.
- :class:`RefusalReferral` (拒执) with its steps; :class:`SpecialOperation` (专项行动).
"""

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


ACTIVE_STATUSES = (MeasureStatus.APPROVED, MeasureStatus.IN_FORCE)
# A proposal awaiting the 院长 counts too: a second one for the same debtor and case is a duplicate.
PENDING_OR_ACTIVE = (MeasureStatus.PROPOSED, *ACTIVE_STATUSES)
# Kinds a debtor may bear several of at once in one case: a new fine for a new act
# (民事诉讼法 2023 art. 118), one seizure per vehicle.
REPEATABLE_KINDS = ("fine", "vehicle_seizure")
LISTED_STATUSES = ("grace", "published")


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


class ListingStatus(models.TextChoices):
    GRACE = "grace", _("宽限期内（暂不公布）")
    PUBLISHED = "published", _("已公布")
    REMOVED = "removed", _("已删除")
    REVOKED = "revoked", _("已撤销")


class RemovalGround(models.TextChoices):
    """失信规定 2017 art. 10 (deletion), art. 2 (period end / early), art. 9 (revocation)."""

    PERFORMED = "performed", _("已履行完毕")
    SETTLEMENT_PERFORMED = "settlement_performed", _("执行和解协议已履行完毕")
    APPLICANT_REQUEST = "applicant_request", _("申请执行人书面申请删除")
    ZHONGBEN_NO_PROPERTY = "zhongben_no_property", _("终本后两次以上网络查询均无财产")
    SUSPENDED = "suspended", _("因审判监督或破产程序中止执行")
    NOT_ENFORCED = "not_enforced", _("裁定不予执行")
    TERMINATED = "terminated", _("裁定终结执行")
    PERIOD_ENDED = "period_ended", _("失信期限届满")
    EARLY = "early", _("积极履行或主动纠正，提前删除")
    WRONGFUL = "wrongful", _("错误纳入，予以撤销")


class DishonestListing(models.Model):
    """One published 失信 entry (失信规定 2017 art. 6). The public list reads only this table.

    ``id_key`` is the full normalised ID number or credit code, used only for exact matching;
    what is shown is ``masked_id`` (resident IDs with digits 11–14 hidden: 失信规定 2017 art. 6 publishes
    the ID number, 个人信息保护法 2021 art. 6 limits it to what the purpose needs).
    """

    measure = models.OneToOneField(Measure, on_delete=models.PROTECT, related_name="listing")
    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=16, choices=ListingStatus.choices)
    name = models.CharField(_("姓名或名称"), max_length=128)
    name_key = models.CharField(max_length=128)
    id_key = models.CharField(max_length=32, blank=True)
    masked_id = models.CharField(_("证件号码"), max_length=32, blank=True)
    is_person = models.BooleanField(default=True)
    sex = models.CharField(_("性别"), max_length=8, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    legal_representative = models.CharField(_("法定代表人或负责人"), max_length=128, blank=True)
    court_name = models.CharField(_("执行法院"), max_length=64)
    case_number = models.CharField(_("执行案号"), max_length=40)
    filed_on = models.DateField(_("立案日期"), null=True, blank=True)
    basis = models.CharField(_("执行依据"), max_length=128, blank=True)
    obligation = models.CharField(_("生效法律文书确定的义务"), max_length=512)
    performance = models.CharField(_("履行情况"), max_length=64)
    conduct = models.CharField(_("失信被执行人行为具体情形"), max_length=128)
    ground = models.PositiveSmallIntegerField(choices=DishonestGround.choices)
    decided_on = models.DateField(_("决定日期"))
    publish_on = models.DateField(_("发布日期"))
    period_ends_on = models.DateField(_("期限届满日"), null=True, blank=True)
    removed_on = models.DateField(_("删除日期"), null=True, blank=True)
    removal_ground = models.CharField(_("删除原因"), max_length=32, choices=RemovalGround.choices, blank=True)
    relist_blocked_until = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("失信被执行人名单")
        verbose_name_plural = _("失信被执行人名单")
        indexes = [
            # the public query: exact name (+ ID) among published entries
            models.Index(
                fields=["name_key", "id_key"],
                condition=models.Q(status="published"),
                name="listing_public_lookup",
            ),
            models.Index(fields=["court", "status", "publish_on"], name="listing_court_status"),
            models.Index(fields=["case", "status"], name="listing_case_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["removed", "revoked"])
                | (models.Q(removed_on__isnull=False) & ~models.Q(removal_ground="")),
                name="listing_removal_recorded",
            ),
            models.CheckConstraint(
                condition=models.Q(publish_on__gte=models.F("decided_on")),
                name="listing_publish_after_decision",
            ),
            # 失信规定 2017 art. 6: one entry per debtor and case on the list at a time.
            models.UniqueConstraint(
                fields=["case", "party"],
                condition=models.Q(status__in=LISTED_STATUSES),
                name="listing_one_active_per_debtor_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.case_number}）"


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("审查中")
    CORRECTED = "corrected", _("已更正")
    REVOKED = "revoked", _("已撤销纳入")
    REJECTED = "rejected", _("驳回")


class CorrectionRequest(models.Model):
    """A request to correct a 失信 entry: reviewed within 15 days, corrected within 3 working days
    if justified (失信规定 2017 arts. 11–12)."""

    listing = models.ForeignKey(DishonestListing, on_delete=models.PROTECT, related_name="corrections")
    received_on = models.DateField(_("收到日期"))
    review_due_on = models.DateField(_("审查期限"))
    content = models.CharField(_("申请内容"), max_length=1024)
    status = models.CharField(
        _("状态"), max_length=16, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING
    )
    decided_on = models.DateField(null=True, blank=True)
    decision_note = models.CharField(max_length=512, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("失信信息纠正申请")
        verbose_name_plural = _("失信信息纠正申请")


class DishonestNotApplicable(models.Model):
    """The recorded reason why a debtor is not put on the 失信 list (for the 终本 check)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("不纳入理由"), max_length=512)
    legal_basis = models.JSONField(default=dict)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("不纳入失信名单记录")
        verbose_name_plural = _("不纳入失信名单记录")


# --- guardrail inputs -----------------------------------------------------------------------------


class DebtorProfile(models.Model):
    """Facts about a debtor in a case that the guardrails read (法发〔2019〕35号)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    full_time_student = models.BooleanField(_("全日制在校学生"), default=False)
    campus_loan = models.BooleanField(_("校园贷纠纷"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("被执行人情况")
        verbose_name_plural = _("被执行人情况")
        constraints = [models.UniqueConstraint(fields=["case", "party"], name="debtor_profile_unique")]


class EnterpriseScreening(models.Model):
    """Screening of an enterprise debtor: struggling (暂时经营困难) or evading (规避执行).

    Struggling = all four factors hold: still operating, employees kept, taxes paid, paying in part.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    operating = models.BooleanField(_("仍在正常经营"))
    employees_kept = models.BooleanField(_("稳定职工就业"))
    taxes_paid = models.BooleanField(_("依法纳税"))
    paying_in_part = models.BooleanField(_("部分履行"))
    note = models.CharField(_("甄别意见"), max_length=512, blank=True)
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    screened_at = models.DateTimeField()

    class Meta:
        verbose_name = _("企业经营状况甄别")
        verbose_name_plural = _("企业经营状况甄别")
        ordering = ["-screened_at", "-id"]

    @property
    def struggling(self) -> bool:
        return self.operating and self.employees_kept and self.taxes_paid and self.paying_in_part


class GracePeriod(models.Model):
    """A 1–3 month grace period (宽限期) before a listing or restriction is published (法发〔2019〕35号)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("起始日"))
    ends_on = models.DateField(_("届满日"))
    months = models.PositiveSmallIntegerField(_("月数"))
    reason = models.CharField(_("理由"), max_length=512)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("宽限期")
        verbose_name_plural = _("宽限期")
        constraints = [
            models.CheckConstraint(condition=models.Q(months__gte=1, months__lte=3), name="grace_months_1_3"),
            models.CheckConstraint(condition=models.Q(ends_on__gt=models.F("starts_on")), name="grace_dates"),
        ]


class HomeDesignation(models.Model):
    """A real-estate item of the debtor and whether it is the family's necessary home
    (查封规定 2020 art. 4: may be seized, never auctioned, sold or taken in payment)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    property_ref = models.CharField(_("不动产权证号"), max_length=64)
    address = models.CharField(_("坐落"), max_length=256)
    necessary_home = models.BooleanField(_("被执行人及其所扶养家属生活所必需的居住房屋"))
    notice_served_on = models.DateField(_("执行通知送达日"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("不动产居住情况")
        verbose_name_plural = _("不动产居住情况")
        constraints = [
            models.UniqueConstraint(fields=["case", "property_ref"], name="home_designation_unique"),
        ]


class GuardrailOverride(models.Model):
    """The 院长's written override of an overridable guardrail, with reasons (who, when, text)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    rule = models.CharField(_("规则"), max_length=48)
    proposal_kind = models.CharField(_("措施"), max_length=32)
    reason = models.CharField(_("书面理由"), max_length=1024)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("院长书面批准")
        verbose_name_plural = _("院长书面批准")
        constraints = [models.CheckConstraint(condition=~models.Q(reason=""), name="override_has_reason")]


# --- 拒执 referrals ---------------------------------------------------------------------------------


class ReferralStatus(models.TextChoices):
    PREPARED = "prepared", _("已制作移送材料")
    SENT_TO_POLICE = "sent_to_police", _("已移送公安机关")
    POLICE_FILED = "police_filed", _("公安机关已立案")
    POLICE_DECLINED = "police_declined", _("公安机关不予立案")
    PROCURATORATE = "procuratorate", _("已移送审查起诉")
    PROSECUTED = "prosecuted", _("已提起公诉")
    PRIVATE_PROSECUTION = "private_prosecution", _("申请执行人已提起自诉")
    JUDGED = "judged", _("已判决")


class RefusalReferral(models.Model):
    """A 拒执 referral (刑法 art. 313; 两高 法释〔2024〕13号) and where it stands."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    conduct = models.CharField(_("拒不执行行为"), max_length=1024)
    evidence = models.JSONField(_("证据清单"), default=list)
    measures = models.ManyToManyField(Measure, related_name="+", blank=True)
    status = models.CharField(_("状态"), max_length=24, choices=ReferralStatus.choices)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField()

    class Meta:
        verbose_name = _("拒执移送")
        verbose_name_plural = _("拒执移送")
        indexes = [models.Index(fields=["court", "prepared_at"])]


class ReferralStep(models.Model):
    referral = models.ForeignKey(RefusalReferral, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=24, choices=ReferralStatus.choices)
    on = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=512, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["on", "id"]


# --- 专项行动 ----------------------------------------------------------------------------------------


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

    class Meta:
        verbose_name = _("行动对象")
        verbose_name_plural = _("行动对象")
        constraints = [
            models.UniqueConstraint(fields=["operation", "case", "party"], name="operation_target_unique"),
            models.CheckConstraint(condition=models.Q(amount_recovered__gte=0), name="target_amount_nonneg"),
        ]


class PublicationChannel(models.TextChoices):
    NEWSPAPER = "newspaper", _("报纸")
    WECHAT = "wechat", _("微信公众号")
    LED = "led", _("LED大屏")


class PublicationExport(models.Model):
    """One export of the court's published list for a channel, with the person-times it carries."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("渠道"), max_length=16, choices=PublicationChannel.choices)
    listing_ids = models.JSONField(default=list)
    person_times = models.PositiveIntegerField(_("曝光人次"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("曝光发布")
        verbose_name_plural = _("曝光发布")
        indexes = [models.Index(fields=["court", "created_at"])]
