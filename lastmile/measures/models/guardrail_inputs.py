"""Guardrail inputs the measures' guardrails read (法发〔2019〕35号): :class:`DebtorProfile`
(campus loan, full-time student), :class:`EnterpriseScreening` (struggling vs. evading),
:class:`GracePeriod`, :class:`HomeDesignation` (the family's necessary home) and the 院长's
:class:`GuardrailOverride`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
