from django.urls import path

from lastmile.accounts.views import ThrottledLoginView

from . import party_views

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
    path("duty/", party_views.duty, name="duty"),
    path("duty/<int:booking_id>/receive/", party_views.duty_receive, name="duty_receive"),
]
