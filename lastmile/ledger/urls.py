from django.urls import path

from . import list_views, views

app_name = "ledger"

urlpatterns = [
    path("cases/<int:case_id>/sheet", views.sheet, name="sheet"),
    path("cases/<int:case_id>/payouts", views.payout_request, name="payout_request"),
    path("cases/<int:case_id>/distribution", views.distribution, name="distribution"),
    path("cases/<int:case_id>/pauses", views.pause_record, name="pause_record"),
    path("cases/<int:case_id>/pauses/end", views.pause_end, name="pause_end"),
    path("payouts/<int:payout_id>/<str:action>", views.payout_action, name="payout_action"),
    path("unclaimed/", list_views.unclaimed, name="unclaimed"),
    path("receipts/", list_views.receipts, name="receipts"),
    path("payouts/", list_views.payouts, name="payouts"),
    path("receipts/<int:receipt_id>/claim", views.claim, name="claim"),
]
