from django.urls import path

from . import act_views, list_views, views

app_name = "measures"

urlpatterns = [
    path("", list_views.measure_list, name="list"),
    path("cases/<int:case_id>/propose/", views.propose, name="propose"),
    path("<int:measure_id>/decide/", views.decide, name="decide"),
    path("<int:measure_id>/carry-out/", views.carry_out, name="carry_out"),
    path("exports/", views.exports, name="exports"),
    path("exports/<int:export_id>/", views.export, name="export"),
    path("operations/", act_views.operations, name="operations"),
    path("operations/<int:operation_id>/", views.operation, name="operation"),
    path("operations/targets/<int:target_id>/", act_views.target_act, name="target_act"),
    path("cases/<int:case_id>/act/", act_views.case_act, name="case_act"),
    path("<int:measure_id>/act/", act_views.measure_act, name="measure_act"),
    path("listings/<int:listing_id>/act/", act_views.listing_act, name="listing_act"),
    path("referrals/<int:referral_id>/advance/", act_views.referral_advance, name="referral_advance"),
]
