from django.urls import path

from . import views

app_name = "trial"

urlpatterns = [
    path("", views.workbench, name="work"),
    path("batch/<slug:action>/", views.act, name="act"),
    path("judgment-batches/<int:batch_id>/", views.judgment_batch, name="judgment_batch"),
    path("judgments/<int:judgment_id>/<slug:action>/", views.judgment_act, name="judgment_act"),
    path("lawsuits/<int:lawsuit_id>/", views.lawsuit_detail, name="lawsuit"),
    path("lawsuits/<int:lawsuit_id>/act/", views.lawsuit_act, name="lawsuit_act"),
]
