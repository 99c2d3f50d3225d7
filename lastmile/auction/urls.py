from django.urls import path

from . import views

app_name = "auction"

urlpatterns = [
    path("", views.public_list, name="public_list"),
    path("<int:round_id>/", views.public_detail, name="public_detail"),
    path("<int:round_id>/state", views.public_state, name="public_state"),
    path("<int:round_id>/signup", views.public_signup, name="public_signup"),
    path("<int:round_id>/register", views.public_register, name="public_register"),
    path("<int:round_id>/bid", views.public_bid, name="public_bid"),
    path("staff/", views.staff_lots, name="staff_lots"),
    path("staff/lots/<int:lot_id>/", views.staff_lot, name="staff_lot"),
    path("staff/lots/<int:lot_id>/<str:action>", views.staff_act, name="staff_act"),
]
