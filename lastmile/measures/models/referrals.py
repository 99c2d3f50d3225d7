"""拒执 referrals (:class:`RefusalReferral`) and their steps."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .measure import Measure


class ReferralStatus(models.TextChoices):
    PREPARED = "prepared", _("已制作移送材料")
    SENT_TO_POLICE = "sent_to_police", _("已移送公安机关")
    POLICE_FILED = "police_filed", _("公安机关已立案")
    POLICE_DECLINED = "police_declined", _("公安机关不予立案")
    PROCURATORATE = "procuratorate", _("已移送审查起诉")
    PROSECUTED = "prosecuted", _("已提起公诉")
    PRIVATE_PROSECUTION = "private_prosecution", _("申请执行人已提起自诉")
    JUDGED = "judged", _("已判决")


class RefusalReferral(models.Model):
    """A 拒执 referral (刑法 art. 313; 两高 法释〔2024〕13号) and where it stands."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    conduct = models.CharField(_("拒不执行行为"), max_length=1024)
    evidence = models.JSONField(_("证据清单"), default=list)
    measures = models.ManyToManyField(Measure, related_name="+", blank=True)
    status = models.CharField(_("状态"), max_length=24, choices=ReferralStatus.choices)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField()

    class Meta:
        verbose_name = _("拒执移送")
        verbose_name_plural = _("拒执移送")
        indexes = [models.Index(fields=["court", "prepared_at"])]


class ReferralStep(models.Model):
    referral = models.ForeignKey(RefusalReferral, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=24, choices=ReferralStatus.choices)
    on = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=512, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["on", "id"]
