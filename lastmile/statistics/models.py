"""The statistics' one table of their own: a summary of the cases closed in past months, so the
command center's figures stop growing with the number of cases (docs/statistics.md "Summary").

It is a cache of the stage apps' rows, never a record: :func:`lastmile.statistics.summary.summary_rebuild`
rebuilds it from the cases, the enforcement record and the ledger (the ``statistics_rebuild``
command, and hourly from ``lastmile schedule``), and every figure it holds can be recomputed from
them (the dashboard does so when there is no summary).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthCell(models.Model):
    """Counted cases closed before the summary's ``as_of``, grouped by court, type, track, closing
    method, the Beijing month of filing and the Beijing month of closing, with the sums the
    indicators add up. A case with money received after the month it closed is left out (the
    dashboard computes it directly)."""

    court = models.ForeignKey("accounts.Court", on_delete=models.CASCADE, related_name="+")
    type_code = models.CharField(max_length=8)
    track = models.CharField(max_length=16, blank=True)
    method = models.CharField(max_length=32, blank=True)
    filed_month = models.DateField()
    closed_month = models.DateField()
    n = models.IntegerField()
    days = models.IntegerField()  # Σ closing date − filing date
    excluded_days = models.IntegerField()  # Σ excluded periods up to closing (审限规定 art. 9)
    in_time = models.IntegerField()  # closed within the time limit
    claimed = models.DecimalField(max_digits=18, decimal_places=2)
    recovered = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        verbose_name = _("统计汇总（月）")
        indexes = [models.Index(fields=["court", "closed_month"])]


class OfficerCell(models.Model):
    """The same cases as :class:`MonthCell`, grouped by court, type, team, officer, month filed and
    month closed, with what the breakdowns per team and officer add up (they need neither the track
    nor the six closing methods, only 执行完毕 and 终本)."""

    court = models.ForeignKey("accounts.Court", on_delete=models.CASCADE, related_name="+")
    type_code = models.CharField(max_length=8)
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, null=True, related_name="+")
    officer = models.ForeignKey("accounts.User", on_delete=models.CASCADE, null=True, related_name="+")
    filed_month = models.DateField()
    closed_month = models.DateField()
    n = models.IntegerField()
    completed = models.IntegerField()  # closed by 执行完毕
    no_property = models.IntegerField()  # closed by 终结本次执行程序
    days = models.IntegerField()  # Σ closing date − filing date

    class Meta:
        verbose_name = _("统计汇总（承办人·月）")
        indexes = [models.Index(fields=["court", "closed_month"])]


class SummaryState(models.Model):
    """When the summary was rebuilt and what it covers (one row; none until the first rebuild)."""

    as_of = models.DateField()  # covers the cases closed before this Beijing day (a month's first day)
    built_at = models.DateTimeField()
    time_limit_months = models.IntegerField()
    type_codes = models.JSONField(default=list)
    late_case_ids = models.JSONField(default=list)  # closed before as_of, money received later
    cells = models.IntegerField(default=0)
    cases = models.IntegerField(default=0)


class OverdueCell(models.Model):
    """超期未结 on a past month's last day among the cases :class:`MonthCell` holds (closed since):
    per court and type, how many were open on ``month_end`` and past their time limit on it (the
    rule of ``indicators._overdue_q``), so a period ending on a month end before the summary's
    ``as_of`` needs no scan of the cases for it. The cases the summary does not hold are counted
    directly."""

    court = models.ForeignKey("accounts.Court", on_delete=models.CASCADE, related_name="+")
    type_code = models.CharField(max_length=8)
    month_end = models.DateField()
    n = models.IntegerField()

    class Meta:
        verbose_name = _("统计汇总（月末超期未结）")
        indexes = [models.Index(fields=["month_end", "court"])]
