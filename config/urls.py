from django.contrib import admin
from django.urls import include, path, re_path

from lastmile.web.api import api, api_not_found

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found, name="api_not_found"),
    path("enforcement/", include("lastmile.enforcement.urls")),
    path("filing/", include("lastmile.filing.urls")),
    path("mediation/", include("lastmile.mediation.urls")),
    path("trial/", include("lastmile.trial.urls")),
    path("service/", include("lastmile.service.urls")),
    path("funds/", include("lastmile.ledger.urls")),
    path("documents/", include("lastmile.documents.urls")),
    path("measures/", include("lastmile.measures.urls")),
    path("inquiry/", include("lastmile.inquiry.urls")),  # incl. the institutions' callback URL
    path("takings/", include("lastmile.inquiry.urls_takings")),  # 扣押, income, 到期债权, 轮候查封
    path("valuation/", include("lastmile.valuation.urls")),
    path("stats/", include("lastmile.statistics.urls")),
    path("watch/", include("lastmile.watch.urls")),
    path("auction/", include("lastmile.auction.urls")),  # the public auction site and its staff pages
    path("portal/", include("lastmile.portal.urls")),
    path("staff/", include("lastmile.accounts.urls")),  # the 管理员's staff, departments and teams
    path("", include("lastmile.web.urls")),
]
