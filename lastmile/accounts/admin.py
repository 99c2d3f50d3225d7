from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from lastmile.core.admin import ReadOnlyAdmin

from .models import Court, Department, PresidentDesignation, Team, User


@admin.register(Court)
class CourtAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "court"]
    list_filter = ["court"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "court", "department"]
    list_filter = ["court", "kind"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "court", "role", "is_president", "is_active"]
    list_filter = ["court", "role", "is_president", "is_active"]
    raw_id_fields = ["clerk"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (
            _("法院与岗位"),
            {
                "fields": (
                    "display_name",
                    "court",
                    "department",
                    "team",
                    "clerk",
                    "role",
                    "is_president",
                    "phone",
                )
            },
        ),
    )


@admin.register(PresidentDesignation)
class PresidentDesignationAdmin(ReadOnlyAdmin):
    """Read-only: designations are recorded by the 院长 through ``president_designate``."""

    list_display = ["court", "designated_by", "deputy", "valid_from", "valid_until", "revoked_at"]
    list_filter = ["court"]
