"""The portal of a filing institution's staff (机构经办人): its own login, its own batches."""

from django.urls import path

from lastmile.accounts.views import ThrottledLoginView

from . import bank_views

urlpatterns = [
    path(
        "login/",
        ThrottledLoginView.as_view(template_name="portal/bank/login.html", next_page="portal:bank_home"),
        name="bank_login",
    ),
    path("", bank_views.home, name="bank_home"),
    path("batches/<int:batch_id>/", bank_views.batch, name="bank_batch"),
    path("batches/<int:batch_id>/progress/", bank_views.batch_progress, name="bank_batch_progress"),
    path("batches/<int:batch_id>/errors.csv", bank_views.batch_errors_csv, name="bank_batch_errors"),
    path("batches/<int:batch_id>/errors.xlsx", bank_views.batch_report_xlsx, name="bank_batch_report"),
]
