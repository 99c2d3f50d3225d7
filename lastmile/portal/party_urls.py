from django.urls import path

from lastmile.accounts.views import ThrottledLoginView

from . import mediation_views, notice_views, party_views, reception_views

urlpatterns = [
    path(
        "login/",
        ThrottledLoginView.as_view(template_name="portal/party/login.html", next_page="portal:party_home"),
        name="party_login",
    ),
    path("", party_views.home, name="party_home"),
    path("cases/<int:case_id>/", party_views.case_progress, name="party_case"),
    path("cases/<int:case_id>/book/", party_views.booking_make, name="party_book"),
    path("bookings/<int:booking_id>/cancel/", party_views.booking_cancel, name="party_cancel"),
    path("file/", party_views.file_online, name="party_file"),
    path("cases/<int:case_id>/clue/", party_views.clue_submit, name="party_clue"),
    path("signup/", party_views.signup, name="party_signup"),
    path("documents/", party_views.documents, name="party_documents"),
    path("documents/<int:order_id>/pdf/", party_views.document_pdf, name="party_document_pdf"),
    path("cases/<int:case_id>/hearing-link/", party_views.hearing_link, name="party_hearing_link"),
    path("cases/<int:case_id>/offer/", party_views.payment_offer, name="party_offer"),
    path("cases/<int:case_id>/release/", party_views.freeze_release, name="party_release"),
    path("requests/", party_views.staff_requests, name="staff_requests"),
    path("requests/<int:request_id>/answer/", party_views.staff_request_answer, name="staff_request_answer"),
    path("notifications/", notice_views.notifications, name="party_notifications"),
    path("notifications/read/", notice_views.notifications_read, name="party_notifications_read"),
    path("mediations/", mediation_views.mediation_list, name="mediation_list"),
    path("mediations/<int:mediation_id>/", mediation_views.mediation_detail, name="mediation_detail"),
    path("mediations/<int:mediation_id>/join/", mediation_views.mediation_join, name="mediation_join"),
    path("mediations/<int:mediation_id>/sign/", mediation_views.mediation_sign, name="mediation_sign"),
    path("mediations/<int:mediation_id>/apply/", mediation_views.mediation_apply, name="mediation_apply"),
    path(
        "mediations/<int:mediation_id>/document/",
        mediation_views.mediation_document,
        name="mediation_document",
    ),
    path("duty/", party_views.duty, name="duty"),
    path("duty/<int:booking_id>/receive/", party_views.duty_receive, name="duty_receive"),
    path("reception/", reception_views.reception, name="reception"),
    path("reception/slots/", reception_views.slots_create, name="reception_slots"),
    path("reception/slots/<int:slot_id>/close/", reception_views.slot_close, name="reception_slot_close"),
    path("reception/walk-in/", reception_views.walk_in, name="reception_walk_in"),
    path("reception/cases/", reception_views.case_search, name="reception_case_search"),
]
