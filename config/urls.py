from django.contrib import admin
from django.urls import include, path

from lastmile.web.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("enforcement/", include("lastmile.enforcement.urls")),
    path("filing/", include("lastmile.filing.urls")),
    path("mediation/", include("lastmile.mediation.urls")),
    path("trial/", include("lastmile.trial.urls")),
    path("service/", include("lastmile.service.urls")),
    path("funds/", include("lastmile.ledger.urls")),
    path("documents/", include("lastmile.documents.urls")),
    path("measures/", include("lastmile.measures.urls")),
    path("inquiry/", include("lastmile.inquiry.urls")),  # incl. the institutions' callback URL
    path("stats/", include("lastmile.statistics.urls")),
    path("portal/", include("lastmile.portal.urls")),
    path("", include("lastmile.web.urls")),
]
