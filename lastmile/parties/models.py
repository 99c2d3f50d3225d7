"""Parties: natural persons and organisations, with contacts and electronic-service addresses.

A party is one real person or body, identified by a validated ID number (GB 11643-1999) or
unified social credit code (GB 32100-2015); the same debtor in several cases is one row, which is
how "the debtor's other cases at this court" is found. Who may read a party's full identity is
decided per case (see :mod:`lastmile.parties.selectors`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartyKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ORGANISATION = "organisation", _("法人或其他组织")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    USCC = "uscc", _("统一社会信用代码")
    PASSPORT = "passport", _("护照")
    OTHER = "other", _("其他证件")


class Sex(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Party(models.Model):
    kind = models.CharField(_("当事人类型"), max_length=16, choices=PartyKind.choices)
    name = models.CharField(_("姓名或名称"), max_length=128, db_index=True)
    id_type = models.CharField(_("证件类型"), max_length=16, choices=IdType.choices)
    id_number = models.CharField(_("证件号码"), max_length=32, blank=True)
    sex = models.CharField(_("性别"), max_length=8, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    address = models.CharField(_("住所地"), max_length=256, blank=True)
    service_address = models.CharField(_("送达地址"), max_length=256, blank=True)
    # Organisations only: the people behind them (限制消费 reaches them, 限消规定 2015 art. 3).
    legal_representative = models.ForeignKey(
        "self",
        verbose_name=_("法定代表人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="represents",
    )
    principal = models.ForeignKey(
        "self",
        verbose_name=_("主要负责人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="heads",
    )
    actual_controller = models.ForeignKey(
        "self",
        verbose_name=_("实际控制人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="controls",
    )
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        constraints = [
            models.UniqueConstraint(
                fields=["id_type", "id_number"],
                condition=~models.Q(id_number=""),
                name="party_unique_identity",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="person", id_type__in=["resident_id", "passport", "other"])
                    | models.Q(kind="organisation", id_type__in=["uscc", "other"])
                ),
                name="party_id_type_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_person(self) -> bool:
        return self.kind == PartyKind.PERSON


class ServiceChannel(models.TextChoices):
    SMS = "sms", _("手机短信")
    EMAIL = "email", _("电子邮箱")
    PLATFORM = "platform", _("电子送达平台")
    WECHAT = "wechat", _("微信")


class ElectronicAddress(models.Model):
    """An electronic-service address and the recipient's consent to it (CPL 2023 art. 90;
    在线诉讼规则 2021 art. 29: consent may be express, contractual, shown by supplying the address,
    or shown by acting on a served document)."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="e_addresses")
    channel = models.CharField(_("送达渠道"), max_length=16, choices=ServiceChannel.choices)
    address = models.CharField(_("电子地址"), max_length=128)
    consent_kind = models.CharField(
        _("同意方式"),
        max_length=16,
        choices=[
            ("express", _("明示同意")),
            ("contract", _("合同约定")),
            ("provided", _("主动提供")),
            ("conduct", _("以行为表示")),
        ],
        blank=True,
    )
    consented_at = models.DateTimeField(_("同意时间"), null=True, blank=True)
    confirmed = models.BooleanField(_("当事人已确认"), default=False)

    class Meta:
        verbose_name = _("电子送达地址")
        verbose_name_plural = _("电子送达地址")
        constraints = [
            models.UniqueConstraint(fields=["party", "channel", "address"], name="eaddress_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}:{self.address}"
