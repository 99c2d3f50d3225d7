"""Service of court documents (送达): one order per (document, recipient), its electronic
delivery attempts with their receipts, and public notice as the fallback.

- Electronic service needs the recipient's consent (CPL 2023 art. 90); the consent and the
  address live on :class:`lastmile.parties.models.ElectronicAddress`.
- The date of service is set by 在线诉讼规则 2021 arts. 29–31: an address the recipient provided
  or confirmed is served when the message reaches it; otherwise when the recipient acts on it or
  the system reports it read. With several channels the earliest valid one counts.
- Public notice (公告送达) is served 30 days after publication (CPL 2023 art. 95).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceMethod(models.TextChoices):
    ELECTRONIC = "electronic", _("电子送达")
    PUBLIC_NOTICE = "public_notice", _("公告送达")


class OrderStatus(models.TextChoices):
    SENT = "sent", _("已发送待确认")
    SERVED = "served", _("已送达")
    FAILED = "failed", _("电子送达未成功")
    NOTICE = "notice", _("公告期间")


class ServiceOrder(models.Model):
    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="service_orders")
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("送达文书"),
        on_delete=models.PROTECT,
        related_name="service_orders",
    )
    recipient = models.ForeignKey(
        "parties.Party", verbose_name=_("受送达人"), on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(
        _("送达方式"), max_length=16, choices=ServiceMethod.choices, default=ServiceMethod.ELECTRONIC
    )
    status = models.CharField(_("状态"), max_length=12, choices=OrderStatus.choices)
    reason = models.CharField(_("说明"), max_length=256, blank=True)
    served_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    served_on = models.DateField(_("送达日期"), null=True, blank=True)
    notice_published_on = models.DateField(_("公告发布日"), null=True, blank=True)
    notice_ends_on = models.DateField(_("公告期满日"), null=True, blank=True)
    legal_basis = models.JSONField(_("法律依据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("送达")
        verbose_name_plural = _("送达")
        ordering = ["case", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["document", "recipient"], name="service_order_unique"),
            models.CheckConstraint(
                condition=~models.Q(status="served") | models.Q(served_on__isnull=False),
                name="service_served_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="notice")
                | models.Q(notice_published_on__isnull=False, notice_ends_on__isnull=False),
                name="service_notice_has_dates",
            ),
        ]
        indexes = [models.Index(fields=["court", "status"])]

    def __str__(self) -> str:
        return f"{self.document_id}→{self.recipient_id} {self.status}"


class AttemptStatus(models.TextChoices):
    SENT = "sent", _("已发送")
    DELIVERED = "delivered", _("已到达")
    FAILED = "failed", _("发送失败")


class DeliveryAttempt(models.Model):
    """One message on one channel, with what the channel reported back (delivery receipt)."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.CASCADE, related_name="attempts")
    e_address = models.ForeignKey(
        "parties.ElectronicAddress", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("渠道"), max_length=16)
    address = models.CharField(_("地址"), max_length=128)
    provided = models.BooleanField(
        _("地址由受送达人提供或确认"),
        default=False,
        help_text=_("在线诉讼规则第二十九条：提供或确认的地址，到达即送达；否则以回复、操作或已读为准。"),
    )
    message_id = models.CharField(_("消息编号"), max_length=64, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=AttemptStatus.choices)
    sent_at = models.DateTimeField(_("发送时间"))
    delivered_at = models.DateTimeField(_("到达时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    error = models.CharField(_("失败原因"), max_length=256, blank=True)

    class Meta:
        verbose_name = _("电子送达记录")
        verbose_name_plural = _("电子送达记录")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(delivered_at__isnull=True)
                | models.Q(delivered_at__gte=models.F("sent_at")),
                name="attempt_delivered_after_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.address} {self.status}"
