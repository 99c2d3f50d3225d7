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
