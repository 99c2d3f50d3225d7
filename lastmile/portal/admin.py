from django.contrib import admin

from .models import PortalAccount, ReceptionBooking, ReceptionSlot


@admin.register(PortalAccount)
class PortalAccountAdmin(admin.ModelAdmin):
    list_display = ["user", "party", "verified_at"]
    raw_id_fields = ["user", "party"]


@admin.register(ReceptionSlot)
class ReceptionSlotAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "ends_at", "court", "duty_officer", "capacity"]
    list_filter = ["court"]


@admin.register(ReceptionBooking)
class ReceptionBookingAdmin(admin.ModelAdmin):
    list_display = ["slot", "case", "account", "status"]
