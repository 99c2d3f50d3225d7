"""腾房: the 腾房公告 ordering the occupants of a debtor's home to leave within a set period, and what
followed it (民事诉讼法 2023 art. 261: 强制迁出房屋由院长签发公告，责令被执行人在指定期间履行；逾期不
履行的，由执行员强制执行). One :class:`VacateNotice` per real-estate item of a case: drafted by the
officer, signed by the 院长 (which issues and serves the 公告 and starts its period), then either the
occupants' voluntary vacating (date, where they moved, whether into housing the applicant provides,
执行异议复议规定 2020 art. 20 ¶1(3)) or, once the period has run, the forced vacating."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VacateStatus(models.TextChoices):
    DRAFTED = "drafted", _("待院长签发")
    ISSUED = "issued", _("已公告，腾房期间内")
    VACATED = "vacated", _("已自行腾退")
    FORCED = "forced", _("已强制迁出")


class VacateNotice(models.Model):
    """The 腾房公告 of one real-estate item and the vacating that followed it."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    property_ref = models.CharField(_("不动产权证号"), max_length=64)
    address = models.CharField(_("坐落"), max_length=256)
    occupants = models.CharField(_("占有使用人"), max_length=256)
    # 执行异议复议规定 2020 art. 20 ¶1(3): the housing the applicant provides the family.
    applicant_housing = models.CharField(_("申请执行人提供的居住房屋"), max_length=256, blank=True)
    days = models.PositiveSmallIntegerField(_("腾房期间（日）"))
    status = models.CharField(
        _("状态"), max_length=16, choices=VacateStatus.choices, default=VacateStatus.DRAFTED
    )
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    starts_on = models.DateField(_("公告日"), null=True, blank=True)
    ends_on = models.DateField(_("腾房期间届满日"), null=True, blank=True)
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    vacated_on = models.DateField(_("腾退日"), null=True, blank=True)
    moved_to = models.CharField(_("迁往"), max_length=256, blank=True)
    moved_to_applicant_housing = models.BooleanField(_("迁入申请执行人提供的住房"), default=False)
    forced_on = models.DateField(_("强制迁出日"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("说明"), max_length=512, blank=True)

    class Meta:
        verbose_name = _("腾房公告")
        verbose_name_plural = _("腾房公告")
        constraints = [
            models.UniqueConstraint(fields=["case", "property_ref"], name="vacate_notice_unique"),
            models.CheckConstraint(condition=models.Q(days__gte=1), name="vacate_notice_days"),
            models.CheckConstraint(
                condition=models.Q(status="drafted")
                | models.Q(starts_on__isnull=False, ends_on__isnull=False),
                name="vacate_notice_period_when_issued",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="vacated") | models.Q(vacated_on__isnull=False),
                name="vacate_notice_vacated_on",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="forced") | models.Q(forced_on__isnull=False),
                name="vacate_notice_forced_on",
            ),
        ]

    def __str__(self) -> str:
        return f"腾房公告 {self.address}"

    @property
    def housing_provided(self) -> bool:
        """执行异议复议规定 2020 art. 20 ¶1(3): the applicant provides the family a home."""
        return bool(self.applicant_housing.strip()) or self.moved_to_applicant_housing

    @property
    def vacated(self) -> bool:
        return self.status in (VacateStatus.VACATED, VacateStatus.FORCED)
