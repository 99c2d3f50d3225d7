"""Enforcement implementation cases (执行实施案件): what enforcement owns on top of a :class:`Case`.

The case core holds the number, parties, status and timeline. This app keeps the execution basis,
triage result, time-limit pauses and extensions, the procedural record the 终本 check reads, clues,
emergency actions, requests to other courts, settlements and the post-终本 re-query plan.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BasisKind(models.TextChoices):
    """Kinds of execution basis (执行依据) the platform accepts."""

    JUDGMENT = "judgment", _("民事判决书")
    MEDIATION = "mediation", _("民事调解书")
    CONFIRMATION = "confirmation", _("司法确认裁定书")
    ARBITRATION = "arbitration", _("仲裁裁决")
    NOTARIAL = "notarial", _("公证债权文书")
    PAYMENT_ORDER = "payment_order", _("支付令")


class Channel(models.TextChoices):
    COUNTER = "counter", _("窗口立案")
    ONLINE = "online", _("网上立案")


class Track(models.TextChoices):
    PENDING = "pending", _("待分流")
    FAST = "fast", _("快执")
    COMPLEX = "complex", _("精执")


class PriorityClaim(models.TextChoices):
    NONE = "", _("无")
    LABOUR = "labour", _("劳动报酬")
    MAINTENANCE = "maintenance", _("赡养费、扶养费、抚养费")
    MEDICAL = "medical", _("医疗费用")
    PERSONAL_INJURY = "injury", _("人身损害赔偿")


class ClosingMethod(models.TextChoices):
    """The six closing methods (执行工作规定 2020 art. 64; 立结案意见 2014 art. 14)."""

    COMPLETED = "completed", _("执行完毕")
    NO_PROPERTY = "no_property", _("终结本次执行程序")
    TERMINATED = "terminated", _("终结执行")
    CANCELLED = "cancelled", _("销案")
    NOT_ENFORCED = "not_enforced", _("不予执行")
    REJECTED = "rejected", _("驳回申请")


class EnforcementCase(models.Model):
    """The enforcement side of a case of type 执 or 执恢 (one row per case)."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="enforcement"
    )
    channel = models.CharField(_("立案渠道"), max_length=16, choices=Channel.choices)
    submitted_by = models.CharField(_("提交人"), max_length=128, blank=True)
    attachments = models.JSONField(_("申请材料"), default=list, blank=True)
    # Execution basis (执行依据)
    basis_kind = models.CharField(_("执行依据种类"), max_length=16, choices=BasisKind.choices)
    basis_issuer = models.CharField(_("作出机构"), max_length=128)
    basis_number = models.CharField(_("文书编号"), max_length=64)
    basis_effective_on = models.DateField(_("生效日期"))
    performance_deadline = models.DateField(_("履行期限届满日"), null=True, blank=True)
    basis_installments = models.JSONField(_("分期履行安排"), default=list, blank=True)
    principal = models.DecimalField(_("给付金额（本金）"), max_digits=16, decimal_places=2, default=0)
    non_money_acts = models.TextField(_("非金钱给付义务"), blank=True)
    # Application period (CPL 2023 art. 250; 民诉解释 2022 art. 481)
    applied_on = models.DateField(_("申请日期"))
    application_period_starts_on = models.DateField(_("申请执行期间起算日"))
    application_deadline = models.DateField(_("申请执行期间届满日"))
    application_deadline_provisional = models.BooleanField(default=False)
    late_application = models.BooleanField(_("超过申请执行期间"), default=False)
    # Triage (繁简分流)
    known_assets = models.TextField(_("已知财产"), blank=True)
    priority_claim = models.CharField(_("优先债权"), max_length=16, choices=PriorityClaim.choices, blank=True)
    track = models.CharField(_("分流"), max_length=16, choices=Track.choices, default=Track.PENDING)
    triage_score = models.IntegerField(_("分流评分"), default=0)
    triage_reasons = models.JSONField(_("分流理由"), default=list, blank=True)
    # 涉企绿色通道 (法发〔2019〕35号): the enterprise debtors were screened first; triaged first.
    green_channel = models.BooleanField(_("涉企绿色通道"), default=False)
    # Time limit (审限规定 arts. 5, 9)
    time_limit_starts_on = models.DateField(_("执行期限起算日"), null=True, blank=True)
    time_limit_due_on = models.DateField(_("执行期限届满日"), null=True, blank=True)
    time_limit_provisional = models.BooleanField(default=False)
    extension_months = models.PositiveSmallIntegerField(_("已延长月数"), default=0)
    # Closing
    closing_method = models.CharField(_("结案方式"), max_length=16, choices=ClosingMethod.choices, blank=True)
    closing_reason = models.CharField(_("结案理由"), max_length=256, blank=True)

    class Meta:
        verbose_name = _("执行实施案件")
        verbose_name_plural = _("执行实施案件")
        indexes = [models.Index(fields=["track"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(principal__gte=0), name="enf_principal_not_negative"),
        ]

    def __str__(self) -> str:
        return str(self.case)


class StepKind(models.TextChoices):
    """Procedural acts the 终本 check reads (终本规定 2016 arts. 1–3)."""

    EXECUTION_NOTICE = "execution_notice", _("发出执行通知书")
    PROPERTY_REPORT_ORDER = "property_report_order", _("发出报告财产令")
    PROPERTY_REPORT_RECEIVED = "property_report_received", _("被执行人申报财产")
    CONSUMPTION_RESTRICTION = "consumption_restriction", _("发出限制消费令")
    DISHONEST_LISTED = "dishonest_listed", _("纳入失信被执行人名单")
    DISHONEST_NOT_APPLICABLE = "dishonest_na", _("不符合纳入失信名单条件")
    ONLINE_INQUIRY = "online_inquiry", _("网络查控")
    ONSITE_INVESTIGATION = "onsite_investigation", _("现场调查")
    DEBTOR_SEARCH = "debtor_search", _("查找被执行人")
    OBSTRUCTION_PUNISHED = "obstruction_punished", _("妨害执行行为已处罚或移送")
    APPLICANT_INTERVIEW = "applicant_interview", _("约谈申请执行人")


# Kinds that re-typed a fact another app owns (终本规定 2016 art. 1(2), (3), (5)): the 限制消费令 and
# the 失信 listing or its "not applicable" record are the measures app's rows, 网络查控 is the inquiry
# app's orders and answers, a fine or detention for obstruction is a measure. Rows of these kinds
# recorded before are kept as history; no new one is recorded, and the 终本 check ignores them.
RETIRED_STEP_KINDS = frozenset(
    {
        StepKind.CONSUMPTION_RESTRICTION,
        StepKind.DISHONEST_LISTED,
        StepKind.DISHONEST_NOT_APPLICABLE,
        StepKind.ONLINE_INQUIRY,
        StepKind.OBSTRUCTION_PUNISHED,
    }
)
OFFERED_STEP_KINDS = [(v, label) for v, label in StepKind.choices if v not in RETIRED_STEP_KINDS]


class InquiryResult(models.TextChoices):
    NONE = "", _("—")
    FOUND = "found", _("发现可供执行财产")
    NOTHING_FOUND = "nothing_found", _("未发现可供执行财产")
    NOT_DISPOSABLE = "not_disposable", _("发现的财产不能处置")


class ProcedureStep(models.Model):
    """One procedural act done on an enforcement case, with the date it was done."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="enforcement_steps")
    kind = models.CharField(_("事项"), max_length=32, choices=StepKind.choices)
    done_on = models.DateField(_("办理日期"))
    result = models.CharField(_("结果"), max_length=16, choices=InquiryResult.choices, blank=True)
    note = models.CharField(_("说明"), max_length=512, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("执行程序事项")
        verbose_name_plural = _("执行程序事项")
        ordering = ["done_on", "id"]
        indexes = [models.Index(fields=["case", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.done_on}）"


class PauseKind(models.TextChoices):
    """Periods excluded from the time limit (审限规定 art. 9)."""

    SUSPENSION = "suspension", _("中止执行")
    VALUATION = "valuation", _("审计、评估、鉴定")
    AUCTION = "auction", _("拍卖、变卖")
    SETTLEMENT = "settlement", _("执行和解暂缓")
    DEFERRAL = "deferral", _("上级法院通知暂缓")
    PUBLIC_NOTICE = "notice", _("公告")
    JURISDICTION = "jurisdiction", _("管辖权异议或管辖争议处理")
    SECURITY = "security", _("执行担保暂缓执行")


# The excluded periods an officer starts and ends by hand (审限规定 2000 art. 9(2), (3), (4), (6),
# (7), (8)); 中止 and 执行和解 have their own actions and end with them.
RECORDED_PAUSE_KINDS = (
    PauseKind.VALUATION,
    PauseKind.AUCTION,
    PauseKind.DEFERRAL,
    PauseKind.PUBLIC_NOTICE,
    PauseKind.JURISDICTION,
    PauseKind.SECURITY,
)


class TimeLimitPause(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="time_limit_pauses")
    kind = models.CharField(_("扣除事由"), max_length=16, choices=PauseKind.choices)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    reason = models.CharField(_("说明"), max_length=256, blank=True)

    class Meta:
        verbose_name = _("扣除审限期间")
        verbose_name_plural = _("扣除审限期间")
        ordering = ["started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="pause_end_after_start",
            ),
        ]


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("不予批准")


class TimeLimitExtension(models.Model):
    """A request to extend the time limit by 3 months, decided by the 院长 (审限规定 art. 5)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="time_limit_extensions")
    months = models.PositiveSmallIntegerField(_("延长月数"), default=3)
    reason = models.CharField(_("理由"), max_length=256)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=256, blank=True)

    class Meta:
        verbose_name = _("延长执行期限")
        verbose_name_plural = _("延长执行期限")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="pending"), name="one_pending_extension"
            ),
        ]


class ClueKind(models.TextChoices):
    ASSET = "asset", _("财产线索")
    WHEREABOUTS = "whereabouts", _("下落线索")


class ClueStatus(models.TextChoices):
    PENDING = "pending", _("待核查")
    VALID = "valid", _("核查属实")
    INVALID = "invalid", _("核查不实")


class Clue(models.Model):
    """A lead about the debtor's assets or whereabouts; checked within 7 days, or 3 if urgent
    (财产调查规定 2020 art. 2)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="clues")
    kind = models.CharField(_("线索类型"), max_length=16, choices=ClueKind.choices)
    description = models.TextField(_("线索内容"))
    location = models.CharField(_("地点"), max_length=256, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    seen_at = models.DateTimeField(_("发现时间"), null=True, blank=True)
    urgent = models.BooleanField(_("紧急"), default=False)
    submitted_by = models.CharField(_("提供人"), max_length=128)
    submitted_at = models.DateTimeField()
    verify_due_on = models.DateField(_("核查期限"))
    verify_due_provisional = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=ClueStatus.choices, default=ClueStatus.PENDING)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verification_note = models.CharField(_("核查情况"), max_length=512, blank=True)

    class Meta:
        verbose_name = _("线索")
        verbose_name_plural = _("线索")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.description[:20]}"


class EmergencyAction(models.Model):
    """An emergency action (紧急行动) opened from an urgent clue."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="emergency_actions")
    clue = models.ForeignKey(Clue, on_delete=models.PROTECT, related_name="actions")
    team = models.CharField(_("出警人员"), max_length=256)
    planned_at = models.DateTimeField(_("行动时间"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("行动结果"), max_length=512, blank=True)

    class Meta:
        verbose_name = _("紧急行动")
        verbose_name_plural = _("紧急行动")


class AssistanceKind(models.TextChoices):
    COMMISSION = "commission", _("委托执行")
    ASSISTANCE = "assistance", _("协助执行")


class AssistanceStatus(models.TextChoices):
    SENT = "sent", _("待受托法院处理")
    ACCEPTED = "accepted", _("受托法院已受理")
    REPLIED = "replied", _("已回复")
    RETURNED = "returned", _("已退回")


class AssistanceRequest(models.Model):
    """A request to another court to execute (委托执行) or to help (协助执行).

    The requesting court writes the request and its letter; the assisting court (``to_court``)
    accepts, replies or returns it in its own account. A court with no users on the platform gets
    the letter to send through the 执行指挥管理平台, and the requesting court records the answer
    that came back that way (``external_reply``)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="assistance_requests")
    kind = models.CharField(_("类型"), max_length=16, choices=AssistanceKind.choices)
    to_court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    matter = models.CharField(_("委托或协助事项"), max_length=512)
    sent_on = models.DateField(_("发出日期"))
    start_due_on = models.DateField(_("受托法院开始执行期限"))
    complete_due_on = models.DateField(_("办结或报告期限"))
    provisional = models.BooleanField(default=False)
    reply = models.CharField(_("回复"), max_length=512, blank=True)
    replied_on = models.DateField(null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("状态"), max_length=16, choices=AssistanceStatus.choices, default=AssistanceStatus.SENT
    )
    accept_due_on = models.DateField(_("受托法院立案期限"), null=True, blank=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handler_phone = models.CharField(_("受托法院承办人联系电话"), max_length=32, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    external_reply = models.BooleanField(_("线下回函（由委托法院登记）"), default=False)
    letter = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("委托、协助执行")
        verbose_name_plural = _("委托、协助执行")
        indexes = [models.Index(fields=["to_court", "status"], name="assist_to_court_status")]


class SettlementStatus(models.TextChoices):
    PERFORMING = "performing", _("履行中")
    PERFORMED = "performed", _("已履行完毕")
    DEFAULTED = "defaulted", _("未按期履行")
    RESUMED = "resumed", _("已恢复执行")


class Settlement(models.Model):
    """A settlement agreement (执行和解协议) reached during execution (和解规定 2020)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="settlements")
    agreed_on = models.DateField(_("达成日期"))
    terms = models.TextField(_("协议内容"))
    total = models.DecimalField(_("和解金额"), max_digits=16, decimal_places=2)
    status = models.CharField(
        max_length=16, choices=SettlementStatus.choices, default=SettlementStatus.PERFORMING
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    resumed_case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("执行和解")
        verbose_name_plural = _("执行和解")
        constraints = [
            models.CheckConstraint(condition=models.Q(total__gt=0), name="settlement_total_positive"),
        ]


class SettlementInstallment(models.Model):
    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="installments")
    seq = models.PositiveSmallIntegerField(_("期次"))
    due_on = models.DateField(_("约定履行日"))
    last_day = models.DateField(_("履行期限末日"))
    provisional = models.BooleanField(default=False)
    amount = models.DecimalField(_("应付金额"), max_digits=16, decimal_places=2)
    paid = models.DecimalField(_("已付金额"), max_digits=16, decimal_places=2, default=0)
    paid_on = models.DateField(_("付清日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("和解分期")
        verbose_name_plural = _("和解分期")
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["settlement", "seq"], name="installment_unique_seq"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="installment_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(paid__gte=0) & models.Q(paid__lte=models.F("amount")),
                name="installment_paid_within_amount",
            ),
        ]

    @property
    def is_paid(self) -> bool:
        return self.paid >= self.amount


class PropertyRequery(models.Model):
    """One of the 6-monthly property re-queries owed for 5 years after 终本 (终本规定 art. 9)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="property_requeries")
    seq = models.PositiveSmallIntegerField()
    due_on = models.DateField(_("应查询日期"))
    provisional = models.BooleanField(default=False)
    done_on = models.DateField(null=True, blank=True)
    result = models.CharField(max_length=16, choices=InquiryResult.choices, blank=True)
    note = models.CharField(max_length=256, blank=True)
    cancelled = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("终本后财产复查")
        verbose_name_plural = _("终本后财产复查")
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="requery_unique_seq"),
        ]


class TriageFactor(models.TextChoices):
    AMOUNT_AT_LEAST = "amount", _("标的金额达到（元）")
    DEBTORS_AT_LEAST = "debtors", _("被执行人数量达到")
    DEBTOR_ORGANISATION = "organisation", _("被执行人为法人或其他组织")
    DEBTOR_OTHER_CASES = "other_cases", _("被执行人在本院其他未结执行案件数达到")
    KNOWN_ASSETS = "known_assets", _("申请人提供了已知财产")
    PRIORITY_CLAIM = "priority_claim", _("劳动报酬等优先债权")
    GREEN_CHANNEL = "green_channel", _("涉企绿色通道案件")


class TriageRule(models.Model):
    """One scoring rule of a court's triage (繁简分流); court admins edit them."""

    court = models.ForeignKey("accounts.Court", on_delete=models.CASCADE, related_name="+")
    factor = models.CharField(_("因素"), max_length=16, choices=TriageFactor.choices)
    threshold = models.DecimalField(_("阈值"), max_digits=16, decimal_places=2, null=True, blank=True)
    points = models.IntegerField(_("分值"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("繁简分流规则")
        verbose_name_plural = _("繁简分流规则")
        constraints = [
            models.UniqueConstraint(fields=["court", "factor"], name="triage_rule_unique"),
        ]


class TriagePolicy(models.Model):
    """A court's score at or above which a case goes to the complex-case team."""

    court = models.OneToOneField(
        "accounts.Court", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    complex_score = models.IntegerField(_("精执分流分值"), default=3)

    class Meta:
        verbose_name = _("繁简分流标准")
        verbose_name_plural = _("繁简分流标准")


class SettlementPayment(models.Model):
    """One payment booked against a settlement instalment; the key makes a retry harmless. Keys
    are the court's own: another court may use the same one."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    installment = models.ForeignKey(SettlementInstallment, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("金额"), max_digits=16, decimal_places=2)
    paid_on = models.DateField(_("付款日期"))
    idempotency_key = models.CharField(max_length=128)
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("和解分期付款")
        verbose_name_plural = _("和解分期付款")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="settlement_payment_positive"),
            models.UniqueConstraint(
                fields=["court", "idempotency_key"], name="settlement_payment_key_per_court"
            ),
        ]


class SettlementRelease(models.Model):
    """The applicant's application to lift the freezes and seizures once a settlement has
    suspended execution, and the court's decision on it (执行和解规定 2020 art. 3): a settlement
    lifts nothing by itself. An approval is made by a 解除裁定 (查封规定 2020 art. 28)."""

    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="release_applications")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="settlement_releases")
    applicant = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    applied_on = models.DateField(_("申请日期"))
    content = models.CharField(_("申请内容"), max_length=512)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("决定说明"), max_length=256, blank=True)
    ruling = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("和解后解除冻结申请")
        verbose_name_plural = _("和解后解除冻结申请")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="pending"),
                name="settlement_release_one_pending_per_case",
            ),
        ]


class ZhongbenAssentKind(models.TextChoices):
    """民诉解释 2022 art. 517: the applicant's signed confirmation, or the collegial panel's review
    approved by the 院长."""

    APPLICANT_OPINION = "applicant_opinion", _("申请执行人签字确认")
    COLLEGIAL_REVIEW = "collegial_review", _("合议庭审查核实")


class ZhongbenAssent(models.Model):
    """What 终本 needs before the case may be closed that way (民诉解释 2022 art. 517): the
    applicant's signed opinion agreeing to 终本, or a 合议庭 record that only counts once the 院长
    has approved it."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="zhongben_assents")
    kind = models.CharField(_("方式"), max_length=24, choices=ZhongbenAssentKind.choices)
    signed_by = models.CharField(_("签字人或合议庭成员"), max_length=128)
    signed_on = models.DateField(_("签字或合议日期"))
    agrees = models.BooleanField(_("同意终结本次执行程序"), default=True)
    content = models.CharField(_("意见内容"), max_length=1024)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("终本意见")
        verbose_name_plural = _("终本意见")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True) | models.Q(kind="collegial_review"),
                name="zhongben_assent_only_review_approved",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True) | ~models.Q(approved_by=models.F("recorded_by")),
                name="zhongben_assent_approver_not_recorder",
            ),
        ]

    @property
    def counts(self) -> bool:
        """Whether this record satisfies art. 517 by itself."""
        if self.kind == ZhongbenAssentKind.APPLICANT_OPINION:
            return self.agrees
        return self.agrees and self.approved_at is not None


class ZhongbenPublication(models.Model):
    """One debtor of a case closed by 终本 in the public 终本案件信息 (终本规定 2016 art. 10): the
    fields the national list shows, the identifier masked (个人信息保护法 2021 art. 6)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="zhongben_publications")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("被执行人姓名或名称"), max_length=128)
    masked_id = models.CharField(_("证件号码"), max_length=32, blank=True)
    is_person = models.BooleanField(default=True)
    sex = models.CharField(_("性别"), max_length=8, blank=True)
    court_name = models.CharField(_("执行法院"), max_length=64)
    case_number = models.CharField(_("案号"), max_length=40)
    filed_on = models.DateField(_("立案时间"), null=True, blank=True)
    closed_on = models.DateField(_("终本日期"))
    target = models.DecimalField(_("执行标的"), max_digits=16, decimal_places=2)
    unpaid = models.DecimalField(_("未履行金额"), max_digits=16, decimal_places=2)
    published_on = models.DateField(_("发布日期"))
    withdrawn_on = models.DateField(_("撤下日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("终本案件信息")
        verbose_name_plural = _("终本案件信息")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "party"],
                condition=models.Q(withdrawn_on__isnull=True),
                name="zhongben_publication_one_per_debtor",
            ),
        ]
