"""The case core: a case, its parties, its number, its deadlines and its hash-chained timeline.

Stage apps (enforcement, mediation, trial) own their own rows and hang them on :class:`Case`;
every state change they make goes through :func:`lastmile.cases.services.case_event_record` in
the same transaction, so the timeline is complete and tamper-evident.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("已收案")
    FILED = "filed", _("已立案")
    IN_PROGRESS = "in_progress", _("办理中")
    SUSPENDED = "suspended", _("中止")
    SETTLEMENT = "settlement", _("和解履行中")
    CLOSED = "closed", _("已结案")


class Case(models.Model):
    court = models.ForeignKey(
        "accounts.Court", verbose_name=_("法院"), on_delete=models.PROTECT, related_name="cases"
    )
    year = models.PositiveSmallIntegerField(_("收案年度"))
    special_code = models.CharField(_("专门审判代字"), max_length=2, blank=True)
    type_code = models.CharField(_("类型代字"), max_length=8)
    seq = models.PositiveIntegerField(_("案件编号"))
    number = models.CharField(_("案号"), max_length=40, unique=True)
    cause = models.CharField(_("案由"), max_length=64, blank=True)
    status = models.CharField(_("状态"), max_length=24, choices=CaseStatus.choices, default=CaseStatus.FILED)
    received_at = models.DateTimeField(_("收案时间"))
    filed_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closing_method = models.CharField(_("结案方式"), max_length=32, blank=True)
    amount_claimed = models.DecimalField(
        _("标的金额"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    # The time limit's nominal last day (执行期限届满日 before excluded periods; 审限规定 2000 art. 5):
    # its first day + (6 + approved extension) months. A copy kept by its owner, the enforcement app
    # (``case_time_limit_end_set`` from its time-limit refresh, whenever the first day or an
    # extension changes; the facts live on ``enforcement.EnforcementCase``), so the statistics count
    # 超期未结 without joining a million enforcement rows. Null until the limit starts.
    time_limit_ends_on = models.DateField(_("执行期限届满日（未计扣除期间）"), null=True, blank=True)
    # The first day of the case's earliest period excluded from the time limit (审限规定 2000 art. 9),
    # a copy kept by its owner, the enforcement app (``case_time_limit_first_pause_set`` when it
    # records an excluded period; the periods live in ``enforcement.TimeLimitPause`` and only ever
    # start once), so the statistics tell a late case with no excluded period by a column of the
    # open cases' index instead of looking the periods up. Null while the case has none.
    time_limit_first_pause_on = models.DateField(_("首个扣除期间起始日"), null=True, blank=True)
    # The triage track of an enforcement case (繁简分流: pending / fast / complex), a copy kept by its
    # owner, the enforcement app (``case_enforcement_track_set`` wherever it sets or changes
    # ``EnforcementCase.track``), so the statistics' paths read one table. Blank for a case of
    # another kind.
    enforcement_track = models.CharField(_("繁简分流"), max_length=16, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_handled",
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("团队"), on_delete=models.SET_NULL, null=True, blank=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("关联原案"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="derived_cases",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        constraints = [
            models.UniqueConstraint(
                fields=["court", "year", "special_code", "type_code", "seq"],
                name="case_number_unique_parts",
            ),
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="case_seq_positive"),
            models.CheckConstraint(
                condition=models.Q(amount_claimed__isnull=True) | models.Q(amount_claimed__gte=0),
                name="case_amount_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["court", "status"]),
            models.Index(fields=["court", "type_code", "received_at"]),
            models.Index(fields=["officer", "status"]),
            # The case lists' sort (newest received first) and the statistics' period bounds.
            models.Index(fields=["court", "-received_at", "-id"], name="case_court_received_desc"),
            models.Index(fields=["closed_at"], name="case_closed_at"),
            # The cases still open, with every column the statistics read of them, so the dashboard
            # groups them from this index alone (an index-only scan of ~12 % of the cases rather
            # than a visit to nearly every page of the table).
            models.Index(
                fields=[
                    "court",
                    "type_code",
                    "filed_at",
                    "team",
                    "officer",
                    "closing_method",
                    "enforcement_track",
                    "time_limit_ends_on",
                    "time_limit_first_pause_on",
                    "closed_at",
                    "id",
                ],
                condition=models.Q(closed_at__isnull=True),
                name="case_open_statistics",
            ),
            models.Index(fields=["filed_at"], name="case_filed_at"),
            # The open cases by the time limit's nominal last day, for the statistics' list of the
            # cases longest past it: the first 20 read in index order, not all ~120,000 sorted.
            models.Index(
                fields=["time_limit_ends_on", "id"],
                include=["court", "type_code", "filed_at"],
                condition=models.Q(closed_at__isnull=True),
                name="case_open_by_limit_end",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("申请执行人")
    RESPONDENT = "respondent", _("被执行人")
    PLAINTIFF = "plaintiff", _("原告")
    DEFENDANT = "defendant", _("被告")
    APPLICANT_MEDIATION = "claimant", _("申请人")
    RESPONDENT_MEDIATION = "counterparty", _("被申请人")
    THIRD_PARTY = "third_party", _("第三人")
    GUARANTOR = "guarantor", _("担保人")


CREDITOR_ROLES = (PartyRole.APPLICANT, PartyRole.PLAINTIFF, PartyRole.APPLICANT_MEDIATION)
DEBTOR_ROLES = (
    PartyRole.RESPONDENT,
    PartyRole.DEFENDANT,
    PartyRole.RESPONDENT_MEDIATION,
    PartyRole.GUARANTOR,
)
"""The debtor side: a guarantor (担保人, e.g. a loan's 连带责任保证人 named in the execution basis) is
a debtor too — 被执行人 in enforcement, reached by inquiry and measures; documents print it as
``被执行人（连带责任保证人）``. Code that needs the principal debtor alone filters on its own role."""


class CaseParty(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_parties")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="roles")
    role = models.CharField(_("诉讼地位"), max_length=16, choices=PartyRole.choices)
    position = models.PositiveSmallIntegerField(_("排序"), default=1)

    class Meta:
        verbose_name = _("案件当事人")
        verbose_name_plural = _("案件当事人")
        ordering = ["role", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "party", "role"], name="caseparty_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}：{self.party}"


class CaseNumberCounter(models.Model):
    """The last serial number issued per (court, year, 专门审判代字, 类型代字).

    Serial numbers restart at 1 each year and are assigned in order of receipt
    (法〔2015〕137号 art. 9; 法〔2018〕335号). The row is locked while a case is registered, so
    numbers are gapless and unique even under concurrent filing.
    """

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField()
    special_code = models.CharField(max_length=2, blank=True)
    type_code = models.CharField(max_length=8)
    last_seq = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("案号计数器")
        verbose_name_plural = _("案号计数器")
        constraints = [
            models.UniqueConstraint(
                fields=["court", "year", "special_code", "type_code"], name="counter_unique"
            ),
        ]


class Deadline(models.Model):
    """A dated duty on a case (a legal period or an internal target), shown on the workbench."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(_("期限类型"), max_length=48)
    # The row of the owning app this duty is about (a clue to check, a freeze to renew); empty
    # when the duty is the case's own (the filing review, the time limit).
    source_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    label = models.CharField(_("事项"), max_length=128)
    starts_on = models.DateField(_("起算日"))
    due_on = models.DateField(_("届满日"), db_index=True)
    provisional = models.BooleanField(
        _("待复核"),
        default=False,
        help_text=_("届满日所在年度的国务院节假日安排尚未收录，按周末顺延暂计，公布后须复核。"),
    )
    legal_basis = models.JSONField(_("法律依据"), default=dict, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("期限")
        verbose_name_plural = _("期限")
        ordering = ["due_on"]
        indexes = [
            models.Index(fields=["court", "done_at", "due_on"]),
            models.Index(fields=["source_type", "source_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("starts_on")), name="deadline_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(source_type__isnull=True, source_id__isnull=True)
                | models.Q(source_type__isnull=False, source_id__isnull=False),
                name="deadline_source_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}（{self.due_on}）"

    @property
    def is_open(self) -> bool:
        return self.done_at is None and self.cancelled_at is None


class CaseEvent(models.Model):
    """One append-only row of a court's audit trail.

    Rows of a court form a hash chain: ``hash = sha256(prev_hash + canonical(row))``, so changing,
    deleting or inserting a row is detected by ``lastmile audit verify``. The database refuses
    UPDATE and DELETE on this table (triggers installed by migration 0002).
    """

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    chain_index = models.PositiveBigIntegerField(_("链序号"))
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", null=True, blank=True)
    occurred_at = models.DateTimeField(_("发生时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("操作人"), max_length=64)
    kind = models.CharField(_("事件类型"), max_length=64)
    summary = models.CharField(_("摘要"), max_length=256)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    legal_basis = models.JSONField(_("法律依据"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("案件事件")
        verbose_name_plural = _("案件事件")
        ordering = ["court", "chain_index"]
        constraints = [
            models.UniqueConstraint(fields=["court", "chain_index"], name="event_chain_unique"),
        ]
        indexes = [models.Index(fields=["case", "occurred_at"])]

    def __str__(self) -> str:
        return f"#{self.chain_index} {self.kind}"


class AuditChainHead(models.Model):
    """The tip of a court's audit chain; locked while an event is appended."""

    court = models.OneToOneField("accounts.Court", on_delete=models.PROTECT, primary_key=True)
    last_index = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
