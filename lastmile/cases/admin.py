from django.contrib import admin

from lastmile.core.admin import ReadOnlyAdmin

from .models import Case, CaseEvent, CaseParty, Deadline


class CasePartyInline(admin.TabularInline):
    model = CaseParty
    extra = 0
    raw_id_fields = ["party"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["number", "court", "type_code", "status", "received_at", "officer"]
    list_filter = ["court", "type_code", "status"]
    search_fields = ["number"]
    inlines = [CasePartyInline]
    readonly_fields = ["number", "year", "seq", "court", "type_code", "special_code"]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ["chain_index", "court", "case", "kind", "summary", "occurred_at", "actor_label"]
    list_filter = ["court", "kind"]


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ["case", "label", "due_on", "done_at"]
    list_filter = ["court", "kind"]
