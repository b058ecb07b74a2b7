from django.urls import path

from enrollment.views import public as views

app_name = "public"

urlpatterns = [
    path("<slug:school>/", views.school_detail, name="school"),
    path("<slug:school>/catalogue.pdf", views.catalogue_pdf, name="catalogue_pdf"),
    path("<slug:school>/offers/<slug:offer>/", views.offer_detail, name="offer"),
]
