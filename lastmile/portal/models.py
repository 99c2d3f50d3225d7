"""Portal rows: party accounts and reception (执行值班接待) slots and bookings.

The public dishonest-debtor list has no rows of its own: it reads the measures app's listings.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PortalAccount(models.Model):
    """Links a login to the party it acts for (an applicant, a bank's filing agent, a debtor).

    A portal login has no court and no staff role, so no staff capability reaches it; it sees
    only the cases its party is a party to.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_account"
    )
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="accounts")
    verified_at = models.DateTimeField(_("实名核验时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("当事人账号")
        verbose_name_plural = _("当事人账号")

    def __str__(self) -> str:
        return f"{self.user} → {self.party}"


class ReceptionSlot(models.Model):
    """A reception period held by a duty officer (执行值班接待)."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    duty_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("值班干警"),
        on_delete=models.PROTECT,
        related_name="reception_slots",
    )
    capacity = models.PositiveSmallIntegerField(_("可预约人数"), default=4)
    place = models.CharField(_("接待地点"), max_length=64, default="执行局接待大厅")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    close_reason = models.CharField(_("关闭原因"), max_length=256, blank=True)

    class Meta:
        verbose_name = _("接待时段")
        verbose_name_plural = _("接待时段")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="slot_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    CANCELLED = "cancelled", _("已取消")
    RECEIVED = "received", _("已接待")


class ReceptionBooking(models.Model):
    slot = models.ForeignKey(ReceptionSlot, on_delete=models.PROTECT, related_name="bookings")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(PortalAccount, on_delete=models.PROTECT, related_name="bookings")
    topic = models.CharField(_("来访事由"), max_length=256)
    status = models.CharField(
        _("状态"), max_length=16, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    booked_at = models.DateTimeField(_("预约时间"))
    outcome = models.CharField(_("接待情况"), max_length=512, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=256, blank=True)

    class Meta:
        verbose_name = _("接待预约")
        verbose_name_plural = _("接待预约")
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "account"],
                condition=models.Q(status="booked"),
                name="booking_one_per_slot_per_account",
            ),
        ]


class WalkInVisit(models.Model):
    """A visitor received without a booking (执行接待来访登记): who came, about what, what was done
    and by whom. The ID number is checked (GB 11643-1999) and kept only for the court."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    visited_at = models.DateTimeField(_("来访时间"))
    name = models.CharField(_("来访人"), max_length=64)
    id_number = models.CharField(_("身份证号码"), max_length=18)
    phone = models.CharField(_("联系电话"), max_length=20)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("案件"),
    )
    topic = models.CharField(_("来访事由"), max_length=256)
    outcome = models.CharField(_("接待情况"), max_length=512)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接待人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("来访登记")
        verbose_name_plural = _("来访登记")
        indexes = [models.Index(fields=["court", "visited_at"], name="walkin_court_day")]


class PhoneCode(models.Model):
    """A one-time code sent by SMS to confirm that a person registering holds the phone.

    Only a keyed digest of the code is stored (never the code). A code expires, allows a limited
    number of wrong tries and is used once; how often codes may be sent to one number is
    counted from these rows (see :mod:`lastmile.portal.services`)."""

    phone = models.CharField(_("手机号码"), max_length=11)
    purpose = models.CharField(_("用途"), max_length=16, default="signup")
    digest = models.CharField(_("验证码摘要"), max_length=64)
    sent_at = models.DateTimeField(_("发送时间"))
    expires_at = models.DateTimeField(_("失效时间"))
    attempts = models.PositiveSmallIntegerField(_("错误次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [models.Index(fields=["phone", "purpose", "sent_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("sent_at")), name="phone_code_expires_after_sent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.phone} {self.sent_at:%Y-%m-%d %H:%M}"


class RequestKind(models.TextChoices):
    PAYMENT_OFFER = "payment_offer", _("履行方案（愿意付款）")
    FREEZE_RELEASE = "freeze_release", _("申请解除冻结")
    HEARING_LINK = "hearing_link", _("申请获取庭审链接")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待答复")
    ANSWERED = "answered", _("已答复")
    GRANTED = "granted", _("已提供")


class FreezeReleaseReason(models.TextChoices):
    PAID = "paid", _("已履行完毕或已达成和解")
    EXCESS = "excess", _("冻结金额超出应履行的义务")
    NECESSITIES = "necessities", _("冻结的是本人及家属生活必需的款项（工资、社保、低保等）")
    SECURITY = "security", _("已提供担保")
    OTHER = "other", _("其他理由")


class PartyRequest(models.Model):
    """A party's request made online on one of its cases, and the court's answer.

    A debtor offers to pay (amount and plan) or asks for a freeze to be released; a party asks
    for the link of its online hearing. The request reaches the case officer (the case's
    timeline and the 当事人申请 page); the answer is shown to the party that asked. The
    release, settlement or payment itself is recorded by the app that owns it."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(PortalAccount, on_delete=models.PROTECT, related_name="requests")
    kind = models.CharField(_("申请类型"), max_length=16, choices=RequestKind.choices)
    status = models.CharField(
        _("状态"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    amount = models.DecimalField(
        _("愿意支付金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    installments = models.PositiveSmallIntegerField(_("分期数"), null=True, blank=True)
    first_due_on = models.DateField(_("首期付款日"), null=True, blank=True)
    reason = models.CharField(_("理由"), max_length=16, choices=FreezeReleaseReason.choices, blank=True)
    text = models.TextField(_("说明"), blank=True)
    hearing_id = models.PositiveIntegerField(_("庭审"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"))
    answer = models.TextField(_("答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("当事人申请")
        verbose_name_plural = _("当事人申请")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["case", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="payment_offer")
                | models.Q(amount__gt=0, installments__gte=1, first_due_on__isnull=False),
                name="request_offer_has_plan",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="freeze_release") | ~models.Q(reason=""),
                name="request_release_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="answered") | models.Q(answered_at__isnull=False),
                name="request_answered_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case_id}"
