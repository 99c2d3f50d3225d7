"""What a person has already seen of its notifications.

A notification is not stored: it is a case event (or an open deadline) that concerns the person,
read from the row that records the fact (:mod:`lastmile.notifications.selectors`). The only thing
this app keeps is each login's read mark: events up to ``seen_event_id`` and deadlines that
came near up to ``seen_on`` count as read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReadMark(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    seen_event_id = models.PositiveBigIntegerField(_("已读至事件"), default=0)
    seen_on = models.DateField(_("已读至日期"), null=True, blank=True)
    seen_at = models.DateTimeField(_("最近查看时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知已读标记")
        verbose_name_plural = _("通知已读标记")

    def __str__(self) -> str:
        return f"{self.user_id}≤{self.seen_event_id}"
