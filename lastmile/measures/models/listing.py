"""The published 失信 list: :class:`DishonestListing` (失信规定 2017 art. 6), denormalised so the
public query reads one indexed table (the full ID number is kept only as a search key), its
correction requests, the "not listed" records, and exports of the list to publication channels."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .measure import DishonestGround, Measure


class ListingStatus(models.TextChoices):
    GRACE = "grace", _("宽限期内（暂不公布）")
    PUBLISHED = "published", _("已公布")
    REMOVED = "removed", _("已删除")
    REVOKED = "revoked", _("已撤销")


LISTED_STATUSES = ("grace", "published")


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
