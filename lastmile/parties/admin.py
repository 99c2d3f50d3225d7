from django.contrib import admin

from .models import ElectronicAddress, Party


class ElectronicAddressInline(admin.TabularInline):
    model = ElectronicAddress
    extra = 0


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "id_type", "id_number"]
    list_filter = ["kind", "id_type"]
    search_fields = ["name", "id_number"]
    inlines = [ElectronicAddressInline]
    raw_id_fields = ["legal_representative", "principal", "actual_controller"]
