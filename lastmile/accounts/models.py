"""Courts, their departments and teams, and the staff who work in them.

Every staff account belongs to exactly one court; every read in Lastmile is scoped by that court
and by the account's role (see :mod:`lastmile.accounts.permissions`).
"""

from __future__ import annotations

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

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def name(self) -> str:
        return self.display_name or self.username
