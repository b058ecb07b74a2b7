from django.urls import path

from enrollment.views import public as views

app_name = "public"

urlpatterns = [
    path("<slug:school>/", views.school_detail, name="school"),
    path("<slug:school>/offers/<slug:offer>/", views.offer_detail, name="offer"),
]
