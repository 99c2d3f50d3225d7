from django.urls import path

from . import views

app_name = "statistics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("report/", views.report, name="report"),
    path("report.pdf", views.report_pdf, name="report_pdf"),
    path("financial/", views.financial, name="financial"),
    path("financial.xlsx", views.financial_xlsx, name="financial_xlsx"),
]
