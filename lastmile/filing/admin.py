from django.contrib import admin

from .models import InstitutionApiKey, InstitutionClient, InstitutionStaff, IntakeBatch


class ApiKeyInline(admin.TabularInline):
    model = InstitutionApiKey
    fields = ("label", "prefix", "created_at", "revoked_at", "last_used_at")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    extra = 0
    can_delete = False


class StaffInline(admin.TabularInline):
    model = InstitutionStaff
    fields = ("user", "role", "active", "created_at")
    readonly_fields = ("user", "created_at")
    extra = 0
    can_delete = False


@admin.register(InstitutionClient)
class InstitutionClientAdmin(admin.ModelAdmin):
    list_display = ("name", "active", "created_at")
    filter_horizontal = ("courts",)
    raw_id_fields = ("party",)
    inlines = [ApiKeyInline, StaffInline]


@admin.register(IntakeBatch)
class IntakeBatchAdmin(admin.ModelAdmin):
    list_display = (
        "external_id",
        "client",
        "court",
        "status",
        "total_rows",
        "created_cases",
        "error_rows",
        "created_at",
    )
    list_filter = ("status", "court")
    readonly_fields = [f.name for f in IntakeBatch._meta.fields]
