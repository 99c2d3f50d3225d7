"""Service of court documents (送达): one order per (document, recipient), its electronic
delivery attempts with their receipts, its attempts by the other methods of the law with their
proof, and public notice as the last resort (CPL 2023 arts. 87–95; docs/law.md "Service").

- Direct service (art. 88): the 送达回证 signed by the recipient, or by an adult family member
  living with them, the organisation's person in charge of receipts, the litigation agent or the
  designated receiver; served on the date signed (art. 87).
- Service by leaving (留置, art. 89): refused; witnesses, or a photo/video record; served the
  day the documents are left.
- Mail (art. 91): served on the date of receipt on the return receipt; the EMS number is kept.
- By another court (委托, art. 91; 民诉解释 2022 art. 134) or through an army unit, prison or
  education institution (转交, arts. 92–94): served on the date signed on the 送达回证.

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
    DIRECT = "direct", _("直接送达")
    LEFT = "left", _("留置送达")
    MAIL = "mail", _("邮寄送达")
    COMMISSIONED = "commissioned", _("委托送达")
    TRANSFERRED = "transferred", _("转交送达")
    PUBLIC_NOTICE = "public_notice", _("公告送达")


# The methods an attempt (:class:`ServiceAttempt`) is started with; 留置 is how a direct or
# commissioned attempt ends when the recipient refuses, electronic service has its own rows.
ATTEMPT_METHODS = (
    ServiceMethod.DIRECT,
    ServiceMethod.MAIL,
    ServiceMethod.COMMISSIONED,
    ServiceMethod.TRANSFERRED,
)


class OrderStatus(models.TextChoices):
    SENT = "sent", _("送达中")
    SERVED = "served", _("已送达")
    FAILED = "failed", _("未能送达，待另行送达")
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


class AttemptOutcome(models.TextChoices):
    PENDING = "pending", _("送达中")
    SERVED = "served", _("已送达")
    FAILED = "failed", _("未能送达")
    NOTICE = "notice", _("公告期间")


class SignerRelation(models.TextChoices):
    """Who signed the 送达回证 (CPL 2023 art. 88; 民诉解释 2022 art. 130)."""

    SELF = "self", _("受送达人本人")
    FAMILY = "family", _("同住成年家属")
    LEGAL_REP = "legal_rep", _("法定代表人或主要负责人")
    RECEIVER = "receiver", _("负责收件的人")
    AGENT = "agent", _("诉讼代理人")
    DESIGNEE = "designee", _("指定的代收人")


class TransferVia(models.TextChoices):
    """Through whom a document is transferred (CPL 2023 arts. 92–93)."""

    ARMY = "army", _("所在部队团以上单位的政治机关")
    PRISON = "prison", _("所在监所")
    EDUCATION = "education", _("所在强制性教育机构")


class ServiceAttempt(models.Model):
    """One try at serving an order by a method other than electronic, and its proof: the signed
    送达回证 (signer, relation, date), the 留置 witnesses or record, the mail receipt and EMS
    number, the commissioned court or transferring body, or the notice's medium and dates."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.CASCADE, related_name="service_attempts")
    method = models.CharField(_("送达方式"), max_length=16, choices=ServiceMethod.choices)
    outcome = models.CharField(
        _("结果"), max_length=12, choices=AttemptOutcome.choices, default=AttemptOutcome.PENDING
    )
    started_at = models.DateTimeField(_("发出时间"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    address = models.CharField(_("送达地址"), max_length=256, blank=True)
    tracking_number = models.CharField(_("邮件单号"), max_length=32, blank=True)
    agency = models.CharField(_("受托法院或转交机关"), max_length=128, blank=True)
    transfer_via = models.CharField(_("转交途径"), max_length=12, choices=TransferVia.choices, blank=True)
    receipt_document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    letter_document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signer = models.CharField(_("签收人"), max_length=64, blank=True)
    signer_relation = models.CharField(
        _("签收人身份"), max_length=12, choices=SignerRelation.choices, blank=True
    )
    signed_on = models.DateField(_("签收日期"), null=True, blank=True)
    refusal = models.CharField(_("拒收事由"), max_length=256, blank=True)
    witnesses = models.CharField(_("见证人"), max_length=256, blank=True)
    record_ref = models.CharField(_("拍照录像记录"), max_length=256, blank=True)
    failure = models.CharField(_("未能送达原因"), max_length=256, blank=True)
    medium = models.CharField(_("公告媒体"), max_length=128, blank=True)
    grounds = models.CharField(_("公告原因和经过"), max_length=512, blank=True)
    published_on = models.DateField(_("公告发布日"), null=True, blank=True)
    served_on = models.DateField(_("送达日期"), null=True, blank=True)
    legal_basis = models.JSONField(_("法律依据"), default=dict, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("送达记录")
        verbose_name_plural = _("送达记录")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outcome="served") | models.Q(served_on__isnull=False),
                name="attempt_served_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(method="mail") | ~models.Q(tracking_number=""),
                name="attempt_mail_has_tracking",
            ),
            models.CheckConstraint(
                condition=~models.Q(method="left") | ~models.Q(witnesses="") | ~models.Q(record_ref=""),
                name="attempt_left_has_witness_or_record",
            ),
            models.CheckConstraint(
                condition=~models.Q(method="public_notice")
                | models.Q(published_on__isnull=False) & ~models.Q(grounds=""),
                name="attempt_notice_has_date_and_grounds",
            ),
            models.UniqueConstraint(
                fields=["tracking_number"],
                condition=~models.Q(tracking_number=""),
                name="attempt_tracking_unique",
            ),
        ]
        indexes = [models.Index(fields=["outcome", "method"])]

    def __str__(self) -> str:
        return f"{self.order_id} {self.method} {self.outcome}"
