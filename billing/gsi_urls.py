"""The GSI report of one school for office staff and the principal: /office/<school>/billing/gsi/"""

from django.urls import path

from billing import gsi_views as views

app_name = "gsi"

urlpatterns = [
    path("<slug:school>/billing/gsi/", views.GsiReportView.as_view(), name="report"),
    path(
        "<slug:school>/billing/gsi/gsi.csv",
        views.GsiExportView.as_view(kind="csv"),
        name="csv",
    ),
    path(
        "<slug:school>/billing/gsi/gsi.xlsx",
        views.GsiExportView.as_view(kind="xlsx"),
        name="xlsx",
    ),
]
