"""The portal: public pages (dishonest-debtor list) and party pages (progress, booking, filing)."""

from django.urls import include, path

app_name = "portal"

urlpatterns = [
    path("public/", include("lastmile.portal.public_urls")),
    path("party/", include("lastmile.portal.party_urls")),
    path("bank/", include("lastmile.portal.bank_urls")),
]
