from django.urls import path

from . import public_views

urlpatterns = [
    path("dishonest/", public_views.dishonest, name="public_dishonest"),
]
