from django.urls import path

from . import public_views

urlpatterns = [
    path("dishonest/", public_views.dishonest, name="public_dishonest"),
    path("zhongben/", public_views.zhongben, name="public_zhongben"),
]
