"""Courts, their departments and teams, and the staff who work in them.

Every staff account belongs to exactly one court; every read in Lastmile is scoped by that court
and by the account's role (see :mod:`lastmile.accounts.permissions`).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class CourtLevel(models.TextChoices):
    SUPREME = "supreme", _("最高人民法院")
    HIGH = "high", _("高级人民法院")
    INTERMEDIATE = "intermediate", _("中级人民法院")
    BASIC = "basic", _("基层人民法院")


class Court(models.Model):
    """A people's court with its 法院代字 (法〔2015〕137号 arts. 5–6, loaded from a table, art. 12)."""

    code = models.CharField(_("法院代字"), max_length=16, unique=True)
    name = models.CharField(_("法院名称"), max_length=64, unique=True)
    short_name = models.CharField(_("简称"), max_length=32, blank=True)
    level = models.CharField(_("层级"), max_length=16, choices=CourtLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级法院"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    admin_division_code = models.CharField(_("行政区划代码"), max_length=6, blank=True)
    address = models.CharField(_("地址"), max_length=128, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("法院")
        verbose_name_plural = _("法院")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Department(models.Model):
    """A division of a court (立案庭, 民事审判庭, 执行局 and its sections)."""

    court = models.ForeignKey(Court, on_delete=models.PROTECT, related_name="departments")
    name = models.CharField(_("部门名称"), max_length=64)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        constraints = [
            models.UniqueConstraint(fields=["court", "name"], name="department_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class TeamKind(models.TextChoices):
    GENERAL = "general", _("综合团队")
    FAST_TRACK = "fast_track", _("快执团队")
    COMPLEX = "complex", _("精执团队")
    MEDIATION = "mediation", _("调解团队")
    TRIAL = "trial", _("速裁团队")
    COMMAND = "command", _("指挥中心")


class Team(models.Model):
    """A working team inside a department (e.g. a fast-track enforcement team)."""

    court = models.ForeignKey(Court, on_delete=models.PROTECT, related_name="teams")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="teams", null=True, blank=True
    )
    name = models.CharField(_("团队名称"), max_length=64)
    kind = models.CharField(_("团队类型"), max_length=16, choices=TeamKind.choices, default=TeamKind.GENERAL)

    class Meta:
        verbose_name = _("团队")
        verbose_name_plural = _("团队")
        constraints = [
            models.UniqueConstraint(fields=["court", "name"], name="team_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    FILING_CLERK = "filing_clerk", _("立案")
    MEDIATOR = "mediator", _("调解员")
    JUDGE = "judge", _("审判")
    ENFORCEMENT_JUDGE = "enforcement_judge", _("执行法官")
    ENFORCEMENT_OFFICER = "enforcement_officer", _("执行员")
    COMMAND_CENTER = "command_center", _("指挥中心")
    FINANCE = "finance", _("财务")
    LEADER = "leader", _("院领导")
    ADMIN = "admin", _("管理员")


class User(AbstractUser):
    """A court staff account. ``court`` is required for staff; superusers may have none."""

    display_name = models.CharField(_("姓名"), max_length=32, blank=True)
    court = models.ForeignKey(
        Court,
        verbose_name=_("所属法院"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="staff"
    )
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="members")
    role = models.CharField(_("岗位角色"), max_length=32, choices=Role.choices, blank=True)
    is_president = models.BooleanField(
        _("院长"),
        default=False,
        help_text=_("院长可审批拘传、罚款、拘留、限制消费、延长执行期限等事项。"),
    )
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    clerk = models.ForeignKey(
        "self",
        verbose_name=_("书记员"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clerk_for",
        help_text=_("与本人搭档的书记员；本人署名的裁定书、判决书、笔录上署其姓名。"),
    )

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")
        constraints = [
            models.CheckConstraint(condition=~models.Q(clerk=models.F("id")), name="user_clerk_not_self"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def name(self) -> str:
        return self.display_name or self.username


class PresidentDesignation(models.Model):
    """The 院长's written designation of a deputy (usually a 副院长) to approve, for a period,
    what the law reserves to the 院长 (e.g. 民事诉讼法 2023 art. 119: 拘传、罚款、拘留 "须经院长批准";
    限消规定 2015 art. 5; 失信规定 2017 art. 5).

    The 院长 is responsible for the court's work and a vice-president assists the 院长
    (人民法院组织法 2018 art. 41; article number to be confirmed against the official text), so
    only a recorded designation (who designated whom, from when, until when, on what basis and
    why) lets a 院领导 other than the 院长 approve. Rows are never deleted: a designation ends at
    ``valid_until`` or when revoked.
    """

    court = models.ForeignKey(Court, on_delete=models.PROTECT, related_name="president_designations")
    deputy = models.ForeignKey(
        User, verbose_name=_("受指定人"), on_delete=models.PROTECT, related_name="designations_received"
    )
    designated_by = models.ForeignKey(
        User, verbose_name=_("指定人（院长）"), on_delete=models.PROTECT, related_name="designations_made"
    )
    valid_from = models.DateTimeField(_("生效时间"))
    valid_until = models.DateTimeField(_("终止时间"))
    legal_basis = models.CharField(_("依据"), max_length=200)
    reason = models.CharField(_("事由"), max_length=200)
    created_at = models.DateTimeField(_("记录时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        verbose_name=_("撤销人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="designations_revoked",
    )

    class Meta:
        verbose_name = _("院长审批授权")
        verbose_name_plural = _("院长审批授权")
        ordering = ["-valid_from", "-pk"]
        indexes = [models.Index(fields=["deputy", "valid_until"], name="designation_deputy_until")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gt=models.F("valid_from")), name="designation_period_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(deputy=models.F("designated_by")), name="designation_not_self"
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | models.Q(revoked_by__isnull=False),
                name="designation_revoked_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.designated_by} → {self.deputy}（{self.valid_from:%Y-%m-%d}至{self.valid_until:%Y-%m-%d}）"
        )

    def in_effect(self, now: datetime) -> bool:
        return self.valid_from <= now < self.valid_until and (
            self.revoked_at is None or now < self.revoked_at
        )


class RateCounter(models.Model):
    """One client's count of requests in a rate-limit scope, for the window now open
    (:func:`lastmile.accounts.throttle.rate_limited`).

    Counted by one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` per request (SQLite and
    PostgreSQL); a row whose window has ended restarts at 1 and is purged lazily."""

    key = models.CharField(_("计数键"), max_length=200, primary_key=True)
    hits = models.PositiveIntegerField(_("次数"), default=0)
    # the end of the window, in milliseconds since the epoch (compared in the counting statement)
    expires_ms = models.BigIntegerField(_("窗口结束"), db_index=True)

    class Meta:
        verbose_name = _("访问频率计数")
        verbose_name_plural = _("访问频率计数")

    def __str__(self) -> str:
        return f"{self.key}: {self.hits}"
